"""examgen.engine.losses (and softmax): gradients against finite differences and SymPy,
forward values against naive loops and scipy, hand-worked cases, and the nn problems' CLI."""
import json
import math
import subprocess

import numpy as np
import pytest
import scipy.special
import sympy as sp

from examgen.engine import activations, losses, ops
from examgen.errors import ExamgenError
from examgen.sampling import exact

from conftest import BANK
from numeric import assert_close, numeric_gradient

N_RANDOM = 60
R = sp.Rational


# --- helpers --------------------------------------------------------------------------------


def one_hot(rng, n, K):
    y = np.zeros((n, K))
    y[np.arange(n), rng.integers(K, size=n)] = 1
    return y


def random_targets(rng, name, shape):
    """Targets that suit the loss: any reals (mse), 0/1 labels (bce), one-hot rows (ce)."""
    if name == "mse":
        return rng.uniform(-2, 2, shape)
    if name == "bce":
        return rng.integers(0, 2, shape).astype(float)
    return one_hot(rng, *shape)


OUTPUT = {"linear": lambda xi: xi, "sigmoid": ops.sigmoid, "softmax": activations.softmax}


def ex(values):
    return exact(values)


def L3(v):
    return sp.log(sp.Integer(v))


# --- forward values against independent implementations -------------------------------------
def naive_mse(y, yhat):
    n = len(y)
    return sum(sum((a - b) ** 2 for a, b in zip(yi, yhi)) for yi, yhi in zip(y, yhat)) / (2 * n)


def naive_bce(y, yhat):
    y, yhat = np.atleast_2d(np.asarray(y).T).T, np.atleast_2d(np.asarray(yhat).T).T
    total = 0.0
    for yi, yhi in zip(y, yhat):
        for a, b in zip(yi, yhi):
            total += a * math.log(b) + (1 - a) * math.log(1 - b)
    return -total / len(y)


def naive_ce(y, yhat):
    return -sum(a * math.log(b) for yi, yhi in zip(y, yhat) for a, b in zip(yi, yhi)) / len(y)


@pytest.mark.parametrize("seed", range(N_RANDOM))
def test_forward_values_match_naive_loops_and_scipy(seed):
    rng = np.random.default_rng(seed)
    n, K = rng.integers(1, 5), rng.integers(1, 5)
    y_real, yhat_real = rng.uniform(-2, 2, (n, K)), rng.uniform(-2, 2, (n, K))
    assert math.isclose(losses.mse(y_real, yhat_real), naive_mse(y_real, yhat_real), rel_tol=1e-12)
    assert math.isclose(losses.loss("mse", y_real, yhat_real), naive_mse(y_real, yhat_real), rel_tol=1e-12)

    y01, p = rng.integers(0, 2, (n, K)).astype(float), rng.uniform(0.01, 0.99, (n, K))
    assert math.isclose(losses.bce(y01, p), naive_bce(y01, p), rel_tol=1e-12)
    assert math.isclose(losses.bce(y01[:, 0], p[:, 0]), naive_bce(y01[:, 0], p[:, 0]), rel_tol=1e-12)
    # scipy's log-loss pieces: −[y ln p + (1 − y) ln(1 − p)] = −xlogy(y, p) − xlog1py(1 − y, −p)
    scipy_bce = -(scipy.special.xlogy(y01, p) + scipy.special.xlog1py(1 - y01, -p)).sum() / n
    assert math.isclose(losses.bce(y01, p), scipy_bce, rel_tol=1e-12)

    xi = rng.uniform(-3, 3, (n, K))
    yhat = activations.softmax(xi)
    assert_close(yhat, scipy.special.softmax(xi, axis=1), 1e-12)
    y1h = one_hot(rng, n, K)
    assert math.isclose(losses.ce(y1h, yhat), naive_ce(y1h, yhat), rel_tol=1e-12)
    # CE of a softmax = mean over examples of logsumexp(ξᵢ) − ξ of the true class
    ref = np.mean(scipy.special.logsumexp(xi, axis=1) - (xi * y1h).sum(axis=1))
    assert math.isclose(losses.ce(y1h, yhat), ref, rel_tol=1e-10)


# --- gradients against central finite differences ------------------------------------------
@pytest.mark.parametrize("name", losses.LOSSES)
@pytest.mark.parametrize("seed", range(N_RANDOM))
def test_dL_dyhat_matches_finite_differences(name, seed):
    rng = np.random.default_rng(1000 + seed)
    shape = (int(rng.integers(1, 5)),) if name == "bce" and seed % 2 else tuple(rng.integers(1, 5, 2))
    if name == "ce" and len(shape) == 2 and shape[1] == 1:
        shape = (shape[0], 2)
    y = random_targets(rng, name, shape)
    yhat = rng.uniform(-2, 2, shape) if name == "mse" else rng.uniform(0.05, 0.95, shape)
    numeric = numeric_gradient(lambda a: losses.loss(name, y, a), yhat)
    assert_close(losses.dL_dyhat(name, y, yhat), numeric)


