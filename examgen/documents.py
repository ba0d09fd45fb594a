"""The files of one exam version: exam and key in Markdown and LaTeX, key.json, answers.yaml.

Document templates live in `templates/` (Jinja, delimiters << >>, <% %>, <# #>, as for the
problems' own templates). Problems are rendered once and reused by every document.
"""
from __future__ import annotations

import math
from functools import lru_cache

from . import key as keys
from . import latex, render, work
from .exam import Version, templates_dir
from .safeio import one_line


@lru_cache(maxsize=None)
def environment():
    import jinja2

    env = render.environment_class()(
        **render.DELIMITERS, loader=jinja2.FileSystemLoader(str(templates_dir())),
        undefined=jinja2.StrictUndefined, autoescape=False, keep_trailing_newline=True,
        trim_blocks=True, lstrip_blocks=True, bytecode_cache=render.bytecode_cache())
    env.filters.update(render.FILTERS)
    env.filters["esc"] = latex.escape
    env.filters["md2tex"] = latex.to_latex
    return env

def describe_part(inst, part: str) -> str:
    """What an answer part expects, for the answer sheet's comments and the exam's part list:
    the shape in the exam's words and, for expressions, exactly the variables and functions
    that this part accepts."""
    kind, shape = inst.kind(part), inst.shape(part)
    dims = " × ".join(map(str, shape))
    words = inst.problem.parts[part].shape
    if words and words.replace(" ", "") != dims.replace(" ", "") and len(shape) >= 2:
        dims += f" ({words})"
    if kind == "expression":
        variables, functions = inst.allowed(part)
        names = ", ".join(variables) or "no variables"
        allowed = FUNCTION_NAMES if functions is None else [f for f in FUNCTION_NAMES if _canonical(f) in
                                                           {_canonical(g) for g in functions}]
        return (f"expression in {names}; functions: {', '.join(allowed) or 'none'}; "
                f"e.g. {_example(variables)}")
    if kind == "choice":
        choices = inst.choices(part)
        return f"one of {', '.join(choices)}" if choices else "one of the choices named in the problem"
    if kind == "scalar" or not shape:
        return "number: 3/4, 0.75, ln(2), e^(-1)"
    if len(shape) == 1:
        return f"vector of {shape[0]}: [a, b, ...] (a row or a column also counts)"
    if len(shape) == 2:
        return f"matrix {dims}: [[row 1], [row 2], ...]"
    if _channels(shape):
        return f"array {dims}: one {shape[0]} × {shape[1]} matrix per channel, as the exam prints them"
    if all(n == 1 for n in shape[2:]):   # one channel: the exam prints the matrix [:, :, 0, …]
        return f"array {dims}: the {shape[0]} × {shape[1]} matrix [[row 1], ...]"
    return f"array {dims}: nested lists, first index outermost"


FUNCTION_NAMES = ("ln", "exp", "sqrt", "σ", "tanh")


def _canonical(name: str) -> str:
    from .expr import _ALIASES

    return _ALIASES.get(name, name)


def _example(variables) -> str:
    v = variables[0] if variables else "2"
    return f"{v}*(1 - {v}), {v}^2"


def _channels(shape) -> list[str]:
    """The answer sheet's channel names of an array printed one 2-D slice at a time, or []."""
    if len(shape) < 3 or math.prod(shape[2:]) <= 1:
        return []   # (most parts: decided before the import statement, a few µs a call)
    from .answers import channel_keys

    return channel_keys(tuple(shape))


def problem_items(version: Version, with_tex: bool) -> list[dict]:
    """Per problem: rendered prompt, solution and answers (Markdown, and LaTeX if asked)."""
    return [problem_item(number, points, inst, with_tex) for number, points, inst in version.problems]


