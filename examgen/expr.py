"""Safe parsing of the answer-file expression syntax into SymPy, with no eval of any kind.

Accepted: numbers (`3`, `0.75`, `.75`, `1e-3`), `+ - * / ^ **`, parentheses, implicit
products (`2x`, `2(x+1)`, `(a)(b)`), the constants `e` and `pi`, the functions
ln/log (natural), exp, sqrt, sigma/sigmoid/σ, tanh, and — for expression parts — the
variables the caller allows. Text is tokenized here, parsed by Python's `ast` (parsing only,
nothing is compiled or run), checked node by node against an allowlist (`check`), and only
then turned into a value by this module: a SymPy object (`parse`), a complex number at a
point (`evaluate`, principal branches as in SymPy) or an exact fraction (`rational`). Sizes,
depth, integers and powers are capped so that no input can make the work unbounded.
"""
from __future__ import annotations

import ast
import cmath
import math
import operator
import re
from fractions import Fraction
from functools import lru_cache

from .errors import ExamgenError

MAX_LENGTH = 400        # characters in one expression
MAX_NODES = 200         # AST nodes in one expression
MAX_DEPTH = 30          # nesting of the AST
MAX_INT_DIGITS = 15     # digits in an integer literal
MAX_EXPONENT = 64       # |exponent| of a numeric power
MAX_RESULT_DIGITS = 300  # log10 bound of an exact numeric power's size

FUNCTIONS = ("ln", "log", "exp", "sqrt", "sigma", "sigmoid", "tanh")
CONSTANTS = ("e", "pi")


class ExpressionError(ExamgenError):
    """Text that is not an acceptable expression; the message says why."""


_TOKEN = re.compile(
    r"\s*(?:(?P<num>(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?)|(?P<name>[A-Za-z_σξ][A-Za-z0-9_σξ]*)"
    r"|(?P<op>\*\*|[-+*/^(),√]))"
)
_ALIASES = {"σ": "sigma", "sigmoid": "sigma", "log": "ln", "ξ": "xi", "π": "pi"}

# What students copy from the PDF or type on a phone, as the plain syntax.
_CHARACTERS = str.maketrans({"−": "-", "–": "-", "—": "-", "·": "*", "⋅": "*", "∙": "*", "×": "*",
                             "•": "*", "∗": "*", "⁄": "/", "∕": "/",
                             "÷": "/", "π": " pi ", "\u00a0": " ", "\u2009": " ", "\u202f": " ",
                             "ˆ": "^", "＾": "^"})   # ^ copied out of a PDF comes as the modifier letter ˆ
_SUPERSCRIPT = str.maketrans("⁰¹²³⁴⁵⁶⁷⁸⁹⁻⁺", "0123456789-+")
_SUPERSCRIPTS = re.compile("[⁰¹²³⁴⁵⁶⁷⁸⁹⁻⁺]+")
# The LaTeX the exam and key print (\frac{3}{4}, \ln{\left(2 \right)}, e^{-1}, \sqrt{2}).
_LATEX_WORDS = {r"\left": "", r"\right": "", r"\cdot": "*", r"\times": "*", r"\ln": " ln ", r"\log": " ln ",
                r"\exp": " exp ", r"\tanh": " tanh ", r"\sigma": " σ ", r"\xi": " ξ ", r"\pi": " pi ",
                r"\mathrm{e}": " e ", r"\operatorname": "", r"\approx": " ≈ "}
# An argument as TeX reads one: a group in braces, else the one token after the command
# (\frac34 is \frac{3}{4}, \frac\pi2 is \frac{\pi}{2}, \sqrt2 is \sqrt{2}).
_ARGUMENT = r"(?:\{([^{}]*)\}|(\\[A-Za-z]+|[^\s{}\\]))"
_FRAC = re.compile(r"\\[dt]?frac(?![A-Za-z])\s*" + _ARGUMENT + r"\s*" + _ARGUMENT)
_LATEX_SQRT = re.compile(r"\\sqrt(?![A-Za-z])\s*" + _ARGUMENT)
_OVER = re.compile(r"\{([^{}]*)\\over(?![A-Za-z])([^{}]*)\}")   # plain TeX's {3 \over 4}
_LATEX_POWER = re.compile(r"\^\s*\{([^{}]*)\}")   # e^{-2}, inside a \frac too
_LATEX_SPACE = re.compile(r"\\[,;:! ]|\$")


# What phones and sentences write: ½ and 1½ (a vulgar fraction, after a whole number a mixed
# number), 75% (a percentage), and a full stop (or MATLAB's semicolon) after the answer.
_VULGAR = re.compile(r"(?<![\d.])(\d+)?\s*([\u00bc-\u00be\u2150-\u215e])")
_PERCENT = re.compile(r"(?<![\w.])(\d+(?:\.\d*)?|\.\d+)\s*%")
_FULL_STOP = re.compile(r"(?<=[\w)\]])\s*(?:\.|;)\s*$")   # 0.75., 18x - 6z., or MATLAB's x;
# A repeating decimal as written by hand, 0.333... or 1.6…: the decimal (the tolerance judges it).
_RECURRING = re.compile(r"(?<![\w.])(\d*\.\d+)\s*(?:\.{2,}|…)(?![\d.])")
# A whole number before a TeX fraction of whole numbers, 1\frac{1}{2}: printed 1½, a mixed number,
# or the product 1·½? Written as `1 1/2` for the tokenizer, which refuses it with both readings.
_MIXED_FRAC = re.compile(r"(?<![\w.^{])(\d+)\s*\\[dt]?frac\s*(?:\{\s*(\d+)\s*\}|(\d))\s*(?:\{\s*(\d+)\s*\}|(\d))")
# \ln{\left(2 \right)}, as SymPy prints it: the braces are the call's, so that a \frac around it reads
_LATEX_CALL = re.compile(r"(\\(?:ln|log|exp|tanh|sigma))\s*\{([^{}]*)\}")


