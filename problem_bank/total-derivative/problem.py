"""∂y/∂x on a flow graph by the total derivative rule, with the totals dy/dg and dy/dh graded too.

Seven shapes: the slides' y(g(x, z), h(g, x, z)), a skip connection, a diamond, a σ unit, a ln
unit, and two with a third input w where x fans out into three or four nodes (3- and 4-way
cuts). Exam: integer points and coefficients; the σ units sit at 0 (σ = 1/2, σ′ = 1/4) and the
ln unit keeps its ln out of the derivative, so every value is a small rational.
"""
import ast
import math
import re
from functools import lru_cache

from examgen.engine import chain, exact_print
from examgen.expr import CONSTANTS, FUNCTIONS, check, evaluate, number, parse, parse_number

# SymPy (and the engine's flowgraph, built on it) is imported where the symbolic work is done:
# the grader's error carried forward runs on floats and so never imports it (about 0.5 s).

SHAPES = ("slide", "skip", "diamond", "sigmoid", "log", "fan3", "fan4")
MAX_NODES = 20
MAX_VALUE = 60  # exam: |∂y/∂x| at the point stays a hand-sized number
_NAME = re.compile(r"[A-Za-z][A-Za-z0-9_]*\Z")
_RESERVED = set(FUNCTIONS) | set(CONSTANTS) | {"xi"}


def term(coef, var: str) -> str:
    """'3*x', 'x', '2' for a positive coefficient."""
    if not var:
        return f"{coef:g}"
    return var if coef == 1 else f"{coef:g}*{var}"


def plus(head: str, coef, var: str = "") -> str:
    """'head + 3*x' or 'head - 3*x'."""
    return f"{head} {'-' if coef < 0 else '+'} {term(abs(coef), var)}"


def build(shape: str, a: int, b: int, c: int) -> dict:
    """The graph of one shape with integer coefficients a, b, c (every shape has nodes g and h)."""
    ax_plus_z = plus(term(a, "x") if a > 0 else "-" + term(-a, "x"), 1, "z")
    if shape == "slide":     # y(g(x, z), h(g, x, z)), as on the slides
        return {"g": ax_plus_z, "h": plus("g*x", b, "z"), "y": "g*h"}
    if shape == "skip":      # a chain x → g → h → y and a skip connection x → y
        return {"g": ax_plus_z, "h": "g^2", "y": plus("h", b, "x")}
    if shape == "diamond":   # g feeds both factors of y = u h, and x enters h directly too
        return {"g": ax_plus_z, "u": "g^2", "h": plus("g", b, "x"), "y": "u*h"}
    if shape == "sigmoid":   # y = x σ(g) + a g
        return {"g": plus("x*z", -c), "h": "sigma(g)", "y": plus("x*h", a, "g")}
    if shape == "fan3":      # x feeds g, h and y: a 3-way cut; a third input w
        return {"g": plus(term(a, "x") if a > 0 else "-" + term(-a, "x"), 1, "w"), "h": plus("x*z", b, "g"),
                "y": plus("g*h", c, "x")}
    if shape == "fan4":      # x feeds g, h, u and y: a 4-way cut, with a σ unit at 0
        return {"g": plus("x*w", -c), "h": "sigma(g)", "u": plus(ax_plus_z, 1, "g"), "v": "x*h",
                "y": plus(plus(plus("z*h", 1, "u"), 1, "v"), b, "x")}
    return {"g": plus("x^2", a, "z"), "h": "ln(g)", "y": plus("h", b, "x*g")}  # log


def draw(rng, options):
    import sympy as sp

    shape = rng.choice(SHAPES)
    a, b, c = (int(v) for v in rng.rng.choice([-3, -2, -1, 1, 2, 3], size=3))
    inputs = ("x", "z", "w") if shape.startswith("fan") else ("x", "z")
    if rng.exam:
        point = {k: sp.Integer(int(v)) for k, v in zip(inputs, rng.rng.choice([-2, -1, 1, 2], size=len(inputs)))}
        if shape == "sigmoid":
            c = int(point["x"] * point["z"])  # σ(0) = 1/2 and σ′(0) = 1/4: exact fractions
        if shape == "fan4":
            c = int(point["x"] * point["w"])
    else:
        point = {k: rng.decimals(-2, 2, nonzero=True) for k in inputs}
    p = {"graph": build(shape, a, b, c), "point": point}
    if rng.exam and _too_steep(p):
        raise ValueError("∂y/∂x too large at this point")
    return p


