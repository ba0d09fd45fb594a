"""The `examgen` command: a thin layer over the library. Commands parse options and print.

Heavy imports (NumPy, SymPy, Jinja2) happen inside the commands that need them, so that
`examgen --help` and `examgen list` start quickly.
"""
from __future__ import annotations

import json
import re
import sys
from pathlib import Path

import click

from . import __version__
from .errors import ExamgenError, did_you_mean
from .safeio import json_shown, overwritten, shown


class ExamgenGroup(click.Group):
    """Turns ExamgenError (and a few OS errors) into one line on stderr and exit code 2."""

    def invoke(self, ctx):
        try:
            return super().invoke(ctx)
        except ExamgenError as e:
            click.echo(f"examgen: error: {shown(e)}", err=True)
            sys.exit(2)
        except BrokenPipeError:   # `examgen list | head`: the reader has what it wanted
            sys.exit(1)
        except (OSError, json.JSONDecodeError) as e:
            click.echo(f"examgen: error: {shown(_os_message(e))}", err=True)
            sys.exit(2)


def _os_message(e) -> str:
    if isinstance(e, json.JSONDecodeError):
        return f"not valid JSON: {e.msg} at line {e.lineno} column {e.colno}"
    if getattr(e, "filename", None):
        return f"{e.strerror or e}: {e.filename}"
    return str(e)


@click.group(cls=ExamgenGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="examgen")
def cli():
    """Practise for, set and grade calculator-free exams on neural networks.

    \b
    Start with:
      examgen generate            # a practice final in ./exam (exam, key, answer sheet)
      examgen grade exam/key.json exam/answers.yaml   # then: your filled-in sheet, graded
      examgen list                # every problem in the bank
      examgen show iou --solution # one problem with its worked solution
      examgen worksheet cnn       # practice: several instances of every CNN problem
    """


@cli.command("list")
@click.option("--topic", help="Only this topic (nn, cnn, rnn, lstm).")
@click.option("--json", "as_json", is_flag=True, help="Print JSON instead of a table.")
def list_cmd(topic, as_json):
    """List every problem: id, topic, title and answer parts.

    \b
    Example:
      examgen list --topic cnn
    """
    from .bank import TOPICS, load_bank

    if topic and topic not in TOPICS:
        raise ExamgenError(f"unknown topic {topic!r}; topics: {', '.join(TOPICS)}")
    rows = [p for p in load_bank().values() if not topic or p.topic == topic]
    if as_json:
        click.echo(json.dumps([{"id": p.id, "topic": p.topic, "title": p.title, "answers": list(p.parts),
                                "options": {o: list(p.choices(o)) for o in p.options},
                                "parameters": {n: spec.doc for n, spec in p.params.items()}}
                               for p in rows], indent=2))
        return
    width = max(len(p.id) for p in rows) if rows else 2
    for p in rows:
        click.echo(f"{p.id:<{width}}  {p.topic:<4}  {p.title}  [{', '.join(p.parts)}]")


@cli.command()
@click.argument("problem_id", metavar="ID")
@click.option("--seed", type=click.IntRange(min=0), default=0, show_default=True, help="Which instance.")
@click.option("--profile", type=click.Choice(["exam", "drill"]), default="exam", show_default=True,
              help="exam: numbers to work by hand; drill: arbitrary decimals.")
@click.option("--solution", is_flag=True, help="Add the worked solution and every answer.")
@click.option("--option", "options", multiple=True, metavar="NAME=VALUE",
              help="Fix one of the problem's options, as an exam spec can (`examgen list --json` shows them).")
@click.option("--params", "as_params", is_flag=True,
              help="Print the instance's parameters as JSON instead: edit them and give them to `examgen solve`.")
def show(problem_id, seed, profile, solution, options, as_params):
    """Show one instance of a problem as Markdown.

    \b
    Examples:
      examgen show mlp-backprop --seed 3 --solution
      examgen show maxpool-backward --option pool=3
      examgen show iou --params > mine.json   # edit, then: examgen solve iou --params mine.json
    """
    from . import bank, render

    problem = bank.get(problem_id)
    inst = problem.sample(seed, profile, _options_for(problem, _option_pairs(options), strict=True))
    if as_params:
        click.echo(json.dumps(inst.params_exact_json(), indent=1, ensure_ascii=False))
        return
    click.echo(render.markdown(inst, with_solution=solution), nl=False)


