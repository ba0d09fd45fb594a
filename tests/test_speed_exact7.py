"""The chain rule's sums as one SymPy Add (chain.totals and chain_sum with flowgraph's `add`),
against the sums taken a term at a time."""
import sympy as sp
from test_speed_td6 import _exam_graphs

from examgen.engine import chain
from examgen.engine import flowgraph as F


def _same(fast, plain):
    assert type(fast) is type(plain) and sp.srepr(fast) == sp.srepr(plain), (fast, plain)
    assert fast == plain and hash(fast) == hash(plain), (fast, plain)


def _plain_totals(nodes, direct, given=None):
    return chain.totals(list(nodes), direct, given, sp.Integer(1), sp.Integer(0))   # summed a term at a time


def test_chain_sums_in_one_add_are_the_pairwise_sums():
    """Every exam graph's totals dy/dv and ∂y/∂x (for every input), also from a given dy/dh, as
    srepr, value and hash of the sums taken a term at a time."""
    h = sp.Symbol("q")
    many = 0
    for i, nodes in enumerate(_exam_graphs()):
        direct = F.partials(nodes)
        for given in (None, {"h": h}) if i % 4 == 0 else (None,):
            if given and not set(given) <= set(nodes):
                continue
            total, plain = F.totals(nodes, direct, given), _plain_totals(nodes, direct, given)
            assert list(total) == list(plain)
            for v in plain:
                _same(total[v], plain[v])
                many += sum(v in ps for ps in direct.values()) > 1
            for wrt in chain.INPUTS:
                _same(F.chain_sum(direct, total, wrt), chain.chain_sum(direct, plain, wrt, sp.Integer(0)))
    assert many > 100   # (sums of two terms or more, where the two ways could differ)


def test_float_sums_unchanged():
    direct = {"g": {"x": 2.0}, "h": {"g": 0.5, "x": 1.0}, "y": {"g": 3.0, "h": -1.0}}
    t = chain.totals(["g", "h", "y"], direct, None, 1.0, 0.0)
    assert t == {"y": 1.0, "h": -1.0, "g": 3.0 - 0.5} and type(chain.chain_sum({"g": {}}, t, "x", 0.0)) is float

