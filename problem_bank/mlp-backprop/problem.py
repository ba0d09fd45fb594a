"""Back-propagation through a two-layer network: the loss and every gradient.

The network and targets are drawn by examgen.samplers.mlp (exact, hand-workable numbers in the
exam profile; see its docstring): integers for a linear output with MSE, 0/1 for a sigmoid
output with BCE, one-hot rows for softmax with cross-entropy (the drill adds sigmoid + MSE).
"""
import numpy as np

from examgen.engine import mlp as engine
from examgen.samplers import mlp
from examgen.sampling import float_params


def draw(rng, options):
    p = mlp.draw_problem(rng, options)
    mlp.clear(mlp.gradients(float_params(p)))  # screened in floats: cheap
    return p


def validate(p):
    mlp.check(p)


def solve(p):
    return mlp.gradients(p)


GRAD_PARTS = ("dL_dxi2", "dL_dxi1", "dL_dW2", "dL_db2", "dL_dW1", "dL_db1")
HIDDEN_PARTS = ("dL_dxi1", "dL_dW1", "dL_db1")


def _parts(wrong, names):
    return None if wrong is None else {k: wrong[k] for k in names}


def mistake_n_dropped(p, s):
    return _parts(mlp.without_1_over_n(p, s), GRAD_PARTS)


def mistake_transposed_weight_gradient(p, s):
    return {"dL_dW2": s["dL_dW2"].T, "dL_dW1": s["dL_dW1"].T}


def mistake_missing_activation_derivative(p, s):
    return _parts(mlp.without_g1_prime(p, s), HIDDEN_PARTS)


def mistake_activation_for_derivative(p, s):
    return _parts(mlp.g1_for_g1_prime(p, s), HIDDEN_PARTS)


def mistake_other_derivative_formula(p, s):
    return _parts(mlp.other_derivative(p, s), HIDDEN_PARTS)


# Error carried forward: each part recomputed from the student's own earlier answers.
def _backward(p, dL_dxi2):
    f = engine.forward(p["x"], p["W1"], p["b1"], p["W2"], p["b2"], p["hidden"], p["output"])
    g1_prime = engine.hidden_activation(p["hidden"])[1](f["xi1"])
    return engine.backward(p["x"], f["h"], p["W2"], dL_dxi2, g1_prime)


def carry_dL_dxi1(p, given):
    return _backward(p, given["dL_dxi2"])["dL_dxi1"]


def carry_dL_dW2(p, given):
    return _backward(p, given["dL_dxi2"])["dL_dW2"]


def carry_dL_db2(p, given):
    return _backward(p, given["dL_dxi2"])["dL_db2"]


def carry_dL_dW1(p, given):
    x = np.asarray(p["x"])
    if "dL_dxi1" not in given:   # the second route: one example, so ∇_b¹ L is that example's ∇_ξ¹ L
        return np.outer(given["dL_db1"], x[0]) if len(x) == 1 else None
    return given["dL_dxi1"].T @ x


def carry_dL_db1(p, given):
    return given["dL_dxi1"].sum(axis=0)