def _option_pairs(options) -> dict[str, str]:
    """{name: value} of --option NAME=VALUE arguments."""
    out = {}
    for text in options:
        name, sep, value = text.partition("=")
        if not sep or not name.strip():
            raise ExamgenError(f"--option {text!r}: write NAME=VALUE, e.g. --option variant=standard")
        out[name.strip()] = value.strip()
    return out


def _options_for(problem, pairs: dict, strict: bool) -> dict:
    """The options of `pairs` that `problem` has, each value as its choice (2 for "2"); with
    `strict`, an option the problem lacks is an error (else it is for another problem)."""
    out = {}
    for name, value in pairs.items():
        if name not in problem.options:
            if strict:
                problem.check_options({name: value})   # the error, with the problem's options
            continue
        out[name] = next((c for c in problem.choices(name) if str(c) == value), value)
    return problem.check_options(out)


@cli.command()
@click.argument("problem_id", metavar="ID")
@click.option("--params", "params_file", required=True, type=click.File("r", encoding="utf-8"),
              help="JSON object of parameters (or a list of them); - reads standard input.")
@click.option("--json", "as_json", is_flag=True,
              help="Print {problem, answers, answers_exact} as JSON: floats, and the exact values as text "
                   "(null when the instance is worked in decimals).")
@click.option("--timeout", type=click.FloatRange(0.1, 600), default=20.0, show_default=True, metavar="SECONDS",
              help="Stop solving after this long (exact arithmetic on large or deep inputs can take very long).")
def solve(problem_id, params_file, as_json, timeout):
    """Solve an instance you give: its worked solution, or its answers as JSON.

    Parameter names are those of `examgen list --json` ("parameters"); `examgen show ID --params`
    prints an instance's parameters to start from. Integers (and strings such
    as "ln(3)") are solved exactly; any decimal makes the instance numeric, and
    so does an exact value too long to read (a note says so).

    \b
    Example:
      echo '{"ref": [0, 0, 2, 2], "roi": [1, 1, 2, 2]}' | examgen solve iou --params -
    """
    from . import bank, safeio
    from .grade import Worker

    class ParamsError(ExamgenError):
        pass

    problem = bank.get(problem_id)
    text = params_file.read(MAX_PARAMS_BYTES + 1)
    if len(text) > MAX_PARAMS_BYTES:
        raise ExamgenError(f"{problem_id}: parameter file larger than {MAX_PARAMS_BYTES // 1_000_000} MB")
    try:
        raw = safeio.parse_json(text, MAX_PARAMS_DEPTH, ParamsError)
    except ParamsError as e:
        raise ExamgenError(f"{problem_id}: parameters: {e}") from None
    if isinstance(raw, list) and len(raw) > MAX_SOLVE_INSTANCES:
        raise ExamgenError(f"{problem_id}: at most {MAX_SOLVE_INSTANCES} parameter sets at once")
    # Solving is bounded in time and memory: a worker process, killed when it overruns.
    worker = Worker(memory=SOLVE_MEMORY)
    try:
        out = worker.run(_solve_text, (problem.id, raw, as_json), timeout)
    except TimeoutError:
        raise ExamgenError(f"{problem_id}: solving took more than {timeout:g} s; give smaller sizes, "
                           "or decimals (a decimal makes the instance numeric, which is fast)") from None
    except ExamgenError as e:
        raise ExamgenError(str(e) or f"{problem_id}: solving needed more than "
                                      f"{SOLVE_MEMORY // 10**9} GB of memory; give smaller sizes") from None
    finally:
        worker.stop()
    click.echo(out, nl=False)


MAX_PARAMS_BYTES = 2_000_000   # a parameter file
MAX_PARAMS_DEPTH = 20          # its nesting (list of sets → tensors)
MAX_SOLVE_INSTANCES = 100      # parameter sets in one call
SOLVE_MEMORY = 4 * 10**9       # bytes of address space for the solving process


