"""Losses over n examples (one per row) and their gradients w.r.t. ŷ and the output excitation ξ.

Every function takes `y` and `ŷ` of shape (n,) or (n, K); n is always shape[0]. Exact
(SymPy object) inputs give exact results; the 1/n factor is an exact rational then.
"""
from __future__ import annotations

from functools import lru_cache

import numpy as np

from . import ops
from .exact import Exact

LOSSES = ("mse", "bce", "ce")
OUTPUTS = ("linear", "sigmoid", "softmax")
CANONICAL = {("linear", "mse"), ("sigmoid", "bce"), ("softmax", "ce")}


def _pair(y, yhat):
    """y and ŷ as arrays of one kind: both exact (object) if either is exact, else float64."""
    ya, yhata = ops.asarray(y), ops.asarray(yhat)
    if ops.is_exact(ya) or ops.is_exact(yhata):
        return _exact(y), _exact(yhat)  # from the originals, so that int 1 stays Integer(1)
    return ya, yhata


def _exact(a):
    """An object array of exact numbers (ints become exact, so that 1/n stays exact): Exact for
    ints, integral floats and Exacts (no SymPy needed), SymPy for anything else."""
    a = np.asarray(a, dtype=object)
    out = np.empty(a.shape, dtype=object)
    for idx, v in np.ndenumerate(a):
        out[idx] = _exact_one(v)
    return out


def _exact_one(v):
    if isinstance(v, Exact):
        return v
    if isinstance(v, (int, np.integer)) and not isinstance(v, (bool, np.bool_)):
        return Exact(int(v))
    if isinstance(v, float) and v.is_integer():
        return Exact(int(v))
    import sympy

    return sympy.sympify(v)


def _n(a):
    """The number of examples n = shape[0], as an exact Integer for exact arrays."""
    if np.ndim(a) == 0:
        raise ValueError("y and ŷ must be arrays with one example per row")
    if ops.is_exact(a):
        return Exact(a.shape[0])
    return float(a.shape[0])


def mse(y, yhat):
    """L = 1/(2n) Σᵢ ‖yᵢ − ŷᵢ‖²."""
    y, yhat = _pair(y, yhat)
    d = yhat - y
    return (d * d).sum() / (2 * _n(y))


def bce(y, yhat):
    """L = −1/n Σᵢ [yᵢ ln ŷᵢ + (1 − yᵢ) ln(1 − ŷᵢ)] (summed over every entry)."""
    y, yhat = _pair(y, yhat)
    return -(y * ops.log(yhat) + (1 - y) * ops.log(1 - yhat)).sum() / _n(y)


def ce(y, yhat):
    """L = −1/n Σᵢ Σ_k y_ki ln ŷ_ki."""
    y, yhat = _pair(y, yhat)
    return -(y * ops.log(yhat)).sum() / _n(y)


_LOSS = {"mse": mse, "bce": bce, "ce": ce}


def _check(name, table):
    if name not in table:
        raise ValueError(f"unknown name {name!r}; expected one of {sorted(table)}")


def loss(name, y, yhat):
    """L for name ∈ {mse, bce, ce}."""
    _check(name, _LOSS)
    return _LOSS[name](y, yhat)


def dL_dyhat(name, y, yhat):
    """∂L/∂ŷ: mse (ŷ − y)/n; bce (−y/ŷ + (1 − y)/(1 − ŷ))/n; ce −(y/ŷ)/n."""
    _check(name, _LOSS)
    y, yhat = _pair(y, yhat)
    n = _n(y)
    if name == "mse":
        return (yhat - y) / n
    if name == "bce":
        return (-y / yhat + (1 - y) / (1 - yhat)) / n
    return -(y / yhat) / n


def softmax_backward(yhat, dL_dyhat_):
    """∂L/∂ξ_k = ŷ_k (∂L/∂ŷ_k − Σ_ℓ ŷ_ℓ ∂L/∂ŷ_ℓ), row by row (the softmax Jacobian applied)."""
    yhat, g = ops.asarray(yhat), ops.asarray(dL_dyhat_)
    return yhat * (g - (yhat * g).sum(axis=-1, keepdims=True))


def dL_dxi(name, output, y, yhat):
    """∂L/∂ξ through ŷ = g₂(ξ): (ŷ − y)/n for the canonical pairs, else the chain rule."""
    _check(name, _LOSS)
    _check(output, dict.fromkeys(OUTPUTS))
    y, yhat = _pair(y, yhat)
    if output == "softmax" and yhat.ndim != 2:
        raise ValueError("a softmax output needs ŷ of shape (n, K), one example per row")
    if (output, name) in CANONICAL:
        return (yhat - y) / _n(y)
    g = dL_dyhat(name, y, yhat)
    if output == "linear":
        return g
    if output == "sigmoid":
        return g * yhat * (1 - yhat)
    return softmax_backward(yhat, g)


def combine_logs(v):
    """An exact sum of logs as one log over a common denominator, e.g. ln(3/4)/2 + ln 2/2 → ln(8/3)/2."""
    if not ops.is_exact(v):
        return v
    return ops._map(_combine_one, v)


@lru_cache(maxsize=8192)  # pure and deterministic: a repeated sum is combined once
def _combine_one(x):
    if getattr(x, "is_Rational", False) is True:
        return x  # a number: nothing to combine (and no SymPy needed)
    import sympy as sp

    x = sp.sympify(x)
    if x.is_Rational or isinstance(x, sp.log) and x.args[0].is_Integer:
        return x            # nothing to combine (a number, or ln n as logcombine leaves it)
    e = sp.expand_log(x, force=True)
    coeffs = [t.as_coeff_Mul()[0] for t in sp.Add.make_args(e)]
    d = sp.ilcm(1, 1, *[c.q for c in coeffs if c.is_Rational])
    out = sp.logcombine(sp.expand(e * d), force=True) / d
    return out if _ops(out) <= _ops(x) else x


@lru_cache(maxsize=4096)
def _ops(e) -> int:
    import sympy as sp

    return sp.count_ops(e)


def average_mistakes(parts):
    """The 1/n of an average over n examples dropped (parts × n) or applied twice (parts / n), as two
    mistake functions (p, s) → {part: wrong value} on a solution s with s["n"]; None when n = 1."""
    def no_average(p, s):
        return None if s["n"] == 1 else {k: s[k] * s["n"] for k in parts}

    def averaged_twice(p, s):
        return None if s["n"] == 1 else {k: s[k] / s["n"] for k in parts}

    return no_average, averaged_twice
