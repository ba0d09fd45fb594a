"""h = g(ξ) and g′(ξ) for sigmoid, tanh and ReLU, at values whose answers are exact fractions."""
import numpy as np

from examgen.engine import activations, ops


def sample(draw, options):
    activation = options.get("activation") or draw.choice(activations.HIDDEN)
    shape = draw.choice([(), (2,), (3,)])
    while True:
        if not draw.exam:
            xi = draw.decimals(-3, 3, shape, nonzero=True)
        elif activation == "sigmoid":
            xi = draw.log_ratios(shape, ratios=(2, 3, 4))
        elif activation == "tanh":
            xi = draw.log_ratios(shape, ratios=(2, 3), allow_zero=False)
        else:
            xi = draw.grid(-3, 3, "1/2", shape, nonzero=True)
        # ReLU: at least one positive ξ ≠ 1, so that using g for g′ shows.
        xs = ops.to_float(xi)
        if activation != "relu" or np.any((np.atleast_1d(xs) > 0) & (np.atleast_1d(xs) != 1)):
            return {"activation": activation, "xi": xi}


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
