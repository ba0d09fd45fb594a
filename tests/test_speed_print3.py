"""The printing fast paths against SymPy's own steps, over the expressions the exam and drill
profiles make and many random ones."""
import random
from functools import lru_cache

import sympy as sp

from examgen import formatting
from examgen.bank import get
from examgen.engine.identities import sigma

X, Z, W, H, XI = (sp.Symbol(n, real=True) for n in ("x", "z", "w", "h", "xi"))


def sympy_values(v):
    """Every SymPy expression in a solve()'s values (nested dicts and lists)."""
    if isinstance(v, dict):
        for x in v.values():
            yield from sympy_values(x)
    elif isinstance(v, (list, tuple)):
        for x in v:
            yield from sympy_values(x)
    elif isinstance(v, sp.Basic):
        yield v


@lru_cache(maxsize=None)   # (two tests read them)
def drawn_expressions(problem: str, seeds: int) -> frozenset:
    """Every sub-expression of every SymPy value of `seeds` instances of each profile."""
    out = set()
    for profile in ("exam", "drill"):
        for seed in range(seeds):
            inst = get(problem).sample(seed, profile)
            for v in sympy_values(inst.values):
                out.update(a for a in sp.preorder_traversal(v) if isinstance(a, sp.Expr))
    return frozenset(out)


def random_sum(rng):
    """A sum of 2–4 terms: a coefficient (integer, fraction, float, ln 2, √2) times a product of
    powers of x, z, h, σ(·), ln(·), e^(·), 1/(1 + x)."""
    atoms = [X, Z, H, XI, sigma(2 * X + 1), sp.log(X**2 + Z), sp.exp(-XI), 1 / (1 + X), sp.tanh(XI / 2)]
    coefs = [1, -1, 2, -3, sp.Rational(1, 2), sp.Rational(-3, 4), sp.Float(0.25), sp.log(2), sp.sqrt(2)]
    terms = []
    for _ in range(rng.randint(2, 4)):
        t = rng.choice(coefs)
        for _ in range(rng.randint(0, 2)):
            t *= rng.choice(atoms) ** rng.choice([1, 1, 2, -1])
        terms.append(t)
    return sp.Add(*terms)


def test_ordered_terms_is_sympys_order():
    sums = {e for p in ("total-derivative", "activation-identity", "activation-derivative")
            for e in drawn_expressions(p, 12) if e.is_Add}
    rng = random.Random(3)
    sums.update(e for e in (random_sum(rng) for _ in range(300)) if e.is_Add)
    # the special case (a positive number and a negative multiple) and its near misses
    sums.update(sp.Add(n, m * X, evaluate=False) for n in (2, -2, sp.Rational(1, 2)) for m in (3, -3, 1, -1))
    sums.update({2 - 3 * sigma(XI), sp.Rational(1, 2) - sp.log(3), 1 - H**2, -1 + 2 * sigma(2 * XI)})
    assert len(sums) > 250
    for e in sums:
        assert formatting.ordered_terms(e) == e.as_ordered_terms(), e


def test_an_exact_rational_prints_as_written_afresh(monkeypatch):
    from examgen.engine.exact import Exact, Q

    monkeypatch.setattr(formatting, "_MAX_REMEMBERED", 50)   # the dicts are cleared along the way too
    rng = random.Random(5)
    rs = [Q(rng.randint(-300, 300), rng.choice([1, 1, 2, 3, 4, 7, 12, 100, 999])) for _ in range(400)]
    for r in rs + rs[::-1]:   # each printed twice at least: afresh, then remembered
        v = Exact(r)
        assert formatting.latex(v) == formatting._rational_latex(r)
        assert formatting.text(v) == formatting._rational_text(r) == str(sp.Rational(int(r.numerator), int(r.denominator)))
    assert 0 < len(formatting._LATEX_OF) <= 50


def test_expanded_builds_the_terms_sympy_builds():
    from fractions import Fraction

    from examgen.engine import flowgraph

    def plain(poly, inputs):   # the coefficient times the Mul of the powers, as before
        gens = tuple(map(flowgraph.symbol, inputs))
        return sp.Add(*(sp.Rational(c.numerator, c.denominator) * sp.Mul(*(g**k for g, k in zip(gens, m)))
                        for m, c in poly.items()))

    rng = random.Random(7)
    coefs = [1, -1, 2, -3, 12, Fraction(1, 2), Fraction(-3, 4), Fraction(7, 10), Fraction(-1, 100)]
    for _ in range(250):
        inputs = rng.choice([("x", "z"), ("x", "z", "w")])
        poly = {tuple(rng.randint(0, 3) for _ in inputs): rng.choice(coefs) for _ in range(rng.randint(1, 6))}
        assert sp.srepr(flowgraph._expanded(poly, inputs)) == sp.srepr(plain(poly, inputs)), poly


