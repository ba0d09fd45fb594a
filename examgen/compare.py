"""One comparison routine for numeric answers: shape first, then entry by entry.

The tolerance rule (one rule, stated the same way on the answer sheet and in the exam's
instructions; `TOLERANCE_RULE`): an entry is right when it is within rtol (1%) of the exact
value, or within atol (0.005) when the exact value is smaller than atol/rtol (0.5) in size,
i.e. |given − expected| ≤ max(atol, rtol·|expected|). Problems may set other rtol/atol per part.
Grading adds one condition (`sign_slips`, not in `close`/`all_close`, which also decide the
exam's draws): a decimal for an exact value that is not 0 must not be 0 and must have its sign.

`fit_shape` is the one shape helper: it accepts every unambiguous form of an answer (a bare
number or [x] or [[x]] for one value; a flat list, a row or a column for a vector or a 1×K
matrix; size-1 axes dropped or added) and names a really wrong shape, a transposed matrix
or permuted axes. `compare` grades a whole answer: a vector or matrix with some wrong entries
earns the share of right entries (partial credit; `entry_share`: in a part declared sparse, the
zeros the answer also leaves at 0 are not counted), except a blanket guess (every entry of
three or more the same value, e.g. all zeros), which earns nothing unless it is right.
"""
from __future__ import annotations

import itertools
from dataclasses import dataclass

import numpy as np

from .engine import ops

CORRECT, WITHIN, WRONG = "correct", "within tolerance", "wrong"

DEFAULT_RTOL = 0.01
DEFAULT_ATOL = 0.005


def tolerance_rule(rtol: float = DEFAULT_RTOL, atol: float = DEFAULT_ATOL) -> str:
    """The rule in words, as the sheet, the exam and the report state it."""
    return (f"within {rtol * 100:g}% of the exact value, or within {atol:g} when the exact value "
            f"is smaller than {atol / rtol:g} in size")


TOLERANCE_RULE = tolerance_rule()
# What `sign_slips` adds when grading, stated where the rule is (the sheet, the instructions).
SIGN_RULE = "Near 0 a decimal must still have the exact value's sign: for -1/243, -0.004 counts; 0 and 0.004 do not."


def tolerance(expected, rtol: float, atol: float):
    """The largest |given − expected| accepted: max(atol, rtol·|expected|), entry-wise."""
    return np.maximum(atol, rtol * np.abs(expected))


# The bound is inclusive as stated: 0.13 for 1/8 is within 0.005, though 0.13 − 0.125 is
# 0.005000000000000004 in floating point. A difference this close to the bound is the bound.
BOUND_SLACK = 1 + 1e-9


_SCALARS = (float, int, np.float64, ops.Exact)  # float() of each is ops.to_float's value


def close(given, expected, rtol: float, atol: float) -> np.ndarray | bool:
    """Entry-wise within tolerance (bool array, or False on a shape mismatch)."""
    g, e = np.asarray(ops.to_float(given), dtype=float), np.asarray(ops.to_float(expected), dtype=float)
    if g.shape != e.shape:
        return False
    return np.abs(g - e) <= tolerance(e, rtol, atol) * BOUND_SLACK


def all_close(given, expected, rtol: float, atol: float) -> bool:
    """Every entry within tolerance (`close`)."""
    if type(given) is np.ndarray:   # (first: _rational_scalar's question costs an array an AttributeError)
        if type(expected) is np.ndarray and given.shape == expected.shape and given.size <= SMALL_ARRAY:
            # a few entries: close's rule in Python floats, without NumPy's calls
            return all(map(_within, ops.float_entries(given), ops.float_entries(expected),
                           itertools.repeat(rtol), itertools.repeat(atol)))
    elif type(given) in _SCALARS and type(expected) in _SCALARS:  # two numbers: close's rule without arrays
        return _within(float(given), float(expected), rtol, atol)
    elif _rational_scalar(given) and _rational_scalar(expected):  # SymPy's too (a flow graph's key)
        return _within(ops.to_float(given), ops.to_float(expected), rtol, atol)
    ok = close(given, expected, rtol, atol)
    return bool(np.all(ok)) if ok is not False else False