def _vulgar(m: re.Match) -> str:
    import unicodedata

    top, _, bottom = unicodedata.normalize("NFKD", m.group(2)).partition("\u2044")   # ½ is 1⁄2
    return f"({m.group(1)} + {top}/{bottom})" if m.group(1) else f"({top}/{bottom})"


def normalize(text: str) -> str:
    """The plain answer syntax of text written with Unicode signs or the exam's LaTeX."""
    text = text.translate(_CHARACTERS)
    if not text.isascii():
        text = _VULGAR.sub(_vulgar, text)
    if "%" in text:
        text = _PERCENT.sub(r"(\1/100)", text)
    if "." in text or "…" in text:
        text = _RECURRING.sub(r"\1", text)
    text = _FULL_STOP.sub("", text)
    text = _SUPERSCRIPTS.sub(lambda m: "^(" + m.group().translate(_SUPERSCRIPT) + ")", text)
    if "\\" in text or "$" in text:
        text = _LATEX_SPACE.sub(" ", text)
        text = _MIXED_FRAC.sub(lambda m: f"{m.group(1)} {m.group(2) or m.group(3)}/{m.group(4) or m.group(5)}", text)
        for _ in range(8):   # innermost \frac and \sqrt first; a few levels are plenty
            new = _OVER.sub(r"((\1)/(\2))", _LATEX_POWER.sub(r"^(\1)", _LATEX_CALL.sub(r"\1(\2)", text)))
            new = _LATEX_SQRT.sub(lambda m: f"sqrt({_arg(m, 1)})", _FRAC.sub(_fraction, new))
            if new == text:
                break
            text = new
        if "\\over" in text and "{" not in text:   # 3 \over 4, the whole answer one fraction
            top, _, bottom = text.partition("\\over")
            text = f"({top})/({bottom})"
        for word, plain in _LATEX_WORDS.items():
            text = text.replace(word, plain)
    return text.replace("{", "(").replace("}", ")")


def _arg(m: re.Match, k: int) -> str:
    """The k-th TeX argument of a match of _ARGUMENT's (braced or one token)."""
    return m.group(k) if m.group(k) is not None else m.group(k + 1)


def _fraction(m: re.Match) -> str:
    return f"(({_arg(m, 1)})/({_arg(m, 3)}))"


def tokenize(text: str, variables=()) -> list[tuple[str, str]]:
    """Tokens (kind, text) with `^` as `**` and implicit products made explicit.

    A function written without parentheses takes the one number or name after it (`ln 2`,
    `ln2`, `tanh xi`, `√2`); where more follows that could belong to it (`ln 3/4`, `ln 2x`)
    the text is refused as ambiguous, with both readings. So are two numbers side by side
    (`1 1/2`) and a decimal comma (`0,5`).
    """
    pos, out, spans = 0, [], []     # spans: where in `text` each token was typed, for messages
    text = normalize(text).strip()
    if text[:1] == "[" and _bracket_around(text) and "," not in text and ";" not in text:
        text = text[1:-1]   # [h(1 - h)]: a list of one, or brackets that group; the same answer either way
    if "[" in text and text[:1] != "[" and "," not in text and ";" not in text and _nested_pairs(text):
        text = text.replace("[", "(").replace("]", ")")   # 2h[1 − h]: square brackets that group, as by hand
    while pos < len(text):
        m = _TOKEN.match(text, pos)
        if not m or m.end() == pos:
            bad = text[pos:].strip()[:1]
            raise ExpressionError(f"unexpected character {bad!r}{_character_hint(bad)}")
        kind = m.lastgroup
        tok = m.group(kind)
        if kind == "name" and tok not in variables and tok != tok.lower() and _FUNCTION_NAME.fullmatch(tok.lower()):
            tok = tok.lower()       # Ln(2), Log 2, Exp(-1): a phone capitalises an answer's first letter
        if kind == "name":
            _refuse_log_base(tok, text[m.end():])
            tok = _ALIASES.get(tok, tok)
        if kind == "op" and tok == "^":
            tok = "**"
        pieces = _split_name(tok, variables) if kind == "name" else [tok]
        for piece, span in zip(pieces, _piece_spans(pieces, tok, m.start(kind), m.end())):
            piece_kind = "name" if piece == "√" or kind == "name" and not piece.isdigit() else kind
            piece_kind = "num" if piece.isdigit() else piece_kind
            if out and out[-1][0] == "num" and piece_kind == "num":
                fraction = re.match(r"\s*/\s*\d+", text[m.end():])
                raise _ambiguous_numbers(out[-1][1], piece + (fraction.group().replace(" ", "") if fraction else ""))
            if out and out[-1][0] == "num" and piece == "(" and m.start(kind) > pos:
                _refuse_a_number_in_brackets_after(text[:m.start(kind)].strip(), text[m.end():])
            if out and _implicit_product(out[-1], (piece_kind, piece), variables):
                out.append(("imp", "*"))
                spans.append((span[0], span[0]))
            out.append((piece_kind, piece))
            spans.append(span)
        pos = m.end()
    _refuse_commas(out)
    return [(("op" if k == "imp" else k), t) for k, t in _Applications(out, spans, text).all()]


