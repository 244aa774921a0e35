"""hcckit.survival as a package: light imports, its modules, ``level`` for ``alpha``, ``ci_low``/``ci_high``/``level``.

The old names (``alpha=``, ``.ci_lower``, ``.ci_upper``, ``.ci_level``) still work, with a
``DeprecationWarning``, and give exactly the same numbers.
"""

from __future__ import annotations

import dataclasses
import importlib
import subprocess
import sys
import warnings

import numpy as np
import pytest

from hcckit import survival

MODULES = ("analysis", "models", "published", "reconstruction", "results", "_validate", "_format")


def test_import_hcckit_stays_light():
    code = (
        "import sys, hcckit; print(any(m in sys.modules for m in ('lifelines', 'scipy', 'altair', 'pandas')))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"


def test_importing_survival_does_not_import_lifelines():
    code = "import sys, hcckit.survival; print('lifelines' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"


@pytest.fixture(scope="module")
def arms():
    a = survival.synthesize_arm(60, median=6.0, accrual=12, follow_up=6, seed=1, arm="A")
    b = survival.synthesize_arm(60, median=9.0, accrual=12, follow_up=6, seed=2, arm="B")
    return survival.concat_arms([a, b])


@pytest.mark.parametrize("name", MODULES)
def test_every_module_says_what_it_holds(name):
    mod = importlib.import_module(f"hcckit.survival.{name}")
    assert mod.__doc__ and mod.__doc__.strip()
    assert isinstance(mod.__all__, list)
    for public in mod.__all__:
        assert getattr(survival, public) is getattr(mod, public), public


def test_package_exports_every_public_name_once():
    assert len(survival.__all__) == len(set(survival.__all__))
    for name in survival.__all__:
        assert hasattr(survival, name), name


@pytest.mark.parametrize(
    ("fn", "kwargs"),
    [
        (survival.km_table, {}),
        (survival.landmark_survival, {"times": [3, 6, 12]}),
        (survival.hazard_ratio, {}),
        (survival.rmst_difference, {}),
        (survival.compare_arms, {}),
    ],
)
@pytest.mark.parametrize(("level", "alpha"), [(0.95, 0.05), (0.9, 0.1), (0.8, 0.2), (0.99, 0.01)])
def test_level_gives_the_same_numbers_as_the_old_alpha(arms, fn, kwargs, level, alpha):
    new = fn(arms, level=level, **kwargs)
    with pytest.warns(DeprecationWarning, match="alpha is now level"):
        old = fn(arms, alpha=alpha, **kwargs)
    if hasattr(new, "equals"):
        assert new.equals(old)
    else:
        assert repr(new) == repr(old)  # bit-identical floats, same fields


def test_median_and_rmst_take_level(arms):
    one = arms[arms["arm"] == "A"]
    for fn, kwargs in ((survival.median_survival, {}), (survival.rmst, {"tau": 12})):
        r = fn(one, level=0.9, **kwargs)
        assert r.level == 0.9 and r.ci_low < r.ci_high
        with pytest.warns(DeprecationWarning):
            assert fn(one, alpha=0.1, **kwargs) == r


def test_default_level_is_095_and_no_warning(arms):
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        res = survival.compare_arms(arms)
    assert res.hazard_ratio.level == 0.95 and all(m.level == 0.95 for m in res.medians)
    assert "95% CI" in res.hazard_ratio.text


def test_level_and_alpha_together_is_an_error(arms):
    with pytest.raises(TypeError, match="give level or the old alpha"):
        survival.km_table(arms, level=0.9, alpha=0.1)


@pytest.mark.parametrize("bad", [0, 1, 1.5, -0.1, float("nan")])
def test_level_outside_0_1_is_named(arms, bad):
    with pytest.raises(ValueError, match=r"^level: must be strictly between 0 and 1"):
        survival.km_table(arms, level=bad)


def test_level_near_1_keeps_its_tail_exact(arms):
    # the tail 1 - level comes from the level as written: 0.9999999999 is a tail of 1e-10 exactly
    with pytest.warns(DeprecationWarning):
        old = survival.rmst_difference(arms, alpha=1e-10)
    assert survival.rmst_difference(arms, level=0.9999999999) == old


def test_result_fields_renamed_with_warning_aliases(arms):
    res = survival.compare_arms(arms)
    for r in (res.hazard_ratio, res.medians[0], res.rmst.arm, res.rmst):
        fields = {f.name for f in dataclasses.fields(r)}
        assert {"ci_low", "ci_high"} <= fields and not fields & {"ci_lower", "ci_upper", "ci_level"}
        with pytest.warns(DeprecationWarning, match=r"\.ci_lower is now \.ci_low"):
            assert r.ci_lower == r.ci_low
        with pytest.warns(DeprecationWarning, match=r"\.ci_upper is now \.ci_high"):
            assert r.ci_upper == r.ci_high
    for r in (res.hazard_ratio, res.medians[0], res.rmst.arm):
        with pytest.warns(DeprecationWarning, match=r"\.ci_level is now \.level"):
            assert r.ci_level == r.level == 0.95
    with pytest.raises(AttributeError):
        res.hazard_ratio.ci_lower = 1.0  # read-only


def test_published_effect_uses_the_new_fields():
    eff = survival.published_effect("yan2025_tace_bev", endpoint="PFS")
    assert (eff.ci_low, eff.ci_high, eff.level) == (0.37, 0.91, 0.95)
    assert np.isfinite(eff.hazard_ratio)


def test_returned_frames_name_bounds_ci_low_ci_high(arms):
    old = {"ci_lower", "ci_upper", "ci_level"}
    published = survival.published_points(survival.published_arms("yan2025_tace_bev", endpoint="PFS"))
    data = survival.synthesize_published("yan2025_tace_bev", endpoint="PFS")
    frames = {
        "km_table": (survival.km_table(arms), {"ci_low", "ci_high"}),
        "landmark_survival": (survival.landmark_survival(arms, times=[3, 6]), {"ci_low", "ci_high"}),
        "published_points": (published, {"time_ci_low", "time_ci_high", "ci_low", "ci_high"}),
        "compare_published": (
            survival.compare_published(data, published=published),
            {"published_ci_low", "published_ci_high", "reconstructed_ci_low", "reconstructed_ci_high"},
        ),
        "ArmComparison.table": (survival.compare_arms(arms).table(), {"median_ci_low", "median_ci_high"}),
    }
    for name, (frame, bounds) in frames.items():
        assert bounds <= set(frame.columns), name
        assert not any(c.endswith(("_lower", "_upper")) or c in old for c in frame.columns), name


def test_compare_published_reads_old_point_columns_with_a_warning():
    published = survival.published_points(survival.published_arms("yan2025_tace_bev", endpoint="PFS"))
    data = survival.synthesize_published("yan2025_tace_bev", endpoint="PFS")
    saved = published.rename(
        columns={"ci_low": "ci_lower", "ci_high": "ci_upper", "time_ci_high": "time_ci_upper"}
    )
    with pytest.warns(DeprecationWarning, match=r"the column ci_lower is now ci_low"):
        old = survival.compare_published(data, published=saved)
    assert old.equals(survival.compare_published(data, published=published))
