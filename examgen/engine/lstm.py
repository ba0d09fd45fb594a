"""The scalar LSTM of the lectures: forward pass and back-propagation through time.

Time steps t = 1..T are stored at array index t − 1; h[0] = h0 and c[0] = c0 are given.
Gates f, i, o use the logistic sigmoid σ_g; the cell input uses σ_h = tanh. The excitations
are ξ_f[t] = w_f x[t] + u_f h[t−1] + b_f, and likewise ξ_i, ξ_o, ξ_c.
"""
from __future__ import annotations

import numpy as np

from . import exact as _exact
from . import ops
from .exact import Exact

GATES = ("f", "i", "o")            # sigmoid gates
EXCITATIONS = ("f", "i", "o", "c")  # every ξ: the three gates and the cell input
VARIANTS = ("course", "standard")
WEIGHT_NAMES = tuple(f"{k}_{g}" for g in EXCITATIONS for k in ("w", "u", "b"))


def weights_of(params) -> dict:
    """The twelve scalars w_f u_f b_f … w_c u_c b_c picked out of a parameter mapping."""
    return {name: params[name] for name in WEIGHT_NAMES}


def _tanh(v):
    """tanh(v); an exact value whose tanh is not rational stays as tanh(v) (e.g. tanh(29/30))."""
    t = ops.tanh(v)
    if ops.is_exact(v) and not t.is_Rational:
        import sympy as sp

        return sp.tanh(v)
    return t


def _tidy(v):
    """Exact excitations written as one logarithm where they are one: 2 ln 2 − ln 3 → ln(4/3)."""
    if isinstance(v, Exact):
        one = _exact.logcombine(v)   # SymPy's logcombine, without SymPy, where it can say
        if one is not None:
            return one
    if ops.is_exact(v):
        import sympy as sp

        one = sp.logcombine(v, force=True)
        # keep ½ ln 3 as it is rather than ln √3
        return one if all(a.args[0].is_Rational for a in one.atoms(sp.log)) else v
    return v


def excitation(w, u, b, x_t, h_prev):
    """ξ[t] = w x[t] + u h[t−1] + b."""
    return _tidy(w * x_t + u * h_prev + b)


def cell(f, c_prev, i, g):
    """c[t] = f[t] c[t−1] + i[t] σ_h(ξ_c[t]), with g = σ_h(ξ_c[t]) = tanh(ξ_c[t])."""
    return f * c_prev + i * g


def output(o, c, variant="course"):
    """h[t] = o[t] c[t] (course variant) or o[t] tanh(c[t]) (standard variant)."""
    _check_variant(variant)
    return o * c if variant == "course" else o * _tanh(c)


def output_partials(o, c, variant="course"):
    """(∂h/∂c, ∂h/∂o) = (o, c) in the course variant, (o(1 − tanh² c), tanh c) in the standard one."""
    _check_variant(variant)
    if variant == "course":
        return o, c
    t = _tanh(c)
    return o * (1 - t * t), t


def _check_variant(variant):
    if variant not in VARIANTS:
        raise ValueError(f"unknown LSTM variant {variant!r}; expected course or standard")


def _expanded(v):
    """Closed forms that are polynomials in tanh values (standard variant, fraction gates), expanded.

    Anything holding e^… (gates that are not fractions) is left as it is: expanding those explodes.
    An Exact r + Σ c·ln a is expanded already (SymPy's expand(log=False) gives it back as it is).
    """
    if isinstance(v, Exact):
        return v
    if ops.is_exact(v) and not v.is_Rational:
        import sympy as sp

        if not v.has(sp.exp):
            return sp.expand(v, log=False)  # keep ln 4 as it is (not 2 ln 2)
    return v


def _array(values, exact):
    if not exact:
        return np.array(values, dtype=float)
    out = np.empty(len(values), dtype=object)
    for k, v in enumerate(values):
        out[k] = _expanded(v)
    return out


