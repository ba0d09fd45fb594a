"""The two-layer network engine (examgen/engine/mlp.py) and the problems mlp-forward, mlp-backprop,
gradient-descent: finite differences, an independent loop implementation, hand-worked cases, the CLI."""
import json
import math

import numpy as np
import pytest
import sympy as sp

from examgen.bank import get
from examgen.engine import losses, mlp, ops
from examgen.sampling import exact

from helpers import one_line_error, run
from numeric import assert_close, numeric_gradient

PAIRS = [("linear", "mse"), ("sigmoid", "mse"), ("sigmoid", "bce"), ("softmax", "ce"), ("softmax", "mse")]
COMBOS = [(h, o, l) for h in mlp.HIDDEN for o, l in PAIRS]
L2, L3 = sp.log(2), sp.log(3)


def random_instance(rng, hidden, output, loss):
    """A float instance (n, N, D, K random) away from the ReLU kink and from saturated outputs."""
    n, N, D = rng.integers(1, 5), rng.integers(2, 5), rng.integers(1, 4)
    K = rng.integers(2, 4) if output == "softmax" else rng.integers(1, 3)
    while True:
        p = {"x": rng.normal(size=(n, D)), "W1": rng.normal(size=(N, D)), "b1": rng.normal(size=N),
             "W2": rng.normal(size=(K, N)), "b2": rng.normal(size=K)}
        f = mlp.forward(*p.values(), hidden, output)
        saturated = output != "linear" and np.minimum(f["yhat"], 1 - f["yhat"]).min() < 1e-3
        if (hidden != "relu" or np.abs(f["xi1"]).min() > 1e-3) and not saturated:
            break
    if output == "linear":
        y = rng.normal(size=(n, K))
    elif output == "sigmoid":
        y = rng.uniform(0, 1, size=(n, K)) if loss == "mse" else rng.integers(0, 2, size=(n, K)).astype(float)
    else:
        y = np.eye(K)[rng.integers(0, K, size=n)]
    return {**p, "y": y, "hidden": hidden, "output": output, "loss": loss}


def loss_of(p, **override):
    q = {**p, **override}
    f = mlp.forward(q["x"], q["W1"], q["b1"], q["W2"], q["b2"], q["hidden"], q["output"])
    return losses.loss(q["loss"], q["y"], f["yhat"])




# --- gradients against finite differences ------------------------------------------------------
@pytest.mark.parametrize("hidden,output,loss", COMBOS)
def test_every_gradient_matches_finite_differences(hidden, output, loss):
    rng = np.random.default_rng(COMBOS.index((hidden, output, loss)))
    for _ in range(50):
        p = random_instance(rng, hidden, output, loss)
        s = mlp.backprop(p["x"], p["W1"], p["b1"], p["W2"], p["b2"], p["y"], hidden, output, loss)
        for name in ("W1", "b1", "W2", "b2"):
            fd = numeric_gradient(lambda a: loss_of(p, **{name: a}), p[name])
            assert_close(s[f"dL_d{name}"], fd)
        # Excitations: L as a function of ξ² alone, and of ξ¹ alone.
        g1 = mlp.hidden_activation(hidden)[0]
        L_of_xi2 = lambda xi2: losses.loss(loss, p["y"], mlp.output_activation(output, xi2))  # noqa: E731
        L_of_xi1 = lambda xi1: L_of_xi2(g1(xi1) @ p["W2"].T + p["b2"])  # noqa: E731
        assert_close(s["dL_dxi2"], numeric_gradient(L_of_xi2, s["xi2"]))
        assert_close(s["dL_dxi1"], numeric_gradient(L_of_xi1, s["xi1"]))


# --- forward against an independent loop implementation ------------------------------------------
def naive_forward(x, W1, b1, W2, b2, hidden, output):
    g = {"sigmoid": lambda v: 1 / (1 + math.exp(-v)), "tanh": math.tanh, "relu": lambda v: max(0.0, v)}[hidden]
    n, D = len(x), len(x[0])
    N, K = len(W1), len(W2)
    xi1 = [[b1[j] + sum(W1[j][d] * x[i][d] for d in range(D)) for j in range(N)] for i in range(n)]
    h = [[g(v) for v in row] for row in xi1]
    xi2 = [[b2[k] + sum(W2[k][j] * h[i][j] for j in range(N)) for k in range(K)] for i in range(n)]
    if output == "linear":
        yhat = xi2
    elif output == "sigmoid":
        yhat = [[1 / (1 + math.exp(-v)) for v in row] for row in xi2]
    else:
        yhat = [[math.exp(v) / sum(math.exp(u) for u in row) for v in row] for row in xi2]
    return {"xi1": xi1, "h": h, "xi2": xi2, "yhat": yhat}


