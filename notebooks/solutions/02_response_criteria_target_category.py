from hcckit import checks


def target_category(sum_tenth_mm, baseline_tenth_mm, nadir_tenth_mm):
    """RECIST 1.1 target-lesion category ("PR", "SD" or "PD") from sums in tenths of a mm.

    Args:
        sum_tenth_mm (int): sum of target diameters at this visit (tenths of a mm).
        baseline_tenth_mm (int): sum at baseline (tenths of a mm).
        nadir_tenth_mm (int): smallest earlier sum, baseline included (tenths of a mm).

    Returns:
        str: "PD", "PR" or "SD".
    """
    s, b, n = sum_tenth_mm, baseline_tenth_mm, nadir_tenth_mm
    # every target had vanished (nadir 0): any reappearance is PD whatever its size
    if n == 0 and s > 0:
        return "PD"
    # PD first: an increase of >= 20 % over the nadir AND of at least 5 mm (50 tenths)
    if s > n and 5 * s >= 6 * n and s - n >= 50:
        return "PD"
    # PR: the sum is <= 70 % of the baseline sum (10 * s <= 7 * b, exact on integers)
    if 10 * s <= 7 * b:
        return "PR"
    return "SD"


checks.target_category(target_category)
