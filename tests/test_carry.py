"""Error carried forward: every declared chain recomputes the key from the key's own answers, a
part worked right from a wrong earlier answer earns its points ("carried"), and nothing else does."""
import numpy as np
import pytest

from examgen import bank
from examgen import key as keys
from examgen.grade import CARRIED, _recompute, grade_submission, prepare_key

BANK = bank.load_bank()
CHAINED = [pid for pid, p in BANK.items() if any(part.carry_from for part in p.parts.values())]
MULTI_PART = [pid for pid, p in BANK.items()
              if sum(part.kind not in ("expression", "choice") for part in p.parts.values()) > 1]


def make_key(inst, share=1.0):
    entry = keys.problem_entry(inst, 2, 10, carry_share=share)
    return {"exam": "E0-carry", "seed": 0, "bank": bank.bank_version(), "title": "T", "student": None,
            "points": 10, "problems": [entry]}


def parts_of(result):
    return {p["part"]: p for p in result["problems"][0]["parts"]}


def test_every_problem_with_dependent_parts_declares_its_chain():
    # Problems whose later parts are computed from earlier ones (REFERENCE.md's typical chains).
    expected = {"iou", "mlp-backprop", "mlp-forward", "loss-ce", "rnn-bptt", "lstm-forward", "detection-loss",
                "anchor-labels", "activation-derivative", "lstm-bptt", "total-derivative",
                "rnn-forward", "conv-pool-layer"}
    assert expected <= set(CHAINED), expected - set(CHAINED)
    for pid in CHAINED:
        for part in BANK[pid].parts.values():
            if part.carry_from:
                assert callable(BANK[pid].carry_function(part.name)), (pid, part.name)


@pytest.mark.parametrize("pid", CHAINED)
def test_the_keys_own_answers_carry_to_the_key(pid, grading_seeds):
    for profile in ("exam", "drill"):
        for seed in grading_seeds:
            key = prepare_key(make_key(BANK[pid].sample(seed, profile)))
            kp = next(iter(key.versions.values())).problems[2]
            for part in kp.parts.values():
                if not part.carry_from:
                    continue
                given = {s: kp.parts[s].expected for s in part.carry_from}
                value = _recompute(kp, part.name, part.expected.shape, given)
                assert value is not None, (pid, seed, part.name)
                assert np.allclose(value, part.expected, rtol=1e-9, atol=1e-9), (pid, profile, seed, part.name)


@pytest.mark.parametrize("pid", CHAINED)
def test_a_part_carries_when_the_exam_leaves_some_of_its_sources_unasked(pid):
    """An exam asking a part and only some of what it is computed from (the default final asks
    lstm-forward's c and h, not o) recomputes it from the asked answers and the key's values of
    the others; with none of its sources asked it has no carry."""
    inst = BANK[pid].sample(0)
    for name, spec in BANK[pid].parts.items():
        others = [s for s in spec.carry_from if s != name]
        if not others:
            continue
        inst.asked = tuple(p for p in BANK[pid].parts if p == name or p == others[-1])
        entry = make_key(inst)["problems"][0]["parts"][name]
        unasked = [s for s in spec.carry_from if s not in inst.asked]
        assert entry["carry"]["from"] == list(spec.carry_from), (pid, name)
        assert sorted(entry["carry"].get("given", {})) == sorted(unasked), (pid, name)
        kp = next(iter(prepare_key(make_key(inst)).versions.values())).problems[2]
        part = kp.parts[name]
        given = {**part.carry_given, **{s: kp.parts[s].expected for s in spec.carry_from if s in inst.asked}}
        value = _recompute(kp, part.name, part.expected.shape, given)
        assert np.allclose(value, part.expected, rtol=1e-9, atol=1e-9), (pid, name)
        inst.asked = (name,)
        assert "carry" not in make_key(inst)["problems"][0]["parts"][name] or name in spec.carry_from, (pid, name)


