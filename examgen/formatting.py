"""How values are written: exact text (answer-file syntax), LaTeX, decimals, JSON.

Exact values are Exact numbers (engine/exact.py) or SymPy numbers or expressions; `ln` is
always written `ln`, never `log`. Rationals are written here; r + Σ c·ln a (an Exact, or a SymPy
number of that form) by engine/exact_print.py, without SymPy, in the strings SymPy's printers
below would write; other SymPy values (symbolic expressions, σ(2), …) by those printers. So the
same value prints the same whichever kind holds it; each string is remembered per value. An
expanded integer polynomial (x**2 - 3*x*z) and a c·σ(aξ + b) + d (or tanh, or a plain symbol) are
written by exact_print too, as those printers write them.
"""
from __future__ import annotations

import math
import re
from functools import lru_cache

import numpy as np

from .engine import exact_print, ops
from .engine.exact import Exact, from_sympy, to_sympy

DECIMALS = 4  # significant figures shown beside exact answers


def _sympy():
    import sympy

    return sympy


class _RemembersParts:
    """Printer mixin: each sub-expression's string, remembered (bounded). An exam's expressions
    differ by a number here and there but share most of their parts (σ(w·x + 1), h(1 − h)), and
    SymPy's printers are slow. The string of a part depends only on the part and the keywords it
    is printed with (these printers keep no other state while printing), but for StrPrinter's
    Float, written in full only at the top: the whole value is never remembered here (the lru
    caches of _sympy_text and _sympy_latex hold those), so every part remembered is nested."""

    MAX_PARTS = 8192

    def __init__(self, settings=None):
        super().__init__(settings)
        self._parts = {}

    def _print(self, expr, **kwargs):
        if self._print_level == 0:   # the whole value
            return super()._print(expr, **kwargs)
        key = (type(expr), expr, *sorted(kwargs.items()))
        try:
            return self._parts[key]
        except KeyError:
            pass
        except TypeError:   # unhashable (a list, a mutable matrix)
            return super()._print(expr, **kwargs)
        if len(self._parts) >= self.MAX_PARTS:
            self._parts.clear()
        s = self._parts[key] = super()._print(expr, **kwargs)
        return s


@lru_cache(maxsize=None)
def _text_printer():
    from sympy.printing.str import StrPrinter

    class AnswerPrinter(_RemembersParts, StrPrinter):
        """SymPy's str() with `ln` for the natural log, as students write it."""

        def _print_log(self, expr):
            return "ln(%s)" % self._print(expr.args[0])

        def _print_Exp1(self, expr):
            return "e"  # SymPy prints E, which the answer syntax does not know

        def _print_Function(self, expr):
            name = expr.func.__name__
            return "%s(%s)" % (name, ", ".join(self._print(a) for a in expr.args))

    return AnswerPrinter({"order": "none"})


def text(v) -> str:
    """Exact value in answer-file syntax: `3/4`, `ln(2)`, `h*(1 - h)`; floats as decimals."""
    if type(v) is Exact:   # the common case first: an exam's numbers
        if v.logs:
            return _exact_text(v)
        r = v.r
        key = (r.numerator, r.denominator)
        try:
            return _TEXT_OF[key]
        except KeyError:
            return _remember(_TEXT_OF, key, _rational_text, r)
    if isinstance(v, np.ndarray):
        if v.ndim == 0:
            return text(v[()])
        return "[" + ", ".join(text(x) for x in v) + "]"
    if isinstance(v, str):
        return v
    if getattr(v, "is_Rational", False) is True:   # Integer or Rational: as StrPrinter writes it
        return _rational_text(v)
    if isinstance(v, Exact):
        return _exact_text(v)
    if not ops.is_exact(v):
        return decimal_text(float(v), 6)
    x = _as_exact(v)
    return _exact_text(x) if x is not None else _remembered(_sympy_text, v)


# The strings of an Exact's rational r (the bulk of an exam's numbers: a version prints some 600,
# mostly the same few hundred again), remembered in plain dicts: a lookup is a third of the
# time of writing the string afresh, and an lru_cache's call would cost as much as the writing.
# Keyed by r's (numerator, denominator), not r: most r are new objects, and a new rational's
# hash (gmpy2's or Fraction's, reduced modulo 2⁶¹ − 1) costs three times the pair's.
_TEXT_OF: dict = {}
_LATEX_OF: dict = {}
_MAX_REMEMBERED = 1 << 16


