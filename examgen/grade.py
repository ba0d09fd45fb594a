"""Grade answer files against a machine key (key.json): verdicts, points, named mistakes, totals.

Each part gets one verdict:
  correct           the exact value (or an equivalent expression)
  within tolerance  a decimal within the part's rtol/atol of a value it is not exactly
  carried           wrong against the key, but right when recomputed from the student's own
                    earlier answers (error carried forward; the key's carry share of the points)
  wrong             anything else (a vector or matrix still earns its share of right entries,
                    not counting those the key and the answer both leave at 0)
  blank             nothing given (0 points, not an error)
  unreadable        the text could not be read as an answer (0 points; the message says why)

Numbers are read by `examgen.expr` (no eval of any kind) and compared by `examgen.compare`.
Expressions are compared by evaluating both at fixed random points (complex floats, bounded
work, in process); only when that cannot decide does SymPy's simplify run, in a persistent
worker process that is killed when it overruns its time.
"""
from __future__ import annotations

import ast
import atexit
import json
import math
import random
import re
from dataclasses import dataclass, field, replace
from fractions import Fraction
from functools import lru_cache
from pathlib import Path

import numpy as np

from . import answers as answer_files
from . import expr, safeio
from . import formatting as fmt
from . import key as keyfmt
from .answers import channel_keys
from .compare import CORRECT, WITHIN, WRONG, all_close, close, compare, counted_entries, fit_shape, leaves, right_entries
from .engine import ops
from .errors import ExamgenError

BLANK, UNREADABLE, CARRIED = "blank", "unreadable", "carried"
VERDICTS = (CORRECT, WITHIN, CARRIED, WRONG, BLANK, UNREADABLE)
MAX_KEY_DEPTH = 20        # nesting of key.json (index → version → problem → answers → lists)
SYMBOLIC_TIMEOUT = 3.0   # seconds for one symbolic comparison in the worker
EXACT_RTOL = 1e-9        # an expression in numbers this close to the exact answer is exact
POINTS_AGREE = 6         # random points that must agree for two expressions to be equivalent


# --- the key, prepared once for many submissions ------------------------------------------------
@dataclass
class KeyPart:
    name: str
    kind: str
    points: float
    rtol: float
    atol: float
    variables: tuple
    functions: tuple | None     # functions allowed in an expression answer (None: any)
    expected: object            # float array (numeric), checked tree (expression) or text (choice)
    expected_source: str        # the key's text of the answer (expression / choice)
    exact: np.ndarray | None    # numeric: Fraction (rational) or None (irrational) per entry
    text: str                   # the exact answer as shown to the student
    decimal: str                # its decimal, where that says more
    mistakes: list = field(default_factory=list)  # [(name, message, expected-like value)]
    dims: str = ""              # the shape in the exam's words, e.g. "N × D"
    carry_from: tuple = ()      # error carried forward: the parts this one is computed from
    carry_share: float = 1.0    # share of the points a carried answer earns
    carry_given: dict = field(default_factory=dict)  # sources the exam does not ask: the key's values
    carry_given_from: dict = field(default_factory=dict)  # ... and the asked parts each is worked from
    carry_or_from: tuple = ()   # a second route: the parts this one is also computed from
    choices: tuple = ()         # a choice part's accepted answers, when the key names them
    sparse: bool = False        # zeros by structure: partial credit counts the other entries
    exact_texts: np.ndarray | None = None  # numeric: per entry the key's exact text (-1/243, ln(2)), None for a decimal


@dataclass
class KeyProblem:
    number: int
    id: str
    title: str
    points: float
    parts: dict
    solution: str = ""          # the worked solution (Markdown), for the student's report
    partial: bool = True        # partial credit per right entry of a vector or matrix
    options: dict = field(default_factory=dict)   # the spec's options and profile: which problem
    profile: str = ""
    params: dict = field(default_factory=dict)   # the key's parameters (JSON), for carry-forward
    dropped: bool = False       # dropped after the exam (a regrading spec's points: 0): out of the totals
    full_marks: bool = False    # everyone gets its points (a regrading spec's full_marks: true)


@dataclass
class Version:
    exam: str
    title: str
    student: str | None
    points: float
    problems: dict
    who: dict = field(default_factory=dict)  # the roster's student_id, email, section, lms, folder


@dataclass
class Key:
    versions: dict            # exam id -> Version
    index: bool


def load_key(path) -> Key:
    """Read key.json (one version, or the index of all versions), as untrusted as an answer file."""
    path = Path(path)
    if not path.exists():
        raise ExamgenError(f"key not found: {path}")
    text = ""
    try:
        text = safeio.read_text(path, keyfmt.MAX_KEY_BYTES, "key.json", KeyFileError)
        raw = safeio.parse_json(text, MAX_KEY_DEPTH, KeyFileError)
    except KeyFileError as e:
        hint = SWAPPED if _ANSWER_SHEET.search(text) else ""
        raise ExamgenError(f"{path}: not a usable key.json ({e}){hint}") from None
    return prepare_key(raw, str(path))


# An answer sheet given where the key belongs (the arguments swapped): say so, and the order.
_ANSWER_SHEET = re.compile(r"(?m)^answers[ \t]*:")
SWAPPED = "; it is an answer file: give the key first, as in `examgen grade KEY.json ANSWERS...`"


class KeyFileError(ExamgenError):
    """A key.json that cannot be read or fails a check (the key is untrusted input too)."""


def prepare_key(raw, source: str = "key") -> Key:
    """A Key from the parsed key.json (one version or {"index": true, "versions": [...]})."""
    if isinstance(raw, Key):
        return raw
    if not isinstance(raw, dict):
        raise ExamgenError(f"{source}: not a key (expected a JSON object)")
    if "answers" in raw and "problems" not in raw and "versions" not in raw:
        raise ExamgenError(f"{source}: not a key{SWAPPED}")
    index = raw.get("index") is True
    keys = raw.get("versions") if index else [raw]
    if not isinstance(keys, list) or not keys:
        raise ExamgenError(f"{source}: an index key needs a non-empty list of versions")
    versions = {}
    for k in keys:
        try:
            v = _version(k)
        except (KeyError, TypeError, ValueError, AttributeError, ArithmeticError, RecursionError,
                expr.ExpressionError) as e:
            what = f"missing field {e}" if isinstance(e, KeyError) else str(e)
            raise ExamgenError(f"{source}: not a valid key ({what[:200]})") from None
        versions[v.exam] = v
    return Key(versions, index)


def _version(k: dict) -> Version:
    _need(k, dict, "a version")
    problems = {}
    for p in _need(k["problems"], list, "problems"):
        _need(p, dict, "a problem")
        parts = {name: _key_part(name, spec, p) for name, spec in _need(p["parts"], dict, "parts").items()}
        number = _need(p["number"], int, "a problem number")
        problems[number] = KeyProblem(number, _need(p["id"], str, "a problem id"),
                                      _need(p.get("title", p["id"]), str, "a title"), _points(p["points"]),
                                      parts, _need(p.get("solution") or "", str, "a solution"),
                                      p.get("partial", True) is not False,
                                      dict(_need(p.get("options") or {}, dict, "options")),
                                      _need(p.get("profile") or "", str, "a profile"),
                                      _need(p.get("params") or {}, dict, "params"))
    student = k.get("student")
    who = {f: _need(k.get(f) or "", str, f) for f in ("student_id", "email", "section", "folder")}
    who["lms"] = {str(a): str(b) for a, b in _need(k.get("lms") or {}, dict, "lms ids").items()}
    return Version(_need(k["exam"], str, "an exam id"), _need(k.get("title", ""), str, "a title"),
                   None if student is None else _need(student, str, "a student name"), _points(k["points"]),
                   problems, who)


def _need(v, kind, what: str):
    """`v` if it is of `kind` (not a bool posing as an int), else a key error naming `what`."""
    if isinstance(v, bool) or not isinstance(v, kind):
        raise ValueError(f"{what} of the wrong type ({answer_files.kind_name(v)})")
    return v


def _points(v) -> float:
    """Points, a tolerance: a finite number ≥ 0."""
    if isinstance(v, bool) or not isinstance(v, (int, float)) or not 0 <= v < 1e9:
        raise ValueError(f"{v!r:.40} is not a number of points or a tolerance")
    return float(v)


def _key_part(name: str, spec: dict, problem: dict) -> KeyPart:
    _need(spec, dict, f"part {name}")
    kind = _need(spec["kind"], str, "a part kind")
    value = problem["answers"][name]
    exact_text = problem.get("answers_exact", {}).get(name, value)
    variables = tuple(_name_list(spec.get("variables") or [], "variables"))
    functions = spec.get("functions")
    if functions is not None:
        functions = tuple(expr._ALIASES.get(f, f) for f in _name_list(functions, "functions"))
        unknown = set(functions) - set(expr.FUNCTIONS)
        if unknown:
            raise ValueError(f"part {name}: unknown function(s) {', '.join(sorted(unknown))}")
    part = KeyPart(name, kind, _points(spec["points"]), _points(spec["rtol"]), _points(spec["atol"]), variables,
                   functions, None, "", None, _sheet_text(exact_text), "", dims=str(spec.get("dims") or ""))
    carry = _need(spec.get("carry") or {}, dict, "a carry")
    part.carry_from = tuple(_name_list(carry.get("from") or [], "carry from"))
    part.carry_or_from = tuple(_name_list(carry.get("or_from") or [], "carry or_from"))
    part.carry_share = _points(carry.get("share", 1.0))
    part.sparse = spec.get("sparse", False) is True
    if part.carry_share > 1:
        raise ValueError(f"part {name}: a carry share is at most 1")
    given = _need(carry.get("given") or {}, dict, "a carry's given values")
    part.carry_given = {s: _key_numbers(v, s) for s, v in given.items() if s in part.carry_from}
    worked = _need(carry.get("given_from") or {}, dict, "a carry's given_from")
    part.carry_given_from = {s: tuple(_name_list(v, "given_from")) for s, v in worked.items() if s in part.carry_given}
    if kind == "expression":
        part.expected_source = _need(value, str, "an expression answer")
        part.text = fmt.answer_syntax(part.expected_source)
        part.expected = _key_expression(part.expected_source, variables, f"the key's answer to {name}")
    elif kind == "choice":
        part.expected_source = part.expected = _need(value, str, "a choice answer")
        part.choices = tuple(_name_list(spec.get("choices") or [], "choices"))
    else:
        part.expected = _key_numbers(value, name)
        part.exact, part.exact_texts = _key_exact(part.expected, exact_text)
        if part.expected.ndim == 0 and part.exact[()] != part.expected[()]:
            part.decimal = fmt.decimal_text(float(part.expected))
    for m in _need(problem.get("mistakes") or [], list, "mistakes"):
        _need(m, dict, "a mistake")
        if name in _need(m["answers"], dict, "a mistake's answers"):
            wrong = m["answers"][name]
            if kind == "expression":
                wrong = _key_expression(_need(wrong, str, "an expression"), variables, f"the key's mistake {name}")
            elif kind == "choice":
                wrong = _need(wrong, str, "a choice")
            else:
                wrong = _key_numbers(wrong, name)
            part.mistakes.append((_need(m["name"], str, "a mistake name"), _need(m["message"], str, "a message"),
                                  wrong))
    return part