def _solve_text(problem_id: str, raw, as_json: bool) -> str:
    """What `solve` prints (run in the worker process)."""
    from . import bank, render

    problem = bank.get(problem_id)
    many = isinstance(raw, list)
    instances = [problem.from_params(r) for r in (raw if many else [raw])]
    if as_json:
        # the floats scripts read, and beside them the exact values as text (as key.json has them);
        # null for an instance worked in decimals, which has none
        out = [{"problem": problem.id, "answers": i.answers_json(),
                "answers_exact": i.answers_exact_json() if i.exact else None} for i in instances]
        return json.dumps(out if many else out[0], indent=2) + "\n"
    return "\n".join(_decimals_note(problem, r, i) + render.markdown(i, with_solution=True)
                     for r, i in zip(raw if many else [raw], instances))


def _decimals_note(problem, raw: dict, inst) -> str:
    """Why an instance asked exactly (integers, "ln(3)") is worked in decimals: some value of it
    has no closed form (σ of a number that is not a logarithm, say), or none short enough to read
    (instance.MAX_CLOSED_FORM)."""
    from .instance import exact_request

    if not exact_request(problem, raw) or inst.exact:
        return ""
    return ("> Note: some values of this instance have no short closed form (e.g. σ or tanh of a number that "
            "is not a logarithm), so it is worked in decimals, to 4 significant figures.\n\n")


def _output_file(path) -> Path:
    """The path of a file a command writes, its folder created when missing (one clear error
    when it cannot be)."""
    target = Path(path)
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
    except OSError as e:
        raise ExamgenError(f"cannot create the folder {target.parent} for {target.name}: {e.strerror}") from None
    return target


def _progress_bar(total: int, label: str):
    """A click progress bar on a terminal for batches; nothing otherwise."""
    if total < 2 or not sys.stderr.isatty():
        return None
    return click.progressbar(length=total, label=label, file=sys.stderr)


@cli.command()
@click.argument("names", nargs=-1, metavar="[ID|TOPIC]...")
@click.option("--spec", "spec_file", type=click.Path(dir_okay=False),
              help="Exam spec (YAML); default: the built-in practice final (see init-spec).")
@click.option("--profile", type=click.Choice(["exam", "drill"]),
              help="Every problem in this profile: exam (numbers to work by hand) or drill "
                   "(arbitrary decimals). Default: the spec's.")
@click.option("--seed", type=click.IntRange(min=0),
              help="Seed of the numbers (default: the spec's, 0; a class: a fresh secret one, kept in key.json).")
@click.option("--out", default="exam", show_default=True, type=click.Path(file_okay=False),
              help="Output folder.")
@click.option("--format", "formats",
              help="Comma-separated md,tex,pdf (default: all three if TeX is installed); "
                   "moodle (moodle.xml) and qti (qti.zip, for Canvas) export every version for an LMS.")
