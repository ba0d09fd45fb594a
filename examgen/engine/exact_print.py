"""Plain text and LaTeX for an Exact r + Σ c·ln a, and for an expanded integer polynomial (a SymPy
expression, read through its attributes: `polynomial_latex`, `polynomial_text` at the end), without
SymPy's printers, in the very strings they wrote.

Before this module, formatting.py printed an Exact by converting it to SymPy and running its
printers: `AnswerPrinter` (StrPrinter, settings {"order": "none"}, `ln(...)` for log) for the
answer-file text, `CourseLatexPrinter` (LatexPrinter, `\\ln 2` / `\\ln\\left(\\frac{2}{3}\\right)`) for
LaTeX. Keys and golden files hold those strings, so this module writes the same bytes; the rules
below are SymPy 1.14's, restricted to the terms an Exact has: a rational r, and c·ln a with c a
nonzero rational and a > 0 a rational whose numerator is not 1 (SymPy's log turns ln(1/n) into
−ln n; Exact keeps that form, see exact.log).

Term order (which term comes first is what makes the two printers differ):
- Text, order "none" (printing/printer.py `_as_ordered_terms`): the Add's own args. Add.flatten
  (core/add.py) sorts the non-number terms with `Basic.compare` (core/basic.py) and puts the
  number first. `Basic.compare` orders by class (`_cmp_name`: classes in `ordering_of_classes`
  by their place there, before classes not in it), then by `_hashable_content` item by item. A
  term with c = 1 is a bare `log` (not in the list), any other a `Mul(c, log(a))` (in it): every
  Mul comes before every bare log. Mul against Mul compares c first: by class Half (1/2) <
  NegativeOne (−1) < Integer < Rational, then by (p, q); then ln a against ln a by a's class
  (Integer < Rational), then (p, q).
- LaTeX, order None (core/expr.py `Expr.as_ordered_terms`): first a special case, an Add of
  exactly a positive number and a Mul with a negative coefficient keeps the number first
  (`1 - \\ln 2`); otherwise `as_terms` finds no generators (ln 2 is a number, so it is folded
  into each term's complex coefficient) and the terms are sorted, stably from the args order, by
  their float value, ascending. Two terms whose floats are too close to order with certainty
  (ln 4 beside 2 ln 2) are left to SymPy: `latex` and `sympy_str` return None for them.

Each term is printed as StrPrinter._print_Mul / LatexPrinter._print_Mul write c·ln a (c = p/q):
text `-3*ln(2)/2`, `ln(2)/2`, `2*ln(2/3)`; LaTeX `- \\frac{3 \\ln 2}{2}`, `2 \\ln 2`; and joined as
the two `_print_Add`s join them (text: `-` glued to a leading term, ` - ` inside; LaTeX: `- ` from
the term's own sign when first, ` - ` before the negated term inside). tests/test_exact_printing.py
checks every string against SymPy's printers. `sympy_str` writes SymPy's own `str` (Exact's str):
the text forms with `log`, in the LaTeX order (StrPrinter's default order is None too).
"""
from __future__ import annotations

import math
import re

_NEAR = 1e-12  # terms whose floats are this close (relatively) are not ordered here: SymPy decides


def terms_ok(x) -> bool:
    """Whether x has only terms this module knows SymPy's form of (see the module docstring)."""
    return all(c and a > 0 and a != 1 and a.numerator != 1 for a, c in x.logs)


# --- term order -----------------------------------------------------------------------------------
def _args_order(x) -> list:
    """The terms (a, c) of x in its SymPy Add's args order, the rational r as (None, r) first."""
    return ([(None, x.r)] if x.r else []) + sorted(x.logs, key=_args_key)


def _args_key(term):
    """Where c·ln a stands in the Add's args: Basic.compare's order (module docstring)."""
    a, c = term
    if c == 1:
        return (1, _number_key(a))
    return (0, _number_key(c), _number_key(a))


def _number_key(v):
    # ordering_of_classes: Half < NegativeOne < Integer < Rational; then _hashable_content (p, q)
    p, q = int(v.numerator), int(v.denominator)
    cls = 0 if (p, q) == (1, 2) else 1 if (p, q) == (-1, 1) else 2 if q == 1 else 3
    return (cls, p, q)


