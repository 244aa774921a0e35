# Reference solution for the exercise in 04_evidence_explorer.ipynb.
# Load it into the exercise cell with:  %load solutions/04_evidence_explorer_log_hr_se.py
import math

from scipy.stats import norm

from hcckit import checks


def log_hr_se(ci_low, ci_high, level):
    """Standard error of log(HR) from a two-sided confidence interval printed at `level`.

    Args:
        ci_low, ci_high: the printed interval on the HR scale (both > 0).
        level: its confidence level, e.g. 0.95 or 0.90.
    Returns:
        SE of the natural log of the HR (a number, no unit).
    """
    z = norm.ppf(0.5 + level / 2)  # 1.960 for 95 %, 1.645 for 90 %
    return (math.log(ci_high) - math.log(ci_low)) / (2 * z)


checks.log_hr_se(log_hr_se)
