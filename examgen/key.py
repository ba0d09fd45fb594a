"""The machine key the grader reads: everything about an exam's answers, nothing to regenerate.

    {"exam": VERSION_ID, "seed": S, "bank": BANK_VERSION, "title": ..., "student": NAME|null,
     "student_id", "email", "section", "lms": {LMS column: value} (a roster's student),
     "folder": the version's sub-folder, "points": TOTAL,
     "problems": [{"number": N, "id": PID, "title": ..., "points": P, "seed": s, "profile": ...,
                   "options": {...}, "params": {...}, "params_exact": {...},
                   "parts": {part: {"kind", "shape", "rtol", "atol", "points", "variables",
                                    "functions" (allowed in an expression; null = any),
                                    "choices" (a choice part's accepted answers, where named),
                                    "sparse": true (zeros by structure: see compare),
                                    "carry": {"from": [parts], "share": 1.0, "given": {unasked
                                              part: the key's value}, "given_from": {unasked part:
                                              [the asked parts it is worked from]}, "or_from":
                                              [parts of a second route]} (only where declared)}},
                   "answers": {part: number | nested list | expression string},
                   "answers_exact": {part: "3/4" | nested lists of such strings},
                   "mistakes": [{"name", "message", "answers": {part: value}}],
                   "partial": false (only when the spec turns partial credit off),
                   "solution": the worked solution in Markdown}]}

An index of a class's versions is {"index": true, "bank": ..., "title": ..., "base_seed": the
class's secret base seed, "versions": [key, key, ...]}.
Answers of numeric parts are JSON numbers or nested lists of floats; expression parts are
strings in the answer-file syntax (see examgen/expr.py).
"""
from __future__ import annotations

import json
import math
from functools import lru_cache

from . import formatting as fmt

MAX_KEY_BYTES = 50_000_000  # the largest key.json grade reads; generate never writes a larger one


def part_points(points: float, parts: list[str]) -> dict[str, float]:
    """A problem's points split evenly over its parts (rounded to 2 places, none negative, summing exactly)."""
    n = len(parts)
    each = round(points / n, 2)
    if each * (n - 1) > points:   # rounded up too far for many parts: the last would be negative
        each = math.floor(points * 100 / n) / 100
    out = {p: each for p in parts}
    out[parts[-1]] = round(points - each * (n - 1), 2)
    return out


def problem_entry(inst, number: int, points: float, carry_share: float = 1.0) -> dict:
    """Key entry of one numbered problem instance (`carry_share`: the share of a part's points
    that an answer carried forward from the student's own earlier answers earns)."""
    p = inst.problem
    asked = inst.parts   # (a property that filters the problem's parts: asked once)
    split = part_points(points, asked)
    asked_set = set(asked)
    kinds = {name: inst.kind(name) for name in asked}   # (asked once a part: the mistakes ask again)
    parts = {}
    for name in asked:
        spec = p.parts[name]
        variables, functions = inst.allowed(name)
        part = parts[name] = {"kind": kinds[name], "shape": inst.shape(name), "rtol": spec.rtol,
                              "atol": spec.atol, "points": split[name], "variables": variables,
                              "functions": functions}
        if spec.shape:
            part["dims"] = spec.shape
        if spec.sparse:
            part["sparse"] = True
        choices = inst.choices(name)
        if choices:
            part["choices"] = list(choices)
        if not asked_set.isdisjoint(spec.carry_from):
            part["carry"] = carry_entry(inst, spec.carry_from, carry_share)
        if spec.carry_or_from and asked_set.issuperset(spec.carry_or_from):   # a second route, all asked
            part.setdefault("carry", {"from": [], "share": carry_share})["or_from"] = list(spec.carry_or_from)
    mistakes = []
    for m in inst.mistakes():   # (its answers are of asked parts only)
        answers = {}
        for part, v in m["answers"].items():
            answers[part] = fmt.text(v) if kinds[part] == "expression" else fmt.to_json(v)
        mistakes.append({"name": m["name"], "message": m["message"], "answers": answers})
    return {"number": number, "id": p.id, "title": p.title, "points": points, "seed": inst.seed,
            "profile": inst.profile, "options": dict(inst.options), "params": inst.params_json(),
            "params_exact": inst.params_exact_json(), "parts": parts,
            "answers": inst.answers_json(), "answers_exact": inst.answers_exact_json(),
            "mistakes": mistakes}


