"""What the grader writes: terminal text, a Markdown report per student, the class gradebook CSV."""
from __future__ import annotations

import csv
import io
import re
from pathlib import Path

from .safeio import markdown_text, shown, write_text

MARK = {"correct": "✓", "within tolerance": "≈", "carried": "↪", "wrong": "✗", "blank": "–", "unreadable": "?"}


def _pts(x) -> str:
    return "" if x is None else f"{x:g}"


def _expected(part) -> str:
    return part["expected"] + (f" ≈ {part['expected_decimal']}" if part["expected_decimal"] else "")


def text(result: dict) -> str:
    """The terminal summary of one graded file: per problem and part, verdict, values, points, feedback."""
    head = f"{result['file']}: {result['student']}"
    if result["status"] != "graded":
        return shown(f"{head}: NOT GRADED: {result['error']}") + "\n"
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
    # Everything shown comes from files (names, answers, paths): no control character reaches the terminal.
    return "\n".join(map(shown, lines)) + "\n"


def report(result: dict) -> str:
    """A Markdown report for the student: what was expected, what they gave, what went wrong."""
    md = markdown_text  # student text in prose: no raw HTML, links or control characters
    out = [f"# Graded: {md(result['student'])}", ""]
    if result["status"] != "graded":
        return "\n".join(out + [f"Your file `{_cell(Path(result['file']).name)}` could not be graded: "
                                 f"{md(result['error'])}", ""])
    out += [f"Exam version `{_cell(result['exam'])}` · **{_pts(result['score'])} / {_pts(result['max'])} points**", ""]
    out += [f"> Note: {md(n)}" for n in result["notes"]] + ([""] if result["notes"] else [])
    for prob in result["problems"]:
        out += [f"## Problem {prob['number']}: {md(prob['title'])} ({_pts(prob['score'])} / {_pts(prob['max'])})", "",
                "| part | verdict | expected | you gave | points |", "|---|---|---|---|---|"]
        for part in prob["parts"]:
            out.append(f"| `{_cell(part['part'])}` | {MARK[part['verdict']]} {part['verdict']} | `{_cell(_expected(part))}` | "
                       f"`{_cell(part['given']) or ' '}` | {_pts(part['points'])} / {_pts(part['max'])} |")
        out.append("")
        for part in prob["parts"]:
            if part["verdict"] in ("wrong", "unreadable"):
                why = part["feedback"] or "not the expected value"
                named = " (a common mistake)" if part["mistake"] else ""
                out += [f"- **`{_cell(part['part'])}`**{named}: {md(why)}", f"  The answer is `{_cell(_expected(part))}`."]
            elif part["verdict"] == "carried":
                out.append(f"- **`{_cell(part['part'])}`**: {md(part['feedback'])}: worked right from your own earlier "
                           f"answer ({_pts(part['points'])} of {_pts(part['max'])} points).")
            elif part["verdict"] == "within tolerance":
                out.append(f"- **`{_cell(part['part'])}`**: accepted as a decimal; the exact value is `{_cell(part['expected'])}`.")
        out.append("")
        if prob.get("solution") and prob["score"] < prob["max"]:
            out += ["### Worked solution", "", prob["solution"].strip(), ""]
    return "\n".join(out).rstrip() + "\n"


def _cell(s: str) -> str:
    """Text inside a code span of a table cell (a code span shows HTML as text)."""
    return shown(s).replace("|", "\\|").replace("`", "'")


MAX_REPORT_STEM = 100  # characters of a report's file name (file systems allow 255 bytes)


def write_reports(results: list[dict], folder, failed: list | None = None) -> list[Path]:
    """One report per graded file in `folder`, named after the student (made unique).

    A report that cannot be written is listed in `failed` as (name, reason); the others are written.
    """
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    written, used = [], set()
    for r in results:
        stem = re.sub(r"[^A-Za-z0-9_.-]+", "_", str(r["student"])).strip("._")[:MAX_REPORT_STEM] or "student"
        name, i = stem, 2
        while name.lower() in used:
            name, i = f"{stem}-{i}", i + 1
        used.add(name.lower())
        path = folder / f"{name}.md"
        try:
            write_text(path, report(r))
        except OSError as e:
            if failed is None:
                raise
            failed.append((str(path), e.strerror or str(e)))
            continue
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
    s = shown(s)
    return "'" + s if s[:1] in ("=", "+", "-", "@", "\t", "\r") else s


def write_gradebook(results: list[dict], path) -> Path:
    """The CSV through the atomic writer (an existing gradebook keeps its mode)."""
    return write_text(Path(path), gradebook_csv(results))
