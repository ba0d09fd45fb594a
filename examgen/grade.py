"""Grade answer files against a machine key (key.json): verdicts, points, named mistakes, totals.

Each part gets one verdict:
  correct           the exact value (or an equivalent expression)
  within tolerance  a decimal within the part's rtol/atol of a value it is not exactly
  wrong             anything else (a vector or matrix still earns its share of right entries)
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
import multiprocessing
import random
import re
from dataclasses import dataclass, field
from fractions import Fraction
from pathlib import Path

import numpy as np

from . import answers as answer_files
from . import expr
from . import formatting as fmt
from . import safeio
from .compare import CORRECT, WITHIN, WRONG, all_close, compare
from .errors import ExamgenError

BLANK, UNREADABLE = "blank", "unreadable"
VERDICTS = (CORRECT, WITHIN, WRONG, BLANK, UNREADABLE)
ANSWER_SUFFIXES = (".yaml", ".yml", ".json")
MAX_KEY_BYTES = 50_000_000
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
    try:
        text = safeio.read_text(path, MAX_KEY_BYTES, "key.json", KeyFileError)
        raw = safeio.parse_json(text, MAX_KEY_DEPTH, KeyFileError)
    except KeyFileError as e:
        raise ExamgenError(f"{path}: not a usable key.json ({e})") from None
    return prepare_key(raw, str(path))


class KeyFileError(ExamgenError):
    """A key.json that cannot be read or fails a check (the key is untrusted input too)."""


def prepare_key(raw, source: str = "key") -> Key:
    """A Key from the parsed key.json (one version or {"index": true, "versions": [...]})."""
    if isinstance(raw, Key):
        return raw
    if not isinstance(raw, dict):
        raise ExamgenError(f"{source}: not a key (expected a JSON object)")
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
                                      _need(p.get("profile") or "", str, "a profile"))
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
                   functions, None, "", None, _nested_text(exact_text), "")
    if kind == "expression":
        part.expected_source = _need(value, str, "an expression answer")
        part.expected = _key_expression(part.expected_source, variables, f"the key's answer to {name}")
    elif kind == "choice":
        part.expected_source = part.expected = _need(value, str, "a choice answer")
    else:
        part.expected = _key_numbers(value, name)
        part.exact = _key_exact(part.expected, exact_text)
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
    for leaf in _leaves(value):
        if isinstance(leaf, bool) or not isinstance(leaf, (int, float)) or not math.isfinite(leaf):
            raise ValueError(f"the key's answer to {name} holds {leaf!r:.40}, not a finite number")
    floats, _ = read_numbers(value, f"the key's answer to {name}")
    return floats


def _leaves(v):
    if isinstance(v, list):
        for x in v:
            yield from _leaves(x)
    else:
        yield v


def _key_exact(expected: np.ndarray, exact_text) -> np.ndarray:
    """Per entry: the exact rational value, or None for an irrational one (ln 2, e⁻¹)."""
    texts = np.asarray(exact_text, dtype=object) if isinstance(exact_text, list) else np.array(exact_text, dtype=object)
    out = np.empty(expected.shape, dtype=object)
    for idx, f in np.ndenumerate(expected):
        try:
            value, q = expr.number(texts[idx] if texts.shape == expected.shape else float(f), "key")
        except expr.ExpressionError:
            value, q = None, None
        if value is None or abs(value - f) > EXACT_RTOL * max(1.0, abs(f)):
            q = Fraction(repr(float(f)))  # a decimal key (drill): the decimal is the value
        out[idx] = q
    return out


def _nested_text(v) -> str:
    if isinstance(v, list):
        return "[" + ", ".join(_nested_text(x) for x in v) + "]"
    if isinstance(v, float):
        return fmt.decimal_text(v, 6)
    return str(v)


# --- grading --------------------------------------------------------------------------------------
def grade_submission(key, answers, partial: bool = True) -> dict:
    """Grade one answer file (a Submission or its mapping) against a key (dict or Key)."""
    key = prepare_key(key)
    sub = answers if isinstance(answers, answer_files.Submission) else answer_files.from_mapping(answers)
    version, notes = _pick_version(key, sub)
    problems = []
    for number, kp in sorted(version.problems.items()):
        given = sub.answers.get(number, {})
        parts = [grade_part(p, given.get(name), partial and kp.partial) for name, p in kp.parts.items()]
        unknown = sorted(set(given) - set(kp.parts))
        if unknown:
            notes.append(f"problem {number}: unknown part(s) {', '.join(map(repr, unknown))} ignored "
                         f"(parts: {', '.join(kp.parts)})")
        problems.append({"number": number, "id": kp.id, "title": kp.title,
                         "score": _round(sum(p["points"] for p in parts)), "max": kp.points, "parts": parts,
                         "solution": kp.solution})
    extra = sorted(set(sub.answers) - set(version.problems))
    if extra:
        notes.append(f"answers for problem(s) {', '.join(map(str, extra))}, which the exam does not have, ignored")
    student, typed = identity(version, sub)
    if typed:
        notes.append(typed)
    return {"file": sub.source, "student": student, "student_id": version.who.get("student_id", ""),
            "exam": version.exam, "status": "graded", "error": None,
            "score": _round(sum(p["score"] for p in problems)), "max": version.points,
            "problems": problems, "notes": sub.notes + notes}


def identity(version: Version, sub) -> tuple[str, str]:
    """(student, note): a class version's student is the key's; a different typed name is a note."""
    if not version.student:
        return sub.student or Path(sub.source).stem, ""
    if sub.student and _same_name(sub.student, version.student):
        return version.student, ""
    if sub.student:
        return version.student, (f"the file names {sub.student!r}, but version {version.exam} was made for "
                                 f"{version.student!r}; graded as {version.student!r}")
    return version.student, ""


def _same_name(a: str, b: str) -> bool:
    import unicodedata

    def norm(x):  # García = Garcia = garcía; "García, Ana" = "Ana García"
        x = "".join(c for c in unicodedata.normalize("NFKD", x) if not unicodedata.combining(c))
        return " ".join(x.casefold().replace(",", " ").split())
    return norm(a) == norm(b) or sorted(norm(a).split()) == sorted(norm(b).split())


def _pick_version(key: Key, sub) -> tuple[Version, list]:
    if sub.exam in key.versions:
        return key.versions[sub.exam], []
    held = ", ".join(sorted(key.versions))
    if sub.exam is None:
        if len(key.versions) == 1:
            (v,) = key.versions.values()
            return v, [f"the file does not say its exam version; graded as {v.exam}"]
        raise answer_files.AnswerFileError(f"the file does not say its exam version (exam: …); the key holds {held}")
    raise answer_files.AnswerFileError(f"the file is for exam {sub.exam}, which this key does not hold (key: {held})")


def _round(x: float) -> float:
    return round(x + 0.0, 2)


def grade_part(part: KeyPart, raw, partial: bool = True) -> dict:
    """Verdict, points and feedback of one answer part."""
    out = {"part": part.name, "kind": part.kind, "verdict": BLANK, "points": 0.0, "max": part.points,
           "expected": part.text, "expected_decimal": part.decimal, "given": _given_text(raw),
           "feedback": "", "mistake": None}
    if answer_files.is_blank(raw):
        out["feedback"] = "no answer given"
        return out
    try:
        if part.kind == "expression":
            verdict, credit, message, mistake = _grade_expression(part, raw)
        elif part.kind == "choice":
            verdict, credit, message, mistake = _grade_choice(part, raw)
        else:
            verdict, credit, message, mistake = _grade_numeric(part, raw, partial)
    except expr.ExpressionError as e:
        out.update(verdict=UNREADABLE, feedback=f"could not read your answer: {e}")
        return out
    except TimeoutError:
        out.update(verdict=UNREADABLE, feedback=f"your expression could not be checked within "
                                                f"{SYMBOLIC_TIMEOUT:g} s; simplify it and try again")
        return out
    if mistake:
        message = mistake[1] + (f" ({message})" if message else "")
    elif verdict == WRONG and not message:
        message = f"expected {part.text}" + (f" ≈ {part.decimal}" if part.decimal else "")
    out.update(verdict=verdict, points=_round(part.points * credit), feedback=message,
               mistake=mistake[0] if mistake else None)
    return out


def _given_text(raw) -> str:
    if answer_files.is_blank(raw):
        return ""
    try:
        text = raw if isinstance(raw, str) else json.dumps(raw, ensure_ascii=False, allow_nan=True)
    except (TypeError, ValueError, RecursionError):
        text = answer_files.kind_name(raw)
    text = " ".join(text.split())
    return text if len(text) <= 80 else text[:77] + "…"


def _grade_numeric(part: KeyPart, raw, partial: bool):
    values, exact = read_numbers(raw, part.name)
    is_exact = np.vectorize(_is_exact, otypes=[bool])(values, exact, part.expected, part.exact) \
        if values.shape == part.expected.shape else False
    result = compare(values, part.expected, part.rtol, part.atol, exact=is_exact, partial=partial)
    mistake = None
    if result.verdict == WRONG:
        mistake = next((m for m in part.mistakes if all_close(values, m[2], part.rtol, part.atol)), None)
    return result.verdict, result.credit, result.message, mistake


def _is_exact(g: float, gq, e: float, eq) -> bool:
    if gq is not None:          # a rational answer is exact only if it is the rational answer
        return eq is not None and gq == eq
    return abs(g - e) <= EXACT_RTOL * max(1.0, abs(e))


def read_numbers(raw, what: str) -> tuple[np.ndarray, np.ndarray]:
    """(floats, exact fractions or None) of a number, numeric text, or (nested) list of them."""
    shape = _nested_shape(raw, what, 0)
    if math.prod(shape) > answer_files.MAX_ENTRIES:
        raise expr.ExpressionError(f"{what}: more than {answer_files.MAX_ENTRIES} numbers")
    floats, exact = np.empty(shape, dtype=float), np.empty(shape, dtype=object)
    for idx in np.ndindex(*shape):
        leaf = raw
        for i in idx:
            leaf = leaf[i]
        label = what + "".join(f"[{i}]" for i in idx)
        if answer_files.is_blank(leaf):
            raise expr.ExpressionError(f"{label} is blank")
        floats[idx], exact[idx] = expr.number(leaf, label)
    return floats, exact


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


def _grade_choice(part: KeyPart, raw):
    if not isinstance(raw, (str, int, float)) or isinstance(raw, bool):
        raise expr.ExpressionError(f"{part.name}: expected one of the choices as text, got {answer_files.kind_name(raw)}")
    right = str(raw).strip().lower() == part.expected.strip().lower()
    mistake = None if right else next((m for m in part.mistakes
                                       if str(raw).strip().lower() == str(m[2]).strip().lower()), None)
    return (CORRECT if right else WRONG), float(right), "", mistake


def _grade_expression(part: KeyPart, raw):
    if isinstance(raw, bool) or not isinstance(raw, (str, int, float)):
        raise expr.ExpressionError(f"{part.name}: expected an expression as text, got {answer_files.kind_name(raw)}")
    text = raw if isinstance(raw, str) else repr(raw)
    tree = expr.check(text, part.variables, part.name)
    if part.functions is not None:
        used = sorted({n.func.id for n in ast.walk(tree) if isinstance(n, ast.Call)} - set(part.functions))
        if used:
            allowed = ", ".join(part.functions) or "none"
            return WRONG, 0.0, f"the question asks for an answer without {', '.join(used)} (functions allowed: {allowed})", None
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
    for point in sample_points(tuple(variables)):
        try:
            x, y = expr.evaluate(a, point), expr.evaluate(b, point)
        except (ArithmeticError, ValueError, expr.ExpressionError):
            continue
        if not all(map(math.isfinite, (x.real, x.imag, y.real, y.imag))):
            continue
        if abs(x - y) > 1e-8 * max(1.0, abs(x), abs(y)):
            return False
        agree += 1
    return True if agree >= POINTS_AGREE else None


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

    def __init__(self):
        self._proc = self._conn = None

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
        methods = multiprocessing.get_all_start_methods()
        ctx = multiprocessing.get_context("fork" if "fork" in methods else "spawn")
        self._conn, child = ctx.Pipe()
        self._proc = ctx.Process(target=_serve, args=(child,), daemon=True, name="examgen-grade-worker")
        self._proc.start()
        child.close()

    def stop(self):
        if self._proc is not None:
            self._proc.kill()
            self._proc.join()
            self._conn.close()
        self._proc = self._conn = None


def _serve(conn):
    while True:
        try:
            func, args = conn.recv()
        except EOFError:
            return
        try:
            reply = (True, func(*args))
        except Exception as e:  # noqa: BLE001 - sent back and raised in the parent
            reply = (False, e if isinstance(e, expr.ExpressionError) else expr.ExpressionError(str(e)[:200]))
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
    return out


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


def _not_a_submission(f: Path, key_file: Path | None) -> str | None:
    """Why a folder entry is not graded, or None for an answer file."""
    if f.name.startswith("."):
        return "a hidden file"
    if f.is_dir():
        return "a folder; name it to grade what it holds"
    if f.suffix.lower() not in ANSWER_SUFFIXES:
        return "not .yaml, .yml or .json"
    if not f.is_file():
        return "not a regular file"
    if f.resolve() == key_file:
        return "the key"
    if f.name.lower() == "key.json":
        return "a key, not a submission"
    return None


def grade_file(key: Key, path, partial: bool = True) -> dict:
    """Grade one file; a file that cannot be graded gives a row with status "error" and the reason."""
    try:
        return grade_submission(key, answer_files.load(path), partial)
    except ExamgenError as e:
        error = str(e)
    except Exception as e:  # noqa: BLE001 - one bad file must not stop a class's batch
        error = f"internal error while grading ({type(e).__name__}: {str(e)[:200]})"
    return {"file": str(path), "student": Path(path).stem, "student_id": "", "exam": None, "status": "error",
            "error": error[:500], "score": None, "max": None, "problems": [], "notes": []}


def grade_paths(key_path, paths, partial: bool = True, key: Key | None = None,
                skipped: list | None = None) -> list[dict]:
    """Grade every answer file under `paths` against the key at `key_path`, in a stable order."""
    key = key or load_key(key_path)
    return [grade_file(key, p, partial) for p in answer_paths(paths, key_path, skipped)]
