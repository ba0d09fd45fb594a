"""Answer files (answers.yaml, or JSON of the same shape), read as hostile input.

    exam: E0-3f9a1c2b
    student: Ada
    answers:
      1: {I: 2, U: 11, IOU: 2/11}
      2: {dL_dW1: [[1/4, 0], [0, -1/2]]}

The file is capped in size and must be UTF-8 text. YAML is read with a SafeLoader, after a
pass over its events that refuses aliases, anchors and every tag beyond the core ones (so no billion laughs and no
`!!python/object`); JSON with NaN/Infinity left for the grader to refuse per part. Values are
kept as read (numbers, text, lists): `examgen.expr` turns them into numbers when grading, so
one unreadable part never stops the others.
"""
from __future__ import annotations

import itertools
import re
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from . import safeio
from .errors import ExamgenError

MAX_BYTES = 1_000_000    # size of one answer file
MAX_DEPTH = 8            # nesting of lists inside one answer
MAX_FILE_DEPTH = 20      # nesting of the whole file (exam → answers → problem → part → lists)
MAX_ENTRIES = 10_000     # numbers inside one answer
MAX_NAME = 200           # characters of an exam id or a student name


class AnswerFileError(ExamgenError):
    """An answer file that cannot be read as a whole; the message says why."""


@dataclass
class Submission:
    """A read answer file: which exam, whose, and the raw answers {problem number: {part: value}}."""

    source: str
    exam: str | None
    student: str | None
    answers: dict[int, dict]
    notes: list[str] = field(default_factory=list)
    # parts that are not graded, and why: {(problem, part): message}; part "*" = every part
    refused: dict = field(default_factory=dict)
    # parts whose flow list holds `0,5` (a decimal comma, or two numbers?): refused unless the
    # part's shape decides (see grade.comma_refusal), {(problem, part): message}
    commas: dict = field(default_factory=dict)
    blank: bool = False     # no answer at all: a blank sheet (its name and exam lines aside)
    # what a part given twice was given, each time: {(problem, part): [value, value, ...]}
    given_twice: dict = field(default_factory=dict)

    def refusal(self, number: int, part: str) -> str | None:
        return self.refused.get((number, part)) or self.refused.get((number, "*"))


class TypedList(list):
    """A YAML flow list with the text the file typed it as (`typed`): `[0, -0.2883; 0, 0]` is
    MATLAB's rows, which YAML splits at its commas into [0, '-0.2883; 0', 0] (and 0.50 into 0.5)."""

    typed = ""


class _Mapping(dict):
    """A mapping as read, remembering the keys the file gave more than once (never resolved silently),
    and for `{1 \\over 9}`, `{1/9}`, `{1}` typed unquoted (YAML's flow mapping of keys without
    values) the text typed (`typed`), which is the answer (see _braces_as_typed)."""

    duplicates: tuple = ()
    given_twice: dict = {}  # {key typed more than once: every value given for it, in the file's order}
    typed = ""
    typed_student = ""      # `student: 00123` as typed (a bare number YAML reads as 123)


def _mapping(pairs) -> _Mapping:
    out = _Mapping()
    seen: dict = {}
    dups = []
    for k, v in pairs:
        key = str(k).strip()
        if key in seen:
            dups.append(key)
        seen.setdefault(key, []).append(v)
        out[k] = v
    out.duplicates = tuple(dups)
    if dups:
        out.given_twice = {key: seen[key] for key in dups}
    return out


