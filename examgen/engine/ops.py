"""Element-wise maths that works on floats and on exact numbers alike.

A value is *exact* when it is an `Exact` (engine/exact.py: rationals and rational multiples of
logarithms, the exam profile's numbers), a SymPy number, or a NumPy object array of them; every
other value is treated as float64. Engine modules call these instead of `np.exp` and friends.
Exact values stay Exact where the result is one (σ(ln q) = q/(1+q), e^(k ln q) = q^k, …) and
become SymPy where it is not; both kinds mix freely.
"""
from __future__ import annotations

from functools import lru_cache
from itertools import product

import numpy as np

from . import exact as _exact
from .exact import Exact


def is_exact(a) -> bool:
    """True for Exact and SymPy numbers and object arrays (of them)."""
    t = type(a)
    if t is Exact:   # the common cases, decided without a walk of the MRO
        return True
    if t is float or t is int or t is np.float64:
        return False
    if isinstance(a, np.ndarray):
        return a.dtype == object
    if isinstance(a, Exact):
        return True
    return _exact._is_sympy(a)


def _sympy():
    import sympy

    return sympy


def _map(f, a):
    """Apply a scalar SymPy function to a SymPy number or every entry of an object array."""
    if isinstance(a, np.ndarray):   # (entry by entry in order, as np.ndenumerate would, without its index tuples)
        return np.fromiter(map(f, a.flat), dtype=object, count=a.size).reshape(a.shape)
    return f(a)


def indices(*shape):
    """Every index of an array of this shape, first axis outermost: np.ndindex's tuples of Python
    ints, in its order, without its cost per step (the loops over windows and kernels use it)."""
    return product(*map(range, shape))


def asarray(a):
    """An array: object dtype for exact values, float64 for everything else."""
    if isinstance(a, np.ndarray):
        return a
    if is_exact(a) or (isinstance(a, (list, tuple)) and _any_exact(a)):
        return np.array(a, dtype=object)
    return np.asarray(a, dtype=float)


def vector(values) -> np.ndarray:
    """A 1-D object array of these scalars, filled entry by entry (np.array(values, dtype=object)
    would first ask every entry for __array__, __array_interface__ and __array_struct__)."""
    out = np.empty(len(values), dtype=object)
    for i, v in enumerate(values):
        out[i] = v
    return out


def rationals(a):
    """The rationals r (Q) of an object array whose entries are all rational Exacts, as an object
    array; None for any other array or value (logarithms, SymPy numbers, floats)."""
    if not isinstance(a, np.ndarray) or a.dtype != object:
        return None
    out = []
    for v in a.flat:
        if type(v) is not Exact or v.logs:
            return None
        out.append(v.r)
    return np.fromiter(out, dtype=object, count=a.size).reshape(a.shape)


# The largest |entry| `integers` takes: a sum of up to 2¹⁴ products of two such stays inside int64.
WHOLE_BOUND = 2**24


def integers(a):
    """The int64 array of an object array whose entries are all whole-number Exacts of size at most
    WHOLE_BOUND; None for any other array or value."""
    if not isinstance(a, np.ndarray) or a.dtype != object:
        return None
    out = []
    for v in a.flat:
        if type(v) is not Exact or v.logs or v.r.denominator != 1:
            return None
        out.append(int(v.r))
    if out and not -WHOLE_BOUND <= min(out) <= max(out) <= WHOLE_BOUND:
        return None
    return np.array(out, dtype=np.int64).reshape(a.shape)


def exacts(r):
    """An object array of Exacts of an object array of rationals (`rationals`, undone) or of an
    integer array (`integers`, undone)."""
    flat = r.flat if r.dtype == object else r.ravel().tolist()   # (Python ints, not NumPy's)
    return np.fromiter(map(Exact, flat), dtype=object, count=r.size).reshape(r.shape)


def _any_exact(seq) -> bool:
    for v in seq:
        if isinstance(v, (list, tuple)):
            if _any_exact(v):
                return True
        elif is_exact(v):
            return True
    return False


def _exp1(v):
    """e^v of one exact value: Exact's own where it can, else SymPy's."""
    return _exact.exp(v) if isinstance(v, Exact) else _sympy().exp(v)


