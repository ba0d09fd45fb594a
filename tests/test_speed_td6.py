"""total-derivative's fast paths (stop 14, td6) against the plain SymPy computation they replace."""
import random
from fractions import Fraction

import sympy as sp

from examgen.engine import flowgraph as F


def _same(fast, plain):
    assert sp.srepr(fast) == sp.srepr(plain) and fast == plain and hash(fast) == hash(plain), (fast, plain)


def _evaluated(poly: dict, inputs: tuple):
    """A polynomial {exponents: coefficient} built by Add's and Mul's evaluation."""
    gens = [F.symbol(v) for v in inputs]
    return sp.Add(*(sp.Mul(sp.Rational(c.numerator, c.denominator), *(g**k for g, k in zip(gens, m)))
                    for m, c in poly.items()))


def test_expanded_is_add_and_mul_evaluation():
    rng = random.Random(6)
    names = ("g", "h", "u", "v", "w", "x", "z")   # the nodes' and inputs' names (_diff's `used` has both)
    coefs = [-36, -12, -3, -2, -1, 1, 2, 3, 5, 18, Fraction(1, 2), Fraction(-3, 4)]
    for _ in range(500):
        inputs = tuple(rng.sample(names, rng.randint(1, 4)))
        poly = {tuple(rng.randint(0, 4) for _ in inputs): rng.choice(coefs) for _ in range(rng.randint(0, 7))}
        _same(F._expanded(poly, inputs), _evaluated(poly, inputs))
    _same(F._expanded({(0, 0): 0}, ("x", "z")), sp.Integer(0))   # (_polynomial's value of the number 0)


UNITS = ["sigma(g)", "sigma(x*z - 2)", "sigma(2*g)", "sigma(g - x)", "sigma(-g)", "sigma(x*w + 3)", "sigma(g + h)",
         "tanh(x)", "tanh(x + z)", "tanh(3*x)", "tanh(g - z)", "exp(x)", "exp(x*z + 1)", "exp(-x)", "exp(g + x/2)",
         "1/(1 + exp(x))", "1/(1 + exp(-g))", "ln(g)", "x*sigma(g)", "g^2"]


def test_a_units_partial_is_its_form_without_differentiating():
    from examgen.expr import parse

    shortcut = 0
    for text in UNITS:
        e = parse(text, ("x", "z", "w", "g", "h"))
        used = F._used(e, ("g", "h", "x", "z", "w"))
        for v in used:
            plain = F.own_output_form("u", e, sp.diff(e, F.symbol(v)))   # the search, from SymPy's diff
            _same(F._own_partial("u", e, v, used), plain)
            shortcut += F._unit_form("u", e, v) is not None
    assert shortcut == 11   # (the rest are differentiated: ∂A/∂v ≠ 1, or not a unit)


def _exam_graphs():
    """Every exam graph (every shape, every a, b, c; c is x·z or x·w in the σ shapes, so in ±{1, 2, 4})."""
    from examgen import bank

    td = bank.get("total-derivative").module
    coefs = (-3, -2, -1, 1, 2, 3)
    graphs = {}
    for shape in td.SHAPES:
        for a in coefs:
            for b in coefs:
                for c in ((-4, -2, -1, 1, 2, 4) if shape in ("sigmoid", "fan4") else coefs):
                    g = td.build(shape, a, b, c)
                    graphs[tuple(g.items())] = g
    return [td.parse_graph(g) for g in graphs.values()]


def test_substituted_is_xreplace():
    """compose's walk against xreplace: every exam graph's nodes (each node of each graph once), hand
    cases whose e^P keeps exp's evaluation (a constant, a float, a log, iπ, a non-polynomial P)."""
    from examgen.expr import parse

    variables = ("x", "z", "w", "g", "h")
    composed, fast = {}, 0   # {the graph's nodes up to one: that node in the inputs} (graphs share most)
    for nodes in _exam_graphs():
        items = tuple(nodes.items())
        for i, (_, e) in enumerate(items):
            if items[:i + 1] not in composed:
                rule = {F.symbol(n): composed[items[:j + 1]] for j, (n, _) in enumerate(items[:i])}
                composed[items[:i + 1]] = plain = e.xreplace(rule)
                _same(F._substituted(e, rule)[0], plain)
                fast += any(isinstance(f, sp.exp) and F._nonconstant_polynomial(f.args[0])
                            for f in sp.preorder_traversal(plain))
    assert fast >= 12   # (the σ nodes of the sigmoid and fan4 shapes)
    g, h = F.symbol("g"), F.symbol("h")
    for text, value in [("sigma(g)", 0), ("sigma(g)", 2), ("sigma(g)", sp.Float(1.5)), ("exp(g)", sp.log(3) + F.symbol("x")),
                        ("exp(g)", sp.pi * sp.I), ("exp(g*h)", sp.log(2)), ("exp(g)", 1 / F.symbol("x")),
                        ("exp(g)", F.symbol("x") + sp.Rational(1, 2)), ("exp(g)", sp.Symbol("x", zero=True)),
                        ("exp(g)", 2.5 * F.symbol("x")), ("sigma(g) + h", F.symbol("x") ** 2)]:
        e = parse(text, variables)
        for rule in ({g: value}, {g: value, h: F.symbol("z")}, {}):
            _same(F._substituted(e, rule)[0], e.xreplace(rule))