@pytest.mark.parametrize("output", losses.OUTPUTS)
@pytest.mark.parametrize("name", losses.LOSSES)
@pytest.mark.parametrize("seed", range(N_RANDOM))
def test_dL_dxi_matches_finite_differences_for_all_nine_pairs(output, name, seed):
    rng = np.random.default_rng(2000 + seed)
    n, K = int(rng.integers(1, 5)), int(rng.integers(2, 5))
    y = random_targets(rng, name, (n, K))
    if output == "linear" and name != "mse":
        xi = rng.uniform(0.05, 0.95, (n, K))  # ŷ = ξ must be a probability for bce/ce
    else:
        xi = rng.uniform(-3, 3, (n, K))
    g2 = OUTPUT[output]
    numeric = numeric_gradient(lambda a: losses.loss(name, y, g2(a)), xi)
    assert_close(losses.dL_dxi(name, output, y, g2(xi)), numeric)


@pytest.mark.parametrize("seed", range(N_RANDOM))
def test_softmax_backward_is_the_softmax_jacobian(seed):
    rng = np.random.default_rng(3000 + seed)
    n, K = int(rng.integers(1, 4)), int(rng.integers(2, 5))
    xi, upstream = rng.uniform(-3, 3, (n, K)), rng.normal(size=(n, K))
    numeric = numeric_gradient(lambda a: float((upstream * activations.softmax(a)).sum()), xi)
    assert_close(losses.softmax_backward(activations.softmax(xi), upstream), numeric)
    # and row by row, against the explicit Jacobian diag(ŷ) − ŷŷᵀ
    for row_xi, row_g in zip(xi, upstream):
        s = activations.softmax(row_xi)
        J = np.diag(s) - np.outer(s, s)
        assert_close(losses.softmax_backward(s[None, :], row_g[None, :])[0], J.T @ row_g, 1e-12)


@pytest.mark.parametrize("seed", range(N_RANDOM))
def test_bce_gradient_for_one_dimensional_outputs(seed):
    """The loss-bce problem's shape: y and ŷ of shape (n,), ŷ = σ(ξ)."""
    rng = np.random.default_rng(4000 + seed)
    n = int(rng.integers(1, 6))
    y, xi = rng.integers(0, 2, n).astype(float), rng.uniform(-3, 3, n)
    numeric = numeric_gradient(lambda a: losses.bce(y, ops.sigmoid(a)), xi)
    assert_close(losses.dL_dxi("bce", "sigmoid", y, ops.sigmoid(xi)), numeric)
    assert_close(losses.dL_dxi("bce", "sigmoid", y, ops.sigmoid(xi)), (ops.sigmoid(xi) - y) / n, 1e-12)


# --- SymPy differentiation at exact points ---------------------------------------------------
def _symbolic_output(output, X):
    if output == "linear":
        return X
    if output == "sigmoid":
        return ops.sigmoid(X)
    E = ops.exp(X)
    return E / E.sum(axis=1, keepdims=True)


@pytest.mark.parametrize("output", losses.OUTPUTS)
@pytest.mark.parametrize("name", losses.LOSSES)
def test_dL_dxi_matches_sympy_differentiation_exactly(output, name):
    n, K = 2, 3
    X = np.array([[sp.Symbol(f"xi_{i}{k}") for k in range(K)] for i in range(n)], dtype=object)
    y = {"mse": ex([[1, R(-1, 2), 0], [2, 0, 1]]), "bce": ex([[1, 0, 1], [0, 0, 1]]),
         "ce": ex([[0, 0, 1], [1, 0, 0]])}[name]
    if output == "linear" and name != "mse":
        point = ex([["1/4", "1/2", "2/3"], ["1/3", "3/4", "1/2"]])
    else:
        point = np.array([[0, L3(2), L3(3)], [-L3(2), L3(3), 0]], dtype=object)
    L_sym = losses.loss(name, y, _symbolic_output(output, X))
    subs = {X[idx]: point[idx] for idx in np.ndindex(X.shape)}
    yhat = _symbolic_output(output, point)
    got = losses.dL_dxi(name, output, y, yhat)
    assert ops.is_exact(got)
    for idx in np.ndindex(X.shape):
        want = sp.diff(L_sym, X[idx]).subs(subs)
        assert sp.simplify(want - got[idx]) == 0, (name, output, idx, want, got[idx])


