"""Seeded, profile-aware random draws for problem generators.

An instance is fully determined by (problem id, profile, seed): `Draw.for_instance` derives
the generator's seed from those three with SHA-256, so it never depends on PYTHONHASHSEED
and no global random state is touched.

The `exam` profile draws numbers a student can work without a calculator and returns them
as exact numbers (engine.exact.Exact, in NumPy object arrays); the `drill` profile draws
decimals as float64 arrays.
"""
from __future__ import annotations

import ctypes
from fractions import Fraction
from functools import lru_cache

import numpy as np

from .engine import ops
from .engine.exact import Exact, Q, from_sympy
from .engine.exact import log as exact_log
from .seeds import PROFILES, derive_seed  # noqa: F401 - (re-exported: the samplers' names)

# The calculator-free bound of the exam profile (REFERENCE.md): every exact rational in every
# parameter, answer and intermediate value has |numerator| ≤ 300 and denominator ≤ 300, and no
# entry mixes more than 2 distinct logarithms.
MAX_NUMERATOR = 300
MAX_DENOMINATOR = 300
MAX_LOGS = 2


class Draw:
    """Random draws for one instance; `exam` says which profile is being drawn."""

    def __init__(self, rng: np.random.Generator, profile: str):
        if profile not in PROFILES:
            raise ValueError(f"unknown profile {profile!r}; expected exam or drill")
        self.rng = rng
        self.profile = profile
        self.exam = profile == "exam"
        self._next_uint32, self._state = _uint32_draw(rng.bit_generator)   # (see `integer`)

    @classmethod
    def for_instance(cls, problem_id: str, profile: str, seed: int) -> "Draw":
        return cls(np.random.default_rng(derive_seed(problem_id, profile, seed)), profile)

    # --- plain choices -------------------------------------------------------------
    def choice(self, options):
        """One of a sequence (its order matters, so pass lists or tuples, not sets)."""
        if not isinstance(options, (list, tuple)):
            options = list(options)
        return options[self.integer(0, len(options) - 1)]

    def integer(self, lo: int, hi: int) -> int:
        """A Python int in [lo, hi]: the one `int(self.rng.integers(lo, hi + 1))` gives, drawn as
        NumPy draws it (Lemire's bounded 32-bit draw, numpy/random/src/distributions), so that the
        generator moves on exactly as there: samplers draw hundreds a version, and NumPy's own
        call costs most of a draw in argument handling."""
        span = hi - lo
        if not 0 < span < 0xFFFFFFFF or self._state is None:   # one value, a range wider than
            return int(self.rng.integers(lo, hi + 1))          # 32 bits, or no capsule: NumPy's own
        excl = span + 1
        m = self._next_uint32(self._state) * excl
        if (m & 0xFFFFFFFF) < excl:   # maybe in the biased sliver
            m = self._unbiased(m, excl)
        return int(lo) + (m >> 32)

    size = integer   # a size (Python int) in [lo, hi]

    def integers(self, lo: int, hi: int, n: int) -> list[int]:
        """n Python ints in [lo, hi], those of n calls of `integer` (its draw written in the loop:
        anchor-labels asks four at a time, a hundred times a version)."""
        span = hi - lo
        if not 0 < span < 0xFFFFFFFF or self._state is None:
            integer = self.integer
            return [integer(lo, hi) for _ in range(n)]
        next_uint32, state, excl, lo = self._next_uint32, self._state, span + 1, int(lo)
        out = []
        for _ in range(n):
            m = next_uint32(state) * excl
            if (m & 0xFFFFFFFF) < excl:
                m = self._unbiased(m, excl)
            out.append(lo + (m >> 32))
        return out

    def _unbiased(self, m: int, excl: int) -> int:
        """Lemire's product m of a 32-bit draw and `excl`, drawn again while its low half lies
        below the threshold (the biased sliver), as NumPy does."""
        threshold = (0x100000000 - excl) % excl
        while (m & 0xFFFFFFFF) < threshold:
            m = self._next_uint32(self._state) * excl
        return m

    def permutation(self, n: int) -> list[int]:
        return self.rng.permutation(n).tolist()   # (Python ints, without a loop)

    # --- numbers -------------------------------------------------------------------
    def array(self, values):
        """An array of drawn values: exact numbers (exam) or float64 (drill)."""
        return exact(values) if self.exam else np.asarray(values, dtype=float)

    def ints(self, lo: int, hi: int, shape=(), nonzero: bool = False):
        """Integers in [lo, hi]: exact in the exam profile, floats in the drill profile."""
        values = self.rng.integers(lo, hi + 1, size=shape)
        while nonzero and (values == 0).any():
            values = np.where(values == 0, self.rng.integers(lo, hi + 1, size=shape), values)
        return exact(values) if self.exam else np.asarray(values, dtype=float)

    def grid(self, lo: float, hi: float, step, shape=(), nonzero: bool = False):
        """Multiples of `step` (e.g. 1/2) in [lo, hi], exact in the exam profile."""
        k_lo, k_hi, step = _grid(lo, hi, step)
        ks = self.rng.integers(k_lo, k_hi + 1, size=shape)
        while nonzero and (ks == 0).any():
            ks = np.where(ks == 0, self.rng.integers(k_lo, k_hi + 1, size=shape), ks)
        if self.exam:   # k·step as rationals (an array times an Exact asks it for __array__ & co.)
            return exact(np.asarray(ks, dtype=object) * Q(step))
        return np.asarray(ks, dtype=float) * float(step)

    def decimals(self, lo: float, hi: float, shape=(), places: int = 2, nonzero: bool = False):
        """Uniform decimals in [lo, hi] rounded to `places` (always float64)."""
        values = np.round(self.rng.uniform(lo, hi, size=shape), places)
        while nonzero and (values == 0).any():
            values = np.where(values == 0, np.round(self.rng.uniform(lo, hi, size=shape), places), values)
        return values if np.ndim(values) else float(values)

    def numbers(self, lo: float, hi: float, shape=(), nonzero: bool = False):
        """Profile-dependent: small integers (exam) or 2-place decimals (drill) in [lo, hi]."""
        if self.exam:
            return self.ints(int(lo), int(hi), shape, nonzero=nonzero)
        return self.decimals(lo, hi, shape, nonzero=nonzero)

    def log_ratios(self, shape=(), ratios=(2, 3, 4), allow_zero: bool = True):
        """Exam: ±ln q for q in `ratios` (or 0), whose sigmoids are exact fractions."""
        choices = [Exact(0)] if allow_zero else []
        for q in ratios:
            choices += [exact_log(q), -exact_log(q)]
        idx = self.rng.integers(len(choices), size=shape)
        return exact([choices[i] for i in np.ravel(idx)], shape=shape)


