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