def _key_expression(text: str, variables: tuple, what: str):
    """The key's expression as a checked tree that has a value: the key gets the answers' caps."""
    tree = expr.check(text, variables, what)
    for point in sample_points(variables):
        try:
            z = expr.evaluate(tree, point, what)   # ExpressionError (a cap) propagates: a key error
        except (ArithmeticError, ValueError):
            continue
        if math.isfinite(z.real) and math.isfinite(z.imag):
            return tree
    raise ValueError(f"{what}: {text[:60]!r} has no value anywhere")


def _name_list(v, what: str) -> list[str]:
    """A key's list of variable or function names: short identifiers only."""
    if not isinstance(v, list) or len(v) > 50 or not all(
            isinstance(x, str) and re.fullmatch(r"[A-Za-z_σξ][A-Za-z0-9_σξ]{0,30}", x) for x in v):
        raise ValueError(f"{what} must be a list of names")
    return v


def _key_numbers(value, name: str) -> np.ndarray:
    """A numeric answer of the key: JSON numbers (or nested lists of them), finite, capped in count."""
    plain = True
    for leaf in leaves(value):
        if isinstance(leaf, bool) or not isinstance(leaf, (int, float)) or not math.isfinite(leaf):
            raise ValueError(f"the key's answer to {name} holds {leaf!r:.40}, not a finite number")
        plain = plain and (type(leaf) is float or abs(leaf) < _KEY_INT_BOUND)
    floats = _rectangular(value) if plain else None
    if floats is not None:    # (read_numbers reads the same floats, 2 of a class's key's 2.4 ms a version)
        return floats
    floats, _, bad, messages = read_numbers(value, f"the key's answer to {name}")
    if bad.any():
        raise ValueError(messages[0])
    return floats


_KEY_INT_BOUND = 10 ** expr.MAX_INT_DIGITS   # an integer read_numbers reads (longer: refused)
KEY_ARRAY_DIMS = 4                           # a key's answers have at most 4 axes (C, H, W, N)


def _rectangular(value) -> np.ndarray | None:
    """The key's numbers (finite JSON numbers, checked) as floats when they are one number or a
    rectangular nested list of at most KEY_ARRAY_DIMS axes, none empty, at most MAX_ENTRIES of them,
    as read_numbers reads such a value; None for any other value, which read_numbers reads (or refuses)."""
    try:
        floats = np.array(value, dtype=float)
    except (ValueError, OverflowError):   # rows of different lengths: read_numbers says so
        return None
    if floats.ndim > KEY_ARRAY_DIMS or 0 in floats.shape or floats.size > answer_files.MAX_ENTRIES:
        return None
    return floats


_DECIMAL_TEXT = re.compile(r"\.|\d[eE][-+]?\d")   # a decimal point or an exponent: a decimal, not an exact value


def _key_exact(expected: np.ndarray, exact_text) -> tuple[np.ndarray, np.ndarray]:
    """Per entry, from one reading of the key's exact text: the exact rational value (None for an
    irrational one, ln 2; a decimal key's own decimal), and the text of an exactly stated value
    (an integer, a fraction, ln(2); None where the key gives a decimal: a drill key, or a key
    without exact answers)."""
    texts = np.asarray(exact_text, dtype=object) if isinstance(exact_text, list) else np.array(exact_text, dtype=object)
    same = texts.shape == expected.shape
    rationals = np.empty(expected.shape, dtype=object)
    stated = np.full(expected.shape, None, dtype=object)
    for idx, f in np.ndenumerate(expected):
        t = texts[idx] if same else float(f)
        try:
            value, q = expr.number(t, "key")
        except expr.ExpressionError:
            value, q = None, None
        agrees = value is not None and abs(value - f) <= EXACT_RTOL * max(1.0, abs(f))
        rationals[idx] = q if agrees else Fraction(repr(float(f)))  # a decimal key (drill): the decimal is the value
        if same and isinstance(t, int) and not isinstance(t, bool):
            stated[idx] = str(t)
        elif same and agrees and isinstance(t, str) and not _DECIMAL_TEXT.search(t):
            stated[idx] = t
    return rationals, stated


def _sheet_text(v) -> str:
    """A key's value as the answer sheet asks for it: an array with channels (M × N × C, first
    index outermost in key.json) as its matrix when C is 1, else one matrix per channel,
    "c0: [[…]]; c1: [[…]]"; anything else as it is."""
    shape = np.shape(v) if isinstance(v, list) else ()
    while len(shape) > 2 and shape[-1] == 1:   # size-1 trailing axes: one channel
        v, shape = _drop_last_axis(v), shape[:-1]
    if len(shape) == 3:
        return "; ".join(f"c{c}: {_nested_text([[entry[c] for entry in row] for row in v])}" for c in range(shape[2]))
    return _nested_text(v)


def _drop_last_axis(v):
    return [_drop_last_axis(x) for x in v] if isinstance(v[0], list) else v[0]


def _nested_text(v) -> str:
    if isinstance(v, list):
        return "[" + ", ".join(_nested_text(x) for x in v) + "]"
    if isinstance(v, float):
        return fmt.decimal_text(v, 6)
    return str(v)


# --- grading --------------------------------------------------------------------------------------
# Kinds of note that a reader acts on (the gradebook decides by them whose file it is). A note
# of a kind is among the result's "notes" as text and in its "notes_by_kind" under the kind:
# readers key on the kind, so rewording a message changes nothing but the message.
NO_EXAM_LINE = "no exam line"    # the file does not say its exam version: graded as the one it fits
OTHER_NAME = "other name"        # the file names another student than its version was made for
BLANK_SHEET = "blank sheet"      # no answer at all: graded 0 here, not a submission in the gradebook


def add_note(holder: dict, kind: str, text: str) -> None:
    """A note of `kind` on a result (or a gradebook row): shown among its notes, found by its kind."""
    holder["notes"].append(text)
    holder["notes_by_kind"][kind] = text


def grade_submission(key, answers, partial: bool = True, carry_forward: bool = True, earlier: dict | None = None) -> dict:
    """Grade one answer file (a Submission or its mapping) against a key (dict or Key); `earlier`:
    the numeric answers a batch has graded so far (see _grade_numeric), or None."""
    key = prepare_key(key)
    sub = answers if isinstance(answers, answer_files.Submission) else answer_files.from_mapping(answers)
    version, unsaid = _pick_version(key, sub)
    said = {"notes": [], "notes_by_kind": {}}   # what the grader says about the file
    if sub.blank:
        add_note(said, BLANK_SHEET, f"{Path(sub.source).name} has no answers: a blank sheet, counted as not submitted")
    said["notes"] += sub.notes
    if unsaid:
        add_note(said, NO_EXAM_LINE, unsaid)
    problems = []
    for number, kp in sorted(version.problems.items()):
        given = sub.answers.get(number, {})
        carry = Carry(kp) if carry_forward else None
        def graded(p, name):
            out = grade_part(p, given.get(name), partial and kp.partial,
                             sub.refusal(number, name) or comma_refusal(p, given.get(name), sub.commas.get((number, name))),
                             carry, earlier)
            if (number, name) in sub.given_twice and sub.refusal(number, name):   # neither graded: both shown
                out["given"] = given_each_time(sub.given_twice[number, name], _is_matrix(p))
            return out
        parts = [graded(p, name) for name, p in kp.parts.items()]
        for i, name in _ruled_out_mistakes(kp, parts):   # named, but the student's own right answers say otherwise
            p = kp.parts[parts[i]["part"]]
            parts[i] = graded(replace(p, mistakes=[m for m in p.mistakes if m[0] != name]), p.name)
        if carry is not None and carry.read:
            carry.forward(parts, partial and kp.partial)
        unknown = sorted(set(given) - set(kp.parts))
        if unknown:
            said["notes"].append(f"problem {number}: unknown part(s) {', '.join(map(repr, unknown))} ignored "
                                 f"(parts: {', '.join(kp.parts)})")
        if kp.dropped:   # graded as the key stood (its verdicts), counted 0 of 0
            for p in parts:
                p.update(points=0.0, max=0.0)
        earned = _round(sum(p["points"] for p in parts))
        problems.append({"number": number, "id": kp.id, "title": kp.title,
                         "score": kp.points if kp.full_marks else earned, "max": kp.points, "parts": parts,
                         "solution": kp.solution, **_settled(kp, earned)})
    extra = sorted(set(sub.answers) - set(version.problems))
    if extra:
        said["notes"].append(f"answers for problem(s) {', '.join(map(str, extra))}, which the exam does not have, "
                             "ignored")
    student, typed = identity(version, sub)
    if typed:
        add_note(said, OTHER_NAME, typed)
    return {"file": sub.source, "student": student, "student_id": version.who.get("student_id", ""),
            "typed_student": sub.student or "", "exam": version.exam, "status": "graded", "error": None,
            "score": _round(sum(p["score"] for p in problems)), "max": version.points,
            "problems": problems, **said}


