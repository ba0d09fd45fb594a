"""The numeric problems' fast paths (issue 12) give what the plain way gives, value for value.

ops.integers (the convolutions of whole-number arrays are summed in int64 by one einsum: checked
against the formulas, with the other kinds of entries, in test_speed_core); ops.indices against
np.ndindex; pool.window_argmax against the plain walk over the block; conv2d-backward's refusal of
a kernel that is its own 180° rotation against the library's own rule, which refuses such a draw
after solving it.
"""
import numpy as np
import pytest

from examgen import bank
from examgen.engine import conv, ops, pool
from examgen.engine.exact import Exact, log
from examgen.instance import rejection, solve
from examgen.sampling import Draw, exact

from helpers import same_entries as _same


def test_integers_takes_only_whole_exacts_within_the_bound():
    a = exact([[1, -2], [0, ops.WHOLE_BOUND]])
    whole = ops.integers(a)
    assert whole.dtype == np.int64 and whole.tolist() == [[1, -2], [0, ops.WHOLE_BOUND]]
    assert _same(ops.exacts(whole), a)
    for other in (exact([1, ops.WHOLE_BOUND + 1]), exact([1, -ops.WHOLE_BOUND - 1]), exact([1, "1/2"]),
                  exact([1, 2]) * log(2), np.ones(2), np.array([1, 2], dtype=object), Exact(3)):
        assert ops.integers(other) is None


@pytest.mark.parametrize("shape", [(), (0,), (3,), (2, 0, 2), (2, 3, 1), (1, 2, 3, 2)])
def test_indices_are_ndindex(shape):
    got = list(ops.indices(*shape))
    assert got == list(np.ndindex(*shape)) and all(type(i) is int for idx in got for i in idx)


def test_window_argmax_is_the_first_largest_entry_row_by_row():
    def plain(block):
        best = (0, 0)
        for idx in np.ndindex(*block.shape):
            if bool(block[idx] > block[best]):
                best = idx
        return best

    rng = np.random.default_rng(5)
    for trial in range(300):
        shape = tuple(int(n) for n in rng.integers(1, 4, 2))
        values = rng.integers(-3, 3, shape)   # ties often
        blocks = [exact(values), values.astype(float)]
        if trial % 10 == 0:
            blocks[1].flat[0] = np.nan
        for block in blocks:
            got = pool.window_argmax(block)
            assert got == plain(block) and all(type(i) is int for i in got), (trial, block)


def test_a_kernel_that_is_its_own_half_turn_is_refused_by_the_rule_too():
    """Every such kernel the draw refuses, the library's rule refuses after solving: the
    convolution-in-backprop mistake then gives the right ∂L/∂h."""
    problem = bank.get("conv2d-backward")
    rng = np.random.default_rng(9)
    for trial in range(40):
        mode = ("valid", "full", "same")[trial % 3]
        M, N, K1, K2, C, D = (int(n) for n in rng.integers(1, [5, 5, 4, 4, 3, 3]))
        M, N = max(M, K1), max(N, K2)
        w = rng.integers(-2, 4, (K1, K2, C, D))
        w = w + w[::-1, ::-1]                                     # its own 180° rotation
        params = {"h": exact(rng.integers(-2, 4, (M, N, C))), "w": exact(w), "mode": mode}
        params["dL_dxi"] = exact(rng.integers(-2, 3, conv.output_shape((M, N, C), w.shape, mode)))
        why = rejection(solve(problem, params), exam=True)
        assert why == "the mistake convolution-in-backprop gives the right dL_dh", (trial, why)


def test_conv2d_backward_draws_refuse_exactly_the_half_turn_kernels():
    problem = bank.get("conv2d-backward")
    refused = kept = 0
    for seed in range(150):
        rng = Draw.for_instance("conv2d-backward", "exam", seed)
        try:
            p = problem.module.draw(rng, {"mode": ("valid", "full", "same")[seed % 3]})
        except ValueError as e:
            assert str(e).startswith("the mistake convolution-in-backprop gives the right dL_dh")
            refused += 1
            continue
        assert not (p["w"] == conv.flip(p["w"])).all()
        kept += 1
    assert refused and kept