def _piece_spans(pieces: list, tok: str, start: int, end: int) -> list:
    """Where each piece of a name split by _split_name was typed (`ln2`: ln at 0–2, 2 at 2–3);
    the whole name's span for each where a piece is spelled otherwise than typed."""
    if len(pieces) == 1 or end - start != len(tok):
        return [(start, end)] * len(pieces)
    out, at = [], len(tok)
    for piece in reversed(pieces[1:]):
        typed = next((t for t in (piece, *(k for k, v in _ALIASES.items() if v == piece)) if tok[:at].endswith(t)), None)
        if typed is None:
            return [(start, end)] * len(pieces)
        at -= len(typed)
        out.append((start + at, start + at + len(typed)))
    return [(start, start + at)] + out[::-1]


_LOG_BASE = re.compile(r"log_?(\d+)")
_FUNCTION_NAME = re.compile(r"(?:ln|log|exp|sqrt|tanh|sigma|sigmoid)(?:_?\d+)?")   # with its argument: ln2, log10
_LOG_ARGUMENT = re.compile(r"\s*(?:\(([^()]{1,40})\)|(\d+(?:\.\d*)?|\.\d+)|\()")


def _refuse_log_base(name: str, rest: str) -> None:
    """`log10(2)`, `log_2 8`: a logarithm to a base, which the course does not use (log is ln).
    Refused saying what to type; `log2` alone stays ln 2 (the function and its argument)."""
    base = _LOG_BASE.fullmatch(name)
    arg = _LOG_ARGUMENT.match(rest) if base else None
    if arg:
        b, a = base.group(1), (arg.group(1) or arg.group(2) or "…").strip()
        raise ExpressionError(f"log{b}({a}) is a base-{b} logarithm, which is not used here (log is the natural "
                              f"log, ln): write ln({a}) or log({a}) for the natural log, or ln({a})/ln({b}) "
                              f"for the base-{b} one")


def _bracket_around(text: str) -> bool:
    """The bracket that opens `text` closes at its end (`[h(1 - h)]`, not `[1 - h]2h`)."""
    depth = 0
    for i, c in enumerate(text):
        depth += (c in "([") - (c in ")]")
        if depth == 0:
            return i == len(text) - 1
    return False


def _nested_pairs(text: str) -> bool:
    """Every bracket, round or square, closes one of its own kind opened before it, and all are closed."""
    stack = []
    for c in text:
        if c in "([":
            stack.append(c)
        elif c in ")]" and (not stack or stack.pop() != "(["[")]".index(c)]):
            return False
    return not stack


def _character_hint(c: str) -> str:
    if c == "[":
        return (" (one answer is written without brackets: 3/4; a list of several goes in brackets "
                "without quotes: [1, 2]; to group, use parentheses: 2h(1 - h))")
    if c in "≈~":
        return " (give one value: the exact one, or its decimal)"
    if c in "=<>":
        return " (give the value only, e.g. 3/4)"
    return " (numbers, + - * / ^, parentheses and ln, exp, sqrt, sigma, tanh are allowed)"


def _ambiguous_numbers(a: str, b: str) -> ExpressionError:
    if "/" not in b:
        return ExpressionError(f"'{a} {b}' is two numbers side by side: write one number ({a}{b}), "
                               f"a product ({a}*{b}) or a list [{a}, {b}]")
    return ExpressionError(f"'{a} {b}' is ambiguous: the mixed number {a} + {b} or the product {a}·{b}; "
                           f"write {a} + {b} or {a}*{b}")


_BEFORE_NOTE = re.compile(r".*?[0-9)]\s+")   # a value ending in a digit or a bracket, then a space
_NOT_IN_A_NOTE = frozenset("=<>≤≥≠≈~,;[]")    # a bracket holding these is no number's other form


MAX_NOTE_DEPTH = 3     # brackets inside a bracket read as a number's other form


def _note(inner: str) -> str | None:
    """`inner`, the text in a bracket that ends an answer, when it reads as one number on its own
    (`1/8`, `ln 3`, `-7/3 - ln(3)/6`): the number's other form, or a factor; else None (`x + 1`).
    Its own brackets nest at most MAX_NOTE_DEPTH deep, and each text is read once (cached,
    failures too), so nested brackets cost no more than reading them."""
    inner = inner.strip()
    if not inner or any(c in _NOT_IN_A_NOTE for c in inner) or _nesting(inner) > MAX_NOTE_DEPTH:
        return None
    return inner if reads_as_a_number(inner) else None


def _nesting(text: str) -> int:
    depth = most = 0
    for c in text:
        depth += (c == "(") - (c == ")")
        most = max(most, depth)
    return most


@lru_cache(maxsize=1024)
def reads_as_a_number(text: str) -> bool:
    """Whether `text` reads as one number on its own (remembered, failures too)."""
    try:
        number(text, "note")
    except ExpressionError:
        return False
    return True


def _opening_bracket(text: str) -> int | None:
    """The index of the bracket that the one ending `text` closes, or None."""
    depth = 0
    for i in range(len(text) - 1, -1, -1):
        depth += (text[i] == ")") - (text[i] == "(")
        if depth == 0:
            return i if text[i] == "(" else None
    return None


def _closing_bracket(text: str, start: int) -> int | None:
    """The index of the bracket that closes the one opened just before `start`, or None."""
    depth = 1
    for i in range(start, len(text)):
        depth += (text[i] == "(") - (text[i] == ")")
        if depth == 0:
            return i
    return None


