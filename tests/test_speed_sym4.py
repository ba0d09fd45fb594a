"""Fast paths of the symbolic problems against the plain SymPy computation they replace."""
import random

import pytest
import sympy as sp

from examgen import bank
from examgen.engine import identities as I
from examgen.sampling import exact

MODULE = bank.get("activation-identity").module


def _pairs():
    """Every exam (a, b), and drill ones (one-decimal a in [−3, 3] \\ 0, b in [−2, 2]), as identity() takes them."""
    exam = [(exact(a), exact(b)) for a in MODULE.EXAM_A for b in MODULE.EXAM_B]
    rng = random.Random(4)
    drill = [(rng.choice([-1, 1]) * rng.randint(1, 30) / 10, rng.randint(-20, 20) / 10) for _ in range(60)]
    return [(I._number(a), I._number(b)) for a, b in exam + drill]


PAIRS = _pairs()


def _same(fast, plain):
    assert sp.srepr(fast) == sp.srepr(plain) and fast == plain and hash(fast) == hash(plain)


@pytest.mark.parametrize("a, b", PAIRS)
def test_direct_products_are_mul_evaluation(a, b):
    assert not I._evaluate(a, b)  # every draw takes the direct path
    u = a * I.xi + b
    e = I._exp(-u, evaluate=False)
    s = I.sigmoid_derivative_xi(a, b)
    _same(s["expr"], a * e / (1 + e) ** 2)
    _same(s["exp_form"], 1 / (1 + e))
    e1, e2 = I._exp(u, False), I._exp(-a * I.xi, False)
    _same(I.softmax_two_class(a, b)["given"], e1 / (e1 + e2))
    wrong = a * I.OUTER_PRIME["sigmoid-derivative-xi"] * I._S
    _same(I.with_sigma_prime_as_sigma.__wrapped__("sigmoid-derivative-xi", a, b),
          wrong.subs(I._S, I.written_out(u, False)))


def test_direct_products_keep_evaluated_path():
    a, b = sp.log(2), sp.Integer(1)  # (`examgen solve` may give other numbers: evaluated as before)
    u = a * I.xi + b
    assert I.sigmoid_derivative_xi(a, b)["expr"] == sp.diff(1 / (1 + sp.exp(-u)), I.xi)
    assert I.softmax_two_class(a, b)["given"] == sp.exp(u) / (sp.exp(u) + sp.exp(-a * I.xi))


# --- total-derivative: ∂y/∂x in the inputs substitutes only the nodes it uses -------------------
from examgen.engine import flowgraph as F  # noqa: E402

TOTAL = bank.get("total-derivative").module
HAND = [{"g": "x*z", "h": "sigma(g)", "y": "exp(h + x)"},      # ∂y/∂h = y: y itself is substituted
        {"g": "x*z", "u": "ln(g^2 + 1)", "h": "tanh(g)", "y": "u + h*x"}]  # a node between


def _non_polynomial_graphs():
    """Every exam graph of the σ and ln shapes (c is x·z there), every fourth of fan4's, and HAND."""
    coefs = (-3, -2, -1, 1, 2, 3)
    for a in coefs:
        for c in (-4, -2, -1, 1, 2, 4):
            yield TOTAL.parse_graph(TOTAL.build("sigmoid", a, 1, c))
        yield TOTAL.parse_graph(TOTAL.build("log", a, c, 1))
    for i, (a, b, c) in enumerate((a, b, c) for a in coefs for b in coefs for c in (-4, -2, -1, 1, 2, 4)):
        if i % 4 == 0:
            yield TOTAL.parse_graph(TOTAL.build("fan4", a, b, c))
    yield from (TOTAL.parse_graph(g) for g in HAND)


def test_in_inputs_substitutes_the_used_prefix_as_every_node():
    shorter = 0
    for nodes in _non_polynomial_graphs():
        _, direct, total = F._symbolic(nodes, F.INPUTS)
        full = {F.symbol(n): f for n, f in F.compose(nodes).items()}
        for totals in (total, F.totals_direct_only(nodes, direct)):
            dn = F.chain_sum(direct, totals)
            plain = F.tidy(dn.xreplace(full))
            _same(F._in_inputs.__wrapped__(dn, tuple(nodes.items()), F.INPUTS), plain)
            shorter += len(F._used_prefix(dn, tuple(nodes.items()))) < len(nodes)
    assert shorter > 100   # (the output's composition is left out on most)
    uses_y = F.chain_sum(*F._symbolic(TOTAL.parse_graph(HAND[0]), F.INPUTS)[1:])
    assert F.symbol("y") in uses_y.free_symbols   # (so HAND[0] checks the whole graph's case)
