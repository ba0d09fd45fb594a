"""Exact exam numbers without SymPy: r + Σ cₐ·ln a, with r, cₐ rational (gmpy2.mpq, else fractions.Fraction).

Exam arithmetic is a few thousand operations on small fractions and on rational multiples of
logarithms (±ln q as σ arguments, their sums and scalings). SymPy does it correctly but slowly;
`Exact` does the same operations on Fractions and gives, for every one of them, the value SymPy
gives, in the same form: like SymPy, it keeps ln 4 as ln 4 (never 2 ln 2), writes ln(1/n) as
−ln n, and distributes a rational factor over a sum. Equality is SymPy's (structural), so
ln 4 ≠ 2 ln 2 here as there, and a value hashes as the SymPy number it stands for.

What leaves this set (a product of two logarithms, e^x of a non-logarithm, √2, 1/0, …) is
computed by SymPy from the equivalent SymPy values: the result is then a SymPy object, and the
engine (ops) takes either kind. `to_sympy` and `from_sympy` convert both ways; an Exact also
passes anywhere SymPy expects a value (it has `_sympy_`), and attributes SymPy numbers have
and Exact does not (`.has`, `.atoms`, `.rewrite`, …) are answered by its SymPy form.
Printing (plain text and LaTeX) is exact_print.py's, beside this module: it writes, without
SymPy, the very strings SymPy's printers (formatting.py's subclasses) write for the same value,
and formatting.py calls it. `str(x)` is SymPy's `str` of the SymPy form (`1/2 - log(3)`), also
written there.
"""
from __future__ import annotations

import math
from fractions import Fraction
from functools import lru_cache

from . import exact_print

try:  # GMP's rationals: the same values as fractions.Fraction, about ten times faster
    from gmpy2 import mpq as Q
except ImportError:  # pragma: no cover - gmpy2 is a dependency; Fraction gives the same answers
    Q = Fraction

_ZERO = Q(0)
_ONE = Q(1)
_TOL = 1e-9  # a sign decided by floats only beyond this; closer calls are decided exactly


