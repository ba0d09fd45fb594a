"""exact_print's printers of sums, products and powers (stop 15, sym8) against SymPy's printers they
stand in for (formatting's AnswerPrinter and CourseLatexPrinter): every expression of every exam
graph and activation identity, and random expressions of the same nodes."""
import itertools
import random

import pytest
import sympy as sp

from examgen import bank, formatting
from examgen.engine import exact_print
from examgen.engine import flowgraph as F
from examgen.engine.identities import sigma
from examgen.sampling import exact


def _expressions(v, out: dict):
    """Every SymPy expression with a symbol in a solve's or a mistake's values (nested)."""
    if isinstance(v, dict):
        for k, x in v.items():
            _expressions(k, out)
            _expressions(x, out)
    elif isinstance(v, (list, tuple)):
        for x in v:
            _expressions(x, out)
    elif isinstance(v, sp.Expr) and v.free_symbols:
        out.setdefault((type(v), v), v)


def _same_as_sympy(exprs) -> tuple[int, int]:
    """(how many the direct printers wrote, LaTeX and text), each as SymPy's printer writes it; the
    expressions formatting gives the polynomial and linear printers before are left to their tests."""
    latex, text = formatting._latex_printer(), formatting._text_printer()
    wrote = [0, 0]
    for e in exprs:
        if exact_print.polynomial_latex(e) is None and exact_print.linear_latex(e) is None:
            fast = exact_print.expression_latex(e, formatting.ordered_terms)
            if fast is not None:
                assert fast == latex.doprint(e), e
                wrote[0] += 1
        if exact_print.polynomial_text(e) is None and exact_print.linear_text(e) is None:
            fast = exact_print.expression_text(e)
            if fast is not None:
                assert fast == text.doprint(e), e
                wrote[1] += 1
    return tuple(wrote)


def _graphs(coefs=(-3, -2, -1, 1, 2, 3), units=(-4, -3, -2, -1, 1, 2, 3, 4)) -> list:
    """Every graph of the shapes over these a, b, c (the exam's c in the σ shapes is x·z or x·w, so in
    ±{1, 2, 4}; the drill's in ±{1, 2, 3}), parsed."""
    td = bank.get("total-derivative").module
    graphs = {}
    for shape in td.SHAPES:
        for a, b in itertools.product(coefs, coefs):
            for c in units if shape in ("sigmoid", "fan4") else coefs:
                graph = td.build(shape, a, b, c)
                graphs[tuple(graph.items())] = graph
    return [td.parse_graph(g) for g in graphs.values()]


def _graph_expressions(graphs) -> list:
    """What total-derivative prints of each graph, whatever the point: the nodes, the partials, the
    totals and ∂y/∂x in the nodes and in the inputs (σ shown), right and with the later paths dropped
    (flowgraph.total_derivative's and derivative_direct_only's steps but the values at the point)."""
    out: dict = {}
    for nodes in graphs:
        nodes, direct, total = F._symbolic(nodes, F.INPUTS)
        _expressions([nodes, direct], out)
        for totals in (total, F.totals_direct_only(nodes, direct)):
            dy_dx_nodes = F.chain_sum(direct, totals, "x")
            dy_dx = F._in_inputs(dy_dx_nodes, tuple(nodes.items()), F.INPUTS)
            _expressions([totals, dy_dx_nodes, dy_dx, F.display(dy_dx)], out)
    return list(out.values())


def _identity_expressions(a_values, b_values) -> list:
    """What activation-identity prints of each (question, a, b): its solve's values and its mistakes'."""
    ai = bank.get("activation-identity").module
    out: dict = {}
    for q, a, b in itertools.product(ai.QUESTIONS, a_values, b_values):
        p = {"question": q, "a": exact(a), "b": exact(b)}
        s = ai.solve(p)
        _expressions(s, out)
        for m in (ai.mistake_sigma_for_derivative, ai.mistake_other_derivative_formula,
                  ai.mistake_missing_inner_factor, ai.mistake_missing_chain_factor):
            _expressions(m(p, s), out)
    return list(out.values())


def test_every_activation_identity_is_printed_as_sympy_prints_it():
    ai = bank.get("activation-identity").module
    wrote = _same_as_sympy(_identity_expressions(ai.EXAM_A, ai.EXAM_B))
    assert wrote[0] >= 300 and wrote[1] >= 300, wrote


def test_some_exam_graphs_are_printed_as_sympy_prints_them():
    """Every shape over a few coefficients (the slow test below takes every exam graph)."""
    wrote = _same_as_sympy(_graph_expressions(_graphs(coefs=(-2, 3), units=(-4, 1))))
    assert wrote[0] >= 30 and wrote[1] >= 30, wrote


