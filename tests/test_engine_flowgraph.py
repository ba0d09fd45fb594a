"""Flow graphs: the total derivative rule against SymPy's direct differentiation, hand cases."""
import itertools
import json
import random
import re
import subprocess

import pytest
import sympy as sp

from examgen import formatting
from examgen.bank import get
from examgen.engine import flowgraph, identities
from examgen.errors import ExamgenError
from examgen.expr import parse

x, z, w = (sp.Symbol(n, real=True) for n in "xzw")
R = sp.Rational
PROBLEM = get("total-derivative")


def sigma(v):
    return 1 / (1 + sp.exp(-v))


def composed(shape, a, b, c):
    """y(x, z) of each graph shape, written out by hand (independently of the engine)."""
    if shape == "slide":
        g = a * x + z
        return g * (g * x + b * z)
    if shape == "skip":
        return (a * x + z) ** 2 + b * x
    if shape == "diamond":
        u = a * x + z
        return u**2 * (u + b * x)
    if shape == "sigmoid":
        g = x * z - c
        return x * sigma(g) + a * g
    if shape == "fan3":   # x → g, h, y
        g = a * x + w
        return g * (x * z + b * g) + c * x
    if shape == "fan4":   # x → g, u, v, y
        g = x * w - c
        return z * sigma(g) + (a * x + z + g) + x * sigma(g) + b * x
    g = x**2 + a * z
    return sp.log(g) + b * x * g


def same_number(a, b) -> bool:
    """Two exact numbers are equal: rationals exactly, anything else (σ at a point) to 50 digits."""
    a, b = sp.sympify(a), sp.sympify(b)
    if a.is_Rational and b.is_Rational:
        return a == b
    return abs(complex(sp.N(a - b, 50))) < 1e-40


def equal(e1, e2) -> bool:
    """Equal expressions: numerically at random points, then exactly for polynomials."""
    rng = random.Random(0)
    d = identities.expand_sigma(e1 - e2)  # σ as the engine's class or as parsed: both written out
    for _ in range(5):
        at = {x: rng.uniform(0.5, 2), z: rng.uniform(0.5, 2), w: rng.uniform(0.5, 2)}
        if abs(complex(d.evalf(subs=at))) > 1e-9:
            return False
    return sp.expand(d) == 0 if d.is_polynomial(x, z, w) else True


COEFFICIENTS = [-3, -2, -1, 1, 2, 3]


def total_derivative(graph, point):
    """The engine on a text graph, parsed as the problem parses it."""
    return flowgraph.total_derivative(PROBLEM.module.parse_graph(graph), point)


def _cases(shape):
    """12 random (a, b, c, point) for a shape, always the same (SymPy differentiates each directly)."""
    rng = random.Random(shape)
    for _ in range(12):
        a, b, c = (rng.choice(COEFFICIENTS) for _ in range(3))
        yield a, b, c, {"x": rng.choice([1, 2, 3]), "z": rng.choice([1, 2, 3]), "w": rng.choice([-1, 1, 2])}


@pytest.mark.parametrize("half", [0, 1])  # the cases split in two, so test workers share them
@pytest.mark.parametrize("shape", ["slide", "skip", "diamond", "sigmoid", "log", "fan3", "fan4"])
def test_total_derivative_rule_equals_direct_differentiation(shape, half):
    for a, b, c, point in list(_cases(shape))[half::2]:
        if shape == "log" and point["x"] ** 2 + a * point["z"] <= 0:
            continue  # ln undefined there
        graph = PROBLEM.module.build(shape, a, b, c)
        r = total_derivative(graph, point)
        expected = sp.diff(composed(shape, a, b, c), x)
        assert equal(r["dy_dx"], expected), (graph, r["dy_dx"], expected)
        at = {x: point["x"], z: point["z"], w: point["w"]}
        assert same_number(r["dy_dx_at"], expected.subs(at)), (graph, point)
        # the wrong answer (a path dropped) really differs from the right one here
        wrong = flowgraph.derivative_direct_only(r)
        assert not equal(wrong["dy_dx"], expected), graph


