"""Activation functions g(ξ), their derivatives g′(ξ), and softmax."""
from __future__ import annotations

import numpy as np

from . import ops

HIDDEN = ("sigmoid", "tanh", "relu")
OUTPUT = ("linear", "sigmoid", "softmax")


def sigmoid(xi):
    """σ(ξ) = 1/(1 + e^−ξ)."""
    return ops.sigmoid(xi)


def sigmoid_prime(xi):
    """σ′(ξ) = σ(ξ)(1 − σ(ξ)) = h(1 − h)."""
    h = ops.sigmoid(xi)
    return h * (1 - h)


def tanh(xi):
    """tanh(ξ) = 2σ(2ξ) − 1."""
    return ops.tanh(xi)


def tanh_prime(xi):
    """tanh′(ξ) = 1 − tanh²(ξ)."""
    h = ops.tanh(xi)
    return 1 - h * h


def relu(xi):
    """ReLU(ξ) = max(0, ξ)."""
    return ops.relu(xi)


def relu_prime(xi):
    """ReLU′(ξ) = u(ξ), the unit step."""
    return ops.step(xi)


def linear(xi):
    """g(ξ) = ξ."""
    return xi


def linear_prime(xi):
    """g′(ξ) = 1."""
    return ops.zero_like(xi) + 1


_G = {"sigmoid": (sigmoid, sigmoid_prime), "tanh": (tanh, tanh_prime),
      "relu": (relu, relu_prime), "linear": (linear, linear_prime)}


def activation(name: str):
    """(g, g′) for an element-wise activation name: sigmoid, tanh, relu or linear."""
    try:
        return _G[name]
    except KeyError:
        raise ValueError(f"unknown activation {name!r}; expected one of {sorted(_G)}") from None


def softmax(xi):
    """softmax(ξ)_k = e^{ξ_k} / Σ_ℓ e^{ξ_ℓ}, along the last axis (one example per row)."""
    xi = ops.asarray(xi)
    if ops.is_exact(xi):
        e = ops.exp(xi)
    else:
        e = np.exp(xi - xi.max(axis=-1, keepdims=True))  # shift for stability; result unchanged
    return e / e.sum(axis=-1, keepdims=True)


def softmax_layer(W, h):
    """ŷ = softmax(W h): ŷ_k = exp(w̄_k h) / Σ_ℓ exp(w̄_ℓ h), w̄_k the k-th row of W."""
    W, h = ops.asarray(W), ops.asarray(h)
    xi = W @ h
    return {"xi": xi, "yhat": softmax(xi)}


def softmax_two_class(W, h):
    """Two classes: ŷ₁ = σ(v·h) with v = w̄₁ − w̄₂, and ŷ₂ = 1 − ŷ₁."""
    W, h = ops.asarray(W), ops.asarray(h)
    v = W[0] - W[1]
    y1 = ops.sigmoid(v @ h)
    return {"xi": W @ h, "v": v, "v_dot_h": v @ h, "yhat": np.array([y1, 1 - y1], dtype=W.dtype)}
