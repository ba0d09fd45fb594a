"""Flow graphs of named intermediate functions, and the total derivative rule.

A graph is {name: SymPy expression} in evaluation order (parsed from text by the problem, with
`examgen.expr.parse`: no eval, no sympify); each expression may use the inputs and the nodes
before it, and the last node is the output y.
"""
from __future__ import annotations

from fractions import Fraction
from functools import lru_cache

import sympy as sp
from sympy.core.basic import _args_sortkey

from . import chain
from .chain import INPUTS
from .identities import sigma


@lru_cache(maxsize=256)
def symbol(name: str) -> sp.Symbol:
    """The SymPy symbol `expr.parse` makes for a variable or node name."""
    return sp.Symbol(name, real=True)


def compose(nodes: dict) -> dict:
    """Each node as an expression of the inputs alone (earlier nodes substituted in)."""
    full: dict = {}
    for name, e in nodes.items():
        full[name] = _substituted(e, {symbol(n): f for n, f in full.items()})[0]
    return full


def _substituted(e, rule: dict) -> tuple:
    """(e.xreplace(rule), whether anything was replaced), as xreplace rebuilds it, but an e^P whose
    P is a non-constant polynomial (σ of a polynomial node) is put together without exp's evaluation:
    for such a P it finds nothing to do (no number, log, iπ or float in P) and ends by asking
    P.is_zero, whose assumption questions were most of a σ graph's composition."""
    if e in rule:
        return rule[e], True
    if not rule or not e.args:
        return e, False
    args = [_substituted(a, rule) for a in e.args]
    if not any(changed for _, changed in args):
        return e, False
    args = [a for a, _ in args]
    if e.func is sp.exp and _nonconstant_polynomial(args[0]):
        return sp.exp(args[0], evaluate=False), True
    return e.func(*args), True


def _nonconstant_polynomial(p) -> bool:
    """p is built as a polynomial with rational coefficients in plain (real) symbols, not a constant."""
    free = p.free_symbols
    if not free or any(s != symbol(s.name) for s in free):
        return False
    poly = _polynomial(p, tuple(s.name for s in free), {})
    return poly is not None and any(c and any(m) for m, c in poly.items())


def own_output_form(name: str, e, partial, wrt: str | None = None):
    """∂u/∂v written with u itself where it is (σ′ = u(1 − u), tanh′ = 1 − u², exp′ = u).

    `partial` is ∂e/∂(wrt) when wrt is given: a unit σ(A), tanh(A) or exp(A) with ∂A/∂v = 1
    then has its form for certain, with no search (the search would find the same one)."""
    if not partial.has(sp.exp, sp.tanh):
        return partial
    form = _unit_form(name, e, wrt) if wrt is not None else None
    if form is not None:
        return form
    u = symbol(name)
    for form in (u * (1 - u), 1 - u**2, u):
        diff = form.xreplace({u: e}) - partial
        # A cheap numeric screen first; SymPy then confirms the identity exactly.
        if all(_small(diff, k) for k in (1, 2)) and sp.cancel(diff.rewrite(sp.exp)) == 0:
            return form
    return partial


def _unit_form(name: str, e, wrt: str):
    """The own-output form of ∂e/∂(wrt) where e is a unit σ(A), tanh(A) or exp(A) with ∂A/∂(wrt) = 1
    (its partial, σ′(A), 1 − tanh²(A) or exp(A), has e^ or tanh in it, so own_output_form gives
    this form for it); else None."""
    unit = _unit(e, symbol(name))
    return unit[1] if unit is not None and sp.diff(unit[0], symbol(wrt)) == 1 else None


def _unit(e, u):
    """(A, the derivative's own-output form) when e is σ(A) (as `expr.parse` writes σ:
    1/(1 + e^−A)), tanh(A) or exp(A); else None. The forms come first in own_output_form's
    search among those that hold: σ(1 − σ) ≠ 1 − σ² ≠ σ, and tanh(1 − tanh), exp(1 − exp) and
    1 − exp² are not the derivatives of tanh and exp."""
    if e.func is sp.tanh:
        return e.args[0], 1 - u**2
    if e.func is sp.exp:
        return e.args[0], u
    if _is_parsed_sigma(e):
        return -e.base.args[1].args[0], u * (1 - u)
    return None