@pytest.mark.slow
def test_every_exam_graph_is_printed_as_sympy_prints_it():
    wrote = _same_as_sympy(_graph_expressions(_graphs()))
    assert wrote[0] >= 300 and wrote[1] >= 300, wrote


def _random_expression(rng: random.Random, symbols: list, depth: int):
    """A random expression of rationals, symbols, sums, products, integer powers, σ, tanh, exp, ln,
    built by SymPy's evaluation, and now and then an unevaluated c·(sum) as identities._times keeps."""
    if depth == 0 or rng.random() < 0.25:
        if rng.random() < 0.3:
            return sp.Rational(rng.choice([-3, -2, -1, 1, 2, 3, 5]), rng.choice([1, 1, 1, 2, 3]))
        return rng.choice(symbols)
    kind = rng.choice(["add", "add", "mul", "mul", "pow", "sigma", "tanh", "exp", "log", "times"])
    sub = [_random_expression(rng, symbols, depth - 1) for _ in range(rng.randint(2, 3))]
    if kind == "add":
        return sp.Add(*sub)
    if kind == "mul":
        return sp.Mul(*sub)
    if kind == "pow":
        return sub[0] ** rng.choice([-3, -2, -1, 2, 3])
    if kind == "times":
        c = sp.Rational(rng.choice([-3, -2, -1, 2, 3]), rng.choice([1, 2]))
        return sp.Mul(c, sp.Add(*sub), evaluate=False)
    return {"sigma": sigma, "tanh": sp.tanh, "exp": sp.exp, "log": sp.log}[kind](sub[0])


def _random_expressions(seed: int, n: int) -> list:
    rng = random.Random(seed)
    names = ["x", "z", "w", "h", "xi"]
    symbols = [sp.Symbol(n, real=True) for n in names] + [sp.Symbol("y"), sp.Symbol("p", positive=True)]
    exprs: dict = {}
    while len(exprs) < n:
        e = _random_expression(rng, symbols, 3)
        if e.free_symbols and not e.has(sp.zoo, sp.nan, sp.oo):
            exprs.setdefault((type(e), e), e)
    return list(exprs.values())


def test_random_expressions_are_printed_as_sympy_prints_them():
    wrote = _same_as_sympy(_random_expressions(8, 250))
    assert wrote[0] >= 80 and wrote[1] >= 80, wrote


@pytest.mark.slow
def test_many_random_expressions_are_printed_as_sympy_prints_them():
    wrote = _same_as_sympy(_random_expressions(15, 2500))
    assert wrote[0] >= 800 and wrote[1] >= 800, wrote


def test_what_is_left_to_sympy():
    """Parts these printers leave alone: the whole is None (SymPy's printers write it)."""
    x, h = sp.Symbol("x", real=True), sp.Symbol("h", real=True)
    p = sp.Symbol("p", positive=True)
    for e in [sp.Float(1.5) * x + 1, sp.Mul(1, x + 1, evaluate=False), sp.Mul(x, 2, evaluate=False),
              sp.Symbol("x1", real=True) + 1, sp.Dummy("d") + 1, sp.sin(x) + 1, sp.sqrt(x) + 1, sp.Matrix([x, h]),
              sp.Integer(3), x]:
        assert exact_print.expression_latex(e, formatting.ordered_terms) is None, e
        assert exact_print.expression_text(e) is None, e
    for e in [sigma(x) ** 2, 1 / sp.tanh(x) ** 2, x * sp.exp(-p - 1)]:   # (text writes these)
        assert exact_print.expression_latex(e, formatting.ordered_terms) is None, e


def _plain_fresh(v):
    """flowgraph._fresh as first written: every value visited."""
    if isinstance(v, dict):
        return {k: _plain_fresh(x) for k, x in v.items()}
    return [_plain_fresh(x) for x in v] if isinstance(v, list) else v


def _containers(v) -> list:
    if isinstance(v, dict):
        return [v, *(c for x in v.values() for c in _containers(x))]
    return [v, *(c for x in v for c in _containers(x))] if isinstance(v, list) else []


def test_fresh_copies_the_containers_as_the_plain_walk_does():
    """A remembered total_derivative result, copied: equal to the plain walk's copy, every dict and
    list a new one, every other value the same object (40 exam draws, and float points)."""
    td = bank.get("total-derivative")
    for seed in range(40):
        p = td.sample(seed, "exam" if seed % 8 else "drill").params
        r = F._total_derivative(td.module.parse_graph(p["graph"]), td.module.point_values(p["point"]), "x", F.INPUTS)
        copy = F._fresh(r)
        assert copy == _plain_fresh(r)
        old, new = _containers(r), _containers(copy)
        assert len(old) == len(new) > 10 and not {id(c) for c in old} & {id(c) for c in new}
        assert [type(c) for c in old] == [type(c) for c in new]