@lru_cache(maxsize=None)
def _answer_loader():
    """The core-schema loader, with mappings that remember duplicated keys (made on first use:
    PyYAML is imported only by what reads YAML)."""
    import yaml

    from .yamlio import CoreLoader

    class AnswerLoader(CoreLoader):
        def construct_yaml_map(self, node):
            data = _Mapping()
            yield data
            self.flatten_mapping(node)
            pairs = [(self.construct_object(k, deep=True), self.construct_object(v, deep=True)) for k, v in node.value]
            for k, _ in pairs:
                if not isinstance(k, (str, int, float, bool, type(None))):
                    raise AnswerFileError(f"a mapping key must be a name or number, got {kind_name(k)}")
            filled = _mapping(pairs)
            data.update(filled)
            data.duplicates, data.given_twice = filled.duplicates, filled.given_twice
            data.typed = _braced_text(node)
            student = [(v, value) for (k, v), (_, value) in zip(node.value, pairs) if k.value == "student"][-1:]
            data.typed_student = next((v.value for v, value in student if isinstance(v, yaml.ScalarNode) and not v.style
                                       and isinstance(value, (int, float)) and not isinstance(value, bool)), "")

        def __init__(self, stream):
            super().__init__(stream)
            self._text, self._lines = (stream if isinstance(stream, str) else ""), None

        def construct_yaml_seq(self, node):
            # A flow list with a plain item (style None, or "" in libyaml) holding `;` is MATLAB's
            # rows split by YAML at commas: keep the text as typed, for grade.read_numbers.
            rows = node.flow_style and any(isinstance(x, yaml.ScalarNode) and not x.style and ";" in x.value
                                           for x in node.value)
            # A matrix's rows one per line, `[1 2\n 3 4]` or `[1, 2,\n 3, 4]`: YAML folds them into one
            # row (its lines into spaces); the text as typed keeps them (see grade._lines_as_rows)
            lines = (node.flow_style and node.end_mark.line > node.start_mark.line
                     and all(isinstance(x, yaml.ScalarNode) and not x.style for x in node.value))
            data = TypedList() if rows or lines else []
            if rows or lines:
                if self._lines is None:     # split once per file, on first use
                    self._lines = _YAML_BREAK.split(self._text)
                data.typed = _span(self._lines, node.start_mark, node.end_mark, keep_lines=bool(lines))
            yield data
            data.extend(self.construct_sequence(node))

    AnswerLoader.add_constructor("tag:yaml.org,2002:map", AnswerLoader.construct_yaml_map)
    AnswerLoader.add_constructor("tag:yaml.org,2002:seq", AnswerLoader.construct_yaml_seq)
    return AnswerLoader


def _braced_text(node) -> str:
    """`{1 \\over 9}` as typed, for a flow mapping whose every key (plain text) has no value and no
    colon: YAML's reading of an answer in braces ({1 \\over 9}: null); "" for any other mapping."""
    import yaml

    if not node.flow_style or not node.value:
        return ""
    for k, v in node.value:
        plain_key = isinstance(k, yaml.ScalarNode) and not k.style
        no_value = isinstance(v, yaml.ScalarNode) and v.value == "" and v.start_mark.index == k.end_mark.index
        if not (plain_key and no_value):
            return ""
    return "{" + ", ".join(k.value for k, _ in node.value) + "}"


_YAML_BREAK = re.compile("\r\n|[\r\n\x85\u2028\u2029]")   # what YAML counts as a line break


def _span(lines: list, start, end, keep_lines: bool = False) -> str:
    """The text between two YAML marks (line and column from 0) of a flow list, or "" when it
    holds a comment or is not one list; its line breaks kept with `keep_lines` (one row a line)."""
    if end.line - start.line >= 100:
        return ""
    lines = lines[start.line:end.line + 1]
    if len(lines) == 1:
        out = lines[0][start.column:end.column]
    else:
        out = "\n".join([lines[0][start.column:], *lines[1:-1], lines[-1][:end.column]])
    if "#" in out or out[:1] + out[-1:] != "[]":
        return ""
    if keep_lines:
        return "\n".join(" ".join(line.split()) for line in out.splitlines())
    return " ".join(out.split())


def load(path) -> Submission:
    """Read and check one answer file (size, encoding, YAML/JSON syntax, overall shape)."""
    path = Path(path)
    data = safeio.read_bytes(path, MAX_BYTES, "answer file (answers.yaml or JSON)", AnswerFileError)
    return loads(data, str(path), json_syntax=answer_suffix(path) == ".json")


SUFFIXES = (".yaml", ".yml", ".json")


def answer_suffix(path) -> str | None:
    """.yaml, .yml or .json: an answer file's kind by its name, also under a .txt that a Windows
    editor adds (answers.yaml.txt, where file extensions are hidden); None for any other name."""
    path = Path(path)
    suffix = path.suffix.lower()
    if suffix == ".txt":
        suffix = Path(path.stem).suffix.lower()
    return suffix if suffix in SUFFIXES else None