def forward(x, h0, c0, weights, variant="course"):
    """Run t = 1..T: f, i, o = σ(ξ_f), σ(ξ_i), σ(ξ_o); c[t] = f c[t−1] + i tanh(ξ_c); h[t] from c[t].

    Returns per-step arrays: the excitations xi_f … xi_c, the gates f, i, o, g = tanh(ξ_c),
    c, tanh_c (standard variant only), h, and the states each step read, h_prev and c_prev.
    """
    _check_variant(variant)
    x = ops.asarray(x)
    exact = ops.is_exact(x)
    w = weights
    names = ("xi_f", "xi_i", "xi_o", "xi_c", "f", "i", "o", "g", "c", "h", "h_prev", "c_prev")
    rows = {k: [] for k in names + (("tanh_c",) if variant == "standard" else ())}
    h_prev, c_prev = h0, c0
    for x_t in x:
        xi = {e: excitation(w["w_" + e], w["u_" + e], w["b_" + e], x_t, h_prev) for e in EXCITATIONS}
        f, i, o = (ops.sigmoid(xi[gate]) for gate in GATES)
        g = _tanh(xi["c"])
        c = cell(f, c_prev, i, g)
        h = output(o, c, variant)
        step = {"xi_f": xi["f"], "xi_i": xi["i"], "xi_o": xi["o"], "xi_c": xi["c"], "f": f, "i": i,
                "o": o, "g": g, "c": c, "h": h, "h_prev": h_prev, "c_prev": c_prev}
        if variant == "standard":
            step["tanh_c"] = _tanh(c)       # the course variant never squashes c[t]
        for k, v in step.items():
            rows[k].append(v)
        h_prev, c_prev = h, c
    out = {k: _array(v, exact) for k, v in rows.items()}
    out["T"] = len(x)
    return out


def loss(h, y):
    """L = ½ Σ_t (h[t] − y[t])²."""
    e = ops.asarray(h) - ops.asarray(y)
    return sum(e * e) / 2


