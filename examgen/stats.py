"""Item statistics of a class (classical test theory), as small pure functions over NumPy arrays.

Every function returns None where the statistic is undefined (one student, zero variance, too
few students for two groups) instead of NaN; the report prints that as "n/a".
Conventions: standard deviations are sample ones (ddof = 1); a share is points / maximum.
"""
from __future__ import annotations

import math

import numpy as np

UPPER_LOWER = 0.27          # Kelley's upper/lower group share
PERMUTATIONS = 2000         # permutation-test resamples for a version difference
VERSION_ALPHA = 0.05        # flag a version difference when the permutation p-value is below this


def _finite(x) -> float | None:
    x = float(x)
    return x if math.isfinite(x) else None


def mean(x) -> float | None:
    x = np.asarray(x, dtype=float)
    return _finite(x.mean()) if x.size else None


def median(x) -> float | None:
    x = np.asarray(x, dtype=float)
    return _finite(np.median(x)) if x.size else None


def sd(x) -> float | None:
    """Sample standard deviation; None for fewer than two values."""
    x = np.asarray(x, dtype=float)
    return _finite(x.std(ddof=1)) if x.size >= 2 else None


def correlation(x, y) -> float | None:
    """Pearson's r; None for fewer than two pairs or when either side does not vary."""
    x, y = np.asarray(x, dtype=float), np.asarray(y, dtype=float)
    if x.size < 2:
        return None
    dx, dy = x - x.mean(), y - y.mean()
    sxx, syy = float(dx @ dx), float(dy @ dy)
    if sxx <= 1e-12 * max(1.0, float(x @ x)) or syy <= 1e-12 * max(1.0, float(y @ y)):
        return None
    return _finite(np.clip((dx @ dy) / math.sqrt(sxx * syy), -1.0, 1.0))


def corrected_item_total(item, total) -> float | None:
    """Discrimination: r between an item's score and the total of the *other* items."""
    item, total = np.asarray(item, dtype=float), np.asarray(total, dtype=float)
    return correlation(item, total - item)


def upper_lower(share, total, fraction: float = UPPER_LOWER) -> float | None:
    """Mean share in the top `fraction` of students by total minus that in the bottom one.

    Groups have k = max(1, round(fraction·n)) students; ties in the total keep file order.
    None for fewer than two students (the groups would overlap).
    """
    share, total = np.asarray(share, dtype=float), np.asarray(total, dtype=float)
    n = share.size
    if n < 2:
        return None
    k = max(1, int(round(fraction * n)))
    order = np.argsort(total, kind="stable")
    return _finite(share[order[-k:]].mean() - share[order[:k]].mean())


def cronbach_alpha(items) -> float | None:
    """α = k/(k−1)·(1 − Σ var(item) / var(total)) for an n × k score matrix; None if undefined
    (alpha_undefined says why)."""
    if alpha_undefined(items):
        return None
    x = np.asarray(items, dtype=float)
    k = x.shape[1]
    return _finite(k / (k - 1) * (1 - x.var(axis=0, ddof=1).sum() / x.sum(axis=1).var(ddof=1)))


def alpha_undefined(items) -> str:
    """Why α of an n × k score matrix says nothing, in words, or "" when it is defined. With one
    item varying between students, α is 0 whatever the class (its variance is the total's): it
    measures agreement between items, so it needs two that vary."""
    x = np.asarray(items, dtype=float)
    if x.ndim != 2 or x.shape[0] < 2:
        return "it needs two or more students"
    if x.shape[1] < 2:
        return "it needs two or more problems"
    varying = int((x.var(axis=0, ddof=1) > 1e-12).sum())
    if varying < 2:
        return (f"{'no' if varying == 0 else 'only one'} problem's score varies between students; "
                "α needs two or more that do")
    if x.sum(axis=1).var(ddof=1) <= 1e-12:
        return "every student has the same total"
    return ""


def between_groups(values, groups) -> float:
    """Σ n_g (mean_g − mean)²: how far the group means spread (the ANOVA numerator)."""
    values = np.asarray(values, dtype=float)
    _, codes, counts = np.unique(groups, return_inverse=True, return_counts=True)
    sums = np.bincount(codes, weights=values)
    return float((sums ** 2 / counts).sum() - values.sum() ** 2 / values.size)


def group_difference_p(values, groups, rng: np.random.Generator,
                       permutations: int = PERMUTATIONS) -> float | None:
    """Permutation p-value that the groups' means differ only by chance.

    Only groups with at least two members count; None when fewer than two such groups or no
    variation at all. p = (1 + #{permuted spread ≥ observed}) / (1 + permutations).
    """
    values, groups = np.asarray(values, dtype=float), np.asarray(groups)
    names, counts = np.unique(groups, return_counts=True)
    keep = np.isin(groups, names[counts >= 2])
    values, groups = values[keep], groups[keep]
    if np.unique(groups).size < 2 or values.std() <= 1e-12:
        return None
    _, codes, counts = np.unique(groups, return_inverse=True, return_counts=True)
    one_hot = np.eye(counts.size)[codes]                       # n × groups
    shuffled = rng.permuted(np.tile(values, (permutations, 1)), axis=1)
    # Σ n_g mean_g² is the spread up to a constant that shuffling does not change
    spread = ((shuffled @ one_hot) ** 2 / counts).sum(axis=1)
    observed = float(((values @ one_hot) ** 2 / counts).sum())
    hits = int((spread >= observed - 1e-9 * max(1.0, abs(observed))).sum())
    return (1 + hits) / (1 + permutations)
