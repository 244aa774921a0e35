"""The SYNTHETIC liver phantom: the ground-truth diameters are what the pixels show.

Diameters are measured in the images themselves - thresholding the (Gaussian-smoothed, sigma 1 pixel) pixels
halfway between tissues, then the longest chord (Feret diameter) of the lesion's pixels and its
extent perpendicular to that chord - never by reading the shape parameters back.
"""

from __future__ import annotations

import numpy as np
import pytest
from scipy import ndimage

from hcckit.imaging import phantom
from hcckit.imaging.phantom import HU, SYNTHETIC, load_case

ENGINE_COLUMNS = [
    "patient",
    "lesion",
    "day",
    "kind",
    "organ",
    "ld_mm",
    "viable_ld_mm",
    "perp_mm",
    "viable_perp_mm",
    "status",
]


@pytest.fixture(scope="module")
def case():
    return load_case()


def _smooth(img):
    return ndimage.gaussian_filter(img.astype(float), 1.0, mode="nearest")


def _component(mask, centre):
    labels, _n = ndimage.label(mask)
    lab = labels[int(round(centre[0])), int(round(centre[1]))]
    assert lab > 0, "the lesion centre is not in the thresholded region"
    return labels == lab


def _largest(mask):
    labels, n = ndimage.label(mask)
    if n == 0:
        return mask
    sizes = ndimage.sum(mask, labels, range(1, n + 1))
    return labels == (1 + int(np.argmax(sizes)))


#: tolerance (mm): one voxel's in-plane diagonal (1 mm pixels). A diameter read from pixel centres
#: is quantised to the pixel grid (a rotated 12 mm nodule reads up to ~1.2 mm short)
VOXEL_MM = 2**0.5


def feret(mask):
    """(longest diameter, greatest perpendicular diameter) of a lesion mask, mm (1 mm pixels).

    The longest chord between the mask's pixel centres, and the extent of the mask perpendicular
    to that chord.
    """
    edge = mask & ~ndimage.binary_erosion(mask)
    pts = np.argwhere(edge).astype(float)
    d = np.sqrt(((pts[:, None, :] - pts[None, :, :]) ** 2).sum(-1))
    i, j = np.unravel_index(np.argmax(d), d.shape)
    axis = (pts[j] - pts[i]) / d[i, j]
    normal = np.array([-axis[1], axis[0]])
    proj = np.argwhere(mask).astype(float) @ normal
    return float(d[i, j]), float(proj.max() - proj.min())


def whole_lesion_mask(case, row):
    """Whole lesion on its slice: far from liver on the arterial phase, or necrotic on the portal-venous.

    (Viable tumour is 20 HU below liver on the portal-venous phase: too little contrast for a clean
    threshold, so the viable-liver border is taken from the arterial phase, where it is 50 HU.)
    """
    k = int(row["slice"])
    art = _smooth(case.scan(row["day"], "arterial").pixels[k])
    pv = _smooth(case.scan(row["day"], "portal_venous").pixels[k])
    liver_a, liver_p = HU["liver"]
    necrosis = HU["necrosis"][1]
    mask = (np.abs(art - liver_a) > 20) | (pv < (necrosis + HU["viable"][1]) / 2 + 10) | (pv > 250)
    return ndimage.binary_fill_holes(_component(mask, row["centre_rc"]))


def viable_mask(case, row):
    """Enhancing part: lesion pixels above halfway necrosis-viable on the arterial phase, below Lipiodol."""
    k = int(row["slice"])
    art = _smooth(case.scan(row["day"], "arterial").pixels[k])
    inside = whole_lesion_mask(case, row)
    enh = (art > (HU["necrosis"][0] + HU["viable"][0]) / 2) & (art < 250) & inside
    return _largest(enh)


def measurable_rows(case):
    t = case.truth
    return [r for r in t.to_dict("records") if r["organ"] != "portal_vein"]


