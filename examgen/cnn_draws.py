"""Shared draws of the CNN problems: convolution layouts, pooled feature maps, pooling windows.

Ordinary functions of a `Draw` (examgen.sampling), imported by the problems that need them
(conv2d-*, maxpool-*, conv-pool-layer), so no problem reaches another through the bank.
"""
from __future__ import annotations

from functools import lru_cache

import numpy as np

from .engine import conv, ops
from .sampling import exact


# --- convolution layouts ---------------------------------------------------------------------
def products(M: int, N: int, K1: int, K2: int, mode: str) -> int:
    """How many products w·h (inside the image) a single-channel convolution in `mode` adds up:
    the hand work it takes."""
    def pairs(M, K):   # (kept output, kernel index) pairs that land on the image, along one axis
        start, kept = conv.output_window(M, K, mode)
        return sum(1 for m in range(start, start + kept) for i in range(K) if 0 <= m - i < M)
    return pairs(M, K1) * pairs(N, K2)


@lru_cache(maxsize=16)
def exam_conv_layouts(mode: str, max_products: int = 36) -> tuple[tuple, ...]:
    """(M, N, K₁, K₂, C, D) a student convolves by hand in `mode`: 3–4 × 3–4 images, kernels 1–3
    on a side (non-square ones too, never 1 × 1), two channels only with small kernels and
    images, and at most `max_products` products w·h in all (a few minutes of work). Remembered:
    every draw in a mode picks from the same list, which takes some 1,000 products to count."""
    out = []
    for M, N, K1, K2 in ops.indices(5, 5, 4, 4):
        if M < 3 or N < 3 or K1 < 1 or K2 < 1 or K1 * K2 == 1:
            continue
        if mode == "valid" and (K1 > M - 1 or K2 > N - 1):
            continue                                  # a valid output of one row or column is thin
        for C, D in ((1, 1), (2, 1), (1, 2)):
            if C * D > 1 and (K1 * K2 > 4 or M * N > 9):
                continue
            if products(M, N, K1, K2, mode) * C * D <= max_products:
                out.append((M, N, K1, K2, C, D))
    return tuple(out)


def draw_image_and_kernel(draw, mode: str) -> dict:
    """Exam: an image of integers in −2..3 and a kernel of integers in −2..3 from one of the
    hand-workable layouts (non-square kernels among them); drill: decimals, 1–3 channels."""
    if draw.exam:
        M, N, K1, K2, C, D = draw.choice(exam_conv_layouts(mode))
        return {"h": draw.ints(-2, 3, (M, N, C)), "w": draw.ints(-2, 3, (K1, K2, C, D), nonzero=True)}
    C, D = draw.size(1, 3), draw.size(1, 3)
    K1, K2 = draw.size(1, 3), draw.size(2, 3)
    M, N = draw.size(K1, 6), draw.size(K2, 6)
    return {"h": draw.decimals(-2, 2, (M, N, C)), "w": draw.decimals(-1, 1, (K1, K2, C, D))}


def check_conv_fits(h, w, mode: str) -> None:
    (M, N, _), (K1, K2, _, _) = h.shape, w.shape
    if mode == "valid" and (K1 > M or K2 > N):
        raise ValueError(f"a {K1} × {K2} kernel does not fit inside a {M} × {N} image, "
                         "so mode valid has no output; use full or same")


# --- pooled feature maps -------------------------------------------------------------------------
# Exam pooling layouts: (pool, windows down, windows across, channels).
EXAM_POOL_LAYOUTS = ((2, 2, 2, 1), (2, 1, 2, 1), (2, 2, 1, 1), (2, 2, 3, 1), (2, 3, 2, 1),
                     (2, 2, 2, 2), (2, 1, 2, 2), (3, 1, 2, 1), (3, 2, 1, 1), (3, 2, 2, 1))


def draw_pool_layout(draw, pool=None) -> tuple[int, tuple]:
    """(pool, (windows down, windows across, channels)) of a max-pooling problem (two windows at least)."""
    if draw.exam:
        layouts = [l for l in EXAM_POOL_LAYOUTS if pool is None or l[0] == pool] or \
            [(pool, 1, 2, 1), (pool, 2, 1, 1)]
        pool, *shape = draw.choice(layouts)
        return pool, tuple(shape)
    pool = pool or draw.choice([2, 3])
    return pool, (draw.size(1, 3), draw.size(2, 3), draw.size(1, 2))


def draw_xi(draw, pool=None) -> dict:
    """ξ with distinct, nonzero entries in every window; some windows all negative, some not."""
    pool, shape = draw_pool_layout(draw, pool)
    negative = draw.rng.random(shape) < 1 / 3     # which windows are all negative
    if negative.all() or not negative.any():       # one of each at least: flip one window
        negative.flat[draw.size(0, negative.size - 1)] = not negative.all()
    xi = np.empty((shape[0] * pool, shape[1] * pool, shape[2]), dtype=object if draw.exam else float)
    for m, n, c in ops.indices(*shape):
        xi[m * pool:(m + 1) * pool, n * pool:(n + 1) * pool, c] = draw_window(draw, pool, negative[m, n, c])
    return {"xi": xi, "pool": pool}


def draw_window(draw, pool: int, all_negative: bool):
    """pool × pool distinct nonzero numbers: all negative, or with at least one positive."""
    k = pool * pool
    if draw.exam:
        r = 5 if pool == 2 else 3 * pool              # enough distinct integers for a window
        values = np.array(range(-r, 0)) if all_negative else np.array([v for v in range(-r, r + 1) if v])
        while True:
            chosen = values[draw.permutation(len(values))[:k]]
            if all_negative or chosen.max() > 0:
                return exact(chosen.reshape(pool, pool))
    while True:
        block = draw.decimals(-3, -0.05, (pool, pool)) if all_negative else \
            draw.decimals(-3, 3, (pool, pool), nonzero=True)
        if len(set(block.flat)) == k and (all_negative or block.max() > 0):
            return block

