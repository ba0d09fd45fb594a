"""Independent numerical references shared by the engine tests."""
import numpy as np


def numeric_gradient(f, x, eps=1e-6):
    """Central finite differences of the scalar function f at every entry of the float array x."""
    x = np.asarray(x, dtype=float)
    g = np.zeros_like(x)
    for idx in np.ndindex(x.shape):
        step = np.zeros_like(x)
        step[idx] = eps
        g[idx] = (f(x + step) - f(x - step)) / (2 * eps)
    return g


def rel_err(a, b) -> float:
    """Scale-aware error ‖a − b‖ / max(1, ‖b‖)."""
    a, b = np.asarray(a, dtype=float), np.asarray(b, dtype=float)
    assert a.shape == b.shape, (a.shape, b.shape)
    return float(np.linalg.norm(a - b) / max(1.0, np.linalg.norm(b)))


def assert_close(a, b, rel=1e-6):
    """‖a − b‖ ≤ rel · max(1, ‖b‖), with equal shapes."""
    assert rel_err(a, b) <= rel, (a, b)
