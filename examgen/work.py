r"""How much hand work an instance asks for: a count of operations, read off its worked solution.

The rule (deterministic, and the same for every problem), over every formula of the worked
solution as rendered for the instance:

* each entry of a vector or matrix the solution shows and the prompt does not (a value the
  student computes and writes down) is one operation;
* a formula is cut at its relations (`=`, `\approx`, `<`, …), line breaks and alignment marks;
  in each piece that holds a number, each arithmetic step is one operation: `+`, a binary `-`,
  `\times`, `\cdot`, `\odot`, a product of brackets `)(`, and each function applied
  (`\sigma`, `\tanh`, `\exp`, `e^`, `\max`, `\min`, `\sqrt`); a fraction or a logarithm such
  as `\frac{3}{4}` or `\ln 2` is a number, not a step;
* pieces without numbers (the symbolic rule the solution states before using it) count nothing,
  but a number that follows one directly (`\min(…) - \max(…) = 1`: worked out without the
  arithmetic shown) is one operation; index digits (`h[0,1]`, `W^{(2)}`, `x_1`) are not numbers.

A prepared student takes about SECONDS_PER_OPERATION seconds per operation (small fractions and
one-digit products, written down), so minutes = operations × SECONDS_PER_OPERATION / 60.
"""
from __future__ import annotations

import re
from functools import lru_cache

SECONDS_PER_OPERATION = 10

# $$…$$ (up to the first $$) or $…$. The display's body is unrolled (non-$ runs, any $ inside
# followed by a non-$): the same matches as the lazy `\$\$([\s\S]*?)\$\$`, in half the time.
_MATH = re.compile(r"\$\$([^$]*(?:\$[^$]+)*)\$\$|\$([^$]+)\$")
# A matrix's body: up to the first \end of its kind (unrolled: runs between backslashes, not a
# lazy step a character; the same matches as the lazy `([\s\S]*?)\\end\{\1\}`).
_MATRIX = re.compile(r"\\begin\{([bp]?matrix)\}([^\\]*(?:\\(?!end\{\1\})[^\\]*)*)\\end\{\1\}")
_INDEX = re.compile(r"_\{[^{}]*\}|\^\{\([^{}]*\)\}|_\\?[A-Za-z0-9]|\[[^\[\]]*\]")
# (&= before = and &, not &?=: every alternative starts with its character, which the regex
# engine then looks for instead of trying the pattern at every position)
_RELATION = re.compile(r"&=|=|\\approx|\\le\b|\\ge\b|<|>|\\Rightarrow|\\\\|&|,")
# (A minus after a term, spaces between: the minus, or the first space, is matched first and the
# term looked behind, so that every alternative starts with a character the engine looks for.)
_STEP = re.compile(r"\\times|\\cdot|\\odot|\)\s*\(|\\sigma|\\tanh|\\exp|e\^|\\max|\\min|\\sqrt|\+"
                   r"|-(?<=[0-9A-Za-z)}\]M]-)|\s(?<=[0-9A-Za-z)}\]M]\s)\s*-")
_NUMBER = re.compile(r"[0-9]|\bM\b")  # a digit, or a matrix the solution works out


def _entries(body: str) -> int:
    return sum(len(row.split("&")) for row in body.split(r"\\") if row.strip())


def operations(prompt: str, solution: str) -> int:
    """Hand operations of a worked solution (Markdown with LaTeX math) given its prompt."""
    given = {" ".join(body.split()) for _, body in _MATRIX.findall(prompt)}
    count = 0
    # (findall and map: a version's solutions hold some 250 formulas, most of them remembered,
    # so the loop's own overhead is most of the time; a display's empty group is "" here.)
    for matrices, steps in map(_formula, [display or inline for display, inline in _MATH.findall(solution)]):
        count += steps
        for body, entries in matrices:
            if body not in given:
                count += entries
    return count


@lru_cache(maxsize=8192)
def _formula(math: str) -> tuple[tuple, int]:
    """One formula's matrices (body with its spaces normalised, entries) and its arithmetic steps
    (remembered: a pure function of the text, and half of the formulas recur across versions).
    Only the bodies need the digits: the rest is counted on the formula with digits written 0."""
    entries, steps = _layout(_as_0(math))
    if not entries:
        return (), steps
    bodies = [" ".join(body.split()) for _, body in _MATRIX.findall(math)]
    return tuple(zip(bodies, entries)), steps


@lru_cache(maxsize=8192)
def _layout(math: str) -> tuple[tuple, int]:
    """(entries of each matrix, arithmetic steps) of a formula whose digits are written 0."""
    entries = []

    def matrix(mm):
        entries.append(_entries(mm.group(2)))
        return " M "

    outside = _MATRIX.sub(matrix, math) if r"\begin" in math else math
    return tuple(entries), _steps(outside)


# Which digit stands where changes no step count (the patterns above see digits only as digits),
# so formulas are counted with every digit written 0: those that differ only in their numbers,
# most of a version's new ones, are then counted once.
_DIGITS_AS_0 = bytes.maketrans(b"123456789", b"000000000")


def _as_0(math: str) -> str:
    """The formula with every digit written 0 (translated as UTF-8 bytes, a table lookup a byte,
    3 times as fast as str.translate: no digit is part of another character's bytes)."""
    return math.encode("utf-8", "surrogatepass").translate(_DIGITS_AS_0).decode("utf-8", "surrogatepass")


@lru_cache(maxsize=8192)
def _steps(math: str) -> int:
    """The arithmetic steps of a formula whose matrices are written M (and digits 0)."""
    count, symbolic_before = 0, False
    for piece in _RELATION.split(_INDEX.sub(" ", math)):
        numeric, steps = _piece(piece)
        if numeric is None:
            continue
        if numeric:
            count += steps or int(symbolic_before and "M" not in piece)
            symbolic_before = False
        else:
            symbolic_before = True
    return count


@lru_cache(maxsize=8192)
def _piece(piece: str) -> tuple[bool | None, int]:
    """(whether a piece between relations holds a number, None if it is blank; its arithmetic
    steps). Remembered: a new formula's pieces are nine in ten an earlier formula's, and the
    step pattern reads a piece at ~0.2 µs a character."""
    if not piece.strip():
        return None, 0
    if _NUMBER.search(piece):
        return True, len(_STEP.findall(piece))
    return False, 0


def minutes(ops: int) -> float | int:
    """Minutes of hand work for `ops` operations, to the half minute (a whole number as int)."""
    m = round(ops * SECONDS_PER_OPERATION / 60 * 2) / 2
    return int(m) if m.is_integer() else m


def measure(inst) -> dict:
    """{"operations": n, "minutes": m} of an instance (its prompt and worked solution)."""
    from . import render

    ops = operations(render.prompt(inst), render.solution(inst))
    return {"operations": ops, "minutes": minutes(ops)}
