"""format8's fast paths write what the plain computations wrote: bmatrix from one flat list of
entries as from its rows, decimal arrays without the float array between, remembered decimals
as decimal_text, ans telling a scalar without np.ndim, key entries with each part's kind asked
once, and the answer sheet's channels decided before their import."""
import random
from fractions import Fraction as F

import numpy as np
import sympy as sp

from examgen import bank, documents, render
from examgen import formatting as fmt
from examgen import key as keys
from examgen.engine import exact, ops
from examgen.engine.exact import rational


def plain_bmatrix(a, column=True) -> str:
    """bmatrix as it was written before: a list of rows, one join a row."""
    a = np.asarray(a, dtype=object) if not isinstance(a, np.ndarray) else a
    if a.ndim == 0:
        return fmt.latex(a[()])
    rows = ([[x] for x in a.tolist()] if column else [a.tolist()]) if a.ndim == 1 else a.tolist()
    return r"\begin{bmatrix} %s \end{bmatrix}" % r" \\ ".join([" & ".join(map(fmt.latex, r)) for r in rows])


def plain_decimal_latex(v) -> str:
    """decimal_latex as it was written before: the float array first, then bmatrix of it."""
    f = ops.to_float(v)
    if isinstance(f, np.ndarray):
        return plain_bmatrix(f)
    mantissa, _, exponent = fmt.decimal_text(f, exact=ops.is_exact(v)).partition("e")
    return mantissa + (r" \times 10^{%s}" % exponent if exponent else "")


def entries(rng: random.Random, n: int) -> list:
    """Exact rationals, sums with logarithms, SymPy numbers, floats (tiny ones too), ints."""
    out = []
    for _ in range(n):
        r = F(rng.randint(-300, 300), rng.choice([1, 2, 3, 7, 8, 125, 1000, 7919]))
        kind = rng.randrange(6)
        if kind == 0:
            out.append(rational(r))
        elif kind == 1:
            out.append(rational(r) + exact.log(rng.choice([2, 3, 5])) * rng.choice([1, -2]))
        elif kind == 2:
            out.append(sp.Rational(r.numerator, r.denominator))
        elif kind == 3:
            out.append(rng.choice([sp.log(2), sp.exp(-1), sp.Float(0.1)]))
        elif kind == 4:
            out.append(rng.uniform(-1, 1) * 10.0 ** rng.randint(-25, 8))
        else:
            out.append(rng.randint(-9, 9))
    return out


SHAPES = [(1,), (2,), (5,), (1, 1), (2, 3), (3, 1), (1, 4), (4, 4), (0,), (0, 3), (3, 0)]


def arrays(seed: int, per_shape: int):
    rng = random.Random(seed)
    for shape in SHAPES:
        for _ in range(per_shape):
            a = np.empty(shape, dtype=object)
            a.ravel()[:] = entries(rng, a.size) if a.size else []
            yield a
            yield np.array([[float(x)] for x in a.ravel()]).reshape(shape) if a.size else np.zeros(shape)


def test_bmatrix_writes_its_rows():
    for a in arrays(0, 25):
        for column in (True, False):
            if a.ndim == 1 or column:
                assert fmt.bmatrix(a, column) == plain_bmatrix(a, column), a


def test_decimal_arrays_as_through_the_float_array():
    for a in arrays(1, 25):
        assert fmt.decimal_latex(a) == plain_decimal_latex(a), a
    for v in [np.array(rational(F(1, 3)), dtype=object), np.zeros(()), rational(F(-2, 7)), 1e-22, 0.0]:
        assert fmt.decimal_latex(v) == plain_decimal_latex(v), v


def test_remembered_decimals_are_decimal_text():
    rng = random.Random(2)
    xs = [0.0, -0.0, 1e-13, -1e-12, 1e-22, float("inf"), float("-inf"), float("nan"), 1 / 3, 2 / 3]
    xs += [rng.uniform(-1, 1) * 10.0 ** rng.randint(-20, 20) for _ in range(3000)]
    for x in xs + xs:   # (the second time from memory)
        assert fmt._decimal(x) == fmt.decimal_text(x), x
        assert fmt.latex(x) == fmt.latex(np.float64(x)) == fmt.decimal_text(x), x


