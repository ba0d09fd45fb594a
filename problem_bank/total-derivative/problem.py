"""∂y/∂x on a flow graph by the total derivative rule. Exam: integer points and coefficients;
the σ graph puts its σ at 0 and the ln graph keeps its ln out of the derivative, so answers are
rational."""
import math
from functools import lru_cache

import sympy as sp

from examgen.bank import DEFAULT_ATOL, DEFAULT_RTOL
from examgen.compare import all_close
from examgen.engine import flowgraph
from examgen.expr import parse_number

SHAPES = ("slide", "skip", "diamond", "sigmoid", "log")


def term(coef, var: str) -> str:
    """'3*x', 'x', '2' for a positive coefficient."""
    if not var:
        return f"{coef:g}"
    return var if coef == 1 else f"{coef:g}*{var}"


def plus(head: str, coef, var: str = "") -> str:
    """'head + 3*x' or 'head - 3*x'."""
    return f"{head} {'-' if coef < 0 else '+'} {term(abs(coef), var)}"


def build(shape: str, a: int, b: int, c: int) -> dict:
    """The graph of one shape with integer coefficients a, b, c."""
    ax_plus_z = plus(term(a, "x") if a > 0 else "-" + term(-a, "x"), 1, "z")
    if shape == "slide":     # y(g(x, z), h(g, x, z)), as on the slides
        return {"g": ax_plus_z, "h": plus("g*x", b, "z"), "y": "g*h"}
    if shape == "skip":      # a chain x → g → h → y and a skip connection x → y
        return {"g": ax_plus_z, "h": "g^2", "y": plus("h", b, "x")}
    if shape == "diamond":   # u feeds both factors of y = g h, and x enters h directly too
        return {"u": ax_plus_z, "g": "u^2", "h": plus("u", b, "x"), "y": "g*h"}
    if shape == "sigmoid":   # y = x σ(g) + a g
        return {"g": plus("x*z", -c), "h": "sigma(g)", "y": plus("x*h", a, "g")}
    return {"g": plus("x^2", a, "z"), "h": "ln(g)", "y": plus("h", b, "x*g")}  # log


def sample(draw, options):
    shape = draw.choice(SHAPES)
    while True:
        a, b, c = (int(v) for v in draw.rng.choice([-3, -2, -1, 1, 2, 3], size=3))
        if draw.exam:
            x0, z0 = (int(v) for v in draw.rng.choice([-2, -1, 1, 2], size=2))
            point = {"x": sp.Integer(x0), "z": sp.Integer(z0)}
            if shape == "sigmoid":
                c = x0 * z0  # σ(0) = 1/2 and σ′(0) = 1/4: exact fractions
        else:
            point = {"x": draw.decimals(-2, 2, nonzero=True), "z": draw.decimals(-2, 2, nonzero=True)}
        p = {"graph": build(shape, a, b, c), "point": point}
        try:   # the engine's values only (no LaTeX) while rejecting; its symbolic work is cached
            s = flowgraph.total_derivative(p["graph"], point_values(point))
        except ValueError:   # ln of a non-positive number at this point
            continue
        wrong = (mistake_path_dropped(p, s) or s)["dy_dx_at"]
        if abs(float(s["dy_dx_at"])) <= 60 and not all_close(wrong, s["dy_dx_at"], DEFAULT_RTOL, DEFAULT_ATOL):
            return p


def point_values(point) -> dict:
    """{x, z} as numbers: integers and numeric strings exact, decimals as floats."""
    if not isinstance(point, dict) or "x" not in point:
        raise ValueError('point must be a JSON object giving x (and z), e.g. {"x": 1, "z": 2}')
    out = {}
    for k, v in point.items():
        if k not in flowgraph.INPUTS:
            raise ValueError(f"point: unknown input {k!r} (the inputs are x and z)")
        if isinstance(v, bool) or not isinstance(v, (int, float, str, sp.Basic)):
            raise ValueError(f"point: {k} must be a number")
        if isinstance(v, float) and not math.isfinite(v):
            raise ValueError(f"point: {k} must be finite")
        out[k] = parse_number(v, f"point {k}") if isinstance(v, str) else sp.Integer(v) if isinstance(v, int) else v
    return out


def validate(p):
    graph = p["graph"]
    if not isinstance(graph, dict) or not graph:
        raise ValueError('graph must be a JSON object {name: expression}, e.g. {"g": "x*z", "y": "g^2"}')
    if list(graph)[-1] != "y":
        raise ValueError("the graph's last node must be the output y")
    for name, text in graph.items():
        if isinstance(text, bool) or not isinstance(text, (str, int, float)):
            raise ValueError(f"graph: node {name} must be an expression string")
    point_values(p["point"])


def solve(p):
    point = point_values(p["point"])
    s = flowgraph.total_derivative(p["graph"], point)
    node_tex = {n: _tex(e) for n, e in s["nodes"].items()}
    nt = {n: _tex(flowgraph.symbol(n)) for n in (*flowgraph.INPUTS, *s["nodes"])}  # u1 → u_{1}
    dy_dx_tex = _tex(s["dy_dx"])
    return {**s, "point_values": point, "node_tex": node_tex, "dy_dx_tex": dy_dx_tex, "nt": nt, "names": list(s["nodes"]),
            "uses_sigma": any("sigma" in t for t in node_tex.values())}


@lru_cache(maxsize=4096)
def _tex(e) -> str:
    """LaTeX of an expression with σ shown (pure, so cached: graphs repeat across instances)."""
    return sp.latex(flowgraph.display(e), ln_notation=True)


@lru_cache(maxsize=4096)
def _same(a, b) -> bool:
    d = a - b
    # Two expressions that differ at a point differ: settle that cheaply before simplify.
    points = ({s: sp.Rational(k + 2, 3 + j) for j, s in enumerate(sorted(d.free_symbols, key=str))} for k in range(2))
    try:
        if any(abs(complex(d.subs(pt).evalf())) > 1e-9 for pt in points):
            return False
    except (TypeError, ValueError, ZeroDivisionError):
        pass  # a point outside the domain (ln of a negative, 1/0): let simplify decide
    return sp.simplify(d) == 0


def mistake_path_dropped(p, s):
    wrong = flowgraph.derivative_direct_only(s)
    if _same(wrong["dy_dx_nodes"], s["dy_dx_nodes"]):
        return None  # no path runs through a later node: nothing to drop
    return wrong
