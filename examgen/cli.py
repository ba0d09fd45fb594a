"""The `examgen` command: a thin layer over the library. Commands parse options and print.

Heavy imports (NumPy, SymPy, Jinja2) happen inside the commands that need them, so that
`examgen --help` and `examgen list` start quickly.
"""
from __future__ import annotations

import json
import sys

import click

from . import __version__
from .errors import ExamgenError


class ExamgenGroup(click.Group):
    """Turns ExamgenError (and a few OS errors) into one line on stderr and exit code 2."""

    def invoke(self, ctx):
        try:
            return super().invoke(ctx)
        except ExamgenError as e:
            click.echo(f"examgen: error: {e}", err=True)
            sys.exit(2)
        except (OSError, json.JSONDecodeError) as e:
            click.echo(f"examgen: error: {_os_message(e)}", err=True)
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
      examgen list                # every problem in the bank
      examgen show iou --solution # one problem with its worked solution
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
        click.echo(json.dumps([{"id": p.id, "topic": p.topic, "title": p.title,
                                "answers": list(p.parts)} for p in rows], indent=2))
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
def show(problem_id, seed, profile, solution):
    """Show one instance of a problem as Markdown.

    \b
    Example:
      examgen show mlp-backprop --seed 3 --solution
    """
    from . import bank, render

    inst = bank.get(problem_id).sample(seed, profile)
    click.echo(render.markdown(inst, with_solution=solution), nl=False)


@cli.command()
@click.argument("problem_id", metavar="ID")
@click.option("--params", "params_file", required=True, type=click.File("r", encoding="utf-8"),
              help="JSON object of parameters (or a list of them); - reads standard input.")
@click.option("--json", "as_json", is_flag=True, help="Print {problem, answers} as JSON.")
def solve(problem_id, params_file, as_json):
    """Solve an instance you give: its worked solution, or its answers as JSON.

    Parameter names are those of `examgen list`/REFERENCE.md. Integers (and strings such
    as "ln(3)") are solved exactly; any decimal makes the instance numeric.

    \b
    Example:
      echo '{"ref": [0, 0, 2, 2], "roi": [1, 1, 2, 2]}' | examgen solve iou --params -
    """
    from . import bank, render

    problem = bank.get(problem_id)
    text = params_file.read(2_000_001)
    if len(text) > 2_000_000:
        raise ExamgenError(f"{problem_id}: parameter file larger than 2 MB")
    try:
        raw = json.loads(text)
    except json.JSONDecodeError as e:
        raise ExamgenError(f"{problem_id}: parameters are not valid JSON ({e.msg}, line {e.lineno})") from None
    many = isinstance(raw, list)
    instances = [problem.from_params(r) for r in (raw if many else [raw])]
    if as_json:
        out = [{"problem": problem.id, "answers": i.answers_json()} for i in instances]
        click.echo(json.dumps(out if many else out[0], indent=2))
        return
    click.echo("\n".join(render.markdown(i, with_solution=True) for i in instances), nl=False)


def main():
    cli(prog_name="examgen")


if __name__ == "__main__":
    main()