def test_lstm_h_is_carried_from_a_wrong_c_when_the_gates_are_not_asked():
    # The default final asks lstm-forward's c and h only; h = o ⊙ c (course variant) was graded
    # wrong from the student's own c, because o, which h is computed from, is not asked.
    inst = next(i for i in (BANK["lstm-forward"].sample(s, options={"variant": "course"}) for s in range(40))
                if len(i.values["c"]) >= 2)
    inst.asked = ("c", "h")
    raw = make_key(inst)
    right = raw["problems"][0]["answers"]
    c = list(right["c"])
    c[-1] += 1   # a slip in the last cell state
    o = raw["problems"][0]["parts"]["h"]["carry"]["given"]["o"]
    h = list(right["h"])
    h[-1] = o[-1] * c[-1]
    got = parts_of(grade_submission(raw, {"exam": "E0-carry", "answers": {2: {"c": c, "h": h}}}))
    assert got["c"]["verdict"] == "wrong"
    assert got["h"]["verdict"] == CARRIED and got["h"]["points"] == got["h"]["max"], got["h"]
    assert got["h"]["feedback"] == "carried forward from 2.c"


def chain_from(kp, source, answers):
    """The student's answers when `source` is wrong and every later step is worked right from it."""
    answers = dict(answers)
    answers[source] = answers[source] + 0.25 * (1 + np.abs(answers[source]))  # moves every value (no fixed point)
    if not np.any(answers[source]):  # all zeros is never carried from (a blanket guess): move it elsewhere
        answers[source] = answers[source] + 0.5
    changed = {source}
    for _ in range(8):   # parts computed step by step from themselves settle within T rounds
        for part in kp.parts.values():
            if part.name == source or not part.carry_from or not set(part.carry_from) & (changed | {part.name}):
                continue
            value = _recompute(kp, part.name, part.expected.shape, {s: answers[s] for s in part.carry_from})
            if value is not None and not np.allclose(value, answers[part.name]):
                answers[part.name] = value
                changed.add(part.name)
    return answers, changed - {source}


SOURCES_PER_SEED = 3
# Instances of each problem a chain is moved in: with SOURCES_PER_SEED sources a seed, each source
# of every problem (lstm-bptt has the most, 5) is moved in at least 12 instances. 50 seeds (the
# grading seeds) made lstm-bptt's case the suite's slowest in-process test and proved nothing more.
CHAIN_SEEDS = 20


def rotation(names: list, seed: int) -> list:
    """The sources (or parts) one seed moves: all of them when there are few, else SOURCES_PER_SEED
    in turn, so that over the seeds each is moved in several instances (moving every one of
    lstm-bptt's in every seed made this the slowest test of the suite, proving nothing more)."""
    if len(names) <= SOURCES_PER_SEED:
        return names
    start = seed * SOURCES_PER_SEED
    return [names[(start + k) % len(names)] for k in range(SOURCES_PER_SEED)]


# Problems with a part worked from another part (rnn-forward's h only from its own earlier steps:
# test_a_step_by_step_sequence_costs_only_the_slipped_step).
FROM_OTHERS = [pid for pid in CHAINED
               if any(s != part.name for part in BANK[pid].parts.values() for s in part.carry_from)]