DROPPED, FULL_MARKS = "dropped", "full marks"   # a problem settled after the exam (regrade.py)


def _settled(kp: KeyProblem, earned: float) -> dict:
    """How a problem settled after the exam is graded: {"settled": "dropped" | "full marks", with
    what the answers themselves earned}; nothing for a problem graded as usual."""
    if kp.dropped:
        return {"settled": DROPPED}
    if kp.full_marks:
        return {"settled": FULL_MARKS, "earned": earned}
    return {}


def _ruled_out_mistakes(kp: KeyProblem, parts: list) -> list[tuple[int, str]]:
    """(index, mistake) of each part named with a mistake that the student did not make: a part it
    is worked from (its `from`, all the way back) is right, and the mistake changes that part too
    (a mistake differs from the key on every part it declares, the acceptance rule). Anchor
    labels worked from right IOUs are not 'the IOU over the reference's area', whatever the labels
    are; a slip made in one of two parts worked side by side (∂L/∂b right, ∂L/∂W not) is still
    named where it was made."""
    right = {p["part"] for p in parts if p["verdict"] in (CORRECT, WITHIN)}
    return [(i, out["mistake"]) for i, out in enumerate(parts) if out["mistake"]
            and any(any(m[0] == out["mistake"] for m in kp.parts[other].mistakes)
                    for other in right & _worked_from(kp, out["part"]))]


def _worked_from(kp: KeyProblem, name: str) -> set:
    """The parts a part is computed from, directly or through others (its `from` and `or_from`)."""
    seen, todo = set(), [name]
    while todo:
        part = kp.parts.get(todo.pop())
        for source in (part.carry_from + part.carry_or_from) if part else ():
            if source not in seen and source != name:
                seen.add(source)
                todo.append(source)
    return seen


def identity(version: Version, sub) -> tuple[str, str]:
    """(student, note): a class version's student is the key's; a different typed name is a note."""
    if not version.student:
        return sub.student or unnamed(sub.source), ""
    from .roster import same_name  # (a class key's only: the roster's module is not imported for one exam)

    if sub.student and same_name(sub.student, version.student):
        return version.student, ""
    if sub.student:
        return version.student, (f"the file names {sub.student!r}, but version {version.exam} was made for "
                                 f"{version.student!r}; graded as {version.student!r}")
    return version.student, ""


UNNAMED = "(unnamed)"


def unnamed(source: str) -> str:
    """Who a file that names no student is, for a version made for no one (`--versions`, a practice
    exam): its folder's name when the file is the answer sheet under its own name (`ada/answers.yaml`,
    a student's folder; every sheet is answers.yaml), else its file's (`ada.yaml`, as an LMS names a
    download), marked as no name the student typed: `ada (unnamed)`."""
    path = Path(source)
    name = path.parent.name if path.stem.lower() == "answers" and path.parent.name else path.stem
    return f"{name} {UNNAMED}"


def _version_of_student(key: Key, sub) -> Version | None:
    """The one class version made for the student the file names, else the one whose folder holds
    the file (generate's folder per student); None when neither picks exactly one."""
    from .roster import same_name

    for picks in ([v for v in key.versions.values() if v.student and sub.student and same_name(sub.student, v.student)],
                  [v for v in key.versions.values() if v.who.get("folder") and Path(sub.source).parent.name == v.who["folder"]]):
        if len(picks) == 1:
            return picks[0]
    return None


NOT_IN_KEY = "which this key does not hold"   # (a file's error: the key is another exam's, or the id is mistyped)


def _id_text(exam_id: str) -> str:
    """An exam id as compared when copied by hand: no case, spaces, dashes or quotes."""
    return "".join(c for c in exam_id.upper() if c.isalnum())


def _pick_version(key: Key, sub) -> tuple[Version, str]:
    """The version the file is graded as, and a note when the file does not say it ("" when it does)."""
    if sub.exam in key.versions:
        return key.versions[sub.exam], ""
    typed = _id_text(sub.exam) if isinstance(sub.exam, str) else None
    same = [v for name, v in key.versions.items() if typed and _id_text(name) == typed]
    if len(same) == 1:   # the id copied in another case or with spaces: e0 - 06c9d2, vpy5 bt36g
        return same[0], f"the exam line reads {sub.exam!r}; graded as {same[0].exam}"
    # A class key's other versions are not named: this message reaches the student's report.
    held = ", ".join(sorted(key.versions)) if len(key.versions) == 1 else f"{len(key.versions)} versions of this class"
    if sub.exam is None:
        if len(key.versions) == 1:
            (v,) = key.versions.values()
            return v, f"the file does not say its exam version; graded as {v.exam}"
        v = _version_of_student(key, sub)
        if v is not None:   # a class: the one version made for the student the file names (or its folder)
            return v, (f"the file does not say its exam version; graded as {v.exam}, the version made for "
                       f"{v.student}")
        from .roster import same_name

        namesakes = [v for v in key.versions.values() if v.student and sub.student and same_name(sub.student, v.student)]
        if len(namesakes) > 1:   # two students of one name: the name alone cannot tell which (no ids: a report)
            raise answer_files.AnswerFileError(f"the file does not say its exam version (exam: …), and more than one "
                                               f"student of this class is named {sub.student!r}; add the exam line "
                                               "from your answer sheet")
        raise answer_files.AnswerFileError(f"the file does not say its exam version (exam: …), nor names a student "
                                           f"of this class; the key holds {held}")
    raise answer_files.AnswerFileError(f"the file is for exam {sub.exam}, {NOT_IN_KEY} (it holds {held})")


def _round(x: float) -> float:
    return round(x + 0.0, 2)


def comma_refusal(part: KeyPart, raw, message: str | None) -> str | None:
    """The refusal of a flow list holding `0,5` (YAML reads two numbers; a decimal comma means
    one), or None when the part's shape decides: read as separate numbers, the list has exactly
    as many entries as the answer, which the decimal reading (fewer entries) cannot have. So
    `[[0,0,1],[2,0,0]]` for a 2 × 3 matrix is six numbers, and `[0,5, 1]` for a vector of 2 stays refused."""
    if message is None or part.kind in ("expression", "choice"):
        return message
    try:
        values = read_numbers(raw, part.name, part.expected.shape)[0]
    except expr.ExpressionError:
        return message
    return None if values.size == part.expected.size else message


def grade_part(part: KeyPart, raw, partial: bool = True, refused: str | None = None, carry=None,
               earlier: dict | None = None) -> dict:
    """Verdict, points and feedback of one answer part (`refused`: why the file's answer is not read)."""
    out = {"part": part.name, "kind": part.kind, "verdict": BLANK, "points": 0.0, "max": part.points,
           "expected": part.text, "expected_decimal": part.decimal, "given": _given_text(raw, _is_matrix(part)),
           "feedback": "", "mistake": None}
    if refused:
        out.update(verdict=UNREADABLE, feedback=refused)
        return out
    if answer_files.is_blank(raw):
        out["feedback"] = "no answer given"
        return out
    try:
        if part.kind == "expression":
            verdict, credit, message, mistake = _grade_expression(part, raw)
            if carry is not None:
                carry.note_expression(part, raw, verdict)
        elif part.kind == "choice":
            verdict, credit, message, mistake = _grade_choice(part, raw)
        else:
            verdict, credit, message, mistake = _grade_numeric(part, raw, partial, carry, earlier)
    except expr.ExpressionError as e:
        out.update(verdict=UNREADABLE, feedback=f"could not read your answer: {e}")
        return out
    except TimeoutError:
        out.update(verdict=UNREADABLE, feedback=f"your expression could not be checked within "
                                                f"{SYMBOLIC_TIMEOUT:g} s; simplify it and try again")
        return out
    if mistake:
        # the mistake's explanation, then what the comparison found as its own sentence (a bracket
        # around it nested the comparison's own: "(2 of 2 entries wrong (at index …))")
        message = mistake[1] + (f" {message[:1].upper()}{message[1:].rstrip('.')}." if message else "")
    elif verdict == WRONG and not message:
        message = f"expected {part.text}" + (f" ≈ {part.decimal}" if part.decimal else "")
    out.update(verdict=verdict, points=_round(part.points * credit), feedback=message,
               mistake=mistake[0] if mistake else None)
    return out


def _as_typed(v, depth: int = 0) -> str:
    """A given value as the student typed it: numbers and text bare, lists in brackets, no quotes."""
    if depth > answer_files.MAX_DEPTH:
        return "…"
    if isinstance(v, list):
        return "[" + ", ".join(_as_typed(x, depth + 1) for x in v[:50]) + (", …" if len(v) > 50 else "") + "]"
    if isinstance(v, dict):
        return "{" + ", ".join(f"{k}: {_as_typed(x, depth + 1)}" for k, x in list(v.items())[:20]) + "}"
    if v is None:
        return "~"
    if isinstance(v, bool):
        return str(v).lower()
    return str(v)


def _is_matrix(part: KeyPart) -> bool:
    """A numeric part whose answer has two or more axes of more than one entry."""
    return isinstance(part.expected, np.ndarray) and len([n for n in part.expected.shape if n != 1]) >= 2


def _given_text(raw, matrix: bool = False) -> str:
    """The answer as typed, on one line and cut at 80 characters; a matrix typed one row per line
    with its rows kept apart, as MATLAB's `[1 2; 3 4]` (as the grader read it)."""
    if answer_files.is_blank(raw):
        return ""
    if matrix and isinstance(raw, str) and len(raw) <= MAX_ROWS_TEXT:
        raw = _lines_as_rows(raw)
    try:
        text = raw if isinstance(raw, str) else json.dumps(raw, ensure_ascii=False)
        if '"' in text or "NaN" in text or "Infinity" in text:
            text = _as_typed(raw)       # text entries without their JSON quotes
    except (TypeError, ValueError, RecursionError):
        text = answer_files.kind_name(raw)
    text = " ".join(text.split())
    return text if len(text) <= 80 else text[:77] + "…"