@pytest.mark.parametrize("hidden", mlp.HIDDEN)
@pytest.mark.parametrize("output", mlp.OUTPUT)
def test_forward_matches_a_naive_loop_implementation(hidden, output):
    rng = np.random.default_rng(7)
    for _ in range(50):
        p = random_instance(rng, hidden, output, "mse")
        args = [p[k] for k in ("x", "W1", "b1", "W2", "b2")]
        got = mlp.forward(*args, hidden, output)
        want = naive_forward(*[a.tolist() for a in args], hidden, output)
        for k in want:
            assert_close(got[k], want[k], 1e-12)


def test_gradient_descent_step_lowers_the_loss_for_a_small_eta():
    rng = np.random.default_rng(3)
    for hidden, output, loss in COMBOS:
        for _ in range(10):
            p = random_instance(rng, hidden, output, loss)
            s = mlp.backprop(p["x"], p["W1"], p["b1"], p["W2"], p["b2"], p["y"], hidden, output, loss)
            new = mlp.gradient_descent_step(p, s, 1e-3)
            after = loss_of(p, **{k: new[k + "_new"] for k in ("W1", "b1", "W2", "b2")})
            assert after < s["L"], (hidden, output, loss)


def test_gradient_descent_step_is_w_minus_eta_gradient():
    p = {"W1": np.array([[1.0, 2.0]]), "b1": np.array([0.5]), "W2": np.array([[3.0]]), "b2": np.array([-1.0])}
    g = {"dL_dW1": np.array([[1.0, -1.0]]), "dL_db1": np.array([2.0]), "dL_dW2": np.array([[4.0]]),
         "dL_db2": np.array([0.5])}
    new = mlp.gradient_descent_step(p, g, 0.5)
    assert new["W1_new"].tolist() == [[0.5, 2.5]] and new["b1_new"].tolist() == [-0.5]
    assert new["W2_new"].tolist() == [[1.0]] and new["b2_new"].tolist() == [-1.25]


# --- hand-worked cases -------------------------------------------------------------------------
def relu_case():
    """One example, ReLU hidden, linear output, MSE (worked by hand in the comments)."""
    return {"x": exact([[1, 2]]), "W1": exact([[1, -1], [2, 0]]), "b1": exact([0, -1]),
            "W2": exact([[3, 2]]), "b2": exact([1]), "y": exact([[1]]),
            "hidden": "relu", "output": "linear", "loss": "mse"}


def test_hand_case_relu_linear_mse():
    p = relu_case()
    s = mlp.backprop(*[p[k] for k in ("x", "W1", "b1", "W2", "b2", "y", "hidden", "output", "loss")])
    # ξ¹ = [1 − 2, 2 − 1] = [−1, 1], h = [0, 1], ŷ = 1 + 0 + 2 = 3, L = ½ (3 − 1)² = 2
    assert s["xi1"].tolist() == [[-1, 1]] and s["h"].tolist() == [[0, 1]] and s["yhat"].tolist() == [[3]]
    assert s["L"] == 2
    # ∇ξ² = ŷ − y = 2; W²ᵀ∇ξ² = [6, 4]; u(ξ¹) = [0, 1]
    assert s["dL_dxi2"].tolist() == [[2]] and s["dL_dh"].tolist() == [[6, 4]]
    assert s["dL_dxi1"].tolist() == [[0, 4]]
    assert s["dL_dW2"].tolist() == [[0, 2]] and s["dL_db2"].tolist() == [2]
    assert s["dL_dW1"].tolist() == [[0, 0], [4, 8]] and s["dL_db1"].tolist() == [0, 4]
    new = mlp.gradient_descent_step(p, s, sp.Rational(1, 2))
    assert new["W1_new"].tolist() == [[1, -1], [0, -4]] and new["b1_new"].tolist() == [0, -3]
    assert new["W2_new"].tolist() == [[3, 1]] and new["b2_new"].tolist() == [0]
    assert all(ops.is_exact(v) for v in s.values() if not isinstance(v, str))