def _remember(strings: dict, key, write, x) -> str:
    """write(x), kept under `key` in `strings` (cleared when full)."""
    if len(strings) >= _MAX_REMEMBERED:
        strings.clear()
    s = strings[key] = write(x)
    return s


def _rational_text(r) -> str:
    """A rational (SymPy's, or an Exact's r) as StrPrinter writes it: `3`, `-3/4`."""
    p, q = int(r.numerator), int(r.denominator)
    return str(p) if q == 1 else f"{p}/{q}"


def answer_syntax(text: str) -> str:
    """An expression's text (`text`) as a student types it: ^ for powers, σ for the sigmoid."""
    return _SIGMA_CALL.sub("σ(", text.replace("**", "^"))


_SIGMA_CALL = re.compile(r"\bsigma\(")


def _as_exact(v) -> Exact | None:
    """The Exact a SymPy number r + Σ c·ln a stands for (same form), so that it prints as one."""
    try:
        return _exact_form(v)
    except TypeError:  # unhashable (a mutable matrix): SymPy's to print
        return None


@lru_cache(maxsize=8192, typed=True)
def _exact_form(v) -> Exact | None:
    if getattr(v, "is_number", False) is not True:   # symbols, matrices: SymPy's to print
        return None
    x = from_sympy(v)
    return x if isinstance(x, Exact) else None


@lru_cache(maxsize=4096)
def _exact_text(v: Exact) -> str:
    """Exact's own printer; SymPy's only for the forms it leaves (terms it cannot order surely)."""
    s = exact_print.text(v)
    return s if s is not None else _sympy_text(to_sympy(v))


def decimal_text(x: float, digits: int = DECIMALS, exact: bool = False) -> str:
    """A float with `digits` significant figures, no exponent for ordinary sizes, no -0. Below
    1e-12 it is 0 (floating-point noise), unless it is the decimal of an `exact` value that is
    not 0 (1/10²² is about 1e-22, not 0)."""
    if x == 0 or (abs(x) < 10.0 ** (-12) and not exact):
        return "0"
    if not math.isfinite(x):
        return str(x)
    s = f"{x:.{digits}g}"
    if "e" in s:
        mant, exp = s.split("e")
        return f"{mant}e{int(exp)}"
    return s


def _decimal(x: float) -> str:
    """decimal_text(x) (DECIMALS figures), remembered by x as the rationals' strings are: a
    version writes some 35 such decimals, most of them an earlier version's too, and writing
    one costs several times the lookup."""
    try:
        return _DECIMAL_OF[x]
    except KeyError:
        return _remember(_DECIMAL_OF, x, decimal_text, x)


_DECIMAL_OF: dict = {}


def latex(v) -> str:
    """LaTeX for a scalar (exact or float), a string, or an array (as bmatrix)."""
    t = type(v)
    if t is Exact:   # the common cases first: an exam's numbers, then floats
        if v.logs:
            return _exact_latex(v)
        r = v.r
        key = (r.numerator, r.denominator)
        try:
            return _LATEX_OF[key]
        except KeyError:
            return _remember(_LATEX_OF, key, _rational_latex, r)
    if t is np.float64 or t is float:
        return _decimal(float(v))
    if isinstance(v, np.ndarray):
        return bmatrix(v)
    if isinstance(v, str):
        return r"\text{%s}" % v
    if getattr(v, "is_Rational", False) is True:   # SymPy's Integer or Rational
        return _rational_latex(v)
    if isinstance(v, Exact):
        return _exact_latex(v)
    if not ops.is_exact(v):
        return decimal_text(float(v))
    x = _as_exact(v)
    return _exact_latex(x) if x is not None else _remembered(_sympy_latex, v)


def _rational_latex(r) -> str:
    """A rational (SymPy's, or an Exact's r) in LaTeX: `3`, `-\\frac{3}{4}`."""
    p, q = int(r.numerator), int(r.denominator)
    return str(p) if q == 1 else ("-" if p < 0 else "") + r"\frac{%d}{%d}" % (abs(p), q)


def _remembered(printer, v) -> str:
    """printer(v), remembered per SymPy value (and type, so 2.0 and 2 are told apart): exams
    print the same answers and expressions again and again, and SymPy's printers are slow."""
    try:
        return printer(v)
    except TypeError:  # unhashable (a mutable matrix): print it afresh
        return printer.__wrapped__(v)