def test_polynomial_answers_are_exactly_equal_after_simplify():
    for a, b in itertools.product([-2, 1, 3], [-1, 2]):
        graph = PROBLEM.module.build("diamond", a, b, 0)
        r = total_derivative(graph, {"x": 1, "z": 1})
        assert sp.simplify(r["dy_dx"] - sp.diff(composed("diamond", a, b, 0), x)) == 0


def test_float_point_gives_a_float_that_matches():
    graph = PROBLEM.module.build("sigmoid", 2, 1, 1)
    r = total_derivative(graph, {"x": 0.7, "z": -1.3})
    expected = float(sp.diff(composed("sigmoid", 2, 1, 1), x).subs({x: 0.7, z: -1.3}))
    assert isinstance(r["dy_dx_at"], float) and r["dy_dx_at"] == pytest.approx(expected, rel=1e-12)


def test_slide_form_by_hand():
    # g = xz = 2, h = g + x² = 3, y = g h at (1, 2)
    # ∂g/∂x = z = 2, ∂h/∂g = 1, ∂h/∂x = 2x = 2; dy/dh = g = 2, dy/dg = h + g = 5
    # ∂y/∂x = (dy/dg)(∂g/∂x) + (dy/dh)(∂h/∂x) = 5·2 + 2·2 = 14; y = x²z² + x³z → 2xz² + 3x²z
    r = total_derivative({"g": "x*z", "h": "g + x^2", "y": "g*h"}, {"x": 1, "z": 2})
    g, h = sp.Symbol("g", real=True), sp.Symbol("h", real=True)
    assert r["values"] == {"g": 2, "h": 3, "y": 6}
    assert r["partials"]["h"] == {"g": 1, "x": 2 * x}
    assert r["totals"] == {"y": 1, "h": g, "g": g + h}
    assert r["total_values"] == {"y": 1, "h": 2, "g": 5}
    assert r["dy_dx_at"] == 14
    assert sp.expand(r["dy_dx"] - (2 * x * z**2 + 3 * x**2 * z)) == 0
    # dropping the path g → h → y: (∂y/∂g)(∂g/∂x) + (dy/dh)(∂h/∂x) = h·z + g·2x = 6 + 4 = 10
    assert flowgraph.derivative_direct_only(r)["dy_dx_at"] == 10


def test_fan_out_graph_by_hand_with_graded_totals():
    # fan3 with a = 2, b = 1, c = −3 at (x, z, w) = (1, 2, −1): g = 2x + w = 1, h = xz + g = 3, y = g h − 3x
    # dy/dh = g = 1; dy/dg = h + (dy/dh)(∂h/∂g) = 3 + 1 = 4
    # ∂y/∂x = (dy/dg)·2 + (dy/dh)·z + (−3) = 8 + 2 − 3 = 7  (a 3-way cut: x → g, h, y)
    inst = PROBLEM.from_params({"graph": PROBLEM.module.build("fan3", 2, 1, -3), "point": {"x": 1, "z": 2, "w": -1}})
    assert (inst.values["dy_dh"], inst.values["dy_dg"], inst.values["dy_dx_at"]) == (1, 4, 7)
    assert inst.values["feeds"]["x"] == ["g", "h", "y"]
    # dropping the path g → h → y gives dy/dg = h = 3
    assert PROBLEM.module.mistake_path_dropped(inst.params, inst.values)["dy_dg"] == 3


