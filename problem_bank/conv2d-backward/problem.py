"""∂L/∂h and ∂L/∂w of a convolutional layer ξ = w * h, given ∂L/∂ξ (back-prop is correlation)."""
from examgen.cnn_draws import check_conv_fits, draw_image_and_kernel
from examgen.engine import conv


def draw(rng, options):
    """The image and kernel as in conv2d-forward; ∂L/∂ξ integers in −2..2 (exam) or decimals."""
    mode = options["mode"]
    p = {**draw_image_and_kernel(rng, mode), "mode": mode}
    shape = conv.output_shape(p["h"].shape, p["w"].shape, mode)
    p["dL_dxi"] = rng.ints(-2, 2, shape) if rng.exam else rng.decimals(-1, 1, shape)
    if (p["w"] == conv.flip(p["w"])).all():   # refused here, on the draw's own numbers, not after solving
        raise ValueError("the mistake convolution-in-backprop gives the right dL_dh: the kernel is its own "
                         "180° rotation, so flipping it changes nothing")
    return p


def validate(p):
    check_conv_fits(p["h"], p["w"], p["mode"])
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


def mistake_unflipped_same(p, s):
    if p["mode"] != "same":
        return None  # only in same mode has ∂L/∂ξ the image's shape, so the slip looks right
    return {"dL_dh": conv.same_alignment_backward(p["w"], p["dL_dxi"])}