def _is_parsed_sigma(e) -> bool:
    """e is 1/(1 + e^Y), as `expr.parse` writes σ(−Y)."""
    return (e.is_Pow and e.exp == -1 and e.base.is_Add and len(e.base.args) == 2
            and e.base.args[0] == 1 and e.base.args[1].func is sp.exp)


def _small(e, k: int) -> bool:
    """|e| < 1e-9 at the k-th of a few fixed points (0.31, −0.47, … per variable)."""
    point = {s: sp.Rational((-1) ** (i + k) * (31 + 16 * i + 7 * k), 100)
             for i, s in enumerate(sorted(e.free_symbols, key=str))}
    v = e.evalf(subs=point)
    return v.is_number and abs(complex(v)) < 1e-9


def partials(nodes: dict, inputs=INPUTS) -> dict:
    """{u: {v: ∂u/∂v}} for every variable v (input or earlier node) that u uses directly."""
    names = tuple(nodes) + tuple(inputs)
    return {name: dict(_node_partials(name, e, _used(e, names))) for name, e in nodes.items()}


def _used(e, names: tuple) -> tuple:
    free = e.free_symbols
    return tuple(v for v in names if symbol(v) in free)


@lru_cache(maxsize=4096)  # pure: graphs share most of their nodes (g = 2x + z, h = g²)
def _node_partials(name: str, e, used: tuple) -> tuple:
    return tuple((v, _own_partial(name, e, v, used)) for v in used)


def _own_partial(name: str, e, v: str, used: tuple):
    """∂e/∂v in its own-output form; a unit's (_unit_form) without differentiating e first."""
    form = _unit_form(name, e, v)   # (else own_output_form's search, its unit form already asked)
    return form if form is not None else own_output_form(name, e, _diff(e, v, used))


def _diff(e, v: str, used: tuple):
    """∂e/∂v: an expanded polynomial's term by term in exponents (what sp.diff gives, faster)."""
    if not all(map(_is_monomial, e.args if e.is_Add else (e,))):
        return sp.diff(e, symbol(v))
    i = used.index(v)
    poly = _polynomial(e, used, {})
    return _expanded({m[:i] + (m[i] - 1,) + m[i + 1:]: c * m[i] for m, c in poly.items() if m[i]}, used)


def _is_monomial(t) -> bool:
    """t is c·v^k·… with c rational, each v a symbol and k a positive integer."""
    return all(f.is_Symbol or (f.is_Pow and f.base.is_Symbol and f.exp.is_Integer and f.exp.p > 0)
               or (f.is_Rational and i == 0) for i, f in enumerate(t.args if t.is_Mul else (t,)))


def totals(nodes: dict, direct: dict, given: dict | None = None) -> dict:
    """dy/dv by the total derivative rule (chain.totals) on SymPy numbers and expressions.

    `direct` holds the partials (expressions, or their values at a point); `given` fixes some
    totals ({v: dy/dv}, e.g. a student's own dy/dh), from which the earlier ones are worked."""
    return chain.totals(list(nodes), direct, given, sp.Integer(1), sp.Integer(0), sp.Add)


def totals_direct_only(nodes: dict, direct: dict) -> dict:
    """A student mistake: dy/dv taken as the partial ∂y/∂v, dropping every path through later nodes."""
    names = list(nodes)
    return {v: sp.Integer(1) if v == names[-1] else direct[names[-1]].get(v, sp.Integer(0)) for v in names}


def chain_sum(direct: dict, total: dict, wrt: str = "x"):
    """∂y/∂x = Σ_v (dy/dv)(∂v/∂x) over the nodes v that x feeds directly (chain.chain_sum)."""
    return chain.chain_sum(direct, total, wrt, sp.Integer(0), sp.Add)


