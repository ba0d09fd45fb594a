"""Re-weighting after the exam: a spec's points, tolerances and partial-credit rules over a key.

The spec must describe the key's problems (same count, ids, options and profile, in order);
its points, `rtol`/`atol`, `partial` and `carry_forward` then replace the key's when grading.
The key file is not changed: `examgen grade KEY FILES --spec SPEC` regrades with the new rules.

A flawed problem is settled in the same spec: `points: 0` drops it (graded and shown, but out of
every total and maximum) and `full_marks: true` gives every graded student its points.
"""
from __future__ import annotations

import json

from . import bank
from .errors import ExamgenError
from .key import part_points


def apply_spec(key, spec, source: str = "spec"):
    """The key (a grade.Key) with the spec's grading rules; a spec that does not match is refused."""
    for v in key.versions.values():
        numbers = sorted(v.problems)
        if len(numbers) != len(spec.problems):
            raise ExamgenError(f"{source} has {len(spec.problems)} problems but the key's exam has {len(numbers)}; "
                               "regrade with the spec the exam was made from")
        for n, q in zip(numbers, spec.problems):
            kp = v.problems[n]
            if kp.id != q.id or (kp.profile and kp.profile != q.profile) or _canon(kp.options) != _canon(q.options):
                raise ExamgenError(f"{source}: problem {n} is {_describe(q.id, q.profile, q.options)} but the key's "
                                   f"is {_describe(kp.id, kp.profile, kp.options)}; only points, rtol, atol, "
                                   "partial and carry_forward may change")
            asked = tuple(q.parts) or tuple(bank.get(q.id).parts)
            if tuple(kp.parts) != asked:
                raise ExamgenError(f"{source}: problem {n} asks for parts {', '.join(asked)} but the key's "
                                   f"has {', '.join(kp.parts)}; only points, rtol, atol, partial and carry_forward may change")
            _reweigh(kp, q, spec.carry_forward)
        v.points = round(sum(kp.points for kp in v.problems.values()), 6)
    return key


def _reweigh(kp, q, carry_share: float) -> None:
    # A dropped problem's parts keep the key's points, so that its verdicts (carried forward, above
    # all: it is judged against the points) are what they were; the grader then counts them 0 of 0.
    split = part_points(q.points or kp.points, list(kp.parts))
    kp.points = float(q.points)
    for name, part in kp.parts.items():
        part.points = split[name]
        part.carry_share = float(carry_share)   # the spec's error-carried-forward share (1 when it sets none)
        part.rtol = float(q.grading.get("rtol", part.rtol))
        part.atol = float(q.grading.get("atol", part.atol))
    kp.partial = q.grading.get("partial", True)
    kp.dropped = q.points == 0
    kp.full_marks = bool(q.grading.get("full_marks", False))


def _canon(options: dict) -> str:
    return json.dumps(options, sort_keys=True, default=str)


def _describe(pid: str, profile: str, options: dict) -> str:
    extra = ", ".join(f"{k}: {v}" for k, v in sorted(options.items()))
    return f"{pid} ({profile or 'exam'}{', ' + extra if extra else ''})"
