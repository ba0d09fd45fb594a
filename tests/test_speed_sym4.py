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


def test_direct_products_keep_evaluated_path():
    a, b = sp.log(2), sp.Integer(1)  # (`examgen solve` may give other numbers: evaluated as before)
    u = a * I.xi + b
    assert I.sigmoid_derivative_xi(a, b)["expr"] == sp.diff(1 / (1 + sp.exp(-u)), I.xi)
    assert I.softmax_two_class(a, b)["given"] == sp.exp(u) / (sp.exp(u) + sp.exp(-a * I.xi))
