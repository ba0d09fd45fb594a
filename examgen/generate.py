"""`examgen generate`: write one exam (or many versions) with keys and answer sheets."""
from __future__ import annotations

import json
import os
import re
from pathlib import Path
from typing import NamedTuple

from . import pdf, second_core
from .errors import ExamgenError
from .exam import Spec, build_version, fresh_base_seed, student_seeds, version_seeds
from .roster import Student, folders, read_roster
from .safeio import write_atomic

FORMATS = ("md", "tex", "pdf")
EXPORTS = ("moodle", "qti")  # every version of every problem, for a learning-management system
PARALLEL_FROM = 16  # versions; below this, one process is faster than starting a pool
# Versions a pool's worker takes at a time: few, so that the workers finish together (a version
# is some 20 ms), yet enough that passing jobs and results costs next to nothing.
CHUNK = 4


def parse_formats(text: str | None) -> tuple[set[str], str | None]:
    """Formats to write and, when PDF was wanted by default but no TeX is found, a note."""
    if text is None:
        if pdf.available():
            return set(FORMATS), None
        return {"md", "tex"}, "no TeX engine found: wrote md and tex only (install TeX Live for PDF)"
    wanted = {f.strip().lower() for f in text.split(",") if f.strip()}
    bad = wanted - set(FORMATS) - set(EXPORTS)
    if bad or not wanted:
        raise ExamgenError(f"--format takes a comma-separated list of {', '.join(FORMATS + EXPORTS)}; got {text!r}")
    if "pdf" in wanted and not pdf.available():
        raise ExamgenError(pdf.NO_TEX)
    return wanted, None


def check_output_dir(out: Path, force: bool, base: int | None = None, secret: bool = False) -> None:
    """Create `out`; refuse, unless forced, to overwrite a filled-in answer sheet, or the key of a
    class made from another base seed (`base`; `secret`: this run makes a class too)."""
    try:
        out.mkdir(parents=True, exist_ok=True)
    except OSError as e:
        raise ExamgenError(f"cannot create output folder {out}: {e.strerror}") from None
    if not os.access(out, os.W_OK):
        raise ExamgenError(f"output folder {out} is not writable")
    if force:
        return
    other = _other_class(out / "key.json", base if secret else None)
    if other:
        raise ExamgenError(f"{out / 'key.json'} is the key of {other}; replaced, its exams could no longer be "
                           "graded: choose another --out, pass that class's --seed (its base_seed in key.json) to "
                           "make it again, or --force to replace it")
    for sheet in [out / "answers.yaml", *out.glob("*/answers.yaml")]:
        # (a class's sheets name their student: generate wrote that, the answers are the student's)
        if sheet.is_file() and is_filled_in(sheet, name_counts=sheet.parent == out):
            raise ExamgenError(f"{sheet} holds a filled-in answer sheet; choose another --out "
                               "or pass --force to overwrite it")


def _other_class(key: Path, base: int | None) -> str | None:
    """What the class key at `key` is, when it is one and was made from another base seed than
    `base` (None: this run makes no class): its secret seed is in that file alone."""
    from . import key as keyfmt
    from . import safeio

    if not key.is_file():
        return None
    if base is not None and _index_base_seed(key) == base:
        return None        # this class made again: its key index need not be parsed (30 MB at 1,000 versions)
    try:
        data = safeio.parse_json(safeio.read_text(key, keyfmt.MAX_KEY_BYTES, "key.json"), 64)
    except ExamgenError:
        return None        # not a key examgen can read: nothing of a class to lose
    if not isinstance(data, dict) or not data.get("index") or data.get("base_seed") == base:
        return None
    versions = data.get("versions")
    return f"a class of {len(versions) if isinstance(versions, list) else 'several'} versions"


# The head of a class's key index as index_text writes it (key.dumps' layout, the base seed before
# the versions); a key laid out otherwise is parsed whole.
_INDEX_HEAD = re.compile(r'\{\n "index": true,\n "bank": "[^"\\\n]*",\n "title": "(?:[^"\\\n]|\\.)*",\n'
                         r' "base_seed": (\d{1,20}),\n "versions": \[')
INDEX_HEAD_BYTES = 64 * 1024   # a title's 2,000 characters, each escaped as \uXXXX at worst, and the rest


