"""Back-propagation through time in a scalar RNN, L = ½ Σ_n (h[n] − y[n])². The exam design
(ξ[n] = 0 or ±ln q for sigmoid/tanh, halves for linear) is rnn-forward's."""
import numpy as np

from examgen.bank import DEFAULT_ATOL, DEFAULT_RTOL, get
from examgen.compare import all_close
from examgen.engine import ops, rnn

ACTIVATIONS = ("sigmoid", "tanh", "linear")
# Parts every mistake must change (dL/dw can coincide when T = 2: only dL/dξ[1] h[0] enters).
MUST_DIFFER = ("dL_dh", "dL_dxi")


def draw_y(draw, activation, T):
    """Targets in the activation's range: halves in the exam profile."""
    lo, hi = {"sigmoid": (0, 1), "tanh": (-1, 1), "linear": (-2, 2)}[activation]
    return draw.grid(lo, hi, "1/2", T) if draw.exam else draw.decimals(lo, hi, T)


def sample(draw, options):
    activation = options.get("activation") or draw.choice(ACTIVATIONS)
    draw_rnn = get("rnn-forward").module.draw_rnn
    while True:
        x, w = draw_rnn(draw, activation)
        p = {"x": x, "w": w, "activation": activation, "y": draw_y(draw, activation, len(x))}
        s = solve(p)
        wrongs = [m(p, s) for m in (mistake_truncated_bptt, mistake_missing_activation_derivative)]
        if all(not all_close(m[k], s[k], DEFAULT_RTOL, DEFAULT_ATOL) for m in wrongs if m for k in MUST_DIFFER):
            return p


def validate(p):
    if np.ndim(p["w"]) != 1 or len(p["w"]) < 1:
        raise ValueError("w must be a list [w[1], …, w[M−1]] of lag weights with at least one lag")
    if np.shape(p["x"]) != np.shape(p["y"]):
        raise ValueError(f"x and y must have the same length T (got {len(p['x'])} and {np.size(p['y'])})")


def solve(p):
    return rnn.bptt(p["x"], p["w"], p["y"], p["activation"])


def mistake_truncated_bptt(p, s):
    if len(p["x"]) < 2:
        return None  # one step: nothing to truncate
    return rnn.backprop_through_time(s["h"], s["dh_dxi"], p["w"], p["y"], truncate=True)


def mistake_missing_activation_derivative(p, s):
    if p["activation"] == "linear" or len(p["x"]) < 2:
        return None  # g′ = 1, or no recurrence: nothing changes
    ones = ops.zero_like(s["dh_dxi"]) + 1
    return rnn.backprop_through_time(s["h"], ones, p["w"], p["y"])


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
