"""BCE of sigmoid outputs and ∂L/∂ξ = (ŷ − y)/n, with ŷ ∈ {1/4, 1/3, 1/2, 2/3, 3/4} in the exam profile."""
import sys

import numpy as np

from examgen.engine import losses, ops
from examgen.sampling import exact, mistakes_show

EXAM_YHAT = ("1/4", "1/3", "1/2", "2/3", "3/4")


def sample(draw, options):
    n = draw.size(1, 4)
    while True:
        y = draw.ints(0, 1, n)
        if draw.exam:
            yhat = exact([draw.choice(EXAM_YHAT) for _ in range(n)])
        else:
            yhat = draw.decimals(0.02, 0.98, n)
        p = {"y": y, "yhat": yhat}
        s = solve(p)
        if mistakes_show(sys.modules[__name__], p, s, every_part=True):
            return p


def validate(p):
    y, yhat = ops.to_float(p["y"]), ops.to_float(p["yhat"])
    if np.any((y < 0) | (y > 1)):
        raise ValueError("the targets y must lie in [0, 1] (binary labels 0 or 1)")
    if np.any((yhat <= 0) | (yhat >= 1)):
        raise ValueError("the sigmoid outputs yhat must lie strictly between 0 and 1")


def solve(p):
    y, yhat = p["y"], p["yhat"]
    n = y.shape[0]
    # Each example's own loss −[y ln ŷ + (1 − y) ln(1 − ŷ)], shown in the worked solution.
    terms = ops.asarray([losses.combine_logs(losses.bce(y[i:i + 1], yhat[i:i + 1])) for i in range(n)])
    return {"n": n, "terms": terms, "L": losses.combine_logs(losses.bce(y, yhat)),
            "dL_dyhat": losses.dL_dyhat("bce", y, yhat),
            "sigma_prime": yhat * (1 - yhat),
            "dL_dxi": losses.dL_dxi("bce", "sigmoid", y, yhat)}


mistake_no_average, mistake_averaged_twice = losses.average_mistakes(("L", "dL_dxi"))  # None when n = 1


def mistake_stopped_at_dL_dyhat(p, s):
    return {"dL_dxi": s["dL_dyhat"]}


def mistake_gradient_sign(p, s):
    return {"dL_dxi": -s["dL_dxi"]}
