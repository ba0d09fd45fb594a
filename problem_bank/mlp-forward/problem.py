"""Forward pass of a two-layer network (the network is drawn by examgen.samplers.mlp; see its docstring)."""
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