def test_canonical_pairs_give_the_simplified_form_exactly():
    y = ex([[0, 1], [1, 0]])
    yhat = ex([["1/4", "3/4"], ["2/3", "1/3"]])
    for output, name in losses.CANONICAL:
        got = losses.dL_dxi(name, output, y, yhat)
        assert got.tolist() == [[R(1, 8), R(-1, 8)], [R(-1, 6), R(1, 6)]]


# --- hand-worked cases ----------------------------------------------------------------------
def test_hand_cases_of_the_engine():
    assert activations.softmax(np.array([0, L3(3)], dtype=object)).tolist() == [R(1, 4), R(3, 4)]
    assert losses.bce(ex([1]), ex(["1/2"])) == sp.log(2)
    assert losses.bce([1.0, 0.0], [0.5, 0.5]) == pytest.approx(math.log(2))
    assert losses.mse(ex([[1, 0]]), ex([["1/2", "1/2"]])) == R(1, 4)
    assert losses.dL_dyhat("mse", ex([[1, 0]]), ex([["1/2", "1/2"]])).tolist() == [[R(-1, 2), R(1, 2)]]
    # BCE, ŷ = 3/4 with y = 1: ∂L/∂ŷ = −1/ŷ = −4/3; through the sigmoid (3/4)(1/4) → −1/4
    assert losses.dL_dyhat("bce", ex([1]), ex(["3/4"])).tolist() == [R(-4, 3)]
    assert losses.dL_dxi("bce", "sigmoid", ex([1]), ex(["3/4"])).tolist() == [R(-1, 4)]
    # CE with ŷ = [1/6, 1/3, 1/2], true class 2: L = ln 3; ∂L/∂ŷ = [0, −3, 0]
    y, yhat = ex([[0, 1, 0]]), ex([["1/6", "1/3", "1/2"]])
    assert sp.simplify(losses.ce(y, yhat) - sp.log(3)) == 0
    assert losses.dL_dyhat("ce", y, yhat).tolist() == [[0, -3, 0]]
    # MSE through a sigmoid: (ŷ − y) ŷ(1 − ŷ) = (−1/4)(3/16)
    assert losses.dL_dxi("mse", "sigmoid", ex([[1]]), ex([["3/4"]])).tolist() == [[R(-3, 64)]]


def test_combine_logs():
    assert losses.combine_logs(-sp.log(R(3, 4)) / 2 + sp.log(2) / 2) == sp.log(R(8, 3)) / 2
    assert losses.combine_logs(2 * sp.log(2) - sp.log(3)) == sp.log(R(4, 3))
    assert losses.combine_logs(R(3, 4)) == R(3, 4)
    assert losses.combine_logs(0.5) == 0.5
    v = np.array([sp.log(3) - sp.log(2), sp.Integer(0)], dtype=object)
    assert losses.combine_logs(v).tolist() == [sp.log(R(3, 2)), 0]


def test_errors():
    with pytest.raises(ValueError):
        losses.loss("hinge", [1.0], [0.5])
    with pytest.raises(ValueError):
        losses.dL_dxi("ce", "relu", [[1.0, 0.0]], [[0.5, 0.5]])
    with pytest.raises(ValueError):
        losses.dL_dxi("ce", "softmax", [1.0, 0.0], [0.5, 0.5])  # softmax needs rows


# --- the problems: hand cases through solve(), exact and decimal -----------------------------
def solved(pid, params):
    return BANK[pid].from_params(params).values


def test_problem_softmax_hand_cases():
    s = solved("softmax", {"W": [[1, 0], [0, 1]], "h": [0, "ln(3)"]})
    assert s["yhat"].tolist() == [R(1, 4), R(3, 4)]
    s = solved("softmax", {"W": [[1, 0], [1, 1], [2, 0]], "h": ["ln(3)", "-ln(3)"]})
    assert s["yhat"].tolist() == [R(3, 13), R(1, 13), R(9, 13)]
    s = solved("softmax", {"W": [[1.0, 0.0], [0.0, 0.0]], "h": [1.0, 5.0]})
    assert s["yhat"] == pytest.approx([math.e / (math.e + 1), 1 / (math.e + 1)])


def test_problem_softmax_two_class_hand_cases():
    s = solved("softmax-two-class", {"W": [[1, 0], [0, 1]], "h": ["ln(3)", 0]})
    assert s["v"].tolist() == [1, -1]
    assert s["yhat"].tolist() == [R(3, 4), R(1, 4)]
    s = solved("softmax-two-class", {"W": [[1, 1], [1, -1]], "h": ["-ln(2)", "ln(3)"]})
    assert s["v"].tolist() == [0, 2] and s["yhat"].tolist() == [R(9, 10), R(1, 10)]
    s = solved("softmax-two-class", {"W": [[0.5, 0.0], [0.0, 0.5]], "h": [2.0, 0.0]})
    assert s["yhat"] == pytest.approx([1 / (1 + math.exp(-1)), 1 / (1 + math.exp(1))])