@pytest.mark.parametrize("profile", ["exam", "drill"])
def test_carried_totals_in_floats_equal_sympys_on_the_banks_graphs(profile):
    # The grader's carry works each partial by a complex step on examgen.expr's evaluator (no
    # SymPy); SymPy's derivatives at the point, summed by the same rule, are the reference.
    m, rng = PROBLEM.module, random.Random(7)
    for seed in range(40):
        inst = PROBLEM.sample(seed, profile)
        params = {"graph": inst.params["graph"], "point": {k: float(v) for k, v in inst.params["point"].items()}}
        r = total_derivative(params["graph"], params["point"])
        own = {"h": rng.choice([-3.5, -1.0, 0.5, 2.0, 7.0]), "g": rng.choice([-2.0, 1.5, 4.0])}
        want_g = float(flowgraph.totals(r["nodes"], r["partial_values"], {"h": own["h"]})["g"])
        want_x = float(flowgraph.chain_sum(r["partial_values"], flowgraph.totals(r["nodes"], r["partial_values"], own)))
        assert m.carry_dy_dg(params, {"dy_dh": own["h"]}) == pytest.approx(want_g, rel=1e-12, abs=1e-12), seed
        got_x = m.carry_dy_dx_at(params, {"dy_dh": own["h"], "dy_dg": own["g"]})
        assert got_x == pytest.approx(want_x, rel=1e-12, abs=1e-12), seed


def test_totals_worked_on_from_a_students_own_dy_dh_by_hand():
    # The slide graph at (1, 2) (above): with the right dy/dh = 2 the totals are the key's; a
    # student who found dy/dh = 4 works on to dy/dg = h + 4·(∂h/∂g = 1) = 7 and then
    # ∂y/∂x = 7·2 + 4·2 = 22, which is what the grader accepts as carried.
    r = total_derivative({"g": "x*z", "h": "g + x^2", "y": "g*h"}, {"x": 1.0, "z": 2.0})
    values = r["partial_values"]

    def totals(dy_dh):
        return {v: float(t) for v, t in flowgraph.totals(r["nodes"], values, {"h": dy_dh}).items()}

    assert totals(2.0) == {"y": 1, "h": 2, "g": 5}
    own = totals(4.0)
    assert own == {"y": 1, "h": 4, "g": 7}
    assert float(flowgraph.chain_sum(values, own, "x")) == 22
    m = PROBLEM.module
    params = {"graph": {"g": "x*z", "h": "g + x^2", "y": "g*h"}, "point": {"x": 1.0, "z": 2.0}}
    assert m.carry_dy_dg(params, {"dy_dh": 4.0}) == 7
    assert m.carry_dy_dx_at(params, {"dy_dh": 4.0, "dy_dg": 7.0}) == 22
    # dy/dg taken as given too (a slip in dy/dg alone): ∂y/∂x = 6·2 + 2·2 = 16
    assert m.carry_dy_dx_at(params, {"dy_dh": 2.0, "dy_dg": 6.0}) == 16


def test_the_key_writes_sigma_not_exponentials():
    inst = PROBLEM.from_params({"graph": {"g": "x*z - 2", "h": "sigma(g)", "y": "x*h + 3*g"}, "point": {"x": 1, "z": 2}})
    text = formatting.text(inst.values["dy_dx"])
    assert "sigma(" in text and "exp" not in text


def test_sigmoid_graph_by_hand():
    # g = xz − 2 = 0 at (1, 2): h = σ(0) = 1/2, ∂h/∂g = h(1 − h) = 1/4
    # y = x h + 3g: dy/dh = x = 1, dy/dg = x·h(1 − h) + 3 = 13/4; ∂y/∂x = h + (13/4) z = 1/2 + 13/2 = 7
    r = total_derivative({"g": "x*z - 2", "h": "sigma(g)", "y": "x*h + 3*g"}, {"x": 1, "z": 2})
    h = sp.Symbol("h", real=True)
    assert r["values"]["h"] == R(1, 2)
    assert r["partials"]["h"] == {"g": h * (1 - h)}
    assert r["total_values"]["g"] == R(13, 4)
    assert r["dy_dx_at"] == 7


def test_derivatives_are_written_with_the_nodes_own_output():
    r = total_derivative({"a": "sigma(x)", "b": "tanh(x)", "c": "exp(x)", "y": "a + b + c"},
                                   {"x": 0, "z": 0})
    a, b, c = (sp.Symbol(n, real=True) for n in "abc")
    assert r["partials"]["a"]["x"] == a * (1 - a)
    assert r["partials"]["b"]["x"] == 1 - b**2
    assert r["partials"]["c"]["x"] == c
    assert r["dy_dx_at"] == R(1, 4) + 1 + 1