def test_cases_and_labels(case):
    assert "tace_response" in phantom.cases()
    assert case.synthetic is True and SYNTHETIC in case.truth["patient"].iloc[0]
    assert set(case.scans) == {(d, p) for d in case.days for p in case.phases}
    assert case.days == (0, 42, 84) and case.phases == ("arterial", "portal_venous")
    for (day, phase), scan in case.scans.items():
        assert "SYNTHETIC" in scan.label and scan.synthetic is True
        assert scan.day == day and scan.phase == phase
        assert scan.pixels.dtype == np.int16 and scan.pixels.ndim == 3
        assert 12 <= scan.shape[0] <= 20 and scan.shape[1:] == (192, 192)
        assert scan.spacing_mm == (5.0, 1.0, 1.0)
        assert len(scan.to_bytes()) <= 1.5 * 1024 * 1024
        assert not scan.pixels.flags.writeable


def test_synthetic_is_burnt_into_every_slice(case):
    mask = phantom._label_mask()
    assert mask.sum() > 100
    for scan in case.scans.values():
        assert (scan.pixels[:, mask] == 1000).all()
        # the label sits in air, away from the anatomy
        r, c = np.argwhere(mask).max(0)
        ring = scan.pixels[:, r + 2 : r + 4, : c + 1]
        assert ring.mean() < -900


def test_truth_has_the_engine_columns_and_extras(case):
    t = case.truth
    assert list(t.columns) == [*ENGINE_COLUMNS, "name", "slice", "centre_rc", "note"]
    assert set(t["lesion"]) == {"A", "B", "PVTT", "N1", "N2"}
    assert set(t.loc[t["kind"] == "new", "status"]) == {"typical", "atypical"}
    assert (t.loc[t["kind"] == "new", "day"] == 84).all()
    assert (t.loc[t["lesion"] == "PVTT", "organ"] == "portal_vein").all()


def test_deterministic_and_cached(case):
    again = load_case(seed=0)
    assert again.scans[(0, "arterial")] is case.scans[(0, "arterial")]
    other = load_case(seed=1)
    a, b = case.scan(42, "arterial").pixels, other.scan(42, "arterial").pixels
    assert not np.array_equal(a, b)
    assert np.abs(a.astype(int) - b.astype(int)).mean() < 20  # only the noise differs
    assert other.truth.drop(columns="centre_rc").equals(case.truth.drop(columns="centre_rc"))
    again.truth.loc[0, "ld_mm"] = 999.0  # a copy: the cached case is untouched
    assert load_case().truth.loc[0, "ld_mm"] != 999.0


@pytest.mark.parametrize("idx", range(8))
def test_whole_lesion_diameters_are_what_the_pixels_show(case, idx):
    rows = measurable_rows(case)
    row = rows[idx]
    ld, perp = feret(whole_lesion_mask(case, row))
    assert abs(ld - row["ld_mm"]) <= VOXEL_MM, (row["lesion"], row["day"], ld, row["ld_mm"])
    assert abs(perp - row["perp_mm"]) <= VOXEL_MM, (row["lesion"], row["day"], perp, row["perp_mm"])


@pytest.mark.parametrize("idx", range(8))
def test_viable_diameters_are_what_the_pixels_show(case, idx):
    row = measurable_rows(case)[idx]
    mask = viable_mask(case, row)
    if row["viable_ld_mm"] == 0:
        assert mask.sum() <= 2, f"{row['lesion']} day {row['day']} should not enhance"
        return
    ld, perp = feret(mask)
    assert abs(ld - row["viable_ld_mm"]) <= VOXEL_MM, (row["lesion"], row["day"], ld, row["viable_ld_mm"])
    assert abs(perp - row["viable_perp_mm"]) <= VOXEL_MM, (
        row["lesion"],
        row["day"],
        perp,
        row["viable_perp_mm"],
    )


def test_longest_diameter_is_on_the_truth_slice(case):
    row = next(r for r in measurable_rows(case) if r["lesion"] == "A" and r["day"] == 0)
    centre = feret(whole_lesion_mask(case, row))[0]
    for dk in (-1, 1):
        other = dict(row, slice=row["slice"] + dk)
        assert feret(whole_lesion_mask(case, other))[0] < centre


