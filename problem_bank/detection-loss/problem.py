"""L = L_c + L_r over n anchors; exam ŷ_c ∈ {1/4, 1/3, 1/2, 2/3, 3/4}, regression values on a ½ grid."""
import numpy as np

from examgen.engine import detection, losses, ops
from examgen.sampling import exact

EXAM_YHAT = ("1/4", "1/3", "1/2", "2/3", "3/4")


def draw(rng, options):
    """n = 2–4 anchors (exam; 2–5 in drill), at least one with an object and one without (L_r is
    defined, and averaging over all n anchors differs from averaging over the positive ones)."""
    n = rng.size(2, 4) if rng.exam else rng.size(2, 5)
    positives = rng.size(1, n - 1)
    y_c = rng.array([int(k < positives) for k in rng.permutation(n)])
    if rng.exam:
        yhat_c = exact([rng.choice(EXAM_YHAT) for _ in range(n)])
        y_r, yhat_r = rng.grid(-1, 1, "1/2", (n, 4)), rng.grid(-1, 1, "1/2", (n, 4))
    else:
        yhat_c = rng.decimals(0.02, 0.98, n)
        y_r, yhat_r = rng.decimals(-1, 1, (n, 4)), rng.decimals(-1, 1, (n, 4))
    return {"y_c": y_c, "yhat_c": yhat_c, "y_r": y_r, "yhat_r": yhat_r}


def validate(p):
    y_c, yhat_c = ops.to_float(p["y_c"]), ops.to_float(p["yhat_c"])
    if np.any((y_c != 0) & (y_c != 1)):
        raise ValueError("the classifier targets y_c must be 0 or 1")
    if np.any((yhat_c <= 0) | (yhat_c >= 1)):
        raise ValueError("the classifier outputs yhat_c must lie strictly between 0 and 1")


def solve(p):
    s = detection.detection_loss(p["y_c"], p["yhat_c"], p["y_r"], p["yhat_r"])
    # Exact sums of logs shown as one log each, e.g. ln(4/3)/2 + ln(3/2)/2 → ln(2)/2.
    s["bce_terms"], s["L_c"] = losses.combine_logs(s["bce_terms"]), losses.combine_logs(s["L_c"])
    s["L"] = s["L_c"] + s["L_r"]
    return s


def mistake_lr_over_all_anchors(p, s):
    if s["n_pos"] == s["n"] or s["n_pos"] == 0:
        return None  # every anchor positive: the two averages agree
    L_r = s["L_r"] * s["n_pos"] / s["n"]
    return {"L_r": L_r, "L": s["L_c"] + L_r}


def mistake_lr_without_half(p, s):
    return {"L_r": 2 * s["L_r"], "L": s["L_c"] + 2 * s["L_r"]}


def mistake_lc_not_averaged(p, s):
    L_c = s["L_c"] * s["n"]
    return {"L_c": L_c, "L": L_c + s["L_r"]}


# Error carried forward: each part recomputed from the student's own earlier answers.
def carry_L(p, given):
    return given["L_c"] + given["L_r"]