@click.option("--versions", type=click.IntRange(min=1), help="Make K versions, each in its own folder.")
@click.option("--roster", type=click.Path(dir_okay=False), help="CSV of students: one version each.")
@click.option("--force", is_flag=True, help="Overwrite even a filled-in answers.yaml in the output folder.")
def generate(names, spec_file, profile, seed, out, formats, versions, roster, force):
    """Make a practice exam with its answer key and a blank answer sheet.

    Writes exam.md/.tex/.pdf, key.md/.tex/.pdf, key.json (for the grader) and
    answers.yaml (for the student) into --out. With --format moodle or qti it also
    writes moodle.xml (Moodle XML) or qti.zip (Canvas QTI 1.2): one question per
    version of each problem, grouped by problem so that a quiz draws one version.

    Name problems or topics (`examgen generate cnn`, `examgen generate iou
    bbox-target`) for a practice exam of just those, 10 points each: ids in the
    order given, a topic's problems in course order.

    \b
    Examples:
      examgen generate                          # the practice final, seed 0, in ./exam
      examgen generate cnn --profile drill      # a CNN practice exam with decimals
      examgen generate --seed 7 --format md     # another exam, Markdown only
      examgen generate --versions 30 --out class   # 30 versions, one key index
      examgen generate --roster students.csv --spec final.yaml
      examgen generate --versions 20 --format moodle,qti --out lms   # quiz banks for Moodle, Canvas
    """
    from .exam import load_spec
    from .generate import generate as run
    from .generate import parse_formats
    from .roster import read_roster

    spec = load_spec(spec_file, profile, *_practice(names))
    wanted, note = parse_formats(formats)
    helper = None
    if not versions and not roster:   # one exam: its symbolic problems are built on another core
        from . import second_core

        helper = second_core.start(spec, seed)   # (forks: before any thread starts)
    if "pdf" in wanted:
        from . import pdf

        pdf.prefetch()   # TeX's lookups run while Python builds
    if roster and versions:
        raise ExamgenError("use --versions or --roster, not both")
    roster_notes: list = []
    students = read_roster(roster, roster_notes) if roster else None
    for line in roster_notes:
        click.echo(f"note: {line}", err=True)
    total = len(students) if students else (versions or 1)
    bar = _progress_bar(total, "Generating")
    if bar:
        with bar:
            summary = run(spec, out, seed, wanted, versions, students, force, progress=bar.update, helper=helper)
    else:
        summary = run(spec, out, seed, wanted, versions, students, force, helper=helper)
    if note:
        click.echo(f"examgen: note: {note}", err=True)
    for warning in summary.get("warnings", ()):
        click.echo(shown(f"examgen: warning: {warning}"), err=True)
    vs = summary["versions"]
    names = ", ".join(sorted(wanted - {"moodle", "qti"}) + ["key.json", "answers.yaml"])
    exports = [name for fmt, name in (("moodle", "moodle.xml"), ("qti", "qti.zip")) if fmt in wanted]
    if exports:
        click.echo(f"Wrote {' and '.join(exports)} ({len(vs)} version(s) of every problem) to {summary['out']}/")
    if len(vs) == 1:
        out_dir = summary["out"]
        click.echo(f"Wrote exam {vs[0][1]} ({names}) to {out_dir}/")
        questions = f"{out_dir}/exam." + next(f for f in ("pdf", "md", "tex") if f in wanted or f == "tex")
        click.echo(f"Next: answer {questions} in {out_dir}/answers.yaml, then: "
                   f"{_prog()} grade {out_dir}/key.json {out_dir}/answers.yaml")
    else:
        click.echo(f"Wrote {len(vs)} versions ({names} each) to "
                   f"{summary['out']}/ with the key index {summary['out']}/key.json")


def _practice(names) -> tuple:
    """(problem ids, title) of a practice exam of the named problems and topics; () when none."""
    from . import bank

    if not names:
        return ()
    chosen, _ = _chosen_problems(names)
    topics = [bank.TOPICS[n] for n in names if n in bank.TOPICS and n not in bank.load_bank()]
    return [p.id for p in chosen], "Practice exam" + (": " + ", ".join(topics) if len(topics) == len(names) else "")


_WORKSHEET_MARK = re.compile(rb"Seed \d+, (?:exam|drill) profile")   # the line every worksheet prints


def _a_worksheet(path: Path) -> bool:
    """Whether `path` is free to write a worksheet to: no file, or one examgen wrote (a worksheet's
    Markdown or LaTeX names its seed and profile; a PDF is pdfTeX's, as a compiled one is)."""
    got = overwritten(path, 8192, 4096)
    if got is None:
        return True
    head, tail = got
    if head.startswith(b"%PDF"):
        return b"pdfTeX" in tail or b"pdfTeX" in head
    return bool(_WORKSHEET_MARK.search(head))


def _prog() -> str:
    """The command as the user can type it again: `examgen` when that is on PATH, else its path."""
    import shutil
    from shlex import quote

    found = shutil.which("examgen")
    here = Path(sys.argv[0]).resolve()
    return "examgen" if found and Path(found).resolve() == here else quote(str(sys.argv[0]))