def test_lipiodol_is_bright_on_every_phase_and_not_viable(case):
    row = next(r for r in measurable_rows(case) if r["lesion"] == "A" and r["day"] == 42)
    k = row["slice"]
    inside = whole_lesion_mask(case, row)
    for phase in case.phases:
        px = case.scan(42, phase).pixels[k]
        bright = (px > 300) & inside
        assert bright.sum() > 50
    before = case.scan(0, "arterial").pixels[k][whole_lesion_mask(case, dict(row, day=0))]
    assert (before > 300).sum() == 0
    # the viable part measured by thresholding excludes the deposit
    assert not (viable_mask(case, row) & (_smooth(case.scan(42, "arterial").pixels[k]) > 300)).any()


def _mean_in(case, lesion, day, phase):
    row = next(r for r in measurable_rows(case) if r["lesion"] == lesion and r["day"] == day)
    mask = ndimage.binary_erosion(whole_lesion_mask(case, row), iterations=2)
    return float(case.scan(day, phase).pixels[row["slice"]][mask].mean())


def _liver_mean(case, day, phase, rc=(120, 100), k=8):
    r, c = rc
    return float(case.scan(day, phase).pixels[k, r - 5 : r + 5, c - 5 : c + 5].mean())


def test_new_nodules_typical_washout_atypical_none(case):
    liver_a, liver_p = _liver_mean(case, 84, "arterial"), _liver_mean(case, 84, "portal_venous")
    assert _mean_in(case, "N1", 84, "arterial") > liver_a + 30  # arterial hyperenhancement
    assert _mean_in(case, "N1", 84, "portal_venous") < liver_p - 10  # washout
    assert _mean_in(case, "N2", 84, "arterial") > liver_a + 25
    assert _mean_in(case, "N2", 84, "portal_venous") > liver_p - 5  # no washout
    for day in (0, 42):  # new: absent before day 84
        n1 = next(r for r in measurable_rows(case) if r["lesion"] == "N1")
        r, c = (int(v) for v in n1["centre_rc"])
        assert (
            abs(case.scan(day, "arterial").pixels[n1["slice"], r - 2 : r + 3, c - 2 : c + 3].mean() - liver_a)
            < 10
        )


def test_vessels_and_thrombus(case):
    art, pv = case.scan(0, "arterial").pixels, case.scan(0, "portal_venous").pixels
    aorta = (slice(None), slice(146, 155), slice(124, 133))
    assert art[aorta].mean() > 250 and pv[aorta].mean() < art[aorta].mean() - 80
    t = case.truth
    pvtt = t[t["lesion"] == "PVTT"].iloc[0]
    r, c = (int(round(v)) for v in pvtt["centre_rc"])
    k = int(pvtt["slice"])
    thrombus = pv[k, r - 1 : r + 2, c - 1 : c + 2].mean()
    (r0, c0), (r1, c1) = phantom._PV_BRANCH[0], phantom._PV_BRANCH[1]
    rp, cp = int(round(r0 + 0.9 * (r1 - r0))), int(round(c0 + 0.9 * (c1 - c0)))  # patent lumen
    lumen = pv[k, rp - 1 : rp + 2, cp - 1 : cp + 2].mean()
    assert lumen > 150 and thrombus < lumen - 60  # filling defect in the bright portal vein


def test_necrosis_does_not_enhance(case):
    assert _mean_in(case, "B", 42, "arterial") < 50 and _mean_in(case, "B", 42, "portal_venous") < 50
    assert _mean_in(case, "B", 0, "arterial") > 110  # viable before TACE


def test_bad_arguments():
    with pytest.raises(ValueError, match="name"):
        load_case("nope")
    with pytest.raises(ValueError, match="seed"):
        load_case(seed=-1)
    with pytest.raises(TypeError, match="name"):
        load_case(3)
    case = load_case()
    with pytest.raises(ValueError, match="day"):
        case.scan(7, "arterial")
    with pytest.raises(ValueError, match="phase"):
        case.scan(0, "delayed")