def _value_order(x) -> list | None:
    """The terms of x as Expr.as_ordered_terms() lists them (module docstring); None on a near tie."""
    terms = _args_order(x)
    if len(terms) == 2 and x.r > 0 and terms[1][1] < 0:   # as_ordered_terms' special case
        return terms
    values = [_value(a, c) for a, c in terms]
    terms = [t for _, t in sorted(zip(values, terms), key=lambda vt: vt[0])]
    values.sort()
    if any(w - v <= _NEAR * max(1.0, abs(v), abs(w)) for v, w in zip(values, values[1:])):
        return None
    return terms


# --- plain text -------------------------------------------------------------------------------------
def text(x) -> str | None:
    """x as AnswerPrinter writes to_sympy(x): `1/2 - ln(3)`, `2*ln(2) + ln(3)`; None if unsure."""
    return _join_text(_args_order(x), "ln") if terms_ok(x) else None


def sympy_str(x) -> str | None:
    """str(to_sympy(x)), SymPy's own str (`log`, order None): `1/2 - log(3)`; None if unsure."""
    terms = _value_order(x) if terms_ok(x) else None
    return None if terms is None else _join_text(terms, "log")


def _join_text(terms, ln: str) -> str:
    """StrPrinter._print_Add: `-` glued to a leading term, ` - ` before a later negative one."""
    parts = [_term_text(a, c, ln) for a, c in terms] or ["0"]
    out = parts[0]
    for t in parts[1:]:
        out += " - " + t[1:] if t.startswith("-") else " + " + t
    return out


def _rational_text(v) -> str:
    p, q = int(v.numerator), int(v.denominator)
    return str(p) if q == 1 else f"{p}/{q}"


def _term_text(a, c, ln: str) -> str:
    """One term: the rational c when a is None, else c·ln a as StrPrinter._print_Mul writes it."""
    if a is None:
        return _rational_text(c)
    p, q = int(c.numerator), int(c.denominator)
    return ("-" if p < 0 else "") + ("" if abs(p) == 1 else f"{abs(p)}*") + \
        f"{ln}({_rational_text(a)})" + ("" if q == 1 else f"/{q}")


# --- LaTeX ----------------------------------------------------------------------------------------
def latex(x) -> str | None:
    """x as CourseLatexPrinter writes to_sympy(x): `\\frac{1}{2} - \\ln 3`; None if unsure."""
    terms = _value_order(x) if terms_ok(x) else None
    if terms is None:
        return None
    if not terms:
        return "0"
    out = _term_latex(*terms[0])
    for a, c in terms[1:]:
        out += " - " + _term_latex(a, -c) if c < 0 else " + " + _term_latex(a, c)
    return out


def _value(a, c) -> float:
    """The term's float (the rational r when a is None), as the sort key of as_ordered_terms."""
    f = int(c.numerator) / int(c.denominator)
    if a is None:
        return f
    p, q = int(a.numerator), int(a.denominator)
    return f * (math.log1p((p - q) / q) if q < p < 2 * q or p < q < 2 * p else math.log(p) - math.log(q))


def _term_latex(a, c) -> str:
    """One term: the rational c when a is None (LatexPrinter._print_Rational), else c·ln a."""
    p, q = int(c.numerator), int(c.denominator)
    sign = "- " if p < 0 else ""
    if a is None:
        return str(p) if q == 1 else sign + r"\frac{%d}{%d}" % (abs(p), q)
    n, d = int(a.numerator), int(a.denominator)
    ln = r"\ln %d" % n if d == 1 else r"\ln\left(\frac{%d}{%d}\right)" % (n, d)
    numer = ln if abs(p) == 1 else f"{abs(p)} {ln}"
    return sign + (numer if q == 1 else r"\frac{%s}{%d}" % (numer, q))


