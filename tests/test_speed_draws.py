"""The fast paths of anchor-labels, mlp-backprop and activation-identity decide as the generic
path does, from the same random stream."""
import itertools
from contextlib import nullcontext

import numpy as np
import pytest
import sympy as sp

from examgen.bank import load_bank
from examgen.engine import identities, ops
from examgen.engine import mlp as engine_mlp
from examgen.instance import sample
from examgen.samplers import mlp
from examgen.sampling import Draw, exact

BANK = load_bank()


@pytest.mark.parametrize("profile", ["exam", "drill"])
def test_anchor_labels_early_refusal_is_the_mistakes_rule(profile, monkeypatch):
    """The draw refuses on its own numbers what the generic rule refuses from the solved
    instance: dividing by the reference's area gives the right y_c, or does not apply."""
    module = BANK["anchor-labels"].module
    fast, seen = module._some_label_mistaken, []
    monkeypatch.setattr(module, "_some_label_mistaken", lambda rows, t: seen.append((rows, t)))
    rng, decided = Draw.for_instance("anchor-labels", profile, 0), 0
    for _ in range(400):
        try:
            p = module.draw(rng, {})
        except ValueError:
            continue
        s = module.solve(p)
        wrong = module.mistake_over_ref_area(p, s)
        generic = wrong is None or list(wrong["y_c"]) == list(s["y_c"])
        with pytest.raises(ValueError) if generic else nullcontext():
            fast(*seen[-1])
        decided += 1
    assert decided > 100



def _output_rows_by_loops(m, output):
    """The second-layer rows of a sigmoid/softmax output, by plain nested loops over the network."""
    allowed = mlp.SIGMOID_Q if output == "sigmoid" else mlp.SOFTMAX_Q
    n, N = m.shape
    out = []
    for e in itertools.product((-1, 1), repeat=N):
        for r in itertools.product((2, 3), repeat=N):
            for b in (-1, 0, 1):
                for rb in (2, 3):
                    c = m * np.array(e)
                    q = tuple((int(sum(c[i, j] for j in range(N) if r[j] == 2) + (b if rb == 2 else 0)),
                               int(sum(c[i, j] for j in range(N) if r[j] == 3) + (b if rb == 3 else 0)))
                              for i in range(n))
                    if all(v in allowed for v in q):
                        out.append((e, r, b, rb, q))
    return out


@pytest.mark.parametrize("output", ["sigmoid", "softmax"])
def test_output_rows_per_example_match_nested_loops(output):
    """_output_rows intersects remembered per-example choices; the loops over the whole network agree."""
    rng = np.random.default_rng(12)
    for _ in range(150):
        m = rng.integers(-3, 4, size=(int(rng.integers(1, 4)), 2)).astype(np.int64)
        want = _output_rows_by_loops(m, output)
        try:
            got = mlp._output_rows(m.tobytes(), m.shape, output, False)
        except ValueError:
            got = []
        assert list(got) == want


def test_missing_inner_factor_is_sympys_evaluated_expression():
    """identities.without_inner_factor builds tanh(u) by its one rule; SymPy's evaluation of the
    mistake's expressions gives the same trees, for every exam (a, b) and a spread of the drill's."""
    module = BANK["activation-identity"].module
    drill = [(sp.Rational(i, 10), sp.Rational(j, 10)) for i in range(-30, 31) for j in range(-20, 21) if i][::37]
    pairs = [(identities._number(exact(a)), identities._number(exact(b)))
             for a in module.EXAM_A for b in module.EXAM_B] + drill
    for a, b in pairs:
        u = a * identities.xi + b
        assert identities.without_inner_factor("tanh-via-sigma", a, b) == 2 * identities.sigma(u) - 1
        assert identities.without_inner_factor("sigmoid-via-tanh", a, b) == (1 + sp.tanh(u)) / 2


@pytest.mark.parametrize("profile", ["exam", "drill"])
def test_wrong_first_layer_is_the_whole_backward_pass_there(profile):
    """A mistake in g₁′ changes only the first layer's gradients: recomputed from the right ∇_h L,
    they are those of the whole backward pass with that g₁′."""
    p = BANK["mlp-backprop"]
    for seed in range(12):
        inst = sample(p, seed, profile, {"hidden": ("sigmoid", "tanh", "relu")[seed % 3]})
        params, s = inst.params, inst.values
        for g1_prime in (s["h"], ops.zero_like(s["h"]) + 1):
            whole = engine_mlp.backward(params["x"], s["h"], params["W2"], s["dL_dxi2"], g1_prime)
            first = mlp.wrong_first_layer(params, s, g1_prime)
            assert set(first) == {"dL_dxi1", "dL_dW1", "dL_db1"}
            assert all(repr(first[k]) == repr(whole[k]) for k in first)
