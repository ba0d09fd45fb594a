"""What the grader writes: terminal text, a Markdown report per student, the class gradebook CSV."""
from __future__ import annotations

import csv
import io
import re
from pathlib import Path

from .grade import BLANK_SHEET, DROPPED, FULL_MARKS, NO_EXAM_LINE, OTHER_NAME, add_note
from .safeio import markdown_text, overwritten, shown, write_text

MARK = {"correct": "✓", "within tolerance": "≈", "carried": "↪", "wrong": "✗", "blank": "–", "unreadable": "?"}


def _pts(x) -> str:
    return "" if x is None else f"{x:g}"


def _expected(part) -> str:
    return part["expected"] + (f" ≈ {part['expected_decimal']}" if part["expected_decimal"] else "")


def _settled(prob: dict) -> str:
    """What a problem settled after the exam says beside its score (nothing for the others)."""
    if prob.get("settled") == DROPPED:
        return "dropped: not counted in the total"
    if prob.get("settled") == FULL_MARKS:
        return f"full marks for everyone; your answers earned {_pts(prob['earned'])}"
    return ""


def _score(prob: dict) -> str:
    """A problem's score as shown: "3 / 6", "dropped: …" or "6 / 6, full marks for everyone (…)"."""
    settled = _settled(prob)
    if prob.get("settled") == DROPPED:
        return settled
    return f"{_pts(prob['score'])} / {_pts(prob['max'])}" + (f", {settled}" if settled else "")


def text(result: dict) -> str:
    """The terminal summary of one graded file: per problem and part, verdict, values, points, feedback."""
    head = f"{result['file']}: {result['student']}"
    if result["status"] != "graded":
        return shown(f"{head}: NOT GRADED: {result['error']}") + "\n"
    lines = [f"{head}, exam {result['exam']}: {_pts(result['score'])} / {_pts(result['max'])} points"]
    for note in result["notes"]:
        lines.append(f"  note: {note}")
    for prob in result["problems"]:
        lines.append(f"  {prob['number']}. {prob['title']} ({prob['id']}): {_score(prob)}")
        for part in prob["parts"]:
            lines.append(f"     {MARK[part['verdict']]} {part['part']}: {part['verdict']}, "
                         f"{_pts(part['points'])}/{_pts(part['max'])}; expected {_expected(part)}; "
                         f"given {part['given'] or '(blank)'}")
            if part["feedback"] and part["verdict"] != "blank" and part["feedback"] != f"expected {_expected(part)}":
                lines.append(f"         {part['feedback']}")   # (a bare "expected …" is on the line above)
    # Everything shown comes from files (names, answers, paths): no control character reaches the terminal.
    return "\n".join(map(shown, lines)) + "\n"