# Words a remark may not consist of: the names an answer is written with (a unit or remark is other words)
_KNOWN_WORDS = frozenset(FUNCTIONS) | frozenset(CONSTANTS) | {"xi", "σ", "ξ", "π"}
_REMARK_IN_BRACKETS = re.compile(r"(?P<value>.*?\S)\s*\((?P<note>[^()]{1,60})\)[\s.]*")
_REMARK_CHARACTERS = re.compile(r"[\w\s.,;:'’!?%-]*")
_UNIT_OR_REMARK = re.compile(r"(?P<value>.*?[\d)\]])\s+(?:(?:sq\.?|square)\s*)?(?:units?|px|pixels?)(?:\s*(?:\^\s*2|²))?"
                             r"|(?P<value2>.*?[\d)\]])\s+(?:approx|approximately|exactly|rounded)[\s.]*", re.I)


def _without_remark(text: str) -> str:
    """A number with a remark in words, as a careful marker reads it: `0 (no overlap)`, `1/2 (approx)`,
    `0.36 (to 2 d.p.)`, a unit or a word after it (`7 units`, `49 square px`, `0.33 approx`): the number,
    when what comes before the remark reads as one on its own; else the text as it is. A remark has a
    word of two letters or more that is no name an answer is written with (`2 (e)` stays a product,
    `0.5 (h)` an unknown name), and no sign of arithmetic. For a number only: an expression's words
    are its variables, and an unknown one is refused."""
    value = before_remark(text)
    return value if value and reads_as_a_number(value) else text


def before_remark(text: str) -> str | None:
    """The text before a remark in words that ends it (see _without_remark), or None."""
    t = text.strip()
    m = _REMARK_IN_BRACKETS.fullmatch(t)
    if m and _is_remark(m.group("note")):
        return m.group("value")
    m = _UNIT_OR_REMARK.fullmatch(t)
    return (m.group("value") or m.group("value2")) if m else None


# How far a number is rounded, the one number a remark may hold: (to 2 d.p.), (3 s.f.), (4 decimal places)
_ROUNDING = re.compile(r"\d+\s*(?:d\.?\s?p|s\.?\s?f|decimal places?|decimals|significant figures?|sig\.?\s?figs?)\b", re.I)


def _is_remark(note: str) -> bool:
    """Words that are no value: a remark holds no number but a rounding (`3 (or 4)`, `0.5 (maybe 0.6)`
    give a second value, which a marker would not pass over)."""
    if not _REMARK_CHARACTERS.fullmatch(note) or any(c.isdigit() for c in _ROUNDING.sub("", note)):
        return False
    words = re.findall(r"[^\W\d_]{2,}", note.replace(".", ""))
    return any(w.lower() not in _KNOWN_WORDS for w in words)


def _as_a_marker_reads(text: str) -> str:
    """The answer a careful marker takes from the text: the value after the last `=` (`IOU = 1/8`,
    `I/U = 2/16 = 1/8`, `dy/dx = 6x(x - z)`: the name or the working before it is not graded);
    `1/3 ≈ 0.3333`, as the key prints it, as its first value when the values agree; and a number
    with its own value in brackets as the number (_without_agreeing_note). Where an exact value
    and its decimal are joined by `=` or `≈` (`ln(81/8)/2 = 1.157`, `0.333 ≈ 1/3`) and agree, the
    exact value is the answer, as a marker marks it."""
    if "=" in text and not any(c in text for c in "<>≤≥≠"):
        segments = text.split("=")
        if segments[-1].strip():
            text = _exact_of_agreeing(segments) or segments[-1]
    plain = normalize(text)
    if "~" in plain:   # ~0.33, 1/6 ~ 0.17: approximately, as ≈ (YAML reads a bare ~ as blank)
        plain = plain.replace("~", "≈")
    if "≈" in plain:   # (a leading ≈ 0.33 is the one value)
        return _agreeing([t for t in plain.split("≈") if t.strip()], prefer_exact=True) or text
    return _without_agreeing_note(text)


_DECIMAL = re.compile(r"\d?\.\d|\d\.|\d[eE][-+]?\d|[≈~%]")   # a decimal (or approximate) value's signs


def _exact_of_agreeing(segments: list[str]) -> str | None:
    """`ln(81/8)/2 = 1.157`, `I/U = 2/16 = 0.125`: of the values that end a chain of `=` (each one
    number), the last exact one when all agree by the tolerance rule and the chain ends in a decimal;
    else None (the value after the last `=` is the answer)."""
    if not _DECIMAL.search(normalize(segments[-1])):
        return None
    chain: list[str] = []
    for segment in reversed(segments):
        if not segment.strip() or not reads_as_a_number(segment):
            break
        chain.insert(0, segment)
    exact = [t for t in chain if not _DECIMAL.search(normalize(t))]
    return exact[-1] if exact and len(chain) > 1 and _agreeing(chain) else None


def _agreeing(texts: list[str], prefer_exact: bool = False) -> str | None:
    """The first of several numbers that agree by the grader's tolerance rule (with `prefer_exact`,
    the first that is no decimal, if any), else None."""
    from .compare import DEFAULT_ATOL, DEFAULT_RTOL, all_close

    try:
        values = [number(t.strip())[0] for t in texts]
    except ExpressionError:
        return None
    if not values:
        return None
    if not all(all_close(v, values[0], DEFAULT_RTOL, DEFAULT_ATOL) for v in values):
        return None
    exact = [t for t in texts if not _DECIMAL.search(t)] if prefer_exact else []
    return exact[0] if exact else texts[0]