def _rational_scalar(v) -> bool:
    """A number of _SCALARS or a SymPy rational (Integer, Half, …: told by its class)."""
    t = type(v)
    return t in _SCALARS or getattr(t, "is_Rational", None) is True


def _within(g: float, e: float, rtol: float, atol: float) -> bool:
    """close's rule for one entry in Python floats (the same IEEE operations; a NaN is never within)."""
    return abs(g - e) <= max(atol, rtol * abs(e)) * BOUND_SLACK


# Up to this many entries an array is compared entry by entry in Python: the same IEEE
# operations as close's, faster than NumPy's per-call cost for the exam's small answers.
SMALL_ARRAY = 64


@dataclass(frozen=True)
class Comparison:
    verdict: str        # correct | within tolerance | wrong
    credit: float       # share of the part's points earned, 0…1
    message: str = ""   # what is wrong, when something is


def describe_shape(shape, dims: str = "") -> str:
    """A shape in words: "one number", "a list of 3 numbers", "2 × 3", "2 × 3 (N × D)"."""
    shape = tuple(shape)
    if not shape:
        return "one number"
    if len(shape) == 1:
        words = f"a list of {shape[0]} number{'s' if shape[0] != 1 else ''}"
    else:
        words = " × ".join(map(str, shape))
    named = dims and dims.replace(" ", "") != " × ".join(map(str, shape)).replace(" ", "")
    return f"{words} ({dims})" if named else words


def _squeezed(shape) -> tuple:
    return tuple(n for n in shape if n != 1)


def fit_shape(given: np.ndarray, shape, dims: str = "", expected=None, rtol: float = DEFAULT_RTOL,
              atol: float = DEFAULT_ATOL) -> tuple[np.ndarray | None, str]:
    """(given in the expected shape, "") when its shape means the same; else (None, why).

    Same meaning: the same entries in the same order once size-1 axes are dropped (a bare
    number, [x] or [[x]]; a vector as a list, a row or a column; a flat list for a 1 × K or
    K × 1 matrix; M × N for M × N × 1), unless the answer has as many axes as the expected
    one in another order (a 2 × 1 column for a 1 × 2 row matrix is its transpose).
    A matrix given transposed, or an array with its axes permuted, is named as such.
    """
    shape = tuple(shape)
    given = np.asarray(given)
    if given.shape == shape:
        return given, ""
    # Same number of axes but another order (a 2 × 1 for a 1 × 2 matrix) is a transpose, not a
    # form: only a vector (or one number) may come as a row or a column.
    reordered = given.ndim == len(shape) >= 2
    if not reordered and given.size == int(np.prod(shape)) and _squeezed(given.shape) == _squeezed(shape):
        return given.reshape(shape), ""
    want, got = describe_shape(shape, dims), describe_shape(given.shape)
    permuted = _permutation(given, shape, expected, rtol, atol)
    if permuted is not None:
        if len(shape) == 2 and len(_squeezed(shape)) == 2:
            return None, f"transposed: you gave {got}, the transpose of the {want} answer (rows and columns swapped)"
        if len(shape) == 2:   # one row given as a column, or one column as a row: no channels here
            given_as, wanted = ("a column", "one row") if shape[0] == 1 else ("a row", "one column")
            return None, (f"transposed: you gave {got}, {given_as}, for the {want} answer, {wanted}; "
                          f"type its entries as a list, [a, b, …]")
        return None, (f"axes in the wrong order: you gave {got}, the {want} answer with its axes permuted "
                      f"(first index outermost; give one matrix per channel as on the answer sheet)")
    if given.ndim == 1 and given.size == int(np.prod(shape)) and len(_squeezed(shape)) >= 2:
        # the right count in one row: which entries make a row is not for the grader to guess
        return None, (f"wrong shape: expected {want}, got {got}; give it by rows, "
                      f"[[row 1], [row 2], …] or [row 1; row 2; …]")
    return None, f"wrong shape: expected {want}, got {got}"


