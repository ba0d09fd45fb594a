"""MSE over n examples and ∂L/∂ŷ, with halves and small integers in the exam profile."""
import sys

from examgen.engine import losses
from examgen.sampling import mistakes_show


def sample(draw, options):
    n, K = draw.size(1, 3), draw.size(1, 3)
    while True:
        if draw.exam:
            p = {"y": draw.ints(-1, 2, (n, K)), "yhat": draw.grid(-2, 2, "1/2", (n, K))}
        else:
            p = {"y": draw.decimals(-2, 2, (n, K)), "yhat": draw.decimals(-2, 2, (n, K))}
        s = solve(p)
        if mistakes_show(sys.modules[__name__], p, s, every_part=True):
            return p


def solve(p):
    y, yhat = p["y"], p["yhat"]
    e = yhat - y
    return {"n": y.shape[0], "e": e, "sq_norms": (e * e).sum(axis=1),
            "L": losses.mse(y, yhat), "dL_dyhat": losses.dL_dyhat("mse", y, yhat)}


mistake_no_average, mistake_averaged_twice = losses.average_mistakes(("L", "dL_dyhat"))  # None when n = 1


def mistake_half_dropped(p, s):
    return {"L": 2 * s["L"], "dL_dyhat": 2 * s["dL_dyhat"]}


def mistake_gradient_sign(p, s):
    return {"dL_dyhat": -s["dL_dyhat"]}
