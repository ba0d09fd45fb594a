"""Back-propagation through a two-layer network: the loss and every gradient.

The network is drawn by mlp-forward's sampler (exact, hand-workable numbers in the exam
profile; see its docstring). Targets: integers for a linear output with MSE, 0/1 for a
sigmoid output, one-hot rows for softmax with cross-entropy. The default mixes the three
canonical output/loss pairs with, now and then, the non-canonical (sigmoid, mse).
"""
import sys

import numpy as np

from examgen.bank import get
from examgen.engine import losses, mlp, ops
from examgen.errors import ExamgenError
from examgen.sampling import float_params

net = get("mlp-forward").module

# Default mix: the canonical pairs twice as often as sigmoid + MSE.
PAIRS = [("linear", "mse"), ("sigmoid", "bce"), ("softmax", "ce")] * 2 + [("sigmoid", "mse")]
LOSS_FOR_OUTPUT = {"linear": ["mse"], "sigmoid": ["bce", "bce", "mse"], "softmax": ["ce"]}
OUTPUT_FOR_LOSS = {"mse": ["linear", "linear", "sigmoid"], "bce": ["sigmoid"], "ce": ["softmax"]}


# --- shared with gradient-descent -------------------------------------------------------------
def choose_pair(draw, options):
    """(output, loss): the spec's, or a sensible draw."""
    output, loss = options.get("output"), options.get("loss")
    if output and loss:
        check_pair(output, loss, error=ExamgenError)
        return output, loss
    if output:
        return output, draw.choice(LOSS_FOR_OUTPUT[output])
    if loss:
        return draw.choice(OUTPUT_FOR_LOSS[loss]), loss
    return draw.choice(PAIRS)


def check_pair(output, loss, error=ValueError):
    if loss == "bce" and output != "sigmoid":
        raise error(f"binary cross-entropy needs a sigmoid output, not {output}")
    if loss == "ce" and output != "softmax":
        raise error(f"cross-entropy with one-hot targets needs a softmax output, not {output}")


def draw_targets(draw, output, loss, n, K):
    """y (n × K): integers for a linear output, 0/1 for a sigmoid, one-hot rows for softmax."""
    if output == "linear":
        return draw.numbers(-2, 2, (n, K))
    if output == "sigmoid":
        return draw.ints(0, 1, (n, K))
    y = np.zeros((n, K), dtype=int)
    for i in range(n):
        y[i, draw.size(0, K - 1)] = 1
    return draw.array(y)


def draw_problem(draw, options, module, extra=lambda p: {}):
    """hidden, output, loss, network and targets with every mistake of `module` visible."""
    hidden = net.choose(draw, options, "hidden", mlp.HIDDEN)
    output, loss = choose_pair(draw, options)
    K = (1 if draw.exam else None) if loss == "bce" else None
    for attempt in range(net.MAX_TRIES):
        if attempt % 500 == 0:
            n, N, D, K_ = net.draw_sizes(draw, hidden, output, K)  # some sizes are hard to fill: try others
        network = net.draw_network(draw, hidden, output, n, N, D, K_)
        if network is None:
            continue
        floats, build = network
        rest = {"y": draw_targets(draw, output, loss, n, K_), "hidden": hidden, "output": output, "loss": loss}
        rest.update(extra(rest))
        p = {**floats, **float_params(rest)}  # checked in floats; exact values built once, when accepted
        s = module.solve(p)
        if _clear(p, s) and net.mistakes_show(module, p, s):
            return {**build(), **rest}
    raise ExamgenError(f"{module.__name__}: no instance found for hidden={hidden}, output={output}, loss={loss}")


def _clear(p, s):
    """A useful exercise: the output is not already perfect, and some hidden unit gets a gradient."""
    return (np.abs(ops.to_float(s["dL_dxi2"])).max() > 0.01
            and np.abs(ops.to_float(s["dL_dxi1"])).max() > 0.01)


def check(p):
    """Semantic checks of a user-given instance (shapes are checked by problem.yaml)."""
    net.check_network(p)
    check_pair(p["output"], p["loss"])
    y = ops.to_float(p["y"])
    if p["loss"] == "bce" and (y.min() < 0 or y.max() > 1):
        raise ValueError("binary cross-entropy needs targets y between 0 and 1")
    if p["loss"] == "ce" and not (np.all((y == 0) | (y == 1)) and np.all(y.sum(axis=1) == 1)):
        raise ValueError("cross-entropy needs one-hot targets: each row of y has a single 1, the rest 0")


