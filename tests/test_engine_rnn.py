"""RNN engine: forward pass against a naive loop, BPTT against finite differences, hand cases."""
import json
import math
import subprocess

import numpy as np
import pytest
import sympy as sp

from examgen.bank import get
from examgen.engine import rnn
from examgen.errors import ExamgenError
from examgen.sampling import exact

from numeric import numeric_gradient, rel_err

ACTIVATIONS = ("sigmoid", "tanh", "linear")
G = {"sigmoid": lambda v: 1 / (1 + math.exp(-v)), "tanh": math.tanh, "linear": lambda v: v}
R = sp.Rational


def naive_forward(x, w, activation, bump=None):
    """h[n] = g(x[n] + Σ_m w[m] h[n−m]) with plain floats; `bump[n]` is added to h[n] once computed."""
    g, h = G[activation], []
    for n in range(len(x)):
        xi = x[n] + sum(w[m - 1] * h[n - m] for m in range(1, len(w) + 1) if n - m >= 0)
        h.append(g(xi) + (bump[n] if bump is not None else 0.0))
    return h


def naive_loss(x, w, y, activation, bump=None):
    return 0.5 * sum((hn - yn) ** 2 for hn, yn in zip(naive_forward(x, w, activation, bump), y))


def random_instance(rng):
    T = int(rng.integers(2, 6))
    lags = int(rng.integers(1, 4))
    return rng.uniform(-2, 2, T), rng.uniform(-1, 1, lags), rng.uniform(-1, 1, T)


def close(a, b, tol=1e-6):
    return rel_err(a, b) <= tol


# --- forward pass --------------------------------------------------------------------------
@pytest.mark.parametrize("activation", ACTIVATIONS)
def test_forward_matches_a_naive_loop(activation):
    rng = np.random.default_rng(1)
    for _ in range(50):
        x, w, _ = random_instance(rng)
        f = rnn.forward(x, w, activation)
        assert np.allclose(f["h"], naive_forward(x, w, activation), rtol=1e-12, atol=1e-12)
        assert np.allclose(f["xi"], x + f["recurrent"], rtol=0, atol=1e-15)


def test_linear_rnn_is_an_iir_filter():
    """A linear RNN is the IIR filter 1/(1 − Σ w[m] z^−m): scipy.signal.lfilter must agree."""
    from scipy.signal import lfilter

    rng = np.random.default_rng(2)
    for _ in range(20):
        x, w, _ = random_instance(rng)
        expected = lfilter([1.0], np.concatenate([[1.0], -w]), x)
        assert np.allclose(rnn.forward(x, w, "linear")["h"], expected, rtol=1e-12, atol=1e-12)


# --- back-propagation through time against central finite differences ---------------------------
@pytest.mark.parametrize("activation", ACTIVATIONS)
def test_bptt_gradients_match_finite_differences(activation):
    rng = np.random.default_rng(3)
    for _ in range(50):
        x, w, y = random_instance(rng)
        b = rnn.bptt(x, w, y, activation)
        assert math.isclose(b["L"], naive_loss(x, w, y, activation), rel_tol=1e-12)
        # dL/dw[m]
        assert close(b["dL_dw"], numeric_gradient(lambda v: naive_loss(x, v, y, activation), w))
        # dL/dξ[n] = dL/dx[n], since ξ[n] = x[n] + …
        assert close(b["dL_dxi"], numeric_gradient(lambda v: naive_loss(v, w, y, activation), x))
        # dL/dh[n]: the total derivative, by nudging h[n] just after it is computed
        zero = np.zeros(len(x))
        assert close(b["dL_dh"], numeric_gradient(lambda v: naive_loss(x, w, y, activation, v), zero))


# --- worked by hand ------------------------------------------------------------------------------
def test_linear_rnn_three_steps_by_hand():
    # h = [1, 2 + 1/2, −1 + 5/4] = [1, 5/2, 1/4]; e = h − y = [1, 3/2, 1/4]
    # dL/dh[2] = 1/4; dL/dh[1] = 3/2 + (1/4)(1/2) = 13/8; dL/dh[0] = 1 + (13/8)(1/2) = 29/16
    # dL/dw[1] = (13/8)(1) + (1/4)(5/2) = 9/4; L = (1 + 9/4 + 1/16)/2 = 53/32
    b = rnn.bptt(exact([1, 2, -1]), exact(["1/2"]), exact([0, 1, 0]), "linear")
    assert list(b["h"]) == [1, R(5, 2), R(1, 4)]
    assert b["L"] == R(53, 32)
    assert list(b["dL_dh"]) == [R(29, 16), R(13, 8), R(1, 4)]
    assert list(b["dL_dxi"]) == [R(29, 16), R(13, 8), R(1, 4)]
    assert list(b["dL_dw"]) == [R(9, 4)]
    # truncated BPTT keeps only h − y: dL/dw[1] = (3/2)(1) + (1/4)(5/2) = 17/8
    t = rnn.backprop_through_time(b["h"], b["dh_dxi"], exact(["1/2"]), exact([0, 1, 0]), truncate=True)
    assert list(t["dL_dh"]) == [1, R(3, 2), R(1, 4)] and list(t["dL_dw"]) == [R(17, 8)]
    # feeding back x instead of h: h = [1, 2 + 1/2, −1 + 1] = [1, 5/2, 0]
    assert list(rnn.forward_input_fed_back(exact([1, 2, -1]), exact(["1/2"]), "linear")["h"]) == [1, R(5, 2), 0]
    # a student's own outputs fed back (error carried forward): their h[0] = 2 slipped, so
    # h[1] = 2 + 2/2 = 3 and, from their h[1] = 3, h[2] = −1 + 3/2 = 1/2; h[0] has no earlier step
    own = rnn.forward([1.0, 2.0, -1.0], [0.5], "linear", fed_back=[2.0, 3.0, 0.5])["h"]
    assert own.tolist() == [1, 3, 0.5]
    assert rnn.forward([1.0, 2.0, -1.0], [0.5], "linear", fed_back=[1.0, 2.5, 0.25])["h"].tolist() == [1, 2.5, 0.25]


