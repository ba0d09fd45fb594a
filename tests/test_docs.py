"""The README and `--help` stay honest: every command documented, catalog equal to the bank."""
import re
import shutil
import sys
from pathlib import Path

import pytest

from helpers import run

ROOT = Path(__file__).resolve().parent.parent
README = (ROOT / "README.md").read_text(encoding="utf-8")
sys.path.insert(0, str(ROOT / "docs"))
from make_docs import END, START, catalog_table  # noqa: E402

COMMANDS = re.findall(r"^  (\S+)\s", run("--help").stdout.split("Commands:")[1], re.M)


def test_there_are_commands():
    assert {"generate", "grade", "list", "show", "solve", "worksheet", "init-spec"} <= set(COMMANDS)


@pytest.mark.parametrize("command", COMMANDS)
def test_every_command_has_help_with_an_example_and_is_in_the_readme(command):
    r = run(command, "--help")
    assert r.returncode == 0
    assert "Example" in r.stdout and f"examgen {command}" in r.stdout, command
    assert f"examgen {command}" in README, f"`examgen {command}` is not in the README"


def test_readme_catalog_matches_the_bank():
    block = README.split(START)[1].split(END)[0].strip()
    assert block == catalog_table(), "README catalog is stale: run `make docs`"


def test_version_option():
    from examgen import __version__

    r = run("--version")
    assert r.returncode == 0 and __version__ in r.stdout


def test_readme_setup_is_two_commands():
    setup = README.split("## Set-up")[1].split("##")[0]
    commands = re.findall(r"^(make \w+)", setup, re.M)
    assert commands[:2] == ["make demo", "make test"]


@pytest.mark.skipif(shutil.which("pdflatex") is None, reason="the tour's exam is made with its PDFs")
def test_readme_tour_is_what_examgen_prints():
    # the tour showed an exam of an older bank (E0-bd1fc4, bbox-target as problem 7, 8 points for
    # the IOU problem) and a report name (Ada_Lovelace.md) that grade no longer writes
    from make_docs import TOUR, tour_blocks, tour_markers

    blocks = tour_blocks()
    for name in TOUR:
        start, end = tour_markers(name)
        assert README.split(start)[1].split(end)[0].strip() == blocks[name], f"README tour {name} is stale: run `make docs`"
    assert f"`{blocks['report']}`" in README
