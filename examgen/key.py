"""The machine key the grader reads: everything about an exam's answers, nothing to regenerate.

    {"exam": VERSION_ID, "seed": S, "bank": BANK_VERSION, "title": ..., "student": NAME|null,
     "points": TOTAL,
     "problems": [{"number": N, "id": PID, "title": ..., "points": P, "seed": s, "profile": ...,
                   "options": {...}, "params": {...}, "params_exact": {...},
                   "parts": {part: {"kind", "shape", "rtol", "atol", "points", "variables"}},
                   "answers": {part: number | nested list | expression string},
                   "answers_exact": {part: "3/4" | nested lists of such strings},
                   "mistakes": [{"name", "message", "answers": {part: value}}]}]}

An index of several versions is {"index": true, "bank": ..., "versions": [key, key, ...]}.
Answers of numeric parts are JSON numbers or nested lists of floats; expression parts are
strings in the answer-file syntax (see examgen/expr.py).
"""
from __future__ import annotations

import json

from . import formatting as fmt


def part_points(points: float, parts: list[str]) -> dict[str, float]:
    """A problem's points split evenly over its parts (rounded to 2 places, summing exactly)."""
    n = len(parts)
    each = round(points / n, 2)
    out = {p: each for p in parts}
    out[parts[-1]] = round(points - each * (n - 1), 2)
    return out


def problem_entry(inst, number: int, points: float) -> dict:
    """Key entry of one numbered problem instance."""
    p = inst.problem
    split = part_points(points, list(p.parts))
    parts = {}
    for name, spec in p.parts.items():
        parts[name] = {"kind": inst.kind(name), "shape": inst.shape(name), "rtol": spec.rtol,
                       "atol": spec.atol, "points": split[name], "variables": list(spec.variables)}
    mistakes = []
    for m in inst.mistakes():
        answers = {}
        for part, v in m["answers"].items():
            answers[part] = fmt.text(v) if inst.kind(part) == "expression" else fmt.to_json(v)
        mistakes.append({"name": m["name"], "message": m["message"], "answers": answers})
    return {"number": number, "id": p.id, "title": p.title, "points": points, "seed": inst.seed,
            "profile": inst.profile, "options": dict(inst.options), "params": inst.params_json(),
            "params_exact": inst.params_exact_json(), "parts": parts,
            "answers": inst.answers_json(), "answers_exact": inst.answers_exact_json(),
            "mistakes": mistakes}


def dumps(key: dict) -> str:
    """Canonical JSON text of a key (stable across processes: byte-identical for equal keys)."""
    return json.dumps(key, indent=1, ensure_ascii=False, allow_nan=False) + "\n"