@lru_cache(maxsize=8192, typed=True)
def _sympy_text(v) -> str:
    # an expanded integer polynomial (x**2 - 3*x*z) or a c*sigma(a*xi + b) + d: written directly
    s = exact_print.polynomial_text(v)
    if s is None:
        s = exact_print.linear_text(v)
    if s is None:   # sums, products and powers of those, σ, tanh, exp, ln (the symbolic problems')
        s = exact_print.expression_text(v)
    return s if s is not None else _text_printer().doprint(v)


@lru_cache(maxsize=8192, typed=True)
def _sympy_latex(v) -> str:
    s = exact_print.polynomial_latex(v)
    if s is None:
        s = exact_print.linear_latex(v)
    if s is None:
        s = exact_print.expression_latex(v, ordered_terms)
    return s if s is not None else _latex_printer().doprint(v)


@lru_cache(maxsize=4096)
def _exact_latex(v: Exact) -> str:
    s = exact_print.latex(v)
    return s if s is not None else _sympy_latex(to_sympy(v))


@lru_cache(maxsize=None)
def _latex_printer():
    from sympy.printing.latex import LatexPrinter

    class CourseLatexPrinter(_RemembersParts, LatexPrinter):
        """SymPy's LaTeX with `\\ln 2` (not `\\log{\\left(2 \\right)}`) and σ."""

        def _print_log(self, expr, exp=None):
            arg = expr.args[0]
            inner = self._print(arg)
            if arg.is_Integer and arg > 0 or arg.is_Symbol:
                tex = r"\ln " + inner
            else:
                tex = r"\ln\left(%s\right)" % inner
            return tex if exp is None else r"\left(%s\right)^{%s}" % (tex, exp)  # (ln 2)², not ln 2²

        def _as_ordered_terms(self, expr, order=None):
            if (order or self.order) is None and expr.is_Add:
                return ordered_terms(expr)
            return super()._as_ordered_terms(expr, order)

    return CourseLatexPrinter({"ln_notation": True})


def ordered_terms(e) -> list:
    """e.as_ordered_terms() (an Add, order None: how LatexPrinter orders a sum) in SymPy 1.14's
    steps, but for the float of a rational coefficient: p/q here, evalf there (the same float,
    both rounded to nearest), which was 40% of the time of printing an exam's sums."""
    from sympy import Add, Mul, Number, NumberSymbol

    args = Add.make_args(e)

    def late(t):
        return not isinstance(t, (Number, NumberSymbol))

    first = sorted(args, key=late)   # the special case: 2 - 3x keeps its order
    if len(first) == 2 and not late(first[0]) and isinstance(first[1], Mul):
        factors = sorted(Mul.make_args(first[1]), key=late)
        if len(factors) == 2 and isinstance(factors[0], Number) and first[0].is_positive and factors[0].is_negative:
            return first
    terms, gens = [], set()
    for term in args:
        coeff, rest = term.as_coeff_Mul()
        coeff = _complex(coeff)
        cpart, ncpart = {}, []
        if rest is not _sympy().S.One:
            for factor in Mul.make_args(rest):
                if factor.is_number:
                    try:
                        coeff *= _complex(factor)
                    except (TypeError, ValueError):
                        pass
                    else:
                        continue
                if factor.is_commutative:
                    base, exp = _decompose_power(factor)
                    cpart[base] = exp
                    gens.add(base)
                else:
                    ncpart.append(factor)
        terms.append((term, (coeff.real, coeff.imag), cpart, tuple(ncpart)))
    from sympy.core.sorting import default_sort_key

    index = {g: i for i, g in enumerate(sorted(gens, key=default_sort_key) if len(gens) > 1 else gens)}

    def key(t):   # Expr._parse_order(None)'s key: exponents descending (lex), then ncpart, coefficient
        _, (re, im), cpart, ncpart = t
        monom = [0] * len(index)
        for base, exp in cpart.items():
            monom[index[base]] = exp
        return (tuple(-m for m in monom), tuple(f.sort_key(order=None) for f in ncpart), ((bool(im), im), (re, im)))

    return [t[0] for t in sorted(terms, key=key)]


def _complex(v) -> complex:
    """complex(v); a rational's as p/q, which is what evalf rounds it to as well."""
    if getattr(v, "is_Rational", False) is True:
        return complex(int(v.p) / int(v.q))
    return complex(v)


