"""Forward pass of a scalar RNN. Exam: sigmoid/tanh inputs are chosen so that every ξ[n] is
0 or ±ln q (exact fractional outputs); linear RNNs use halves."""
import numpy as np

from examgen.bank import DEFAULT_ATOL, DEFAULT_RTOL
from examgen.compare import all_close
from examgen.engine import activations, ops, rnn

ACTIVATIONS = ("sigmoid", "tanh", "linear")


def draw_rnn(draw, activation):
    """x (T) and w (lags) for a T = 2–4 step RNN with 1–2 lags."""
    T = draw.size(2, 4)
    lags = draw.size(1, min(2, T - 1))
    if not draw.exam:
        return draw.decimals(-2, 2, T), draw.decimals(-1, 1, lags, nonzero=True)
    if activation == "linear":
        return draw.grid(-2, 2, "1/2", T), draw.grid(-1, 1, "1/2", lags, nonzero=True)
    # Choose the excitations first (0 or ±ln q, so g(ξ) is a fraction), then the inputs
    # x[n] = ξ[n] − Σ_m w[m] h[n−m] that produce them.
    xi = draw.log_ratios(T, ratios=(2, 3))
    w = draw.grid(-2, 2, "1/2", lags, nonzero=True)
    g, _ = activations.activation(activation)
    h = g(xi)
    x = np.array([xi[n] - rnn.recurrent_sum(w, h[:n], n) for n in range(T)], dtype=object)
    return x, w


def shows(wrong, right) -> bool:
    """The wrong answer differs from the right one beyond the default tolerance."""
    return not all_close(wrong, right, DEFAULT_RTOL, DEFAULT_ATOL)


def sample(draw, options):
    activation = options.get("activation") or draw.choice(ACTIVATIONS)
    while True:
        x, w = draw_rnn(draw, activation)
        p = {"x": x, "w": w, "activation": activation}
        s = solve(p)
        wrongs = [m(p, s) for m in (mistake_input_fed_back, mistake_excitation_fed_back)]
        if all(shows(m["h"], s["h"]) for m in wrongs if m is not None):
            return p


def validate(p):
    if np.ndim(p["w"]) != 1 or len(p["w"]) < 1:
        raise ValueError("w must be a list [w[1], …, w[M−1]] of lag weights with at least one lag")


def solve(p):
    out = rnn.forward(p["x"], p["w"], p["activation"])
    if p["activation"] == "sigmoid":
        out["exp_neg_xi"] = ops.exp(-out["xi"])
    if p["activation"] == "tanh":
        out["exp_neg_2xi"] = ops.exp(-2 * out["xi"])
    return out


def mistake_input_fed_back(p, s):
    if len(p["x"]) < 2:
        return None  # one step: nothing is fed back
    return {"h": rnn.forward_input_fed_back(p["x"], p["w"], p["activation"])["h"]}


def mistake_excitation_fed_back(p, s):
    if p["activation"] == "linear" or len(p["x"]) < 2:
        return None  # h = ξ, or nothing fed back: the same answer
    return {"h": rnn.forward_excitation_fed_back(p["x"], p["w"], p["activation"])["h"]}