def loads(data: bytes | str, source: str = "<answers>", json_syntax: bool | None = None) -> Submission:
    """A Submission from the bytes (or text) of an answer file."""
    if isinstance(data, str):
        data = data.encode("utf-8")
    if len(data) > MAX_BYTES:
        raise AnswerFileError(f"file larger than {MAX_BYTES // 1000} kB; an answer file is a few kB")
    text = safeio.decode_text(data, "answer file (answers.yaml or JSON)", AnswerFileError, by_hand=True)
    if json_syntax is None:
        json_syntax = text.lstrip().startswith("{")
    repaired: list = []
    if json_syntax:
        raw = _parse_json(text)
    else:
        raw, text = _parse_yaml_quoting(text, repaired)
    sub = from_mapping(raw, source)
    sub.notes[:0] = repaired
    if not json_syntax:
        sub.commas = _decimal_commas(text)
    return sub


def _parse_json(text: str):
    return safeio.parse_json(text, MAX_FILE_DEPTH, AnswerFileError, big_ints="text", object_pairs_hook=_mapping)


def _parse_yaml(text: str):
    from . import yamlio

    return yamlio.parse_yaml(text, MAX_FILE_DEPTH, AnswerFileError, "an answer file", loader=_answer_loader())


MAX_REPAIRS = 10              # answer lines YAML cannot read, read as quoted text, per file
MAX_REPAIR_BYTES = 100_000    # a file re-read that often is a few kB; a larger one gets the message
# `    dL_dh: [-7/8, 1/4]^T  # comment`: a part (or channel, or the student's name) and its answer
_PART_LINE = re.compile(r"(?P<head>(?P<indent>[ ]*)(?P<name>[A-Za-z_]\w{0,40})[ \t]*:[ \t]+)(?P<value>.*?)"
                        r"(?P<comment>(?<![ \t])[ \t]+#.*)?")   # (a comment from a run's start: no quadratic backtracking)


def _parse_yaml_quoting(text: str, notes: list) -> tuple:
    """(the parsed YAML, the text parsed). A slip on one answer's line (`dL_dh: [-7/8, 1/4]^T`,
    `'it's 1/8'`, `` `1/8` ``) makes the whole file invalid YAML: such a line, when YAML cannot
    read it on its own, is read with its answer in quotes (a note says so) and the file
    parsed again, at most MAX_REPAIRS times; so is an answer whose bracket or quote is never
    closed (`I: [1`, `I: "1/9`) or ends in MATLAB's transpose (`h: [2/3, 1/2]'`), which YAML
    reports on a later line (_unclosed_line); any
    other error is the file's, one line."""
    while True:
        try:
            return _parse_yaml(text), text
        except AnswerFileError as e:
            line = getattr(e, "yaml_line", None)
            fixed = _quote_line(text, line) if line is not None else None
            if fixed is None and line is not None:    # a bracket or quote left open on an earlier line
                line = _unclosed_line(text, line, getattr(e, "yaml_opened", None))
                fixed = _quote_line(text, line) if line is not None else None
            if fixed is None:
                if _misindented(text, getattr(e, "yaml_line", None), getattr(e, "yaml_problem", "")):
                    raise AnswerFileError(f"{e}; {INDENT_HINT}") from None
                raise
            text, name, quoted, indented = fixed
            if not indented or len(notes) >= MAX_REPAIRS or len(text) > MAX_REPAIR_BYTES:
                raise AnswerFileError(f"line {line + 1} ({name}): YAML cannot read this line; put "
                                      f"{'the answer' if indented else 'it'} in quotes: {name}: {quoted}") from None
            notes.append(f"line {line + 1} ({name}): YAML cannot read this line; read as the quoted text "
                         f"{name}: {quoted} (put such an answer in quotes)")


INDENT_HINT = ("check the indentation: a problem's part names line up with each other under its number, "
               "as on the blank sheet (2 spaces before a problem number, 4 before a part name)")