def test_answer_text_parses_back_to_the_same_expression():
    cases = [PROBLEM.sample(seed, profile) for seed in range(15) for profile in ("exam", "drill")]
    cases.append(PROBLEM.from_params({"graph": {"g": "exp(1)*x*z", "h": "g^2", "y": "h + pi*x"}, "point": {"x": 1, "z": 1}}))
    cases.append(PROBLEM.from_params({"graph": {"g": "exp(1)*x", "h": "g*z", "y": "h"}, "point": {"x": 1, "z": 1}}))  # e z
    for inst in cases:
        v = inst.values["dy_dx"]
        again = parse(formatting.text(v), ("x", "z", "w"))
        assert equal(again, v), formatting.text(v)
        assert json.loads(json.dumps(inst.answers_exact_json()))["dy_dx"] == formatting.text(v)


@pytest.mark.parametrize("graph, point, message", [
    ({"g": "x*z", "h": "g^2"}, {"x": 1, "z": 2}, "last node must be the output y"),
    ({"exp": "x*z", "y": "exp^2"}, {"x": 1, "z": 2}, "cannot name a node"),
    ({"x": "z^2", "y": "x"}, {"x": 1, "z": 2}, "cannot name a node"),
    ({"g": "h*x", "h": "x", "y": "g*h"}, {"x": 1, "z": 2}, "unknown name 'h'"),
    ({"g": "x*z", "y": "g"}, {"z": 2}, "giving x"),
    ({"g": "x*z", "y": "g"}, {"x": 1, "v": 2}, "unknown input 'v'"),
    ({"g": "x*z", "y": "g"}, {"x": 1, "z": 2}, "nodes g and h"),
    ({"g": "x - z", "y": "ln(g)"}, {"x": 1, "z": 2}, "not a finite real number"),
    ({"g": "x*z", "y": "g"}, {"x": 1}, "needs z"),
    ({"g": "x*z", "y": "import os"}, {"x": 1, "z": 2}, "node y"),
])
def test_bad_graphs_are_refused_clearly(graph, point, message):
    with pytest.raises(ExamgenError, match=message):
        PROBLEM.from_params({"graph": graph, "point": point})


def test_cli_solves_the_slide_form():
    params = {"graph": {"g": "x*z", "h": "g + x^2", "y": "g*h"}, "point": {"x": 1, "z": 2}}
    out = subprocess.run(["examgen", "solve", "total-derivative", "--params", "-", "--json"],
                         input=json.dumps(params), capture_output=True, text=True)
    assert out.returncode == 0, out.stderr
    answers = json.loads(out.stdout)["answers"]
    assert answers["dy_dx_at"] == 14
    assert sp.expand(parse(answers["dy_dx"], ("x", "z")) - (2 * x * z**2 + 3 * x**2 * z)) == 0


# --- the shortcuts that keep SymPy's slow steps (search, pattern matching, simplify) off the
# exam path give exactly what those steps give -------------------------------------------------
SHORTCUT_NODES = ["sigma(g)", "sigma(x*z - 2)", "sigma(2*g)", "sigma(g - x)", "sigma(-g)", "tanh(x)",
                  "tanh(x + z)", "tanh(3*x)", "exp(x)", "exp(x*z + 1)", "exp(-x)", "1/(1 + exp(x))"]


@pytest.mark.parametrize("text", SHORTCUT_NODES)
def test_own_output_forms_read_off_the_structure_are_the_ones_the_search_finds(text):
    e = parse(text, ("x", "z", "g"))
    for v in sorted(map(str, e.free_symbols)):
        partial = sp.diff(e, flowgraph.symbol(v))
        assert flowgraph.own_output_form("u", e, partial, v) == flowgraph.own_output_form("u", e, partial), (text, v)