def _without_agreeing_note(text: str) -> str:
    """`0.125 (1/8)`, `1/3 (0.333)`, `-2.516 (-7/3 - ln(3)/6)`: a number and its other form in
    brackets (any number: a fraction, a log, a sum), read as the number when the two agree by the
    grader's tolerance rule, as a careful marker reads them; otherwise the text as it is (the
    tokenizer refuses it as ambiguous: a product, or a note?)."""
    plain = normalize(text).strip()
    opening = _opening_bracket(plain)
    if not opening or not _BEFORE_NOTE.fullmatch(plain[:opening]):
        return text
    inner = _note(plain[opening + 1:-1])
    return (_agreeing([plain[:opening].strip(), inner]) or text) if inner else text


def _refuse_a_number_in_brackets_after(a: str, rest: str) -> None:
    """`0.125 (1/7)`: the product 0.125·(1/7), or 0.125 with a note? Refused with both readings
    when a number and a space come before a bracket that ends the answer and holds a number
    (`1/7`, `ln 3`, `1 - ln(3)/6`) and the two disagree (see _without_agreeing_note; `2 (x + 1)`
    and `2(3)` stay products)."""
    end = _closing_bracket(rest, 0)
    inner = _note(rest[:end]) if end is not None and not rest[end + 1:].strip() else None
    if inner:
        raise ExpressionError(f"'{a} ({inner})' is ambiguous: the product {a}·({inner}) or {a} with "
                              f"({inner}) as a note; write one number ({a} or {inner}), or {a}*({inner})")


def _refuse_commas(tokens) -> None:
    """Functions take one argument, so every comma is a typo or a decimal comma."""
    for i, (_kind, tok) in enumerate(tokens):
        if tok != ",":
            continue
        a = tokens[i - 1][1] if i > 0 else ""
        b = tokens[i + 1][1] if i + 1 < len(tokens) else ""
        if i > 0 and i + 1 < len(tokens) and tokens[i - 1][0] == tokens[i + 1][0] == "num":
            raise ExpressionError(f"'{a},{b}' is ambiguous: the decimal {a}.{b} or the two numbers {a} and {b}; "
                                  f"write {a}.{b} (a decimal point), or a list [{a}, {b}]")
        raise ExpressionError("a comma: functions take one argument, decimals take a point (0.5), "
                              "and a list goes in brackets: [1, 2]")


class _Applications:
    """`ln 2` as ln(2): a function without parentheses applies to the one atom after it, and a
    function after it applies first (`ln √3` is ln(√3), `σ ln 3` is σ(ln 3), as f g x reads).
    Where more follows that could belong to the argument (`ln 3/4`, `ln 2x`, `ln √3/2`), the text
    is refused with both readings, shown in the student's own spelling (`log 3/32`: log(3)/32 or
    log(3/32)). `√2/2` is (√2)/2 everywhere."""

    def __init__(self, tokens: list, spans: list, text: str):
        self.tokens, self.spans, self.text = tokens, spans, text
        self.applied: dict = {}     # (i, end): apply's result or error, each worked out once

    def all(self) -> list:
        return self.run(0, len(self.tokens))

    def run(self, i: int, end: int) -> list:
        out = []
        while i < end:
            if self.is_function(i):
                applied, i = self.apply(i, end)
                out += applied
            else:
                out.append(self.tokens[i])
                i += 1
        return out

    def is_function(self, i: int) -> bool:
        kind, tok = self.tokens[i]
        return kind == "name" and (tok in FUNCTIONS or tok == "√")

    def closing(self, i: int, end: int) -> int | None:
        """The index of the `)` that closes the `(` at i, or None."""
        depth = 0
        for k in range(i, end):
            depth += (self.tokens[k][1] == "(") - (self.tokens[k][1] == ")")
            if depth == 0:
                return k
        return None

    def typed(self, i: int, k: int) -> str:
        """The text typed for tokens i … k − 1."""
        return self.text[self.spans[i][0]:self.spans[k - 1][1]].strip() if k > i else ""

    def name(self, i: int) -> str:
        """A function's name as typed (log, σ, Ln), when it was typed on its own; else its own."""
        tok, typed = self.tokens[i][1], self.typed(i, i + 1)
        spelled = typed == "σ" or tok != "√" and re.fullmatch(r"ln|log|exp|sqrt|tanh|sigma|sigmoid", typed.lower())
        return typed if spelled else ("sqrt" if tok == "√" else tok)

    def extent(self, i: int, end: int) -> int:
        """The index after the atom at i: a number, a name, a bracket, or a function applied."""
        if self.tokens[i][1] == "(":
            k = self.closing(i, end)
            return i + 1 if k is None else k + 1
        if self.is_function(i):
            try:
                return self.apply(i, end)[1]
            except ExpressionError:
                return i + 1
        return i + 1

    def apply(self, i: int, end: int) -> tuple[list, int]:
        """(the tokens of the function at i applied to its argument, the index after them).
        Remembered: an argument is applied again by `extent` (for a message), and without
        this, functions in a row (`exp√e exp√e …`) took time exponential in their number."""
        if (i, end) not in self.applied:
            try:
                self.applied[i, end] = self._apply(i, end)
            except ExpressionError as e:
                self.applied[i, end] = e
        got = self.applied[i, end]
        if isinstance(got, ExpressionError):
            raise got
        return got

    def _apply(self, i: int, end: int) -> tuple[list, int]:
        tok = self.tokens[i][1]
        name = "sqrt" if tok == "√" else tok
        following = self.tokens[i + 1][1] if i + 1 < end else ""
        if following == "(":                      # ln(2), √(2)
            k = self.closing(i + 1, end)
            if k is None:                         # left for the parser to refuse
                return [("name", name)], i + 1
            return [("name", name), ("op", "(")] + self.run(i + 2, k) + [("op", ")")], k + 1
        j = i + 1 + (following == "*" and self.tokens[i + 1][0] == "imp")
        if j >= end or self.tokens[j][0] not in ("num", "name"):
            raise ExpressionError(f"{self.name(i)} needs its argument: write {name}(…)")
        if self.is_function(j):                   # ln √3, σ ln 3: the inner function applies first
            arg, k = self.apply(j, end)
        else:
            arg, k = [self.tokens[j]], j + 1
        after = self.tokens[k] if k < end else ("", "")
        clear = after[1] in ("", "+", "-", ")") or (tok == "√" and after[1] in ("/", "*") and after[0] != "imp")
        if not clear:
            op = "" if after[0] == "imp" else ("^" if after[1] == "**" else after[1])
            r = k + 1
            rest = self.typed(r, self.extent(r, end)) if r < end else ""
            f, a = self.name(i), self.typed(j, k)
            word = r < end and self.is_function(r) and self.tokens[r][1] != "√"
            op_inside = op or (" " if word else "")   # sqrt(3 ln 2), ln(2x)
            shown = self.typed(i, self.extent(r, end) if r < end else k)
            raise ExpressionError(f"'{shown}' is ambiguous: {f}({a}){op or '·'}{rest} or {f}({a}{op_inside}{rest}); "
                                  f"write {f}({a}){op or '*'}{rest} or {f}({a}{op or '*'}{rest})")
        return [("name", name), ("op", "(")] + arg + [("op", ")")], k


