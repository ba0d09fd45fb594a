"""Back-propagation through time in a scalar RNN, L = ½ Σ_n (h[n] − y[n])², and one gradient-descent
step on the weights. Exam: at most 3 steps, whose excitations are chosen first (0 or ±ln q for
sigmoid/tanh, halves for linear; examgen.sequence_draws), so the chain of g′ factors stays short."""
import numpy as np

from examgen.engine import ops, rnn
from examgen.sampling import exact
from examgen.sequence_draws import rnn_sequence, rnn_targets

EXAM_ETA = ("1/2", "1", "2")


def draw(rng, options):
    activation = options["activation"]
    x, w = rnn_sequence(rng, activation, max_T=3 if rng.exam else 4)
    eta = exact(rng.choice(EXAM_ETA)) if rng.exam else rng.decimals(0.05, 0.5)
    return {"x": x, "w": w, "activation": activation, "y": rnn_targets(rng, activation, len(x)), "eta": eta}


def validate(p):
    if np.ndim(p["w"]) != 1 or len(p["w"]) < 1:
        raise ValueError("w must be a list [w[1], …, w[M−1]] of lag weights with at least one lag")
    if np.shape(p["x"]) != np.shape(p["y"]):
        raise ValueError(f"x and y must have the same length T (got {len(p['x'])} and {np.size(p['y'])})")
    if not ops.to_float(p["eta"]) > 0:
        raise ValueError("the learning rate eta must be positive")


def solve(p):
    s = rnn.bptt(p["x"], p["w"], p["y"], p["activation"])
    s["w_new"] = ops.asarray(p["w"]) - p["eta"] * s["dL_dw"]
    return s


def mistake_truncated_bptt(p, s):
    if len(p["x"]) < 2:
        return None  # one step: nothing to truncate
    return rnn.backprop_through_time(s["h"], s["dh_dxi"], p["w"], p["y"], truncate=True)


def mistake_missing_activation_derivative(p, s):
    if p["activation"] == "linear" or len(p["x"]) < 2:
        return None  # g′ = 1, or no recurrence: nothing changes
    ones = ops.zero_like(s["dh_dxi"]) + 1
    return rnn.backprop_through_time(s["h"], ones, p["w"], p["y"])


def mistake_gradient_sign(p, s):
    return {"w_new": ops.asarray(p["w"]) + p["eta"] * s["dL_dw"]}


# Error carried forward: each part recomputed from the student's own earlier answers.
def carry_dL_dh(p, given):
    """dL/dh[n] = (h[n] − y[n]) + Σ_m w[m] dL/dξ[n+m], with dL/dξ from the student's later dL/dh."""
    f = rnn.forward(p["x"], p["w"], p["activation"])
    dL_dxi = given["dL_dh"] * f["dh_dxi"]
    w, T = ops.asarray(p["w"]), len(f["h"])
    carry = [sum(dL_dxi[n + m] * w[m - 1] for m in range(1, len(w) + 1) if n + m < T) for n in range(T)]
    return f["h"] - ops.asarray(p["y"]) + np.asarray(carry, dtype=float)


def carry_dL_dxi(p, given):
    return given["dL_dh"] * rnn.forward(p["x"], p["w"], p["activation"])["dh_dxi"]


def carry_dL_dw(p, given):
    h, d = rnn.forward(p["x"], p["w"], p["activation"])["h"], given["dL_dxi"]
    return np.array([sum(d[n] * h[n - m] for n in range(m, len(h))) for m in range(1, len(p["w"]) + 1)],
                    dtype=float)


def carry_w_new(p, given):
    """w[m] − η dL/dw[m] with the student's own dL/dw."""
    return ops.to_float(ops.asarray(p["w"])) - float(ops.to_float(p["eta"])) * given["dL_dw"]