def given_each_time(values: list, matrix: bool = False) -> str:
    """A part given more than once (neither graded), as each was typed: `1, then 2`."""
    return ", then ".join(_given_text(v, matrix) or "(blank)" for v in values[:5])


MAX_ROWS_TEXT = 2000   # longest text shown by its rows (only 80 characters are shown)
MAX_EARLIER = 100_000   # numeric answers a batch remembers (each a few hundred bytes)


def _grade_numeric(part: KeyPart, raw, partial: bool, carry=None, earlier: dict | None = None):
    """(verdict, credit, message, mistake) of a numeric answer, noted for carrying forward.

    `earlier` (a batch's, kept while its key is unchanged): the results of the answers graded so
    far, by part and answer as typed (answers.typed_key), since many files of a class give
    the same answer to a part (the right one most of all): it is graded once."""
    key = (id(part), partial, answer_files.typed_key(raw)) if earlier is not None else None
    result = earlier.get(key) if key is not None else None
    if result is None:
        result = (part, *_numeric_verdict(part, raw, partial))   # (the part kept: its id stays its own)
        if key is not None and len(earlier) < MAX_EARLIER:
            earlier[key] = result
    _, verdict, credit, message, mistake, read = result
    if carry is not None and read is not None:
        carry.note(part, read[0].copy(), read[1].copy(), verdict, mistake)   # (copies: the bank's code gets them)
    return verdict, credit, message, mistake


def _numeric_verdict(part: KeyPart, raw, partial: bool):
    """(verdict, credit, message, mistake, (values, unreadable mask) in the key's shape or None)."""
    values, exact, bad, unread = read_numbers(raw, part.name, part.expected.shape)
    if bad.all():
        raise expr.ExpressionError(unread[0])
    fitted, _ = fit_shape(values, part.expected.shape, part.dims, part.expected, part.rtol, part.atol)
    is_exact = False
    if fitted is not None:
        values, exact, bad = fitted, exact.reshape(fitted.shape), bad.reshape(fitted.shape)
        is_exact = _exact_entries(values, exact, part) & ~bad
    result = compare(values, part.expected, part.rtol, part.atol, exact=is_exact, partial=partial,
                     dims=part.dims, unreadable=bad, exact_texts=part.exact_texts, sparse=part.sparse)
    mistake = None
    if result.verdict == WRONG and not bad.any():
        mistake = named_mistake(part, values)
        if mistake is None and fitted is not None and _negated(values, part):
            result = replace(result, message="; ".join(
                ["the sign is wrong: your answer is the negative of the right one"] + [result.message] * bool(result.message)))
    message = "; ".join([result.message] * bool(result.message) + unread[:3])
    return result.verdict, result.credit, message, mistake, (values, bad) if fitted is not None else None


class Carry:
    """Error carried forward within one problem: the student's usable answers so far, and the
    recomputation of a later part from them with the bank's carry_<part>(params, given).

    Only the key's parameters and the student's parsed numbers reach the bank's function (no
    text from the key or the answer file is run); the work is a few engine calls on arrays of
    the exam's size.
    """

    def __init__(self, kp: KeyProblem):
        self.kp = kp
        self.given: dict = {}       # part -> float array a later part may be computed from
        self.right: dict = {}       # part -> right against the key (or carried)
        self.read: dict = {}        # part -> (values, unreadable mask, named mistake) as read
        self.sources = {s for p in kp.parts.values()
                        for s in p.carry_from + p.carry_or_from + sum(p.carry_given_from.values(), ())}

    def note(self, part: KeyPart, values: np.ndarray, bad: np.ndarray, verdict: str, mistake) -> None:
        """Remember a read answer (whether it is a source is settled by `forward`, when a part is wrong)."""
        if part.name not in self.sources and not _carried(part):
            return
        self.right[part.name] = verdict in (CORRECT, WITHIN)
        self.read[part.name] = (values, bad, mistake)

    def note_expression(self, part: KeyPart, raw, verdict: str) -> None:
        """Remember a read expression that a later part is worked from (its checked tree: the bank's
        carry function evaluates it with examgen.expr's evaluator, never eval)."""
        if part.name in self.sources and verdict in (CORRECT, WRONG):
            self.right[part.name] = verdict == CORRECT
            self.given[part.name] = expr.check(raw if isinstance(raw, str) else repr(raw), part.variables, part.name)

    def forward(self, graded: list, partial: bool) -> None:
        """Second pass, in the key's part order: recompute each wrong part from the student's own answers."""
        wrong = [out for out in graded if out["verdict"] == WRONG and _carried(self.kp.parts[out["part"]])
                 and out["part"] in self.read]
        if wrong:   # (most problems have none: their answers are not checked as sources)
            self._take_sources()
        for out in wrong:
            part = self.kp.parts[out["part"]]
            carried = self.regrade(part, *self.read[part.name], partial)
            if carried is None or carried[1] * part.points <= out["points"]:
                continue
            verdict, credit, message, _ = carried
            out.update(verdict=verdict, points=_round(part.points * credit), feedback=message, mistake=None)
            values, bad, _ = self.read[part.name]
            if verdict == CARRIED and part.name in self.sources and not bad.any() and np.all(np.isfinite(values)):
                self.given[part.name] = values   # all zeros too: worked from the student's own answers, no guess

    def _take_sources(self) -> None:
        """The read answers a later part may be computed from: readable, finite, not all zeros."""
        for name, (values, bad, _) in self.read.items():
            if not bad.any() and np.all(np.isfinite(values)) and np.any(values != 0):
                self.given[name] = values

    def regrade(self, part: KeyPart, values, bad, mistake, partial: bool):
        """(verdict, credit, message, mistake) with the carried-forward value, or None (no carry):
        by the part's route (`from`), else by its second one (`or_from`)."""
        if part.carry_share <= 0:
            return None
        for sources in (part.carry_from, part.carry_or_from):
            carried = self._by_route(part, sources, values, bad, partial) if sources else None
            if carried is not None:
                return carried
        return None

    def _source(self, part: KeyPart, s: str):
        """The value a part is worked from: the student's answer to `s`; for a source the exam does
        not ask, worked from the student's own answers (`given_from`), else the key's value."""
        if s in self.given or s not in part.carry_given:
            return self.given.get(s)
        worked = part.carry_given_from.get(s, ())
        if worked and all(w in self.given for w in worked):
            value = _recompute(self.kp, s, part.carry_given[s].shape, {w: self.given[w] for w in worked})
            if value is not None:
                return value
        return part.carry_given[s]

    def _by_route(self, part: KeyPart, sources: tuple, values, bad, partial: bool):
        given = {s: self._source(part, s) for s in sources}
        if any(v is None for v in given.values()):
            return None     # a blank, unreadable, non-finite, all-zero or wrongly shaped source
        # Sources all right (within tolerance) still count: a long sum can magnify their rounding.
        # A source the exam does not ask is not the student's answer: never named as the slip.
        mine = [s for s in sources if s not in part.carry_given] or list(sources)
        wrong = [s for s in mine if s == part.name or not self.right.get(s)] or mine
        recomputed = _recompute(self.kp, part.name, part.expected.shape, given)
        if recomputed is None:
            return None
        ok_key, _ = right_entries(values, part.expected, part.rtol, part.atol, bad, part.exact_texts)  # as compare grades
        ok_carry = close(values, recomputed, part.rtol, part.atol) & ~bad
        if ok_carry is False or not np.any(ok_carry & ~ok_key):
            return None
        share = part.carry_share
        counted = counted_entries(ok_key, part.expected, part.sparse)   # as compare's partial credit counts them
        credit = float(np.sum(ok_key & counted) + share * np.sum(ok_carry & ~ok_key)) / int(np.sum(counted))
        where = ", ".join(f"{self.kp.number}.{s}" for s in ([s for s in wrong if s != part.name] or wrong))
        if np.all(ok_key | ok_carry):
            return CARRIED, credit, f"carried forward from {where}", None
        if not partial:
            return None
        n = ok_key.size - int(np.sum(ok_key | ok_carry))
        return WRONG, credit, f"{n} of {ok_key.size} entries wrong; the others carried forward from {where}", None


def _carried(part: KeyPart) -> bool:
    """Whether a part may be carried forward at all (by either route)."""
    return bool(part.carry_from or part.carry_or_from)


_MODULES: dict = {}


def _carry_function(problem_id: str, part: str):
    """The bank's carry_<part> for a problem id, or None (unknown problem or no such function)."""
    if (problem_id, part) not in _MODULES:
        from . import bank

        try:
            module = bank.load_bank()[problem_id].module
        except (KeyError, ExamgenError):
            module = None
        _MODULES[(problem_id, part)] = getattr(module, "carry_" + part, None) if module else None
    return _MODULES[(problem_id, part)]


def _float_params(params: dict) -> dict:
    """The key's JSON parameters as the engine takes them in float mode."""
    out = {}
    for k, v in params.items():
        if isinstance(v, list):
            try:
                out[k] = np.asarray(v, dtype=float)
            except (TypeError, ValueError):
                out[k] = v
        elif isinstance(v, float):
            out[k] = np.float64(v)
        else:
            out[k] = v
    return out


def _recompute(kp: KeyProblem, name: str, shape: tuple, given: dict):
    """The part `name` recomputed from the student's own earlier answers, in the key's `shape`, or None."""
    function = _carry_function(kp.id, name)
    if function is None:
        return None
    if not hasattr(kp, "_float_params"):
        kp._float_params = _float_params(kp.params)
    try:
        with np.errstate(all="ignore"):
            value = np.asarray(ops.to_float(function(kp._float_params, given)), dtype=float)
    except (ArithmeticError, ValueError, TypeError, IndexError, KeyError):
        return None
    value, _ = fit_shape(value, shape)
    if value is None or not np.all(np.isfinite(value)):
        return None
    return value