def _split_name(name: str, variables) -> list[str]:
    """`xz` as [x, z] when it is no known name but a run of variables (longest first); else [name]."""
    if name in variables or name in FUNCTIONS or name in CONSTANTS:
        return [name]
    for f in sorted(FUNCTIONS, key=len, reverse=True):   # ln2, tanhxi: a function and its argument
        rest = _ALIASES.get(name[len(f):], name[len(f):])
        if name.startswith(f) and rest and (rest.isdigit() or rest in variables or rest in CONSTANTS):
            return [_ALIASES.get(f, f), rest]
    if not variables:
        return [name]
    pieces, rest = [], name
    while rest:
        v = next((v for v in sorted(variables, key=len, reverse=True) if rest.startswith(v)), None)
        if v is None:
            return [name]
        pieces.append(v)
        rest = rest[len(v):]
    return pieces


def _implicit_product(left, right, variables) -> bool:
    lk, lt = left
    rk, rt = right
    # A name followed by "(" is a product only for variables and constants: `x(1-x)`;
    # any other name stays a call, so `factorial(3)` is refused as an unknown function.
    name_is_value = lt in variables or lt in CONSTANTS
    left_ends_value = lk == "num" or (lk == "name" and (name_is_value or rt != "(")) or lt == ")"
    right_starts_value = rk in ("num", "name") or rt == "("
    if lk == "num" and rk == "num":
        return False
    return left_ends_value and right_starts_value


def parse(text, variables=(), what: str = "expression"):
    """SymPy value of `text`; `variables` are the names allowed besides numbers and e, pi."""
    import sympy as sp

    if isinstance(text, bool) or not isinstance(text, (str, int, float)):
        raise ExpressionError(f"{what}: expected a number or an expression, got {type(text).__name__}")
    if isinstance(text, int):
        return _integer(str(text), what)
    if isinstance(text, float):
        if not math.isfinite(text):
            raise ExpressionError(f"{what}: NaN and infinity are not answers")
        return sp.Float(repr(text), 17)
    tree = check(text, variables, what)
    symbols = {name: sp.Symbol(name, real=True) for name in variables}
    return _to_sympy(tree, symbols, what)


def check(text: str, variables=(), what: str = "expression") -> ast.expr:
    """The syntax tree of `text`, checked against the allowlist (nodes, names, functions, sizes).

    The tree is shared through a cache: callers must not modify it.
    """
    if not isinstance(text, str):
        raise ExpressionError(f"{what}: expected a number or an expression, got {_type_name(text)}")
    return _check(text, tuple(variables), what)


@lru_cache(maxsize=4096)
def _check(text: str, variables: tuple, what: str) -> ast.expr:
    if len(text) > MAX_LENGTH:
        raise ExpressionError(f"{what}: longer than {MAX_LENGTH} characters")
    if not text.strip():
        raise ExpressionError(f"{what}: empty")
    if text.strip().lower() in ("nan", "inf", "+inf", "-inf", "infinity", "-infinity"):
        raise ExpressionError(f"{what}: NaN and infinity are not answers")
    if not variables:
        text = _without_remark(text)
    text = _as_a_marker_reads(text)
    try:
        tokens = tokenize(text, variables)
    except ExpressionError as e:
        raise ExpressionError(f"{what}: {e} in {text.strip()[:60]!r}") from None
    source = " ".join(t for _, t in tokens)
    try:
        tree = ast.parse(source, mode="eval")
    except (SyntaxError, ValueError, MemoryError, RecursionError):
        raise ExpressionError(f"{what}: {text.strip()[:60]!r} is not a well-formed expression") from None
    if sum(1 for _ in ast.walk(tree)) > MAX_NODES:
        raise ExpressionError(f"{what}: too long (more than {MAX_NODES} terms)")
    try:
        _validate(tree.body, frozenset(variables), what, 0)
    except ExpressionError as e:
        word = re.search(r"unknown name '([^']{2,})'", str(e))   # `7 apples`, `h(1 - h) (simplified)`
        if not word or word.group(1).lower() in _KNOWN_WORDS or len(word.group(1)) < (3 if variables else 2) \
                or not variables and not re.search(r"\d", text):
            raise
        raise ExpressionError(f"{e}; give the {'expression' if variables else 'number'} alone "
                              f"(a remark goes after a # on its line)") from None
    return tree.body


