"""Back-propagation through time in a scalar LSTM. Exam: the two-step recurrent design of
examgen.sequence_draws, with targets y[t] = h[t] − e[t] a simple error e[t] away from the output."""
import numpy as np

from examgen.engine import lstm, ops
from examgen.sequence_draws import lstm_params

WEIGHT_GRADS = tuple("dL_d" + name for name in lstm.WEIGHT_NAMES)
BPTT_PARTS = ("L", "dL_dh", "dL_dc", "dL_do", "dL_di", "dL_df") + WEIGHT_GRADS


def draw(rng, options):
    p, error = lstm_params(rng, options["variant"])
    if error is None:
        p["y"] = rng.decimals(-1, 1, len(p["x"]))
    else:
        p["y"] = _forward_h(p) - error
    return p


def _forward_h(p):
    """h[1..T] of the forward pass."""
    return lstm.forward(p["x"], p["h0"], p["c0"], lstm.weights_of(p), p["variant"])["h"]


def validate(p):
    if len(p["x"]) > 100:
        raise ValueError("x may hold at most 100 time steps")
    if len(p["y"]) != len(p["x"]):
        raise ValueError(f"x and y must have the same length T (got {len(p['x'])} and {len(p['y'])})")
    lstm._check_variant(p["variant"])


def _floats(p):
    return {k: (v if isinstance(v, str) else ops.to_float(v)) for k, v in p.items()}


def _bptt(p, variant=None, **mistake):
    p = lstm.numeric_if_nested(p)
    s = lstm.bptt(p["x"], p["y"], p["h0"], p["c0"], lstm.weights_of(p), variant or p["variant"], **mistake)
    for k in ("dL_dh0", "dL_dc0"):   # the initial state's gradients: not asked, not shown
        s.pop(k)
    return s


def solve(p):
    s = _bptt(p)
    s["all_u_zero"] = all(ops.to_float(p["u_" + e]) == 0 for e in lstm.EXCITATIONS)
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
    # In floats: the other variant's tanh c[t] has no closed form, and exact ones cost seconds.
    wrong = _bptt(_floats(p), "standard" if p["variant"] == "course" else "course")
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
