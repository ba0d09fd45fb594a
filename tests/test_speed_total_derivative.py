"""total-derivative's fast exam routes against the engine's SymPy route, over many draws."""
import random

import sympy as sp

from examgen.bank import get
from examgen.engine import flowgraph

MODULE = get("total-derivative").module


def exam_draws(n: int, seed: int = 0):
    """n exam graphs and points, as draw() makes them (with its bound left out)."""
    rng = random.Random(seed)
    for _ in range(n):
        shape = rng.choice(MODULE.SHAPES)
        a, b, c = (rng.choice([-3, -2, -1, 1, 2, 3]) for _ in range(3))
        inputs = ("x", "z", "w") if shape.startswith("fan") else ("x", "z")
        point = {k: sp.Integer(rng.choice([-2, -1, 1, 2])) for k in inputs}
        if shape == "sigmoid":
            c = int(point["x"] * point["z"])
        if shape == "fan4":
            c = int(point["x"] * point["w"])
        yield {"graph": MODULE.build(shape, a, b, c), "point": point}


def sympy_dy_dx_at(p):
    return flowgraph.total_derivative(MODULE.parse_graph(p["graph"]), MODULE.point_values(p["point"]))["dy_dx_at"]


def test_the_float_bound_decides_as_the_exact_value():
    for p in exam_draws(150):
        try:
            exact = sympy_dy_dx_at(p)
        except ValueError:
            continue  # (a ln of a non-positive number: solve refuses the draw whichever route passed it)
        assert MODULE._too_steep(p) == (abs(exact) > MODULE.MAX_VALUE), p


def test_a_value_on_the_bound_is_left_to_sympy(monkeypatch):
    p = {"graph": MODULE.build("slide", 2, -3, 1), "point": {"x": sp.Integer(1), "z": sp.Integer(2)}}
    exact = sympy_dy_dx_at(p)   # 20
    monkeypatch.setattr(MODULE, "MAX_VALUE", abs(exact))
    assert not MODULE._too_steep(p)
    monkeypatch.setattr(MODULE, "MAX_VALUE", abs(exact) - sp.Rational(1, 10**9))
    assert MODULE._too_steep(p)