def problem_item(number: int, points, inst, with_tex: bool) -> dict:
    """One problem's rendered prompt, solution and answers, its parts and its hand work.
    `parts_md`, `parts_tex`: the part names as the exam lists them (`a`, `b`), written here once
    (a template's loop over the parts costs ~8 µs a part), the LaTeX even for Markdown only: the
    command may add the LaTeX of items made without (with_latex). `points_shown`: the points as
    every document writes them (a template's call of a function costs a few µs, four a problem)."""
    names = inst.parts
    item = {"number": number, "points": points, "points_shown": _points(points), "id": inst.id, "title": inst.problem.title,
            "parts": [{"name": p, "describe": describe_part(inst, p)} for p in names],
            "parts_md": ", ".join(f"`{p}`" for p in names),
            "parts_tex": ", ".join("\\texttt{%s}" % latex.escape(p) for p in names),
            "subset": len(names) < len(inst.problem.parts),
            "prompt": render.prompt(inst), "solution": render.solution(inst),
            "answers": render.answers_table(inst)}
    item["work"] = work.operations(item["prompt"], item["solution"])
    item["minutes"] = work.minutes(item["work"])
    return with_latex(item) if with_tex else item


def with_latex(item: dict) -> dict:
    """The item with the LaTeX of its prompt, solution and answers added (from their Markdown)."""
    for k in ("prompt", "solution", "answers"):
        item[k + "_tex"] = latex.to_latex(item[k])
    return item


def problem_piece(version: Version, number: int, points, inst, with_tex: bool) -> dict:
    """Everything the documents take from one problem, as plain data (strings, numbers, lists,
    dicts: it can be built in another process and pickled): its rendered item, its key entry and
    the shapes of its parts."""
    item = problem_item(number, points, inst, with_tex)
    return {"item": item, "entry": key_entry(version, number, points, inst, item),
            "shapes": inst.shapes()}


def doc_context(version: Version, items: list[dict]) -> dict:
    spec = version.spec
    total = sum(i["points"] for i in items)
    return {"title": spec.title, "course": spec.course, "date": spec.date,
            "instructions": spec.instructions, "exam_id": version.exam_id,
            "seed": None if version.secret else version.seed,
            "student": version.student.name if version.student else None,
            "total": _points(total), "items": items, "work": sum(i["work"] for i in items),
            "minutes": work.minutes(sum(i["work"] for i in items))}

def _points(p) -> str:
    return str(int(p)) if float(p).is_integer() else f"{p:g}"

def key_entry(version: Version, number: int, points, inst, item: dict) -> dict:
    """One problem's entry in the machine key, with its worked solution (Markdown) for the students' reports."""
    entry = {**keys.problem_entry(inst, number, points, version.spec.carry_forward), "solution": item["solution"],
             "work": {"operations": item["work"], "minutes": item["minutes"]}}
    return keys.with_grading(entry, version.spec.problems[number - 1].grading)


def key_json(version: Version, entries: list[dict]) -> dict:
    """The machine key: the problems' entries (key_entry) under the exam's id, seed and bank.

    A class version's key also holds the student (name, id, email, section, LMS ids).
    """
    from .bank import bank_version

    who = version.student.as_json() if version.student else {"student": None}
    return {"exam": version.exam_id, "seed": version.seed, "bank": bank_version(),
            "title": version.spec.title, **who, "folder": version.folder,
            "points": sum(e["points"] for e in entries), "problems": entries}

# YAML reads these as line breaks or refuses them; everything else is written as itself (UTF-8).
_YAML_BREAKS = "\r\n\x85\u2028\u2029"

def _yaml_unsafe(c: str) -> bool:
    o = ord(c)
    return o < 0x20 or 0x7F <= o <= 0x9F or 0xD800 <= o <= 0xDFFF or o in (0xFFFE, 0xFFFF) or c in _YAML_BREAKS

def yaml_quoted(text: str) -> str:
    """A YAML double-quoted scalar, raw UTF-8 except for what YAML cannot hold as itself."""
    out = []
    for c in text:
        if c in "\"\\":
            out.append("\\" + c)
        elif _yaml_unsafe(c):
            out.append(f"\\u{ord(c):04x}" if ord(c) <= 0xFFFF else f"\\U{ord(c):08x}")
        else:
            out.append(c)
    return '"' + "".join(out) + '"'

