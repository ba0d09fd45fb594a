"""One comparison routine for numeric answers: shape first, then entry by entry.

An entry is right when |given − expected| ≤ atol + rtol·|expected| (defaults rtol 0.01,
atol 0.005, set per part in problem.yaml and carried by the key). `compare` grades a whole
answer: a wrongly shaped or transposed answer is named as such, and a vector or matrix with
some wrong entries earns the share of right entries (partial credit, configurable).
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .engine import ops

CORRECT, WITHIN, WRONG = "correct", "within tolerance", "wrong"


def tolerance(expected, rtol: float, atol: float):
    """The absolute tolerance around an expected value (entry-wise): atol + rtol·|expected|."""
    return atol + rtol * np.abs(expected)


def close(given, expected, rtol: float, atol: float) -> np.ndarray | bool:
    """Entry-wise |given − expected| ≤ atol + rtol·|expected| (bool array, or False on a shape mismatch)."""
    g, e = np.asarray(ops.to_float(given), dtype=float), np.asarray(ops.to_float(expected), dtype=float)
    if g.shape != e.shape:
        return False
    return np.abs(g - e) <= tolerance(e, rtol, atol)


def all_close(given, expected, rtol: float, atol: float) -> bool:
    ok = close(given, expected, rtol, atol)
    return bool(np.all(ok)) if ok is not False else False


@dataclass(frozen=True)
class Comparison:
    verdict: str        # correct | within tolerance | wrong
    credit: float       # share of the part's points earned, 0…1
    message: str = ""   # what is wrong, when something is


def describe_shape(shape) -> str:
    """A shape in words: "one number", "a list of 3 numbers", "2 × 3"."""
    shape = tuple(shape)
    if not shape:
        return "one number"
    if len(shape) == 1:
        return f"a list of {shape[0]} number{'s' if shape[0] != 1 else ''}"
    return " × ".join(map(str, shape))


def compare(given, expected, rtol: float, atol: float, exact=False, partial: bool = True) -> Comparison:
    """Grade a numeric answer against the expected value.

    `exact` (a bool or a bool array like `expected`) says which given entries are exactly the
    expected value; a right answer with an inexact entry is "within tolerance". With
    `partial`, a vector or matrix earns the share of its entries that are right.
    """
    g, e = np.asarray(given, dtype=float), np.asarray(expected, dtype=float)
    if g.shape != e.shape:
        if g.ndim == 2 and g.shape == e.shape[::-1] and all_close(g.T, e, rtol, atol):
            return Comparison(WRONG, 0.0, f"transposed: you gave a {describe_shape(g.shape)} matrix, the "
                                          f"transpose of the {describe_shape(e.shape)} answer")
        return Comparison(WRONG, 0.0, f"wrong shape: expected {describe_shape(e.shape)}, "
                                      f"got {describe_shape(g.shape)}")
    ok = np.abs(g - e) <= tolerance(e, rtol, atol)
    if ok.all():
        return Comparison(CORRECT if np.all(exact) else WITHIN, 1.0)
    if g.ndim == 2 and g.shape[0] == g.shape[1] and all_close(g.T, e, rtol, atol):
        return Comparison(WRONG, 0.0, "transposed: your matrix is the transpose of the answer")
    if g.ndim == 0:
        return Comparison(WRONG, 0.0)
    n, right = ok.size, int(ok.sum())
    wrong_at = [list(map(int, i)) for i in np.argwhere(~ok)[:4]]
    where = ", ".join(str(i[0]) if len(i) == 1 else str(i) for i in wrong_at) + (", …" if n - right > 4 else "")
    return Comparison(WRONG, right / n if partial else 0.0,
                      f"{n - right} of {n} entries wrong (at index {where}, counting from 0)")