# --- expanded integer polynomials (SymPy expressions, read through their attributes only) ----------
def polynomial_latex(e) -> str | None:
    """LaTeX of an expanded polynomial with integer coefficients in plain one-letter symbols, as
    LatexPrinter (order None) writes it; None for anything else. Its terms in lex order of their
    exponents over the variables in alphabetical order (as_ordered_terms: plain symbols sort by
    name), but `2 - x` (a positive number and a −c·v) as SymPy keeps it."""
    terms = _polynomial_terms(e)
    if terms is None:
        return None
    names = sorted({v for _, factors in terms for v, _ in factors})
    if len(terms) == 2 and not terms[0][1] and terms[0][0] > 0 and terms[1][0] < 0 and len(terms[1][1]) == 1 \
            and e.args[1].is_Mul:
        ordered = terms
    else:
        ordered = sorted(terms, key=lambda t: [dict(t[1]).get(v, 0) for v in names], reverse=True)
    out = ""
    for i, (c, factors) in enumerate(ordered):
        body = " ".join(v if k == 1 else f"{v}^{{{k}}}" for v, k in sorted(factors))
        if not factors:
            body = str(abs(c)) if i else str(c)  # a lone first number keeps its sign: -3
        elif abs(c) != 1:
            body = f"{abs(c)} {body}"
        out += (" - " if c < 0 else " + ") + body if i else ("- " if c < 0 and factors else "") + body
    return out


def polynomial_text(e) -> str | None:
    """The same polynomials as StrPrinter writes them with order "none" (formatting's answer text):
    the Add's and each Mul's own args order, `-3*z*x**2`, joined as _print_Add joins; None else."""
    terms = _polynomial_terms(e)
    if terms is None:
        return None
    out = ""
    for i, (c, factors) in enumerate(terms):
        body = "*".join(v if k == 1 else f"{v}**{k}" for v, k in factors)
        if not factors:
            body = str(abs(c))
        elif abs(c) != 1:
            body = f"{abs(c)}*{body}"
        out += (" - " if c < 0 else " + ") + body if i else ("-" if c < 0 else "") + body
    return out


def _polynomial_terms(e) -> list | None:
    """[(integer coefficient, ((variable, exponent), …) in the Mul's args order)] of e's terms in
    the Add's args order; None unless e is built as SymPy builds an expanded polynomial (a number
    only first and only once, distinct monomials, one-letter plain symbols, powers above 1)."""
    if getattr(e, "is_Add", None) is None:   # not a SymPy expression (a matrix)
        return None
    terms = [_monomial(t, i) for i, t in enumerate(e.args if e.is_Add else (e,))]
    if None in terms or len({frozenset(f) for _, f in terms}) < len(terms):
        return None
    return terms


def _monomial(t, place: int) -> tuple | None:
    """(integer coefficient, ((variable, exponent), …)) of c·v^k·… as SymPy builds it, else None."""
    args = t.args if t.is_Mul else (t,)
    c, factors = 1, []
    for i, f in enumerate(args):
        if f.is_Integer and i == 0 and (not t.is_Mul or int(f) not in (0, 1)) and (t.is_Mul or place == 0):
            c = int(f)
        elif _letter(f):
            factors.append((f.name, 1))
        elif f.is_Pow and _letter(f.base) and f.exp.is_Integer and f.exp.p > 1:
            factors.append((f.base.name, int(f.exp)))
        else:
            return None
    if len({v for v, _ in factors}) < len(factors):   # x·x: not as SymPy builds it
        return None
    return c, tuple(factors)


def _letter(f) -> bool:
    """A plain SymPy Symbol (not a Dummy or Wild, printed otherwise) with a one-letter ASCII name."""
    return type(f).__name__ == "Symbol" and len(f.name) == 1 and f.name.isascii() and f.name.isalpha()


# --- c·g(L) + d, L = pξ + q (a SymPy expression, read through its attributes only) ------------------
# The activation forms (σ(2ξ − 1), 1 − 3σ(ξ/2)/2, tanh(ξ/2 − 1)) and the linear forms inside them:
# one rational constant d and one term c·F (either may be absent), F a plain symbol (ξ or one
# letter), σ(L) or tanh(L) with L such a form of a symbol. Their strings as the printers write them:
# LaTeX (order None) puts c·F first but keeps `1 - 3 ξ` (a positive d and a 2-arg Mul with c < 0);
# text (order "none") keeps the Add's args order.
_SYMBOL_LATEX = {"xi": r"\xi"}


def linear_latex(e) -> str | None:
    """CourseLatexPrinter's LaTeX of c·F + d (above); None for anything else."""
    parts = _linear_parts(e)
    if parts is None:
        return None
    d, term = parts
    if term is None:
        return _rational_latex(d)
    c, f = term
    if d is None:
        return _coefficient_latex(c, f)
    if d > 0 and c < 0:   # as_ordered_terms' special case (c < 0: the term is a Mul of c and F)
        return _rational_latex(d) + " - " + _coefficient_latex(-c, f)
    return _coefficient_latex(c, f) + (" - " + _rational_latex(-d) if d < 0 else " + " + _rational_latex(d))


