"""Every problem of the bank: stress-tested over many seeds in both profiles."""
import json
import os
import subprocess
import sys

import numpy as np
import pytest

from examgen import render
from examgen.compare import all_close
from examgen.engine import ops
from examgen.instance import Instance
from examgen.sampling import bound_violation

from conftest import BANK, PROBLEM_IDS

REQUIRED = """activation-derivative activation-identity softmax softmax-two-class loss-mse loss-bce
loss-ce mlp-forward mlp-backprop gradient-descent total-derivative conv2d-forward conv2d-backward
maxpool-forward maxpool-backward iou anchor-labels bbox-target detection-loss rnn-forward rnn-bptt
lstm-forward lstm-bptt""".split()


def test_catalog_has_every_required_id():
    assert sorted(REQUIRED) == sorted(set(REQUIRED) & set(BANK))


def test_metadata_is_complete():
    for p in BANK.values():
        assert p.title and p.summary and p.parts, p.id
        for m in p.mistakes:
            assert callable(p.mistake_function(m)), (p.id, m.name)
        # every mistake_* function is declared in problem.yaml
        declared = {"mistake_" + m.name.replace("-", "_") for m in p.mistakes}
        defined = {n for n in vars(p.module) if n.startswith("mistake_")}
        assert defined == declared, p.id


def test_course_order_puts_topics_in_order_and_each_problem_after_what_it_builds_on():
    from examgen.bank import TOPICS, course_order

    order = [p.id for p in course_order(BANK.values())]
    assert sorted(order) == sorted(BANK)
    assert [BANK[pid].topic for pid in order] == sorted((BANK[pid].topic for pid in order), key=list(TOPICS).index)
    for pid in order:   # declared in problem.yaml, followed all the way down
        assert all(order.index(a) < order.index(pid) for a in BANK[pid].builds_on), pid
    # a student works forward before backward (alphabetically backward came first)
    for first, then in [("mlp-forward", "mlp-backprop"), ("conv2d-forward", "conv2d-backward"),
                        ("maxpool-forward", "maxpool-backward"), ("rnn-forward", "rnn-bptt"),
                        ("lstm-forward", "lstm-bptt"), ("mlp-backprop", "gradient-descent")]:
        assert order.index(first) < order.index(then), (first, then)
    # alphabetical where nothing is built on: the same order whatever order the problems come in
    assert [p.id for p in course_order(reversed(list(BANK.values())))] == order
    assert [p.id for p in course_order(p for p in BANK.values() if p.topic == "lstm")] == ["lstm-forward", "lstm-bptt"]
    # through a problem left out: gradient-descent builds on mlp-forward by way of mlp-backprop
    assert [p.id for p in course_order([BANK["gradient-descent"], BANK["mlp-forward"]])] == [
        "mlp-forward", "gradient-descent"]


def _finite(inst: Instance):
    for name in inst.problem.parts:
        if inst.kind(name) in ("expression", "choice"):
            continue
        assert np.all(np.isfinite(ops.to_float(inst.values[name]))), (inst.id, name)


@pytest.mark.slow
@pytest.mark.parametrize("pid", PROBLEM_IDS)
@pytest.mark.parametrize("profile", ["exam", "drill"])
def test_stress_many_seeds(pid, profile, seeds):
    """Samples, solves and renders without error, no NaN/inf; variety; exam answers exact and
    calculator-free (REFERENCE.md's bound on every parameter, answer and intermediate value:
    the per-id bound check; tests/test_bound.py tests the checker itself)."""
    distinct = set()
    for seed in seeds:
        inst = BANK[pid].sample(seed, profile)
        _finite(inst)
        if profile == "exam":
            assert inst.exact, (pid, seed, "exam answers must be exact")
            assert bound_violation(inst.params) is None, (pid, seed, bound_violation(inst.params))
            assert bound_violation(inst.values) is None, (pid, seed, bound_violation(inst.values))
        md = render.markdown(inst, with_solution=True)
        assert "nan" not in md.lower().split() and "<<" not in md and "%>" not in md
        if seed < 20:
            distinct.add(json.dumps(inst.params_exact_json(), sort_keys=True))
    if len(seeds) >= 20:
        assert len(distinct) >= 10, f"{pid}/{profile}: only {len(distinct)} distinct instances in 20 seeds"