def report(result: dict) -> str:
    """A Markdown report for the student: what was expected, what they gave, what went wrong."""
    md = markdown_text  # student text in prose: no raw HTML, links or control characters
    out = [f"{REPORT_HEAD}{md(result['student'])}", ""]
    if result["status"] != "graded":
        return "\n".join(out + [f"Your file `{_cell(Path(result['file']).name)}` could not be graded: "
                                 f"{md(result['error'])}", ""])
    out += [f"Exam version `{_cell(result['exam'])}` · **{_pts(result['score'])} / {_pts(result['max'])} points**", ""]
    out += [f"> Note: {md(n)}" for n in result["notes"]] + ([""] if result["notes"] else [])
    for prob in result["problems"]:
        out += [f"## Problem {prob['number']}: {md(prob['title'])} ({_score(prob)})", "",
                "| part | verdict | expected | you gave | points |", "|---|---|---|---|---|"]
        for part in prob["parts"]:
            out.append(f"| `{_cell(part['part'])}` | {MARK[part['verdict']]} {part['verdict']} | `{_cell(_expected(part))}` | "
                       f"`{_cell(part['given']) or ' '}` | {_pts(part['points'])} / {_pts(part['max'])} |")
        out.append("")
        for part in prob["parts"]:
            if part["verdict"] in ("wrong", "unreadable"):
                why = part["feedback"]
                if not why or why == f"expected {_expected(part)}":   # (the grader's plain "expected 3/2")
                    why = "not the expected value."     # the next line gives the value, once
                named = " (a common mistake)" if part["mistake"] else ""
                out += [f"- **`{_cell(part['part'])}`**{named}: {md(why)}", f"  The answer is `{_cell(_expected(part))}`."]
            elif part["verdict"] == "carried":
                out.append(f"- **`{_cell(part['part'])}`**: {md(part['feedback'])}: worked right from your own earlier "
                           f"answer ({_pts(part['points'])} of {_pts(part['max'])} points).")
            elif part["verdict"] == "within tolerance":
                out.append(f"- **`{_cell(part['part'])}`**: accepted as a decimal; "
                           f"the exact value is `{_cell(part['expected'])}`.")
        out.append("")
        if prob.get("solution") and (prob["score"] < prob["max"] or prob.get("settled")):
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
    from .roster import folder_name  # (imported only where a class or its reports need it)

    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    written, used = [], set()
    # the file that counts takes the student's plain report name, a second submission (or the blank
    # sheet left beside a filled-in one) the -2
    for r in sorted(results, key=lambda r: (NOT_COUNTED in r.get("notes_by_kind", ()), blank_sheet(r))):
        stem = folder_name(str(r["student"]))   # (cut to its length before the id: a long name kept it off)
        if r.get("student_id"):
            stem = f"{stem}-{folder_name(r['student_id'], 40)}"
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


# --- the class gradebook ---------------------------------------------------------------------------
GRADED, NOT_SUBMITTED, FAILED = "graded", "not submitted", "could not be graded"
FORMATS = ("csv", "canvas", "moodle")
# Kinds of the notes the gradebook makes (see grade.add_note), and which it acts on.
OTHER_FOLDER = "other folder"          # a file in one student's folder with another's version
SUBMITTED_TWICE = "submitted twice"    # (a row's) more than one file for the version
NOT_COUNTED = "not counted"            # (a file's) another file counts for its version
HANDED_IN_OTHER = "handed in another's version"   # (a row's) its student handed in another's version
HANDED_IN_BY_OTHER = "version handed in by another"   # (a row's) another student handed in this version
NOT_SURELY_THEIRS = frozenset({OTHER_NAME, OTHER_FOLDER})         # a file less surely its student's
ROW_KINDS = frozenset({NO_EXAM_LINE, OTHER_NAME, OTHER_FOLDER})   # a counted file's notes its row repeats


