"""Forward pass of a two-layer network (the network is drawn by examgen.samplers.mlp; see its docstring)."""
import numpy as np

from examgen.engine import mlp as engine
from examgen.samplers import mlp


def draw(rng, options):
    hidden, output = options["hidden"], options["output"]
    return {**mlp.draw_network(rng, hidden, output, *mlp.draw_sizes(rng, hidden, output)),
            "hidden": hidden, "output": output}


def validate(p):
    mlp.check_network(p)


def solve(p):
    return mlp.forward(p)


def mistake_no_output_activation(p, s):
    if p["output"] == "linear":
        return None
    return {"yhat": s["xi2"]}


def mistake_bias_dropped(p, s):
    zero = lambda v: 0 * engine.ops.asarray(v)  # noqa: E731
    wrong = engine.forward(p["x"], p["W1"], zero(p["b1"]), p["W2"], zero(p["b2"]), p["hidden"], p["output"])
    return {k: wrong[k] for k in ("xi1", "h", "xi2", "yhat")}


# Error carried forward: each part recomputed from the student's own earlier answers.
def carry_h(p, given):
    return engine.hidden_activation(p["hidden"])[0](given["xi1"])


def carry_xi2(p, given):
    return given["h"] @ np.asarray(p["W2"]).T + np.asarray(p["b2"])


def carry_yhat(p, given):
    return engine.output_activation(p["output"], given["xi2"])
