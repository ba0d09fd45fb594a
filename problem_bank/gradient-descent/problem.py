"""One gradient-descent step on a two-layer network: back-propagation, then W ← W − η∇_W L.

The network is drawn by examgen.samplers.mlp. In the exam profile η is 1/2, 1 or 2, chosen
against the gradients' denominators so that the updates stay small fractions.
"""
from examgen.engine import mlp as engine
from examgen.engine import ops
from examgen.samplers import mlp
from examgen.sampling import float_params

PARTS = ("W1_new", "b1_new", "W2_new", "b2_new")
FIRST_LAYER = ("W1_new", "b1_new")


def draw(rng, options):
    p = mlp.draw_problem(rng, options)
    mlp.clear(mlp.gradients(float_params(p)))  # screened in floats: cheap
    if rng.exam:
        import sympy as sp

        eta = rng.choice([sp.Rational(1, 2), sp.Integer(1), sp.Integer(2)])
    else:
        eta = rng.choice([0.1, 0.2, 0.5])
    return {**p, "eta": eta}


def validate(p):
    mlp.check(p)
    if ops.to_float(p["eta"]) <= 0:
        raise ValueError("the learning rate eta must be positive")


def solve(p):
    s = mlp.gradients(p)
    return {**s, **step(p, s)}


def step(p, grads, sign=1):
    """W − η∇ (sign = −1 gives the flipped step W + η∇)."""
    return engine.gradient_descent_step(p, grads, sign * p["eta"])


def _wrong_step(p, s, grads, names):
    if grads is None:
        return None
    new = step(p, {**s, **grads})
    return {k: new[k] for k in names}


def mistake_sign_flipped(p, s):
    return step(p, s, sign=-1)


def mistake_n_dropped(p, s):
    return _wrong_step(p, s, mlp.without_1_over_n(p, s), PARTS)


def mistake_missing_activation_derivative(p, s):
    return _wrong_step(p, s, mlp.without_g1_prime(p, s), FIRST_LAYER)


def mistake_activation_for_derivative(p, s):
    return _wrong_step(p, s, mlp.g1_for_g1_prime(p, s), FIRST_LAYER)