def test_problem_loss_mse_hand_cases():
    s = solved("loss-mse", {"y": [[1, 0]], "yhat": [["1/2", "1/2"]]})
    assert s["L"] == R(1, 4) and s["dL_dyhat"].tolist() == [[R(-1, 2), R(1, 2)]]
    s = solved("loss-mse", {"y": [[2], [0]], "yhat": [[1], [1]]})
    assert s["L"] == R(1, 2) and s["dL_dyhat"].tolist() == [[R(-1, 2)], [R(1, 2)]]


def test_problem_loss_bce_hand_cases():
    s = solved("loss-bce", {"y": [1], "yhat": ["1/2"]})
    assert s["L"] == sp.log(2) and s["dL_dxi"].tolist() == [R(-1, 2)]
    s = solved("loss-bce", {"y": [1, 0], "yhat": ["3/4", "1/4"]})
    assert sp.simplify(s["L"] - sp.log(R(4, 3))) == 0
    assert s["dL_dxi"].tolist() == [R(-1, 8), R(1, 8)]


def test_problem_loss_ce_hand_cases():
    s = solved("loss-ce", {"y": [[0, 0, 1]], "xi": [[0, "ln(2)", "ln(3)"]]})
    assert s["yhat"].tolist() == [[R(1, 6), R(1, 3), R(1, 2)]]
    assert s["L"] == sp.log(2)
    assert s["dL_dxi"].tolist() == [[R(1, 6), R(1, 3), R(-1, 2)]]
    s = solved("loss-ce", {"y": [[0, 0, 1], [1, 0, 0]], "xi": [[0, "ln(2)", "ln(3)"], ["ln(3)", 0, "-ln(2)"]]})
    assert sp.simplify(s["L"] - sp.log(3) / 2) == 0
    assert s["dL_dxi"][1].tolist() == [R(-1, 6), R(1, 9), R(1, 18)]


@pytest.mark.parametrize("pid, params, message", [
    ("loss-ce", {"y": [[0, 1, 1]], "xi": [[0, 1, 2]]}, "one-hot"),
    ("loss-ce", {"y": [[0, 2]], "xi": [[0, 1]]}, "one-hot"),
    ("loss-bce", {"y": [1, 0], "yhat": [0.5, 1.0]}, "strictly between 0 and 1"),
    ("loss-bce", {"y": [2, 0], "yhat": [0.5, 0.5]}, "targets"),
    ("loss-mse", {"y": [[1, 0]], "yhat": [[1, 0, 0]]}, "yhat"),
    ("softmax", {"W": [[1, 0], [0, 1]], "h": [1, 2, 3]}, "h"),
])
def test_bad_parameters_are_refused_clearly(pid, params, message):
    with pytest.raises(ExamgenError, match=message):
        BANK[pid].from_params(params)


# --- through the installed command line ---------------------------------------------------------
@pytest.mark.parametrize("pid, params, expected", [
    ("softmax", {"W": [[1, 0], [0, 1]], "h": [0, "ln(3)"]}, {"yhat": [0.25, 0.75]}),
    ("softmax-two-class", {"W": [[1, 0], [0, 1]], "h": ["ln(3)", 0]}, {"yhat": [0.75, 0.25], "v": [1, -1]}),
    ("loss-mse", {"y": [[1, 0]], "yhat": [[0.5, 0.5]]}, {"L": 0.25, "dL_dyhat": [[-0.5, 0.5]]}),
    ("loss-bce", {"y": [1], "yhat": ["1/2"]}, {"L": math.log(2), "dL_dxi": [-0.5]}),
    ("loss-ce", {"y": [[0, 0, 1]], "xi": [[0, "ln(2)", "ln(3)"]]},
     {"yhat": [[1 / 6, 1 / 3, 1 / 2]], "L": math.log(2), "dL_dxi": [[1 / 6, 1 / 3, -1 / 2]]}),
])
def test_cli_solve_json(tmp_path, pid, params, expected):
    f = tmp_path / "params.json"
    f.write_text(json.dumps(params))
    out = subprocess.run(["examgen", "solve", pid, "--params", str(f), "--json"],
                         capture_output=True, text=True, check=True).stdout
    answers = json.loads(out)["answers"]
    assert set(answers) == set(expected)
    for part, want in expected.items():
        assert np.allclose(answers[part], want, rtol=1e-12, atol=1e-12), (part, answers[part], want)