class Exact:
    """r + Σ c·ln(a): `r` a rational (Q), `logs` a sorted tuple of (a, c), a > 0, a ≠ 1, c ≠ 0."""

    __slots__ = ("r", "logs", "_hash", "_float")
    # Asked often, answered here without building the SymPy form: a scalar to np.shape/np.ndim,
    # and not a float to the calculator-free bound (which asks it of every number).
    shape, ndim = (), 0
    is_Float = False

    def __init__(self, r=_ZERO, logs=()):
        self.r = r if type(r) is Q else Q(r)
        self.logs = logs
        self._hash = None
        self._float = None  # float(self), once asked (the grader's rule and the key ask it again and again)

    # --- kind ------------------------------------------------------------------------------
    @property
    def is_Rational(self) -> bool:
        return not self.logs

    @property
    def is_Integer(self) -> bool:
        return not self.logs and self.r.denominator == 1

    @property
    def is_number(self) -> bool:
        return True

    @property
    def is_Add(self) -> bool:
        """Whether the SymPy form is a sum (two terms or more): templates bracket such a value."""
        return len(self.logs) + bool(self.r) > 1

    @property
    def free_symbols(self) -> frozenset:
        return frozenset()

    @property
    def is_zero(self) -> bool:
        return not self.logs and not self.r

    @property
    def p(self) -> int:
        if self.logs:
            self._need_rational("p")
        return int(self.r.numerator)

    @property
    def q(self) -> int:
        if self.logs:
            self._need_rational("q")
        return int(self.r.denominator)

    def _need_rational(self, name):
        if self.logs:
            raise AttributeError(f"{name}: {self} is not rational")

    def _sympy_(self):
        return to_sympy(self)

    def __reduce__(self):
        return (Exact, (self.r, self.logs))

    # --- arithmetic ------------------------------------------------------------------------
    def __add__(self, other):
        t = type(other)
        if t is int:   # (an int operand, as in 1 - h or 2·x, without an Exact made of it first)
            return Exact(self.r + other, self.logs) if other else self
        o = other if t is Exact else _coerce(other)
        if o is None:
            return _fallback(self, other, "__add__")
        if not o.logs:
            return Exact(self.r + o.r, self.logs) if o.r else self
        if not self.logs:
            return Exact(self.r + o.r, o.logs) if self.r else o
        return Exact(self.r + o.r, _add_logs(self.logs, o.logs, _ONE))

    __radd__ = __add__

    def __sub__(self, other):
        t = type(other)
        if t is int:
            return Exact(self.r - other, self.logs) if other else self
        o = other if t is Exact else _coerce(other)
        if o is None:
            return _fallback(self, other, "__sub__")
        if not o.logs:
            return Exact(self.r - o.r, self.logs) if o.r else self
        return Exact(self.r - o.r, _add_logs(self.logs, o.logs, -_ONE))

    def __rsub__(self, other):
        if type(other) is int:   # other − self: −self's terms (already sorted), r from other − r
            return Exact(other - self.r, tuple((a, -c) for a, c in self.logs) if self.logs else ())
        o = _coerce(other)
        if o is None:
            return _fallback(self, other, "__rsub__")
        return o - self

    def __neg__(self):
        if not self.logs:
            return Exact(-self.r)
        return Exact(-self.r, tuple((a, -c) for a, c in self.logs))

    def __pos__(self):
        return self

    def __abs__(self):
        return self if _sign(self) >= 0 else -self

    def __mul__(self, other):
        t = type(other)
        if t is int:
            return self._scale(other)
        o = other if t is Exact else _coerce(other)
        if o is None:
            return _fallback(self, other, "__mul__")
        if not o.logs:
            if not self.logs:  # rational × rational, the common case: no terms to scale
                return Exact(self.r * o.r)
            return self._scale(o.r)
        if not self.logs:
            return o._scale(self.r)
        return _fallback(self, other, "__mul__")  # a product of logarithms: SymPy's form

    __rmul__ = __mul__

    def _scale(self, k):
        if not k:
            return Exact(_ZERO)
        if k == 1:
            return self
        if not self.logs:
            return Exact(self.r * k)
        return Exact(self.r * k, tuple((a, c * k) for a, c in self.logs))

    def __truediv__(self, other):
        o = _coerce(other)
        if o is None or o.logs or not o.r:
            return _fallback(self, other, "__truediv__")  # 1/0 is SymPy's zoo, as before
        return self._scale(1 / o.r)

    def __rtruediv__(self, other):
        o = _coerce(other)
        if o is None or self.logs or not self.r:
            return _fallback(self, other, "__rtruediv__")
        return o._scale(1 / self.r)

    def __pow__(self, n):
        if isinstance(n, Exact) and n.is_Integer:
            n = int(n.r.numerator)
        elif getattr(n, "is_Integer", False) is True and not isinstance(n, int):
            n = int(n)
        if isinstance(n, int) and not isinstance(n, bool):
            if n == 1:
                return self
            if n == 0:
                return Exact(_ONE)
            if not self.logs and (self.r or n > 0):
                return Exact(self.r ** n)
        return _fallback(self, n, "__pow__")

    def __rpow__(self, base):
        if self.is_Integer and isinstance(_coerce(base), Exact):
            return _coerce(base) ** self
        return _fallback(self, base, "__rpow__")

    # --- comparison, hashing, conversion ---------------------------------------------------
    def __eq__(self, other):
        if isinstance(other, Exact):
            return self.r == other.r and self.logs == other.logs
        if isinstance(other, (int, Q, Fraction)) and not isinstance(other, bool):
            return not self.logs and self.r == other
        if isinstance(other, float):
            return not self.logs and self.r == other
        if _is_sympy(other):
            o = from_sympy(other)
            if isinstance(o, Exact):
                return self == o
            return False
        return NotImplemented

    def __ne__(self, other):
        eq = self.__eq__(other)
        return eq if eq is NotImplemented else not eq

    def __hash__(self):
        # As the SymPy number hashes (Integer: as int; Rational: its class name, p, q), so that
        # sets and dicts of SymPy rationals find their Exact twins.
        if self._hash is None:
            if not self.logs:
                p, q = self.r.numerator, self.r.denominator
                self._hash = hash(p) if q == 1 else hash(("Half" if (p, q) == (1, 2) else "Rational", p, q))
            else:
                self._hash = hash(("Exact", self.r, self.logs))
        return self._hash

    def _cmp(self, other):
        """sign(self − other) as −1, 0, 1, or None when only SymPy can tell."""
        if not self.logs:  # rational against int or rational: the common case, without building self − other
            t = type(other)
            if t is int or (t is Exact and not other.logs):
                o = other if t is int else other.r
                return (self.r > o) - (self.r < o)
        o = _coerce(other)
        if o is None:
            if isinstance(other, float):
                d = float(self) - other
                return (d > 0) - (d < 0)
            return None
        return _sign(self - o)

    def __lt__(self, other):
        s = self._cmp(other)
        return _fallback(self, other, "__lt__") if s is None else s < 0

    def __le__(self, other):
        s = self._cmp(other)
        return _fallback(self, other, "__le__") if s is None else s <= 0

    def __gt__(self, other):
        s = self._cmp(other)
        return _fallback(self, other, "__gt__") if s is None else s > 0

    def __ge__(self, other):
        s = self._cmp(other)
        return _fallback(self, other, "__ge__") if s is None else s >= 0

    def __bool__(self):
        return bool(self.r) or bool(self.logs)

    def __float__(self):
        if self._float is None:
            self._float = int(self.r.numerator) / int(self.r.denominator) if not self.logs else _log_float(self)
        return self._float

    def __int__(self):
        if not self.logs:
            return int(self.r)
        return int(float(self))

    def __repr__(self):
        return f"Exact({self})"

    def __str__(self):
        if not self.logs:
            p, q = self.r.numerator, self.r.denominator
            return str(p) if q == 1 else f"{p}/{q}"
        s = exact_print.sympy_str(self)
        return s if s is not None else str(to_sympy(self))


