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