def test_ans_tells_scalars_as_np_ndim():
    rng = random.Random(3)
    values = [rational(F(1, 3)), "tanh", sp.Rational(3, 7), sp.log(3), 0.25, 7,
              np.array(rational(F(5, 3)), dtype=object), [rational(F(1, 2)), rational(F(1, 3))]]
    values += list(arrays(4, 3))
    values += entries(rng, 200)
    for v in values:
        if isinstance(v, np.ndarray) and v.size == 0:
            continue
        scalar = isinstance(v, str) or np.ndim(v) == 0
        exact_text = fmt.latex(v) if scalar else fmt.bmatrix(v)
        plain = exact_text if not fmt.needs_decimal(v) else exact_text + r" \approx " + plain_decimal_latex(v)
        assert render.ans(v) == plain, v


def plain_parts_and_mistakes(inst, points, carry_share=1.0) -> dict:
    """The "parts" and "mistakes" of key.problem_entry as it wrote them before: every part's kind,
    choices and carry sets asked afresh, each mistake's part kinds too (its other fields are
    instance methods' output, unchanged)."""
    p, asked = inst.problem, inst.parts
    split = keys.part_points(points, asked)
    parts = {}
    for name in asked:
        spec = p.parts[name]
        variables, functions = inst.allowed(name)
        parts[name] = {"kind": inst.kind(name), "shape": inst.shape(name), "rtol": spec.rtol,
                       "atol": spec.atol, "points": split[name], "variables": variables,
                       "functions": functions}
        if spec.shape:
            parts[name]["dims"] = spec.shape
        if spec.sparse:
            parts[name]["sparse"] = True
        if inst.choices(name):
            parts[name]["choices"] = list(inst.choices(name))
        if set(spec.carry_from) & set(asked):
            parts[name]["carry"] = keys.carry_entry(inst, spec.carry_from, carry_share)
        if spec.carry_or_from and set(spec.carry_or_from) <= set(asked):
            parts[name].setdefault("carry", {"from": [], "share": carry_share})["or_from"] = list(spec.carry_or_from)
    mistakes = []
    for m in inst.mistakes():
        answers = {part: fmt.text(v) if inst.kind(part) == "expression" else fmt.to_json(v)
                   for part, v in m["answers"].items()}
        mistakes.append({"name": m["name"], "message": m["message"], "answers": answers})
    return {"parts": parts, "mistakes": mistakes}


def test_key_entries_as_asked_part_by_part():
    """Every problem, both profiles, every part asked and subsets of the parts (a carried part
    with its sources asked or not, second routes), half shares of carried points."""
    rng = random.Random(6)
    for pid, problem in sorted(bank.load_bank().items()):
        for seed, profile in [(0, "exam"), (1, "drill")]:
            inst = problem.sample(seed, profile)
            names = list(problem.parts)
            for asked in [()] + [tuple(rng.sample(names, rng.randint(1, len(names)))) for _ in range(2)]:
                inst.asked = asked
                share = rng.choice([1.0, 0.5])
                entry = keys.problem_entry(inst, 3, 2.5, share)
                assert keys.dumps({"parts": entry["parts"], "mistakes": entry["mistakes"]}) == \
                       keys.dumps(plain_parts_and_mistakes(inst, 2.5, share)), (pid, seed, asked)


def test_channels_as_before():
    from examgen.answers import channel_keys

    for shape in [(), (2,), (2, 3), (2, 2, 1), (2, 2, 2), (3, 3, 1, 1), (3, 3, 2, 2), (1, 1, 3), (4, 4, 0)]:
        plain = channel_keys(tuple(shape)) if len(shape) >= 3 and np.prod(shape[2:]) > 1 else []
        assert documents._channels(shape) == plain, shape
        assert documents._channels(list(shape)) == plain, shape