# What SymPy numbers offer and Exact does not (.has, .atoms, .rewrite, .is_positive, …) is asked of
# the SymPy form: SymPy 1.14's public attributes of the forms an Exact takes (Integer, Rational, log,
# c·log, Add; tests/test_speed_num8.py compares the list with SymPy's), each a property. Not by
# __getattr__: a class with one makes CPython read every attribute of every Exact (x.r, x.logs, …)
# by its slow general path (~300 instructions a read; ~2 M of a default version's ~66 M).
SYMPY_ATTRIBUTES = """
    adjoint apart args args_cnc as_base_exp as_coeff_Add as_coeff_Mul as_coeff_add
    as_coeff_exponent as_coeff_mul as_coefficient as_coefficients_dict as_content_primitive
    as_dummy as_expr as_independent as_leading_term as_numer_denom as_ordered_factors
    as_ordered_terms as_poly as_powers_dict as_real_imag as_terms as_two_terms aseries
    assumptions0 atoms cancel canonical_variables ceiling class_key coeff cofactors collect
    combsimp compare conjugate copy could_extract_minus_sign count count_ops default_assumptions
    denominator diff dir doit dummy_eq equals eval evalf expand expr_free_symbols
    extract_additively extract_branch_factor extract_leading_order extract_multiplicatively
    factor factors fdiff find flatten floor fourier_series fps from_coprime_ints fromiter func
    gammasimp gcd getO getn has has_free has_xfree identity integrate inverse invert
    is_AlgebraicNumber is_Atom is_Boolean is_Derivative is_Dummy is_Equality is_Function
    is_Indexed is_MatAdd is_MatMul is_Matrix is_Mul is_Not is_Number is_NumberSymbol is_Order
    is_Piecewise is_Point is_Poly is_Pow is_Relational is_Symbol is_Vector is_Wild is_algebraic
    is_algebraic_expr is_antihermitian is_commutative is_comparable is_complex is_composite
    is_constant is_even is_extended_negative is_extended_nonnegative is_extended_nonpositive
    is_extended_nonzero is_extended_positive is_extended_real is_finite is_hermitian
    is_hypergeometric is_imaginary is_infinite is_integer is_irrational is_meromorphic
    is_negative is_noninteger is_nonnegative is_nonpositive is_nonzero is_odd is_polar
    is_polynomial is_positive is_prime is_rational is_rational_function is_real is_same
    is_scalar is_singular is_symbol is_transcendental kind lcm leadterm limit limit_denominator
    lseries make_args match matches n nargs normal nseries nsimplify numerator powsimp primitive
    radsimp ratsimp rcall refine removeO replace rewrite round separate series simplify sort_key
    subs taylor_term together transpose trigsimp xreplace
""".split()


def _delegated(name: str) -> property:
    return property(lambda self: getattr(to_sympy(self), name), doc=f"SymPy's .{name} of the value.")