def _integer(digits: str, what: str):
    import sympy as sp

    if len(digits.lstrip("-")) > MAX_INT_DIGITS:
        raise ExpressionError(f"{what}: integer with more than {MAX_INT_DIGITS} digits")
    return sp.Integer(int(digits))


_BINOPS = (ast.Add, ast.Sub, ast.Mult, ast.Div, ast.Pow)
# +, − and × mean the same to every evaluator below (SymPy, complex floats, fractions);
# division and powers differ in what they must refuse, so each evaluator handles those.
ARITHMETIC = {ast.Add: operator.add, ast.Sub: operator.sub, ast.Mult: operator.mul}


def _complex_sigma(z: complex) -> complex:
    """σ(z) written so that e^z never overflows for large |Re z|."""
    return 1 / (1 + cmath.exp(-z)) if z.real >= 0 else cmath.exp(z) / (1 + cmath.exp(z))


# The allowed functions in complex floating point (principal branches, as SymPy takes them).
COMPLEX_FUNCTIONS = {"ln": cmath.log, "exp": cmath.exp, "sqrt": cmath.sqrt, "sigma": _complex_sigma,
                     "tanh": cmath.tanh}


def _validate(node, variables, what, depth):
    """Raise ExpressionError unless every node is an allowed number, name, operator or call."""
    if depth > MAX_DEPTH:
        raise ExpressionError(f"{what}: nested too deeply")
    if isinstance(node, ast.Constant):
        v = node.value
        if isinstance(v, bool) or not isinstance(v, (int, float)):
            raise ExpressionError(f"{what}: {v!r} is not a number")
        if isinstance(v, int):
            if len(str(abs(v))) > MAX_INT_DIGITS:
                raise ExpressionError(f"{what}: integer with more than {MAX_INT_DIGITS} digits")
        elif not math.isfinite(v) or (v != 0 and not 1e-30 < abs(v) < 1e30):
            raise ExpressionError(f"{what}: number out of range")
    elif isinstance(node, ast.Name):
        if node.id not in variables and node.id not in CONSTANTS:
            if not variables:   # a number is asked: say how to write one
                raise ExpressionError(f"{what}: unknown name {node.id!r}; a number is asked here: write one "
                                      "such as 1, -3/4, 0.75 or ln(2)")
            raise ExpressionError(f"{what}: unknown name {node.id!r} (variables allowed: "
                                  f"{', '.join(sorted(variables))})")
    elif isinstance(node, ast.UnaryOp) and isinstance(node.op, (ast.USub, ast.UAdd)):
        _validate(node.operand, variables, what, depth + 1)
    elif isinstance(node, ast.BinOp) and isinstance(node.op, _BINOPS):
        _validate(node.left, variables, what, depth + 1)
        _validate(node.right, variables, what, depth + 1)
    elif isinstance(node, ast.Call) and isinstance(node.func, ast.Name):
        name = node.func.id
        if name not in FUNCTIONS or node.keywords or len(node.args) != 1:
            raise ExpressionError(f"{what}: unknown function {name!r} (allowed: ln, exp, sqrt, sigma, tanh)")
        _validate(node.args[0], variables, what, depth + 1)
    else:
        raise ExpressionError(f"{what}: {type(node).__name__} is not allowed in an answer")


# --- SymPy ------------------------------------------------------------------------------------
def _to_sympy(node, symbols, what):
    import sympy as sp

    rec = lambda n: _to_sympy(n, symbols, what)  # noqa: E731
    if isinstance(node, ast.Constant):
        v = node.value
        if isinstance(v, int):
            return sp.Integer(v)
        return sp.Rational(repr(v)) if len(repr(v)) <= 20 else sp.Float(v)
    if isinstance(node, ast.Name):
        if node.id in symbols:
            return symbols[node.id]
        return sp.E if node.id == "e" else sp.pi
    if isinstance(node, ast.UnaryOp):
        v = rec(node.operand)
        return -v if isinstance(node.op, ast.USub) else v
    if isinstance(node, ast.BinOp):
        a, b = rec(node.left), rec(node.right)
        if type(node.op) in ARITHMETIC:
            return ARITHMETIC[type(node.op)](a, b)
        if isinstance(node.op, ast.Div):
            if b == 0:
                raise ExpressionError(f"{what}: division by zero")
            return a / b
        return _power(a, b, what)
    name, arg = node.func.id, rec(node.args[0])
    if name == "ln" and arg.is_number and arg.is_zero:
        raise ExpressionError(f"{what}: ln(0) is not a number")
    return _sympy_functions()[name](arg)


@lru_cache(maxsize=None)
def _sympy_functions() -> dict:
    """The allowed functions as SymPy builds them (SymPy is imported only when needed)."""
    import sympy as sp

    return {"ln": sp.log, "exp": sp.exp, "sqrt": sp.sqrt, "sigma": lambda u: 1 / (1 + sp.exp(-u)),
            "tanh": sp.tanh}


def _power(base, exponent, what):
    import sympy as sp

    if exponent.is_number:
        e = float(exponent) if exponent.is_real else math.inf
        if not abs(e) <= MAX_EXPONENT:
            raise ExpressionError(f"{what}: exponent larger than {MAX_EXPONENT}")
        if base.is_number and base.is_real:
            b = abs(float(base))
            if b > 1 and abs(e) * math.log10(b) > MAX_RESULT_DIGITS:
                raise ExpressionError(f"{what}: power too large")
        if base.is_number and base.is_zero and e < 0:
            raise ExpressionError(f"{what}: division by zero")
    elif base.is_number and base.is_real and abs(float(base)) > 1e6:
        raise ExpressionError(f"{what}: power too large")
    return sp.Pow(base, exponent)