def _too_steep(p) -> bool:
    """|∂y/∂x| > MAX_VALUE at the point: decided in floats by the grader's route (no SymPy, for
    the many draws this rejects) wherever the float is clearly off the bound (its error is of
    the order of 1e-14); a value within 1e-6 of the bound, or none, is left to SymPy's exact one."""
    try:
        names, direct = _at_point(p)
        v = chain.chain_sum(direct, chain.totals(names, direct, None, 1.0, 0.0), "x", 0.0)
    except (ArithmeticError, ValueError, KeyError):
        v = math.nan
    if math.isfinite(v) and abs(abs(v) - MAX_VALUE) > 1e-6:
        return abs(v) > MAX_VALUE
    from examgen.engine import flowgraph

    return abs(flowgraph.total_derivative(parse_graph(p["graph"]), point_values(p["point"]))["dy_dx_at"]) > MAX_VALUE


def parse_graph(graph: dict, inputs=chain.INPUTS) -> dict:
    """{name: SymPy expression in the inputs and the earlier nodes}, in the graph's order."""
    try:
        return dict(_parse_cached(tuple((k, type(v), v) for k, v in graph.items()), tuple(inputs)))
    except (TypeError, AttributeError):  # unhashable or not a dict: say what is wrong
        return dict(_parse(graph, tuple(inputs)))


@lru_cache(maxsize=1024)
def _parse_cached(items: tuple, inputs: tuple):
    return _parse({k: v for k, _, v in items}, inputs)  # the type in the key keeps 1 and 1.0 apart


def _parse(graph, inputs: tuple):
    if not isinstance(graph, dict) or not graph:
        raise ValueError("the graph must be a non-empty JSON object {name: expression}")
    if len(graph) > MAX_NODES:
        raise ValueError(f"the graph has more than {MAX_NODES} nodes")
    nodes: dict = {}
    for name, text in graph.items():
        if not _NAME.match(name) or name in _RESERVED or name in inputs:
            raise ValueError(f"{name!r} cannot name a node (use a letter-led name that is not an "
                             f"input ({', '.join(inputs)}), a function or a constant)")
        nodes[name] = _parse_node(text, tuple(inputs) + tuple(nodes), f"node {name}")
    return tuple(nodes.items())


@lru_cache(maxsize=4096, typed=True)  # typed: the number 1 and 1.0 are different nodes
def _parse_node(text, variables: tuple, what: str):
    """One node's expression (pure, so cached: graphs share most of their nodes)."""
    return parse(text, variables, what=what)


def point_values(point) -> dict:
    """{x, z} as numbers: integers and numeric strings exact, decimals as floats."""
    import sympy as sp

    if not isinstance(point, dict) or "x" not in point:
        raise ValueError('point must be a JSON object giving x (and z, w), e.g. {"x": 1, "z": 2}')
    out = {}
    for k, v in point.items():
        if k not in chain.INPUTS:
            raise ValueError(f"point: unknown input {k!r} (the inputs are {', '.join(chain.INPUTS)})")
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
    import sympy as sp

    from examgen.engine import flowgraph

    point = point_values(p["point"])
    s = flowgraph.total_derivative(parse_graph(p["graph"]), point)
    if "g" not in s["nodes"] or "h" not in s["nodes"]:
        raise ValueError("the graph must have nodes g and h before y (dy/dg and dy/dh are asked)")
    node_tex = {n: _tex(e) for n, e in s["nodes"].items()}
    nt = {n: _tex(flowgraph.symbol(n)) for n in (*flowgraph.INPUTS, *s["nodes"])}  # u1 → u_{1}
    held = [k for k in point if k != "x"]
    shown = [*(d for ps in s["partials"].values() for d in ps.values()), *s["totals"].values(), s["dy_dx_nodes"]]
    dy_dx = flowgraph.display(s["dy_dx"])  # σ, as a student writes it, not exponentials
    return {**s, "dy_dx": dy_dx,
            # the solution's LaTeX pieces, made here once (Jinja's macros are slow): an expanded
            # polynomial as SymPy writes it (the rest: |tex), u(x, z), dy/du (nothing for y itself)
            "poly_tex": {e: t for e in shown if not e.is_number and (t := _polynomial_tex(e)) is not None},
            "fn": {u: f"{nt[u]}({', '.join(nt[v] for v in ps)})" for u, ps in s["partials"].items()},
            "dy_d": {u: "" if u == s["output"] else rf"\frac{{dy}}{{d{nt[u]}}}" for u in s["nodes"]},
            "dy_dg": s["total_values"]["g"], "dy_dh": s["total_values"]["h"],
            # None: the solution's |tex, which writes what _tex does but for a ln or a number, and which
            # the answers table prints too (so SymPy's slow printer runs once)
            "dy_dx_tex": None if not dy_dx.is_number and not dy_dx.has(sp.log) else _tex(s["dy_dx"]),
            "point_values": point, "node_tex": node_tex, "nt": nt,
            "names": list(s["nodes"]), "held": held, "uses_sigma": any("sigma" in t for t in node_tex.values()),
            "allowed": {"dy_dx": {"variables": [k for k in chain.INPUTS if k in point]}}}  # the graph's inputs