def class_rows(key, results: list[dict]) -> list[dict]:
    """One row per student (version) of the key, in key order, plus one per file tied to none.

    A class key's student comes from the version; two submissions for one student's version are
    flagged (the one whose typed name and folder match is counted), while a version made without a
    roster (`--versions`) may be handed to several students: each of its files is a row; a file that could not be graded
    counts for the version whose folder holds it. A blank sheet is no submission: its version's
    row says "not submitted" with its note, unless another file counts. A practice key (no
    students) gives one row per file.
    """
    versions = list(key.versions.values())
    if not key.index and not versions[0].student:
        return [_row(None, [r], None if blank_sheet(r) else r) for r in results]
    from .roster import same_name

    graded, blank, failed, loose = {}, {}, {}, []
    folders = {v.who.get("folder"): v.exam for v in versions if v.who.get("folder")}
    by_exam = {v.exam: v for v in versions}
    for r in results:
        if r["status"] == GRADED:
            (blank if blank_sheet(r) else graded).setdefault(r["exam"], []).append(r)
        elif r["exam"] in by_exam or Path(r["file"]).parent.name in folders:
            # the version of the student whose folder holds it, else the one its own exam line names
            # (grade._stated_version: an LMS's folders are not generate's)
            exam = folders.get(Path(r["file"]).parent.name) or r["exam"]
            failed.setdefault(exam, []).append(r)
            # the folder's student (the terminal, the report's name and heading say so)
            r.update(student=by_exam[exam].student or r["student"], student_id=by_exam[exam].who.get("student_id", ""))
        else:
            loose.append(r)
    names = {v.who.get("folder"): v.student for v in versions}
    handed_in: dict = {}   # exam of the folder's student -> files of other versions they handed in
    for r in (r for rs in graded.values() for r in rs):
        folder = Path(r["file"]).parent.name
        if folder in folders and folders[folder] != r["exam"]:
            add_note(r, OTHER_FOLDER, f"found in the folder of {names[folder]}, but it is the exam of another student")
            owner = by_exam[folders[folder]]
            if owner.student and r.get("typed_student") and same_name(r["typed_student"], owner.student):
                # its folder and its typed name both say it is the folder's student's: the report goes to them
                handed_in.setdefault(owner.exam, []).append(r)
                r.update(student=owner.student, student_id=owner.who.get("student_id", ""))
                add_note(r, NOT_COUNTED, f"this is the version made for {by_exam[r['exam']].student}: it is counted "
                                         "for neither of you until your instructor has checked it")
    foreign = {id(r) for rs in handed_in.values() for r in rs}
    rows = []
    for v in versions:
        subs = [r for r in graded.get(v.exam, []) if id(r) not in foreign]
        if not v.student and len(subs) > 1:   # (--versions without a roster: one version, several students)
            rows += [_row(v, [r], r) for r in subs] + [_row(v, [r], None) for r in failed.get(v.exam, [])]
        elif subs:
            rows.append(_row(v, subs + failed.get(v.exam, []), _counted(v, subs)))
        else:   # a file that could not be graded says more than a blank sheet
            rows.append(_row(v, failed.get(v.exam, []) or blank.get(v.exam, []), None))
    # A file in one student's folder, with their name typed, but another student's version: whose
    # work it is, and for whom it counts, a person decides (it may have been copied): neither row
    # counts it, and both say so.
    row_of = {r["exam"]: r for r in rows if r["exam"]}
    for exam, files in handed_in.items():
        for r in files:
            where = f"{r['file']} ({r['score']:g} / {r['max']:g} points)"
            add_note(row_of[exam], HANDED_IN_OTHER, f"handed in {by_exam[r['exam']].student}'s version {r['exam']}: "
                                                    f"{where}; not counted, check it")
            add_note(row_of[r["exam"]], HANDED_IN_BY_OTHER, f"{by_exam[exam].student} handed in this version: {where}; "
                                                             "that file is not counted, check it")
    return rows + [_row(None, [r], r) for r in loose]


def blank_sheet(r: dict) -> bool:
    """A result (or a gradebook row) of a sheet with no answer at all: no submission."""
    return BLANK_SHEET in r.get("notes_by_kind", ())


def _counted(v, subs: list[dict]) -> dict:
    """Of several submissions for one version, the one that is most surely the student's."""
    def score(r):
        in_folder = Path(r["file"]).parent.name == v.who.get("folder")
        named = NOT_SURELY_THEIRS.isdisjoint(r["notes_by_kind"])
        sheet = Path(r["file"]).name.split(".")[0] == "answers"   # the sheet generate wrote, not a copy
        return (not (named and in_folder), not named, not in_folder, not sheet)
    return min(subs, key=score)


def _row(v, files: list[dict], counted: dict | None) -> dict:
    who = v.who if v else {}
    row = {"student_id": who.get("student_id", ""), "student": v.student if v and v.student else "",
           "email": who.get("email", ""), "section": who.get("section", ""), "lms": who.get("lms", {}),
           "exam": v.exam if v else (counted or files[0])["exam"] or "",
           "scores": {}, "total": None, "max": v.points if v else None, "status": NOT_SUBMITTED,
           "file": "", "notes": [], "notes_by_kind": {}}
    if counted is not None and counted["status"] == GRADED:
        row.update(status=GRADED, total=counted["score"], max=counted["max"], file=counted["file"],
                   scores={p["number"]: DROPPED if p.get("settled") == DROPPED else p["score"]
                           for p in counted["problems"]})
        row["student"] = row["student"] or counted["student"]
        row["notes"] += [n for kind, n in counted["notes_by_kind"].items() if kind in ROW_KINDS]
    elif files:   # nothing counted: a file that could not be graded, or a blank sheet
        first = files[0]
        row.update(file=first["file"], student=row["student"] or first["student"])
        if blank_sheet(first):
            row["max"] = first["max"]
            add_note(row, BLANK_SHEET, first["notes_by_kind"][BLANK_SHEET])
        else:
            row["status"] = FAILED
            row["notes"].append(first["error"] or "")
    if counted is not None and len(files) > 1:
        add_note(row, SUBMITTED_TWICE, f"{len(files)} submissions for this version "
                                       f"({', '.join(r['file'] for r in files)}); counted {counted['file']}")
        for r in files:   # (its report says so: it is not the grade)
            if r is not counted and NOT_COUNTED not in r["notes_by_kind"]:
                add_note(r, NOT_COUNTED, f"not counted: the gradebook counts {counted['file']} for this version")
    return row