def linear_text(e) -> str | None:
    """AnswerPrinter's text of c·F + d (above), in the Add's args order; None for anything else."""
    parts = _linear_parts(e)
    if parts is None:
        return None
    d, term = parts
    if term is None:
        return _rational_text(d)
    if d is None:
        return _coefficient_text(*term)
    first, second = (_rational_text(d), _coefficient_text(*term)) if e.args[0].is_Number else \
        (_coefficient_text(*term), _rational_text(d))
    return first + (" - " + second[1:] if second.startswith("-") else " + " + second)


def _linear_parts(e, inner: bool = False):
    """(d or None, (c, F) or None) of c·F + d as SymPy builds it, else None; `inner`: F a symbol only."""
    if getattr(e, "is_Add", None) is None:   # not a SymPy expression (a matrix)
        return None
    if e.is_Rational:
        return e, None
    args = e.args if e.is_Add else (e,)
    if len(args) > 2:
        return None
    d, term = None, None
    for t in args:
        if t.is_Rational and d is None and len(args) == 2:
            d = t
        elif term is None and (term := _coefficient_term(t, inner)) is not None:
            pass
        else:
            return None
    return (d, term) if term is not None else None


def _coefficient_term(t, inner: bool):
    """(c, F's (LaTeX, text)) of a term c·F (c rational, not 0 or 1 when written) else None."""
    if t.is_Mul:
        if len(t.args) != 2 or not t.args[0].is_Rational or t.args[0] in (0, 1):
            return None
        c, f = t.args
    else:
        c, f = 1, t
    factor = _factor(f, inner)
    return None if factor is None else (c, factor)


def _factor(f, inner: bool):
    """(LaTeX, text) of a plain symbol, or of σ(L) / tanh(L) with L a linear form of a symbol."""
    kind = type(f).__name__
    if kind == "Symbol" and f.name in _SYMBOL_LATEX:
        return _SYMBOL_LATEX[f.name], f.name
    if _letter(f):
        return f.name, f.name
    if inner or kind not in ("sigma", "tanh") or len(f.args) != 1:
        return None
    parts = _linear_parts(f.args[0], inner=True)
    if parts is None or parts[1] is None:
        return None
    arg_latex, arg_text = linear_latex(f.args[0]), linear_text(f.args[0])
    if kind == "sigma":
        return r"\sigma\left(%s\right)" % arg_latex, f"sigma({arg_text})"
    return r"\tanh{\left(%s \right)}" % arg_latex, f"tanh({arg_text})"


def _rational_latex(v) -> str:
    """LatexPrinter's _print_Rational: `-3`, `- \\frac{1}{2}`."""
    p, q = int(v.numerator), int(v.denominator)
    return str(p) if q == 1 else ("- " if p < 0 else "") + r"\frac{%d}{%d}" % (abs(p), q)


def _coefficient_latex(c, f) -> str:
    """LatexPrinter's _print_Mul of c·F: `2 \\xi`, `- \\xi`, `\\frac{3 \\xi}{2}`."""
    p, q = int(c.numerator), int(c.denominator)   # (c a SymPy Rational, or the int 1)
    numer = f[0] if abs(p) == 1 else f"{abs(p)} {f[0]}"
    return ("- " if p < 0 else "") + (numer if q == 1 else r"\frac{%s}{%d}" % (numer, q))


def _coefficient_text(c, f) -> str:
    """StrPrinter's _print_Mul of c·F: `2*xi`, `-xi`, `3*xi/2`."""
    p, q = int(c.numerator), int(c.denominator)   # (c a SymPy Rational, or the int 1)
    return ("-" if p < 0 else "") + ("" if abs(p) == 1 else f"{abs(p)}*") + f[1] + ("" if q == 1 else f"/{q}")


