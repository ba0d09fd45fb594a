"""The float of r + Σ c·ln a, bit for bit the float SymPy gives (`float(expr)`), without SymPy.

SymPy's float is not the correctly rounded value: `float(expr)` evaluates the sum to 57 bits
with guard bits per term (sympy/core/evalf.py: evalf_add → add_terms, evalf_mul, evalf_log,
rational terms rounded toward zero), rounds that to the accuracy it trusts, and only then to a
double. About 3% of the exam's log values differ from the correctly rounded double in the last
bit, and a key prints floats in full, so the key's decimals stay byte-identical only by doing
exactly what SymPy 1.14 does. This module does that with mpmath's own low-level arithmetic
(libmp, the library SymPy calls), step for step, for the one shape of value Exact holds:

    Add(Rational r, c₁·log(a₁), c₂·log(a₂), …)      (no r when r = 0; log(a) alone when c = 1)

Anything else SymPy would evaluate differently — a logarithm within 2⁻¹⁰ of 0, a sum that
cancels to fewer bits than asked, an argument 1/n that SymPy rewrites as −log n — returns
None, and the caller asks SymPy itself. tests/test_engine_exact.py compares the two over every
such value of the exam profile's grids and many random sums.
"""
from __future__ import annotations

from mpmath.libmp import MPZ, bitcount, from_int, from_rational, mpf_abs, mpf_log, normalize, round_nearest, to_float

_RND = round_nearest   # sympy.core.evalf.rnd and sympy.core.numbers.rnd
_PREC = 53 + 4         # Expr.evalf(15): dps_to_prec(15) = 53 bits, evaluated with 4 guard bits


def sympy_float(r, logs) -> float | None:
    """float(SymPy's r + Σ c·log a) for a rational r and ((a, c), …), a > 0, a ≠ 1, c ≠ 0; None
    where SymPy's evaluation leaves the simple path this module follows."""
    if any(a.numerator == 1 for a, _ in logs):   # SymPy writes log(1/n) as -log(n)
        return None
    terms = ([(r, None)] if r else []) + [(c, a) for a, c in logs]
    if len(terms) == 1:
        value = _term(*terms[0], _PREC)
    else:
        value = _add([_term(c, a, _PREC + 10) for c, a in terms], _PREC)
    if value is None:
        return None
    mpf, accuracy = value
    p = max(min(53, accuracy), 1)   # EvalfMixin.evalf: Float._new(re, min(prec, accuracy))
    return to_float(_norm(_norm(mpf, p), 53))   # Number.__float__: Float._as_mpf_val(53)


def _norm(mpf, prec):
    sign, man, exp, bc = mpf
    return normalize(sign, MPZ(man), exp, bc, prec, _RND)


def _number(q, prec):
    """evalf_integer / evalf_rational: the rational at `prec` bits (rounded as mpmath's default)."""
    if q.denominator == 1:
        return from_int(int(q.numerator), prec)
    return from_rational(int(q.numerator), int(q.denominator), prec)


def _term(c, a, prec):
    """(mpf, accuracy) of one term at `prec` bits: a rational (a is None), log(a), or c·log(a)."""
    if a is None:
        return _number(c, prec), prec
    if c == 1:
        return _log(a, prec)
    return _mul(c, a, prec)


def _log(a, prec):
    """evalf_log of a positive rational argument."""
    x = _number(a, prec + 10)
    value = mpf_log(mpf_abs(x), prec, _RND)
    if prec - (value[2] + value[3]) > prec + 10:   # |ln a| < 2⁻¹⁰: SymPy recomputes from a − 1
        return None
    return value, prec


def _mul(c, a, prec):
    """evalf_mul of Mul(c, log(a)): both factors at prec + 2 + 5 bits, the product rounded to prec."""
    working = prec + 2 + 5
    log = _log(a, working)
    if log is None:
        return None
    man, exp, bc, direction = MPZ(1), 0, 1, 0
    for (s, m, e, b), _ in ((_number(c, working), working), log):
        direction += 2 * s
        man *= m
        exp += e
        bc += b
        while bc > 3 * working:
            man >>= working
            exp += working
            bc -= working
    sign = (direction & 2) >> 1
    return normalize(sign, man, exp, bitcount(man), prec, _RND), prec


def _add(terms, prec):
    """evalf_add's first pass (add_terms): the exact sum of the terms rounded to `prec`, with the
    accuracy SymPy credits it; None when a term is None or SymPy would need another pass."""
    if any(t is None for t in terms):
        return None
    working = 2 * prec
    sum_man, sum_exp, errors = 0, 0, []
    for (sign, man, exp, bc), accuracy in terms:
        if sign:
            man = -man
        errors.append(bc + exp - accuracy)
        delta = exp - sum_exp
        if exp >= sum_exp:
            if delta > working and (not sum_man or delta - bitcount(abs(sum_man)) > working):
                sum_man, sum_exp = man, exp
            else:
                sum_man += man << delta
        else:
            delta = -delta
            if delta - bc > working:
                if not sum_man:
                    sum_man, sum_exp = man, exp
            else:
                sum_man = (sum_man << delta) + man
                sum_exp = exp
    if not sum_man:
        return None
    sum_sign = 1 if sum_man < 0 else 0
    sum_man = abs(sum_man)
    sum_bc = bitcount(sum_man)
    accuracy = sum_exp + sum_bc - max(errors)
    if accuracy < prec:   # SymPy would raise the working precision and try again
        return None
    return normalize(sum_sign, MPZ(sum_man), sum_exp, sum_bc, prec, _RND), accuracy
