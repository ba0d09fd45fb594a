"""Max pooling after a ReLU, and its back-prop.

ξ[m, n, c] is M × N × C; with pooling factor `pool` (dividing M and N) the output h is
(M/pool) × (N/pool) × C. Plain loops over the windows, for float and exact arrays alike.
"""
from __future__ import annotations

import numpy as np

from . import ops
from .conv import conv2d, conv2d_backward, zeros


def check_pool(M: int, N: int, pool: int) -> None:
    """Raise ValueError unless `pool` is a positive whole number dividing both M and N."""
    if isinstance(pool, bool) or not isinstance(pool, (int, np.integer)) or pool < 1:
        raise ValueError(f"pool must be a positive whole number, not {pool!r}")
    if M % pool or N % pool:
        raise ValueError(f"pool = {pool} must divide the image size {M} × {N}")


def check_unique_maxima(xi, pool: int, what: str = "ξ") -> None:
    """Raise ValueError where a block's positive maximum is tied (the gradient's route would be
    ambiguous) or its maximum is exactly 0 (the ReLU has no derivative there)."""
    M, N, C = xi.shape
    for m, n, c in ops.indices(M // pool, N // pool, C):
        block = list(window(xi, pool, m, n, c).flat)
        top = max(block)
        if top > 0 and sum(1 for v in block if v == top) > 1:
            raise ValueError(f"{what}'s pooling block ({m}, {n}) of channel {c} has a tied maximum {top}; "
                             "the gradient's route would be ambiguous")
        if top == 0:
            raise ValueError(f"{what}'s pooling block ({m}, {n}) of channel {c} has maximum 0, where the "
                             "ReLU has no derivative")


def window(xi, pool: int, m: int, n: int, c: int):
    """The pool × pool block ξ[m·pool+m′, n·pool+n′, c], m′, n′ ∈ [0, pool)."""
    return xi[m * pool:(m + 1) * pool, n * pool:(n + 1) * pool, c]


def window_argmax(block) -> tuple[int, int]:
    """(m*, n*) of the largest entry of a block (the first one, row by row, on a tie)."""
    entries = block.ravel().tolist() if block.dtype != object else list(block.flat)
    best = 0
    for k in range(1, len(entries)):
        if bool(entries[k] > entries[best]):
            best = k
    return divmod(best, block.shape[1])


def maxpool(xi, pool: int) -> dict:
    """h[m,n,c] = max_{m′,n′ ∈ [0,pool)} ReLU(ξ[m·pool+m′, n·pool+n′, c]) = ReLU(max of the window)."""
    M, N, C = xi.shape
    check_pool(M, N, pool)
    out_shape = (M // pool, N // pool, C)
    xi_max = zeros(out_shape, xi)
    argmax = np.zeros(out_shape + (2,), dtype=int)   # row and column of the max in ξ
    for m, n, c in ops.indices(*out_shape):
        m_star, n_star = window_argmax(window(xi, pool, m, n, c))
        argmax[m, n, c] = (m * pool + m_star, n * pool + n_star)
        xi_max[m, n, c] = xi[m * pool + m_star, n * pool + n_star, c]
    return {"relu_xi": ops.relu(xi), "xi_max": xi_max, "argmax": argmax, "h": ops.relu(xi_max)}


def route(dL_dh, argmax, passes, shape):
    """∂L/∂ξ: ∂L/∂h[m,n,c] sent to ξ[argmax[m,n,c], c] where `passes`, 0 everywhere else."""
    dL_dxi = zeros(shape, dL_dh)
    for m, n, c in ops.indices(*dL_dh.shape):
        if passes[m, n, c]:
            row, col = argmax[m, n, c]
            dL_dxi[row, col, c] = dL_dh[m, n, c]
    return dL_dxi


def maxpool_backward(xi, pool: int, dL_dh) -> dict:
    """∂L/∂ξ[m·pool+m*, n·pool+n*, c] = ∂L/∂h[m,n,c] if h[m,n,c] > 0 ((m*, n*) the window's max); every other ∂L/∂ξ = 0."""
    fwd = maxpool(xi, pool)
    passes = ops.is_positive(fwd["h"])
    return {**fwd, "passes": passes, "dL_dxi": route(dL_dh, fwd["argmax"], passes, xi.shape)}


def spread_backward(xi, pool: int, dL_dh, passes):
    """The spread mistake: ∂L/∂h[m,n,c] copied to every input of its window (where `passes`)."""
    dL_dxi = zeros(xi.shape, dL_dh)
    for m, n, c in ops.indices(*dL_dh.shape):
        if passes[m, n, c]:
            dL_dxi[m * pool:(m + 1) * pool, n * pool:(n + 1) * pool, c].fill(dL_dh[m, n, c])
    return dL_dxi


def conv_pool_layer(h, w, mode: str, pool: int, dL_dp) -> dict:
    """One convolutional layer, ξ = w * h (true convolution), p = max-pool of ReLU(ξ), and its
    back-prop from ∂L/∂p: through the max and the ReLU's step to ∂L/∂ξ, then the correlations
    of conv2d_backward to ∂L/∂h and ∂L/∂w."""
    fwd = conv2d(h, w, mode)
    pooled = maxpool_backward(fwd["xi"], pool, dL_dp)
    pooled["p"] = pooled.pop("h")                  # the pooled output; h is the layer's input image
    back = conv2d_backward(h, w, pooled["dL_dxi"], mode)
    return {**fwd, **pooled, "G": back["G"], "dL_dh": back["dL_dh"], "dL_dw": back["dL_dw"]}
