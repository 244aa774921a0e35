from hcckit import checks


def hr_from_medians(control_median, experimental_median):
    """Hazard ratio (experimental vs control) implied by two medians under exponential survival.

    Args:
        control_median (float): median of the control arm (months)
        experimental_median (float): median of the experimental arm (months)

    Returns:
        float: the hazard ratio; < 1 favours the experimental arm
    """
    # exponential survival: hazard = log(2) / median, so the log(2)s cancel in the ratio
    return control_median / experimental_median


checks.hr_from_medians(hr_from_medians)
