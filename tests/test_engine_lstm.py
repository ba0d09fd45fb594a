"""The scalar LSTM engine: forward pass against a naive loop, BPTT against finite differences
and SymPy differentiation, hand-worked exact cases, and `examgen solve` through the CLI."""
import json
import math

import numpy as np
import pytest
import sympy as sp

from examgen.bank import get
from examgen.engine import lstm
from examgen.errors import ExamgenError
from examgen.expr import parse_number
from examgen.sampling import exact

from helpers import one_line_error, run

NAMES = lstm.WEIGHT_NAMES  # w_f u_f b_f w_i u_i b_i w_o u_o b_o w_c u_c b_c
N_RANDOM = 60              # random drill instances per variant


# --- an independent reference: a plain loop over Python floats ------------------------------
def _sig(a):
    return 1 / (1 + math.exp(-a))


def ref_loss(x, y, h0, c0, W, variant, bump=None):
    """L = ½ Σ (h[t] − y[t])², with `bump` = {(name, t): δ} added to a value where it is made.

    name ∈ {xi_f, xi_i, xi_o, xi_c, f, i, o, c, h}; t is the 0-based step. A bump on h[t] reaches
    the loss at t and the next step, so dL/dδ is the total derivative dL/dh[t] (likewise c, gates).
    """
    bump = bump or {}
    b = lambda name, t: bump.get((name, t), 0.0)  # noqa: E731
    h_prev, c_prev, L = h0, c0, 0.0
    for t, x_t in enumerate(x):
        xi = {e: W["w_" + e] * x_t + W["u_" + e] * h_prev + W["b_" + e] + b("xi_" + e, t) for e in "fioc"}
        f = _sig(xi["f"]) + b("f", t)
        i = _sig(xi["i"]) + b("i", t)
        o = _sig(xi["o"]) + b("o", t)
        c = f * c_prev + i * math.tanh(xi["c"]) + b("c", t)
        h = (o * c if variant == "course" else o * math.tanh(c)) + b("h", t)
        L += 0.5 * (h - y[t]) ** 2
        h_prev, c_prev = h, c
    return L


def ref_forward(x, h0, c0, W, variant):
    rows = {k: [] for k in "fioch"}
    h_prev, c_prev = h0, c0
    for x_t in x:
        ex = lambda e: W["w_" + e] * x_t + W["u_" + e] * h_prev + W["b_" + e]  # noqa: E731
        f, i, o = _sig(ex("f")), _sig(ex("i")), _sig(ex("o"))
        c = f * c_prev + i * math.tanh(ex("c"))
        h = o * c if variant == "course" else o * math.tanh(c)
        for k, v in zip("fioch", (f, i, o, c, h)):
            rows[k].append(v)
        h_prev, c_prev = h, c
    return rows


def random_instances(variant, n=N_RANDOM, seed=0):
    rng = np.random.default_rng(seed + (variant == "standard"))
    for _ in range(n):
        T = int(rng.integers(1, 6))
        W = {name: float(rng.uniform(-1.5, 1.5)) for name in NAMES}
        yield (rng.uniform(-2, 2, T), rng.uniform(-1, 1, T), float(rng.uniform(-1, 1)),
               float(rng.uniform(-1, 1)), W)


def close(a, b, tol=1e-6):
    a, b = np.atleast_1d(np.asarray(a, dtype=float)), np.atleast_1d(np.asarray(b, dtype=float))
    return np.linalg.norm(a - b) <= tol * max(1.0, np.linalg.norm(b))


def central(fun, eps=1e-6):
    return (fun(eps) - fun(-eps)) / (2 * eps)


# --- forward ---------------------------------------------------------------------------------
@pytest.mark.parametrize("variant", lstm.VARIANTS)
def test_forward_matches_a_naive_loop(variant):
    for x, _, h0, c0, W in random_instances(variant):
        got = lstm.forward(x, h0, c0, W, variant)
        want = ref_forward(x, h0, c0, W, variant)
        for k in "fioch":
            assert np.allclose(got[k], want[k], rtol=1e-13, atol=1e-13), k
        assert np.allclose(got["h_prev"], [h0, *want["h"][:-1]])
        assert np.allclose(got["c_prev"], [c0, *want["c"][:-1]])


