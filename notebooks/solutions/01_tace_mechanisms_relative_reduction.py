from hcckit import checks


def relative_reduction(control, treated):
    """Relative reduction of `treated` against `control`, in % (negative = an increase)."""
    return 100 * (control - treated) / control


checks.relative_reduction(relative_reduction)