def test_sigmoid_rnn_exact_by_hand():
    # ξ[0] = ln 3 → h[0] = 3/4; ξ[1] = (ln 2 − 3/8) + (1/2)(3/4) = ln 2 → h[1] = 2/3
    # σ′ = h(1 − h) = [3/16, 2/9]; y = [0, 1]: e = [3/4, −1/3]
    # dL/dh[1] = −1/3, dL/dξ[1] = −2/27; dL/dh[0] = 3/4 + (−2/27)(1/2) = 77/108, dL/dξ[0] = 77/576
    # dL/dw[1] = (−2/27)(3/4) = −1/18; L = (9/16 + 1/9)/2 = 97/288
    x = np.array([sp.log(3), sp.log(2) - R(3, 8)], dtype=object)
    b = rnn.bptt(x, exact(["1/2"]), exact([0, 1]), "sigmoid")
    assert list(b["xi"]) == [sp.log(3), sp.log(2)]
    assert list(b["h"]) == [R(3, 4), R(2, 3)]
    assert b["L"] == R(97, 288)
    assert list(b["dL_dh"]) == [R(77, 108), R(-1, 3)]
    assert list(b["dL_dxi"]) == [R(77, 576), R(-2, 27)]
    assert list(b["dL_dw"]) == [R(-1, 18)]


def test_tanh_rnn_two_lags_exact_by_hand():
    # w = [1, −1]; ξ = [ln 2, ln 3, −ln 2] → h = tanh = [3/5, 4/5, −3/5]; y = 0
    # tanh′ = 1 − h² = [16/25, 9/25, 16/25]
    # dL/dh[2] = −3/5, dL/dξ[2] = −48/125
    # dL/dh[1] = 4/5 + (−48/125)(1) = 52/125, dL/dξ[1] = 468/3125
    # dL/dh[0] = 3/5 + (468/3125)(1) + (−48/125)(−1) = 3543/3125, dL/dξ[0] = 56688/78125
    # dL/dw[1] = (468/3125)(3/5) + (−48/125)(4/5) = −3396/15625; dL/dw[2] = (−48/125)(3/5) = −144/625
    x = np.array([sp.log(2), sp.log(3) - R(3, 5), -sp.log(2) - R(1, 5)], dtype=object)
    b = rnn.bptt(x, exact([1, -1]), exact([0, 0, 0]), "tanh")
    assert list(b["h"]) == [R(3, 5), R(4, 5), R(-3, 5)]
    assert b["L"] == R(17, 25)
    assert list(b["dL_dh"]) == [R(3543, 3125), R(52, 125), R(-3, 5)]
    assert list(b["dL_dxi"]) == [R(56688, 78125), R(468, 3125), R(-48, 125)]
    assert list(b["dL_dw"]) == [R(-3396, 15625), R(-144, 625)]


# --- the problems ---------------------------------------------------------------------------------
def test_exam_instances_have_rational_outputs():
    """The exam design makes every ξ[n] 0 or ±ln q, so h and every gradient are fractions."""
    for pid in ("rnn-forward", "rnn-bptt"):
        for seed in range(30):
            inst = get(pid).sample(seed, "exam")
            for part in inst.problem.parts:
                assert all(v.is_Rational for v in np.ravel(inst.values[part])), (pid, seed, part)


def run_solve(pid, params):
    return subprocess.run(["examgen", "solve", pid, "--params", "-", "--json"], input=json.dumps(params),
                          capture_output=True, text=True)


def test_cli_solves_a_given_instance():
    out = run_solve("rnn-bptt", {"x": [1, 2, -1], "w": ["1/2"], "activation": "linear", "y": [0, 1, 0],
                                 "eta": "1/2"})
    assert out.returncode == 0, out.stderr
    answers = json.loads(out.stdout)["answers"]
    assert answers["L"] == pytest.approx(53 / 32)
    assert answers["dL_dh"] == pytest.approx([29 / 16, 13 / 8, 1 / 4])
    assert answers["dL_dw"] == pytest.approx([9 / 4])
    assert answers["w_new"] == pytest.approx([1 / 2 - 9 / 8])      # w − η dL/dw
    out = run_solve("rnn-forward", {"x": ["ln(3)", "ln(2) - 3/8"], "w": [0.5], "activation": "sigmoid"})
    assert out.returncode == 0, out.stderr
    assert json.loads(out.stdout)["answers"]["h"] == pytest.approx([3 / 4, 2 / 3])


@pytest.mark.parametrize("params, message", [
    ({"x": [1, 2], "w": [1], "activation": "tanh", "y": [0, 1, 2], "eta": 1}, "y must be T"),
    ({"x": [1, 2], "w": 1, "activation": "tanh", "y": [0, 1], "eta": 1}, "at least one lag"),
    ({"x": [1, 2], "w": [[1]], "activation": "tanh", "y": [0, 1], "eta": 1}, "at least one lag"),
    ({"x": [1, 2], "w": [1], "activation": "relu", "y": [0, 1], "eta": 1}, "activation must be one of"),
])
def test_bad_parameters_are_refused_clearly(params, message):
    with pytest.raises(ExamgenError, match=message):
        get("rnn-bptt").from_params(params)
    out = run_solve("rnn-bptt", params)
    assert out.returncode != 0 and message in out.stderr and "Traceback" not in out.stderr