# --- back-propagation against central differences ------------------------------------------
@pytest.mark.parametrize("variant", lstm.VARIANTS)
def test_weight_gradients_match_finite_differences(variant):
    for x, y, h0, c0, W in random_instances(variant):
        s = lstm.bptt(x, y, h0, c0, W, variant)
        assert math.isclose(s["L"], ref_loss(x, y, h0, c0, W, variant), rel_tol=1e-12)
        numeric = [central(lambda d, n=name: ref_loss(x, y, h0, c0, {**W, n: W[n] + d}, variant))
                   for name in NAMES]
        assert close([s["dL_d" + name] for name in NAMES], numeric)


@pytest.mark.parametrize("variant", lstm.VARIANTS)
def test_initial_state_gradients_match_finite_differences(variant):
    for x, y, h0, c0, W in random_instances(variant):
        s = lstm.bptt(x, y, h0, c0, W, variant)
        dh0 = central(lambda d: ref_loss(x, y, h0 + d, c0, W, variant))
        dc0 = central(lambda d: ref_loss(x, y, h0, c0 + d, W, variant))
        assert close([s["dL_dh0"], s["dL_dc0"]], [dh0, dc0])


@pytest.mark.parametrize("variant", lstm.VARIANTS)
def test_per_step_gradients_are_total_derivatives(variant):
    """dL/dh[t], dL/dc[t], the gates' and the excitations' derivatives: bump that value at step t."""
    names = {"dL_dh": "h", "dL_dc": "c", "dL_do": "o", "dL_di": "i", "dL_df": "f",
             "dL_dxi_f": "xi_f", "dL_dxi_i": "xi_i", "dL_dxi_o": "xi_o", "dL_dxi_c": "xi_c"}
    for x, y, h0, c0, W in random_instances(variant):
        s = lstm.bptt(x, y, h0, c0, W, variant)
        for part, value in names.items():
            numeric = [central(lambda d, t=t: ref_loss(x, y, h0, c0, W, variant, {(value, t): d}))
                       for t in range(len(x))]
            assert close(s[part], numeric), part


def test_mistaken_backprops_are_not_the_gradient():
    """carry=False and recurrent=False really drop a term (they differ from finite differences)."""
    x, y, h0, c0, W = next(random_instances("course", seed=5))
    x, y = np.array([0.5, -1.0, 1.5]), np.array([0.2, -0.3, 0.4])
    numeric = [central(lambda d, t=t: ref_loss(x, y, h0, c0, W, "course", {("c", t): d})) for t in range(3)]
    assert close(lstm.bptt(x, y, h0, c0, W)["dL_dc"], numeric)
    no_carry = lstm.bptt(x, y, h0, c0, W, carry=False)
    assert not close(no_carry["dL_dc"], numeric, 1e-3)
    assert np.allclose(no_carry["dL_dc"], no_carry["dL_dh"] * no_carry["dh_dc"])
    no_rec = lstm.bptt(x, y, h0, c0, W, recurrent=False)
    assert np.allclose(no_rec["dL_dh"], no_rec["h"] - y)


# --- SymPy differentiation of an unrolled T = 2 LSTM ---------------------------------------
SYM_X, SYM_Y = [sp.Rational(1, 2), -1], [sp.Rational(1, 4), sp.Rational(-1, 3)]
SYM_POINT = {"w_f": sp.log(2), "u_f": sp.Rational(1, 2), "b_f": -1,
             "w_i": -sp.log(3), "u_i": sp.Rational(-1, 3), "b_i": sp.Rational(1, 4),
             "w_o": 1, "u_o": 2, "b_o": -sp.log(2),
             "w_c": sp.Rational(3, 2), "u_c": -1, "b_c": sp.Rational(1, 5),
             "h0": sp.Rational(1, 3), "c0": sp.Rational(-1, 2)}
VARS = NAMES + ("h0", "c0")


def unrolled_loss(v, variant, x=SYM_X, y=SYM_Y):
    """L of the two-step LSTM written out as one SymPy expression of the values v (symbols or numbers)."""
    sg = lambda a: 1 / (1 + sp.exp(-a))  # noqa: E731
    h, c, L = v["h0"], v["c0"], 0
    for t in range(2):
        ex = lambda e: v["w_" + e] * x[t] + v["u_" + e] * h + v["b_" + e]  # noqa: E731
        c = sg(ex("f")) * c + sg(ex("i")) * sp.tanh(ex("c"))
        h = sg(ex("o")) * (c if variant == "course" else sp.tanh(c))
        L += (h - y[t]) ** 2 / 2
    return L


