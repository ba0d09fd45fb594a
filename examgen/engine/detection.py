"""Faster R-CNN pieces: IOU, anchor labels, box-regression targets, detection loss.

Boxes are [x, y, w, h] with (x, y) the corner.
"""
from __future__ import annotations

from . import ops


def overlap(a0, a_len, b0, b_len):
    """Length of the overlap of [a0, a0+a_len) and [b0, b0+b_len); 0 when they are disjoint."""
    length = min(a0 + a_len, b0 + b_len) - max(a0, b0)
    return length if length > 0 else length * 0


def iou(ref, roi):
    """I = overlap_x · overlap_y, U = w_R h_R + w_O h_O − I, IOU = I/U."""
    (x_r, y_r, w_r, h_r), (x_o, y_o, w_o, h_o) = list(ref), list(roi)
    I_w = overlap(x_r, w_r, x_o, w_o)
    I_h = overlap(y_r, h_r, y_o, h_o)
    I = I_w * I_h
    area_ref, area_roi = w_r * h_r, w_o * h_o
    U = area_ref + area_roi - I
    return {"I_w": I_w, "I_h": I_h, "I": I, "area_ref": area_ref, "area_roi": area_roi,
            "U": U, "IOU": I / U}