def duplicates(rows: list[dict]) -> list[str]:
    """One line per version that got more than one submission."""
    return [f"{r['student'] or r['exam']}: {r['notes_by_kind'][SUBMITTED_TWICE]}"
            for r in rows if SUBMITTED_TWICE in r["notes_by_kind"]]


def gradebook_csv(rows: list[dict], numbers: list[int], title: str = "Exam", fmt: str = "csv") -> str:
    """The gradebook as CSV text (UTF-8 with a BOM, so Excel keeps the accents): csv, canvas or moodle."""
    buf = io.StringIO()
    buf.write("\ufeff")
    left_out = {id(r) for r in unmatched(rows, fmt)}
    w = csv.writer(buf, lineterminator="\r\n")
    if fmt == "canvas":
        # Canvas's gradebook import: these five columns, then one column per assignment and a
        # "Points Possible" row; a student is matched by ID, SIS User ID or SIS Login ID.
        w.writerow(["Student", "ID", "SIS User ID", "SIS Login ID", "Section", _safe(title)])
        maxima = {r["max"] for r in rows if r["max"] is not None}
        w.writerow(["Points Possible", "", "", "", "", _pts(max(maxima)) if maxima else ""])
        for r in rows:
            if id(r) in left_out:
                continue  # no id: nothing Canvas could match (the command warns)
            lms = r["lms"]
            w.writerow([_safe(r["student"]), _safe(lms.get("ID", "")),
                        _safe(lms.get("SIS User ID", "" if lms else r["student_id"])),
                        _safe(lms.get("SIS Login ID", "")), _safe(r["section"]), _pts(r["total"])])
    elif fmt == "moodle":
        # Moodle's "Import grades from CSV": map "ID number" (or "Email address") to the user,
        # the other columns to grade items.
        w.writerow(["ID number", "Email address", "Full name", _safe(title)]
                   + [_safe(f"{title}: P{n}") for n in numbers])
        for r in rows:
            if id(r) in left_out:
                continue  # no id or email (the command warns)
            w.writerow([_safe(r["lms"].get("ID number", r["student_id"])), _safe(r["email"]), _safe(r["student"]),
                        _pts(r["total"])] + [_grade_cell(r["scores"].get(n), "") for n in numbers])
    else:
        w.writerow(["id", "name", "email", "section", "exam"] + [f"P{n}" for n in numbers]
                   + ["total", "max", "status", "file", "notes"])
        for r in rows:
            w.writerow([_safe(r["student_id"]), _safe(r["student"]), _safe(r["email"]), _safe(r["section"]),
                        _safe(r["exam"])] + [_grade_cell(r["scores"].get(n), DROPPED) for n in numbers]
                       + [_pts(r["total"]), _pts(r["max"]), r["status"], _safe(r["file"]),
                          _safe("; ".join(n for n in r["notes"] if n))])
    return buf.getvalue()


def _grade_cell(score, dropped: str) -> str:
    """A problem's cell: its points, or for a problem dropped after the exam `dropped` (csv: the
    word; Moodle: empty, which its import reads as no grade, not as 0)."""
    return dropped if score == DROPPED else _pts(score)


