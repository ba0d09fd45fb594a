"""Recurrent neural network (a nonlinear IIR filter): forward pass and back-propagation through time.

Indexing: the weight vector `w` holds the lags 1..M−1, so `w[m - 1]` in code is w[m] in the
course's notation (the array's first entry is the weight of lag 1).
"""
from __future__ import annotations

import numpy as np

from . import ops
from .activations import activation as _activation
from .exact import Exact


def _empty(T: int, exact: bool) -> np.ndarray:
    return np.empty(T, dtype=object) if exact else np.zeros(T)


def _zero(exact: bool):
    return Exact(0) if exact else 0.0


def recurrent_sum(w, h, n: int):
    """Σ_{m=1}^{M−1} w[m] h[n−m], with h[n−m] = 0 for n − m < 0."""
    terms = [w[m - 1] * h[n - m] for m in range(1, len(w) + 1) if n - m >= 0]
    return sum(terms[1:], terms[0]) if terms else _zero(ops.is_exact(w) or ops.is_exact(h))


def forward(x, w, activation: str, fed_back=None) -> dict:
    """ξ[n] = x[n] + Σ_{m=1}^{M−1} w[m] h[n−m], h[n] = g(ξ[n]), h[n] = 0 for n < 0.

    `fed_back`: outputs fed back in place of the computed ones (a student's own h, so each step
    is worked from their earlier steps: error carried forward)."""
    x, w = ops.asarray(x), ops.asarray(w)
    exact = ops.is_exact(x) or ops.is_exact(w)
    g, g_prime = _activation(activation)
    T = len(x)
    recurrent, xi, h = _empty(T, exact), _empty(T, exact), _empty(T, exact)
    earlier = h if fed_back is None else ops.asarray(fed_back)
    for n in range(T):
        recurrent[n] = recurrent_sum(w, earlier[:n], n)  # only h[0..n−1] exist yet
        xi[n] = x[n] + recurrent[n]
        h[n] = g(xi[n])
    return {"recurrent": recurrent, "xi": xi, "h": h, "dh_dxi": g_prime(xi)}


def loss(h, y):
    """L = ½ Σ_n (h[n] − y[n])²."""
    e = ops.asarray(h) - ops.asarray(y)
    return (e * e).sum() / 2


def backprop_through_time(h, dh_dxi, w, y, truncate: bool = False) -> dict:
    """dL/dh[n] = (h[n] − y[n]) + Σ_{m≥1, n+m<T} dL/dξ[n+m] w[m]; dL/dξ[n] = dL/dh[n] g′(ξ[n]);
    dL/dw[m] = Σ_n dL/dξ[n] h[n−m].  (`truncate` drops the recurrent term: a student mistake.)"""
    h, dh_dxi, w, y = map(ops.asarray, (h, dh_dxi, w, y))
    exact = ops.is_exact(h) or ops.is_exact(w)
    T, lags = len(h), len(w)
    error = h - y
    carry, dL_dh, dL_dxi = _empty(T, exact), _empty(T, exact), _empty(T, exact)
    for n in reversed(range(T)):
        terms = [dL_dxi[n + m] * w[m - 1] for m in range(1, lags + 1) if n + m < T]
        carry[n] = sum(terms[1:], terms[0]) if terms and not truncate else _zero(exact)
        dL_dh[n] = error[n] + carry[n]
        dL_dxi[n] = dL_dh[n] * dh_dxi[n]
    dL_dw = _empty(lags, exact)
    for m in range(1, lags + 1):
        terms = [dL_dxi[n] * h[n - m] for n in range(m, T)]
        dL_dw[m - 1] = sum(terms[1:], terms[0]) if terms else _zero(exact)
    return {"error": error, "carry": carry, "dL_dh": dL_dh, "dL_dxi": dL_dxi, "dL_dw": dL_dw}


def bptt(x, w, y, activation: str) -> dict:
    """Forward pass, L = ½ Σ_n (h[n] − y[n])², and every gradient of back-propagation through time."""
    f = forward(x, w, activation)
    return {**f, "L": loss(f["h"], y), **backprop_through_time(f["h"], f["dh_dxi"], w, y)}


def forward_input_fed_back(x, w, activation: str) -> dict:
    """A student mistake: h[n] = g(x[n] + Σ_m w[m] x[n−m]), the input fed back (an FIR filter)."""
    x, w = ops.asarray(x), ops.asarray(w)
    exact = ops.is_exact(x) or ops.is_exact(w)
    g, _ = _activation(activation)
    fed_back = [recurrent_sum(w, x[:n], n) for n in range(len(x))]
    xi = x + np.array(fed_back, dtype=object if exact else float)
    return {"xi": xi, "h": g(xi)}


def forward_excitation_fed_back(x, w, activation: str) -> dict:
    """A student mistake: ξ[n] = x[n] + Σ_m w[m] ξ[n−m], the excitation fed back instead of h."""
    x, w = ops.asarray(x), ops.asarray(w)
    exact = ops.is_exact(x) or ops.is_exact(w)
    g, _ = _activation(activation)
    xi = _empty(len(x), exact)
    for n in range(len(x)):
        xi[n] = x[n] + recurrent_sum(w, xi[:n], n)
    return {"xi": xi, "h": g(xi)}