@pytest.mark.parametrize("pid", PROBLEM_IDS)
def test_every_mistake_applies_to_many_instances(pid, grading_seeds):
    """Each declared mistake applies (gives an answer) on at least a quarter of the seeds; that
    its answers differ from the right ones is the contract test's (tests/test_contract.py)."""
    p = BANK[pid]
    instances = [p.sample(seed, profile) for profile in ("exam", "drill") for seed in grading_seeds]
    for m in p.mistakes:
        applied = sum(inst.wrong_answers(m) is not None for inst in instances)
        # A multiple-choice problem's misreadings each belong to one question (tests/test_concepts.py).
        floor = 0 if all(part.kind == "choice" for part in p.parts.values()) else len(grading_seeds) // 4
        assert applied >= floor, f"{pid}: mistake {m.name} applies to only {applied} of {len(instances)} instances"


def test_expression_acceptance_agrees_with_sympy():
    """The acceptance check's float evaluation of expressions (instance._complex_value) against
    SymPy's at the same point, and its verdicts: equal forms are equal, a difference beyond the
    check's 1e-9 differs, and functions the floats do not know are left to SymPy."""
    import sympy as sp

    from examgen.engine.identities import h, sigma, xi
    from examgen.instance import _complex_value, _expressions_differ

    point = {h: sp.Rational(3, 10), xi: sp.Rational(8, 17)}
    for e in (2 * sigma(2 * xi) - 1, sp.log(1 - h) / h ** 2, sp.exp(-xi) / (1 + sp.exp(-xi)) ** 2,
              sp.Mul(3, 1 - h, evaluate=False), (1 + sp.tanh(xi / 2)) / 2, sp.sqrt(h) * sp.E, sp.log(-h)):
        assert abs(_complex_value(e, point) - complex(sp.N(e.xreplace(point)))) < 1e-12, e
    with pytest.raises(KeyError):
        _complex_value(sp.sin(xi), point)
    assert not _expressions_differ(2 * sigma(2 * xi) - 1, sp.tanh(xi))
    assert not _expressions_differ(h * (1 - h), h - h ** 2)
    assert not _expressions_differ(1 - h, 1 - h + sp.Rational(1, 10 ** 12))
    assert _expressions_differ(1 - h, 1 - h + sp.Rational(1, 10 ** 8))
    assert _expressions_differ(2 * sigma(xi) - 1, sp.tanh(xi))
    assert not _expressions_differ(sp.sin(2 * xi), 2 * sp.sin(xi) * sp.cos(xi))
    assert _expressions_differ(sp.sin(xi), sp.cos(xi))


def _instance_json(pid) -> str:
    inst = BANK[pid].sample(7, "exam")
    return json.dumps([inst.params_exact_json(), inst.answers_exact_json()], sort_keys=True)


@pytest.fixture(scope="module")
def other_processes():
    """{pid: set of the seed-7 exam instances, as JSON, from two other processes with different
    PYTHONHASHSEEDs}: one interpreter per hash seed samples every problem."""
    code = (
        "import json; from examgen.bank import load_bank; "
        "print(json.dumps({pid: json.dumps([i.params_exact_json(), i.answers_exact_json()], sort_keys=True) "
        f"for pid in {PROBLEM_IDS!r} for i in [load_bank()[pid].sample(7, 'exam')]}}))"
    )
    seen = {pid: set() for pid in PROBLEM_IDS}
    for hashseed in ("0", "12345"):
        env = dict(os.environ, PYTHONHASHSEED=hashseed)
        out = json.loads(subprocess.run([sys.executable, "-c", code], env=env, capture_output=True,
                                        text=True, check=True).stdout)
        for pid in PROBLEM_IDS:
            seen[pid].add(out[pid])
    return seen


@pytest.mark.parametrize("pid", PROBLEM_IDS)
def test_same_seed_same_instance_in_another_process(pid, other_processes):
    assert other_processes[pid] == {_instance_json(pid)}


@pytest.mark.parametrize("pid", PROBLEM_IDS)
def test_solve_round_trips_through_json_params(pid):
    """The drill instance's parameters, as JSON, solve to the same answers."""
    for seed in range(5):
        inst = BANK[pid].sample(seed, "drill")
        again = BANK[pid].from_params(json.loads(json.dumps(inst.params_json())))
        for part in inst.problem.parts:
            if inst.kind(part) in ("expression", "choice"):
                continue
            assert all_close(again.values[part], inst.values[part], 1e-12, 1e-12), (pid, part)