def tidy(e, inputs=INPUTS):
    """A readable form: polynomials expanded, anything else left as the chain rule built it."""
    return sp.expand(e) if e.is_polynomial(*map(symbol, inputs)) else e


def at_point(e, env: dict, rational: dict | None = None):
    """The exact value of an expression at {symbol: value}, in its simplest closed form
    (`rational`: env's rational values as _rational_values gives them, when the caller has them)."""
    v = _rational_at(e, _rational_values(env) if rational is None else rational)
    return v if v is not None else _closed_form(e.xreplace(env))


def _rational_values(env: dict) -> dict:
    """{name: value as a constant polynomial} of env's rational values."""
    return {s.name: {(): _fraction(v)} for s, v in env.items() if getattr(v, "is_Rational", False)}


def _fraction(v):
    return int(v.p) if v.q == 1 else Fraction(int(v.p), int(v.q))


def _rational_at(e, rational: dict):
    """e's value as a SymPy Rational where e is a polynomial and the values it uses are rational
    (most of an exam's values), worked in fractions without xreplace; else None."""
    poly = _polynomial(e, (), rational)
    if poly is None:
        return None
    c = sum(poly.values())
    return sp.Rational(c.numerator, c.denominator)


def _closed_form(v):
    """A value in its simplest closed form: the cheap cases first, simplify only for the rest."""
    if v.is_Rational:
        return v            # already as simple as it gets
    if v.has(sp.Float):
        return sp.N(v)
    if _log_of_integer(v) or (v.is_Add and len(v.args) == 2 and v.args[0].is_Rational and _log_of_integer(v.args[1])):
        return v            # ln n or r + ln n (a ln unit's value): simplify keeps it as it is
    return _simplest(v)


def _log_of_integer(v) -> bool:
    return v.func is sp.log and v.args[0].is_Integer


@lru_cache(maxsize=4096)  # pure: the same value at the same point simplifies the same way
def _simplest(v):
    s = sp.simplify(v)
    return s if sp.count_ops(s) <= sp.count_ops(v) else v


def _node_value(name: str, v):
    """A node's value at the point, refused (see _real_value) if it is not a finite real number."""
    if not v.free_symbols and (v.has(sp.zoo, sp.oo, -sp.oo, sp.nan) or v.is_real is False):
        return _real_value(name, v)  # refused as it is: no simplified form of it is finite and real
    return _real_value(name, _closed_form(v))


def _real_value(name: str, v):
    """v if it is a finite real number; else a ValueError naming the node."""
    if v.free_symbols:
        missing = ", ".join(sorted(str(s) for s in v.free_symbols))
        raise ValueError(f"node {name} needs {missing}, which the point does not give")
    if v.has(sp.zoo, sp.oo, -sp.oo, sp.nan) or not v.is_real:
        raise ValueError(f"node {name} is not a finite real number at the point "
                         "(a ln of a non-positive number or a division by zero?)")
    return v


def _number(v):
    """A point's coordinate as a SymPy number (floats stay floating point)."""
    return sp.Float(v) if isinstance(v, float) else sp.sympify(v) if isinstance(v, int) else v


def total_derivative(nodes: dict, point: dict, wrt: str = "x", inputs=INPUTS) -> dict:
    """∂y/∂x by the total derivative rule: Σ_v (dy/dv)(∂v/∂x), with every step's values at the point.

    Remembered per graph and point (an exam's draw checks the value its solve then shows); each
    call gets its own copy of the dicts."""
    key = (tuple(nodes.items()), tuple((k, type(v), v) for k, v in point.items()), wrt, tuple(inputs))
    try:
        hash(key)
    except TypeError:  # an unhashable coordinate: worked out afresh
        return _total_derivative(nodes, point, wrt, tuple(inputs))
    return _fresh(_remembered(key))


@lru_cache(maxsize=4096)  # an exam's 1,000 versions draw about 800 graph-and-point pairs
def _remembered(key: tuple) -> dict:
    items, point, wrt, inputs = key
    return _total_derivative(dict(items), {k: v for k, _, v in point}, wrt, inputs)


