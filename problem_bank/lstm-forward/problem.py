"""Scalar LSTM forward pass. Exam: two steps with recurrence, built backwards from excitations
k ln q whose gates are fractions (examgen.sequence_draws); drill: arbitrary decimals."""
import numpy as np

from examgen.engine import lstm, ops
from examgen.sequence_draws import lstm_params

FORWARD_PARTS = ("f", "i", "o", "c", "h")


def draw(rng, options):
    return lstm_params(rng, options["variant"])[0]


def validate(p):
    if len(p["x"]) > 100:
        raise ValueError("x may hold at most 100 time steps")
    lstm._check_variant(p["variant"])


def solve(p):
    p, s = lstm.forward_of(p)
    # e^{−ξ} of each gate and e^{−2ξ_c}, as a worked solution evaluates σ and tanh by hand.
    for e in lstm.GATES:
        s["exp_neg_xi_" + e] = ops.exp(-s["xi_" + e])
    s["exp_neg_2xi_c"] = ops.exp(-2 * s["xi_c"])
    s["all_u_zero"] = all(ops.to_float(p["u_" + e]) == 0 for e in lstm.EXCITATIONS)
    return s


def mistake_output_variant_swapped(p, s):
    other = "standard" if p["variant"] == "course" else "course"
    # In floats: the other variant's tanh c[t] has no closed form (nor does it need one here).
    p = {k: (v if isinstance(v, str) else ops.to_float(v)) for k, v in p.items()}
    wrong = lstm.forward(p["x"], p["h0"], p["c0"], lstm.weights_of(p), other)
    return {k: wrong[k] for k in FORWARD_PARTS}


# Error carried forward: each part recomputed from the student's own earlier answers.
def _h_prev(p, given):
    return np.concatenate([[float(p["h0"])], given["h"][:-1]])


def _gate(p, given, e):
    return ops.sigmoid(lstm.excitation(p["w_" + e], p["u_" + e], p["b_" + e], ops.asarray(p["x"]), _h_prev(p, given)))


def carry_f(p, given):
    return _gate(p, given, "f")


def carry_i(p, given):
    return _gate(p, given, "i")


def carry_o(p, given):
    return _gate(p, given, "o")


def carry_c(p, given):
    """c[t] = f[t] c[t−1] + i[t] tanh(ξ_c[t]) from the student's f, i, c[t−1] and h[t−1]."""
    c_prev = np.concatenate([[float(p["c0"])], given["c"][:-1]])
    g = ops.tanh(lstm.excitation(p["w_c"], p["u_c"], p["b_c"], ops.asarray(p["x"]), _h_prev(p, given)))
    return lstm.cell(given["f"], c_prev, given["i"], g)


def carry_h(p, given):
    return lstm.output(given["o"], given["c"], p["variant"])