def _decompose_power(f):
    from sympy.core.exprtools import decompose_power

    return decompose_power(f)


def bmatrix(a, column: bool = True) -> str:
    """`\\begin{bmatrix}…\\end{bmatrix}`; a vector is a column unless column=False."""
    a = np.asarray(a, dtype=object) if not isinstance(a, np.ndarray) else a
    if a.ndim == 0:
        return latex(a[()])
    if a.ndim > 2:
        raise ValueError("bmatrix takes vectors and matrices; split tensors by channel first")
    # (entries as they are for exact values; floats as Python floats)
    return _bmatrix(a.ravel().tolist(), a.shape, latex, column)


def _bmatrix(entries: list, shape: tuple, write, column: bool = True) -> str:
    """bmatrix of a vector's or matrix's entries (first index outermost), each written by
    `write`: one join a row, over map (no list or generator an entry)."""
    if len(shape) == 1:
        body = (r" \\ " if column else " & ").join(map(write, entries))
    else:
        n = shape[1]
        body = r" \\ ".join([" & ".join(map(write, entries[i * n:i * n + n])) for i in range(shape[0])])
    return r"\begin{bmatrix} %s \end{bmatrix}" % body


def decimal_latex(v) -> str:
    """Decimal LaTeX of any numeric value (arrays as bmatrix of decimals)."""
    if type(v) is np.ndarray and 1 <= v.ndim <= 2:   # bmatrix(ops.to_float(v)), without the float array
        return _bmatrix(ops.float_entries(v), v.shape, _decimal)
    f = ops.to_float(v)
    if isinstance(f, np.ndarray):
        return bmatrix(f)
    mantissa, _, exponent = decimal_text(f, exact=ops.is_exact(v)).partition("e")
    return mantissa + (r" \times 10^{%s}" % exponent if exponent else "")   # 1e-22 as 1 × 10^{-22}


def is_integral(v) -> bool:
    """Exact value that is a plain integer (no decimal needed beside it)."""
    if isinstance(v, np.ndarray):
        return all(is_integral(x) for x in v.flat)
    if isinstance(v, Exact):
        return v.is_Integer
    return ops.is_exact(v) and isinstance(v, _sympy().Integer)


SHORT_PLACES = 3  # a fraction whose decimal ends within this many places (1/2, 3/8) needs no decimal


def needs_decimal(v) -> bool:
    """Whether a decimal beside an exact value tells the reader anything: not when every entry
    is an integer or a fraction whose decimal is as short as itself (1/2 = 0.5, 3/8 = 0.375)."""
    if type(v) is Exact:   # the common case first
        return bool(v.logs) or _SHORT % int(v.r.denominator) != 0
    if isinstance(v, str):
        return False
    if isinstance(v, np.ndarray):
        return any(map(needs_decimal, v.flat))
    if not ops.is_exact(v):
        return False
    if getattr(v, "is_Rational", False) is not True:
        return True
    return _SHORT % int(v.q) != 0  # p/q ends within n places when q divides 10ⁿ


_SHORT = 10 ** SHORT_PLACES


def to_json(v):
    """JSON-ready value: floats and nested lists of floats (strings stay strings)."""
    if type(v) is Exact:   # the common case first
        return float(v)
    if isinstance(v, str):
        return v
    if isinstance(v, np.ndarray) and v.dtype == object:
        return _floats(v.tolist())
    f = ops.to_float(v)
    if isinstance(f, np.ndarray):
        return f.tolist()
    return float(f)


def _floats(v):
    """ops.to_float of every entry of nested lists (of an exact array: no float array between);
    an Exact entry read in the comprehension itself (no call per entry: most are Exact)."""
    if type(v) is not list:
        return float(v) if type(v) is Exact else ops.to_float(v)
    return [float(x) if type(x) is Exact else _floats(x) for x in v]


def to_exact_json(v):
    """JSON-ready exact value: answer-file strings (`"3/4"`) in nested lists."""
    if isinstance(v, str):
        return v
    if isinstance(v, np.ndarray):
        return text(v[()]) if v.ndim == 0 else _texts(v.tolist())
    return text(v)


def _texts(v):
    """`text` of every entry of nested lists."""
    return [_texts(x) if type(x) is list else text(x) for x in v]
