"""ξ = w * h: multi-channel 2-D true convolution in valid, full or same mode."""
from examgen.cnn_draws import check_conv_fits, draw_image_and_kernel
from examgen.engine import conv


def draw(rng, options):
    mode = options["mode"]
    return {**draw_image_and_kernel(rng, mode), "mode": mode}


def validate(p):
    check_conv_fits(p["h"], p["w"], p["mode"])


def solve(p):
    h, w = p["h"], p["w"]
    out = conv.conv2d(h, w, p["mode"])
    K1, K2 = w.shape[:2]
    # A worked entry: the first output whose kernel lies wholly on the image side of the grid.
    m, n = K1 - 1 - out["row0"], K2 - 1 - out["col0"]
    if not (0 <= m < out["xi"].shape[0] and 0 <= n < out["xi"].shape[1]):
        m, n = 0, 0
    out.update(example_m=m, example_n=n,
               example_terms=conv.conv2d_terms(h, w, m + out["row0"], n + out["col0"], 0),
               P=out["xi"].shape[0], Q=out["xi"].shape[1])
    return out


def mistake_correlation(p, s):
    return {"xi": conv.correlate2d(p["h"], p["w"], p["mode"])}