@cli.command("init-spec")
@click.argument("path", default="exam-spec.yaml", type=click.Path(dir_okay=False))
@click.option("--force", is_flag=True, help="Overwrite an existing file.")
def init_spec(path, force):
    """Write the default exam spec to PATH, to edit and use with generate --spec.

    \b
    Example:
      examgen init-spec final.yaml && examgen generate --spec final.yaml
    """
    from .exam import default_spec_text
    from .safeio import write_text

    target = _output_file(path)
    if (target.exists() or target.is_symlink()) and not force:
        raise ExamgenError(f"{path} exists; pass --force to overwrite it")
    write_text(target, default_spec_text())
    click.echo(f"Wrote {path}; edit it, then: examgen generate --spec {path}")


def _chosen_problems(names, topic=None, problems=None) -> tuple[list, str | None]:
    """(the problems, the one topic they are all of or None) named as arguments (ids, and topics
    for every problem of theirs), with --problems (ids) or with --topic; none named: every problem.
    Ids come in the order given, a topic's problems in course order (bank.course_order)."""
    from . import bank

    if sum(map(bool, (names, topic, problems))) > 1:
        raise ExamgenError("name the problems one way: as arguments, with --problems or with --topic")
    if names:   # ids, and topics for every problem of theirs
        ids = bank.load_bank()
        unknown = next((n for n in names if n not in ids and n not in bank.TOPICS), None)
        if unknown is not None:
            hint = did_you_mean(unknown, [*ids, *bank.TOPICS], n=3, cutoff=0.5)
            raise ExamgenError(f"unknown problem id or topic {unknown!r}{hint} (topics: {', '.join(bank.TOPICS)}; "
                               "`examgen list` shows the ids)")
        chosen = bank.named(names)
        if len(names) == 1 and names[0] in bank.TOPICS and names[0] not in ids:
            topic = names[0]   # `examgen worksheet cnn`: titled as --topic cnn is
    elif problems:
        chosen = [bank.get(p.strip()) for p in problems.split(",") if p.strip()]
    else:
        if topic and topic not in bank.TOPICS:
            raise ExamgenError(f"unknown topic {topic!r}; topics: {', '.join(bank.TOPICS)}")
        chosen = bank.course_order(p for p in bank.load_bank().values() if not topic or p.topic == topic)
    if not chosen:
        raise ExamgenError("no problems chosen")
    return list({p.id: p for p in chosen}.values()), topic   # `iou cnn`: iou once, where first named


@cli.command()
@click.argument("names", nargs=-1, metavar="[ID|TOPIC]...")
@click.option("--topic", help="Every problem of a topic (nn, cnn, rnn, lstm).")
@click.option("--problems", help="Comma-separated problem ids.")
@click.option("--count", type=click.IntRange(1, 50), default=3, show_default=True,
              help="Instances of each problem.")
@click.option("--solutions", type=click.Choice(["none", "end", "inline"]), default="end",
              show_default=True, help="Where worked solutions go.")
@click.option("--format", "fmt", type=click.Choice(["tex", "pdf", "md"]), default="tex",
              show_default=True)
@click.option("--seed", type=click.IntRange(min=0), default=0, show_default=True)
@click.option("--profile", type=click.Choice(["exam", "drill"]), default="exam", show_default=True)
@click.option("--out", type=click.Path(dir_okay=False), help="Output file (default worksheet.<format>).")
@click.option("--title", help="Title at the top (default: Worksheet, with the topic's name).")
@click.option("--option", "options", multiple=True, metavar="NAME=VALUE",
              help="Fix an option in every chosen problem that has it (e.g. variant=standard).")
