"""Shared draws of the sequence problems: RNN inputs and weights, LSTM parameters.

Ordinary functions of a `Draw` (examgen.sampling), imported by rnn-forward, rnn-bptt,
lstm-forward and lstm-bptt, so no problem reaches another through the bank.

Exam LSTMs are built backwards from their excitations. Every excitation of the exam LSTM is
k·L with L = ln 2 or ln 3 (one per gate) and k from a short list, so every gate
σ(k L) and every cell input tanh(k L) is a fraction (tanh(½ ln q) = (q − 1)/(q + 1)). With
T = 2 steps the targets k[1], k[2] of each gate are chosen first, then its three weights
w = a L, u = c L, b = d L solve
    a x[1] + c h[0] + d = k[1],   a x[2] + c h[1] + d = k[2],
for a recurrent coefficient c chosen so that a and d come out small; h[1] follows from the
first step's targets alone (h[1] = o[1] (f[1] c[0] + i[1] g[1])), which are drawn among those
whose h[1] is a whole number or a half, so c h[1] stays whole.
"""
from __future__ import annotations

from functools import lru_cache
from itertools import product

from .engine import activations, lstm, ops, rnn
from .engine import exact as exact_number
from .engine.exact import Q  # GMP rationals: fractions.Fraction's values, some ten times faster
from .sampling import exact

# --- RNN ----------------------------------------------------------------------------------------
RNN_ACTIVATIONS = ("sigmoid", "tanh", "linear")


def rnn_sequence(rng, activation: str, max_T: int = 4):
    """x (T) and w (lags) for a T = 2–`max_T` step RNN with 1–2 lags.

    Exam sigmoid/tanh: the excitations are chosen first (0, ±ln q for σ, ±½ ln q for tanh, so g(ξ)
    is a fraction with a short derivative g′: 2/9, 3/16, 1/4 or 8/9, 3/4) and
    the inputs x[n] = ξ[n] − Σ_m w[m] h[n−m] produce them (w whole); linear RNNs use halves.
    """
    T = rng.size(2, max_T)
    lags = rng.size(1, min(2, T - 1))
    if not rng.exam:
        return rng.decimals(-2, 2, T), rng.decimals(-1, 1, lags, nonzero=True)
    if activation == "linear":
        return rng.grid(-1, 2, "1/2", T), rng.grid(-1, 1, "1/2", lags, nonzero=True)
    xi = rng.log_ratios(T, ratios=(2,) if activation == "sigmoid" else (2, 3))  # σ′ 2/9 or 1/4
    if activation == "tanh":
        xi = xi / 2                                   # tanh(±½ ln q) = ±(q − 1)/(q + 1): 1/3, 1/2
    w = rng.ints(-2, 2, lags, nonzero=True)          # whole: halves would double every g′ chain
    g, _ = activations.activation(activation)
    h = g(xi)
    x = ops.vector([xi[n] - rnn.recurrent_sum(w, h[:n], n) for n in range(T)])
    return x, w


def rnn_targets(rng, activation: str, T: int):
    """Targets in the activation's range: halves in the exam profile."""
    lo, hi = {"sigmoid": (0, 1), "tanh": (-1, 1), "linear": (-2, 2)}[activation]
    return rng.grid(lo, hi, "1/2", T) if rng.exam else rng.decimals(lo, hi, T)


# --- LSTM ---------------------------------------------------------------------------------------
GATE_K = (-1, 0, 1)                                   # σ(k ln q): 1/3, 1/2, 2/3 or 1/4, 1/2, 3/4
CELL_K = (Q(-1, 2), Q(1, 2))                       # tanh(±½ ln 2) = ±1/3, tanh(±½ ln 3) = ±1/2
GATE_BASE = 2                                       # every gate on ln 2 (thirds and halves)
CELL_BASES = (2, 3)                                 # the cell input on ln 2 or ln 3
SHORT = 8
ERRORS = ("-3", "-3/2", "3/2", "3")   # h[t] − y[t]: multiples of 3 cancel the thirds of σ(±ln 2)
MAX_COEFFICIENT = 3                                   # |a|, |d| of w = a L, b = d L


@lru_cache(maxsize=64)
def _sigma(q: int, k) -> Q:
    return Q(1) / (1 + Q(q) ** -k) if k else Q(1, 2)


@lru_cache(maxsize=64)
def _tanh(q: int, k) -> Q:
    e = Q(q) ** int(2 * k)                            # e^{2kL} = q^{2k}, 2k whole
    return (e - 1) / (e + 1)


@lru_cache(maxsize=None)
def first_steps(qc: int) -> tuple:
    """Every first step (c0, and k for f, i, o on ln 2 and the cell input on ln qc) whose h[1] is
    a nonzero whole number or half: then c h[1] is whole for c = ±2 (or ±1 when h[1] is)."""
    q = GATE_BASE
    out = []
    for c0, f, i, o, g in product((-2, -1, 1, 2), GATE_K, GATE_K, GATE_K, CELL_K):
        h1 = _sigma(q, o) * (_sigma(q, f) * c0 + _sigma(q, i) * _tanh(qc, g))
        if h1 and h1.denominator <= 2 and abs(h1) <= 1:
            out.append((c0, {"f": f, "i": i, "o": o, "c": g}, h1))
    return tuple(out)