# --- sums, products and integer powers of rationals, symbols, σ, tanh, exp and ln -----------------
# (SymPy expressions, read through their attributes only.) total-derivative's sums in its nodes
# (h + w(h(1 − h)(x + z) + 1) − 5, the σ graphs' ∂y/∂x) and activation-identity's answers and
# mistakes (a e^u/(e^u + 1)², ln σ(u), (1 + tanh(u))/2) as AnswerPrinter and CourseLatexPrinter
# write them, by the rules of SymPy 1.14's StrPrinter (order "none") and LatexPrinter (order None)
# for these nodes: precedence (printing/precedence.py), _print_Add, _print_Mul (text: numerator and
# denominator from the args; LaTeX: sign, simplify.fraction, as_ordered_factors), _print_Pow and the
# functions. LaTeX sums take their terms' order from the caller (formatting.ordered_terms, which is
# as_ordered_terms'). A part these rules are not written for here (an unevaluated product with a
# number after its head, a power of a function, a number's power, a float, another symbol or
# function) makes the whole None: SymPy's printers write it. tests/test_speed_sym8.py compares both
# on every exam graph and identity and on random expressions of these nodes.
class _Unsure(Exception):
    """A part this module does not write: SymPy's printer writes the whole expression."""


_ADD, _MUL, _POW, _FUNC, _ATOM = 40, 50, 60, 70, 1000   # printing/precedence.py's PRECEDENCE
_FUNCTION_NAMES = ("sigma", "tanh", "exp", "log")
# SymPy's LatexPrinter's _between_two_numbers_p (printing/latex.py): a \cdot between two numbers
_BETWEEN_NUMBERS = (re.compile(r"[0-9][} ]*$"), re.compile(r"(\d|\\frac{\d+}{\d+})"))


def expression_text(e) -> str | None:
    """AnswerPrinter's text of an expression of the nodes above; None for anything else."""
    try:
        return None if _node(e) in ("number", "symbol") else _text(e)
    except _Unsure:
        return None


def expression_latex(e, ordered_terms) -> str | None:
    """CourseLatexPrinter's LaTeX of an expression of the nodes above, the terms of each sum in the
    order `ordered_terms(sum)` gives; None for anything else."""
    try:
        return None if _node(e) in ("number", "symbol") else _latex(e, ordered_terms)
    except _Unsure:
        return None


def _node(e) -> str:
    """'number', 'symbol', 'Add', 'Mul', 'Pow' (an integer power) or the function's name; else _Unsure."""
    if getattr(e, "is_Add", None) is None:   # not a SymPy expression (a matrix, a Python number)
        raise _Unsure
    if e.is_Rational:
        return "number"
    if e.is_Symbol:
        if type(e).__name__ == "Symbol" and (e.name == "xi" or _letter(e)):
            return "symbol"
    elif e.is_Add or e.is_Mul:
        return "Add" if e.is_Add else "Mul"
    elif e.is_Pow:
        if e.exp.is_Integer and e.exp.p not in (0, 1) and not e.base.is_number:
            return "Pow"
    elif type(e).__name__ in _FUNCTION_NAMES and len(e.args) == 1 and e.is_Function:
        return type(e).__name__
    raise _Unsure


def _precedence(e) -> int:
    """precedence(e) (= precedence_traditional for these nodes)."""
    kind = _node(e)
    if kind == "number":
        return _ADD if e.p < 0 else _ATOM if e.q == 1 else _MUL
    if kind == "Mul":
        return _ADD if _negative_head(e) else _MUL
    return {"symbol": _ATOM, "Add": _ADD, "Pow": _POW}.get(kind, _FUNC)


def _negative_head(e) -> bool:
    """could_extract_minus_sign of a number or a product (its head a negative number); False else."""
    if e.is_Rational:
        return e.p < 0
    return bool(e.is_Mul and e.args[0].is_Rational and e.args[0].p < 0)


def _unevaluated_head(e) -> bool:
    """_print_Mul's test for an unevaluated product (1 first, or a number after the head)."""
    head = e.args[0]
    return head.is_Rational and head.p == 1 and head.q == 1 or any(a.is_Rational for a in e.args[1:])


# text (StrPrinter, order "none": each Add's and Mul's own args order)
def _text(e) -> str:
    kind = _node(e)
    if kind == "number":
        return _rational_text(e)
    if kind == "symbol":
        return e.name
    if kind == "Add":
        out = []
        for term in e.args:
            t = _text(term)
            sign, t = ("-", t[1:]) if t.startswith("-") and not term.is_Add else ("+", t)
            out += [sign, f"({t})" if term.is_Add or _precedence(term) < _ADD else t]
        return ("" if out[0] == "+" else out[0]) + " ".join(out[1:])
    if kind == "Mul":
        return _text_product(e)
    if kind == "Pow":
        base = _text_paren(e.base, _POW)
        return "1/" + base if e.exp.p == -1 else f"{base}**{_text_paren(e.exp, _POW)}"
    name = "ln" if kind == "log" else kind
    return f"{name}({_text(e.args[0])})"


