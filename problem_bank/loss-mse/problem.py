"""MSE over n examples and ∂L/∂ŷ, with halves and small integers in the exam profile."""
from examgen.engine import losses


def draw(rng, options):
    n, K = rng.size(1, 3), rng.size(1, 3)
    if rng.exam:
        return {"y": rng.ints(-1, 2, (n, K)), "yhat": rng.grid(-2, 2, "1/2", (n, K))}
    return {"y": rng.decimals(-2, 2, (n, K)), "yhat": rng.decimals(-2, 2, (n, K))}


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
