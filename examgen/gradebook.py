"""What the grader writes: terminal text, a Markdown report per student, the class gradebook CSV."""
from __future__ import annotations

import csv
import io
import os
import re
import tempfile
from pathlib import Path

MARK = {"correct": "✓", "within tolerance": "≈", "carried": "↪", "wrong": "✗", "blank": "–", "unreadable": "?"}


def _pts(x) -> str:
    return "" if x is None else f"{x:g}"


def _expected(part) -> str:
    return part["expected"] + (f" ≈ {part['expected_decimal']}" if part["expected_decimal"] else "")


def text(result: dict) -> str:
    """The terminal summary of one graded file: per problem and part, verdict, values, points, feedback."""
    head = f"{result['file']}: {result['student']}"
    if result["status"] != "graded":
        return f"{head}: NOT GRADED: {result['error']}\n"
    lines = [f"{head}, exam {result['exam']}: {_pts(result['score'])} / {_pts(result['max'])} points"]
    for note in result["notes"]:
        lines.append(f"  note: {note}")
    for prob in result["problems"]:
        lines.append(f"  {prob['number']}. {prob['title']} ({prob['id']}): {_pts(prob['score'])} / {_pts(prob['max'])}")
        for part in prob["parts"]:
            lines.append(f"     {MARK[part['verdict']]} {part['part']}: {part['verdict']}, "
                         f"{_pts(part['points'])}/{_pts(part['max'])}; expected {_expected(part)}; "
                         f"given {part['given'] or '(blank)'}")
            if part["feedback"] and part["verdict"] != "blank":
                lines.append(f"         {part['feedback']}")
    return "\n".join(lines) + "\n"


def report(result: dict) -> str:
    """A Markdown report for the student: what was expected, what they gave, what went wrong."""
    out = [f"# Graded: {result['student']}", ""]
    if result["status"] != "graded":
        return "\n".join(out + [f"Your file `{Path(result['file']).name}` could not be graded: {result['error']}", ""])
    out += [f"Exam version `{result['exam']}` · **{_pts(result['score'])} / {_pts(result['max'])} points**", ""]
    out += [f"> Note: {n}" for n in result["notes"]] + ([""] if result["notes"] else [])
    for prob in result["problems"]:
        out += [f"## Problem {prob['number']}: {prob['title']} ({_pts(prob['score'])} / {_pts(prob['max'])})", "",
                "| part | verdict | expected | you gave | points |", "|---|---|---|---|---|"]
        for part in prob["parts"]:
            out.append(f"| `{part['part']}` | {MARK[part['verdict']]} {part['verdict']} | `{_cell(_expected(part))}` | "
                       f"`{_cell(part['given']) or ' '}` | {_pts(part['points'])} / {_pts(part['max'])} |")
        out.append("")
        for part in prob["parts"]:
            if part["verdict"] in ("wrong", "unreadable"):
                why = part["feedback"] or "not the expected value"
                named = " (a common mistake)" if part["mistake"] else ""
                out += [f"- **`{part['part']}`**{named}: {why}", f"  The answer is `{_cell(_expected(part))}`."]
            elif part["verdict"] == "carried":
                out.append(f"- **`{part['part']}`**: {part['feedback']}: worked right from your own earlier "
                           f"answer ({_pts(part['points'])} of {_pts(part['max'])} points).")
            elif part["verdict"] == "within tolerance":
                out.append(f"- **`{part['part']}`**: accepted as a decimal; the exact value is `{_cell(part['expected'])}`.")
        out.append("")
        if prob.get("solution") and prob["score"] < prob["max"]:
            out += ["### Worked solution", "", prob["solution"].strip(), ""]
    return "\n".join(out).rstrip() + "\n"


def _cell(s: str) -> str:
    return s.replace("|", "\\|").replace("`", "'").replace("\n", " ")


def write_reports(results: list[dict], folder) -> list[Path]:
    """One report per graded file in `folder`, named after the student (made unique)."""
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    written, used = [], set()
    for r in results:
        stem = re.sub(r"[^A-Za-z0-9_.-]+", "_", str(r["student"])).strip("._") or "student"
        name, i = stem, 2
        while name.lower() in used:
            name, i = f"{stem}-{i}", i + 1
        used.add(name.lower())
        path = folder / f"{name}.md"
        _write_atomic(path, report(r))
        written.append(path)
    return written


def gradebook_csv(results: list[dict]) -> str:
    """CSV text: one row per file (student, exam, file, points per problem, total, max, status, error)."""
    numbers = sorted({p["number"] for r in results for p in r["problems"]})
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\r\n")
    w.writerow(["student", "exam", "file"] + [f"P{n}" for n in numbers] + ["total", "max", "status", "error"])
    for r in results:
        scores = {p["number"]: p["score"] for p in r["problems"]}
        w.writerow([_safe(r["student"]), _safe(r["exam"] or ""), _safe(r["file"])]
                   + [_pts(scores.get(n)) for n in numbers]
                   + [_pts(r["score"]), _pts(r["max"]), r["status"], _safe(r["error"] or "")])
    return buf.getvalue()


def _safe(s: str) -> str:
    """A cell a spreadsheet will not run as a formula (names come from students' files)."""
    s = str(s)
    return "'" + s if s[:1] in ("=", "+", "-", "@", "\t", "\r") else s


def write_gradebook(results: list[dict], path) -> Path:
    path = Path(path)
    _write_atomic(path, gradebook_csv(results), newline="")
    return path


def _write_atomic(path: Path, content: str, newline=None):
    """Write a temporary file beside `path`, then os.replace it: readers never see half a file."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline=newline) as f:
            f.write(content)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