@pytest.mark.parametrize("variant", lstm.VARIANTS)
def test_gradients_match_sympy_differentiation_of_the_unrolled_net(variant):
    """Recurrent weights u ≠ 0, float64 engine path, against SymPy's symbolic derivative."""
    # Real symbols (the weights are real): without the assumption SymPy spends minutes deciding
    # whether tanh of a sum is real. cse shares the derivatives' common parts in the evaluator.
    sym = {k: sp.Symbol(k, real=True) for k in VARS}
    L = unrolled_loss(sym, variant)
    grads = sp.lambdify([sym[k] for k in VARS], [L] + [sp.diff(L, sym[k]) for k in VARS], "mpmath", cse=True)
    import mpmath

    mpmath.mp.dps = 30
    want = [float(g) for g in grads(*[mpmath.mpf(sp.N(SYM_POINT[k], 40)) for k in VARS])]
    W = {name: float(SYM_POINT[name]) for name in NAMES}
    s = lstm.bptt(np.array(SYM_X, dtype=float), np.array(SYM_Y, dtype=float),
                  float(SYM_POINT["h0"]), float(SYM_POINT["c0"]), W, variant)
    got = [s["L"]] + [s["dL_d" + k] for k in VARS]
    assert np.allclose(got, want, rtol=1e-11, atol=1e-14), (got, want)


@pytest.mark.parametrize("variant", lstm.VARIANTS)
def test_exact_gradients_equal_sympy_differentiation(variant):
    """Gates that see only the input (u = 0), exact engine path: SymPy's derivative, exactly."""
    LN2, LN3 = sp.log(2), sp.log(3)
    x, y = [1, 2], [sp.Rational(1, 2), -1]
    point = {"w_f": LN2, "u_f": 0, "b_f": 0, "w_i": -LN3, "u_i": 0, "b_i": LN3,
             "w_o": LN3, "u_o": 0, "b_o": -LN2, "w_c": LN3 / 2, "u_c": 0, "b_c": 0,
             "h0": sp.Rational(1, 2), "c0": 1}
    W = {name: sp.sympify(point[name]) for name in NAMES}
    s = lstm.bptt(exact(x), exact(y), exact(point["h0"]), exact(point["c0"]), W, variant)
    assert sp.simplify(s["L"] - unrolled_loss(point, variant, x, y)) == 0
    z = sp.Symbol("z", real=True)  # differentiate in one variable, the others already numbers
    for var in VARS:
        want = sp.diff(unrolled_loss({**point, var: z}, variant, x, y), z).subs(z, point[var])
        part = "dL_d" + var
        if variant == "course":
            assert s[part].is_Rational and sp.simplify(want.rewrite(sp.exp) - s[part]) == 0, part
        assert abs(_mp_value(s[part] - want)) < 1e-25, part


def _mp_value(e):
    """A constant SymPy expression evaluated in 40-digit mpmath (sp.N takes seconds on these)."""
    import mpmath

    with mpmath.workdps(40):
        return sp.lambdify([], e, "mpmath")()


# --- hand-worked exact cases (T = 2, course variant) ---------------------------------------
R = sp.Rational
LN2, LN3 = sp.log(2), sp.log(3)
# Gates see only the input (u = 0): ξ_f = [ln 2, ln 4], ξ_i = [0, −ln 3], ξ_o = [ln 3, ln 9],
# ξ_c = [½ ln 3, ln 3], so f = [2/3, 4/5], i = [1/2, 1/4], o = [3/4, 9/10], tanh ξ_c = [1/2, 4/5].
HAND = {"x": [1, 2], "h0": 0, "c0": 1, "y": ["3/16", "-4/25"], "variant": "course",
        "w_f": "ln(2)", "u_f": 0, "b_f": 0, "w_i": "-ln(3)", "u_i": 0, "b_i": "ln(3)",
        "w_o": "ln(3)", "u_o": 0, "b_o": 0, "w_c": "ln(3)/2", "u_c": 0, "b_c": 0}


def hand_weights():
    return {name: exact(parse_number(HAND[name], name) if isinstance(HAND[name], str) else HAND[name])
            for name in NAMES}