@click.option("--force", is_flag=True, help="Overwrite an existing file that is not an examgen worksheet.")
def worksheet(names, topic, problems, count, solutions, fmt, seed, profile, out, title, options, force):
    """Make a LaTeX (or PDF, Markdown) worksheet: N instances of each problem.

    Name the problems by id or topic (`examgen worksheet iou bbox-target`, `examgen worksheet
    cnn`), or with --problems / --topic; none named: every problem. Problems named by id come in
    the order given; a topic's in course order (forward before backward: each problem after the
    ones it builds on), and with none named the topics in course order (nn, cnn, rnn, lstm).
    To answer and have it graded: `examgen generate cnn` (a practice exam of those problems).

    \b
    Examples:
      examgen worksheet --topic cnn --count 4 --format pdf
      examgen worksheet iou bbox-target --solutions inline
      examgen worksheet --topic lstm --option variant=standard --profile drill
    """
    from . import bank, pdf
    from .documents import worksheet as make
    from .safeio import write_text
    from .seeds import derive_seed

    chosen, topic = _chosen_problems(names, topic, problems)
    pairs = _option_pairs(options)
    unused = [name for name in pairs if not any(name in p.options for p in chosen)]
    if unused:
        offered = sorted({o for p in chosen for o in p.options})
        raise ExamgenError(f"--option {unused[0]}: no chosen problem has that option "
                           f"(their options: {', '.join(offered) or 'none'})")
    groups = [(p, [p.sample(derive_seed("worksheet", seed, p.id, k) % 2**31, profile, _options_for(p, pairs, False))
                   for k in range(count)])
              for p in chosen]
    title = " ".join((title or "").split()) or (f"Worksheet: {bank.TOPICS[topic]}" if topic else "Worksheet")
    text = make(groups, title, solutions, "md" if fmt == "md" else "tex", about=f"Seed {seed}, {profile} profile")
    target = _output_file(out or f"worksheet.{fmt}")
    if not force and not _a_worksheet(target):
        raise ExamgenError(f"{target} exists and is not an examgen worksheet; give another --out, or pass --force "
                           "to overwrite it")
    if fmt == "pdf":
        pdf.compile_tex(text, target, "worksheet")
    else:
        write_text(target, text)
    n = sum(len(g) for _, g in groups)
    click.echo(f"Wrote {target} ({n} exercise{'' if n == 1 else 's'})")


@cli.command()
@click.argument("key", type=click.Path(exists=True, dir_okay=False))
@click.argument("submissions", nargs=-1, required=True, type=click.Path(exists=True))
@click.option("--json", "as_json", is_flag=True, help="Print the results as JSON (a list when several).")
@click.option("--report", "report_dir", type=click.Path(file_okay=False),
              help="Write one Markdown report per student into this folder.")
@click.option("--gradebook", type=click.Path(dir_okay=False),
              help="Write a CSV gradebook: a row for every student of the key (graded, not submitted, "
                   "could not be graded).")
@click.option("--gradebook-format", "book_format", type=click.Choice(["csv", "canvas", "moodle"]),
              default="csv", show_default=True,
              help="csv: every column (opens in Excel); canvas / moodle: what their gradebook import expects.")
@click.option("--spec", "spec_file", type=click.Path(dir_okay=False),
              help="Regrade with this spec's points, rtol/atol, partial and carry_forward (its problems must match "
                   "the key's); points: 0 drops a flawed problem, full_marks: true gives everyone its points.")
@click.option("--partial/--no-partial", default=True, show_default=True,
              help="Partial credit per right entry of a vector or matrix (a spec can turn it off per problem).")