class _BitGen(ctypes.Structure):
    """The C interface a NumPy bit generator exports in its capsule (numpy/random/bitgen.h)."""
    _fields_ = [("state", ctypes.c_void_p), ("next_uint64", ctypes.c_void_p), ("next_uint32", ctypes.c_void_p),
                ("next_double", ctypes.c_void_p), ("next_raw", ctypes.c_void_p)]


# (A prototype of its own: ctypes.pythonapi's shared one is left as other code may have set it.
# An interpreter without the C API, e.g. PyPy, has none: every draw is then NumPy's own call.)
try:
    _capsule_pointer = ctypes.PYFUNCTYPE(ctypes.c_void_p, ctypes.py_object, ctypes.c_char_p)(
        ("PyCapsule_GetPointer", ctypes.pythonapi))
except AttributeError:
    _capsule_pointer = None


def _uint32_draw(bit_generator) -> tuple:
    """(next_uint32, state): the bit generator's own 32-bit draw, callable as next_uint32(state),
    the one Generator.integers calls. Read from its capsule, as its `ctypes` attribute reads it
    (which builds four function objects and a named tuple each time: a third of an instance's
    seeding). (None, None) where there is no such capsule: Draw.integer then calls NumPy."""
    capsule = getattr(bit_generator, "capsule", None)
    if _capsule_pointer is None or capsule is None:
        return None, None
    bits = _BitGen.from_address(_capsule_pointer(capsule, b"BitGenerator"))
    return _uint32_function(bits.next_uint32), ctypes.c_void_p(bits.state)


@lru_cache(maxsize=16)
def _uint32_function(address: int):
    """The C function at `address` as a ctypes function (one per kind of bit generator)."""
    return ctypes.CFUNCTYPE(ctypes.c_uint32, ctypes.c_void_p)(address)


@lru_cache(maxsize=256)
def _grid(lo, hi, step) -> tuple[int, int, Fraction]:
    """(k_lo, k_hi, step) of the grid k·step in [lo, hi] (remembered: a string step is parsed slowly)."""
    step = Fraction(step)
    return int(Fraction(lo) / step), int(Fraction(hi) / step), step