# what YAML says of a key indented off its mapping's column: fewer spaces, or more (then the line
# reads as the previous answer's continuation, and its `:` is out of place)
_INDENT_PROBLEMS = ("did not find expected key", "mapping values are not allowed in this context")


def _misindented(text: str, line: int | None, problem: str) -> bool:
    """Whether YAML's error is a key line indented off its mapping's column (`   U: 13` among
    `    I: 1` lines), as a hand-edited answer sheet goes wrong."""
    if line is None or problem not in _INDENT_PROBLEMS:
        return False
    lines = _LINE_BREAK.split(text)[0::2]
    return 0 <= line < len(lines) and bool(_KEY_LINE.match(lines[line]))


_LINE_BREAK = re.compile(f"({_YAML_BREAK.pattern})")   # the same, kept by re.split


def _quote_line(text: str, line: int):
    """(text with the answer on `line` quoted, the part's name, the quoted answer, whether the
    line is indented: a part's, not the file's exam or student), or None when the line is no
    `<indent><part>: <answer>` line or YAML reads it on its own (the error is elsewhere, e.g. a
    bracket left open on an earlier line)."""
    pieces = _LINE_BREAK.split(text)     # lines at even places, their breaks between
    if not 0 <= 2 * line < len(pieces):
        return None
    m = _PART_LINE.fullmatch(pieces[2 * line])
    if not m or not m.group("value").strip():
        return None
    import yaml

    from .yamlio import SafeLoader

    try:
        for _ in yaml.parse(m.group("name") + ": " + m.group("value"), Loader=SafeLoader):
            pass                          # events only: nothing is built
        return None
    except yaml.YAMLError:
        pass
    value = m.group("value").strip()
    if len(value) > 1 and value[0] == value[-1] and value[0] in "'\"`":
        value = value[1:-1]               # the student's own quotes: 'it's 1/8', `1/8`
    if "'" in value and '"' not in value and "\\" not in value:
        quoted = '"' + value + '"'
    else:
        quoted = "'" + value.replace("'", "''") + "'"
    pieces[2 * line] = m.group("head") + quoted + (m.group("comment") or "")
    return "".join(pieces), m.group("name"), quoted, bool(m.group("indent"))


# a line that starts a key: `    U: 3`, `  2:`, `"I": 1`
_KEY_LINE = re.compile(r"(?P<indent>[ ]*)(?:[\w-]+|'[^']*'|\"[^\"]*\")[ \t]*:(?:[ \t]|$)")


def _unclosed_line(text: str, line: int, opened: int | None) -> int | None:
    """The line, before YAML's error `line`, of an answer that opens a bracket or quote it never
    closes (`I: [1`, `I: "1/9`), when the list or text plainly never continued: the next line
    that is not blank or a comment starts a key at the same or a smaller indent (`U: 3`), or
    the file ends. `opened`: the line YAML says the bracket or quote was opened on, else the
    nearest earlier such answer's line. None when there is no such line."""
    pieces = _LINE_BREAK.split(text)
    lines = pieces[0::2]
    candidates = [opened] if opened is not None else range(min(line, len(lines)) - 1, -1, -1)
    for k in candidates:
        m = _PART_LINE.fullmatch(lines[k]) if 0 <= k < len(lines) else None
        if not m or not (_unclosed(m.group("value")) or _MATLAB_TRANSPOSE.search(m.group("value"))) \
                or not (m.group("indent") or m.group("name") in ("exam", "student")):
            continue
        following = next((x for x in lines[k + 1:] if x.strip() and not x.lstrip().startswith("#")), None)
        if following is None:
            return k
        key = _KEY_LINE.match(following)
        return k if key and len(key.group("indent")) <= len(m.group("indent")) else None
    return None


# MATLAB's transpose after a list, `[2/3, 1/2]'`: YAML takes the ' for a quote that never closes
_MATLAB_TRANSPOSE = re.compile(r"[\])][ \t]*'[ \t]*\Z")