for _name in SYMPY_ATTRIBUTES:
    setattr(Exact, _name, _delegated(_name))


# --- construction and conversion ----------------------------------------------------------------
def rational(v) -> Exact:
    """An Exact rational from an int, a Fraction, a string like "3/4", or a SymPy rational."""
    if isinstance(v, Exact):
        return v
    if _is_sympy(v):
        return Exact(Q(int(v.p), int(v.q)))
    return Exact(Q(v))


def log(v):
    """ln v, in SymPy's form: ln 1 = 0, ln(1/n) = −ln n, ln(p/q) and ln 4 kept as they are."""
    o = _coerce(v)
    if o is None or o.logs or o.r <= 0:
        return _sympy().log(to_sympy(v) if isinstance(v, Exact) else v)
    a = o.r
    if a == 1:
        return Exact(_ZERO)
    if a.numerator == 1:
        return Exact(_ZERO, ((Q(a.denominator), -_ONE),))
    return Exact(_ZERO, ((a, _ONE),))


def exp(v):
    """e^v: a rational when v = Σ k·ln a with integer k's (as SymPy finds it), else SymPy's e^v."""
    o = _coerce(v)
    if o is not None and not o.r and all(c.denominator == 1 for _, c in o.logs):
        out = _ONE
        for a, c in o.logs:
            out *= a ** int(c)
        return Exact(out)
    return _sympy().exp(to_sympy(o) if o is not None else v)


def logcombine(x: Exact) -> Exact | None:
    """SymPy's logcombine(x, force=True) for r + c·ln a (one logarithm): c·ln a becomes
    ±ln(a^|c|) when a^|c| is rational (2 ln 2 → ln 4); x itself when a^|c| is irrational (SymPy
    would write ln √3, which the engine declines). None for what only SymPy can say: sums of
    several logarithms (SymPy rewrites each term, re-adds, then merges the logs of each sign)
    and a rational a^|c| reached through a root (ln 9^(1/2))."""
    if len(x.logs) != 1:
        return x if not x.logs else None
    a, c = x.logs[0]
    if abs(c) == 1:
        return x
    if c.denominator != 1:
        return x if _irrational_power(a, abs(c)) else None
    return Exact(x.r, ((a ** int(abs(c)), _ONE if c > 0 else -_ONE),))


def _irrational_power(a, c) -> bool:
    """Whether a^c is irrational: some prime's exponent c·v_p(a) is not an integer."""
    return any((k * c).denominator != 1 for n in (int(a.numerator), int(a.denominator))
               for k in prime_exponents(n).values())


def prime_exponents(n: int) -> dict:
    """{p: k} with n = Π p^k, n ≥ 1 (trial division: exam numbers are small; SymPy beyond 10¹⁰)."""
    if n > 10**10:
        return {int(p): int(k) for p, k in _sympy().factorint(n).items()}
    out, p = {}, 2
    while p * p <= n:
        while n % p == 0:
            out[p] = out.get(p, 0) + 1
            n //= p
        p += 1 if p == 2 else 2
    if n > 1:
        out[n] = out.get(n, 0) + 1
    return out


def to_sympy(v):
    """The SymPy number an Exact stands for (other values are returned unchanged)."""
    if not isinstance(v, Exact):
        return v
    return _to_sympy(v.r, v.logs)


@lru_cache(maxsize=8192)
def _to_sympy(r: Fraction, logs: tuple):
    sp = _sympy()
    out = sp.Rational(r.numerator, r.denominator)
    for a, c in logs:
        out += sp.Rational(c.numerator, c.denominator) * sp.log(sp.Rational(a.numerator, a.denominator))
    return out


def from_sympy(v):
    """An Exact for a SymPy rational or r + Σ c·ln a; any other SymPy value is returned as it is."""
    if not _is_sympy(v):
        return v
    if getattr(v, "is_Rational", False) is True:
        return Exact(Q(int(v.p), int(v.q)))
    return _from_sympy(v)


@lru_cache(maxsize=8192)
def _from_sympy(v):
    sp = _sympy()
    r, logs = _ZERO, {}
    for term in sp.Add.make_args(v):
        if term.is_Rational:
            r += Q(int(term.p), int(term.q))
            continue
        c, rest = term.as_coeff_Mul()
        if not (c.is_Rational and isinstance(rest, sp.log) and rest.args[0].is_Rational):
            return v
        a = Q(int(rest.args[0].p), int(rest.args[0].q))
        logs[a] = logs.get(a, _ZERO) + Q(int(c.p), int(c.q))
    out = Exact(r, tuple(sorted((a, c) for a, c in logs.items() if c)))
    return out if to_sympy(out) == v else v  # only forms that map back to the same SymPy value