def named_mistake(part: KeyPart, values: np.ndarray, mistakes=None):
    """The first known mistake whose answer the given values are (in any accepted form of its shape);
    else the first that they follow in most of the entries where it changes the answer, every
    other entry right (a mistake made in 3 of the 4 places it applies is still that mistake)."""
    candidates = part.mistakes if mistakes is None else mistakes
    made = []
    for m in candidates:
        fitted, _ = fit_shape(values, np.shape(m[2]))
        if fitted is not None and all_close(fitted, m[2], part.rtol, part.atol):
            made.append(m)
    if made:   # two mistakes that give the same answer here (½ and 1/n at n = 2): both are told
        others = " ".join(f"(Or: {m[1].rstrip()})" for m in made[1:])
        return (made[0][0], f"{made[0][1].rstrip()} {others}", made[0][2]) if others else made[0]
    if part.kind in ("expression", "choice") or np.size(part.expected) < 2:
        return None
    fitted, _ = fit_shape(values, np.shape(part.expected))
    if fitted is None:
        return None
    on_key = close(fitted, part.expected, part.rtol, part.atol)
    for name, message, wrong in candidates:
        if np.shape(wrong) != np.shape(part.expected):
            continue
        changed = ~close(wrong, part.expected, part.rtol, part.atol)   # where the mistake changes the answer
        followed = close(fitted, wrong, part.rtol, part.atol) & changed
        if np.all(on_key | followed) and 2 * followed.sum() > changed.sum():
            return name, (f"{message} (You did so in {int(followed.sum())} of the {int(changed.sum())} "
                          f"entries where it changes the answer.)"), wrong
    return None


def _negated(values: np.ndarray, part: KeyPart) -> bool:
    """The answer is −1 times the key's (and the key is not all zeros): said so. A small value of
    the other sign within the tolerance is a sign slip, which compare already tells."""
    if not all_close(-values, part.expected, part.rtol, part.atol):
        return False     # (what right_entries below requires of every entry first: most answers stop here)
    right, _ = right_entries(-values, part.expected, part.rtol, part.atol, np.zeros(values.shape, dtype=bool),
                             part.exact_texts)   # (by the grader's rule: -0 is no sign slip of -1/243)
    near = close(values, part.expected, part.rtol, part.atol) & (part.expected != 0)   # told as sign slips already
    return bool(np.any(part.expected != 0)) and bool(right.all()) and not near.any()


def _exact_entries(values: np.ndarray, exact: np.ndarray, part: KeyPart) -> np.ndarray:
    """Per entry (`values` and `exact` in the key's shape), whether it is the key's value exactly
    (`_is_exact`); a loop over Python floats: np.vectorize costs more than these few entries."""
    flags = map(_is_exact, values.ravel().tolist(), exact.ravel().tolist(), part.expected.ravel().tolist(),
                part.exact.ravel().tolist())
    return np.fromiter(flags, dtype=bool, count=values.size).reshape(values.shape)


def _is_exact(g: float, gq, e: float, eq) -> bool:
    if gq is not None:          # a rational answer is exact only if it is the rational answer
        return eq is not None and gq == eq
    return abs(g - e) <= EXACT_RTOL * max(1.0, abs(e))


def read_numbers(raw, what: str, shape: tuple = ()) -> tuple[np.ndarray, np.ndarray, np.ndarray, list]:
    """(floats, exact fractions or None, unreadable mask, messages) of a number, numeric text,
    (nested) list of them, or a mapping of channels {c0: matrix, c1: matrix} for an array
    whose trailing axes `shape` has (the exam prints such arrays one 2-D slice at a time).

    Each entry is read on its own: an unreadable or blank entry is NaN with its mask set and
    a message, and costs only that entry.
    """
    if isinstance(raw, dict):
        return _read_channels(raw, what, tuple(shape))
    size = math.prod(shape)
    longest = _longest_text(size)
    typed = raw if isinstance(raw, str) else _list_text(raw) if isinstance(raw, list) and _rows_in_a_list(raw) else None
    if typed is None and isinstance(raw, list):
        typed = _spaced_rows(raw)      # [[1 2], [3 4]]: YAML's rows, each typed with spaces
    if typed is not None and len(typed) > longest:
        typed = None         # read as it is (a long text is refused as one entry): bounds the readers' work
    if len([n for n in shape if n != 1]) >= 2:   # a matrix one row per line (a YAML block, `|`, or a list)
        lines = typed if typed is not None else getattr(raw, "typed", "")
        typed = (_lines_as_rows(lines) if len(lines) <= longest else "") or None
    unsplit = None
    if typed is not None:   # [0; 1; 0], [1 0], [1, 2; 3, 4], quoted or not
        raw = _typed_list(typed, size) or _list_with_words(typed, size) or _miscounted(typed, size) or raw
        unsplit = raw if isinstance(raw, str) and size >= 2 else None
    given_shape = _nested_shape(raw, what, 0)
    size = math.prod(given_shape)
    if size > answer_files.MAX_ENTRIES:
        raise expr.ExpressionError(f"{what}: more than {answer_files.MAX_ENTRIES} numbers")
    entries = _entries(raw, len(given_shape)) if given_shape else [raw]
    floats, exact = np.empty(size, dtype=float), np.empty(size, dtype=object)
    bad, messages = np.zeros(size, dtype=bool), []
    for k, leaf in enumerate(entries):
        try:
            floats[k], exact[k] = expr.number(leaf, what)
            continue
        except expr.ExpressionError:
            pass
        # Only an entry that cannot be read pays for its label: the message names it.
        label = what + "".join(f"[{i}]" for i in np.unravel_index(k, given_shape)) if given_shape else what
        try:
            if answer_files.is_blank(leaf):
                raise expr.ExpressionError(f"{label} is blank")
            expr.number(leaf, label)
        except expr.ExpressionError as e:
            messages.append(_several_entries(label, shape, str(e)) if leaf is unsplit else str(e))
        floats[k], exact[k], bad[k] = math.nan, None, True
    return floats.reshape(given_shape), exact.reshape(given_shape), bad.reshape(given_shape), messages


def _several_entries(label: str, shape: tuple, message: str) -> str:
    """The refusal of a text meant as several entries that no reading tells apart (`0 32/45 ln(2)
    -32/45 ln(3)` for two: is -32/45 ln(3) an entry of its own?): what to type first (commas
    between the entries, a row per bracket), then why the text read as one answer fails."""
    rows = [n for n in shape if n != 1]
    if len(rows) < 2:
        what = f"for its {math.prod(shape)} entries, put commas between them: [a, b, …]"
    else:
        what = f"for the {rows[0]} × {rows[1]} matrix, put commas between its entries, a row per bracket: " \
               "[[a, b, …], [c, d, …], …]"
    return f"{label}: {what} (read as one answer: {message.removeprefix(label + ': ')})"


# a factor before a list: (1/48)[-3, 6], 1/48 * [-3, 6], -[1, 2] (its sign of product taken off
# after the match: two \s* around an optional sign backtracked in cubic time on a run of spaces)
_FACTORED = re.compile(r"(?P<factor>[^\[\]=]*)(?P<list>\[.*\])\s*", re.S)


def _list_with_words(text: str, size: int) -> list | None:
    """A vector or matrix typed with more than its entries, as a marker reads it: its name or working
    before an `=` (`dL/dxi = [1, 2]`), a remark in words after it (`[1, 2] (column)`), a factor
    before it (`(1/48)[-3, 6]`, `-[1, 2]`: each entry times the factor); None for any other text."""
    if size < 2 or "[" not in text:
        return None
    t = text.strip()
    if "=" in t and not any(c in t for c in "<>≤≥≠"):
        t = t.rsplit("=", 1)[1].strip()
    t = expr.before_remark(t) or t
    rows = _typed_list(t, size) if t != text.strip() else None
    m = _FACTORED.fullmatch(t) if rows is None else None
    factor = m.group("factor").strip() if m else ""
    factor = factor[:-1].strip() if factor[-1:] in ("*", "·", "×") else factor
    if factor and (factor in "+-−" or expr.reads_as_a_number(factor)):
        rows = _typed_list(m.group("list"), size)
        scale = (lambda x: f"-({x})") if factor in "-−" else (lambda x: x) if factor == "+" else \
            (lambda x: f"({factor})*({x})")
        rows = [[scale(x) for x in r] if isinstance(r, list) else scale(r) for r in rows] if rows else None
    return rows


def _miscounted(text: str, size: int) -> list | None:
    """Plain numbers between spaces (or semicolons), as many as the answer has not: the list, so
    that its shape is what is refused ("expected 6 × 4, got a list of 2 numbers"), not a number
    read from two (`[-0.875 0.25]` for a 6 × 4 array); None for anything else, or for one number
    wanted (`2 3` there may be a product: the reader says so)."""
    body = text.strip()
    body = body[1:-1] if body[:1] + body[-1:] == "[]" else body
    rows = [r.split() for r in body.split(";")]
    pieces = [x for r in rows for x in r]
    if size < 2 or "," in body or len(pieces) < 2 or not all(_PLAIN_NUMBER.fullmatch(x) for x in pieces):
        return None
    return rows if len(rows) > 1 and len({len(r) for r in rows}) == 1 else pieces   # MATLAB's rows kept