@lru_cache(maxsize=4096)
def _tex(e) -> str:
    """LaTeX of an expression with σ shown (pure, so cached: graphs repeat across instances)."""
    from examgen.engine import flowgraph

    fast = _polynomial_tex(e)
    return fast if fast is not None else _latex().doprint(flowgraph.display(e))


# An expanded polynomial (most nodes, and ∂y/∂x on four of the seven shapes) as SymPy's LaTeX writes
# it, without SymPy's slow printer (None for anything else); pure, so cached: graphs share most of
# their partials and totals.
_polynomial_tex = lru_cache(maxsize=4096)(exact_print.polynomial_latex)


@lru_cache(maxsize=None)
def _latex():
    """What sp.latex(e, ln_notation=True) makes on each call, made once."""
    from sympy.printing.latex import LatexPrinter

    return LatexPrinter({"ln_notation": True})


@lru_cache(maxsize=4096)
def _same(a, b) -> bool:
    import sympy as sp

    d = a - b
    # Two expressions that differ at a point differ: settle that cheaply before simplify.
    points = ({s: sp.Rational(k + 2, 3 + j) for j, s in enumerate(sorted(d.free_symbols, key=str))} for k in range(2))
    try:
        if any(abs(complex(d.xreplace(pt).evalf())) > 1e-9 for pt in points):
            return False
    except (TypeError, ValueError, ZeroDivisionError):
        pass  # a point outside the domain (ln of a negative, 1/0): let simplify decide
    return sp.simplify(d) == 0


def _differ_at_point(a, b) -> bool:
    """Exact values of two expressions at the point differ (so the expressions do): most draws are
    settled so, without SymPy. Floats (drill) settle nothing: their rounding differs by route."""
    return getattr(a, "is_Rational", False) is True and getattr(b, "is_Rational", False) is True and a != b


def mistake_path_dropped(p, s):
    from examgen.engine import flowgraph

    wrong = flowgraph.derivative_direct_only(s)
    if not _differ_at_point(wrong["dy_dx_at"], s["dy_dx_at"]) and _same(wrong["dy_dx_nodes"], s["dy_dx_nodes"]):
        return None  # no path runs through a later node: nothing to drop
    return {**wrong, "dy_dx": flowgraph.display(wrong["dy_dx"]), "dy_dg": wrong["total_values"]["g"]}


# Error carried forward: dy/dg from the student's own dy/dh, and ∂y/∂x at the point from their own
# dy/dg and dy/dh (every other total and every partial as the key has them), by the same rule, or
# from their own expression ∂y/∂x, evaluated at the point (the second route, `or_from`).
# In floats and without SymPy: each node is evaluated forward from the point with examgen.expr's
# evaluator, and each partial ∂u/∂v by a complex step, Im u(v + ih)/h, exact to rounding for
# the graph's functions (polynomials, ln, exp, σ, tanh are analytic).
STEP = 1e-20


def _at_point(p):
    """(node names in order, partials {u: {v: ∂u/∂v}} at the point as floats)."""
    graph, point = p["graph"], p["point"]
    env = {k: float(number(v)[0]) if isinstance(v, str) else float(v) for k, v in point.items()}
    names, direct = list(graph), {}
    for name, text in graph.items():
        known = tuple(chain.INPUTS) + tuple(n for n in names if n in env)
        tree, used = _checked_node(str(text), known, f"node {name}")
        direct[name] = {v: evaluate(tree, {**env, v: complex(env[v], STEP)}).imag / STEP for v in used}
        env[name] = evaluate(tree, env).real
    return names, direct


@lru_cache(maxsize=4096)
def _checked_node(text: str, known: tuple, what: str) -> tuple:
    """(a node's checked tree, the variables of `known` it uses directly): pure, so cached."""
    tree = check(text, known, what)
    names = {n.id for n in ast.walk(tree) if isinstance(n, ast.Name)}
    return tree, tuple(v for v in known if v in names)


def carry_dy_dg(p, given):
    names, direct = _at_point(p)
    return float(chain.totals(names, direct, {"h": float(given["dy_dh"])}, 1.0, 0.0)["g"])


def carry_dy_dx_at(p, given):
    if "dy_dx" in given:   # the second route: the student's own ∂y/∂x (a checked expression) at the point
        env = {k: float(number(v)[0]) if isinstance(v, str) else float(v) for k, v in p["point"].items()}
        if not any(isinstance(n, ast.Name) and n.id in env for n in ast.walk(given["dy_dx"])):
            return math.nan   # a constant is nothing to evaluate: writing one number twice earns no carry
        v = evaluate(given["dy_dx"], env)
        return v.real if abs(v.imag) <= 1e-12 * max(1.0, abs(v.real)) else math.nan   # not real: no carry
    names, direct = _at_point(p)
    own = {"h": float(given["dy_dh"]), "g": float(given["dy_dg"])}
    return float(chain.chain_sum(direct, chain.totals(names, direct, own, 1.0, 0.0), "x", 0.0))