def _last_step_gradients(q, qc, c0, k1, k2, error):
    """dL/dξ[2] of each gate (rationals) when h[2] − y[2] = `error`: the factors the recurrent
    sum Σ dL/dξ[2] u brings into every gradient of step 1."""
    f1, i1, g1 = _sigma(q, k1["f"]), _sigma(q, k1["i"]), _tanh(qc, k1["c"])   # o[1] does not reach step 2
    f2, i2, o2, g2 = _sigma(q, k2["f"]), _sigma(q, k2["i"]), _sigma(q, k2["o"]), _tanh(qc, k2["c"])
    c1 = f1 * c0 + i1 * g1
    c2 = f2 * c1 + i2 * g2
    dc = error * o2
    return {"f": dc * c1 * f2 * (1 - f2), "i": dc * g2 * i2 * (1 - i2), "o": error * c2 * o2 * (1 - o2),
            "c": dc * i2 * (1 - g2 * g2)}


def lstm_exam(rng, variant: str) -> dict:
    """A two-step exam LSTM with recurrence (see the module's docstring); also the errors
    h[t] − y[t] (±½ or ±1) its targets y are set from."""
    if variant != "course":
        raise ValueError("the standard variant's h = o·tanh(c) is no fraction: the exam profile "
                         "uses the course variant (h = o·c)")
    q, qc = GATE_BASE, rng.choice(CELL_BASES)
    c0, k1, h1 = rng.choice(first_steps(qc))
    k2 = {e: rng.choice(CELL_K if e == "c" else GATE_K) for e in lstm.EXCITATIONS}
    error = [Q(rng.choice(ERRORS)) for _ in range(2)]
    # Recurrent weights on the gates whose dL/dξ[2] is short, so step 1's gradients stay so.
    grads = _last_step_gradients(q, qc, c0, k1, k2, error[1])
    short = [e for e in lstm.EXCITATIONS if grads[e] and grads[e].denominator <= SHORT and abs(grads[e].numerator) <= 12]
    recurrent = set(short) or {min(lstm.EXCITATIONS, key=lambda e: grads[e].denominator)}
    h0 = Q(rng.choice([-1, 1])) / rng.choice([1, 2])
    x1 = rng.choice([-1, 1, 2])
    x2 = x1 + rng.choice([-1, 1])                     # x[1] − x[2] = ±1: a comes out whole (or half)
    p = {"x": exact([x1, x2]), "h0": exact(h0), "c0": exact(c0), "variant": variant}
    for e in lstm.EXCITATIONS:
        a, c, d = _solve_gate(rng, Q(k1[e]), Q(k2[e]), x1, x2, h0, h1, e in recurrent)
        p["w_" + e], p["u_" + e], p["b_" + e] = (_log_multiple(v, qc if e == "c" else q) for v in (a, c, d))
    return p, exact([str(v) for v in error])


def _solve_gate(rng, k1, k2, x1, x2, h0, h1, recurrent: bool):
    """(a, c, d) with a x1 + c h0 + d = k1 and a x2 + c h1 + d = k2: c drawn among the recurrent
    coefficients that keep a and d small (c = 0 when not `recurrent` or when none does)."""
    options = []
    for c in (-2, -1, 1, 2) if recurrent else ():
        if (c * h0).denominator != 1 or (c * h1).denominator != 1:
            continue
        a = (k1 - k2 - c * (h0 - h1)) / (x1 - x2)
        d = k1 - a * x1 - c * h0
        if abs(a) <= MAX_COEFFICIENT and abs(d) <= MAX_COEFFICIENT and a:
            options.append((a, Q(c), d))
    if options:
        return rng.choice(options)
    a = (k1 - k2) / (x1 - x2)
    return a, Q(0), k1 - a * x1


@lru_cache(maxsize=1024)
def _log_multiple(v: Q, q: int):
    """v · ln q, exact (remembered: the weights are a few small multiples of ln 2 and ln 3)."""
    return exact_number.rational(v) * exact_number.log(q)


def lstm_drill(rng, variant: str, T: int) -> dict:
    """Arbitrary decimals: every weight nonzero, recurrent ones too; a cell state large enough
    that the two variants' outputs o·c and o·tanh c differ clearly."""
    p = {"x": rng.decimals(-2, 2, T, nonzero=True), "h0": rng.decimals(-1, 1, nonzero=True),
         "c0": rng.choice([-1, 1]) * rng.decimals(1, 2.5), "variant": variant}   # |c| ≥ 1: tanh c ≠ c
    for e in lstm.EXCITATIONS:
        p["w_" + e] = rng.decimals(-2, 2, nonzero=True)
        p["u_" + e] = rng.decimals(-1.5, 1.5, nonzero=True)
        p["b_" + e] = rng.decimals(-1, 1, nonzero=True)
    return p


def lstm_params(rng, variant: str) -> tuple[dict, object]:
    """(x, h0, c0, the twelve weights and the variant; the errors h[t] − y[t] for targets): the
    exam design, or drill decimals (errors None: drill targets are drawn on their own)."""
    if rng.exam:
        return lstm_exam(rng, variant)
    return lstm_drill(rng, variant, rng.size(2, 4)), None
