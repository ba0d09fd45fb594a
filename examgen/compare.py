"""One comparison routine for numeric answers: shape first, then entry by entry."""
from __future__ import annotations

import numpy as np

from .engine import ops


def close(given, expected, rtol: float, atol: float) -> np.ndarray | bool:
    """Entry-wise |given − expected| ≤ atol + rtol·|expected| (bool array, or False on a shape mismatch)."""
    g, e = np.asarray(ops.to_float(given), dtype=float), np.asarray(ops.to_float(expected), dtype=float)
    if g.shape != e.shape:
        return False
    return np.abs(g - e) <= atol + rtol * np.abs(e)


def all_close(given, expected, rtol: float, atol: float) -> bool:
    ok = close(given, expected, rtol, atol)
    return bool(np.all(ok)) if ok is not False else False