def parse_number(text, what: str = "value"):
    """An exact SymPy number (no variables) from a JSON number or a numeric expression."""
    v = parse(text, (), what)
    if not v.is_number or not v.is_real:
        raise ExpressionError(f"{what}: not a real number")
    return v


# --- fast numeric values (no SymPy): complex floats and exact fractions -------------------------
def evaluate(tree: ast.expr, point: dict, what: str = "expression") -> complex:
    """Value of a checked tree at `point` ({variable: number}) in complex floating point.

    Principal branches, as SymPy takes them (sqrt(-1) = i, ln(-1) = iπ). Raises ArithmeticError
    or ValueError where the expression is undefined or overflows, ExpressionError for an
    exponent beyond the cap. Bounded work: a fixed number of float operations per node.
    """
    rec = lambda n: evaluate(n, point, what)  # noqa: E731
    if isinstance(node := tree, ast.Constant):
        return complex(node.value)
    if isinstance(node, ast.Name):
        if node.id in point:
            return complex(point[node.id])
        return complex(math.e if node.id == "e" else math.pi)
    if isinstance(node, ast.UnaryOp):
        v = rec(node.operand)
        return -v if isinstance(node.op, ast.USub) else v
    if isinstance(node, ast.BinOp):
        a, b = rec(node.left), rec(node.right)
        op = node.op
        if type(op) in ARITHMETIC:
            return ARITHMETIC[type(op)](a, b)
        if isinstance(op, ast.Div):
            return a / b
        if abs(b) > MAX_EXPONENT:
            raise ExpressionError(f"{what}: exponent larger than {MAX_EXPONENT}")
        if b.imag == 0 and b.real == int(b.real) and a.imag == 0:
            return complex(a.real ** int(b.real))   # integer power of a real: exact sign
        return a ** b
    return COMPLEX_FUNCTIONS[node.func.id](rec(node.args[0]))


def rational(tree: ast.expr, what: str = "value") -> Fraction | None:
    """The exact value of a checked tree as a fraction, or None when it is not built of rationals."""
    node = tree
    if isinstance(node, ast.Constant):
        return Fraction(node.value) if isinstance(node.value, int) else Fraction(repr(node.value))
    if isinstance(node, (ast.Name, ast.Call)):
        return None
    if isinstance(node, ast.UnaryOp):
        v = rational(node.operand, what)
        return None if v is None else (-v if isinstance(node.op, ast.USub) else v)
    a, b = rational(node.left, what), rational(node.right, what)
    if a is None or b is None:
        return None
    op = node.op
    if type(op) in ARITHMETIC:
        return ARITHMETIC[type(op)](a, b)
    if isinstance(op, ast.Div):
        if b == 0:
            raise ExpressionError(f"{what}: division by zero")
        return a / b
    if b.denominator != 1:
        return None
    n = int(b)
    if abs(n) > MAX_EXPONENT:
        raise ExpressionError(f"{what}: exponent larger than {MAX_EXPONENT}")
    if a == 0 and n < 0:
        raise ExpressionError(f"{what}: division by zero")
    digits = max(len(str(abs(a.numerator))), len(str(a.denominator)))
    if digits * abs(n) > MAX_RESULT_DIGITS + 20:
        raise ExpressionError(f"{what}: power too large")
    return a ** n


def number(value, what: str = "value") -> tuple[float, Fraction | None]:
    """(float value, exact fraction or None if irrational) of a JSON number or numeric text."""
    if isinstance(value, bool) or not isinstance(value, (int, float, str)):
        raise ExpressionError(f"{what}: expected a number, got {_type_name(value)}")
    if isinstance(value, int):
        if len(str(abs(value))) > MAX_INT_DIGITS:
            raise ExpressionError(f"{what}: integer with more than {MAX_INT_DIGITS} digits")
        return float(value), Fraction(value)
    if isinstance(value, float):
        if not math.isfinite(value):
            raise ExpressionError(f"{what}: NaN and infinity are not answers")
        return value, _decimal_fraction(value)
    return _number_text(value, what)


@lru_cache(maxsize=8192)
def _decimal_fraction(x: float) -> Fraction:
    """The fraction a float's shortest text means (0.1 is 1/10, not its binary value); remembered,
    since a class's files repeat their decimals and Fraction's text parser is slow."""
    return Fraction(repr(x))


@lru_cache(maxsize=8192)
def _number_text(text: str, what: str) -> tuple[float, Fraction | None]:
    tree = check(text, (), what)
    exact = rational(tree, what)
    try:
        z = evaluate(tree, {}, what)
    except (ArithmeticError, ValueError):
        raise ExpressionError(f"{what}: {text.strip()[:60]!r} is not a number (undefined or too large)") from None
    if not (math.isfinite(z.real) and math.isfinite(z.imag)):
        raise ExpressionError(f"{what}: {text.strip()[:60]!r} is too large")
    if abs(z.imag) > 1e-12 * max(1.0, abs(z.real)):
        raise ExpressionError(f"{what}: {text.strip()[:60]!r} is not a real number")
    return (float(exact) if exact is not None else z.real), exact


def _type_name(v) -> str:
    return {dict: "a mapping", list: "a list", str: "text", bool: "true/false",
            type(None): "nothing"}.get(type(v), type(v).__name__)