@pytest.mark.parametrize("pid", FROM_OTHERS)
def test_a_carried_chain_earns_its_points_and_a_wrong_value_does_not(pid, grading_seeds):
    carried_seen = 0
    seeds = grading_seeds[:CHAIN_SEEDS]
    for seed in seeds:
        key = prepare_key(make_key(BANK[pid].sample(seed, "exam")))  # prepared once, graded many times
        kp = next(iter(key.versions.values())).problems[2]
        right = {n: p.expected for n, p in kp.parts.items() if p.kind not in ("expression", "choice")}
        sources = sorted({s for p in kp.parts.values() for s in p.carry_from if s != p.name})
        for source in rotation(sources, seed):
            answers, changed = chain_from(kp, source, right)
            if any(not np.all(np.isfinite(answers[n])) for n in changed):
                continue
            sheet = {"exam": "E0-carry", "answers": {2: {n: v.tolist() for n, v in answers.items()}}}
            got = parts_of(grade_submission(key, sheet))
            assert got[source]["verdict"] == "wrong", (pid, seed, source, got[source])
            for name in changed:
                p = got[name]
                if np.allclose(answers[name], right[name], rtol=0.01, atol=0.005):
                    continue
                assert p["verdict"] == CARRIED and p["points"] == p["max"], (pid, seed, source, name, p)
                assert "carried forward from 2." in p["feedback"], p
                carried_seen += 1
            # the same later answers moved off the recomputed value earn nothing by carrying
            for name in rotation(sorted(changed), seed):
                moved = dict(sheet["answers"][2])
                moved[name] = (answers[name] + 1 + 0.5 * np.abs(answers[name])).tolist()
                p = parts_of(grade_submission(key, {"exam": "E0-carry", "answers": {2: moved}}))[name]
                assert p["verdict"] != CARRIED and p["points"] < p["max"], (pid, seed, source, name, p)
            # off: no carry at all
            off = parts_of(grade_submission(key, sheet, carry_forward=False))
            assert all(off[n]["verdict"] != CARRIED for n in changed)
    assert carried_seen or len(seeds) < 5, pid   # a few seeds may not move a 0/1 label


def test_no_carry_from_blank_zero_or_unreadable_answers_and_the_share_is_the_keys():
    inst = BANK["iou"].sample(0)
    raw = make_key(inst)
    e = raw["problems"][0]["answers"]
    I = e["I"] + 1
    ok = {"I": I, "U": e["U"], "IOU": I / e["U"]}
    got = parts_of(grade_submission(raw, {"exam": "E0-carry", "answers": {2: ok}}))
    assert got["IOU"]["verdict"] == CARRIED and got["IOU"]["feedback"] == "carried forward from 2.I"
    for bad_I in (None, 0, "2 +* 3", "nan"):
        given = dict(ok, I=bad_I, IOU=0 if bad_I == 0 else ok["IOU"])
        p = parts_of(grade_submission(raw, {"exam": "E0-carry", "answers": {2: given}}))["IOU"]
        assert p["verdict"] != CARRIED, (bad_I, p)
    half = make_key(inst, share=0.5)
    assert half["problems"][0]["parts"]["IOU"]["carry"] == {"from": ["I", "U"], "share": 0.5}
    p = parts_of(grade_submission(half, {"exam": "E0-carry", "answers": {2: ok}}))["IOU"]
    assert p["verdict"] == CARRIED and p["points"] == pytest.approx(p["max"] / 2, abs=0.01)


def test_a_named_mistake_with_right_sources_is_named_not_carried():
    raw = make_key(BANK["iou"].sample(3))
    e = raw["problems"][0]
    wrong = next(m for m in e["mistakes"] if m["name"] == "over-ref-area")["answers"]["IOU"]
    p = parts_of(grade_submission(raw, {"exam": "E0-carry", "answers": {2: {"I": e["answers"]["I"], "U": e["answers"]["U"],
                                                                             "IOU": wrong}}}))["IOU"]
    assert p["verdict"] == "wrong" and p["mistake"] == "over-ref-area", p


@pytest.mark.parametrize("pid, part, slipped", [("rnn-bptt", "dL_dh", -1),   # backwards in time
                                                 ("rnn-forward", "h", 0)])     # forwards
def test_a_step_by_step_sequence_costs_only_the_slipped_step(pid, part, slipped):
    raw = next(k for s in range(50) if len((k := make_key(BANK[pid].sample(s)))["problems"][0]["answers"][part]) >= 3)
    kp = next(iter(prepare_key(raw).versions.values())).problems[2]
    d = np.array(kp.parts[part].expected)
    d[slipped] += 1                              # one step slipped; the others follow from it
    others = np.arange(len(d)) != (slipped % len(d))
    for _ in range(len(d)):
        fixed = _recompute(kp, part, kp.parts[part].expected.shape, {part: d})
        d[others] = fixed[others]
    assert not np.allclose(d[others], np.array(kp.parts[part].expected)[others])  # the slip moved them
    p = parts_of(grade_submission(raw, {"exam": "E0-carry", "answers": {2: {part: d.tolist()}}}))[part]
    n = len(d)
    assert p["points"] == pytest.approx(round(p["max"] * (n - 1) / n, 2), abs=0.01), p


