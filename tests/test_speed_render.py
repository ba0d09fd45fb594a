"""The fast paths of rendering write what the generic ones wrote: Exact rationals as SymPy's,
arrays read with tolist as entry by entry, SymPy's printers that remember parts as printers
that do not, and key.dumps's one C encoder as json's own."""
import copy
import json
import random
import re
from fractions import Fraction as F

import numpy as np
import sympy as sp

from examgen import bank, render, work
from examgen import formatting as fmt
from examgen import key as keys
from examgen.engine import ops
from examgen.engine.exact import rational


def fractions(n: int, seed: int = 0) -> list[F]:
    rng = random.Random(seed)
    out = [F(0), F(1), F(-1), F(1, 2), F(-1, 2), F(3, 8), F(1, 3)]
    out += [F(rng.randint(-300, 300), rng.choice([1, 2, 3, 4, 5, 8, 12, 16, 25, 125, 1000, 7919]))
            for _ in range(n)]
    return out


def test_exact_rationals_print_as_sympy_rationals():
    for r in fractions(3000):
        x, s = rational(r), sp.Rational(r.numerator, r.denominator)
        assert (fmt.latex(x), fmt.text(x), fmt.needs_decimal(x)) == \
               (fmt.latex(s), fmt.text(s), fmt.needs_decimal(s)), r


def entry_by_entry_bmatrix(a, column=True) -> str:
    """bmatrix as it read arrays before: NumPy rows and entries."""
    rows = ([[x] for x in a] if column else [list(a)]) if a.ndim == 1 else [list(r) for r in a]
    return r"\begin{bmatrix} %s \end{bmatrix}" % r" \\ ".join(" & ".join(fmt.latex(x) for x in r) for r in rows)


def entry_by_entry_json(v):
    return [entry_by_entry_json(x) for x in v] if isinstance(v, np.ndarray) else fmt.text(v)


def test_arrays_print_as_their_entries():
    rng = np.random.default_rng(0)
    rs = fractions(600, seed=1)
    for shape in [(3,), (2, 3), (4, 1), (1, 4), (2, 2, 2)]:
        for _ in range(20):
            exact = np.empty(shape, dtype=object)
            for idx in np.ndindex(*shape):
                exact[idx] = rational(rs[rng.integers(len(rs))])
            floats = rng.normal(size=shape) * 10.0 ** rng.integers(-14, 6)
            for a in (exact, floats, floats.astype(int)):
                assert fmt.to_exact_json(a) == entry_by_entry_json(a)
                assert json.dumps(fmt.to_json(a)) == json.dumps(ops.to_float(a).tolist())
                if a.ndim <= 2:
                    assert fmt.bmatrix(a) == entry_by_entry_bmatrix(a)
                    assert fmt.bmatrix(a, column=False) == entry_by_entry_bmatrix(a, column=False)


def test_printers_remembering_parts_print_as_printers_that_forget():
    values = []
    for pid in ("total-derivative", "activation-identity", "activation-derivative"):
        for seed in range(12):
            inst = bank.get(pid).sample(seed, "exam", {})
            values += [v for v in inst.values.values() if isinstance(v, sp.Basic) and v.free_symbols]
    x, y = sp.symbols("x y")
    half = sp.Float(0.5)
    values += [half, half * x + sp.Float(1.25), sp.sin(half * y) + half]   # a Float: in full only at the top
    assert len(values) > 50
    for printer in (fmt._text_printer(), fmt._latex_printer()):
        forgetful = copy.copy(printer)
        forgetful._parts = type("Forgetful", (dict,), {"__setitem__": lambda self, k, v: None})()
        for v in values + values:   # the second time, from what the first remembered
            assert printer.doprint(v) == forgetful.doprint(v), v
        assert printer._parts


