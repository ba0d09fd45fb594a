"""Safe parsing of the answer-file expression syntax into SymPy, with no eval of any kind.

Accepted: numbers (`3`, `0.75`, `.75`, `1e-3`), `+ - * / ^ **`, parentheses, implicit
products (`2x`, `2(x+1)`, `(a)(b)`), the constants `e` and `pi`, the functions
ln/log (natural), exp, sqrt, sigma/sigmoid/σ, tanh, and — for expression parts — the
variables the caller allows. Text is tokenized here, parsed by Python's `ast` (parsing only,
nothing is compiled or run), checked node by node against an allowlist, and the SymPy
object is built by this module. Sizes, depth, integers and powers are capped so that no
input can make the work unbounded.
"""
from __future__ import annotations

import ast
import math
import re

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
    r"|(?P<op>\*\*|[-+*/^(),]))"
)
_ALIASES = {"σ": "sigma", "sigmoid": "sigma", "log": "ln", "ξ": "xi"}


def tokenize(text: str, variables=()) -> list[tuple[str, str]]:
    """Tokens (kind, text) with `^` as `**` and implicit products made explicit."""
    pos, out = 0, []
    text = text.strip()
    while pos < len(text):
        m = _TOKEN.match(text, pos)
        if not m or m.end() == pos:
            bad = text[pos:].strip()[:1]
            raise ExpressionError(f"unexpected character {bad!r}")
        kind = m.lastgroup
        tok = m.group(kind)
        if kind == "name":
            tok = _ALIASES.get(tok, tok)
        if kind == "op" and tok == "^":
            tok = "**"
        if out and _implicit_product(out[-1], (kind, tok), variables):
            out.append(("op", "*"))
        out.append((kind, tok))
        pos = m.end()
    return out


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
    if len(text) > MAX_LENGTH:
        raise ExpressionError(f"{what}: longer than {MAX_LENGTH} characters")
    if not text.strip():
        raise ExpressionError(f"{what}: empty")
    if text.strip().lower() in ("nan", "inf", "+inf", "-inf", "infinity", "-infinity"):
        raise ExpressionError(f"{what}: NaN and infinity are not answers")
    tokens = tokenize(text, tuple(variables))
    source = " ".join(t for _, t in tokens)
    try:
        tree = ast.parse(source, mode="eval")
    except (SyntaxError, ValueError, MemoryError, RecursionError):
        raise ExpressionError(f"{what}: {text.strip()[:60]!r} is not a well-formed expression") from None
    nodes = list(ast.walk(tree))
    if len(nodes) > MAX_NODES:
        raise ExpressionError(f"{what}: too long (more than {MAX_NODES} terms)")
    symbols = {name: sp.Symbol(name, real=True) for name in variables}
    return _build(tree.body, symbols, what, 0)


def _integer(digits: str, what: str):
    import sympy as sp

    if len(digits.lstrip("-")) > MAX_INT_DIGITS:
        raise ExpressionError(f"{what}: integer with more than {MAX_INT_DIGITS} digits")
    return sp.Integer(int(digits))


def _build(node, symbols, what, depth):
    import sympy as sp

    if depth > MAX_DEPTH:
        raise ExpressionError(f"{what}: nested too deeply")
    rec = lambda n: _build(n, symbols, what, depth + 1)  # noqa: E731
    if isinstance(node, ast.Constant):
        v = node.value
        if isinstance(v, bool) or not isinstance(v, (int, float)):
            raise ExpressionError(f"{what}: {v!r} is not a number")
        if isinstance(v, int):
            return _integer(str(v), what)
        if not math.isfinite(v) or (v != 0 and not 1e-30 < abs(v) < 1e30):
            raise ExpressionError(f"{what}: number out of range")
        return sp.Rational(repr(v)) if len(repr(v)) <= 20 else sp.Float(v)
    if isinstance(node, ast.Name):
        if node.id in symbols:
            return symbols[node.id]
        if node.id == "e":
            return sp.E
        if node.id == "pi":
            return sp.pi
        allowed = ", ".join(sorted(symbols)) or "none here"
        raise ExpressionError(f"{what}: unknown name {node.id!r} (variables allowed: {allowed})")
    if isinstance(node, ast.UnaryOp) and isinstance(node.op, (ast.USub, ast.UAdd)):
        v = rec(node.operand)
        return -v if isinstance(node.op, ast.USub) else v
    if isinstance(node, ast.BinOp) and isinstance(node.op, (ast.Add, ast.Sub, ast.Mult, ast.Div, ast.Pow)):
        a, b = rec(node.left), rec(node.right)
        if isinstance(node.op, ast.Add):
            return a + b
        if isinstance(node.op, ast.Sub):
            return a - b
        if isinstance(node.op, ast.Mult):
            return a * b
        if isinstance(node.op, ast.Div):
            if b == 0:
                raise ExpressionError(f"{what}: division by zero")
            return a / b
        return _power(a, b, what)
    if isinstance(node, ast.Call) and isinstance(node.func, ast.Name):
        name = node.func.id
        if name not in FUNCTIONS or node.keywords or len(node.args) != 1:
            raise ExpressionError(f"{what}: unknown function {name!r} (allowed: ln, exp, sqrt, sigma, tanh)")
        (arg,) = [rec(a) for a in node.args]
        if name == "ln":
            if arg.is_number and arg.is_zero:
                raise ExpressionError(f"{what}: ln(0) is not a number")
            return sp.log(arg)
        if name == "exp":
            return sp.exp(arg)
        if name == "sqrt":
            return sp.sqrt(arg)
        if name == "sigma":
            return 1 / (1 + sp.exp(-arg))
        return sp.tanh(arg)
    raise ExpressionError(f"{what}: {type(node).__name__} is not allowed in an answer")


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
