import math
from fractions import Fraction


def number_needed_to_harm(count_a, n_a, count_b, n_b):
    """Patients given arm A instead of arm B for one extra patient with the event (rounded up)."""
    difference = Fraction(count_a, n_a) - Fraction(
        count_b, n_b
    )  # exact: floats give 30.000000000000007 for 5/60 vs 3/60
    if difference <= 0:
        return math.inf
    return math.ceil(1 / difference)


checks.number_needed_to_harm(number_needed_to_harm)  # noqa: F821 - `checks` comes from the notebook's setup cell