def _unclosed(value: str) -> bool:
    """Whether an answer's text opens a bracket, or a quote (at the start of a YAML scalar), that
    it does not close: `[1`, `[[0, 1], [1, 0]`, `"1/9`, `[1, 'a`."""
    depth, quote, last, i = 0, "", "", 0
    while i < len(value):
        c = value[i]
        if quote:
            if c == "\\" and quote == '"' or c == "'" == quote and value[i + 1:i + 2] == "'":
                i += 1                      # an escaped character, or '' in single quotes
            elif c == quote:
                quote = ""
        elif c in "'\"" and last in ("", "[", "{", ",", ":"):
            quote = c
        elif c in "[{":
            depth += 1
        elif c in "]}":
            depth -= 1
        last = c if not c.isspace() else last
        i += 1
    return bool(quote) or depth > 0


_YAML_SCAN = re.compile(r"(?m)^(?P<problem>[ \t]*\d{1,3}[ \t]*:)|(?P<key>[A-Za-z_]\w*)[ \t]*:"
                        r"|(?P<comma>(?<![\w.])\d+,\d+(?![\w.]))")


def _decimal_commas(text: str) -> dict:
    """Parts whose flow list holds `0,5` (YAML reads it as two numbers, 0 and 5): ambiguous."""
    out, problem, part = {}, None, None
    if "," not in text:
        return out
    for m in _YAML_SCAN.finditer(re.sub(r"(?m)(^|\s)#.*$", "", text)):
        if m.group("problem"):
            problem = int(m.group("problem").strip(" \t:"))
        elif m.group("key"):
            part = m.group("key")
        elif problem is not None and part is not None and (problem, part) not in out:
            a, b = m.group("comma").split(",")
            out[(problem, part)] = (f"'{a},{b}' is ambiguous: the decimal {a}.{b} or the two numbers {a} and {b}; "
                                    f"write {a}.{b} (a decimal point), or {a}, {b} with a space after the comma")
    return out


def from_mapping(raw, source: str = "<answers>") -> Submission:
    """Check the overall shape {exam, student, answers: {number: {part: value}}}."""
    if raw is None:
        raise AnswerFileError("the file is empty")
    if not isinstance(raw, dict):
        raise AnswerFileError(f"expected a mapping with exam, student and answers, got {kind_name(raw)}")
    if "answers" not in raw and (raw.get("index") is True or isinstance(raw.get("problems"), list)):
        raise AnswerFileError("this is an exam's key (key.json), not an answer file: grade the student's "
                              "answers.yaml (or its JSON) against it")
    notes = [f"unknown field {k!r} ignored" for k in raw if k not in ("exam", "student", "answers")]
    exam = _name(raw.get("exam"), "exam")
    student = _name(getattr(raw, "typed_student", "") or raw.get("student"), "student")
    answers = raw.get("answers")
    if answers is None:
        answers = {}      # a blank sheet, which the grader says
    if not isinstance(answers, dict):
        raise AnswerFileError(f"answers must be a mapping of problem numbers to parts, got {kind_name(answers)}")
    out: dict[int, dict] = {}
    refused: dict = {}
    twice: dict = {}    # {(problem, part): every value given for it}
    copies: dict = {}   # {problem given twice: each copy's parts}
    for number in getattr(answers, "duplicates", ()):
        n = _problem_number(number)
        if n is not None:
            refused[(n, "*")] = (f"problem {n} appears twice in the file; keep one copy of its answers "
                                 f"(neither is graded)")
            copies[n] = [p if isinstance(p, dict) else {} for p in answers.given_twice[number]]
    for number, parts in answers.items():
        n = _problem_number(number)
        if n is None:
            notes.append(f"answers: {str(number)[:40]!r} is not a problem number; ignored"
                         + ("; if it is a part, indent it under its problem's number, as on the blank sheet (4 spaces "
                            "before a part name)" if re.fullmatch(r"[A-Za-z_]\w{0,40}", str(number)) else ""))
            continue
        if parts is None:
            parts = {}
        if not isinstance(parts, dict):
            notes.append(f"problem {n}: expected a mapping of parts, got {kind_name(parts)}; ignored")
            continue
        for k in getattr(parts, "duplicates", ()):
            refused[(n, str(k))] = f"part {k} is given twice in problem {n}; keep one answer (neither is graded)"
            twice[(n, str(k))] = [_braces_as_typed(v) for v in parts.given_twice[k]]
        given = out.setdefault(n, {})
        for k, v in parts.items():
            v = _braces_as_typed(v)
            if str(k) in given:   # 1 and '1', or a problem given twice: each copy's value
                refused[(n, str(k))] = f"part {k} is given twice in problem {n}; keep one answer (neither is graded)"
                twice.setdefault((n, str(k)), [given[str(k)]]).append(v)
            parts[k] = v    # in place: a sheet of {1/9} is not blank
            given[str(k)] = v
    for n, each in copies.items():   # a problem given twice: what each copy gave each part
        for k in {str(k) for parts in each for k in parts}:
            twice.setdefault((n, k), [next((v for j, v in parts.items() if str(j) == k), None) for parts in each])
    # blank: nothing but blanks under `answers`, what is not read (`1: 2/11`) included; a part
    # given twice is not blank, as the copy read may be the blank one
    return Submission(source, exam, student, out, notes, refused, blank=not refused and is_blank(answers),
                      given_twice=twice)


