"""h = g(ξ) and g′(ξ) for sigmoid, tanh and ReLU, at values whose answers are exact fractions."""
import numpy as np

from examgen.engine import activations, ops
from examgen.sampling import exact


def draw(rng, options):
    activation, shape = options["activation"], rng.choice([(), (2,), (3,)])
    if not rng.exam:
        xi = rng.decimals(-3, 3, shape, nonzero=True)
    elif activation == "sigmoid":
        xi = rng.log_ratios(shape, ratios=(2, 3, 4))
    elif activation == "tanh":
        xi = rng.log_ratios(shape, ratios=(2, 3), allow_zero=False)
    else:  # ReLU: one entry positive and ≠ 1, so that using g for g′ shows
        positive = exact(rng.choice(["1/2", "3/2", "2", "5/2", "3"]))
        if not shape:
            return {"activation": activation, "xi": positive}
        xi = rng.grid(-3, 3, "1/2", shape, nonzero=True)
        xi[rng.size(0, shape[0] - 1)] = positive
    return {"activation": activation, "xi": xi}


def validate(p):
    if p["activation"] == "relu" and np.any(ops.to_float(p["xi"]) == 0):
        raise ValueError("ReLU has no derivative at ξ = 0 (the kink): choose ξ ≠ 0")


def solve(p):
    g, g_prime = activations.activation(p["activation"])
    xi = p["xi"]
    out = {"h": g(xi), "dh_dxi": g_prime(xi)}
    if p["activation"] == "sigmoid":
        out["exp_neg_xi"] = ops.exp(-xi)
    if p["activation"] == "tanh":
        out["exp_neg_2xi"] = ops.exp(-2 * xi)
    return out


def mistake_activation_for_derivative(p, s):
    return {"dh_dxi": s["h"]}


def mistake_other_derivative_formula(p, s):
    h = s["h"]
    if p["activation"] == "sigmoid":
        return {"dh_dxi": 1 - h * h}
    if p["activation"] == "tanh":
        return {"dh_dxi": h * (1 - h)}
    return None  # ReLU has no look-alike formula


# Error carried forward: each part recomputed from the student's own earlier answers.
def carry_dh_dxi(p, given):
    """σ′ = h(1 − h), tanh′ = 1 − h², ReLU′ = u(ξ) (the step of h > 0), from the student's h."""
    h = given["h"]
    return {"sigmoid": lambda: h * (1 - h), "tanh": lambda: 1 - h * h, "relu": lambda: ops.step(h)}[p["activation"]]()