def test_one_c_encoder_writes_as_json():
    rng = random.Random(3)
    values = ["a\"é\n\u2028", 3, -0.0, 1e-22, None, True, [], {}, {"kind": "matrix", "shape": [2, 2]},
              [[rng.random() for _ in range(3)] for _ in range(2)], {"x": {"y": [1.5, "3/4", None]}}]
    for v in values:
        assert keys._ENCODE(v) == json.dumps(v, ensure_ascii=False, allow_nan=False)
    for bad in (float("nan"), float("inf"), object()):
        try:
            keys._ENCODE([bad])
        except (ValueError, TypeError):
            continue
        raise AssertionError(f"{bad!r} was written")


def test_templates_read_a_dicts_items_as_jinja_does():
    import jinja2

    source = "<< d.x >> << d.items is defined >> << d.items() | list | length >> << d.get('x') >> " \
             "<< d.y is defined >> << d.nested.x >> << e.x is defined >>"
    values = {"d": {"x": 1, "items": "an item", "get": 2, "nested": {"x": 3}}, "e": [1]}
    ours = render.environment().from_string(source).render(values)
    jinjas = jinja2.Environment(**render.DELIMITERS).from_string(source).render(values)
    assert ours == jinjas == "1 True 4 1 False 3 False"


def test_formulas_are_found_as_the_lazy_pattern_found_them():
    lazy = re.compile(r"\$\$([\s\S]*?)\$\$|\$([^$]+?)\$")
    rng = random.Random(5)
    for _ in range(20000):
        text = "".join(rng.choice("$$$a \n\\{") for _ in range(rng.randint(0, 24)))
        assert [m.groups() for m in work._MATH.finditer(text)] == [m.groups() for m in lazy.finditer(text)], text


def counted_as_written(math: str) -> tuple[tuple, int]:
    """work._formula as it was: matrices and steps of the formula as written, digits and all."""
    matrices = []

    def matrix(mm):
        matrices.append((" ".join(mm.group(2).split()), work._entries(mm.group(2))))
        return " M "

    count, symbolic_before = 0, False
    for piece in work._RELATION.split(work._INDEX.sub(" ", work._MATRIX.sub(matrix, math))):
        if not piece.strip():
            continue
        if work._NUMBER.search(piece):
            count += len(work._STEP.findall(piece)) or int(symbolic_before and "M" not in piece)
            symbolic_before = False
        else:
            symbolic_before = True
    return tuple(matrices), count


def test_formulas_are_counted_as_written_whatever_their_digits():
    formulas = set()
    for pid in bank.load_bank():
        for seed in range(3):
            inst = bank.get(pid).sample(seed, "exam", {})
            formulas |= {m.group(1) or m.group(2) for m in work._MATH.finditer(render.solution(inst))}
    rng = random.Random(7)
    formulas |= {"".join(rng.choice(["1", "23", "x_1", "_{12}", "^{(2)}", "[0,1]", " - ", "-", "+", "=",
                                     r"\le ", r"\times", ")(", r"\sigma(", "M", " ", "&", ","])
                         for _ in range(rng.randint(1, 12))) for _ in range(3000)}
    assert len(formulas) > 3000
    for f in formulas:
        assert work._formula(f) == counted_as_written(f), f


def test_paren_writes_what_the_template_macro_wrote():
    from examgen.engine.exact import log

    macro = render.environment().from_string(
        "<% macro p(v) %><% if v < 0 or (v.is_Add is defined and v.is_Add) %>\\left(<< v|tex >>\\right)"
        "<% else %><< v|tex >><% endif %><% endmacro %><< p(v) >>")
    rs = [rational(r) for r in fractions(300)]
    logs = [c * log(a) + r for c, a, r in zip(rs[1:40], [2, 3, 5, 6, 1.5] * 8, rs[40:80])] + [log(2), -log(3)]
    values = rs + logs + [0.25, -1.5, np.float64(-0.125), sp.Integer(-2), sp.Rational(3, 4), 1 - sp.log(2)]
    for v in values:
        assert render.paren(v) == macro.render(v=v), v