def answer_sheet(version: Version, items: list[dict], shapes: dict | None = None) -> str:
    """The blank answers.yaml a student fills in (the grader reads exactly this format)."""
    from .compare import SIGN_RULE, TOLERANCE_RULE

    q = yaml_quoted
    c = one_line    # text in a comment stays on its line: a title cannot add keys to the sheet
    student = version.student.name if version.student else ""
    lines = [
        f"# Answer sheet for {c(version.spec.title)}, version {c(version.exam_id)}.",
        "# Replace each ~ with your answer; leave ~ for a part you skip.",
        "# Numbers: 3/4, -1/2, ln(2) or ln 2, e^(-1), sqrt(2)/2 or √2/2, 1 - 1/e (ln is the natural log).",
        *_comment_lines(f"A decimal counts when it is {TOLERANCE_RULE}. {SIGN_RULE}"),
        "# Vectors: [1, 1/2, -3] (or as a column). Matrices by rows: [[1, 2], [3, 4]].",
        "# Arrays with channels: one matrix per channel (c0, c1, ...), as the exam prints them.",
        "# Expressions: h*(1 - h), 2σ(2ξ) - 1, x^2 (quote them if you like: 'h*(1 - h)').",
        "# Do not change the exam line or the part names.",
        f"exam: {q(version.exam_id)}",
        f"student: {q(student)}",
        "answers:",
    ]
    if shapes is None:   # {number: {part: shape}}
        shapes = {n: inst.shapes() for n, _, inst in version.problems}
    for item in items:
        lines.append(f"  {item['number']}:  # {c(item['title'])} ({item['points_shown']} points)")
        width = max(len(p["name"]) for p in item["parts"])
        for p in item["parts"]:
            channels = _channels(shapes[item["number"]][p["name"]])
            if channels:
                lines.append(f"    {p['name'] + ':':<{width + 1}}    # {c(p['describe'])}")
                lines += [f"      {ch}: ~" for ch in channels]
            else:
                lines.append(f"    {p['name'] + ':':<{width + 1}} ~  # {c(p['describe'])}")
    return "\n".join(lines) + "\n"

@lru_cache(maxsize=64)
def _comment_lines(text: str, width: int = 96) -> tuple[str, ...]:
    """`text` as comment lines (remembered: every sheet has the same rules, and textwrap is slow)."""
    import textwrap

    return tuple("# " + line for line in textwrap.wrap(text, width - 2))


def render_version(version: Version, formats: set[str], pieces: dict | None = None) -> dict[str, str]:
    """{file name: text} for one version; formats ⊆ {md, tex} (PDF is compiled from tex).
    `pieces`: {number: problem_piece} of problems built elsewhere (not in version.problems)."""
    given = pieces or {}
    pieces = {**version_pieces(version, "tex" in formats, skip=given), **given}
    ordered = [pieces[n] for n in sorted(pieces)]
    items = [p["item"] for p in ordered]
    env = environment()
    ctx = doc_context(version, items)
    out = {}
    if "md" in formats:
        out["exam.md"] = render.fill(env.get_template("exam.md.j2"), ctx)
        out["key.md"] = render.fill(env.get_template("key.md.j2"), ctx)
    if "tex" in formats:
        out["exam.tex"] = render.fill(env.get_template("exam.tex.j2"), {"docs": [ctx]})
        out["key.tex"] = render.fill(env.get_template("key.tex.j2"), {"docs": [ctx]})
    out["key.json"] = keys.dumps(key_json(version, [p["entry"] for p in ordered]))
    out["answers.yaml"] = answer_sheet(version, items, {n: p["shapes"] for n, p in pieces.items()})
    return out


def version_pieces(version: Version, with_tex: bool, skip=()) -> dict[int, dict]:
    """{number: problem_piece} of the problems the version holds (but those numbered in `skip`)."""
    return {n: problem_piece(version, n, points, inst, with_tex) for n, points, inst in version.problems
            if n not in skip}


def worksheet(instances_by_problem, title: str, solutions: str, fmt: str, about: str = "") -> str:
    """A worksheet: N instances of each problem, solutions none/end/inline, as md or tex;
    `about` (e.g. "Seed 0, exam profile") says how to make it again, under the title and in the header."""
    groups = []
    number = 0
    for problem, instances in instances_by_problem:
        entries = []
        for inst in instances:
            number += 1
            e = {"number": number, "seed": inst.seed, "prompt": render.prompt(inst),
                 "solution": render.solution(inst), "answers": render.answers_table(inst)}
            entries.append(with_latex(e) if fmt == "tex" else e)
        groups.append({"id": problem.id, "title": problem.title, "entries": entries})
    name = "worksheet.md.j2" if fmt == "md" else "worksheet.tex.j2"
    return environment().get_template(name).render(title=title, groups=groups, solutions=solutions, about=about)

