"""The total derivative rule's sums on a flow graph, for any kind of number (no SymPy).

A graph's partials are `direct` = {u: {v: ∂u/∂v}} for every variable v (an input or an earlier
node) that node u uses directly, with the nodes in evaluation order and the output y last.
`flowgraph` runs these sums on SymPy expressions; the grader's error carried forward runs them
on floats, and so needs no SymPy.
"""
from __future__ import annotations

INPUTS = ("x", "z", "w")


def totals(names: list, direct: dict, given: dict | None = None, one=1, zero=0, add=None) -> dict:
    """dy/dv = Σ_{u fed by v} (dy/du)(∂u/∂v), from the output y back (dy/dy = `one`).

    `given` fixes some totals ({v: dy/dv}, e.g. a student's own dy/dh), from which the earlier
    ones are worked. `add(*terms)`, when given, sums the terms at once (SymPy's Add: one
    canonical sum, not one a term), else they are summed from `zero`."""
    given = given or {}
    out = {names[-1]: one}
    for v in reversed(names[:-1]):
        out[v] = given[v] if v in given else _sum([out[u] * direct[u][v] for u in names if v in direct[u]], zero, add)
    return out


def chain_sum(direct: dict, total: dict, wrt: str = "x", zero=0, add=None):
    """∂y/∂x = Σ_v (dy/dv)(∂v/∂x) over the nodes v that x feeds directly (`add` as in totals)."""
    return _sum([total[v] * direct[v][wrt] for v in direct if wrt in direct[v]], zero, add)


def _sum(terms: list, zero, add):
    return add(*terms) if add is not None else sum(terms, zero)