def _lines_as_rows(text: str) -> str:
    """A matrix typed one row per line (a YAML block, `dL_dh: |`, or MATLAB's brackets over several
    lines) as MATLAB's rows, `[1 2; 3 4]`: each line a row, its own brackets and a trailing comma
    or semicolon dropped. Text on one line, or already holding `;` between rows, is left as typed;
    so is text whose lines do not each close their brackets (one row wrapped over two lines)."""
    body = text.strip()
    if "\n" not in body:
        return text
    if body[:1] + body[-1:] == "[]" and _balanced(body[1:-1]) and not body[1:].lstrip().startswith("["):
        body = body[1:-1]            # MATLAB's [1 2 \n 3 4]: one bracket around the rows
    if len(_top_level(body, ";")) > 1:
        return text                  # rows already apart at semicolons
    rows = []
    for line in body.splitlines():
        line = line.strip().rstrip(",;").strip()
        if line[:1] + line[-1:] == "[]" and _balanced(line[1:-1]):
            line = line[1:-1].strip()
        if not line:
            continue
        if not _balanced(line):
            return text
        rows.append(line)
    return "[" + "; ".join(rows) + "]" if len(rows) > 1 else text


def _spaced_rows(raw: list) -> str | None:
    """`[[6 -4 -1], [-6 6 0]]`, YAML's list of rows with each row typed as MATLAB's (one text with
    spaces): the rows as MATLAB's text, `[6 -4 -1; -6 6 0]`; None for any other list. Without
    this, a row `6 -4 -1` was read as one number, the difference 6 − 4 − 1."""
    if len(raw) < 2 or not all(isinstance(r, list) and r for r in raw):
        return None
    if not any(len(r) == 1 and isinstance(r[0], str) and _rows_in_a_list(r) for r in raw):
        return None
    rows = []
    for r in raw:
        text = _list_text(r)
        if not text or ";" in text:
            return None
        rows.append(text[1:-1])
    return "[" + "; ".join(rows) + "]"


def _rows_in_a_list(raw: list) -> bool:
    """A YAML list that is typed text YAML has split: `[0; 1; 0]` or `[1 0]` (one text), or
    MATLAB's `[0, -0.2883; 0, 0]` (YAML splits at commas: [0, '-0.2883; 0', 0])."""
    if len(raw) == 1 and isinstance(raw[0], str):
        return ";" in raw[0] or " " in raw[0].strip()
    return any(isinstance(x, str) and ";" in x for x in raw)


def _list_text(raw: list) -> str:
    """The text a list was typed as: the file's own (answers.TypedList), else its items between
    commas (a float as Python prints it, the shortest text of its value); "" for a nested list."""
    typed = getattr(raw, "typed", "")
    if typed:
        return typed
    if not all(isinstance(x, (str, int, float)) and not isinstance(x, bool) for x in raw):
        return ""
    return "[" + ", ".join(repr(x) if isinstance(x, float) else str(x) for x in raw) + "]"


_LATEX_MATRIX = re.compile(r"[\s$]*\\begin\{([bpvBV]?matrix)\}(.*)\\end\{\1\}[\s$.,]*", re.S)


def _longest_text(size: int) -> int:
    """The longest text `size` entries can be typed in (each at most expr.MAX_LENGTH, with its
    separator): a longer one has no reading with the answer's count, and the readers skip it."""
    return size * (expr.MAX_LENGTH + 2)


def _typed_list(text: str, size: int) -> list | str | None:
    """A vector or matrix typed as text, as its entries (nested lists of strings), or None:
    - the LaTeX the key prints, `\\begin{bmatrix} 0 \\\\ 7 \\end{bmatrix}` (rows at \\\\, entries at &);
    - numbers between commas, `1/2, -1, ln 3`, bare or in brackets or parentheses (a list in
      quotes, a tuple), rows apart at semicolons, `[1, 2; 3, 4]`, as in MATLAB;
    - numbers between spaces, `[1 -1 ln(2) -ln(2)]`, `[1 2; 3 4]` (MATLAB's rows), or bare, `1 0`;
    the latter two only with exactly the answer's `size` of entries: a decimal comma (`1,5`)
    would give fewer, so the count decides, as it does for a YAML list;
    - rows in brackets, as YAML writes a matrix, typed in quotes (`'[[1, 2], [3, 4]]'`);
    - any list in brackets with ^T (or MATLAB's ') after it (`[-7/8, 1/4]^T`, the column): its transpose;
    - for one number, `[0.36]` (its one entry, as the list [0.36] typed unquoted is read) or a list of
      several (`[0.36, 1]`, refused for its shape)."""
    if len(text) > _longest_text(size):
        return None          # no reading has the count
    m = _LATEX_MATRIX.fullmatch(text)
    if m:
        rows = [r for r in m.group(2).split("\\\\") if r.strip()]
        return [[x.strip() for x in r.split("&")] for r in rows] or None
    text = text.strip()
    transpose = _TRANSPOSED.fullmatch(text)
    if transpose:
        rows = _typed_list(transpose.group(1), size)
        if rows is None or isinstance(rows, str):
            return rows          # [0.36]^T: the one number
        return [[x] for x in rows] if not isinstance(rows[0], list) else [list(c) for c in zip(*rows)]
    if size == 1 and text[:1] + text[-1:] == "[]" and _balanced(text[1:-1]):
        # '[0.36]' for one number, as [0.36] typed unquoted is read; '[0.36, 1]' a list, for its shape
        inner = text[1:-1].strip()
        if inner[:1] + inner[-1:] == "[]" and _balanced(inner[1:-1]):
            return _typed_list(inner, 1)
        entries = [x.strip() for x in _top_level(inner, ",")]
        if not all(entries) or ";" in inner:
            return None
        return entries if len(entries) > 1 else entries[0]
    bracketed = text[:1] + text[-1:] in ("[]", "()", "{}", "⟨⟩", "<>") and _balanced(text[1:-1])
    if size < 2 or ("," not in text and ";" not in text and " " not in text.strip("[]()⟨⟩<> ")):
        return None
    if bracketed:
        text = text[1:-1]    # one bracket around it all: '[1/2, 1/3]', (13/2, -4, 7/2), [1 0]
    text = re.sub(r"[;,]\s*\Z", "", text)   # a last row's `;` as MATLAB allows, [1 2; 3 4;], or a last comma
    nested = _bracketed_rows(text, 1 if bracketed else 2)
    if nested:
        text = ";".join(nested)   # rows in brackets, as YAML writes them: '[[1, 2], [3, 4]]', or [1 2] [3 4]
    for coefficients in (False, True):
        # MATLAB's rows; when all of them hold more entries than the answer, a number before a
        # function is its coefficient in every row: `[0 32/45 ln(2/3); 0 0]` for a 2 × 2 matrix
        rows, count = [], 0
        for row in _top_level(text, ";"):
            rows.append(_row_entries(row, size - count, coefficients))
            count += len(rows[-1])
            if count > size:
                break
        else:
            entries = [x for row in rows for x in row]
            if len(entries) != size or not all(entries) or len({len(r) for r in rows}) != 1:
                return None
            return rows[0] if len(rows) == 1 else rows
    return None


def _bracketed_rows(text: str, least: int = 2) -> list[str] | None:
    """The rows of a matrix typed as its rows each in brackets, with commas, semicolons or spaces
    between them: `[1, 2], [3, 4]`, `[1 2]; [3 4]`, `[1 2] [3 4]`, `{1, 2}, {3, 4}`, `(1, 2), (3, 4)`
    (round brackets only around a row with a comma: `(1/2) (1/3)` is a product), at least `least` of
    them (inside a bracket around all, `[[1, 2]]`, one); None for any other text."""
    for sep in (",", ";", " "):
        pieces = [p.strip() for p in _top_level(text, sep) if p.strip()]
        if len(pieces) >= least and all(_row_group(p) for p in pieces):
            return [p[1:-1] for p in pieces]
    return None


def _row_group(piece: str) -> bool:
    pair = piece[:1] + piece[-1:]
    if pair not in ("[]", "{}", "()") or not _balanced(piece[1:-1]) or ";" in piece:
        return False
    return pair != "()" or len(_top_level(piece[1:-1], ",")) > 1


_TRANSPOSED = re.compile(r"(\[.*\])\s*(?:\^\s*(?:T|\{T\}|\(T\))|ᵀ|')", re.S)   # [1, 2]^T or MATLAB's [1, 2]': the column


_PLAIN_NUMBER = re.compile(r"[-+]?(?:\d+(?:\.\d*)?|\.\d+)(?:/\d+)?")
_OPERATOR = "+-−–*/^·×÷"
_FUNCTION_NAMES = "ln|log|exp|sqrt|tanh|sigma|sigmoid"   # the names a row's function words are spelled with
# a word that takes the next one as its argument: ln 2, -ln 2, 2ln 2, √ 2
_FUNCTION_WORD = re.compile(rf"(?:(?<![A-Za-z_])(?:{_FUNCTION_NAMES})|σ|√)\Z")


def _row_entries(row: str, most: int, coefficients: bool = False) -> list[str]:
    """A typed row's entries: apart at commas, else at spaces as MATLAB reads `[1 -1 ln(2)]`:
    between elements, except around a binary operator (`[1 - 1]` is one element, `[1 -1]` two)
    and after a function's name (`[ln 2 0]` is ln(2) and 0, as a careful marker reads it).
    The row is split only when each piece reads as a number on its own (`ln 2x` stays one
    entry, for the reader to judge); more than `most` pieces are not read (the count fails).
    `coefficients` joins a number and the function after it whatever the count (the rows of a
    column or matrix together had more entries than the answer)."""
    if "," in row:
        return [x.strip() for x in _top_level(row, ",")]
    pieces = _elements(row)
    if coefficients or len(pieces) > most:   # more than the answer has: `[32/45 ln(3/2) 0]` for two, a coefficient's product
        pieces = _elements(row, coefficients=True)
    if len(pieces) > most:
        return pieces
    if len(pieces) > 1 and all(_PLAIN_NUMBER.fullmatch(x) or expr.reads_as_a_number(x) for x in pieces):
        return pieces
    return [row.strip()]


_FUNCTION_FIRST = re.compile(rf"(?:{_FUNCTION_NAMES}|σ|√|e\^)")   # a piece that starts with a function


