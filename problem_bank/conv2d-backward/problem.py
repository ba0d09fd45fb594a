"""∂L/∂h and ∂L/∂w of a convolutional layer ξ = w * h, given ∂L/∂ξ (back-prop is correlation)."""
from examgen.compare import all_close
from examgen.engine import conv


def sample(draw, options):
    mode = options.get("mode") or draw.choice(conv.MODES)
    while True:
        p = {**draw_layer(draw, mode), "mode": mode}
        s = solve(p)
        wrong = mistake_convolution_in_backprop(p, s)
        # Both parts of the flipped-kernel mistake must differ visibly from the right ones.
        if all(not all_close(wrong[k], s[k], 0.01, 0.005) for k in ("dL_dh", "dL_dw")):
            return p


def draw_layer(draw, mode):
    """Exam: a 3×3 (or 3×4, 4×3) image and a 2×2 kernel of integers, ∂L/∂ξ in −2..2; drill: decimals."""
    if draw.exam:
        # Half single-channel; else two input or two output channels (never both, by hand).
        C, D = draw.choice([(1, 1), (1, 1), (2, 1), (1, 2)])
        K = 3 if mode != "full" and C * D == 1 and draw.size(1, 3) == 1 else 2
        if K == 3:
            M = N = 4 if mode == "valid" else 3      # valid 4×4 * 3×3 → 2×2; same 3×3 * 3×3
        elif C * D == 1:
            M, N = draw.choice([(3, 3), (3, 3), (3, 4), (4, 3)])
        else:
            M = N = 3
        h, w = draw.ints(-2, 3, (M, N, C)), draw.ints(-2, 3, (K, K, C, D))
        dL_dxi = draw.ints(-2, 2, conv.output_shape(h.shape, w.shape, mode))
        return {"h": h, "w": w, "dL_dxi": dL_dxi}
    C, D = draw.size(1, 3), draw.size(1, 3)
    K1, K2 = draw.size(2, 3), draw.size(2, 3)
    M, N = draw.size(K1, 6), draw.size(K2, 6)
    h, w = draw.decimals(-2, 2, (M, N, C)), draw.decimals(-1, 1, (K1, K2, C, D))
    return {"h": h, "w": w, "dL_dxi": draw.decimals(-1, 1, conv.output_shape(h.shape, w.shape, mode))}


def validate(p):
    (M, N, _), (K1, K2, _, _) = p["h"].shape, p["w"].shape
    if p["mode"] == "valid" and (K1 > M or K2 > N):
        raise ValueError(f"a {K1} × {K2} kernel does not fit inside a {M} × {N} image, "
                         "so mode valid has no output; use full or same")
    want = conv.output_shape(p["h"].shape, p["w"].shape, p["mode"])
    if tuple(p["dL_dxi"].shape) != want:
        raise ValueError("dL_dxi must have the shape of xi, which is {} in mode {}; got {}".format(
            " × ".join(map(str, want)), p["mode"], " × ".join(map(str, p["dL_dxi"].shape))))


def solve(p):
    h, w = p["h"], p["w"]
    out = conv.conv2d_backward(h, w, p["dL_dxi"], p["mode"])
    G, (P, Q, _) = out["G"], p["dL_dxi"].shape
    kept = lambda t: out["row0"] <= t["m"] < out["row0"] + P and out["col0"] <= t["n"] < out["col0"] + Q  # noqa: E731
    # Worked entries: ∂L/∂h[0,0,0] and ∂L/∂w[0,0,0,0], term by term (padded zeros of G left out).
    out.update(terms_h=[t for t in conv.gradient_terms_h(w, G, 0, 0, 0) if kept(t)],
               terms_w=[t for t in conv.gradient_terms_w(h, G, 0, 0, 0, 0) if kept(t)])
    return out


def mistake_convolution_in_backprop(p, s):
    return conv.correlation_backward(p["h"], p["w"], p["dL_dxi"], p["mode"])