def test_hand_case_forward_exact():
    W = hand_weights()
    s = lstm.forward(exact([1, 2]), sp.Integer(0), sp.Integer(1), W)
    assert list(s["f"]) == [R(2, 3), R(4, 5)]
    assert list(s["i"]) == [R(1, 2), R(1, 4)]
    assert list(s["o"]) == [R(3, 4), R(9, 10)]
    assert list(s["g"]) == [R(1, 2), R(4, 5)]
    # c[1] = 2/3·1 + 1/2·1/2 = 11/12, h[1] = 3/4·11/12 = 11/16;
    # c[2] = 4/5·11/12 + 1/4·4/5 = 14/15, h[2] = 9/10·14/15 = 21/25.
    assert list(s["c"]) == [R(11, 12), R(14, 15)]
    assert list(s["h"]) == [R(11, 16), R(21, 25)]
    assert s["xi_f"][1] == sp.log(4) and s["xi_o"][1] == sp.log(9)


def test_hand_case_bptt_exact():
    W = hand_weights()
    s = lstm.bptt(exact([1, 2]), exact(["3/16", "-4/25"]), sp.Integer(0), sp.Integer(1), W)
    # errors h − y = [11/16 − 3/16, 21/25 + 4/25] = [1/2, 1]
    assert s["L"] == R(5, 8)
    assert list(s["dL_dh"]) == [R(1, 2), 1]
    # dL/dc[2] = 1·9/10; dL/dc[1] = 1/2·3/4 + 9/10·4/5 = 3/8 + 18/25 = 219/200
    assert list(s["dL_dc"]) == [R(219, 200), R(9, 10)]
    assert list(s["dL_dc_carry"]) == [R(18, 25), 0]
    assert list(s["dL_do"]) == [R(11, 24), R(14, 15)]          # dL/dh · c
    assert list(s["dL_di"]) == [R(219, 400), R(18, 25)]        # dL/dc · tanh ξ_c
    assert list(s["dL_df"]) == [R(219, 200), R(33, 40)]        # dL/dc · c[t−1]
    assert list(s["dL_dxi_f"]) == [R(73, 300), R(33, 250)]     # · f(1 − f) = 2/9, 4/25
    assert list(s["dL_dxi_i"]) == [R(219, 1600), R(27, 200)]   # · i(1 − i) = 1/4, 3/16
    assert list(s["dL_dxi_o"]) == [R(11, 128), R(21, 250)]     # · o(1 − o) = 3/16, 9/100
    assert list(s["dL_dxi_c"]) == [R(657, 1600), R(81, 1000)]  # · i(1 − tanh²) = 3/8, 9/100
    assert s["dL_dw_f"] == R(761, 1500)   # 73/300·1 + 33/250·2
    assert s["dL_du_f"] == R(363, 4000)   # 73/300·0 + 33/250·11/16
    assert s["dL_db_f"] == R(563, 1500)
    assert s["dL_dw_o"] == R(4063, 16000)
    assert s["dL_db_c"] == R(3933, 8000)
    assert s["dL_dc0"] == R(73, 100) and s["dL_dh0"] == 0


def test_hand_case_mistakes():
    bptt = get("lstm-bptt")
    inst = bptt.from_params(HAND)
    assert inst.exact
    wrong = {m["name"]: m["answers"] for m in inst.mistakes()}
    # no f[t+1] carry: dL/dc[1] = 1/2·3/4 = 3/8
    assert list(wrong["missing-forget-carry"]["dL_dc"]) == [R(3, 8), R(9, 10)]
    assert "recurrent-term-dropped" not in wrong  # every u is 0: does not apply
    fw = get("lstm-forward").from_params({k: v for k, v in HAND.items() if k != "y"})
    swapped = fw.problem.module.mistake_output_variant_swapped(fw.params, fw.values)
    # (in floats: tanh c[t] has no closed form, and the mistake need not be exact to be named)
    assert list(swapped["h"]) == pytest.approx([0.75 * math.tanh(11 / 12), 0.9 * math.tanh(14 / 15)], rel=1e-12)


# --- the CLI ---------------------------------------------------------------------------------
def _solve(pid, params):
    return run("solve", pid, "--params", "-", "--json", input=json.dumps(params))


def test_cli_solves_the_hand_case():
    out = _solve("lstm-bptt", HAND)
    assert out.returncode == 0, out.stderr
    ans = json.loads(out.stdout)["answers"]
    assert ans["L"] == pytest.approx(5 / 8)
    assert ans["dL_dc"] == pytest.approx([219 / 200, 9 / 10])
    assert ans["dL_df"] == pytest.approx([219 / 200, 33 / 40])
    assert ans["dL_dw_f"] == pytest.approx(761 / 1500)
    assert ans["dL_db_c"] == pytest.approx(3933 / 8000)
    out = _solve("lstm-forward", {k: v for k, v in HAND.items() if k != "y"})
    assert out.returncode == 0, out.stderr
    ans = json.loads(out.stdout)["answers"]
    assert ans["c"] == pytest.approx([11 / 12, 14 / 15]) and ans["h"] == pytest.approx([11 / 16, 21 / 25])


