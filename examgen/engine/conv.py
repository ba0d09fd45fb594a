"""Multi-channel 2-D convolution (true convolution, not correlation) and its back-prop.

Images are h[m, n, c] (M × N × C), kernels w[m′, n′, c, d] (K₁ × K₂ × C × D), outputs
ξ[m, n, d]. Plain loops over the indices of the formulas, so that the same code works on
float64 arrays and on exact object arrays of SymPy numbers (sizes are small). Exact arrays of
whole numbers (the exam's) are summed in int64 by one einsum over the sliding windows: exact,
and a sum of integers is the same in any order.
"""
from __future__ import annotations

from functools import lru_cache

import numpy as np

from . import exact as _exact
from . import ops
from .exact import Exact

MODES = ("valid", "full", "same")


def zero(like):
    """The number 0, exact when `like` is exact, else 0.0."""
    return Exact(0) if ops.is_exact(like) else 0.0


def zeros(shape, like):
    """An array of zeros, exact when `like` is exact, else float64."""
    if ops.is_exact(like):
        out = np.empty(shape, dtype=object)
        out.fill(zero(like))   # (out[...] = would first ask the Exact for __array__ and the like)
        return out
    return np.zeros(shape)


def output_window(M: int, K: int, mode: str) -> tuple[int, int]:
    """(first index of the full result that is kept, how many are kept) along one axis."""
    if mode == "full":
        return 0, M + K - 1          # every shift with any overlap
    if mode == "valid":
        return K - 1, M - K + 1      # full overlap only, re-indexed from 0
    if mode == "same":
        return (K - 1) // 2, M       # scipy.signal.convolve2d's 'same'
    raise ValueError(f"mode must be one of {', '.join(MODES)}, not {mode!r}")


def output_shape(h_shape, w_shape, mode: str) -> tuple[int, int, int]:
    """Shape (P, Q, D) of ξ for an M × N × C image and a K₁ × K₂ × C × D kernel."""
    (M, N, _), (K1, K2, _, D) = h_shape, w_shape
    return output_window(M, K1, mode)[1], output_window(N, K2, mode)[1], D


def flip(w):
    """w̃[i, j, c, d] = w[K₁−1−i, K₂−1−j, c, d]: the kernel rotated by 180°."""
    return w[::-1, ::-1].copy()


def conv2d_full(h, w):
    """ξ[m,n,d] = Σ_c Σ_m′ Σ_n′ w[m′,n′,c,d] h[m−m′, n−n′, c] for every m < M+K₁−1, n < N+K₂−1.
    (h = 0 outside the image: the term of (m′, n′) reaches only the block ξ[m′:m′+M, n′:n′+N].)"""
    (M, N, C), (K1, K2, _, D) = h.shape, w.shape
    ih, iw = ops.integers(h), ops.integers(w)
    if ih is not None and iw is not None:   # ξ[m,n] = Σ w̃[i,j] h[m+i, n+j] over h padded with K − 1 zeros
        padded = np.zeros((M + 2 * (K1 - 1), N + 2 * (K2 - 1), C), dtype=np.int64)
        padded[K1 - 1:K1 - 1 + M, K2 - 1:K2 - 1 + N] = ih
        return ops.exacts(np.einsum("mnijc,ijcd->mnd", _windows(padded, K1, K2), flip(iw)))
    return _sum_of_products(w, h, zeros((M + K1 - 1, N + K2 - 1, D), h), [
        (np.s_[m_:m_ + M, n_:n_ + N], np.s_[m_, n_, c], np.s_[:, :, c, None]) for m_, n_, c in ops.indices(K1, K2, C)])


def _sum_of_products(a, b, total, terms):
    """`total` (zeros) plus a[i]·b[j] into its block `at`, for each (at, i, j) of `terms` in order:
    the sums of a convolution or correlation built a term at a time over whole blocks (each entry
    gets its terms in the formula's order; the loop runs over the kernel, not over every entry).
    Exact arrays of rationals only (the exam's) are summed in GMP's rationals and made Exact at
    the end: the same values, without an Exact per operation."""
    ra, rb = ops.rationals(a), ops.rationals(b)
    if ra is not None and rb is not None:
        zeros_q = np.empty(total.shape, dtype=object)
        zeros_q.fill(_exact.Q(0))
        return ops.exacts(_add_products(ra, rb, zeros_q, terms))
    if total.dtype == object:
        # SymPy's own float work (a product of logarithms) may leave a floating-point flag set,
        # which NumPy would report as a warning: one product at a time, nothing did.
        with np.errstate(all="ignore"):
            return _add_products(a, b, total, terms)
    return _add_products(a, b, total, terms)


def _windows(a, K1: int, K2: int):
    """windows[m, n, i, j, …] = a[m + i, n + j, …]: every K₁ × K₂ block of a's first two axes."""
    return a[_window_index(a.shape[0] - K1 + 1, a.shape[1] - K2 + 1, K1, K2)]


@lru_cache(maxsize=256)
def _window_index(P: int, Q: int, K1: int, K2: int) -> tuple:
    """(rows, cols), rows[m, n, i, j] = m + i and cols[m, n, i, j] = n + j, for m < P, n < Q
    (remembered: one fancy index is one NumPy call, where a view of the windows costs a dozen)."""
    m, n, i, j = np.ogrid[:P, :Q, :K1, :K2]
    return m + i, n + j


def _add_products(a, b, total, terms):
    for at, i, j in terms:
        total[at] = total[at] + a[i] * b[j]
    return total


