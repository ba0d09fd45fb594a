"""The acceptance path's shortcuts decide as the plain computations do (accept8)."""
import numpy as np
import sympy as sp

from examgen import compare, sampling
from examgen.bank import load_bank
from examgen.compare import all_close, close
from examgen.engine.exact import Exact, Q, log
from examgen.sampling import bound_violation, exact

from helpers import plain_bound_violation, solved_draws


def _object_array(entries, rng):
    arr = np.empty(len(entries), dtype=object)
    arr[:] = entries
    shape = [(len(entries),), (1, len(entries)), (len(entries), 1)][int(rng.integers(3))]
    return arr.reshape(shape) if rng.random() < 0.7 else arr.reshape(shape).T   # (also not contiguous)


def test_object_arrays_told_by_the_known_rationals_say_what_the_plain_walk_says():
    """An object array's Exact rationals met within the bound before are dropped before the walk:
    the same verdict and message as hand_workable of every entry, with the memo empty, filled by
    the very values, and filled with neighbours just inside the bound (301/2 is not 300/2)."""
    rng = np.random.default_rng(8)
    pool = [Exact(Q(p, q)) for p in (-301, -300, -7, 0, 1, 150, 299, 300, 301) for q in (1, 2, 7, 300, 301)]
    pool += [log(2) * Exact(Q(1, 3)), -log(3), Exact(Q(1, 2)) + log(2), log(2) * Exact(Q(301, 2)),
             log(2) * log(3), sp.Rational(301, 2), sp.Integer(-3), sp.Symbol("h") * 1000, sp.sqrt(2),
             "text", None, True, 5, 400, 0.5, [Exact(Q(301)), Exact(Q(2))]]
    saved = set(sampling._WITHIN)
    try:
        for n in range(1500):
            if n % 100 == 0:
                sampling._WITHIN.clear()
            if n % 100 == 50:
                sampling._WITHIN.update(Q(p, q) for p in range(-300, 301, 7) for q in (1, 2, 3, 300))
            entries = [pool[i] for i in rng.integers(len(pool), size=int(rng.integers(1, 7)))]
            values = {"a": _object_array(entries, rng), "b": exact(rng.integers(-302, 303, 4)),
                      "c": {"d": _object_array(entries[::-1], rng)}, "e": _object_array(entries[:1], rng)}
            want = plain_bound_violation(values)
            assert bound_violation(values) == want, (values, want)
            assert bound_violation(values) == want   # (again: the memo now holds what passed)
        assert all(sampling.within_bound(r.numerator, r.denominator) for r in sampling._WITHIN)
    finally:
        sampling._WITHIN.clear()
        sampling._WITHIN.update(saved)


def test_solved_draws_are_bounded_as_by_the_plain_walk():
    """Every problem's exam draws (params and values), and the same with an entry of an array
    pushed past the bound, as the plain walk says."""
    seen = 0
    for pid, params, values in solved_draws(sorted(load_bank()), 4, 4):
        seen += 1
        for d in (params, values):
            assert bound_violation(d) == plain_bound_violation(d), pid
            arrays = [k for k, v in d.items() if type(v) is np.ndarray and v.dtype == object and v.size]
            if arrays:
                pushed = d[arrays[-1]].copy()
                pushed.flat[pushed.size // 2] = Exact(Q(1, 301))
                d = {**d, arrays[-1]: pushed}
                assert bound_violation(d) == plain_bound_violation(d) is not None, pid
    assert seen > 20


def _plain_all_close(given, expected, rtol, atol) -> bool:
    ok = close(given, expected, rtol, atol)
    return bool(np.all(ok)) if ok is not False else False


def test_all_close_asks_arrays_first_and_decides_as_close():
    """Arrays first (exact, float, of other shapes, past SMALL_ARRAY), then the scalars (Exact,
    float, int, SymPy's rationals) and every mix of the two: the verdict close's arrays give."""
    rng = np.random.default_rng(12)
    scalars = [Exact(Q(1, 8)), Exact(Q(-2, 3)), log(2) * Exact(Q(1, 3)), 0.13, 0.125, -0.0, 0, 3,
               np.float64(0.67), sp.Rational(1, 8), sp.Integer(3), sp.S.Zero, sp.S.Half, np.nan]
    for n in range(700):
        shape = tuple(int(k) for k in rng.integers(1, 4, size=rng.integers(1, 4)))
        if n % 35 == 0:
            shape = (compare.SMALL_ARRAY + 1,)
        num, den = rng.integers(-30, 31, size=shape), rng.integers(1, 9, size=shape)
        expected = exact([f"{p}/{q}" for p, q in zip(num.ravel(), den.ravel())], shape=shape)
        near = num / den + rng.choice([0, 1e-3, 5e-3, 1e-2], size=shape)
        other = exact(rng.integers(-3, 4, size=shape[::-1] if n % 7 == 0 else shape))
        a, b = scalars[rng.integers(len(scalars))], scalars[rng.integers(len(scalars))]
        rtol, atol = map(float, rng.choice([(0.01, 0.005), (0.05, 0.01)]))
        pairs = [(near, expected), (other, expected), (expected, near), (a, b), (a, expected), (near, b),
                 (expected.reshape(shape[::-1]), expected), (expected.ravel(), expected)]   # (same entries)
        for g, e in pairs:
            with np.errstate(all="ignore"):
                assert all_close(g, e, rtol, atol) == _plain_all_close(g, e, rtol, atol), (g, e, rtol, atol)