# --- helpers -------------------------------------------------------------------------------------
def _sympy():
    import sympy

    return sympy


def _is_sympy(v) -> bool:
    """Whether v is SymPy's: of a class of SymPy's or derived from one (e.g. a Function defined
    in the engine; SymPy's undefined functions, e.g. sigma(g), have classes whose __module__ is None)."""
    return _sympy_class(type(v))


@lru_cache(maxsize=1024)
def _sympy_class(t: type) -> bool:
    # (remembered per class: the walk of the MRO was asked again and again of the same few classes)
    return any((c.__module__ or "").startswith("sympy") for c in t.__mro__[:-1])


def _coerce(v):
    """An Exact for ints, Fractions, Exacts and SymPy rationals/log forms; None for the rest."""
    t = type(v)
    if t is Exact:
        return v
    if t is int:   # (the common cases first, by exact type: isinstance walks for bool and Q too)
        return Exact(Q(v))
    if isinstance(v, Exact):
        return v
    if isinstance(v, int):
        return None if isinstance(v, bool) else Exact(Q(v))
    if isinstance(v, (Q, Fraction)):
        return Exact(v)
    if type(v).__module__ == "numpy" and hasattr(v, "dtype") and v.dtype.kind in "iu" and v.ndim == 0:
        return Exact(Q(int(v)))
    if _is_sympy(v):
        o = from_sympy(v)
        return o if isinstance(o, Exact) else None
    return None


def _fallback(x: Exact, other, op: str):
    """x op other, computed by SymPy on the equivalent SymPy values."""
    if isinstance(other, Exact):
        other = to_sympy(other)
    elif isinstance(other, (Q, Fraction)):
        other = _sympy().Rational(other.numerator, other.denominator)
    elif type(other).__module__ == "numpy" or isinstance(other, (list, tuple)):
        return NotImplemented
    return getattr(to_sympy(x) if x.logs else _sympy().Rational(x.r.numerator, x.r.denominator), op)(other)


def _add_logs(a: tuple, b: tuple, k) -> tuple:
    """The terms of Σa + k·Σb, like terms collected, zeros dropped, sorted by argument."""
    out = dict(a)
    for arg, c in b:
        out[arg] = out.get(arg, _ZERO) + k * c
    return tuple(sorted((arg, c) for arg, c in out.items() if c))


def _sign(x: Exact) -> int:
    """The sign of x, exactly: floats when clearly away from 0, else exact reasoning."""
    if not x.logs:
        return (x.r > 0) - (x.r < 0)
    f = int(x.r.numerator) / int(x.r.denominator) + sum(float(c) * math.log(a) for a, c in x.logs)
    if abs(f) > _TOL:
        return 1 if f > 0 else -1
    if not x.r:
        # Σ c·ln a = ln Π a^c: its sign is that of Π a^(D·c) − 1, D the common denominator.
        d = math.lcm(*(c.denominator for _, c in x.logs))
        prod = _ONE
        for a, c in x.logs:
            prod *= a ** int(c * d)
        return (prod > 1) - (prod < 1)
    # r + Σ c·ln a ≠ 0 when r ≠ 0 (e^r is transcendental): enough digits decide the sign.
    import mpmath

    with mpmath.workdps(60):
        v = mpmath.mpf(x.r.numerator) / x.r.denominator + sum(
            mpmath.mpf(c.numerator) / c.denominator * mpmath.log(mpmath.mpf(a.numerator) / a.denominator)
            for a, c in x.logs)
    return 1 if v > 0 else -1


def _log_float(x: Exact) -> float:
    # SymPy's float of the same value (bit for bit: it keeps every decimal in a key byte-identical),
    # remembered: the float of ln 2, 3/2·ln 3, … is asked often.
    return _float_cached(x.r, x.logs)


@lru_cache(maxsize=8192)
def _float_cached(r, logs) -> float:
    from .exact_float import sympy_float  # SymPy's own steps on mpmath: no SymPy import

    f = sympy_float(r, logs)
    return f if f is not None else float(_to_sympy(r, logs))