def conv2d_terms(h, w, m: int, n: int, d: int) -> list[dict]:
    """The products w[m′,n′,c,d] h[m−m′,n−n′,c] that make up the full result ξ[m,n,d] (inside the image)."""
    (M, N, C), (K1, K2, _, _) = h.shape, w.shape
    return [{"m_": m_, "n_": n_, "c": c, "w": w[m_, n_, c, d], "h": h[m - m_, n - n_, c]}
            for c, m_, n_ in ops.indices(C, K1, K2) if 0 <= m - m_ < M and 0 <= n - n_ < N]


def conv2d(h, w, mode: str) -> dict:
    """ξ = w * h (true convolution) in `mode`: the kept block of the full result, from (row0, col0)."""
    (M, N, _), (K1, K2, _, _) = h.shape, w.shape
    row0, P = output_window(M, K1, mode)
    col0, Q = output_window(N, K2, mode)
    xi_full = conv2d_full(h, w)
    return {"xi": xi_full[row0:row0 + P, col0:col0 + Q].copy(), "xi_full": xi_full,
            "w_flipped": flip(w), "row0": row0, "col0": col0}


def correlate2d(h, w, mode: str):
    """The kernel-not-flipped mistake: ξ′[m,n,d] = Σ_c Σ_i Σ_j w[i,j,c,d] h[m−K₁+1+i, n−K₂+1+j, c] = (w̃ * h)[m,n,d]."""
    return conv2d(h, flip(w), mode)["xi"]


def pad_to_full(dL_dxi, M: int, N: int, K1: int, K2: int, mode: str):
    """G[m,n,d]: ∂L/∂ξ put back at its place in the full (M+K₁−1) × (N+K₂−1) grid, 0 elsewhere."""
    row0, P = output_window(M, K1, mode)
    col0, Q = output_window(N, K2, mode)
    G = zeros((M + K1 - 1, N + K2 - 1, dL_dxi.shape[2]), dL_dxi)
    G[row0:row0 + P, col0:col0 + Q] = dL_dxi
    return G


def input_gradient(w, G, M: int, N: int):
    """∂L/∂h[m′,n′,c] = Σ_d Σ_m Σ_n w[m−m′, n−n′, c, d] G[m,n,d] (a correlation of G with w)."""
    K1, K2, C, D = w.shape
    iw, iG = ops.integers(w), ops.integers(G)
    if iw is not None and iG is not None:
        return ops.exacts(np.einsum("mnijd,ijcd->mnc", _windows(iG, K1, K2), iw))
    return _sum_of_products(w, G, zeros((M, N, C), G), [   # m = m′ + i, n = n′ + j
        (np.s_[...], np.s_[i, j, :, d], np.s_[i:i + M, j:j + N, d, None]) for i, j, d in ops.indices(K1, K2, D)])


def kernel_gradient(h, G, K1: int, K2: int):
    """∂L/∂w[m′,n′,c,d] = Σ_m Σ_n G[m,n,d] h[m−m′, n−n′, c] (a correlation of G with h)."""
    M, N, C = h.shape
    D = G.shape[2]
    ih, iG = ops.integers(h), ops.integers(G)
    if ih is not None and iG is not None:
        return ops.exacts(np.einsum("ijabd,abc->ijcd", _windows(iG, M, N), ih))
    return _sum_of_products(G, h, zeros((K1, K2, C, D), G), [   # m = a + m′, n = b + n′
        (np.s_[...], np.s_[a:a + K1, b:b + K2, None, :], np.s_[a, b, :, None]) for a, b in ops.indices(M, N)])


def conv2d_backward(h, w, dL_dxi, mode: str) -> dict:
    """∂L/∂h and ∂L/∂w of ξ = w * h from ∂L/∂ξ, via G = ∂L/∂ξ placed in the full grid."""
    (M, N, _), (K1, K2, _, _) = h.shape, w.shape
    G = pad_to_full(dL_dxi, M, N, K1, K2, mode)
    row0, col0 = output_window(M, K1, mode)[0], output_window(N, K2, mode)[0]
    return {"G": G, "row0": row0, "col0": col0,
            "dL_dh": input_gradient(w, G, M, N), "dL_dw": kernel_gradient(h, G, K1, K2)}


def correlation_backward(h, w, dL_dxi, mode: str) -> dict:
    """The reverse-orientation mistake: back-prop of ξ′ = w̃ * h (kernel flipped), i.e. w̃ in ∂L/∂h and ∂L/∂w rotated 180°."""
    wrong = conv2d_backward(h, flip(w), dL_dxi, mode)
    return {"dL_dh": wrong["dL_dh"], "dL_dw": flip(wrong["dL_dw"])}


def gradient_terms_h(w, G, m_: int, n_: int, c: int) -> list[dict]:
    """The products w[i,j,c,d] G[m′+i, n′+j, d] that make up ∂L/∂h[m′,n′,c]."""
    K1, K2, _, D = w.shape
    return [{"m": m_ + i, "n": n_ + j, "d": d, "w": w[i, j, c, d], "G": G[m_ + i, n_ + j, d]}
            for d, i, j in ops.indices(D, K1, K2)]


def gradient_terms_w(h, G, m_: int, n_: int, c: int, d: int) -> list[dict]:
    """The products G[a+m′, b+n′, d] h[a,b,c] that make up ∂L/∂w[m′,n′,c,d]."""
    M, N, _ = h.shape
    return [{"m": a + m_, "n": b + n_, "a": a, "b": b, "G": G[a + m_, b + n_, d], "h": h[a, b, c]}
            for a, b in ops.indices(M, N)]


def same_alignment_backward(w, dL_dxi):
    """The forward convolution reused for back-prop, a student mistake: ∂L/∂h[:,:,c] taken as
    Σ_d convolve2d(∂L/∂ξ[:,:,d], w[:,:,c,d], 'same'), the kernel flipped and 'same'-aligned
    (right shape only when ξ has the image's shape)."""
    return conv2d(dL_dxi, w.transpose(0, 1, 3, 2), "same")["xi"]
