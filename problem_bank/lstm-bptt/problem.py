"""Back-propagation through time in a scalar LSTM, with exam targets set so that every h[t] − y[t] is ±½ or ±1."""
import sys

import numpy as np

from examgen.engine import lstm, ops
from examgen.sampling import float_params, mistakes_show

WEIGHT_GRADS = tuple("dL_d" + name for name in lstm.WEIGHT_NAMES)
BPTT_PARTS = ("L", "dL_dh", "dL_dc", "dL_do", "dL_di", "dL_df") + WEIGHT_GRADS
SHOWN = BPTT_PARTS + ("f", "i", "o", "c", "h", "dL_dxi_f", "dL_dxi_i", "dL_dxi_o", "dL_dxi_c")
NONZERO = ("dL_dh", "dL_dc", "dL_do", "dL_di", "dL_df")
MAX_SIZE = 2000  # exam (course variant): every value the solution shows is p/q with |p|, q ≤ this


def _forward_problem():
    """lstm-forward's problem.py, whose sampling helpers this problem shares."""
    from examgen.bank import get

    return get("lstm-forward").module


def sample(draw, options):
    fp = _forward_problem()
    variant = fp.choose_variant(draw, options)
    if not draw.exam:
        T = draw.size(2, 4)
    else:
        T = draw.choice([2, 2, 3]) if variant == "course" else 2
    limit = MAX_SIZE if variant == "course" else fp.MAX_SIZE
    fractions = SHOWN if variant == "course" else fp.RATIONAL_PARTS  # exam values known to be fractions
    while True:
        p = fp.draw_candidate(draw, variant, T)
        # Every check runs in floats first (cheap); exact arithmetic only for the candidate that passes.
        pf = float_params(p)
        error = None
        if draw.exam and variant == "course":
            # Targets a simple error away from the output: h[t] − y[t] ∈ {±½, ±1}.
            error = draw.grid(-1, 1, "1/2", T, nonzero=True)
            pf["y"] = _forward_h(pf) - ops.to_float(error)
        else:
            p["y"] = draw.grid(-1, 1, "1/2", T) if draw.exam else draw.decimals(-1, 1, T)
            pf["y"] = ops.to_float(p["y"])
        sf = solve(pf)
        if draw.exam and not fp.small_fractions((sf[k] for k in fractions), limit):
            continue
        if draw.exam and any(np.any(np.abs(sf[k]) < 1e-9) for k in NONZERO):
            continue  # a zero derivative would cut a path the student should work through
        if not mistakes_show(sys.modules[__name__], pf, sf):
            continue
        if not draw.exam:
            return p
        if error is not None:
            p["y"] = _forward_h(p) - error
        s = solve(p)  # the exact checks, confirming the float screen
        if fp.size(s[k] for k in SHOWN) <= limit and not any(v == 0 for k in NONZERO for v in s[k]):
            return p


def _forward_h(p):
    """h[1..T] of the forward pass."""
    return lstm.forward(p["x"], p["h0"], p["c0"], lstm.weights_of(p), p["variant"])["h"]


def validate(p):
    _forward_problem().validate(p)


def _bptt(p, variant=None, **mistake):
    p = _forward_problem().numeric_if_recurrent(p)
    return lstm.bptt(p["x"], p["y"], p["h0"], p["c0"], lstm.weights_of(p), variant or p["variant"], **mistake)


def solve(p):
    p = _forward_problem().numeric_if_recurrent(p)
    s = _bptt(p)
    s["all_u_zero"] = all(float(p["u_" + e]) == 0 for e in lstm.EXCITATIONS)
    s["tau"] = _tau_symbols(s) if ops.is_exact(s["c"]) and p["variant"] == "standard" else {}
    return s


def _tau_symbols(s):
    """{tanh|c[t]|: ±τ_t}: the worked solution writes tanh c[t], which has no closed form, as τ_t."""
    import sympy as sp

    tau = {}
    for t, c in enumerate(s["c"]):
        if not c.is_Rational or c == 0:
            continue
        tau.setdefault(sp.tanh(abs(c)), sp.sign(c) * sp.Symbol(f"tau_{t + 1}"))
    return tau


def mistake_output_variant_swapped(p, s):
    wrong = _bptt(p, "standard" if p["variant"] == "course" else "course")
    return {k: wrong[k] for k in BPTT_PARTS}


def mistake_missing_forget_carry(p, s):
    wrong = _bptt(p, carry=False)
    return {k: wrong[k] for k in BPTT_PARTS if k != "L"}


def mistake_recurrent_term_dropped(p, s):
    if s["all_u_zero"]:
        return None  # with every u = 0 there is no recurrent term to drop
    wrong = _bptt(p, recurrent=False)
    return {k: wrong[k] for k in BPTT_PARTS if k != "L"}


# Error carried forward: each part recomputed from the student's own answers (float forward pass).
def _fw(p):
    return lstm.forward(p["x"], p["h0"], p["c0"], lstm.weights_of(p), p["variant"])


def _dxi(p, fw, given, e):
    """dL/dξ_e[t] from the student's gate gradient: through σ′ for the gates, i(1 − g²) for the cell input."""
    if e == "c":
        return given["dL_dc"] * fw["i"] * (1 - fw["g"] * fw["g"])
    gate = fw[e]
    return given["dL_d" + e] * gate * (1 - gate)


def _next(v):
    """v[t+1], zero past the last step."""
    return np.concatenate([np.asarray(v, dtype=float)[1:], [0.0]])


def carry_dL_dh(p, given):
    fw = _fw(p)
    rec = sum(_next(_dxi(p, fw, given, e)) * float(p["u_" + e]) for e in lstm.EXCITATIONS)
    return fw["h"] - ops.asarray(p["y"]) + rec


def carry_dL_dc(p, given):
    fw = _fw(p)
    dh_dc, _ = lstm.output_partials(fw["o"], fw["c"], p["variant"])
    return given["dL_dh"] * dh_dc + _next(given["dL_dc"]) * _next(fw["f"])


def carry_dL_do(p, given):
    fw = _fw(p)
    return given["dL_dh"] * lstm.output_partials(fw["o"], fw["c"], p["variant"])[1]


def carry_dL_di(p, given):
    return given["dL_dc"] * _fw(p)["g"]


def carry_dL_df(p, given):
    return given["dL_dc"] * _fw(p)["c_prev"]


def _weight_gradient(kind, e):
    def carry(p, given):
        fw = _fw(p)
        d = _dxi(p, fw, given, e)
        factor = {"w": ops.asarray(p["x"]), "u": fw["h_prev"], "b": 1.0}[kind]
        return np.sum(d * factor)
    return carry


for _e in lstm.EXCITATIONS:
    for _kind in ("w", "u", "b"):
        globals()[f"carry_dL_d{_kind}_{_e}"] = _weight_gradient(_kind, _e)