def _text_paren(e, level: int) -> str:
    return f"({_text(e)})" if _precedence(e) <= level else _text(e)


def _text_product(e) -> str:
    """StrPrinter._print_Mul: a minus sign for a negative head, then numerator/denominator."""
    args = e.args
    if _unevaluated_head(e) or any(a.is_Mul for a in args):
        raise _Unsure
    prec = _precedence(e)
    sign, factors = "", list(args)
    if args[0].is_Rational and args[0].p < 0:   # _keep_coeff(-c, rest), as Mul.make_args splits it
        sign, c, rest = "-", -args[0], list(args[1:])
        factors = rest if c == 1 else [c, *rest]
    numer, denom = [], []   # items: SymPy expressions, or (base, n) for base**n written with n > 0
    for f in factors:
        if f.is_Pow and f.exp.p < 0:
            if f.base.is_Mul or f.base.is_Pow:
                raise _Unsure   # (the printer's extra parentheses, issue 14160)
            denom.append(f.base if f.exp.p == -1 else (f.base, -int(f.exp.p)))
        elif f.is_Rational:
            if f.p != 1:
                numer.append(_Int(int(f.p)))
            if f.q != 1:
                denom.append(_Int(int(f.q)))
        else:
            numer.append(f)
    a = [_text_item(x, prec) for x in numer] or ["1"]
    b = [_text_item(x, prec) for x in denom]
    if not b:
        return sign + "*".join(a)
    return sign + "*".join(a) + ("/" + b[0] if len(b) == 1 else "/(%s)" % "*".join(b))


class _Int(int):
    """A whole number split off a rational head (StrPrinter appends Rational(p) and Rational(q))."""


def _text_item(x, prec: int) -> str:
    if isinstance(x, _Int):
        return str(x)   # (positive: precedence Atom)
    if isinstance(x, tuple):   # base**n, n > 1: precedence Pow, above a product's
        return f"{_text_paren(x[0], _POW)}**{x[1]}"
    return _text_paren(x, prec)


# LaTeX (LatexPrinter, order None, CourseLatexPrinter's ln and σ's _latex)
def _latex(e, order) -> str:
    kind = _node(e)
    if kind == "number":
        return _rational_latex(e)
    if kind == "symbol":
        return _SYMBOL_LATEX.get(e.name, e.name)
    if kind == "Add":
        out = ""
        for i, term in enumerate(order(e)):
            if term.is_Add:
                raise _Unsure
            if i and _negative_head(term):
                out += " - " + _latex_negated(term, order, r"\left(%s\right)")
            else:
                out += (" + " if i else "") + _latex(term, order)
        return out
    if kind == "Mul":
        if _unevaluated_head(e) or any(a.is_Mul for a in e.args):
            raise _Unsure
        if _negative_head(e):
            return "- " + _latex_negated(e, order, "(%s)")
        return _latex_fraction(list(e.args), order)
    if kind == "Pow":
        if e.exp.p < 0:   # _print_Mul's fraction of the power alone
            return r"\frac{1}{%s}" % _latex_item(e.base if e.exp.p == -1 else (e.base, -int(e.exp.p)), order)
        if e.base.is_Function:
            raise _Unsure
        return "%s^{%s}" % (_latex_paren(e.base, _POW, order), e.exp.p)
    arg = e.args[0]
    inner = _latex(arg, order)
    if kind == "sigma":
        return r"\sigma\left(%s\right)" % inner
    if kind == "tanh":
        return r"\tanh{\left(%s \right)}" % inner
    if kind == "exp":
        return "e^{%s}" % inner
    return r"\ln " + inner if arg.is_Integer and arg.p > 0 or arg.is_Symbol else r"\ln\left(%s\right)" % inner


def _latex_paren(e, level: int, order) -> str:
    """LatexPrinter.parenthesize (not strict)."""
    return r"\left(%s\right)" % _latex(e, order) if _precedence(e) <= level else _latex(e, order)