def _fresh(v):
    """A copy of the dicts and lists in v (the remembered result stays as it was computed): only
    they are visited, not the SymPy values, most of the ~70 entries of a graph's result."""
    if type(v) is dict:
        return {k: _fresh(x) if type(x) in _CONTAINERS else x for k, x in v.items()}
    return [_fresh(x) if type(x) in _CONTAINERS else x for x in v] if type(v) is list else v


_CONTAINERS = (dict, list)


def _total_derivative(nodes: dict, point: dict, wrt: str, inputs: tuple) -> dict:
    nodes, direct, total = _symbolic(nodes, inputs)
    env = {symbol(k): _number(v) for k, v in point.items()}
    rational = _rational_values(env)
    for name, e in nodes.items():
        exact = _rational_at(e, rational)
        env[symbol(name)] = exact if exact is not None else _node_value(name, e.xreplace(env))
        rational.update(_rational_values({symbol(name): env[symbol(name)]}))
    feeds = {v: [u for u in nodes if v in direct[u]] for v in tuple(inputs) + tuple(nodes)}
    g = {"nodes": nodes, "output": list(nodes)[-1], "partials": direct, "feeds": feeds,
         "env": env, "wrt": wrt, "inputs": tuple(inputs),
         "floats": any(isinstance(v, float) for v in point.values())}
    num = _converter(g)
    g["values"] = {n: num(env[symbol(n)]) for n in nodes}
    g["partial_values"] = {u: {v: num(at_point(d, env, rational)) for v, d in ps.items()} for u, ps in direct.items()}
    g["totals"] = total
    g["total_values"] = {v: num(at_point(t, env, rational)) for v, t in g["totals"].items()}
    return {**g, **derivative(g, g["totals"])}


def derivative(g: dict, total: dict) -> dict:
    """From the totals dy/dv: ∂y/∂x in the node names, in the inputs alone, and at the point."""
    dy_dx_nodes = chain_sum(g["partials"], total, g["wrt"])
    return {"dy_dx_nodes": dy_dx_nodes, "dy_dx": _in_inputs(dy_dx_nodes, tuple(g["nodes"].items()), g["inputs"]),
            "dy_dx_at": _converter(g)(at_point(dy_dx_nodes, g["env"]))}


@lru_cache(maxsize=1024)
def _in_inputs(dy_dx_nodes, nodes: tuple, inputs: tuple):
    """∂y/∂x with every node replaced by its expression in the inputs, tidied."""
    known: dict = {}   # {node: its polynomial in the inputs, or None}
    for name, e in nodes:
        known[name] = _polynomial(e, inputs, known)
    poly = _polynomial(dy_dx_nodes, inputs, known)
    if poly is not None:  # a polynomial graph: expanded by hand, far faster than xreplace and expand
        return _expanded(poly, inputs)
    return tidy(dy_dx_nodes.xreplace({symbol(n): f for n, f in _composed(_used_prefix(dy_dx_nodes, nodes))}), inputs)


def _used_prefix(e, nodes: tuple) -> tuple:
    """The nodes up to the last one e uses: the later ones' compositions (the output's, the largest,
    always: ∂y/∂x names y only where a partial is written in y itself) would be substituted nowhere."""
    used = e.free_symbols
    return nodes[:max((i + 1 for i, (n, _) in enumerate(nodes) if symbol(n) in used), default=0)]


@lru_cache(maxsize=1024)  # (the right ∂y/∂x and the path-dropped one substitute the same nodes)
def _composed(nodes: tuple) -> tuple:
    return tuple(compose(dict(nodes)).items())