def exact(values, shape=None):
    """Object array (or scalar) of exact numbers from ints, Fractions (or Q), strings, Exact or SymPy
    values. Rationals and rational multiples of logarithms become Exact; other SymPy values
    (e.g. √2, symbols) are kept as they are."""
    if isinstance(values, np.ndarray):
        if values.ndim == 0:
            return _exact_one(values.item())
        # (tolist: Python ints from drawn integers, as np.asarray(…, dtype=object) gives them)
        flat = values.ravel().tolist() if values.dtype != object else list(values.flat)
        dims = values.shape
    elif isinstance(values, (list, tuple)) and all(type(v) in _FLAT for v in values):
        flat, dims = values, (len(values),)   # a flat list: no np.asarray, which asks every entry for __array__
    elif np.ndim(values) == 0 and not isinstance(values, (list, tuple)):
        return _exact_one(values)
    else:
        flat, dims = list(np.ravel(np.asarray(values, dtype=object))), np.shape(values)
    arr = np.fromiter(map(_exact_one, flat), dtype=object, count=len(flat)).reshape(dims if shape is None else shape)
    return arr[()] if arr.ndim == 0 else arr


_FLAT = frozenset((Exact, int, Fraction, Q, str))  # entries a flat list of exact numbers holds


def _exact_one(v):
    """One exact number (see `exact`)."""
    t = type(v)
    if t is Exact:
        return v
    if t is int:
        return Exact(v)
    if isinstance(v, Exact):
        return v
    if isinstance(v, (bool, np.bool_)):
        raise TypeError("booleans are not numbers")
    if isinstance(v, (int, np.integer)):
        return Exact(int(v))
    if isinstance(v, float):
        raise TypeError("exact() takes integers, fractions or SymPy numbers, not floats")
    if isinstance(v, (Fraction, Q)):
        return Exact(v)
    if isinstance(v, str):
        return Exact(_rational_text(v))
    if ops.is_exact(v):  # SymPy
        return from_sympy(v)
    return Exact(Fraction(str(v)))


@lru_cache(maxsize=1024)
def _rational_text(text: str) -> Q:
    """The rational a text like "7/10" stands for (remembered: samplers pass the same few, and
    Fraction parses a text with a regular expression)."""
    return Q(Fraction(text))


def float_params(params: dict) -> dict:
    """A float64 copy of an instance's parameters (numbers only; strings, ints and dicts kept)."""

    def one(v):
        if isinstance(v, (str, int, dict, list)) and not isinstance(v, bool):
            return v
        if ops.is_exact(v) and not isinstance(v, np.ndarray):
            return _exact_scalar_float(v)
        return ops.to_float(v)

    return {k: one(v) for k, v in params.items()}


@lru_cache(maxsize=4096)
def _exact_scalar_float(v) -> float:
    """float of an exact scalar, remembered: samplers draw the same few (ln 2, −ln 3/2, …) again and again."""
    return ops.to_float(v)


# --- the calculator-free bound ---------------------------------------------------------------
def hand_workable(v) -> str | None:
    """None when one exact scalar meets the calculator-free bound; else what breaks it."""
    if isinstance(v, (float, np.floating)) or getattr(v, "is_Float", False):
        return _hand_workable(v)  # (equal floats can print differently: -0.0, precisions)
    try:
        return _hand_workable_remembered(v)
    except TypeError:  # unhashable
        return _hand_workable(v)


@lru_cache(maxsize=4096, typed=True)
def _hand_workable_remembered(v) -> str | None:
    """hand_workable of an exact value, remembered: an exam's values repeat (0, 1, 1/2, 3, …)."""
    return _hand_workable(v)


def _hand_workable(v) -> str | None:
    from .engine import ops

    d = ops.decompose(v)
    if d.other:
        return f"{v} is not a rational combination of logarithms"
    for p, q in d.rationals:
        if not within_bound(p, q):
            return f"{v} has the rational {p}/{q} (the bound is ±{MAX_NUMERATOR}/{MAX_DENOMINATOR})"
    if len(d.logs) > MAX_LOGS:
        return f"{v} mixes {len(d.logs)} logarithms (the bound is {MAX_LOGS})"
    return None


def within_bound(p, q) -> bool:
    """Whether the rational p/q (q > 0) meets the calculator-free bound on its numerator and
    denominator: the one statement of that rule."""
    return -MAX_NUMERATOR <= p <= MAX_NUMERATOR and q <= MAX_DENOMINATOR