def _index_base_seed(key: Path) -> int | None:
    """The base seed in the head of the class key index at `key`, or None when its head is not
    index_text's."""
    try:
        with open(key, "rb") as f:
            head = f.read(INDEX_HEAD_BYTES).decode("utf-8", "replace")
    except OSError:
        return None
    m = _INDEX_HEAD.match(head)
    return int(m.group(1)) if m else None


def is_filled_in(sheet: Path, name_counts: bool = True) -> bool:
    """True when an answer sheet holds any answer, or (`name_counts`) names a student."""
    from . import answers, safeio, yamlio

    try:
        data = yamlio.parse_yaml(safeio.read_text(sheet, answers.MAX_BYTES, "answer sheet", by_hand=True), answers.MAX_FILE_DEPTH)
    except ExamgenError:  # unreadable: treat as precious rather than overwrite it
        return True
    if not isinstance(data, dict):
        return True
    return bool(name_counts and data.get("student")) or not _blank_answers(data.get("answers"))


def _blank_answers(answers) -> bool:
    if not isinstance(answers, dict):
        return answers in (None, "")
    return all(_blank_answers(v) if isinstance(v, dict) else v in (None, "") for v in answers.values())


class Written(NamedTuple):
    """What the command needs of a version once its files are written (a worker sends it back,
    so it holds only what this run uses: a class of 1,000 versions sends 1,000 of these)."""
    folder: str
    exam_id: str
    key_bytes: int              # the size of its key.json (check_index_size's estimate)
    entry: str | None           # (a class) its key as the class's key index holds it
    key: dict | None            # (PDF, exports) its key
    exam_tex: str | None        # (PDF)
    key_tex: str | None         # (PDF)
    prompts: list | None        # (exports) its problems' prompts


def _write_version(args, helper=None) -> Written:
    """Worker: build one version and write its files. `helper`: a second_core.Child building the
    symbolic problems meanwhile."""
    spec, seed, student, folder, out, formats, secret = args
    from .documents import render_version, version_pieces, with_latex

    documents = formats & {"md", "tex"} | ({"tex"} if "pdf" in formats else set())
    theirs = helper.numbers if helper else set()
    version = build_version(spec, seed, student, folder, secret,
                            numbers={n for n in range(1, len(spec.problems) + 1) if n not in theirs})
    pieces = version_pieces(version, "tex" in documents)
    if theirs:
        got = helper.pieces(spec, seed)
        if set(got) == theirs:
            if "tex" in documents:   # (the child sends Markdown only)
                for piece in got.values():
                    with_latex(piece["item"])
        else:   # the child failed: build them here
            got = version_pieces(build_version(spec, seed, student, folder, secret, numbers=theirs), "tex" in documents)
        pieces.update(got)
    files = render_version(version, documents, pieces)
    target = Path(out) / folder if folder else Path(out)
    target.mkdir(parents=True, exist_ok=True)
    for name, text in files.items():
        if name.endswith(".tex") and "tex" not in formats:
            continue
        write_atomic(target / name, text)
    key_text, pdf_wanted, exports = files["key.json"], "pdf" in formats, bool(formats & set(EXPORTS))
    return Written(folder, version.exam_id, len(key_text.encode()), index_entry(key_text) if secret else None,
                   json.loads(key_text) if pdf_wanted or exports else None,
                   files["exam.tex"] if pdf_wanted else None, files["key.tex"] if pdf_wanted else None,
                   [pieces[n]["item"]["prompt"] for n in sorted(pieces)] if exports else None)


# key.dumps writes a key's fields one a line and their values spread over lines; in a class's
# key index each version's key sits two levels deeper, where key.dumps writes each field's value
# on one line. JSON text has a line break only in its layout (a string's is escaped as \n), so
# the index's entry is the key's own text with its line breaks re-laid: no parsing and encoding
# again, which took the command a second of one core for 1,000 versions.
def index_entry(key_text: str) -> str:
    """A version's key.json text (key.dumps) as key.dumps writes that key inside the class's key
    index (index_text): the same text, its fields indented two levels deeper, their values on one
    line. Written line by line: a regex with a Python callback at each line break took twice as long."""
    lines = key_text[:-1].split("\n")   # (without its last line break)
    out = [lines[0]]
    for before, line in zip(lines, lines[1:]):
        text = line.lstrip(" ")
        indent = len(line) - len(text)
        if indent == 0:                                  # before the key's closing brace
            out.append("\n  ")
        elif indent == 1 and text[:1] not in "]}":     # between two of the key's fields
            out.append("\n   ")
        elif before[-1:] == ",":                        # within a field's value: ", " or none
            out.append(" ")
        out.append(text)
    return "".join(out)