def gradients(p):
    """L, every gradient and the intermediate values the worked solution shows."""
    s = mlp.backprop(p["x"], p["W1"], p["b1"], p["W2"], p["b2"], p["y"],
                     p["hidden"], p["output"], p["loss"])
    s["xi1"], s["xi2"] = net.tidy_logs(s["xi1"]), net.tidy_logs(s["xi2"])
    s["L"] = tidy_loss(s["L"], len(s["yhat"]))
    y, yhat = ops.asarray(p["y"]), s["yhat"]
    if p["loss"] == "bce":    # the probability given to each target
        s["p_target"] = y * yhat + (1 - y) * (1 - yhat)
    if p["loss"] == "ce":
        s["p_target"] = (y * yhat).sum(axis=1)
    if (p["output"], p["loss"]) not in losses.CANONICAL:
        s["dL_dyhat"] = losses.dL_dyhat(p["loss"], p["y"], s["yhat"])
    return s


def tidy_loss(L, n):
    """A cross-entropy of fractions written as (1/n) ln q."""
    if not ops.is_exact(L) or L.is_Rational:
        return L
    import sympy as sp

    q = sp.exp(n * L)
    return sp.log(q) / n if q.is_Rational else L


def wrong_backward(p, s, dL_dxi2=None, g1_prime=None):
    """The backward pass with a wrong ∇_ξ² L or a wrong g₁′ put in."""
    return mlp.backward(p["x"], s["h"], p["W2"], s["dL_dxi2"] if dL_dxi2 is None else dL_dxi2,
                        s["g1_prime"] if g1_prime is None else g1_prime)


def without_1_over_n(p, s):
    n = len(s["yhat"])
    if n == 1:
        return None
    return {"dL_dxi2": n * s["dL_dxi2"], **wrong_backward(p, s, dL_dxi2=n * s["dL_dxi2"])}


def without_g1_prime(p, s):
    return wrong_backward(p, s, g1_prime=ops.zero_like(s["h"]) + 1)


def g1_for_g1_prime(p, s):
    return wrong_backward(p, s, g1_prime=s["h"])


def other_derivative(p, s):
    h = s["h"]
    if p["hidden"] == "relu":
        return None
    return wrong_backward(p, s, g1_prime=(1 - h * h) if p["hidden"] == "sigmoid" else h * (1 - h))


# --- this problem -----------------------------------------------------------------------------
def sample(draw, options):
    return draw_problem(draw, options, sys.modules[__name__])


def validate(p):
    check(p)


def solve(p):
    return gradients(p)


GRAD_PARTS = ("dL_dxi2", "dL_dxi1", "dL_dW2", "dL_db2", "dL_dW1", "dL_db1")
HIDDEN_PARTS = ("dL_dxi1", "dL_dW1", "dL_db1")


def _parts(wrong, names):
    return None if wrong is None else {k: wrong[k] for k in names}


def mistake_n_dropped(p, s):
    return _parts(without_1_over_n(p, s), GRAD_PARTS)


def mistake_transposed_weight_gradient(p, s):
    return {"dL_dW2": s["dL_dW2"].T, "dL_dW1": s["dL_dW1"].T}


def mistake_missing_activation_derivative(p, s):
    return _parts(without_g1_prime(p, s), HIDDEN_PARTS)


def mistake_activation_for_derivative(p, s):
    return _parts(g1_for_g1_prime(p, s), HIDDEN_PARTS)


def mistake_other_derivative_formula(p, s):
    return _parts(other_derivative(p, s), HIDDEN_PARTS)


# Error carried forward: each part recomputed from the student's own earlier answers.
def _backward(p, dL_dxi2):
    f = mlp.forward(p["x"], p["W1"], p["b1"], p["W2"], p["b2"], p["hidden"], p["output"])
    g1_prime = mlp.hidden_activation(p["hidden"])[1](f["xi1"])
    return mlp.backward(p["x"], f["h"], p["W2"], dL_dxi2, g1_prime)


def carry_dL_dxi1(p, given):
    return _backward(p, given["dL_dxi2"])["dL_dxi1"]


def carry_dL_dW2(p, given):
    return _backward(p, given["dL_dxi2"])["dL_dW2"]


def carry_dL_db2(p, given):
    return _backward(p, given["dL_dxi2"])["dL_db2"]


def carry_dL_dW1(p, given):
    return given["dL_dxi1"].T @ ops.asarray(p["x"])


def carry_dL_db1(p, given):
    return given["dL_dxi1"].sum(axis=0)
