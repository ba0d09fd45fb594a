"""total-derivative's fast exam routes against the engine's SymPy route, over many draws."""
import random

import sympy as sp

from examgen import formatting
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


def graph_expressions(n: int):
    """Every expression of n exam graphs (nodes, partials, totals, ∂y/∂x, right and path-dropped)
    with each ∂y/∂x in the nodes and the graph's nodes in the inputs."""
    for p in exam_draws(n, seed=1):
        nodes = MODULE.parse_graph(p["graph"])
        _, direct, total = flowgraph._symbolic(nodes, flowgraph.INPUTS)
        exprs = [*nodes.values(), *(d for ps in direct.values() for d in ps.values())]
        for totals in (total, flowgraph.totals_direct_only(nodes, direct)):
            exprs += [*totals.values()]
            yield exprs, flowgraph.chain_sum(direct, totals), nodes


def test_the_polynomial_route_builds_what_xreplace_and_expand_build():
    hand = [({"g": "x/2 + 3*z", "h": "g^3 - x*z/3", "y": "g*h - 2"}, None),   # fractions, a cube
            ({"g": "x*z", "h": "g + w^2", "y": "h^2 - g/5"}, None)]
    cases = [(dn, nodes) for _, dn, nodes in graph_expressions(120)]
    for graph, _ in hand:
        nodes = MODULE.parse_graph(graph)
        _, direct, total = flowgraph._symbolic(nodes, flowgraph.INPUTS)
        cases.append((flowgraph.chain_sum(direct, total), nodes))
    fast = 0
    for dn, nodes in cases:
        full = flowgraph.compose(nodes)
        old = flowgraph.tidy(dn.xreplace({flowgraph.symbol(n): f for n, f in full.items()}))
        new = flowgraph._in_inputs.__wrapped__(dn, tuple(nodes.items()), flowgraph.INPUTS)
        assert new == old and sp.srepr(new) == sp.srepr(old), (dn, nodes)
        fast += flowgraph._polynomial(dn, flowgraph.INPUTS, {n: flowgraph._polynomial(f, flowgraph.INPUTS, {})
                                                             for n, f in full.items()}) is not None
    assert fast > len(cases) / 2   # (four of the seven shapes, and the hand cases)


def test_the_polynomial_printer_writes_what_sympy_writes():
    rng = random.Random(2)
    syms = sp.symbols("A Z a b g h u v w x z", real=True)   # (capitals sort before small letters)
    exprs = [e for es, _, _ in graph_expressions(60) for e in es]
    for _ in range(300):   # random expanded polynomials: signs, powers, constants, `2 - x`
        terms = [rng.choice([-12, -3, -2, -1, 1, 2, 3, 5])
                 * sp.Mul(*[s ** rng.choice([1, 1, 2, 3]) for s in rng.sample(syms, rng.randint(0, 3))])
                 for _ in range(rng.randint(1, 4))]
        exprs.append(sp.expand(sp.Add(*terms)))
    printed = 0
    for e in exprs:
        fast = MODULE._polynomial_tex(e)
        if fast is not None:
            printed += 1
            assert fast == MODULE._latex().doprint(e) == formatting.latex(e), e   # (solution.md's |tex)
    assert printed > len(exprs) / 2
    assert MODULE._polynomial_tex(2 - syms[9]) == "2 - x" and MODULE._polynomial_tex(sp.Integer(-3)) == "-3"
    assert MODULE._polynomial_tex(syms[9] * (syms[10] + 1)) is None   # a product of a sum: SymPy's own layout


def test_values_in_fractions_are_what_xreplace_gives():
    for p in exam_draws(80, seed=3):
        try:
            s = flowgraph.total_derivative(MODULE.parse_graph(p["graph"]), MODULE.point_values(p["point"]))
        except ValueError:
            continue
        env = {flowgraph.symbol(k): v for k, v in MODULE.point_values(p["point"]).items()}
        for name, e in s["nodes"].items():   # the node values, as xreplace finds them
            env[flowgraph.symbol(name)] = flowgraph._node_value(name, e.xreplace(env))
        assert env == s["env"]
        wrong = flowgraph.derivative_direct_only(s)
        for e in [*(d for ps in s["partials"].values() for d in ps.values()), *s["totals"].values(),
                  *wrong["totals"].values(), s["dy_dx_nodes"], wrong["dy_dx_nodes"]]:
            old = flowgraph._closed_form(e.xreplace(env))
            assert flowgraph.at_point(e, env) == old and type(flowgraph.at_point(e, env)) is type(old), (p, e)


def test_the_solution_writes_dy_dx_as_the_problems_own_printer_does():
    from examgen import render

    problem = get("total-derivative")
    graphs = [({"g": "x*z", "h": "ln(g)", "y": "x*h"}, r"\ln{\left("),     # a ln in ∂y/∂x: _tex's ln
              ({"g": "x - 2*z", "h": "g/4", "y": "h - x"}, r"= - \frac{3}{4}.$$")]  # a number: SymPy's sign
    insts = [problem.from_params({"graph": g, "point": {"x": 1, "z": 2}}) for g, _ in graphs]
    insts += [problem.sample(seed) for seed in range(25)]
    for i, inst in enumerate(insts):
        shown = render.solution(inst)
        inst.values["dy_dx_tex"] = MODULE._tex(inst.values["dy_dx"])   # as every solution wrote it before
        assert render.solution(inst) == shown
        if i < len(graphs):
            assert graphs[i][1] in shown, shown


def test_partials_of_expanded_polynomials_are_what_sp_diff_gives():
    rng = random.Random(4)
    syms = sp.symbols("g h u v w x z", real=True)
    names = tuple(s.name for s in syms)
    exprs = [e for p in exam_draws(60, seed=5) for e in MODULE.parse_graph(p["graph"]).values()]
    for _ in range(60):   # random expanded polynomials, with fractions
        exprs.append(sp.expand(sp.Add(*[sp.Rational(rng.choice([-12, -3, -1, 1, 2, 5]), rng.choice([1, 1, 2, 3]))
                                        * sp.Mul(*[s ** rng.choice([1, 1, 2, 3]) for s in rng.sample(syms, rng.randint(0, 3))])
                                        for _ in range(rng.randint(1, 4))])))
    exprs += [syms[5] ** 2 * (syms[0] + 1), 1 / (1 + sp.exp(-syms[0]))]   # SymPy's own diff
    for e in exprs:
        used = flowgraph._used(e, names)
        for v in used:
            fast, slow = flowgraph._diff(e, v, used), sp.diff(e, flowgraph.symbol(v))
            assert fast == slow and sp.srepr(fast) == sp.srepr(slow), (e, v)