def _name(v, what: str) -> str | None:
    if v is None or v == "":
        return None
    if isinstance(v, bool) or not isinstance(v, (str, int, float)):
        raise AnswerFileError(f"{what} must be text, got {kind_name(v)}")
    v = str(v).strip()
    if len(v) > MAX_NAME or any(ord(c) < 32 for c in v):
        raise AnswerFileError(f"{what} must be one short line of text")
    return v or None


def _problem_number(k) -> int | None:
    if isinstance(k, bool):
        return None
    if isinstance(k, int):
        return k if 0 < k < 1000 else None
    if isinstance(k, str) and k.strip().isdigit() and len(k.strip()) <= 3:
        return int(k.strip()) or None
    return None


def _braces_as_typed(v, depth: int = 0):
    """An answer with `{1 \\over 9}`, `{1/9}` typed unquoted (YAML's mapping {1/9: null}) read as the
    text typed, also inside a list or a mapping of channels; any other value as it is."""
    if getattr(v, "typed", "") and isinstance(v, dict):
        return v.typed
    if isinstance(v, (list, dict)) and depth < MAX_DEPTH:
        for k, x in (enumerate(v) if isinstance(v, list) else list(v.items())):
            v[k] = _braces_as_typed(x, depth + 1)
    return v


def is_blank(v, depth: int = 0) -> bool:
    """Nothing answered: null, empty text, or a list (or mapping of channels) of nothing but blanks."""
    if v is None or (isinstance(v, str) and not v.strip()):
        return True
    if isinstance(v, dict):
        v = list(v.values())
    return isinstance(v, list) and depth < MAX_DEPTH and all(is_blank(x, depth + 1) for x in v)


def typed_key(v):
    """A hashable key that two answers share only when every reader takes them alike: types and
    values as typed (repr: -0.0 is not 0.0, True is not 1), a list's text as typed, a mapping's
    keys given twice (see TypedList, _Mapping). (A file's nesting is bounded: answers.MAX_FILE_DEPTH.)"""
    if isinstance(v, list):
        return list, getattr(v, "typed", None), tuple(map(typed_key, v))
    if isinstance(v, dict):
        return (dict, getattr(v, "duplicates", ()), getattr(v, "typed", ""),
                tuple((typed_key(k), typed_key(x)) for k, x in v.items()))
    return type(v), repr(v)


def kind_name(v) -> str:
    """What a read value is, in words: "a list", "text", "true/false", ..."""
    if isinstance(v, (list, dict)):     # a TypedList or _Mapping too
        return "a list" if isinstance(v, list) else "a mapping"
    return {dict: "a mapping", list: "a list", str: "text", bool: "true/false", int: "a number",
            float: "a number", type(None): "nothing"}.get(type(v), type(v).__name__)


def channel_keys(shape: tuple) -> list[str]:
    """The answer sheet's names of an array's 2-D slices, in C order: c0, c1 (3 axes); c0_d0, c0_d1
    (4 axes). Sheets are written with them and read by them."""
    letters = "cdefg"
    return ["_".join(f"{letters[k]}{i}" for k, i in enumerate(idx))
            for idx in itertools.product(*(range(n) for n in shape[2:]))]
