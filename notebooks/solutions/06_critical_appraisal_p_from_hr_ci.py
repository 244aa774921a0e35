from hcckit import checks


def p_from_hr_ci(hr, low, high, level):
    """Two-sided p-value implied by a hazard ratio and its confidence interval (Altman & Bland).

    Args:
        hr: the hazard ratio as printed
        low, high: the limits of its confidence interval
        level: the confidence level (0.95 for a 95 % CI, 0.90 for a 90 % CI)
    Returns:
        the two-sided p-value (a number between 0 and 1)
    """
    from math import log

    from scipy.stats import norm

    z_level = norm.ppf(1 - (1 - level) / 2)  # 1.96 for a 95 % CI
    se = (log(high) - log(low)) / (2 * z_level)  # standard error of ln(HR)
    z = log(hr) / se
    return 2 * norm.sf(abs(z))


checks.p_from_hr_ci(p_from_hr_ci)