def bptt(x, y, h0, c0, weights, variant="course", carry=True, recurrent=True):
    """Back-propagation through time for L = ½ Σ_t (h[t] − y[t])², walking t = T … 1.

    dL/dh[t] = (h[t] − y[t]) + Σ_ξ dL/dξ[t+1] u_ξ;  dL/dc[t] = dL/dh[t] ∂h/∂c + dL/dc[t+1] f[t+1];
    dL/do = dL/dh ∂h/∂o;  dL/di = dL/dc tanh(ξ_c);  dL/df = dL/dc c[t−1];
    dL/dξ_f = dL/df f(1−f), dL/dξ_i = dL/di i(1−i), dL/dξ_o = dL/do o(1−o), dL/dξ_c = dL/dc i (1 − tanh² ξ_c);
    dL/dw_ξ = Σ_t dL/dξ[t] x[t], dL/du_ξ = Σ_t dL/dξ[t] h[t−1], dL/db_ξ = Σ_t dL/dξ[t].

    `carry=False` drops the dL/dc[t+1] f[t+1] term and `recurrent=False` drops Σ_ξ dL/dξ[t+1] u_ξ
    (two student mistakes). Returns the forward values plus every per-step term, the twelve
    weight gradients and dL/dh0, dL/dc0.
    """
    fw = forward(x, h0, c0, weights, variant)
    x, y = ops.asarray(x), ops.asarray(y)
    exact = ops.is_exact(fw["h"])
    T, w = fw["T"], weights
    zero = ops.zero_like(fw["h"][0])
    names = ("dh_dc", "dh_do", "dL_dh_direct", "dL_dh_recurrent", "dL_dh", "dL_dc_direct",
             "dL_dc_carry", "dL_dc", "dL_do", "dL_di", "dL_df",
             "dL_dxi_f", "dL_dxi_i", "dL_dxi_o", "dL_dxi_c")
    back = {k: [None] * T for k in names}
    next_dxi = {e: zero for e in EXCITATIONS}  # dL/dξ[t+1], zero past the last step
    next_dc, next_f = zero, zero
    for t in reversed(range(T)):
        f, i, o, g, c = (fw[k][t] for k in ("f", "i", "o", "g", "c"))
        dh_dc, dh_do = output_partials(o, c, variant)
        direct = fw["h"][t] - y[t]
        rec = sum(next_dxi[e] * w["u_" + e] for e in EXCITATIONS) if recurrent else zero
        dL_dh = direct + rec
        dc_direct = dL_dh * dh_dc
        dc_carry = next_dc * next_f if carry else zero
        dL_dc = dc_direct + dc_carry
        dL_do = dL_dh * dh_do
        dL_di = dL_dc * g
        dL_df = dL_dc * fw["c_prev"][t]
        dxi = {"f": dL_df * f * (1 - f), "i": dL_di * i * (1 - i), "o": dL_do * o * (1 - o),
               "c": dL_dc * i * (1 - g * g)}
        step = {"dh_dc": dh_dc, "dh_do": dh_do, "dL_dh_direct": direct, "dL_dh_recurrent": rec,
                "dL_dh": dL_dh, "dL_dc_direct": dc_direct, "dL_dc_carry": dc_carry, "dL_dc": dL_dc,
                "dL_do": dL_do, "dL_di": dL_di, "dL_df": dL_df, **{"dL_dxi_" + e: dxi[e] for e in dxi}}
        for k, v in step.items():
            back[k][t] = v
        next_dxi, next_dc, next_f = dxi, dL_dc, f
    out = {**fw, **{k: _array(v, exact) for k, v in back.items()}}
    out["L"] = _expanded(loss(fw["h"], y))
    for e in EXCITATIONS:
        d = out["dL_dxi_" + e]
        out["dL_dw_" + e] = _expanded(sum(d * x))
        out["dL_du_" + e] = _expanded(sum(d * fw["h_prev"]))
        out["dL_db_" + e] = _expanded(sum(d))
    # Gradients with respect to the initial state (one step before t = 1).
    out["dL_dh0"] = _expanded(sum(next_dxi[e] * w["u_" + e] for e in EXCITATIONS))
    out["dL_dc0"] = _expanded(next_dc * next_f)
    return out


def numeric_if_nested(params: dict) -> dict:
    """Exact parameters as floats when some u ≠ 0 and a gate is no fraction: h[t−1] then enters
    every later excitation and exact closed forms nest e^… inside e^… without end. (The exam's
    two-step recurrent LSTMs, with excitations k ln q, stay exact: every gate is a fraction.)"""
    return _numeric_if_nested(params)[0]


def forward_of(params: dict) -> tuple[dict, dict]:
    """(numeric_if_nested(params), the forward pass of those parameters): the pass that decided
    whether they stay exact is the pass returned, not run again."""
    p, fw = _numeric_if_nested(params)
    return p, fw if fw is not None else forward(p["x"], p["h0"], p["c0"], weights_of(p), p["variant"])


def _numeric_if_nested(params: dict) -> tuple[dict, dict | None]:
    """numeric_if_nested's parameters, and the forward pass of them when it ran one to decide."""
    exact = ops.is_exact(params["x"]) or any(ops.is_exact(params[k]) for k in WEIGHT_NAMES)
    recurrent = any(ops.to_float(params["u_" + e]) != 0 for e in EXCITATIONS)
    if not exact or not recurrent:
        return params, None
    if len(params["x"]) <= 3:
        fw = forward(params["x"], params["h0"], params["c0"], weights_of(params), params["variant"])
        if all(v.is_Rational for k in ("f", "i", "o", "g") for v in fw[k]):
            return params, fw
    return {k: (v if isinstance(v, str) else ops.to_float(v)) for k, v in params.items()}, None