def test_hand_case_sigmoid_bce_exact_logs():
    # ξ¹ = [ln 3, −ln 2] → h = [3/4, 1/3]; ξ² = 3 ln 2 · 1/3 = ln 2 → ŷ = 2/3; y = 1 → L = ln(3/2)
    x, W1, b1 = exact([[1]]), np.array([[L3], [0]], dtype=object), np.array([0, -L2], dtype=object)
    W2, b2 = np.array([[0, 3 * L2]], dtype=object), exact([0])
    s = mlp.backprop(x, W1, b1, W2, b2, exact([[1]]), "sigmoid", "sigmoid", "bce")
    assert s["h"].tolist() == [[sp.Rational(3, 4), sp.Rational(1, 3)]]
    assert s["yhat"].tolist() == [[sp.Rational(2, 3)]]
    assert sp.simplify(s["L"] - sp.log(sp.Rational(3, 2))) == 0
    assert s["dL_dxi2"].tolist() == [[sp.Rational(-1, 3)]]                       # ŷ − y
    assert s["g1_prime"].tolist() == [[sp.Rational(3, 16), sp.Rational(2, 9)]]   # h(1 − h)
    assert [sp.simplify(v) for v in s["dL_dxi1"][0]] == [0, -2 * L2 / 9]         # (2/9)(−1/3)(3 ln 2)
    assert s["dL_dW2"].tolist() == [[sp.Rational(-1, 4), sp.Rational(-1, 9)]]
    assert s["dL_db2"].tolist() == [sp.Rational(-1, 3)]
    assert [sp.simplify(v) for v in s["dL_dW1"].flat] == [0, -2 * L2 / 9]


def softmax_case():
    """Two examples, ReLU hidden, softmax output, cross-entropy: the 1/n = 1/2 shows."""
    return {"x": exact([[1], [2]]), "W1": exact([[1], [-1]]), "b1": exact([0, 3]),
            "W2": np.array([[L2, 0], [0, 0]], dtype=object), "b2": exact([0, 0]),
            "y": exact([[1, 0], [0, 1]]), "hidden": "relu", "output": "softmax", "loss": "ce"}


def test_hand_case_softmax_ce_two_examples():
    p = softmax_case()
    s = mlp.backprop(*[p[k] for k in ("x", "W1", "b1", "W2", "b2", "y", "hidden", "output", "loss")])
    R = sp.Rational
    # h = ξ¹ = [[1, 2], [2, 1]]; ξ² = [[ln 2, 0], [2 ln 2, 0]]; ŷ = [[2/3, 1/3], [4/5, 1/5]]
    assert s["h"].tolist() == [[1, 2], [2, 1]]
    assert s["yhat"].tolist() == [[R(2, 3), R(1, 3)], [R(4, 5), R(1, 5)]]
    assert sp.simplify(s["L"] - sp.log(R(15, 2)) / 2) == 0                      # −½ (ln 2/3 + ln 1/5)
    assert s["dL_dxi2"].tolist() == [[R(-1, 6), R(1, 6)], [R(2, 5), R(-2, 5)]]  # (ŷ − y)/2
    assert s["dL_dW2"].tolist() == [[R(19, 30), R(1, 15)], [R(-19, 30), R(-1, 15)]]
    assert s["dL_db2"].tolist() == [R(7, 30), R(-7, 30)]
    assert [sp.simplify(v) for v in s["dL_dW1"].flat] == [19 * L2 / 30, 0]
    assert [sp.simplify(v) for v in s["dL_db1"]] == [7 * L2 / 30, 0]


# --- the problems ------------------------------------------------------------------------------
def test_mistakes_compute_the_named_wrong_answers():
    bp = get("mlp-backprop")
    inst = bp.from_params(_json(softmax_case()))
    s, p = inst.values, inst.params
    wrong = bp.module.mistake_n_dropped(p, s)
    for part in ("dL_dxi2", "dL_dW2", "dL_db2", "dL_dW1", "dL_db1"):
        assert_close(ops.to_float(wrong[part]), 2 * ops.to_float(s[part]), 1e-12)
    assert bp.module.mistake_transposed_weight_gradient(p, s)["dL_dW1"].shape == (1, 2)
    gd = get("gradient-descent")
    inst = gd.from_params({**_json(relu_case()), "eta": 1})
    flipped = gd.module.mistake_sign_flipped(inst.params, inst.values)
    assert ops.to_float(flipped["W2_new"]).tolist() == [[3, 4]]                 # W² + η∇ = [3 + 0, 2 + 2]
    missing = gd.module.mistake_missing_activation_derivative(inst.params, inst.values)
    assert ops.to_float(missing["b1_new"]).tolist() == [-6, -5]                 # b¹ − [6, 4]