def _permutation(given, shape, expected, rtol, atol):
    """The axis order that turns `given` into `expected` (size-1 axes dropped), if any."""
    if expected is None:
        return None
    g, e = given, np.asarray(expected, dtype=float)
    if g.ndim != e.ndim:
        g, e = np.squeeze(g), np.squeeze(e)
    if g.ndim != e.ndim or g.ndim < 2 or g.ndim > 4:
        return None
    for order in itertools.permutations(range(g.ndim)):
        if order != tuple(range(g.ndim)) and g.transpose(order).shape == e.shape \
                and all_close(g.transpose(order), e, rtol, atol):
            return order
    return None


def transposed(given, expected, rtol: float = DEFAULT_RTOL, atol: float = DEFAULT_ATOL) -> bool:
    """The answer is the key with its axes in another order, as the grader names it: a square
    matrix's transpose, or an answer of another shape whose axes permuted give the key (a 3 × 2
    for a 2 × 3, a column for a 1 × K row matrix). A vector as a row or a column is no transpose."""
    g, e = np.asarray(given, dtype=float), np.asarray(expected, dtype=float)
    if g.shape == e.shape:   # a square matrix, also as an M × M × 1 array (one channel)
        g, e = (np.squeeze(g), np.squeeze(e)) if g.ndim > 2 else (g, e)
        return g.ndim == 2 and g.shape[0] == g.shape[1] and all_close(g.T, e, rtol, atol)
    return _permutation(g, e.shape, e, rtol, atol) is not None


def sign_slips(given, expected, exact_texts) -> np.ndarray:
    """Grading only: the entries that are 0 or of the other sign where the key's value is exact
    and not 0 (`exact_texts`: per entry the key's exact text, or None where the key gives a
    decimal). The absolute tolerance (0.005 near 0) must not make 0 or +0.0008 right for an
    exact −1/243; a drill key is itself a decimal, reached by rounding, and keeps the plain rule.
    `close` and `all_close`, which also decide the exam's draws, are left as they are."""
    g, e = np.asarray(given, dtype=float), np.asarray(expected, dtype=float)
    if exact_texts is None:
        return np.zeros(e.shape, dtype=bool)
    texts = np.asarray(exact_texts, dtype=object)
    stated = np.fromiter((t is not None for t in texts.ravel().tolist()), dtype=bool, count=texts.size).reshape(texts.shape)
    with np.errstate(invalid="ignore"):
        return stated & (e != 0) & ~np.isnan(g) & (np.sign(g) != np.sign(e))


def right_entries(given, expected, rtol: float, atol: float, unreadable, exact_texts=None) -> tuple:
    """The grader's rule entry by entry, for an answer in the key's shape: (right, slips). Right:
    readable, within the tolerance and, for an exact value that is not 0, neither 0 nor of the
    other sign; slips: the entries the tolerance alone would have taken (`sign_slips`)."""
    with np.errstate(invalid="ignore"):
        within = close(given, expected, rtol, atol) & ~np.asarray(unreadable, dtype=bool)
    slips = within & sign_slips(given, expected, exact_texts)
    return within & ~slips, slips


def _slip_notes(g, e, slips, exact_texts, vector: bool) -> str:
    """Each sign slip in words: "0 is not -1/243", "0.0008 has the wrong sign: the answer is -1/243"."""
    notes = []
    for i in map(tuple, np.argwhere(slips)[:3]):
        text = np.asarray(exact_texts, dtype=object)[i]
        given = f"{float(g[i]):g}"
        note = (f"{given} is not {text}: the tolerance does not make 0 right for a value that is not 0"
                if g[i] == 0 else f"{given} has the wrong sign: the answer is {text}")
        at = (str(i[0]) if len(i) == 1 else str(list(map(int, i)))) if vector else ""
        notes.append(f"at index {at}, {note}" if vector else note)
    return "; ".join(notes)