def grade(key, submissions, as_json, report_dir, gradebook, book_format, spec_file, partial):
    """Grade answer files (or folders of them) against an exam's key.json.

    Folders are searched with their sub-folders (one per student, as LMSs hand them out).
    Exit code 0 when every file was graded; 1 when some could not be (each gets its own
    row with its error, and every other file is still graded, reported and in the
    gradebook); 2 for a usage error or an unusable key (nothing graded). Entries of a
    folder that are not answer files (other suffixes, sub-folders, a version's key.json)
    are skipped: each is listed on stderr, except examgen's own exam, key and export
    files, which are only counted.

    \b
    Examples:
      examgen grade exam/key.json exam/answers.yaml
      examgen grade class/key.json submissions/ --gradebook grades.csv --report reports/
      examgen grade class/key.json submissions/ --spec reweighted.yaml --gradebook-format canvas \\
          --gradebook canvas.csv
    """
    from . import gradebook as out
    from .grade import NOT_IN_KEY, grade_paths, load_key, own_output

    graded_key = _key_with_spec(load_key(key), spec_file)
    numbers = sorted({n for v in graded_key.versions.values() for n in v.problems})
    title = next(iter(graded_key.versions.values())).title or "Exam"
    exams = frozenset(graded_key.versions)
    refusal = (gradebook and out.gradebook_refusal(gradebook, numbers, title, book_format, exams)) or \
        (report_dir and out.report_refusal(report_dir, exams))
    if refusal:   # before grading: nothing the instructor keeps is written over
        raise ExamgenError(refusal)
    skipped: list = []
    results = grade_paths(key, submissions, partial=partial, key=graded_key, skipped=skipped)
    for path, why in skipped:   # examgen's own exam/key files are only counted (see _class_summary)
        if not own_output(path):
            click.echo(shown(f"examgen: skipped {path} ({why})"), err=True)
    rows = out.class_rows(graded_key, results)
    if as_json:
        click.echo(json_shown(json.dumps(results if len(results) > 1 else results[0], indent=1, ensure_ascii=False)))
    else:
        click.echo("\n".join(out.text(r) for r in results), nl=False)
    unwritten = []
    if report_dir:
        out.write_reports(results, report_dir, failed=unwritten)
    if gradebook and not any(r["status"] == "graded" for r in results):
        click.echo(shown(f"examgen: no file was graded, so {gradebook} was not written"), err=True)
    elif gradebook:
        out.write_gradebook(rows, numbers, gradebook, title, book_format)
        left_out = out.unmatched(rows, book_format)
        if left_out:
            need = "id" if book_format == "canvas" else "id or email"
            click.echo(shown(f"examgen: warning: {len(left_out)} row(s) have no {need} for {book_format.title()}'s "
                             f"import to match and are not in {gradebook}: {_students(left_out)}; "
                             "add the ids to the roster, or use --gradebook-format csv"), err=True)
    # who has no submission informs when the class is graded (a gradebook, several files), not when one sheet is checked
    _class_summary(rows, skipped, whole_class=bool(gradebook) or len(results) > 1)
    for path, why in unwritten:
        click.echo(shown(f"examgen: could not write the report {path} ({why})"), err=True)
    failed = sum(r["status"] != "graded" for r in results)
    if failed:
        click.echo(f"examgen: {failed} of {len(results)} file(s) could not be graded", err=True)
    # (a sheet YAML cannot read names no exam: it must not hide that the others name another key's)
    if sum(NOT_IN_KEY in (r["error"] or "") for r in results) > 1 and not any(r["status"] == "graded" for r in results):
        click.echo(shown(f"examgen: none of the files is for an exam of {key}: is it these submissions' key?"), err=True)
    if failed or unwritten:
        sys.exit(1)


def _key_with_spec(graded_key, spec_file):
    """The key with a regrading spec's points and rules (`points: 0` drops a problem, `full_marks:
    true` gives everyone its points), or as it is without one."""
    if spec_file:
        from .exam import load_spec
        from .regrade import apply_spec

        apply_spec(graded_key, load_spec(spec_file, regrade=True), f"spec {spec_file}")
    return graded_key


def _class_summary(rows: list[dict], skipped: list, whole_class: bool = True) -> None:
    """On stderr: files skipped, versions submitted twice, blank sheets, and (`whole_class`: a
    gradebook is written or several files were graded) students without a submission."""
    from .grade import own_output
    from .gradebook import HANDED_IN_OTHER, NOT_SUBMITTED, blank_sheet, duplicates

    if skipped:
        own = sum(own_output(path) for path, _ in skipped)
        others = len(skipped) - own
        said = [f"{others} listed above"] if others else []
        said += [f"{own} of examgen's own exam, key and export files"] if own else []
        click.echo(f"examgen: skipped {len(skipped)} file(s) that are not answer files ({'; '.join(said)})", err=True)
    for line in duplicates(rows):
        click.echo(shown(f"examgen: warning: {line}"), err=True)
    for r in rows:   # (said on both students' rows: here once, by the student who handed it in; each file)
        if HANDED_IN_OTHER in r["notes_by_kind"]:
            for note in (n for n in r["notes"] if n.startswith("handed in ")):
                click.echo(shown(f"examgen: warning: {r['student']} {note}"), err=True)
    blank = [r for r in rows if blank_sheet(r)]
    if blank:
        click.echo(shown(f"examgen: {len(blank)} student(s) handed in a blank sheet, counted as not submitted: "
                         f"{_students(blank)}"), err=True)
    missing = [r for r in rows if r["status"] == NOT_SUBMITTED and not blank_sheet(r)] if whole_class else []
    students = [r for r in missing if r["student"]]
    unused = [r for r in missing if not r["student"]]   # versions made without a roster (--versions): nobody's
    if students:
        click.echo(shown(f"examgen: {len(students)} student(s) without a submission: {_students(students)}"), err=True)
    if unused:
        click.echo(shown(f"examgen: {len(unused)} version(s) with no submission: {_students(unused)}"), err=True)