def test_dy_dx_at_is_carried_from_the_students_own_expression_too():
    # total-derivative asks ∂y/∂x as an expression and at the point: a value worked right from
    # the student's own (wrong) expression was graded wrong; the second route (`or_from`) carries it.
    raw = make_key(BANK["total-derivative"].sample(0))
    entry = raw["problems"][0]
    assert entry["parts"]["dy_dx_at"]["carry"]["or_from"] == ["dy_dx"]
    point = {k: float(v) for k, v in entry["params"]["point"].items()}
    wrong = entry["answers"]["dy_dx"] + " + x*z"           # one term too many
    own = entry["answers"]["dy_dx_at"] + point["x"] * point["z"]
    answers = {**entry["answers_exact"], "dy_dx": wrong, "dy_dx_at": own}
    got = parts_of(grade_submission(raw, {"exam": "E0-carry", "answers": {2: answers}}))
    assert got["dy_dx"]["verdict"] == "wrong"
    assert got["dy_dx_at"]["verdict"] == CARRIED and got["dy_dx_at"]["feedback"] == "carried forward from 2.dy_dx"
    for constant in ("7", "ln(2)"):                        # one number written twice: nothing was evaluated
        twice = {**answers, "dy_dx": constant, "dy_dx_at": constant}
        got = parts_of(grade_submission(raw, {"exam": "E0-carry", "answers": {2: twice}}))
        assert got["dy_dx_at"]["verdict"] == "wrong", (constant, got["dy_dx_at"])
    answers["dy_dx_at"] = own + 1                          # not the student's expression at the point either
    assert parts_of(grade_submission(raw, {"exam": "E0-carry", "answers": {2: answers}}))["dy_dx_at"]["verdict"] == "wrong"
    inst = BANK["total-derivative"].sample(0)
    inst.asked = ("dy_dh", "dy_dg", "dy_dx_at")            # the expression not asked: no second route
    assert "or_from" not in make_key(inst)["problems"][0]["parts"]["dy_dx_at"]["carry"]


def test_lstm_gates_the_exam_leaves_unasked_are_worked_from_the_students_own_h():
    # With c and h asked only, the gates f[t], i[t], o[t] were taken at the key's values although
    # they follow from the student's own h[t−1]: an honest follow-through of a slip in c[0] was
    # graded wrong, and one mixing the key's gates with the student's h was carried.
    inst = next(i for i in (BANK["lstm-forward"].sample(s, options={"variant": "course"}) for s in range(60))
                if len(i.values["c"]) >= 2)
    full = next(iter(prepare_key(make_key(inst)).versions.values())).problems[2]
    c, h = full.parts["c"].expected.copy(), full.parts["h"].expected.copy()
    c[0] += 1
    for _ in range(len(c) + 1):   # every later step worked right from the slip
        gates = {g: _recompute(full, g, c.shape, {"h": h}) for g in ("f", "i", "o")}
        c = np.concatenate([c[:1], _recompute(full, "c", c.shape, {**gates, "c": c, "h": h})[1:]])
        h = _recompute(full, "h", h.shape, {"o": gates["o"], "c": c})
    inst.asked = ("c", "h")
    raw = make_key(inst)
    assert raw["problems"][0]["parts"]["h"]["carry"]["given_from"] == {"o": ["h"]}
    got = parts_of(grade_submission(raw, {"exam": "E0-carry", "answers": {2: {"c": c.tolist(), "h": h.tolist()}}}))
    assert got["h"]["verdict"] == CARRIED and got["h"]["points"] == got["h"]["max"], got["h"]
    n = len(c)
    assert got["c"]["verdict"] == "wrong", got["c"]
    assert got["c"]["feedback"].startswith(f"1 of {n} entries wrong; the others carried"), got["c"]
    assert got["c"]["points"] == pytest.approx(round(got["c"]["max"] * (n - 1) / n, 2)), got["c"]