def unmatched(rows: list[dict], fmt: str) -> list[dict]:
    """The rows a gradebook format leaves out: Canvas matches a student by an id, Moodle by an
    id or an email; a row without one cannot be imported (the csv format keeps every row)."""
    if fmt == "canvas":
        return [r for r in rows if not r["student_id"] and not r["lms"]]
    if fmt == "moodle":
        return [r for r in rows if not r["student_id"] and not r["email"]]
    return []


def _safe(s: str) -> str:
    """A cell a spreadsheet will not run as a formula (names come from students' files)."""
    s = shown(s)
    return "'" + s if s[:1] in ("=", "+", "-", "@", "\t", "\r") else s


def _text(path: Path, size: int = 4096) -> str | None:
    """The start of the file that writing `path` would replace, as text (BOM dropped); None when
    nothing would be replaced (safeio.overwritten)."""
    got = overwritten(path, size)
    return None if got is None else got[0].decode("utf-8-sig", errors="replace")


def gradebook_refusal(path, numbers: list[int], title: str = "Exam", fmt: str = "csv",
                      exams: frozenset = frozenset()) -> str | None:
    """Why the gradebook must not be written to `path`, or None. A file there that is not this
    exam's gradebook in this format is the instructor's (a gradebook of another exam or kept by
    hand, the key, the roster): its header differs, or (csv) a row names a version that is not
    one of `exams`, the key's. examgen replaces only what it wrote for this key."""
    text = _text(Path(path), MAX_GRADEBOOK_BYTES)
    if text is None:
        return None
    ours = (text.splitlines() or [""])[0] == gradebook_csv([], numbers, title, fmt).lstrip("\ufeff").splitlines()[0]
    if ours and fmt == "csv":
        try:
            rows = list(csv.DictReader(io.StringIO(text)))
        except csv.Error:
            rows = [{"exam": None}]
        # (a file this key could not grade has a row of its own, with the exam it names)
        ours = all(r.get("exam") in exams or not r.get("exam") or r.get("status") == FAILED for r in rows)
    if ours:
        return None
    return (f"{path} exists and is not this exam's {fmt} gradebook; examgen replaces only a gradebook it "
            "wrote for this key: give a new file name")


MAX_GRADEBOOK_BYTES = 20_000_000   # a class's gradebook is a few kB; a larger file is not read past this


REPORT_HEAD = "# Graded: "   # the first line of every report (see report())


def report_refusal(folder, exams: frozenset = frozenset()) -> str | None:
    """Why reports must not be written into `folder`, or None: a Markdown file there that is not a
    report examgen wrote for this key (its first line, its version: one of `exams`) is the
    instructor's, or another exam's, and a report could take its name."""
    folder = Path(folder)
    if not folder.is_dir():
        return None
    texts = {p: _text(p) for p in sorted(folder.glob("*.md")) if p.is_file()}   # each file read once
    theirs = [p for p, text in texts.items() if not _report_of(text, exams)]
    if not theirs:
        return None
    # another exam's reports (a practice exam graded before into the same folder) are named so
    other = [p for p in theirs if texts[p].startswith(REPORT_HEAD)]
    files, what = ((other, "examgen reports of another exam") if len(other) == len(theirs)
                   else ([p for p in theirs if p not in other], "Markdown files that are not examgen reports"))
    names = [p.name for p in files]
    return (f"{folder} holds {what} ({', '.join(names[:3])}{', …' if len(names) > 3 else ''}); "
            "give an empty or new folder for the reports")


_REPORT_VERSION = re.compile(r"^Exam version `([^`]*)`", re.M)


def _report_of(text: str | None, exams: frozenset) -> bool:
    """Free to write over: a file whose start (`_text`) is a report examgen wrote for one of `exams`
    (a file it could not grade names no version), or nothing that writing would replace (None)."""
    if text is None:
        return True
    m = _REPORT_VERSION.search(text)
    return text.startswith(REPORT_HEAD) and (m is None or m.group(1) in exams)


def write_gradebook(rows: list[dict], numbers: list[int], path, title: str = "Exam", fmt: str = "csv") -> Path:
    """The CSV through the atomic writer (an existing gradebook keeps its mode)."""
    return write_text(Path(path), gradebook_csv(rows, numbers, title, fmt))