def _students(rows: list[dict]) -> str:
    """The students of gradebook rows, as a summary line lists them: "Ada (S1), Bo (S2), … (3 more)"."""
    names = [f"{r['student']} ({r['student_id']})" if r["student_id"] else r["student"] or r["exam"] for r in rows]
    return ", ".join(names[:10]) + (f", … ({len(names) - 10} more)" if len(names) > 10 else "")


@cli.command()
@click.argument("key", type=click.Path(exists=True, dir_okay=False))
@click.argument("submissions", nargs=-1, required=True, type=click.Path(exists=True))
@click.option("--out", default="analysis", show_default=True, type=click.Path(file_okay=False),
              help="Folder for analysis.md, analysis.json and the PNG pictures.")
@click.option("--spec", "spec_file", type=click.Path(dir_okay=False),
              help="Grade with this spec's points and rules, as grade --spec does (a dropped problem: points: 0).")
@click.option("--partial/--no-partial", default=True, show_default=True,
              help="Partial credit per right entry of a vector or matrix (as in grade).")
def analyze(key, submissions, out, spec_file, partial):
    """Analyse a graded class: facility and discrimination per problem and part,
    Cronbach's alpha, named mistakes and pictures.

    Grades the answer files (or folders of them) exactly as `grade` does, then writes
    analysis.md (with scores.png, facility.png, mistakes.png) and analysis.json into --out.
    Exit code 1 when some files could not be graded (they are listed, the rest analysed).

    \b
    Example:
      examgen analyze class/key.json class/submissions/ --out analysis
      examgen analyze class/key.json class/submissions/ --spec reweighted.yaml
    """
    from .analyze import alpha_text, write
    from .analyze import analyze as run
    from .grade import answer_paths, grade_file, load_key

    graded_key = _key_with_spec(load_key(key), spec_file)
    results = [grade_file(graded_key, p, partial) for p in answer_paths(submissions, key)]
    analysis = run(results, graded_key)
    write(analysis, out)
    s = analysis["score"]
    mean = "n/a" if s["mean"] is None else f"{s['mean']:.2f}"
    click.echo(f"Analysed {analysis['students']} student(s): mean {mean} of {analysis['points']:g} points, "
               f"Cronbach's alpha {alpha_text(s)}; wrote {out}/analysis.md, analysis.json and 3 pictures")
    failed = len(analysis["not_graded"])
    if failed:
        click.echo(f"examgen: {failed} of {len(results)} file(s) could not be graded", err=True)
        sys.exit(1)


def main():
    """The command line, once examgen.launch (the entry point) has made the runtime settings."""
    # Text from files may hold what the terminal's encoding cannot show: replace it, never fail.
    for stream in (sys.stdout, sys.stderr):
        if hasattr(stream, "reconfigure"):
            stream.reconfigure(errors="replace")
    try:
        cli(prog_name="examgen")
        code = 0
    except SystemExit as e:
        code = e.code
    _leave(code)


def _leave(code) -> None:
    """Exit without tearing the interpreter down: every file is written and closed by now, and
    freeing SymPy's and NumPy's objects one by one took about 0.1 s of every command. The exit
    handlers still run (the grader's worker process is stopped, a background TeX job waited for)."""
    import atexit
    import os

    if code is None:
        code = 0
    elif not isinstance(code, int):   # sys.exit("message"): print it, exit 1, as Python does
        print(code, file=sys.stderr)
        code = 1
    atexit._run_exitfuncs()
    for stream in (sys.stdout, sys.stderr):
        try:
            stream.flush()
        except (OSError, ValueError):   # a closed pipe (examgen list | head): nothing left to say
            pass
    os._exit(code)


if __name__ == "__main__":
    main()