def _latex_negated(e, order, sum_brackets: str) -> str:
    """The LaTeX of −e for a negative number or a product with a negative head (Mul.__neg__: the
    head negated, dropped if it becomes 1, the product of one factor that factor). A sum left
    alone goes in `sum_brackets`: _print_Add's \\left( \\right), or _print_Mul's own ( ) after
    its minus, where the factor left is then put through simplify.fraction as a product is."""
    if e.is_Rational:
        return _rational_latex(-e)
    c, rest = -e.args[0], list(e.args[1:])
    if c != 1:
        return _latex_fraction([c, *rest], order)
    if len(rest) > 1:
        return _latex_fraction(rest, order)
    only = rest[0]
    if only.is_Add:
        return sum_brackets % _latex(only, order)
    if sum_brackets == "(%s)" and type(only).__name__ == "exp" and not _sign_unknown(only.args[0]):
        raise _Unsure
    return _latex(only, order)


def _latex_fraction(factors: list, order) -> str:
    """_print_Mul of a product without a minus sign: simplify.fraction (exact) splits it into a
    numerator and a denominator; \\frac of the two, or the product as it is if nothing is below."""
    numer, denom = [], []
    for f in factors:
        if f.is_Pow and f.exp.p < 0:
            denom.append(f.base if f.exp.p == -1 else (f.base, -int(f.exp.p)))
        elif type(f).__name__ == "exp":
            if not _sign_unknown(f.args[0]):
                raise _Unsure   # (an e^u with u < 0 known goes below the line)
            numer.append(f)
        elif f.is_Rational and f.q != 1:
            if f.p != 1:
                numer.append(_Int(int(f.p)))
            denom.append(_Int(int(f.q)))
        else:
            numer.append(f)
    if not denom:
        return _latex_product(factors, order)
    return r"\frac{%s}{%s}" % (_latex_product(numer, order), _latex_product(denom, order))


def _sign_unknown(u) -> bool:
    """u = c·s + d or c·s (s a symbol of unknown sign): SymPy can tell neither u < 0 nor u > 0."""
    terms = u.args if u.is_Add else (u,)
    symbols = [t for t in terms if not t.is_Rational]
    if len(symbols) != 1 or len(terms) - len(symbols) > 1:
        return False
    t = symbols[0]
    s = t.args[1] if t.is_Mul and len(t.args) == 2 and t.args[0].is_Rational else t
    return _node(s) == "symbol" and s.is_extended_positive is None and s.is_extended_negative is None


def _latex_product(items: list, order) -> str:
    """convert() of Mul(*items): one item alone (1 for none), or the factors in as_ordered_factors'
    order (sort_key's), each in brackets where _needs_mul_brackets says, joined by spaces
    (\\cdot between two numbers)."""
    if not items:
        return "1"
    if len(items) == 1:
        return _latex_item(items[0], order)
    out = last = ""
    for x in _ordered_factors(items):
        t = _latex_item(x, order)
        if not isinstance(x, (_Int, tuple)) and _precedence(x) < _MUL:
            t = r"\left(%s\right)" % t
        if _BETWEEN_NUMBERS[0].search(last) and _BETWEEN_NUMBERS[1].match(t):
            out += r" \cdot "
        elif out:
            out += " "
        out += t
        last = t
    return out


def _latex_item(x, order) -> str:
    if isinstance(x, _Int):
        return str(x)
    if isinstance(x, tuple):   # base**n, n > 1 (a Pow the denominator holds)
        base, n = x
        if base.is_Function:
            raise _Unsure
        return "%s^{%s}" % (_latex_paren(base, _POW, order), n)
    return _latex(x, order)


def _ordered_factors(items: list) -> list:
    """Mul.as_ordered_factors: by sort_key, whose first part is the class key (Number, Symbol, Add,
    Pow's base's, a function's); where two share it, SymPy's own sort keys decide."""
    keyed = [(_class_key(x), x) for x in items]
    classes = [k for k, _ in keyed]
    if len(set(classes)) < len(classes):
        if any(isinstance(x, (_Int, tuple)) for x in items):
            raise _Unsure
        return sorted(items, key=lambda x: x.sort_key())
    return [x for _, x in sorted(keyed, key=lambda kx: kx[0])]


def _class_key(x) -> tuple:
    if isinstance(x, _Int):
        return (1, 0, "Number")
    if isinstance(x, tuple):
        x = x[0]
    elif x.is_Pow:
        x = x.base
    return x.class_key()