def compare(given, expected, rtol: float, atol: float, exact=False, partial: bool = True,
            dims: str = "", unreadable=None, exact_texts=None, sparse: bool = False) -> Comparison:
    """Grade a numeric answer against the expected value.

    `exact` (a bool or a bool array like `expected`) says which given entries are exactly the
    expected value; a right answer with an inexact entry is "within tolerance". `unreadable`
    (a bool array like `given`, or None) marks entries that could not be read: they are wrong,
    their neighbours are graded as usual. `exact_texts` (per entry the key's exact text, or None
    for a decimal key value) makes 0 or the wrong sign wrong for an exact value that is not 0,
    even within tolerance (`sign_slips`). With `partial`, a vector or matrix earns the share
    of its counted entries that are right (`entry_share`; `sparse`: a part whose zeros are
    structural), unless every entry of three or more is the same value (a blanket guess).
    """
    e = np.asarray(expected, dtype=float)
    g = np.asarray(given, dtype=float)
    bad = np.zeros(g.shape, dtype=bool) if unreadable is None else np.asarray(unreadable, dtype=bool)
    fitted, why = fit_shape(g, e.shape, dims, e, rtol, atol)
    if fitted is None:
        return Comparison(WRONG, 0.0, why)
    g, bad = fitted, bad.reshape(e.shape)
    ok, slips = right_entries(g, e, rtol, atol, bad, exact_texts)
    if ok.all():
        return Comparison(CORRECT if np.all(exact) else WITHIN, 1.0)
    if not bad.any() and transposed(g, e, rtol, atol):
        return Comparison(WRONG, 0.0, "transposed: your matrix is the transpose of the answer")
    if g.size == 1:
        return Comparison(WRONG, 0.0, _slip_notes(g, e, slips, exact_texts, False))
    n, right = ok.size, int(ok.sum())
    wrong_at = [list(map(int, i)) for i in np.argwhere(~ok)[:4]]
    where = ", ".join(str(i[0]) if len(i) == 1 else str(i) for i in wrong_at) + (", …" if n - right > 4 else "")
    message = f"{n - right} of {n} entries wrong (at index {where}, counting from 0)"
    if slips.any():
        message += "; " + _slip_notes(g, e, slips, exact_texts, True)
    readable = g[~bad]
    if readable.size == g.size >= BLANKET_ENTRIES and np.all(readable == readable.flat[0]):
        return Comparison(WRONG, 0.0, f"{message}; the same value in every entry earns no partial credit")
    counted = counted_entries(ok, e, sparse)
    if partial and counted.sum() < n:
        message += (f"; partial credit counts the {int(counted.sum())} entries that are not 0 in your "
                    f"answer or the key, {int((ok & counted).sum())} of them right")
    return Comparison(WRONG, entry_share(ok, e, sparse) if partial else 0.0, message)


# A blanket guess needs this many entries: two that agree are as likely worked out
# ([-1/2, -1/2] for [-1/2, -1/3] has its first entry right), and guessing one value for both
# earns no more than guessing each.
BLANKET_ENTRIES = 3


def counted_entries(ok, expected, sparse: bool = False) -> np.ndarray:
    """The entries partial credit counts. In a part whose zeros are structural (`sparse: true` in
    problem.yaml: a max-pool gradient, nonzero only at each window's maximum) every entry but
    those the key has at 0 and the answer rightly leaves at 0: those zeros carry no idea, so
    they earn nothing and cost nothing. In any other part every entry counts (a zero worked out
    among other values, such as a weight gradient's at x = 0, is worth what its neighbours are).
    A key that is 0 everywhere has nothing else to count: there every entry counts."""
    nonzero, ok = np.asarray(expected) != 0, np.asarray(ok, dtype=bool)
    return nonzero | ~ok if sparse and nonzero.any() else np.ones(ok.shape, dtype=bool)


def entry_share(ok, expected, sparse: bool = False) -> float:
    """Partial credit: the share of the counted entries (`counted_entries`) that are right: for
    a sparse part, all zeros with one stray 1 earns nothing, while a right answer with one wrong
    entry keeps the credit of its other non-zero entries."""
    ok = np.asarray(ok, dtype=bool)
    counted = counted_entries(ok, expected, sparse)
    return float(np.sum(ok & counted)) / int(np.sum(counted)) if counted.any() else 1.0


def leaves(v):
    """The entries of a nested list, first index outermost (anything else is one entry)."""
    if isinstance(v, list):
        for x in v:
            yield from leaves(x)
    else:
        yield v
