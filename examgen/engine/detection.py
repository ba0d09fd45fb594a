"""Faster R-CNN pieces: IOU, anchor labels, box-regression targets, detection loss.

Boxes are [x, y, w, h] with (x, y) the corner.
"""
from __future__ import annotations

import numpy as np

from . import ops
from .exact import Exact


def overlap(a0, a_len, b0, b_len):
    """Length of the overlap of [a0, a0+a_len) and [b0, b0+b_len); 0 when they are disjoint."""
    length = min(a0 + a_len, b0 + b_len) - max(a0, b0)
    return length if length > 0 else length * 0


def iou(ref, roi):
    """I = overlap_x · overlap_y, U = w_R h_R + w_O h_O − I, IOU = I/U."""
    (x_r, y_r, w_r, h_r), (x_o, y_o, w_o, h_o) = ref, roi
    I_w = overlap(x_r, w_r, x_o, w_o)
    I_h = overlap(y_r, h_r, y_o, h_o)
    I = I_w * I_h
    area_ref, area_roi = w_r * h_r, w_o * h_o
    U = area_ref + area_roi - I
    return {"I_w": I_w, "I_h": I_h, "I": I, "area_ref": area_ref, "area_roi": area_roi,
            "U": U, "IOU": I / U}


def iou_value(ref, roi):
    """IOU alone, the value `iou` gives (the same steps, without the parts a solution shows): a
    sampler's tries ask it of a hundred boxes a version."""
    (x_r, y_r, w_r, h_r), (x_o, y_o, w_o, h_o) = ref, roi
    I = overlap(x_r, w_r, x_o, w_o) * overlap(y_r, h_r, y_o, h_o)
    return I / (w_r * h_r + w_o * h_o - I)


def _array(values, like):
    """A 1-D array of the same kind (exact object or float64) as `like`."""
    return ops.vector(values) if ops.is_exact(like) else np.array(values, dtype=float)


def _one_zero(mask, like):
    """1 where mask is True, else 0: exact numbers for exact inputs, floats otherwise."""
    if ops.is_exact(like):
        return ops.vector([Exact(int(m)) for m in mask])
    return np.asarray(mask, dtype=float)


def anchor_labels(ref, anchors, threshold):
    """IOU_a = IOU(REF, anchor a); y_c,a = 1 when IOU_a > threshold, else 0."""
    anchors = ops.asarray(anchors)
    rows = [iou(ref, a) for a in anchors]
    out = {k: _array([r[k] for r in rows], anchors) for k in ("I_w", "I_h", "I", "area_roi", "U", "IOU")}
    out["area_anchor"] = out.pop("area_roi")
    out["area_ref"] = rows[0]["area_ref"]
    out["y_c"] = labels_above(out["IOU"], threshold)
    return out


def labels_above(iou, threshold):
    """y_c = 1 where IOU > threshold, else 0 (exact Integers for exact IOUs)."""
    return _one_zero(ops.is_positive(iou - threshold), iou)


def bbox_target(anchor, ref):
    """y_r = [(x_REF − x_a)/w_a, (y_REF − y_a)/h_a, ln(w_REF/w_a), ln(h_REF/h_a)]."""
    (x_a, y_a, w_a, h_a), (x_R, y_R, w_R, h_R) = list(anchor), list(ref)
    dx, dy = x_R - x_a, y_R - y_a
    w_ratio, h_ratio = w_R / w_a, h_R / h_a
    y_r = _array([dx / w_a, dy / h_a, ops.log(w_ratio), ops.log(h_ratio)], ops.asarray(anchor))
    return {"dx": dx, "dy": dy, "w_ratio": w_ratio, "h_ratio": h_ratio, "y_r": y_r}


def detection_loss(y_c, yhat_c, y_r, yhat_r):
    """L = L_c + L_r: L_c = BCE(y_c, ŷ_c) over n anchors, L_r = ½ Σᵢ y_c,ᵢ ‖y_r,ᵢ − ŷ_r,ᵢ‖² / Σᵢ y_c,ᵢ."""
    y_c, yhat_c, y_r, yhat_r = (ops.asarray(a) for a in (y_c, yhat_c, y_r, yhat_r))
    n = len(y_c)
    # Each anchor's own BCE term −[y ln ŷ + (1 − y) ln(1 − ŷ)] (L_c is their mean).
    bce_terms = _array([-(y_c[i] * ops.log(yhat_c[i]) + (1 - y_c[i]) * ops.log(1 - yhat_c[i]))
                        for i in range(n)], y_c)
    L_c = bce_terms.sum() / (ops.zero_like(y_c[0]) + n)
    diff = y_r - yhat_r
    sq_err = (diff * diff).sum(axis=1)           # ‖y_r,i − ŷ_r,i‖² for every anchor
    n_pos = y_c.sum()
    L_r = (y_c * sq_err).sum() / (2 * n_pos) if n_pos != 0 else ops.zero_like(y_c[0])
    return {"n": n, "bce_terms": bce_terms, "L_c": L_c, "diff": diff, "sq_err": sq_err, "n_pos": n_pos,
            "L_r": L_r, "L": L_c + L_r}
