"""The acceptance check's fast paths (the complex-float walk of expressions, SymPy rationals
compared in floats): its verdicts are the plain comparison's on raw candidate draws (rejected
ones included, where a mistake gives the right answer)."""
import numpy as np

from examgen.compare import all_close, close
from examgen.errors import ExamgenError
from examgen.instance import Draw, _differs, fill_options, rejection, solve

from conftest import BANK, PROBLEM_IDS


def _candidates(pid, seeds):
    """Solved candidate draws of one problem, accepted or not."""
    p = BANK[pid]
    for seed in seeds:
        rng = Draw.for_instance(pid, "exam", seed)
        try:
            yield solve(p, p.module.draw(rng, fill_options(p, rng, {})))
        except (ValueError, ArithmeticError, ExamgenError):
            continue


def _plain_differs(inst, part, wrong):
    """_differs without kept floats, for numbers by NumPy's entry-wise rule (`close`)."""
    if inst.kind(part) in ("choice", "expression") or isinstance(inst.values[part], str):
        return _differs(inst, part, wrong)
    spec = inst.problem.parts[part]
    ok = close(wrong, inst.values[part], spec.rtol, spec.atol)
    return ok is False or not bool(np.all(ok))


def _plain_rejection(inst, exam):
    for m in inst.problem.mistakes:
        wrong = inst.wrong_answers(m)
        if wrong is not None:
            for part in m.parts:
                if not _plain_differs(inst, part, wrong[part]):
                    return f"the mistake {m.name} gives the right {part}"
    return rejection(inst, exam) if exam else None


NUMERIC = [pid for pid in PROBLEM_IDS if BANK[pid].mistakes and hasattr(BANK[pid].module, "draw")]


def test_rejection_is_the_plain_one_on_raw_draws():
    verdicts = set()
    for i, pid in enumerate(NUMERIC):
        for inst in _candidates(pid, range(5000 + 37 * i, 5008 + 37 * i)):
            why = rejection(inst, False)
            assert why == _plain_rejection(inst, False), pid
            verdicts.add(why is None)
    assert verdicts == {True, False}


def _expression_pairs(per_problem=20):
    """(wrong, right) expression pairs of raw candidate draws: every mistake of an expression part."""
    for pid in PROBLEM_IDS:
        p = BANK[pid]
        if not any(spec.kind == "expression" for spec in p.parts.values()) or not hasattr(p.module, "draw"):
            continue
        for inst in _candidates(pid, range(300, 300 + per_problem)):
            for m in p.mistakes:
                wrong = inst.wrong_answers(m)
                for part in (m.parts if wrong is not None else ()):
                    if inst.kind(part) == "expression":
                        yield wrong[part], inst.values[part]


def test_complex_values_are_sympys():
    """_complex_value's walk (no import per node) gives SymPy's own value at each point."""
    import sympy as sp

    from examgen.instance import _complex_value

    checked = 0
    for pair in _expression_pairs():
        for e in pair:
            free = sorted(e.free_symbols, key=str)
            point = {s: sp.Rational(2 * i + 3, 10 + 7 * i) for i, s in enumerate(free)}
            want = complex(sp.N(e.xreplace(point), 30))
            assert abs(_complex_value(e, point) - want) <= 1e-9 * (1 + abs(want)), e
            checked += 1
    assert checked >= 60


def test_expression_verdicts_are_sympys():
    """Two expressions differ as SymPy says they do (not cached: each pair decided afresh)."""
    import sympy as sp

    from examgen.instance import _expressions_differ

    pairs = list(_expression_pairs(6))
    for a, b in pairs:
        assert _expressions_differ.__wrapped__(a, b) == (sp.simplify(a - b) != 0), (a, b)
    assert len(pairs) >= 10


def test_sympy_rationals_are_compared_by_closes_rule():
    """all_close decides two SymPy rationals (or one and an Exact, int or float) in Python floats:
    `close`'s verdict, near the bound and at it."""
    import sympy as sp

    from examgen.engine import exact as ex

    rng = np.random.default_rng(13)
    rights = [sp.Integer(0), sp.Integer(3), sp.S.Half, sp.S.NegativeOne, sp.Rational(-1, 243), sp.Rational(7, 3)]
    for right in rights:
        for _ in range(40):
            step = float(rng.choice([0.0, 0.004, 0.005, 0.0051, 0.01, 0.0101, 0.5])) * rng.choice([-1, 1])
            for given in (sp.Rational(right) + sp.Rational(step).limit_denominator(10**6),
                          ex.rational(sp.Rational(right) + sp.Rational(step).limit_denominator(10**6)),
                          float(right) + step, int(right)):
                for g, e in ((given, right), (right, given)):
                    want = bool(np.all(close(g, e, 0.01, 0.005)))
                    assert all_close(g, e, 0.01, 0.005) == want, (g, e)
    assert not all_close(sp.Integer(1), sp.S.Half, 0.01, 0.005) and all_close(sp.S.Half, 0.5049, 0.01, 0.005)