# Polynomials in the inputs as {exponents of the inputs: coefficient (int or Fraction)}.
def _polynomial(e, inputs: tuple, known: dict) -> dict | None:
    """e as a polynomial in the inputs, each node in `known` ({name: its polynomial}) replaced by
    its polynomial; None where e is not built as one (σ, ln, a division, a float, another symbol)."""
    if e.is_Rational:
        return {(0,) * len(inputs): _fraction(e)}
    if e.is_Symbol:
        if e.name in known:
            return known[e.name]
        return {tuple(int(v == e.name) for v in inputs): 1} if e.name in inputs else None
    if e.is_Pow and e.exp.is_Integer and e.exp.p >= 0:
        args = [e.base] * e.exp.p or [sp.Integer(1)]
    elif e.is_Add or e.is_Mul:
        args = e.args
    else:
        return None
    out = None
    for a in args:
        pa = _polynomial(a, inputs, known)
        if pa is None:
            return None
        out = pa if out is None else _poly_sum(out, pa) if e.is_Add else _poly_product(out, pa)
    return out


def _poly_sum(p: dict, q: dict) -> dict:
    out = dict(p)
    for m, c in q.items():
        out[m] = out.get(m, 0) + c
    return {m: c for m, c in out.items() if c}


def _poly_product(p: dict, q: dict) -> dict:
    out: dict = {}
    for m, c in p.items():
        for n, d in q.items():
            k = tuple(i + j for i, j in zip(m, n))
            out[k] = out.get(k, 0) + c * d
    return {m: c for m, c in out.items() if c}


def _expanded(poly: dict, inputs: tuple):
    """The SymPy expression of a polynomial, as sp.expand writes it: each term c·v^k·… a Mul of the
    coefficient and the powers, put together as Add and Mul order their args (a number first, the
    rest sorted by Basic.compare) without their evaluation, which costs ~4 times as much and finds
    nothing to combine in distinct monomials (tests compare the two on random polynomials and on
    exam graphs' ∂y/∂x)."""
    gens = tuple(map(symbol, inputs))
    number, terms = [], []
    for m, c in poly.items():
        if not c:
            continue
        factors = sorted((g if k == 1 else sp.Pow(g, k) for g, k in zip(gens, m) if k), key=_args_sortkey)
        r = sp.Rational(c.numerator, c.denominator)
        if not factors:
            number = [r]
        else:
            terms.append(sp.Mul._from_args(factors if c == 1 else [r, *factors], True))
    return sp.Add._from_args(number + sorted(terms, key=_args_sortkey), True)


def _symbolic(nodes: dict, inputs: tuple):
    """(nodes, partials, totals dy/dv): the graph's point-free work, cached."""
    nodes, direct, total = _symbolic_cached(tuple(nodes.items()), inputs)
    return dict(nodes), {u: dict(ps) for u, ps in direct.items()}, dict(total)


@lru_cache(maxsize=1024)
def _symbolic_cached(items: tuple, inputs: tuple):
    nodes = dict(items)
    direct = partials(nodes, inputs)
    return nodes, direct, totals(nodes, direct)


def derivative_direct_only(g: dict) -> dict:
    """A student mistake: ∂y/∂x with each dy/dv taken as the partial ∂y/∂v (later paths dropped)."""
    direct, num, rational = totals_direct_only(g["nodes"], g["partials"]), _converter(g), _rational_values(g["env"])
    return {**derivative(g, direct), "totals": direct,
            "total_values": {v: num(at_point(t, g["env"], rational)) for v, t in direct.items()}}


def _converter(g: dict):
    return (lambda v: float(v)) if g["floats"] else (lambda v: v)


@lru_cache(maxsize=4096)
def display(e):
    """The expression with 1/(1 + e^−a) shown as σ(a), as a student writes it."""
    if not e.has(sp.exp):
        return e  # nothing to match (most graphs): skip SymPy's slow pattern matching
    # Where every e^Y sits in a 1/(1 + e^Y) of a non-constant Y (σ as parsed), the pattern
    # matches exactly those, with a = −Y: put σ(−Y) there directly. Anything else: match.
    units = {p: sigma(-p.base.args[1].args[0]) for p in e.atoms(sp.Pow) if _is_parsed_sigma(p)}
    shown = e.xreplace({p: s for p, s in units.items() if not s.has(sp.exp)})
    if not shown.has(sp.exp):
        return shown
    a = sp.Wild("a")
    return e.replace(1 / (1 + sp.exp(-a)), sigma(a))