def _elements(row: str, coefficients: bool = False) -> list[str]:
    """MATLAB's elements of a row typed with spaces (see _row_entries), in one pass. With
    `coefficients`, a plain number and the function after it are one product, as written by hand,
    wherever it stands: `32/45 ln(3/2)`, and each term of `32/45 ln(2) - 32/45 ln(3)` (used only
    when MATLAB's reading has more entries than the answer: the count decides)."""
    out, joins, number = [], False, False
    for piece in _top_level(" ".join(row.split()), " "):
        if not piece:
            continue
        operator_first = piece[0] in _OPERATOR and (len(piece) == 1 or piece[0] not in "+-−–")
        if out and (joins or operator_first or (number and _FUNCTION_FIRST.match(piece))):
            out[-1] += " " + piece
        else:
            out.append(piece)
        joins = piece[-1] in _OPERATOR or bool(_FUNCTION_WORD.search(piece))
        number = coefficients and bool(_PLAIN_NUMBER.fullmatch(piece))
    return out


def _top_level(text: str, sep: str) -> list[str]:
    """`text` split at `sep` outside brackets (whole when its brackets do not balance: an
    unbalanced text is left for the reader's own message)."""
    if not _balanced(text):
        return [text]
    items, depth, start = [], 0, 0
    for i, c in enumerate(text):
        depth += (c in "([{") - (c in ")]}")
        if c == sep and depth == 0:
            items.append(text[start:i])
            start = i + 1
    return items + [text[start:]]


def _balanced(text: str) -> bool:
    """Every bracket closes one opened before it, and all are closed."""
    depth = 0
    for c in text:
        depth += (c in "([{") - (c in ")]}")
        if depth < 0:
            return False
    return depth == 0


def _entries(v, depth: int) -> list:
    """The entries of a regular nested list, first index outermost."""
    return [x for row in v for x in _entries(row, depth - 1)] if depth > 1 else list(v)


CHANNEL_HINT = "name each channel as the answer sheet does: c0, c1, … (c0_d0, c0_d1, … for four axes)"


def _read_channels(raw: dict, what: str, shape: tuple):
    """An array given one 2-D slice per channel, {c0: [[...]], c1: [[...]]}, as the exam prints it."""
    if len(shape) < 3:
        raise expr.ExpressionError(f"{what}: expected a number or nested lists, got a mapping")
    if len(raw) > math.prod(shape[2:]):
        raise expr.ExpressionError(f"{what}: {len(raw)} channels given, the array has {math.prod(shape[2:])}; "
                                   + CHANNEL_HINT)
    twice = getattr(raw, "duplicates", ())   # a key typed twice (YAML keeps the last): never resolved silently
    if twice:
        raise expr.ExpressionError(f"{what}: channel {str(twice[0])[:20]!r} given twice")
    floats, exact = np.full(shape, math.nan), np.full(shape, None, dtype=object)
    bad, messages, seen = np.ones(shape, dtype=bool), [], set()
    for key, value in raw.items():
        idx = tuple(int(d) for d in re.findall(r"\d+", str(key))[:8])
        if len(idx) != len(shape) - 2 or any(i >= n for i, n in zip(idx, shape[2:])):
            raise expr.ExpressionError(f"{what}: {str(key)[:20]!r} is not a channel of this "
                                       f"{' × '.join(map(str, shape))} array; {CHANNEL_HINT}")
        if idx in seen:
            raise expr.ExpressionError(f"{what}: channel {str(key)[:20]!r} given twice")
        seen.add(idx)
        label = f"{what}.{key}"
        if answer_files.is_blank(value):
            messages.append(f"{label} is blank")
            continue
        if isinstance(value, dict):
            raise expr.ExpressionError(f"{label}: expected a matrix [[row 1], [row 2], …]")
        f, q, b, m = read_numbers(value, label, shape[:2])   # typed text too: c0: [0 0 0 2; 0 0 0 0]
        fitted, why = fit_shape(f, shape[:2])
        if fitted is None:
            raise expr.ExpressionError(f"{label}: {why}")
        where = (slice(None), slice(None)) + idx
        floats[where], exact[where], bad[where] = fitted, q.reshape(shape[:2]), b.reshape(shape[:2])
        messages += m
    missing = [k for k, idx in zip(channel_keys(shape), np.ndindex(*shape[2:])) if idx not in seen]
    if missing:
        messages.append(f"{what}: no answer for channel(s) {', '.join(missing)}")
    return floats, exact, bad, messages


def _nested_shape(v, what, depth) -> tuple:
    if not isinstance(v, list):
        return ()
    if depth >= answer_files.MAX_DEPTH:
        raise expr.ExpressionError(f"{what}: lists nested too deeply")
    if not v:
        raise expr.ExpressionError(f"{what}: an empty list")
    inner = [_nested_shape(x, what, depth + 1) for x in v]
    if any(s != inner[0] for s in inner):
        raise expr.ExpressionError(f"{what}: rows of different lengths")
    return (len(v),) + inner[0]


def _one_item(raw):
    """`[a]`, `[[h*(1 - h)]]`: a list of one item (a letter, a text) as that item, as a marker reads
    it where one answer is asked; any other value as it is."""
    for _ in range(answer_files.MAX_DEPTH):
        if not (isinstance(raw, list) and len(raw) == 1):
            break
        raw = raw[0]
    return raw


def _grade_choice(part: KeyPart, raw):
    raw = _one_item(raw)
    if not isinstance(raw, (str, int, float)) or isinstance(raw, bool):
        raise expr.ExpressionError(f"{part.name}: expected one of the choices, got {answer_files.kind_name(raw)}; "
                                   f"give the letter of one ({', '.join(part.choices or ())}), e.g. {part.name}: "
                                   f"{(part.choices or ['a'])[0]}")
    given = _choice_text(raw)
    choices = {_choice_text(c) for c in part.choices or ()}
    labelled = _LABELLED_CHOICE.match(given)
    if choices and given not in choices and labelled and labelled.group(1) in choices \
            and not _other_letters(given[labelled.end() - 1:], choices - {labelled.group(1)}):
        given = labelled.group(1)   # "a: Dirac delta", "(b) the step's …": the letter, as a marker reads it
    if choices and given not in choices:
        shown = str(raw) if len(str(raw)) <= 40 else str(raw)[:40].rsplit(" ", 1)[0] + " …"
        raise expr.ExpressionError(f"{shown!r} is not one of the choices ({', '.join(part.choices)}); "
                                   f"give the letter of one, e.g. {part.choices[0]}")
    right = given == _choice_text(part.expected)
    mistake = None if right else next((m for m in part.mistakes if given == _choice_text(m[2])), None)
    return (CORRECT if right else WRONG), float(right), "", mistake


@lru_cache(maxsize=4096)
def _functions_used(tree) -> tuple[frozenset, frozenset]:
    """The functions an expression calls, and {"exp"} when it raises e to a power that is not a
    constant (e^(2ξ - 1) and e**x are the exponential; e^2 is a number). Remembered per checked
    tree (see _at_points)."""
    calls, powers = set(), set()
    for n in ast.walk(tree):
        if isinstance(n, ast.Call):
            calls.add(n.func.id)
        elif (isinstance(n, ast.BinOp) and isinstance(n.op, ast.Pow) and isinstance(n.left, ast.Name)
              and n.left.id == "e" and any(isinstance(m, ast.Name) and m.id not in expr.CONSTANTS
                                           for m in ast.walk(n.right))):
            powers.add("exp")
    return frozenset(calls), frozenset(powers)


# a choice's letter followed by words: "a: Dirac delta", "b) the step's derivative …", "c - too slow"
_LABELLED_CHOICE = re.compile(r"([a-z])\s*[).:\-–—]\s*\S")


def _other_letters(words: str, others: set) -> bool:
    """Whether words after a choice's letter name another choice ("b) or c"): a hedge, not a
    choice. An "a" before a word is the article ("b) a step function")."""
    alone = re.finditer(r"(?<![\w'’])([a-z])(?![\w'’])", words)
    return any(m.group(1) in others and not (m.group(1) == "a" and re.match(r"\s+[a-z]{2,}", words[m.end():]))
               for m in alone)


# the words before a choice's letter: "Answer: d", "option D", "the answer is d", "choice (b)"
_CHOICE_PREFIX = re.compile(r"(?:the\s+)?(?:correct\s+|right\s+)?(?:answer|option|choice)(?:\s+is)?\s*[:=\-–]?\s*(?=\S)")


def _choice_text(v) -> str:
    """A choice as a careful marker reads it: "B", "(b)", "b)", "b.", "b,", "'b'", "**b**", "b ✓",
    "Answer: b" and "option B" all mean b."""
    text = str(v).strip().lower()
    text = text[_CHOICE_PREFIX.match(text).end():] if _CHOICE_PREFIX.match(text) else text
    return text.strip("()[].,;*'\"‘’“”`✓✔ ").strip()


def _grade_expression(part: KeyPart, raw):
    raw = _one_item(raw)
    if isinstance(raw, bool) or not isinstance(raw, (str, int, float)):
        v = part.variables[0] if part.variables else "x"
        raise expr.ExpressionError(f"{part.name}: expected one expression, got {answer_files.kind_name(raw)}; "
                                   f"write it as text, e.g. {part.name}: 2*{v} + 1")
    text = raw if isinstance(raw, str) else repr(raw)
    tree = expr.check(text, part.variables, part.name)
    if part.functions is not None:
        calls, powers = _functions_used(tree)
        used = sorted((calls | powers) - set(part.functions))
        if used:
            allowed = ", ".join(part.functions) or "none"
            power = "; e^(…) is exp(…)" if "exp" in used and "exp" not in calls else ""
            return WRONG, 0.0, (f"the question asks for an answer without {', '.join(used)} "
                                f"(functions allowed: {allowed}){power}"), None
    same = equivalent(tree, part.expected, part.variables)
    if same is None:
        same = symbolic_equal(text, part.expected_source, part.variables)
    if same:
        return CORRECT, 1.0, "", None
    mistake = next((m for m in part.mistakes if equivalent(tree, m[2], part.variables)), None)
    return WRONG, 0.0, "", mistake


