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