def _matched(e):
    a = sp.Wild("a")
    return e.replace(1 / (1 + sp.exp(-a)), identities.sigma(a))


def test_sigma_shown_without_pattern_matching_is_what_the_pattern_gives():
    cases = []
    for shape in ("sigmoid", "fan4"):
        for a, b, c in itertools.product([-2, 1, 3], [-1, 2], [-4, -1, 2]):
            r = total_derivative(PROBLEM.module.build(shape, a, b, c), {"x": 1, "z": 2, "w": -1})
            cases += [r["dy_dx"], flowgraph.derivative_direct_only(r)["dy_dx"], *r["nodes"].values()]
    cases += [parse(t, ("x", "z", "g")) for t in SHORTCUT_NODES]
    cases += [parse(t, ("x", "z")) for t in ("sigma(sigma(x))", "sigma(1)*x", "x/(1 + exp(-x))^2",
                                            "exp(x) + sigma(x)", "sigma(x)*sigma(z) + sigma(x)^2")]
    assert any(flowgraph.display(e) != e for e in cases)
    for e in cases:
        assert flowgraph.display.__wrapped__(e) == _matched(e), e


def test_values_at_a_point_kept_without_simplify_are_what_simplify_keeps():
    for n, r in itertools.product([2, 3, 4, 5, 8, 9, 10, 12], [0, 1, -7, R(1, 2), R(-5, 3)]):
        v = r + sp.log(n)
        assert flowgraph.at_point(v, {}) == flowgraph._simplest(v), v


def test_a_ln_of_a_negative_node_value_is_refused_as_before():
    with pytest.raises(ValueError, match="node h is not a finite real number"):
        total_derivative({"g": "x - z", "h": "ln(g)", "y": "g*h"}, {"x": 1, "z": 3})
    with pytest.raises(ValueError, match="node h is not a finite real number"):
        total_derivative({"g": "x - z", "h": "ln(g)", "y": "g*h"}, {"x": 1, "z": 1})


def test_a_remembered_result_is_a_fresh_copy_each_time():
    graph, point = {"g": "x*z", "h": "g + x^2", "y": "g*h"}, {"x": 1, "z": 2}
    first = total_derivative(graph, point)
    first["values"]["g"], first["partials"]["h"]["g"], first["feeds"]["x"][:] = 99, 99, []
    again = total_derivative(graph, point)
    assert again["values"]["g"] == 2 and again["partials"]["h"]["g"] == 1 and again["feeds"]["x"] == ["g", "h"]
    assert total_derivative(graph, {"x": 1.0, "z": 2})["floats"] and not again["floats"]  # 1.0 is not 1


def test_the_answer_sheet_names_only_the_graphs_own_inputs():
    # The sheet said "expression in x, z, w" for a graph without w.
    from examgen.documents import describe_part

    seen = set()
    for seed in range(40):
        inst = get("total-derivative").sample(seed)
        inputs = [k for k in ("x", "z", "w") if k in inst.params["point"]]
        assert inst.allowed("dy_dx")[0] == inputs
        assert describe_part(inst, "dy_dx").startswith(f"expression in {', '.join(inputs)};")
        seen.add(len(inputs))
    assert seen == {2, 3}


def test_the_rule_for_totals_is_not_written_with_a_nodes_own_name():
    # The worked solution said "every earlier node v collects dy/du ∂u/∂v from each node u it
    # feeds" on graphs whose nodes include u = g² (and v): the generic letters read as that node.
    from examgen import render

    seen = set()
    for seed in range(60):
        inst = get("total-derivative").sample(seed)
        names = set(inst.params["graph"]) | set(inst.params["point"])
        text = render.solution(inst)
        rule = next(line for line in text.split("\n\n") if "collects" in line)
        letters = set(re.findall(r"node \$(\w)\$", rule)) | set(re.findall(r"\\partial (\w)\}", rule))
        assert letters and not letters & names, (seed, letters & names, rule)
        seen |= names & {"u", "v"}
    assert seen == {"u", "v"}      # the graphs that named a node u or v were drawn
