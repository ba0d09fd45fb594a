"""Every command that writes a file creates its missing folder, or says clearly why it cannot."""
import json

from helpers import one_line_error, run


def test_worksheet_creates_the_missing_folder_of_its_output(tmp_path):
    target = tmp_path / "new" / "deeper" / "ws.tex"
    r = run("worksheet", "--problems", "iou", "--count", "1", "--out", target)
    assert r.returncode == 0, r.stderr
    assert "\\begin{document}" in target.read_text(encoding="utf-8")


def test_init_spec_creates_the_missing_folder(tmp_path):
    target = tmp_path / "specs" / "final.yaml"
    r = run("init-spec", target)
    assert r.returncode == 0, r.stderr
    assert "problems:" in target.read_text(encoding="utf-8")


def test_generate_and_grade_outputs_create_their_folders(tmp_path):
    out = tmp_path / "a" / "b" / "exam"
    assert run("generate", "--out", out, "--format", "md").returncode == 0
    book, reports = tmp_path / "x" / "grades.csv", tmp_path / "y" / "reports"
    r = run("grade", out / "key.json", out / "answers.yaml", "--gradebook", book, "--report", reports)
    assert r.returncode == 0, r.stderr
    assert book.is_file() and any(reports.iterdir())
    assert json.loads((out / "key.json").read_text())["problems"]


def test_a_folder_that_cannot_be_made_is_one_clear_line(tmp_path):
    blocker = tmp_path / "file"
    blocker.write_text("not a folder")
    one_line_error(run("worksheet", "--problems", "iou", "--count", "1", "--out", blocker / "ws.tex"),
                   "cannot create the folder", "ws.tex")
    one_line_error(run("init-spec", blocker / "s.yaml"), "cannot create the folder")