def carry_entry(inst, sources, share: float) -> dict:
    """A part's error-carried-forward data: the parts it is computed from and the share a carried
    answer earns. A source the exam does not ask for (the student works it on the way) is given
    as the key's value and, when it is itself computed from asked parts only, with those parts
    (`given_from`): the grader then works it from the student's own answers, as the student
    did (an LSTM's gate o[t] from their own h[t−1]), and takes the key's value otherwise."""
    entry = {"from": list(sources), "share": share}
    unasked = [s for s in sources if s not in inst.parts]
    if unasked:
        entry["given"] = {s: fmt.to_json(inst.values[s]) for s in unasked}
        parts = inst.problem.parts
        worked = {s: list(parts[s].carry_from) for s in unasked
                  if parts[s].carry_from and set(parts[s].carry_from) <= set(inst.parts)}
        if worked:
            entry["given_from"] = worked
    return entry


def with_grading(entry: dict, grading: dict) -> dict:
    """A problem's key entry with the spec's grading rules: partial credit on/off, tolerances."""
    if "partial" in grading:
        entry["partial"] = grading["partial"]
    for k in ("rtol", "atol"):
        if k in grading:
            for part in entry["parts"].values():
                part[k] = float(grading[k])
    return entry


def dumps(key: dict) -> str:
    """Canonical JSON text of a key (stable across processes: byte-identical for equal keys).

    Readable like `indent=1` down to each problem's fields; a field's value (params, answers,
    a part's spec, the mistakes) stays on one line. Only those few levels go through Python;
    the values use json's C encoder (indent=1 throughout would use the slow pure-Python one).
    """
    return _dumps(key, 0) + "\n"


def _value_encoder():
    """JSON text of one value, as JSONEncoder(ensure_ascii=False, allow_nan=False).encode writes
    it. That builds a new C encoder on every call (half its time on a key's small values), so
    the C encoder is made once here (no circular check: a key is a tree)."""
    encoder = json.JSONEncoder(ensure_ascii=False, allow_nan=False)
    make = json.encoder.c_make_encoder
    if make is None:   # no C accelerations (e.g. PyPy): the generic path
        return encoder.encode
    string = json.encoder.encode_basestring
    chunks = make(None, encoder.default, string, None, ": ", ", ", False, False, False)
    return lambda v: string(v) if type(v) is str else "".join(chunks(v, 0))


_ENCODE = _value_encoder()


def _dumps(v, depth: int) -> str:
    if depth >= 3 or not isinstance(v, (dict, list)) or not v:
        return _ENCODE(v)
    pad = "\n" + " " * (depth + 1)
    if isinstance(v, dict):
        if depth == 2:   # a problem's fields (most of a key's): each value on one line, as at depth 3
            items = [_field(k) + _ENCODE(x) for k, x in v.items()]
        else:
            items = [_field(k) + _dumps(x, depth + 1) for k, x in v.items()]
        return "{" + pad + ("," + pad).join(items) + "\n" + " " * depth + "}"
    return "[" + pad + ("," + pad).join(_dumps(x, depth + 1) for x in v) + "\n" + " " * depth + "]"


@lru_cache(maxsize=4096, typed=True)   # (typed: the key True is not the key 1)
def _field(k) -> str:
    """`"name": ` of a dict's key, remembered (a key repeats the same few names)."""
    return _ENCODE(str(k)) + ": "
