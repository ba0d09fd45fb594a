"""The two-layer network: forward pass, back-propagation and one gradient-descent step.

Data sets hold one example per row (x is n × D); weight matrices map column vectors
(W1 is N × D, W2 is K × N), so a row-wise layer is ξ = X Wᵀ + b.
"""
from __future__ import annotations

from . import activations, losses, ops

HIDDEN = activations.HIDDEN
OUTPUT = activations.OUTPUT
LOSSES = losses.LOSSES


def output_activation(output, xi2):
    """ŷ = g₂(ξ²) for g₂ ∈ {linear, sigmoid, softmax} (softmax along each row)."""
    if output == "softmax":
        return activations.softmax(xi2)
    if output not in OUTPUT:
        raise ValueError(f"unknown output {output!r}; expected one of {', '.join(OUTPUT)}")
    return activations.activation(output)[0](xi2)


def hidden_activation(hidden):
    """(g₁, g₁′) for g₁ ∈ {sigmoid, tanh, relu}."""
    if hidden not in HIDDEN:
        raise ValueError(f"unknown hidden activation {hidden!r}; expected one of {', '.join(HIDDEN)}")
    return activations.activation(hidden)


def forward(x, W1, b1, W2, b2, hidden, output):
    """ξ¹ᵢ = b¹ + W¹xᵢ, h = g₁(ξ¹), ξ²ᵢ = b² + W²hᵢ, ŷ = g₂(ξ²) (one example per row)."""
    x, W1, b1, W2, b2 = map(ops.asarray, (x, W1, b1, W2, b2))
    g1, _ = hidden_activation(hidden)
    xi1 = x @ W1.T + b1
    h = g1(xi1)
    xi2 = h @ W2.T + b2
    return {"xi1": xi1, "h": h, "xi2": xi2, "yhat": output_activation(output, xi2)}


def backward(x, h, W2, dL_dxi2, g1_prime):
    """∇_ξ¹ᵢ L = g₁′(ξ¹ᵢ) ⊙ W²ᵀ∇_ξ²ᵢ L; ∇_W² L = Σᵢ ∇_ξ²ᵢ L hᵢᵀ, ∇_b² L = Σᵢ ∇_ξ²ᵢ L; likewise W¹, b¹ with xᵢ."""
    x, h, W2, dL_dxi2 = map(ops.asarray, (x, h, W2, dL_dxi2))
    dL_dh = dL_dxi2 @ W2                  # row i is (W²ᵀ ∇_ξ²ᵢ L)ᵀ
    first = first_layer_backward(x, dL_dh, g1_prime)
    return {"dL_dh": dL_dh, "dL_dxi1": first["dL_dxi1"],
            "dL_dW2": dL_dxi2.T @ h, "dL_db2": dL_dxi2.sum(axis=0),
            "dL_dW1": first["dL_dW1"], "dL_db1": first["dL_db1"]}


def first_layer_backward(x, dL_dh, g1_prime):
    """∇_ξ¹ᵢ L = g₁′(ξ¹ᵢ) ⊙ ∇_hᵢ L; ∇_W¹ L = Σᵢ ∇_ξ¹ᵢ L xᵢᵀ, ∇_b¹ L = Σᵢ ∇_ξ¹ᵢ L."""
    x, dL_dh = ops.asarray(x), ops.asarray(dL_dh)
    dL_dxi1 = g1_prime * dL_dh
    return {"dL_dxi1": dL_dxi1, "dL_dW1": dL_dxi1.T @ x, "dL_db1": dL_dxi1.sum(axis=0)}


def backprop(x, W1, b1, W2, b2, y, hidden, output, loss):
    """L and every gradient of the two-layer network, ∇_ξ² L = ∂L/∂ξ² through g₂ (losses.dL_dxi)."""
    f = forward(x, W1, b1, W2, b2, hidden, output)
    L = losses.loss(loss, y, f["yhat"])
    dL_dxi2 = losses.dL_dxi(loss, output, y, f["yhat"])
    g1_prime = hidden_activation(hidden)[1](f["xi1"])
    return {**f, "L": L, "dL_dxi2": dL_dxi2, "g1_prime": g1_prime,
            **backward(x, f["h"], W2, dL_dxi2, g1_prime)}


def gradient_descent_step(params, grads, eta):
    """W ← W − η∇_W L (and likewise b) for W1, b1, W2, b2: returns W1_new, b1_new, W2_new, b2_new."""
    return {f"{name}_new": ops.asarray(params[name]) - eta * ops.asarray(grads[f"dL_d{name}"])
            for name in ("W1", "b1", "W2", "b2")}