def _log1(v):
    return _exact.log(v) if isinstance(v, Exact) else _sympy().log(v)


def exp(a):
    """e^a."""
    return _map(_exp1, a) if is_exact(a) else np.exp(a)


def log(a):
    """ln a (natural logarithm)."""
    return _map(_log1, a) if is_exact(a) else np.log(a)


def sigmoid(a):
    """σ(a) = 1/(1 + e^−a)."""
    if is_exact(a):
        return _map(_sigmoid1, a)
    a = np.asarray(a, dtype=float)
    # Split by sign so that e^x never overflows.
    e = np.exp(-np.abs(a))
    return np.where(a >= 0, 1 / (1 + e), e / (1 + e))


def tanh(a):
    """tanh(a) = 2σ(2a) − 1, written so that SymPy evaluates tanh(ln q) to a fraction."""
    if is_exact(a):
        return _map(_tanh1, a)
    return np.tanh(a)


def _sigmoid1(v):
    return _remembered(_sigmoid_of, v)


def _sigmoid_of(v):
    return 1 / (1 + _exp1(-v))


def _tanh1(v):
    return _remembered(_tanh_of, v)


def _tanh_of(v):
    e = _exp1(-2 * v)
    return (1 - e) / (1 + e)


def _remembered(f, v):
    """f(v) of one exact value, remembered for an Exact (exam excitations repeat: k·ln 2, 1/2, …)."""
    return _remembered_exact(f, v) if type(v) is Exact else f(v)


@lru_cache(maxsize=4096)
def _remembered_exact(f, v: Exact):
    # Only Exact keys: an Exact equals (and hashes as) its SymPy twin, whose result is SymPy's.
    return f(v)


def is_positive(a):
    """Element-wise a > 0 as a bool array (exact values are compared exactly)."""
    if is_exact(a):
        if not isinstance(a, np.ndarray):
            return np.array(bool(a > 0))
        # (a loop: np.vectorize costs ~50 µs a call; a rational Exact's sign is its r's)
        signs = [v.r > 0 if type(v) is Exact and not v.logs else bool(v > 0) for v in a.flat]
        return np.fromiter(signs, dtype=bool, count=a.size).reshape(a.shape)
    return np.asarray(a) > 0


def _like(out, a):
    """Return a 0-d result as a scalar when the input was a scalar."""
    return out[()] if np.ndim(a) == 0 else out


def relu(a):
    """ReLU(a) = max(0, a)."""
    out = np.where(is_positive(a), np.asarray(a, dtype=object if is_exact(a) else float), zero_like(a))
    return _like(out, a)


def step(a):
    """The unit step u(a): 1 where a > 0, else 0."""
    one = 1 if not is_exact(a) else Exact(1)
    zero = 0 if not is_exact(a) else Exact(0)
    out = np.where(is_positive(a), one, zero)
    return _like(out.astype(object) if is_exact(a) else out.astype(float), a)


def zero_like(a):
    """Zeros with a's shape and kind (exact or float)."""
    if is_exact(a):
        if not np.ndim(a):
            return Exact(0)
        z = np.empty(np.shape(a), dtype=object)
        z.fill(Exact(0))   # (z[...] = would first ask the Exact for __array__ and the like)
        return z
    return np.zeros(np.shape(a)) if np.ndim(a) else 0.0


def to_float(a):
    """Float64 value (array or Python float) of an exact or float value."""
    t = type(a)
    if t is Exact:   # the common scalars, decided without is_exact's checks (the method: float()'s
        return a.__float__()   # type call costs more than the cached value's read)
    if t is float:
        return a
    if isinstance(a, np.ndarray):
        if a.dtype != object:
            return np.asarray(a, dtype=float)
        return np.fromiter(float_entries(a), dtype=float, count=a.size).reshape(a.shape)
    if is_exact(a):
        return _float(a)
    if np.ndim(a):
        return np.asarray(a, dtype=float)
    return float(a)


def float_entries(a: np.ndarray) -> list[float]:
    """The float64 values of an array's entries as Python floats, first index outermost
    (to_float's values, without building an array)."""
    if a.dtype != object:
        return np.asarray(a, dtype=float).ravel().tolist()
    return [v.__float__() if type(v) is Exact else _float(v) for v in a.flat]   # (Exacts: the common case)


