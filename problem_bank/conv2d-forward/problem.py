"""ξ = w * h: multi-channel 2-D true convolution in valid, full or same mode."""
from examgen.compare import all_close
from examgen.engine import conv


def sample(draw, options):
    mode = options.get("mode") or draw.choice(conv.MODES)
    while True:
        p = {**draw_image_and_kernel(draw, mode), "mode": mode}
        s = solve(p)
        # The kernel-not-flipped answer must differ visibly from the right one.
        if not all_close(mistake_correlation(p, s)["xi"], s["xi"], 0.01, 0.005):
            return p


def draw_image_and_kernel(draw, mode):
    """Exam: an image of 3×3 to 4×4 integers in −2..3 and a 2×2 (or 3×3) kernel; drill: decimals."""
    if draw.exam:
        # Half single-channel; else two input or two output channels (never both, by hand).
        C, D = draw.choice([(1, 1), (1, 1), (2, 1), (1, 2)])
        K = 3 if mode != "full" and C * D == 1 and draw.size(1, 2) == 1 else 2
        if C * D > 1 or (K == 3 and mode == "same"):
            M = N = 3                                # more channels or a bigger kernel: smaller image
        elif K == 3:
            M = N = 4                                # valid 4×4 * 3×3 → 2×2
        else:
            M, N = draw.size(3, 4), draw.size(3, 4)
        return {"h": draw.ints(-2, 3, (M, N, C)), "w": draw.ints(-2, 3, (K, K, C, D))}
    C, D = draw.size(1, 3), draw.size(1, 3)
    K1, K2 = draw.size(2, 3), draw.size(2, 3)
    M, N = draw.size(K1, 6), draw.size(K2, 6)
    return {"h": draw.decimals(-2, 2, (M, N, C)), "w": draw.decimals(-1, 1, (K1, K2, C, D))}


def validate(p):
    (M, N, _), (K1, K2, _, _) = p["h"].shape, p["w"].shape
    if p["mode"] == "valid" and (K1 > M or K2 > N):
        raise ValueError(f"a {K1} × {K2} kernel does not fit inside a {M} × {N} image, "
                         "so mode valid has no output; use full or same")


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
