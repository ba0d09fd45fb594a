"""Forward pass of a scalar RNN. Exam: sigmoid/tanh inputs are chosen so that every ξ[n] is
0 or ±ln q (exact fractional outputs); linear RNNs use halves."""
import numpy as np

from examgen.engine import ops, rnn
from examgen.sequence_draws import rnn_sequence


def draw(rng, options):
    x, w = rnn_sequence(rng, options["activation"])
    return {"x": x, "w": w, "activation": options["activation"]}


def validate(p):
    if np.ndim(p["w"]) != 1 or len(p["w"]) < 1:
        raise ValueError("w must be a list [w[1], …, w[M−1]] of lag weights with at least one lag")


def solve(p):
    out = rnn.forward(p["x"], p["w"], p["activation"])
    if p["activation"] == "sigmoid":
        out["exp_neg_xi"] = ops.exp(-out["xi"])
    if p["activation"] == "tanh":
        out["exp_neg_2xi"] = ops.exp(-2 * out["xi"])
    return out


def mistake_input_fed_back(p, s):
    if len(p["x"]) < 2:
        return None  # one step: nothing is fed back
    return {"h": rnn.forward_input_fed_back(p["x"], p["w"], p["activation"])["h"]}


def mistake_excitation_fed_back(p, s):
    if p["activation"] == "linear" or len(p["x"]) < 2:
        return None  # h = ξ, or nothing fed back: the same answer
    return {"h": rnn.forward_excitation_fed_back(p["x"], p["w"], p["activation"])["h"]}


# Error carried forward: each h[n] from the student's own earlier outputs h[n−m].
def carry_h(p, given):
    return rnn.forward(p["x"], p["w"], p["activation"], fed_back=given["h"])["h"]
