"""total-derivative's values at the point, worked directly in fractions, are _polynomial's."""
from fractions import Fraction

import numpy as np
import sympy as sp

from examgen.bank import get
from examgen.engine import flowgraph as fg
from examgen.sampling import Draw


def _plain_rational_at(e, rational: dict):
    """The plain route: e as a constant polynomial (no inputs) of the rational values, summed."""
    poly = fg._polynomial(e, (), {n: {(): v} for n, v in rational.items()})
    if poly is None:
        return None
    c = sum(poly.values())
    return sp.Rational(c.numerator, c.denominator)


def _cases(profile: str, seeds: int):
    """(expression, {name: rational value}) for every node, partial, total (right and path-dropped)
    and ∂y/∂x in node names of the draws of `profile`, at their points."""
    module = get("total-derivative").module
    for seed in range(seeds):
        rng = Draw(np.random.default_rng(seed), profile)
        try:
            p = module.draw(rng, {})
            s = fg.total_derivative(module.parse_graph(p["graph"]), module.point_values(p["point"]))
        except (ValueError, ArithmeticError):
            continue
        rational = fg._rational_values(s["env"])
        wrong = fg.derivative_direct_only(s)
        exprs = [*s["nodes"].values(), *(d for ps in s["partials"].values() for d in ps.values()),
                 *s["totals"].values(), *wrong["totals"].values(), s["dy_dx_nodes"], wrong["dy_dx_nodes"]]
        for e in exprs:
            yield e, rational
        # The same expressions with a node's value missing, and scaled by non-polynomial factors.
        some = dict(list(rational.items())[:-1])
        for e in exprs[:4]:
            yield e, some


def test_values_at_the_point_are_the_plain_polynomials():
    """Every value _rational_at gives (and every None) is the plain constant polynomial's, over
    exam (exact) and drill (float) draws: 150 seeds each."""
    n = {None: 0, "value": 0}
    for profile in ("exam", "drill"):
        for e, rational in _cases(profile, 150):
            fast, plain = fg._rational_at(e, rational), _plain_rational_at(e, rational)
            assert fast == plain and type(fast) is type(plain), (profile, e, rational, fast, plain)
            n["value" if fast is not None else None] += 1
    assert n["value"] > 800 and n[None] > 100, n  # both outcomes are exercised


def test_hand_made_expressions():
    """Powers (x^0, a zero base, negative and fractional exponents), fractions, floats, ln, σ
    and missing names: the plain route's value or None each time."""
    x, z, g, h = (fg.symbol(v) for v in ("x", "z", "g", "h"))
    rational = {"x": Fraction(-3, 2), "z": 0, "g": 2, "h": Fraction(7, 3)}
    exprs = [x**3 * z + g * h - 5, (x + g)**4 / 7, z**2, z**5 * x, sp.Pow(x, 0, evaluate=False),
             sp.Pow(h, 0, evaluate=False) * g, 1 / g, x**sp.Rational(1, 2), sp.Float(1.5) * x,
             sp.log(g) + x, 1 / (1 + sp.exp(-x)), x * fg.symbol("w"), g * h - g * h + 0 * x,
             sp.Rational(-2, 9), sp.Integer(0), (x - sp.Rational(-3, 2)) * h]
    outcomes = set()
    for e in exprs:
        fast, plain = fg._rational_at(e, rational), _plain_rational_at(e, rational)
        assert fast == plain and type(fast) is type(plain), (e, fast, plain)
        outcomes.add(fast is None)
    assert outcomes == {True, False}