def test_polynomials_are_written_as_sympys_printers_write_them():
    from examgen.engine import exact_print

    rng = random.Random(11)
    syms = sp.symbols("A Z a b g h u v w x z", real=True)   # (capitals sort before small letters)
    exprs = {e for p in ("total-derivative", "activation-identity") for e in drawn_expressions(p, 12)}
    for _ in range(300):   # random expanded polynomials: signs, powers, constants, `2 - x`
        terms = [rng.choice([-12, -3, -2, -1, 1, 2, 3, 5])
                 * sp.Mul(*[s ** rng.choice([1, 1, 2, 3]) for s in rng.sample(syms, rng.randint(0, 3))])
                 for _ in range(rng.randint(1, 4))]
        exprs.add(sp.expand(sp.Add(*terms)))
    x = syms[9]
    unevaluated = [sp.Mul(1, x, evaluate=False), sp.Mul(x, x, evaluate=False), sp.Add(x, x, evaluate=False),
                   sp.Add(x, 2, evaluate=False), sp.Add(2, -x, 3, evaluate=False), sp.Mul(-1, 2, x, evaluate=False),
                   sp.Mul(x, 2, evaluate=False), sp.Pow(x, 1, evaluate=False), sp.Add(2 * x, 3 * x, evaluate=False),
                   sp.Dummy("x") + 1, sp.Wild("x") * 2, sp.Symbol("xi") - 1, x + sp.Rational(1, 2)]
    written = 0
    for e in [*exprs, *unevaluated]:
        tex, text = exact_print.polynomial_latex(e), exact_print.polynomial_text(e)
        assert (tex is None) == (text is None), e
        if tex is not None:
            written += 1
            assert tex == formatting._latex_printer().doprint(e), e
            assert text == formatting._text_printer().doprint(e), e
    assert written > 300
    assert all(exact_print.polynomial_latex(e) is None for e in unevaluated[:-4])   # SymPy's own layouts


def identity_expressions(pairs):
    """Every sub-expression of every activation-identity value (each question) for the (a, b) pairs."""
    from examgen.engine import identities

    out = set()
    for a, b in pairs:
        for question in identities.QUESTIONS:
            for v in sympy_values(identities.identity(question, a, b)):
                out.update(x for x in sp.preorder_traversal(v) if isinstance(x, sp.Expr))
    return out


def test_activation_forms_are_written_as_sympys_printers_write_them():
    from examgen.engine import exact_print

    problem = get("activation-identity").module
    exam = [(sp.sympify(a), sp.sympify(b)) for a in problem.EXAM_A for b in problem.EXAM_B]   # every one
    rng = random.Random(13)
    drill = [(sp.Rational(rng.choice([k for k in range(-30, 31) if k]), 10), sp.Rational(rng.randint(-20, 20), 10))
             for _ in range(12)]
    exprs = identity_expressions(exam + drill)
    x, h = sp.Symbol("x", real=True), sp.Symbol("h", real=True)
    exprs |= {sp.Add(2 * sigma(2 * XI), -1, evaluate=False), sp.Mul(-1, 2, XI, evaluate=False), 1 - h, 2 * h,
              sp.Dummy("u") + 1, sp.Float(0.5) * XI, XI + x + 1, sigma(sigma(XI)), sp.tanh(x * XI), sigma(XI) ** 2,
              sp.Add(1, 2, evaluate=False), sp.Mul(1, XI, evaluate=False), 3 - sp.tanh(XI) / 2, sp.Rational(-1, 2) - x / 3}
    written = 0
    for e in exprs:
        tex, text = exact_print.linear_latex(e), exact_print.linear_text(e)
        assert (tex is None) == (text is None), e
        if tex is not None:
            written += 1
            assert tex == formatting._latex_printer().doprint(e), e
            assert text == formatting._text_printer().doprint(e), e
    assert written > 500