def test_mlp_dW1_is_carried_from_the_students_own_db1_for_one_example():
    # The default final asks dL_dW1 and dL_db1 only: with one example dL_db1 is the student's
    # ∇ξ¹ L, and dL_dW1 = dL_db1 xᵀ worked from a wrong dL_db1 earned nothing.
    inst = next(i for i in (BANK["mlp-backprop"].sample(s) for s in range(60)) if len(i.params["x"]) == 1)
    inst.asked = ("dL_dW1", "dL_db1")
    raw = make_key(inst)
    assert raw["problems"][0]["parts"]["dL_dW1"]["carry"]["or_from"] == ["dL_db1"]
    x = np.asarray(raw["problems"][0]["params"]["x"], dtype=float)[0]
    db1 = np.asarray(raw["problems"][0]["answers"]["dL_db1"], dtype=float) + 1   # a slip in every entry
    got = parts_of(grade_submission(raw, {"exam": "E0-carry", "answers": {2: {
        "dL_db1": db1.tolist(), "dL_dW1": np.outer(db1, x).tolist()}}}))
    assert got["dL_db1"]["verdict"] == "wrong"
    assert got["dL_dW1"]["verdict"] == CARRIED and got["dL_dW1"]["feedback"] == "carried forward from 2.dL_db1"


def test_an_all_zero_part_that_was_itself_carried_is_a_source_for_the_next():
    # A student who truncated BPTT got dL/dw = [0] worked right from their own dL/dξ (carried),
    # then w_new = w − η·0 = w: right from that, but graded wrong with no carry, because an
    # all-zero answer is never a source (a blanket guess). One verified as carried is no guess.
    raw = make_key(BANK["rnn-bptt"].sample(4))
    kp = next(iter(prepare_key(raw).versions.values())).problems[2]
    e = raw["problems"][0]
    shape = kp.parts["dL_dw"].expected.shape
    n = len(kp.parts["dL_dxi"].expected)
    a = np.array([_recompute(kp, "dL_dw", shape, {"dL_dxi": np.eye(n)[k]}) for k in range(n)]).reshape(n, -1).T
    dxi = np.linalg.svd(a)[2][-1]                  # an own dL/dξ whose dL/dw = Σ_n dL/dξ[n] h[n−m] is 0
    dxi = dxi / dxi[np.argmax(np.abs(dxi))]
    assert np.allclose(a @ dxi, 0) and not np.allclose(dxi, kp.parts["dL_dxi"].expected)
    zero = np.zeros(shape)
    w_new = _recompute(kp, "w_new", kp.parts["w_new"].expected.shape, {"dL_dw": zero})
    answers = {**e["answers_exact"], "dL_dxi": dxi.tolist(), "dL_dw": zero.tolist(), "w_new": w_new.tolist()}
    got = parts_of(grade_submission(raw, {"exam": "E0-carry", "answers": {2: answers}}))
    assert got["dL_dw"]["verdict"] == CARRIED, got["dL_dw"]
    assert got["w_new"]["verdict"] == CARRIED, got["w_new"]
    assert got["w_new"]["feedback"] == "carried forward from 2.dL_dw", got["w_new"]
    # zeros typed with no own working behind them still carry nothing
    answers = {**e["answers_exact"], "dL_dw": zero.tolist(), "w_new": w_new.tolist()}
    got = parts_of(grade_submission(raw, {"exam": "E0-carry", "answers": {2: answers}}))
    assert got["dL_dw"]["verdict"] == "wrong" and got["w_new"]["verdict"] == "wrong", got
