from hcckit import checks


def grim_possible(percent, n, decimals):
    """Is `percent` (printed with `decimals` decimals) possible for `n` patients? (GRIM test)

    Args:
        percent: the percentage as printed (%), e.g. 54.5
        n: number of patients (the denominator)
        decimals: how many decimals the percentage is printed with
    Returns:
        True if some whole number of patients k (0..n) gives 100 * k / n that rounds to `percent`.
    """
    for k in range(n + 1):
        if round(100 * k / n, decimals) == round(percent, decimals):
            return True
    return False


checks.grim_possible(grim_possible)
