"""LaTeX and PDF from a real TeX engine, read back with pdftotext."""
import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest

from examgen import bank, pdf, safeio
from examgen.documents import worksheet
from examgen.errors import ExamgenError

from helpers import run

# CI sets EXAMGEN_REQUIRE_TEX=1 so that a missing TeX fails there instead of skipping.
HAVE_TEX = pdf.available() and shutil.which("pdftotext")
if not HAVE_TEX and os.environ.get("EXAMGEN_REQUIRE_TEX"):
    raise RuntimeError("EXAMGEN_REQUIRE_TEX is set but pdflatex/pdftotext are missing")
pytestmark = [pytest.mark.tex, pytest.mark.skipif(not HAVE_TEX, reason="needs pdflatex and pdftotext")]

# The worksheet path read back, one seed a profile: that every problem compiles over many seeds is
# test_layout's (20 seeds of every problem in both profiles, halting on any TeX error).
SEEDS_PER_PROFILE = 1


def pdf_text(path) -> str:
    return subprocess.run(["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True,
                          check=True).stdout


def squash(s: str) -> str:
    return re.sub(r"\s+", " ", s)


def test_every_problem_reaches_a_worksheet_pdf_in_both_profiles(tmp_path):
    """One worksheet of every problem (SEEDS_PER_PROFILE seeds × 2 profiles each, solutions inline),
    compiled once (as `examgen worksheet` with several ids makes it) and read back: every problem's
    title, and its exercises in order."""
    groups = [(problem, [problem.sample(s, prof) for prof in ("exam", "drill") for s in range(SEEDS_PER_PROFILE)])
              for problem in bank.load_bank().values()]
    tex = worksheet(groups, "Every problem", "inline", "tex")
    pdf.compile_tex(tex, tmp_path / "all.pdf", "worksheet")
    text = squash(pdf_text(tmp_path / "all.pdf"))
    at = 0
    for problem, _ in groups:
        at = text.find(squash(problem.title), at)
        assert at >= 0, problem.id   # every title, in the bank's order
    assert text.count("Exercise") >= len(groups) * 2 * SEEDS_PER_PROFILE


def test_generated_exam_pdf_has_version_on_every_page_and_titles(tmp_path):
    out = tmp_path / "exam"
    r = run("generate", "--out", out, "--seed", "4")
    assert r.returncode == 0, r.stderr
    import json

    key = json.loads((out / "key.json").read_text())
    pages = pdf_text(out / "exam.pdf").split("\f")
    pages = [p for p in pages if p.strip()]
    assert len(pages) >= len(key["problems"])
    assert all(key["exam"] in p for p in pages)
    whole = squash(" ".join(pages))
    assert "No calculators" in whole
    for p in key["problems"]:
        assert squash(p["title"]) in whole
    assert "Worked solution" in pdf_text(out / "key.pdf")


def test_versions_get_one_combined_pdf(tmp_path):
    spec = Path(__file__).parent / "data" / "small_spec.yaml"
    r = run("generate", "--spec", spec, "--versions", "3", "--out", tmp_path / "c")
    assert r.returncode == 0, r.stderr
    text = pdf_text(tmp_path / "c" / "exams.pdf")
    import json

    for v in json.loads((tmp_path / "c" / "key.json").read_text())["versions"]:
        assert v["exam"] in text
    pages = [p for p in text.split("\f") if p.strip()]
    assert len(pages) >= 3 * 2  # every version's problems, each on its own page
    for v in ("v1", "v2", "v3"):
        assert (tmp_path / "c" / v / "exam.pdf").is_file()


def test_latex_error_shows_the_log_lines(tmp_path):
    bad = "\\documentclass{article}\\begin{document}\n\\undefinedmacro\n\\end{document}\n"
    with pytest.raises(ExamgenError) as e:
        pdf.compile_tex(bad, tmp_path / "bad.pdf", "bad")
    assert "Undefined control sequence" in str(e.value)
    assert "\\undefinedmacro" in str(e.value)


def test_worksheet_command_writes_a_pdf(tmp_path):
    target = tmp_path / "ws.pdf"
    r = run("worksheet", "--topic", "cnn", "--count", "2", "--format", "pdf", "--out", target, "--seed", "7")
    assert r.returncode == 0, r.stderr
    cnn = [p for p in bank.load_bank().values() if p.topic == "cnn"]
    assert f"({2 * len(cnn)} exercises)" in r.stdout
    text = squash(pdf_text(target))
    for p in cnn:
        assert squash(p.title) in text
    assert "Solutions" in text
    # what makes it again, under the title and in every page's header (once "Version worksheet")
    assert text.count(squash("Seed 7, exam profile")) >= 2 and "Version" not in text


def test_a_markdown_worksheet_says_its_seed_and_profile(tmp_path):
    target = tmp_path / "ws.md"
    r = run("worksheet", "--problems", "iou", "--count", "1", "--format", "md", "--out", target, "--profile", "drill")
    assert r.returncode == 0, r.stderr
    assert "(1 exercise)" in r.stdout
    assert target.read_text().startswith("# Worksheet\n\n*Seed 0, drill profile.*\n\n## ")


def test_the_preamble_is_dumped_once_and_gives_the_same_pdf_bytes(tmp_path, monkeypatch):
    """pdflatex starts from a cached format holding the preamble: one format for documents that
    share a preamble, byte-identical PDFs to a compile without it, errors on the same lines."""
    from examgen.documents import render_version
    from examgen.exam import build_version, load_spec

    files = render_version(build_version(load_spec(), 2), {"tex"})
    monkeypatch.setenv(safeio.CACHE_ENV, str(tmp_path / "cache"))
    pdf.compile_tex(files["exam.tex"], tmp_path / "a" / "exam.pdf", "exam", engine="pdflatex")
    pdf.compile_tex(files["key.tex"], tmp_path / "a" / "key.pdf", "key", engine="pdflatex")
    formats = list((tmp_path / "cache").glob("*.fmt"))
    assert len(formats) == 1, formats
    monkeypatch.setenv(safeio.CACHE_ENV, str(tmp_path / "not-a-folder" / "x"))
    (tmp_path / "not-a-folder").write_text("a file where the cache folder would go")
    assert safeio.cache_dir() is None
    for name in ("exam", "key"):   # no cache: compiled from the whole file, as before
        pdf.compile_tex(files[f"{name}.tex"], tmp_path / "b" / f"{name}.pdf", name, engine="pdflatex")
        assert (tmp_path / "a" / f"{name}.pdf").read_bytes() == (tmp_path / "b" / f"{name}.pdf").read_bytes()
    # A LaTeX error is reported at its line of the whole document, format or not.
    monkeypatch.setenv(safeio.CACHE_ENV, str(tmp_path / "cache"))
    lines = files["exam.tex"].splitlines()
    at = lines.index("\\begin{document}") + 3
    broken = "\n".join(lines[:at] + ["\\undefinedcommandhere"] + lines[at:]) + "\n"
    with pytest.raises(ExamgenError, match=f"exam.tex:{at + 1}: Undefined control sequence"):
        pdf.compile_tex(broken, tmp_path / "c.pdf", "exam", engine="pdflatex")
    assert len(list((tmp_path / "cache").glob("*.fmt"))) == 1


def test_generate_dumps_the_format_it_then_uses(tmp_path):
    """`generate` starts dumping the format before it builds the exam (in the background) and its
    compile uses that same format: one file in a fresh cache, and a second run adds none. The two
    runs' PDFs are byte-identical: generate's PDFs are reproducible (which needed two more runs)."""
    cache = tmp_path / "cache"
    for k in range(2):
        r = run("generate", "--out", tmp_path / f"e{k}", "--seed", "1", env={safeio.CACHE_ENV: str(cache)})
        assert r.returncode == 0, r.stderr
        assert len(list(cache.glob("*.fmt"))) == 1
    for f in ("exam.pdf", "key.pdf"):
        assert (tmp_path / "e0" / f).read_bytes() == (tmp_path / "e1" / f).read_bytes(), f


def test_a_damaged_cached_format_never_costs_a_pdf(tmp_path, monkeypatch):
    """A format file that TeX cannot load (damaged, or left by another TeX) is compiled around,
    deleted, and dumped afresh by the next document."""
    from examgen.documents import render_version
    from examgen.exam import build_version, load_spec

    tex = render_version(build_version(load_spec(), 4), {"tex"})["exam.tex"]
    monkeypatch.setenv(safeio.CACHE_ENV, str(tmp_path / "cache"))
    pdf.compile_tex(tex, tmp_path / "a.pdf", "exam", engine="pdflatex")
    [fmt] = (tmp_path / "cache").glob("*.fmt")
    fmt.write_bytes(b"not a format" * 1000)
    pdf.compile_tex(tex, tmp_path / "b.pdf", "exam", engine="pdflatex")
    assert (tmp_path / "a.pdf").read_bytes() == (tmp_path / "b.pdf").read_bytes()
    assert not fmt.exists()
    pdf.compile_tex(tex, tmp_path / "c.pdf", "exam", engine="pdflatex")
    assert fmt.exists() and fmt.stat().st_size > 1_000_000


def test_the_cached_format_is_stored_uncompressed_and_makes_the_same_pdf(tmp_path, monkeypatch):
    """pdftex dumps its format gzipped; the cache keeps it inflated (loading skips ~80 ms of
    inflating per run), and pdftex reads either form to the same PDF bytes. A damaged gzip
    dump is refused with an OSError (the caller then compiles without a format)."""
    import gzip

    from examgen.documents import render_version
    from examgen.exam import build_version, load_spec

    tex = render_version(build_version(load_spec(), 2), {"tex"})["key.tex"]
    monkeypatch.setenv(safeio.CACHE_ENV, str(tmp_path / "cache"))
    pdf.compile_tex(tex, tmp_path / "plain.pdf", "key", engine="pdflatex")
    [fmt] = (tmp_path / "cache").glob("*.fmt")
    raw = fmt.read_bytes()
    assert raw[:2] != pdf._GZIP_MAGIC and len(raw) > 5_000_000
    fmt.write_bytes(gzip.compress(raw, 1))            # the form pdftex itself writes
    pdf.compile_tex(tex, tmp_path / "gz.pdf", "key", engine="pdflatex")
    assert fmt.read_bytes()[:2] == pdf._GZIP_MAGIC      # it was loaded, not dumped again
    assert (tmp_path / "plain.pdf").read_bytes() == (tmp_path / "gz.pdf").read_bytes()
    damaged = tmp_path / "damaged.fmt"
    damaged.write_bytes(gzip.compress(raw[:100_000])[:5_000])
    with pytest.raises(OSError):
        pdf._inflated(damaged)


def test_the_format_cache_keeps_the_most_recently_used_formats(tmp_path, monkeypatch):
    """Formats are about 18 MB each and a new examgen or TeX Live makes another: a dump deletes all but
    the FORMATS_KEPT most recently used, and using a format counts as using it."""
    from examgen.documents import render_version
    from examgen.exam import build_version, load_spec

    cache = tmp_path / "cache"
    cache.mkdir()
    old = [cache / f"pdflatex-old{k}.fmt" for k in range(pdf.FORMATS_KEPT + 1)]
    for k, f in enumerate(old):
        f.write_bytes(b"an old format")
        os.utime(f, (1_000_000 + k, 1_000_000 + k))   # old[-1] is the most recently used
    os.utime(old[0], (2_000_000, 2_000_000))         # ... then old[0] was used again
    monkeypatch.setenv(safeio.CACHE_ENV, str(cache))
    tex = render_version(build_version(load_spec(), 1), {"tex"})["exam.tex"]
    pdf.compile_tex(tex, tmp_path / "a.pdf", "exam", engine="pdflatex")
    left = sorted(f.name for f in cache.glob("*.fmt"))
    [new] = [f for f in left if "old" not in f]
    assert left == sorted([new, old[0].name, *(f.name for f in old[-(pdf.FORMATS_KEPT - 2):])]), left
    assert pdf.prune_formats(cache, keep=1) != [] and [f.name for f in cache.glob("*.fmt")] == [new]


def test_runs_started_early_give_the_same_pdfs_and_errors(tmp_path, monkeypatch):
    """pdflatex runs started before their documents exist (they load the format while the exam is
    built, then read the document from a pipe) make the same PDF bytes; a document with an error
    is reported at its line as always; runs nobody takes are stopped and leave no folder."""
    from examgen.documents import render_version
    from examgen.exam import build_version, load_spec

    files = render_version(build_version(load_spec(), 2), {"tex"})
    monkeypatch.setenv(safeio.CACHE_ENV, str(tmp_path / "cache"))
    assert pdf.start_early(files["exam.tex"], ("exam",)) == {}   # no format yet: never waits for a dump
    pdf.compile_tex(files["exam.tex"], tmp_path / "a" / "exam.pdf", "exam", engine="pdflatex")
    early = pdf.start_early(files["exam.tex"], ("exam", "key", "spare"))
    runs = dict(early)
    assert sorted(early) == ["exam", "key", "spare"]

    def no_usual_run(*args):
        raise AssertionError("compiled without its early run")

    with monkeypatch.context() as m:
        m.setattr(pdf, "_run_tex", no_usual_run)
        pdf.compile_tex(files["exam.tex"], tmp_path / "b" / "exam.pdf", "exam", engine="pdflatex", early=early)
    assert (tmp_path / "a" / "exam.pdf").read_bytes() == (tmp_path / "b" / "exam.pdf").read_bytes()
    assert "exam" not in early and runs["exam"].proc.returncode == 0 and not Path(runs["exam"].tmp).exists()
    lines = files["key.tex"].splitlines()
    at = lines.index("\\begin{document}") + 3
    broken = "\n".join(lines[:at] + ["\\undefinedcommandhere"] + lines[at:]) + "\n"
    with pytest.raises(ExamgenError, match=f"key.tex:{at + 1}: Undefined control sequence"):
        pdf.compile_tex(broken, tmp_path / "c.pdf", "key", engine="pdflatex", early=early)
    assert runs["key"].proc.returncode not in (None, 0) and not Path(runs["key"].tmp).exists()
    # Each run was given the document's first line at its start; a body that does not begin with
    # it is refused (the caller compiles it afresh).
    assert runs["spare"].prefix.endswith("\n\\begin{document}\n") and runs["spare"].prefix.strip() == "\\begin{document}"
    assert runs["spare"].finish("\\begin{document}x\\end{document}\n") is None
    pdf.stop_early(early)
    assert early == {} and runs["spare"].proc.returncode is not None and not Path(runs["spare"].tmp).exists()
    # A format TeX cannot load: the early run fails, the document is compiled whole as before.
    [fmt] = (tmp_path / "cache").glob("*.fmt")
    fmt.write_bytes(b"not a format" * 1000)
    early = pdf.start_early(files["exam.tex"], ("exam",))
    pdf.compile_tex(files["exam.tex"], tmp_path / "d.pdf", "exam", engine="pdflatex", early=early)
    assert (tmp_path / "a" / "exam.pdf").read_bytes() == (tmp_path / "d.pdf").read_bytes()
    assert not fmt.exists()


def test_generate_feeds_the_runs_it_started_early(tmp_path, monkeypatch):
    """With the format cached, one exam's exam.pdf and key.pdf both come from pdflatex runs
    started before the exam was built (no run started after it), byte for byte as before."""
    from examgen import generate
    from examgen.exam import load_spec

    monkeypatch.setenv(safeio.CACHE_ENV, str(tmp_path / "cache"))
    generate.generate(load_spec(), tmp_path / "a", seed=3, formats={"pdf"})

    def no_usual_run(*args):
        raise AssertionError("compiled without its early run")

    monkeypatch.setattr(pdf, "_run_tex", no_usual_run)
    generate.generate(load_spec(), tmp_path / "b", seed=3, formats={"pdf"})
    for name in ("exam.pdf", "key.pdf"):
        assert (tmp_path / "a" / name).read_bytes() == (tmp_path / "b" / name).read_bytes()


def test_early_runs_end_when_examgen_dies(tmp_path, monkeypatch):
    """A command killed before it feeds its early runs leaves no pdflatex waiting: the pipe closes
    and TeX stops at the end of its input."""
    import sys
    import time

    from examgen.documents import render_version
    from examgen.exam import build_version, load_spec

    monkeypatch.setenv(safeio.CACHE_ENV, str(tmp_path / "cache"))
    tex = render_version(build_version(load_spec(), 2), {"tex"})["exam.tex"]
    pdf.preamble_format(pdf.split_preamble(tex)[0])
    (tmp_path / "exam.tex").write_text(tex, encoding="utf-8")
    child = ("import os, sys; from examgen import pdf; "
             "runs = pdf.start_early(open(sys.argv[1], encoding='utf-8').read(), ('exam', 'key')); "
             "print(*(r.proc.pid for r in runs.values()), flush=True); os._exit(0)")  # no exit handlers
    (tmp_path / "tmp").mkdir()   # the runs' folders, which a killed command leaves behind
    out = subprocess.run([sys.executable, "-c", child, str(tmp_path / "exam.tex")], capture_output=True,
                         text=True, timeout=60, env=dict(os.environ, TMPDIR=str(tmp_path / "tmp")))
    pids = [int(p) for p in out.stdout.split()]
    assert len(pids) == 2, out.stderr

    def running(pid: int) -> bool:
        try:   # a zombie (state Z) has ended
            return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0] != "Z"
        except (OSError, IndexError):
            return False

    deadline = time.monotonic() + 30
    while any(map(running, pids)) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert not any(map(running, pids)), "pdflatex still waiting after examgen died"


def test_prefetched_lookups_are_the_ones_used(monkeypatch):
    """prefetch() runs TeX's two kpsewhich lookups in the background; later uses wait for them
    and run none of their own."""
    real, runs = pdf._kpsewhich, []
    monkeypatch.setattr(pdf, "_kpsewhich", lambda *names: runs.append(names) or real(*names))
    monkeypatch.setattr(pdf, "_lookups", None)
    pdf._tex_stamp.cache_clear(), pdf._pdflatex_chars.cache_clear()
    try:
        pdf.prefetch()
        chars, fmt = pdf.pdflatex_chars(), pdf._format_path("\\documentclass{article}\n")
        assert not pdf._lookups.is_alive() and len(runs) == 2
        assert "é" in chars and "中" not in chars and fmt is not None and fmt.name.startswith("pdflatex-")
        pdf.prefetch()   # once a process
        assert len(runs) == 2
    finally:
        pdf._tex_stamp.cache_clear(), pdf._pdflatex_chars.cache_clear()