# --- expression equivalence ------------------------------------------------------------------------
_POINTS_CACHE: dict = {}


def sample_points(variables: tuple, n: int = 12) -> list[dict]:
    """Fixed pseudo-random points (the same in every run): |value| in [0.15, 2.2], either sign."""
    if variables not in _POINTS_CACHE:
        rng = random.Random("examgen-points:" + ",".join(variables))
        _POINTS_CACHE[variables] = [{v: rng.choice((-1, 1)) * rng.uniform(0.15, 2.2) for v in variables}
                                    for _ in range(n)]
    return _POINTS_CACHE[variables]


def equivalent(a, b, variables: tuple) -> bool | None:
    """Whether two checked trees agree at the sample points: True, False, or None (undecided)."""
    agree = 0
    variables = tuple(variables)
    for x, y in zip(_at_points(a, variables), _at_points(b, variables)):
        if x is None or y is None:
            continue
        if abs(x - y) > 1e-8 * max(1.0, abs(x), abs(y)):
            return False
        agree += 1
    return True if agree >= POINTS_AGREE else None


@lru_cache(maxsize=4096)
def _at_points(tree, variables: tuple) -> tuple:
    """A checked tree's values at the sample points, None where it is undefined, not finite or
    beyond a cap. Remembered: the key's answer and mistakes meet every file's answer, and an
    answer typed alike in many files is one tree (expr.check's cache; trees are never modified)."""
    values = []
    for point in sample_points(variables):
        try:
            z = expr.evaluate(tree, point)
        except (ArithmeticError, ValueError, expr.ExpressionError):
            z = None
        values.append(z if z is not None and math.isfinite(z.real) and math.isfinite(z.imag) else None)
    return tuple(values)


def symbolic_equal(given: str, expected: str, variables: tuple, timeout: float | None = None) -> bool:
    """simplify(given − expected) == 0, in the worker process; TimeoutError when it overruns.

    Both texts go through `expr.parse` (the allowlist): the key is untrusted input too.
    """
    return WORKER.run(_simplify_equal, (given, expected, tuple(variables)),
                      SYMBOLIC_TIMEOUT if timeout is None else timeout)


def _simplify_equal(given: str, expected: str, variables: tuple) -> bool:
    import sympy as sp

    a = expr.parse(given, variables, "answer")
    b = expr.parse(expected, variables, "key")
    return bool(sp.simplify(a - b) == 0)


class Worker:
    """One persistent child process for work that may not finish (SymPy runs C and long loops).

    `run` sends a picklable function and its arguments, waits at most `timeout` seconds, and
    kills the process (SIGKILL stops C code too) when the answer does not come; the next call
    starts a fresh one.
    """

    def __init__(self, memory: int | None = None):
        self._proc = self._conn = None
        self.memory = memory    # bytes of address space the child may use (None: no limit)

    def run(self, func, args: tuple, timeout: float):
        if self._proc is None or not self._proc.is_alive():
            self._start()
        self._conn.send((func, args))
        if not self._conn.poll(timeout):
            self.stop()
            raise TimeoutError(f"{getattr(func, '__name__', 'work')} took more than {timeout:g} s")
        ok, value = self._conn.recv()
        if ok:
            return value
        raise value

    def _start(self):
        import multiprocessing  # (~10 ms to import: only for an expression the sample points leave undecided)

        methods = multiprocessing.get_all_start_methods()
        ctx = multiprocessing.get_context("fork" if "fork" in methods else "spawn")
        self._conn, child = ctx.Pipe()
        self._proc = ctx.Process(target=_serve, args=(child, self.memory), daemon=True, name="examgen-grade-worker")
        self._proc.start()
        child.close()

    def stop(self):
        if self._proc is not None:
            self._proc.kill()
            self._proc.join()
            self._conn.close()
        self._proc = self._conn = None


def _serve(conn, memory=None):
    if memory:
        import resource

        resource.setrlimit(resource.RLIMIT_AS, (memory, memory))
    while True:
        try:
            func, args = conn.recv()
        except EOFError:
            return
        try:
            reply = (True, func(*args))
        except Exception as e:  # noqa: BLE001 - sent back and raised in the parent
            # (a user-facing message whole: a parameter's doc ran past 300 characters and was cut mid-word)
            reply = (False, e if isinstance(e, expr.ExpressionError) else expr.ExpressionError(str(e)[:2000]))
        conn.send(reply)


WORKER = Worker()
atexit.register(WORKER.stop)


# --- files and batches -------------------------------------------------------------------------
MAX_FOLDER_DEPTH = 4   # class/section/student/answers.yaml: LMS downloads nest a level or two


def answer_paths(paths, key_path=None, skipped: list | None = None) -> list[Path]:
    """The answer files named: files as given, folders searched (sub-folders too, as LMSs hand
    them out) for .yaml/.yml/.json files.

    A folder's other entries (other suffixes, hidden files, pipes, the key itself, a version
    folder's own key.json) are not submissions: each is appended to `skipped` as (path, reason)
    so the caller can list them.
    """
    key_file = Path(key_path).resolve() if key_path else None
    skipped = [] if skipped is None else skipped
    out = []
    for p in map(Path, paths):
        if p.is_dir():
            found = _walk(p, key_file, skipped, 0)
            if not found:
                raise ExamgenError(f"{p}: no answer files (.yaml, .yml, .json) in this folder or its sub-folders")
            out += found
        elif p.exists():
            out.append(p)
        else:
            raise ExamgenError(f"no such file or folder: {p}")
    seen: set = set()   # a file named twice (or inside a folder also named) is graded once
    return [p for p in out if not ((real := p.resolve()) in seen or seen.add(real))]


def _walk(folder: Path, key_file, skipped: list, depth: int) -> list[Path]:
    found = []
    for f in sorted(folder.iterdir()):
        if f.is_dir() and not f.is_symlink() and not f.name.startswith("."):
            if depth < MAX_FOLDER_DEPTH:
                found += _walk(f, key_file, skipped, depth + 1)
            else:
                skipped.append((str(f), f"a folder more than {MAX_FOLDER_DEPTH} levels down"))
            continue
        why = _not_a_submission(f, key_file)
        if why:
            skipped.append((str(f), why))
        else:
            found.append(f)
    return found


# What `examgen generate` writes into a class's folders: skipping these is expected, not news.
OWN_OUTPUTS = {"exam.md", "exam.tex", "exam.pdf", "key.md", "key.tex", "key.pdf", "key.json",
               "exams.pdf", "keys.pdf", "moodle.xml", "qti.zip"}


def own_output(path) -> bool:
    """True for a file examgen itself writes next to the answer sheets (exam, key, exports)."""
    return Path(path).name.lower() in OWN_OUTPUTS


def _not_a_submission(f: Path, key_file: Path | None) -> str | None:
    """Why a folder entry is not graded, or None for an answer file."""
    if f.name.startswith("."):
        return "a hidden file"
    if f.is_dir():
        return "a folder; name it to grade what it holds"
    if answer_files.answer_suffix(f) is None:
        return "not .yaml, .yml or .json"
    if not f.is_file():
        return "not a regular file"
    if f.resolve() == key_file:
        return "the key"
    if f.name.lower() == "key.json":
        return "a key, not a submission"
    return None


# `exam: "V3DBMJ4Q9"` as the sheet has it (YAML) or `"exam": "V3DBMJ4Q9",` (JSON)
_EXAM_LINE = re.compile(r"""(?:^|[{,])[ \t]*["']?exam["']?[ \t]*:[ \t]*["']?([A-Za-z0-9][A-Za-z0-9 _-]{0,40}?)["']?"""
                        r"""[ \t]*(?=[,}#\r\n]|$)""", re.M)


def _stated_version(key: Key, path) -> Version | None:
    """The version that the exam line of a file YAML or JSON cannot read names, if it names one of
    the key's: a slip anywhere else in a sheet must not make it a stranger's (its student then
    "without a submission" while a row named "answers" says it could not be graded)."""
    try:
        data = safeio.read_bytes(path, answer_files.MAX_BYTES, "answer file")
        text = safeio.decode_text(data, "answer file", by_hand=True)
    except ExamgenError:
        return None
    typed = {_id_text(m.group(1)) for m in _EXAM_LINE.finditer(text)}
    found = [v for name, v in key.versions.items() if _id_text(name) in typed]
    return found[0] if len(found) == 1 else None


def grade_file(key: Key, path, partial: bool = True, earlier: dict | None = None) -> dict:
    """Grade one file; a file that cannot be graded gives a row with status "error" and the reason."""
    sub = None
    try:
        sub = answer_files.load(path)
        return grade_submission(key, sub, partial, earlier=earlier)
    except ExamgenError as e:
        error = str(e)
    except Exception as e:  # noqa: BLE001 - one bad file must not stop a class's batch
        error = f"internal error while grading ({type(e).__name__}: {str(e)[:200]})"
    who = sub.student if sub is not None and sub.student else unnamed(str(path))   # the name it types, if read
    version = (key.versions.get(sub.exam) if sub is not None and isinstance(sub.exam, str)
               else _stated_version(key, path) if sub is None else None)
    if version is not None and version.student:   # a class's version: the student it was made for
        who = version.student
    return {"file": str(path), "student": who, "student_id": version.who.get("student_id", "") if version else "",
            "exam": version.exam if version else None, "status": "error",
            "error": error[:500], "score": None, "max": None, "problems": [], "notes": [],
            "notes_by_kind": {}}


def grade_paths(key_path, paths, partial: bool = True, key: Key | None = None,
                skipped: list | None = None) -> list[dict]:
    """Grade every answer file under `paths` against the key at `key_path`, in a stable order."""
    key = key or load_key(key_path)
    earlier: dict = {}   # the batch's numeric answers graded so far (see _grade_numeric)
    return [grade_file(key, p, partial, earlier) for p in answer_paths(paths, key_path, skipped)]