@pytest.mark.parametrize("pid", ["mlp-forward", "mlp-backprop", "gradient-descent"])
def test_exam_instances_are_fractions_where_the_design_says(pid):
    """Exam draws: every h and ŷ is a fraction (not merely exact), so the work needs no calculator."""
    for seed in range(25):
        inst = get(pid).sample(seed, "exam")
        for part in ("h", "yhat"):
            assert all(v.is_Rational for v in inst.values[part].flat), (seed, part, inst.values[part])
        xi1 = ops.to_float(inst.values["xi1"])
        assert inst.params["hidden"] != "relu" or np.all(xi1 != 0)


def _json(p):
    """Parameters as a user would give them: integers and exact strings such as "ln(2)"."""
    def one(v):
        v = sp.sympify(v)
        return int(v) if v.is_Integer else str(v).replace("log", "ln")
    return {k: (v if isinstance(v, str) else np.vectorize(one, otypes=[object])(v).tolist()) for k, v in p.items()}


def test_cli_solve_backprop_and_gradient_descent(tmp_path):
    f = tmp_path / "p.json"
    f.write_text(json.dumps(_json(softmax_case())))
    out = run("solve", "mlp-backprop", "--params", f, "--json")
    assert out.returncode == 0, out.stderr
    a = json.loads(out.stdout)["answers"]
    assert a["L"] == pytest.approx(math.log(7.5) / 2)
    assert np.allclose(a["dL_dW2"], [[19 / 30, 1 / 15], [-19 / 30, -1 / 15]])
    assert np.allclose(a["dL_dW1"], [[19 * math.log(2) / 30], [0]])
    f.write_text(json.dumps({**_json(relu_case()), "eta": "1/2"}))
    out = run("solve", "gradient-descent", "--params", f, "--json")
    assert out.returncode == 0, out.stderr
    a = json.loads(out.stdout)["answers"]
    assert a["W1_new"] == [[1, -1], [0, -4]] and a["b1_new"] == [0, -3]
    assert a["W2_new"] == [[3, 1]] and a["b2_new"] == [0]
    f.write_text(json.dumps({k: v for k, v in _json(relu_case()).items() if k not in ("y", "loss")}))
    out = run("solve", "mlp-forward", "--params", f, "--json")
    assert json.loads(out.stdout)["answers"]["yhat"] == [[3]]
    # a missing choice says what to give
    f.write_text(json.dumps({k: v for k, v in _json(relu_case()).items() if k not in ("y", "loss", "hidden")}))
    out = run("solve", "mlp-forward", "--params", f, "--json")
    assert out.returncode != 0 and "missing parameter 'hidden' (one of sigmoid, tanh, relu)" in out.stderr, out.stderr
    # a ReLU unit at its kink (ξ¹ = 0) has no derivative: refused, as activation-derivative refuses it
    # (back-propagation took u(0) = 0 silently, against its own "1 where ξ > 0, 0 where ξ < 0")
    kink = {"x": [[1, -1]], "W1": [[1, 1], [1, 0]], "b1": [0, 0], "W2": [[1, 1]], "b2": [0], "y": [[0]],
            "hidden": "relu", "output": "linear", "loss": "mse"}
    f.write_text(json.dumps(kink))
    for pid in ("mlp-backprop", "gradient-descent"):
        out = run("solve", pid, "--params", f) if pid == "mlp-backprop" else run(
            "solve", pid, "--params", "-", input=json.dumps({**kink, "eta": "1/2"}))
        assert out.returncode == 2 and "no derivative at ξ¹ = 0" in out.stderr and "example 1, unit 1" in out.stderr, out.stderr
    f.write_text(json.dumps({k: v for k, v in kink.items() if k not in ("y", "loss")}))
    assert run("solve", "mlp-forward", "--params", f).returncode == 0     # the forward pass is defined there


@pytest.mark.parametrize("pid,change,words", [
    ("mlp-backprop", {"loss": "bce"}, ["sigmoid output"]),
    ("mlp-backprop", {"output": "softmax", "W2": [[3, 2], [1, 1]], "b2": [1, 0], "y": [[1, 1]], "loss": "ce"},
     ["one-hot"]),
    ("mlp-forward", {"output": "softmax"}, ["K ≥ 2"]),
    ("gradient-descent", {"eta": -1}, ["eta"]),
])
def test_bad_parameters_are_refused_in_one_line(tmp_path, pid, change, words):
    p = {**_json(relu_case()), "eta": 1, **change}
    if pid != "gradient-descent":
        p.pop("eta")
    if pid == "mlp-forward":
        p.pop("y"), p.pop("loss")
    f = tmp_path / "p.json"
    f.write_text(json.dumps(p))
    one_line_error(run("solve", pid, "--params", f), *words)