def test_cli_solves_a_decimal_standard_instance_like_the_reference():
    p = {**HAND, "variant": "standard", "x": [0.5, -1.0, 2.0], "y": [0.1, 0.2, -0.3], "u_f": 0.5,
         "u_c": -1.0, "h0": 0.25, "c0": -0.5}
    out = _solve("lstm-bptt", p)
    assert out.returncode == 0, out.stderr
    ans = json.loads(out.stdout)["answers"]
    W = {name: float(parse_number(p[name], name)) if isinstance(p[name], str) else float(p[name])
         for name in NAMES}
    ref = lambda d, n: ref_loss(p["x"], p["y"], 0.25, -0.5, {**W, n: W[n] + d}, "standard")  # noqa: E731
    assert ans["L"] == pytest.approx(ref(0, "w_f"), rel=1e-9)
    for name in NAMES:
        assert ans["dL_d" + name] == pytest.approx(central(lambda d: ref(d, name)), rel=1e-5, abs=1e-9), name


def test_exact_input_with_recurrent_weights_is_solved_in_floats():
    """Integers with u ≠ 0 would nest e^… in e^… exactly: solved numerically, like the reference."""
    p = {**HAND, "u_o": 1, "u_c": -1}
    inst = get("lstm-bptt").from_params(p)
    assert not inst.exact
    W = {name: float(parse_number(p[name], name)) if isinstance(p[name], str) else float(p[name])
         for name in NAMES}
    y = [3 / 16, -4 / 25]
    assert inst.values["L"] == pytest.approx(ref_loss([1, 2], y, 0.0, 1.0, W, "course"), rel=1e-12)
    assert inst.values["dL_du_o"] == pytest.approx(
        central(lambda d: ref_loss([1, 2], y, 0.0, 1.0, {**W, "u_o": 1 + d}, "course")), rel=1e-6)


def test_cli_rejects_bad_parameters():
    one_line_error(_solve("lstm-bptt", {**HAND, "y": [1, 2, 3]}), "y")
    one_line_error(_solve("lstm-forward", {**{k: v for k, v in HAND.items() if k != "y"}, "variant": "peephole"}),
                   "variant")
    with pytest.raises(ExamgenError, match="100 time steps"):
        get("lstm-forward").from_params({**{k: v for k, v in HAND.items() if k != "y"}, "x": [0.5] * 101})


# --- the exam design: recurrence by construction ----------------------------------------------
def test_exam_lstms_are_recurrent_and_hand_workable():
    """Most exam LSTMs have some u ≠ 0, h[0] ≠ 0 and an input that is not all zero; every gate
    and every forward value is a fraction (the bound itself is the contract's test)."""
    recurrent = 0
    for seed in range(40):
        inst = get("lstm-bptt").sample(seed, "exam")
        p, s = inst.params, inst.values
        recurrent += not s["all_u_zero"]
        assert p["h0"] != 0 and any(v != 0 for v in p["x"]) and p["variant"] == "course"
        for k in ("f", "i", "o", "g", "c", "h"):
            assert all(v.is_Rational for v in s[k]), (seed, k)
        if not s["all_u_zero"]:     # the recurrent path is part of the answer
            assert any(v != 0 for v in s["dL_dh_recurrent"]), seed
    assert recurrent >= 30, recurrent


def test_exam_lstm_design_matches_its_targets():
    """The draw's gate excitations are k·ln q as designed: σ(ξ) of every gate is one of the fractions
    1/3, 1/2, 2/3 (gates on ln 2) and tanh ξ_c one of ±1/3, ±1/2."""
    for seed in range(20):
        s = get("lstm-forward").sample(seed, "exam").values
        assert set(s["f"]) | set(s["i"]) | set(s["o"]) <= {R(1, 3), R(1, 2), R(2, 3)}
        assert set(s["g"]) <= {R(1, 3), R(-1, 3), R(1, 2), R(-1, 2)}


def test_the_standard_variant_is_refused_in_the_exam_profile():
    with pytest.raises(ExamgenError, match="course variant"):
        get("lstm-forward").sample(0, "exam", {"variant": "standard"})
