"""The build's fast paths decide as the generic NumPy path does."""
from fractions import Fraction

import numpy as np
import sympy as sp

from examgen.compare import all_close, close
from examgen.sampling import bound_violation, exact, float_params

from helpers import plain_bound_violation, solved_draws


def _numpy_all_close(given, expected, rtol, atol) -> bool:
    ok = close(given, expected, rtol, atol)
    return bool(np.all(ok)) if ok is not False else False


def test_small_arrays_are_compared_as_close_does():
    """Entry by entry in Python floats: the same verdict as close's arrays, on exact and float
    arrays, at the bound (1/8 vs 0.13), near 0, with NaN and infinities."""
    rng = np.random.default_rng(0)
    specials = [0.0, -0.0, 0.13, 0.125, 0.005, -0.005, np.nan, np.inf, -np.inf, 1e-12]
    for n in range(3000):
        shape = tuple(rng.integers(1, 4, size=rng.integers(1, 3)))
        num, den = rng.integers(-30, 31, size=shape), rng.integers(1, 9, size=shape)
        expected = exact([f"{p}/{q}" for p, q in zip(num.ravel(), den.ravel())], shape=shape)
        right = num / den
        given = right + rng.choice([0, 1e-3, 5e-3, 1e-2, 0.1], size=shape) * rng.choice([-1, 1], size=shape)
        if n % 3 == 0:
            given.flat[rng.integers(given.size)] = rng.choice(specials)
        if n % 5 == 0:
            given = exact(rng.integers(-30, 31, size=shape))   # an exact wrong answer
        rtol, atol = map(float, rng.choice([(0.01, 0.005), (0.05, 0.01), (0.0, 0.0)]))
        for g, e in ((given, expected), (given, right), (expected, given if n % 5 else right)):
            with np.errstate(all="ignore"):   # (0 · ∞ in a tolerance of rtol 0)
                assert all_close(g, e, rtol, atol) == _numpy_all_close(g, e, rtol, atol), (g, e, rtol, atol)
    assert all_close(np.array([0.13]), exact(np.array(["1/8"], dtype=object)), 0.01, 0.005)
    assert not all_close(np.zeros(2), np.zeros(3), 0.01, 0.005)


def test_the_bound_with_its_shortcuts_says_what_the_plain_walk_says():
    """Repeated entries skipped, SymPy rationals told by type: the same verdict and message on
    solved draws, the same with a value beyond the bound, their floats, and on repeats."""
    big, sym = exact(Fraction(301, 2)), sp.Rational(1, 301)
    assert bound_violation({"a": [sym, sym], "b": {"c": sp.Integer(3)}}) == plain_bound_violation({"a": [sym]})
    assert bound_violation({"a": np.array([5, 400]), "b": np.array([400])}).startswith("a:")
    assert bound_violation({"a": [big], "b": big}) == plain_bound_violation({"a": [big]})
    seen = 0
    for _, params, values in solved_draws(("total-derivative", "maxpool-backward", "mlp-backprop", "lstm-forward"), 1, 25):
        seen += 1
        for d in (params, values, {**values, "beyond": big}, {**values, "small": sym}):
            assert bound_violation(d) == plain_bound_violation(d)
        drill = float_params(params)   # floats: each breaks the bound (and is named)
        assert bound_violation(drill) == plain_bound_violation(drill)
    assert seen > 50