def index_text(head: dict, entries: list[str]) -> str:
    """key.dumps of the class's key index, `head` with "versions": the keys whose index_entry
    texts are `entries`. The index's layout is key.dumps' own: two placeholder versions show
    where the list starts, what separates two of its items and where it ends."""
    from .key import dumps

    slot = "\x00version\x00"
    before, between, after = dumps({**head, "versions": [slot, slot]}).rsplit(json.dumps(slot, ensure_ascii=False), 2)
    return before + between.join(entries) + after


def generate(spec: Spec, out: str | Path, seed: int | None = None, formats: set[str] = frozenset({"md", "tex"}),
             versions: int | None = None, roster: str | Path | list[Student] | None = None, force: bool = False,
             progress=None, helper=None) -> dict:
    """Write the exam(s); returns a summary {versions: [(folder, exam_id)], out, warnings}
    (a roster file's notes, e.g. a repeated student listed once, come first among the warnings).
    `helper`: a second_core.Child started for this spec and seed (one exam only)."""
    out = Path(out)
    if versions and roster:
        raise ExamgenError("use --versions or --roster, not both")
    roster_notes: list = []
    students = read_roster(roster, roster_notes) if isinstance(roster, (str, Path)) else roster
    plan = class_plan(seed, versions, students)
    if plan is None:
        base = spec.seed if seed is None else seed
        plan, secret = [(base, None, "")], False
    else:
        base, plan, secret = *plan, True
    check_output_dir(out, force, base, secret)
    early: dict = {}
    if "pdf" in formats:   # the first time, pdflatex's preamble format is dumped while the exams are built
        from .documents import environment

        preamble = environment().get_template("exam.tex.j2").render(docs=[])
        pdf.warm_format(preamble)
        if not secret:     # one exam: its two pdflatex runs load the format while it is built
            early = pdf.start_early(preamble, ("exam", "key"))
    try:
        summary = _generate(spec, out, formats, plan, base, secret, progress, early, helper)
        summary["warnings"] = roster_notes + summary["warnings"]
        return summary
    finally:
        pdf.stop_early(early)
        if helper:
            helper.stop()


_job_common: tuple = ()   # (spec, out, formats, secret) of the pool's jobs, set in each worker


def _set_job_common(common: tuple) -> None:
    global _job_common
    _job_common = common


def _pool_job(job: tuple) -> Written:
    """A worker's job, (seed, student, folder): the rest, the same for every version, the worker
    got once (_set_job_common), not with each job."""
    spec, out, formats, secret = _job_common
    seed, student, folder = job
    return _write_version((spec, seed, student, folder, out, formats, secret))


def _generate(spec, out: Path, formats, plan, base, secret: bool, progress, early: dict, helper=None) -> dict:
    """generate's work once its plan is made."""
    common = (spec, str(out), set(formats), secret)
    (s, student, folder), rest = plan[0], plan[1:]
    # The first version is built here: it warms every cache the pool's forked workers inherit.
    results = [_write_version((spec, s, student, folder, *common[1:]), helper if len(plan) == 1 and not secret else None)]
    if progress:
        progress(1)
    if secret:
        check_index_size(results[0].key_bytes, len(plan), margin=1.05)
    workers = second_core.cores()
    if len(rest) >= PARALLEL_FROM and workers > 1:
        from concurrent.futures import ProcessPoolExecutor  # (multiprocessing: ~10 ms to import, for classes only)

        with ProcessPoolExecutor(max_workers=workers, initializer=_set_job_common, initargs=(common,)) as pool:
            for r in pool.map(_pool_job, rest, chunksize=CHUNK):
                results.append(r)
                if progress:
                    progress(1)
    else:
        for s, student, folder in rest:
            results.append(_write_version((spec, s, student, folder, *common[1:])))
            if progress:
                progress(1)
    if secret:
        from .bank import bank_version

        head = {"index": True, "bank": bank_version(), "title": spec.title, "base_seed": base}
        data = index_text(head, [r.entry for r in results]).encode()
        check_index_size(len(data), 1)  # the real size, as grade will read it
        write_atomic(out / "key.json", data)
    font_warnings = compile_pdfs(results, out, secret, early) if "pdf" in formats else []
    warnings = font_warnings + write_exports(results, out, formats, spec.title)
    return {"versions": [(r.folder, r.exam_id) for r in results], "out": str(out), "warnings": warnings}