def _float(v) -> float:
    """float(v), directly p/q for a rational (correctly rounded, as float() is, but fast)."""
    if isinstance(v, Exact):
        return float(v)
    if getattr(v, "is_Rational", False) is True:
        return int(v.p) / int(v.q)
    return float(v)


def to_sympy(a):
    """The SymPy form of an exact value or object array (for SymPy functions that do not convert
    their arguments themselves, e.g. logcombine); floats and SymPy values are returned as they are."""
    if isinstance(a, np.ndarray) and a.dtype == object:
        return _map(_exact.to_sympy, a)
    return _exact.to_sympy(a)


def from_sympy(a):
    """Exact values for SymPy rationals and r + Σ c·ln a (entry by entry in arrays); others unchanged."""
    if isinstance(a, np.ndarray) and a.dtype == object:
        return _map(_exact.from_sympy, a)
    return _exact.from_sympy(a)


# --- what an exact value is made of (for the calculator-free bound) ---------------------------
class Decomposition(tuple):
    """(rationals, logs, other): the (numerator, denominator) pairs a value is written with, the
    arguments of the logarithms it uses, and whether it uses anything else (e, √2, a float)."""

    __slots__ = ()

    def __new__(cls, rationals=(), logs=frozenset(), other=False):
        return super().__new__(cls, (tuple(rationals), frozenset(logs), bool(other)))

    rationals = property(lambda self: self[0])
    logs = property(lambda self: self[1])
    other = property(lambda self: self[2])


def decompose(v) -> Decomposition:
    """The rational coefficients and logarithms of one exact scalar (int, Fraction or SymPy number).

    3/4 → ((3, 4),), {}; 64592558·ln 2/200201625 → ((64592558, 200201625),), {2};
    (ln 2 + ln 3)/4 → ((1, 4), (1, 4), (2, 1), (3, 1)), {2, 3}; ln(4/3) uses the logs {2, 3}
    (the primes of a rational argument). A float or any other function is `other`.
    A new exact number type extends this function (and only this one) for its own values.
    """
    if isinstance(v, (bool, np.bool_)):
        return Decomposition(other=True)
    if isinstance(v, (int, np.integer)):
        return Decomposition(((int(v), 1),))
    from fractions import Fraction

    if isinstance(v, Fraction):
        return Decomposition(((v.numerator, v.denominator),))
    if isinstance(v, Exact):
        if v.is_Rational:
            return Decomposition(((int(v.r.numerator), int(v.r.denominator)),))
        return _decompose_exact(v)
    if not is_exact(v):
        return Decomposition(other=True)
    rationals, logs = [], set()
    return Decomposition(rationals, logs, not _walk(v, rationals, logs))


@lru_cache(maxsize=4096)
def _decompose_exact(v: Exact) -> Decomposition:
    """An Exact r + Σ c·ln a, decomposed as its SymPy form r + c·log(a) + … is by _walk (remembered
    per value): r, then each term's c (when not 1) and a; the logs are the primes of each a."""
    rationals, logs = [(int(v.r.numerator), int(v.r.denominator))] if v.r else [], set()
    for a, c in v.logs:
        if c != 1:
            rationals.append((int(c.numerator), int(c.denominator)))
        rationals.append((int(a.numerator), int(a.denominator)))
        logs.update(_exact.prime_exponents(int(a.numerator)).keys() | _exact.prime_exponents(int(a.denominator)).keys())
    return Decomposition(rationals, logs)


def _walk(e, rationals: list, logs: set) -> bool:
    """Collect e's rationals and log arguments; False when e uses anything but +, ×, integer powers, ln."""
    sp = _sympy()
    if e.is_Rational:
        rationals.append((int(e.p), int(e.q)))
        return True
    if isinstance(e, sp.log):  # ln(p/q) is Σ ± ln of p's and q's primes: those are the logs it uses
        a = e.args[0]
        logs.update(sp.factorint(a.p).keys() | sp.factorint(a.q).keys() if a.is_Rational else {a})
        return _walk(a, rationals, logs)
    if e.is_Add or e.is_Mul:
        return all(_walk(a, rationals, logs) for a in e.args)
    if e.is_Pow and e.exp.is_Integer:
        return _walk(e.base, rationals, logs)
    return False
