"""Scalar LSTM forward pass; exam gates see only the input, through excitations ln q with fraction values.

The sampling helpers here are shared with lstm-bptt (which loads this module through the bank).
"""
import sys
from fractions import Fraction
from functools import lru_cache

import numpy as np
import sympy as sp

from examgen.engine import lstm, ops
from examgen.sampling import float_params, mistakes_show

FORWARD_PARTS = ("f", "i", "o", "c", "h")
RATIONAL_PARTS = ("f", "i", "o", "c")  # exam values that are fractions in either variant (h too in the course one)
MAX_SIZE = 300  # exam forward: every c[t], h[t] (and gate) is p/q with |p|, q at most this

# Exam: gate excitations w x + b are ln q with σ(ln q) = q/(1+q) one of these fractions;
# the cell input's ξ_c is ±½ ln 2, ±½ ln 3, ±ln 2 or ±ln 3, so tanh ξ_c = (q²−1)/(q²+1) is too.
LN2, LN3 = sp.log(2), sp.log(3)
GATE_W = (LN2, -LN2, LN3, -LN3)
GATE_B = (sp.Integer(0),) + GATE_W
CELL_W = (LN2 / 2, -LN2 / 2, LN3 / 2, -LN3 / 2) + GATE_W
CELL_B = (sp.Integer(0),) + CELL_W
GATE_VALUES = {sp.Rational(q) for q in ("1/5", "1/4", "1/3", "1/2", "2/3", "3/4", "4/5")}
CELL_VALUES = {sp.Rational(q) for q in ("1/3", "-1/3", "1/2", "-1/2", "3/5", "-3/5", "4/5", "-4/5")}


# --- sampling (shared with lstm-bptt) -------------------------------------------------------
def choose_variant(draw, options):
    """The option's variant; else the course variant in the exam profile, either one in drill."""
    return options.get("variant") or ("course" if draw.exam else draw.choice(lstm.VARIANTS))


def draw_candidate(draw, variant, T):
    """x, h0, c0 and the twelve weights (not yet checked for hand-workability or mistakes)."""
    if not draw.exam:
        p = {"x": draw.decimals(-2, 2, T, nonzero=True), "h0": draw.decimals(-1, 1, nonzero=True),
             "c0": draw.decimals(-1, 1, nonzero=True)}
        for e in lstm.EXCITATIONS:
            p["w_" + e] = draw.decimals(-2, 2, nonzero=True)
            p["u_" + e] = draw.decimals(-1.5, 1.5, nonzero=True)
            p["b_" + e] = draw.decimals(-1, 1, nonzero=True)
        return {**p, "variant": variant}
    while True:
        x = draw.ints(-1, 2, T)
        pairs = {e: sorted(set.intersection(*(_exam_pairs(e, int(x_t)) for x_t in x)))
                 for e in lstm.EXCITATIONS}
        if all(pairs.values()):  # some x admit no (w, b) for a gate: draw x again
            break
    p = {"x": x, "h0": draw.ints(-1, 1), "c0": draw.ints(-1, 2, nonzero=True)}
    for e in lstm.EXCITATIONS:
        k_w, k_b = draw.choice(pairs[e])
        ws, bs = (CELL_W, CELL_B) if e == "c" else (GATE_W, GATE_B)
        p["w_" + e], p["b_" + e] = ws[k_w], bs[k_b]
        p["u_" + e] = sp.Integer(0)  # the gates see only the input: every ξ stays a logarithm
    return {**p, "variant": variant}


@lru_cache(maxsize=None)
def _exam_pairs(e, x_t):
    """Indices (k_w, k_b) into the weight and bias lists whose w x_t + b gives a value from the nice set."""
    squash, ws, bs, ok = ((lstm._tanh, CELL_W, CELL_B, CELL_VALUES) if e == "c"
                          else (ops.sigmoid, GATE_W, GATE_B, GATE_VALUES))
    return {(k_w, k_b) for k_w, w in enumerate(ws) for k_b, b in enumerate(bs)
            if squash(lstm.excitation(w, 0, b, sp.Integer(x_t), 0)) in ok}


def size(values) -> int:
    """The largest |numerator| or denominator among the rational entries (how hand-workable)."""
    biggest = 0
    for v in values:
        for a in (v.flat if hasattr(v, "flat") else [v]):
            if ops.is_exact(a) and a.is_Rational:
                biggest = max(biggest, abs(int(a.p)), int(a.q))
    return biggest


def small_fractions(values, limit: int) -> bool:
    """Float screen for `size(exact values) <= limit`, for values known to be fractions: each is,
    up to rounding, p/q with |p|, q ≤ limit. It never rejects what the exact check accepts
    (two such fractions lie ≥ 1/limit² apart), so samplers screen candidates with it in floats
    and run the exact check only on the one that passes."""
    for v in values:
        for a in np.ravel(v):
            f = Fraction(float(a)).limit_denominator(limit)
            if abs(f.numerator) > limit or abs(float(f) - a) > 1e-9 * max(1.0, abs(a)):
                return False
    return True


def numeric_if_recurrent(p):
    """Exact parameters with some u ≠ 0 as floats: h[t−1] then enters every later excitation and
    exact closed forms nest e^… inside e^… without end (no hand-workable answer exists anyway)."""
    exact = ops.is_exact(p["x"]) or any(ops.is_exact(p[k]) for k in lstm.WEIGHT_NAMES)
    if not exact or all(ops.to_float(p["u_" + e]) == 0 for e in lstm.EXCITATIONS):
        return p
    return {k: (v if isinstance(v, str) else ops.to_float(v)) for k, v in p.items()}


def validate(p):
    if len(p["x"]) > 100:
        raise ValueError("x may hold at most 100 time steps")
    lstm._check_variant(p["variant"])


# --- this problem ---------------------------------------------------------------------------
def sample(draw, options):
    variant = choose_variant(draw, options)
    T = draw.size(2, 3) if draw.exam else draw.size(2, 4)
    fractions = RATIONAL_PARTS + (("h",) if variant == "course" else ())
    while True:
        p = draw_candidate(draw, variant, T)
        # Checks in floats (cheap); exact arithmetic only for the candidate that passes them.
        pf = float_params(p)
        sf = solve(pf)
        if draw.exam and not small_fractions((sf[k] for k in fractions), MAX_SIZE):
            continue
        if not mistakes_show(sys.modules[__name__], pf, sf):
            continue
        if not draw.exam or size(solve(p)[k] for k in FORWARD_PARTS) <= MAX_SIZE:
            return p


def solve(p):
    p = numeric_if_recurrent(p)
    s = lstm.forward(p["x"], p["h0"], p["c0"], lstm.weights_of(p), p["variant"])
    # e^{−ξ} of each gate and e^{−2ξ_c}, as a worked solution evaluates σ and tanh by hand.
    for e in lstm.GATES:
        s["exp_neg_xi_" + e] = ops.exp(-s["xi_" + e])
    s["exp_neg_2xi_c"] = ops.exp(-2 * s["xi_c"])
    s["all_u_zero"] = all(ops.to_float(p["u_" + e]) == 0 for e in lstm.EXCITATIONS)
    return s


def mistake_output_variant_swapped(p, s):
    other = "standard" if p["variant"] == "course" else "course"
    p = numeric_if_recurrent(p)
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