# The rationals (Q) met within the bound: a set lookup tells them again without within_bound's
# numerator and denominator (new mpz objects, compared with ints: ~4x the lookup). At most the
# ~110,000 rationals the bound allows; an exam meets a few hundred.
_WITHIN: set = set()


def bound_violation(values: dict) -> str | None:
    """None when every number in `values` (parameters, or what solve() returned, nested in dicts,
    lists and arrays) is hand-workable; else "name: what breaks the bound". Text, booleans and
    symbolic expressions (with free variables) are not numbers and are skipped."""
    # Most entries are rationals or whole numbers within the bound: told on the spot (hand_workable's
    # own test of them), without decomposing them; an Exact rational by its r among those seen within
    # the bound (`_WITHIN`), which drops most of an object array's entries before the walk. The others
    # are checked once each, by id: values repeat (an env holds the nodes' values again) and one seen
    # before has passed. (Kept, not only their ids: a NumPy scalar made by .flat for one name must not
    # free its id for another's.)
    passed, known = {}, _WITHIN
    for name, v in values.items():
        if type(v) is np.ndarray and v.dtype == object:   # its entries, as _numbers walks them
            v = [x for x in v.ravel().tolist() if type(x) is not Exact or x.logs or x.r not in known]
        for entry in _numbers(v, []):
            t = type(entry)
            if t is Exact:
                if not entry.logs:
                    if entry.r in known:
                        continue
                    if within_bound(entry.r.numerator, entry.r.denominator):
                        known.add(entry.r)
                        continue
            elif t is int or t is np.int64:
                if within_bound(entry, 1):
                    continue
            elif getattr(entry, "is_Rational", False) is True:   # a SymPy rational
                if within_bound(entry.p, entry.q):
                    continue
            if id(entry) in passed:
                continue
            passed[id(entry)] = entry
            why = hand_workable(entry)
            if why:
                return f"{name}: {why}"
    return None


_SKIPPED = (str, bool, np.bool_, type(None))
_SKIPPED_TYPES = frozenset(_SKIPPED)
# Types whose every value is a number with no free symbols: Exact, int, and SymPy's rational
# classes (Integer, One, Half, …) as met, told by their class's is_Rational.
_NUMBER_TYPES = {Exact, int}


def _numbers(v, out: list) -> list:
    """The numbers nested in v, in order, appended to `out` (a loop, not a generator per entry:
    the bound walks every value of every candidate draw). The common containers and leaves are
    told by their exact type first (`_NUMBER_TYPES`), without isinstance chains."""
    t = type(v)
    if t in _NUMBER_TYPES:
        out.append(v)
    elif t is dict or t is list or t is tuple or (t is np.ndarray and v.dtype == object):
        for x in (v.values() if t is dict else v.flat if t is np.ndarray else v):
            tx = type(x)
            if tx in _NUMBER_TYPES:
                out.append(x)
            elif tx not in _SKIPPED_TYPES:
                _numbers(x, out)
    elif t is np.ndarray and v.dtype.kind in "biuf":
        if v.dtype.kind != "b":   # NumPy's numbers, every one (its booleans are none)
            out.extend(v.flat)
    elif t in _SKIPPED_TYPES:
        pass
    elif getattr(v, "is_Rational", False) is True:   # a SymPy rational: a number, no free symbols
        if getattr(t, "is_Rational", None) is True:
            _NUMBER_TYPES.add(t)
        out.append(v)
    elif isinstance(v, _SKIPPED):
        pass
    elif isinstance(v, dict):
        for x in v.values():
            _numbers(x, out)
    elif isinstance(v, (list, tuple, np.ndarray)):
        for x in (v.flat if isinstance(v, np.ndarray) else v):
            _numbers(x, out)
    elif not _symbolic(v):
        out.append(v)
    return out


def _symbolic(v) -> bool:
    """Whether v has free symbols (an expression, not a number); remembered per SymPy value, whose
    free symbols SymPy finds by walking the whole tree each time it is asked."""
    if type(v) is Exact or isinstance(v, (int, float, np.number)):
        return False
    try:
        return _symbolic_remembered(v)
    except TypeError:  # unhashable
        return bool(getattr(v, "free_symbols", None))


@lru_cache(maxsize=8192)
def _symbolic_remembered(v) -> bool:
    return bool(getattr(v, "free_symbols", None))
