from hcckit import checks


def rmst_from_steps(times, survival, tau):
    """Restricted mean survival time (months): area under a Kaplan-Meier step curve up to tau.

    Args:
        times (list of float): months where the curve steps, starting at 0
        survival (list of float): survival (0-1) from each time until the next one
        tau (float): horizon (months)

    Returns:
        float: RMST in months
    """
    area = 0.0
    for i, start in enumerate(times):
        if start >= tau:
            break
        end = times[i + 1] if i + 1 < len(times) else tau
        area += (min(end, tau) - start) * survival[i]
    return area


checks.rmst_from_steps(rmst_from_steps)
