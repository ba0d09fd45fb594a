"""The build's fast paths decide as the generic NumPy path does."""
import numpy as np

from examgen.compare import all_close, close
from examgen.sampling import exact


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
