"""BCE of sigmoid outputs and ∂L/∂ξ = (ŷ − y)/n, with ŷ ∈ {1/4, 1/3, 1/2, 2/3, 3/4} in the exam profile."""
import numpy as np

from examgen.engine import losses, ops
from examgen.sampling import exact

EXAM_YHAT = ("1/4", "1/3", "1/2", "2/3", "3/4")  # ŷ and 1 − ŷ have no prime but 2 and 3: L mixes ln 2, ln 3


def draw(rng, options):
    n = rng.size(1, 4)
    if rng.exam:
        return {"y": rng.ints(0, 1, n), "yhat": exact([rng.choice(EXAM_YHAT) for _ in range(n)])}
    return {"y": rng.ints(0, 1, n), "yhat": rng.decimals(0.02, 0.98, n)}


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