def compile_pdfs(results, out: Path, secret: bool, early: dict | None = None) -> list[str]:
    """Each version's exam.pdf and key.pdf, and for a class exams.pdf and keys.pdf; returns one
    warning per student whose name (or any text) has characters no installed font can set.
    `early`: pdflatex runs already started (pdf.start_early)."""
    jobs, whose = [], {}
    for folder, exam_id, _, _, key, exam_tex, key_tex, _ in results:
        target = out / folder if folder else out
        jobs += [(exam_tex, target / "exam.pdf", "exam"), (key_tex, target / "key.pdf", "key")]
        who = key.get("student")
        whose[target / "exam.pdf"] = (f"{who} ({key.get('student_id')})" if key.get("student_id") else who) \
            if who else f"exam {exam_id}"
    if secret:
        jobs += [(_combined([r.exam_tex for r in results]), out / "exams.pdf", "exams"),
                 (_combined([r.key_tex for r in results]), out / "keys.pdf", "keys")]
    warnings = []
    for done in pdf.compile_many(jobs, early=early):
        if done.missing and done.path in whose:
            chars = ", ".join(f"{c} {pdf.placeholder(c)}" for c in done.missing[:6])
            warnings.append(f"{whose[done.path]}: no installed font (engine {done.engine}) can set {chars}; "
                            f"{done.path} shows it as its code point")
    return warnings


def write_exports(results, out: Path, formats, title: str) -> list[str]:
    """moodle.xml and qti.zip of every version, as asked; returns the warnings (each said once)."""
    if not set(formats) & set(EXPORTS):
        return []
    from . import lms

    warnings = lms.Warnings()
    slots = lms.questions([(r.folder, r.key, r.prompts) for r in results], warnings)
    if "moodle" in formats:
        write_atomic(out / "moodle.xml", lms.moodle_xml(slots, title))
    if "qti" in formats:
        write_atomic(out / "qti.zip", lms.qti_zip(slots, title))
    return warnings.lines()


def check_index_size(version_bytes: int, versions: int, margin: float = 1.0) -> None:
    """Refuse a class whose key index grade could not read (caps agree end to end): before the
    work, from the first version's size and a margin (versions differ a little), and at the end."""
    from .key import MAX_KEY_BYTES

    estimate = version_bytes * versions * margin
    if estimate > MAX_KEY_BYTES:
        most = max(1, int(MAX_KEY_BYTES / (version_bytes * margin)))
        raise ExamgenError(f"{versions} versions of this exam make a key of about {estimate / 1e6:.0f} MB, more than "
                           f"the {MAX_KEY_BYTES // 1_000_000} MB that grade reads: make at most {most} versions per "
                           "--out folder (split a larger class into several folders, each with its own key)")


def class_plan(seed: int | None, versions: int | None, students: list[Student] | None):
    """(base seed, [(version seed, student, folder)]) of a class, or None for one practice exam.

    Without --seed a class gets a fresh random base seed (recorded only in key.json).
    """
    if not versions and students is None:
        return None
    base = fresh_base_seed() if seed is None else seed
    if students is not None:
        return base, list(zip(student_seeds(base, students), students, folders(students)))
    width = len(str(versions))
    return base, [(s, None, f"v{k:0{width}d}") for k, s in enumerate(version_seeds(base, versions), 1)]


def _combined(texs: list[str]) -> str:
    """All versions' documents in one, re-using each one's body; each version starts on an odd
    page (a blank page before it when needed), so that a duplex printout can be split."""
    bodies = []
    preamble = None
    for tex in texs:
        head, rest = tex.split("\\begin{document}\n", 1)
        preamble = preamble or head
        bodies.append(rest.rsplit("\\end{document}", 1)[0])
    odd = "\\clearpage\n\\ifodd\\ReadonlyShipoutCounter\\hbox{}\\thispagestyle{empty}\\clearpage\\fi\n"
    return preamble + "\\begin{document}\n" + odd.join(bodies) + "\\end{document}\n"
