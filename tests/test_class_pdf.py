"""Every name in the PDF: rosters in many scripts compiled with a real TeX engine, read back with pdftotext."""
import json
import os
import re
import shutil
import subprocess
import unicodedata

import pytest

from examgen import pdf

from helpers import right_to_left_lines, run

HAVE_TEX = pdf.available() and shutil.which("pdftotext")
if not HAVE_TEX and os.environ.get("EXAMGEN_REQUIRE_TEX"):
    raise RuntimeError("EXAMGEN_REQUIRE_TEX is set but pdflatex/pdftotext are missing")
UNICODE = HAVE_TEX and pdf.unicode_engine() and pdf._coverage("WenQuanYi Micro Hei")
if not UNICODE and os.environ.get("EXAMGEN_REQUIRE_TEX"):
    raise RuntimeError("EXAMGEN_REQUIRE_TEX is set but lualatex, Noto Serif or WenQuanYi Micro Hei is missing")
pytestmark = [pytest.mark.tex, pytest.mark.skipif(not HAVE_TEX, reason="needs pdflatex and pdftotext")]

NAMES = ["王小明", "Nguyễn Thị Minh Khai", "Björk Guðmundsdóttir", "Oluwaseun Adébáyọ̀", "Zoë O’Brien-Łukasz"]
TITLE = 'Quiz <1> | "A" & B'


def text_of(path, page=None) -> str:
    pages = ["-f", str(page), "-l", str(page)] if page else []
    out = subprocess.run(["pdftotext", *pages, str(path), "-"], capture_output=True, text=True, check=True).stdout
    return " ".join(unicodedata.normalize("NFC", out).split())


def _class(tmp_path, names, *extra, seed="8", name="class", title=TITLE):
    roster = tmp_path / f"{name}.csv"
    roster.write_text("student_id,name\n" + "".join(f'{i},"{n}"\n' for i, n in enumerate(names, 1)), encoding="utf-8")
    spec = tmp_path / "quiz.yaml"
    spec.write_text(f"title: '{title}'\nproblems:\n  - id: iou\n    points: 6\n", encoding="utf-8")
    out = tmp_path / name
    r = run("generate", "--spec", spec, "--roster", roster, "--out", out, "--format", "pdf", "--seed", seed, *extra)
    return out, r


@pytest.mark.skipif(not UNICODE, reason="needs lualatex, fontspec, Noto Serif and WenQuanYi Micro Hei")
def test_names_in_many_scripts_reach_every_pdf_and_one_warning_names_the_student_without_a_font(tmp_path):
    out, r = _class(tmp_path, NAMES + ["Emoji 🙂 Fan"])
    assert r.returncode == 0, r.stderr
    versions = json.loads((out / "key.json").read_text(encoding="utf-8"))["versions"]
    for v in versions:
        exam, key = text_of(out / v["folder"] / "exam.pdf"), text_of(out / v["folder"] / "key.pdf")
        expected = v["student"].replace("🙂", "(U+1F642)")
        assert expected in exam and expected in key, (expected, exam[:200])
        assert TITLE in exam and v["exam"] in exam
        assert "seed" not in exam.lower()
    warnings = [line for line in r.stderr.splitlines() if "warning" in line]
    assert len(warnings) == 1 and "Emoji 🙂 Fan (6)" in warnings[0] and "U+1F642" in warnings[0]
    # exams.pdf: every version starts on an odd page; keys.pdf holds every key
    combined = out / "exams.pdf"
    pages = int(next(line.split()[-1] for line in subprocess.run(
        ["pdfinfo", str(combined)], capture_output=True, text=True).stdout.splitlines() if line.startswith("Pages")))
    starts = [p for p in range(1, pages + 1) if "Name:" in text_of(combined, p)]
    assert len(starts) == len(versions) and all(p % 2 == 1 for p in starts)
    keys = text_of(out / "keys.pdf")
    assert all(v["student"].replace("🙂", "(U+1F642)") in keys for v in versions)


@pytest.mark.skipif(not UNICODE, reason="needs lualatex and its fonts")
def test_right_to_left_names_and_titles_read_in_order_with_arabic_joined(tmp_path):
    # Set left to right (the defect), these names came out with their words swapped and their
    # letters reversed (pdftotext read "دمحأ ىليل", "ןהכ דוד"), the Arabic letters unjoined.
    names, title = ["ليلى أحمد", "דוד כהן"], "اختبار الشبكات العصبية 2"
    out, r = _class(tmp_path, names, title=title)
    assert r.returncode == 0, r.stderr
    versions = json.loads((out / "key.json").read_text(encoding="utf-8"))["versions"]
    assert sorted(v["student"] for v in versions) == sorted(names)
    for v in versions:
        for doc in ("exam.pdf", "key.pdf"):
            lines = ["".join(line) for line in right_to_left_lines(out / v["folder"] / doc)]
            assert v["student"] in lines and "اختبار الشبكات العصبية" in lines, (doc, lines)
    assert "דוד כהן" in text_of(out / "דוד-כהן" / "exam.pdf")     # no ligatures: pdftotext reads it whole
    # Shaped with the Arabic script: ليلى's lam and alef maksura are one glyph, the font's ligature.
    glyphs = [g.strip() for line in right_to_left_lines(out / "ليلى-أحمد" / "exam.pdf") for g in line]
    assert "لى" in glyphs, glyphs
    for combined in ("exams.pdf", "keys.pdf"):
        lines = ["".join(line) for line in right_to_left_lines(out / combined)]
        assert all(n in lines for n in names), (combined, lines)
    # The number after the Arabic title is set to its left, where the bidi algorithm puts it
    # (the title's words right to left, then 2); left to right it came at the right.
    bbox = subprocess.run(["pdftotext", "-bbox", "-f", "1", "-l", "1", str(out / "ليلى-أحمد" / "exam.pdf"), "-"],
                          capture_output=True, text=True, check=True).stdout
    words = [(float(x0), float(y0), float(y1), w) for x0, y0, y1, w in
             re.findall(r'<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="[\d.]+" yMax="([\d.]+)">([^<]*)</word>', bbox)]
    arabic = [(x, y0, y1) for x, y0, y1, w in words if re.search("[\u0600-\u06ff]", unicodedata.normalize("NFKC", w))]
    twos = [(x, (y0 + y1) / 2) for x, y0, y1, w in words if w == "2"]
    beside = [(x, [a for a, y0, y1 in arabic if y0 <= y <= y1]) for x, y in twos]
    beside = [(x, line) for x, line in beside if line]
    assert len(beside) == 2, words    # the page header's title and the heading's
    assert all(x < min(line) for x, line in beside), beside


@pytest.mark.skipif(not UNICODE or not pdf._coverage("Noto Sans Devanagari"), reason="needs Noto Sans fonts")
def test_each_script_font_is_told_its_script_so_harfbuzz_shapes_it():
    # Untold, luaotfload shapes with no script: Arabic unjoined (the test above), हिन्दी as
    # ह ि न ् द ी (its vowel sign after the consonant, no conjunct); told, as the font's designer meant.
    fonts = pdf.fonts_file("ليلى हिन्दी דוד 王")
    assert '"Noto Sans Arabic:mode=harf;script=arab;"' in fonts
    assert '"Noto Sans Devanagari:mode=harf;script=dev2;"' in fonts
    assert '"Noto Sans Hebrew:mode=harf;script=hebr;"' in fonts
    assert set(pdf.FALLBACK_SCRIPTS) <= set(pdf.FALLBACK_FONTS)


@pytest.mark.skipif(not UNICODE, reason="needs lualatex and its fonts")
def test_unicode_pdfs_are_byte_reproducible(tmp_path):
    """A LuaLaTeX exam compiled twice gives the same bytes: one student whose name is in three
    scripts (CJK, Vietnamese, Arabic set right to left). generate compiles with the same
    pdf.compile_tex; that it writes the same .tex every time is tests/test_generate.py's. (Two
    whole classes took 16 LuaLaTeX runs to show this; the class's own PDFs took 4 more.)"""
    name = "王小明 Nguyễn Thị ليلى أحمد"
    out, r = _class(tmp_path, [name], "--format", "tex")
    assert r.returncode == 0, r.stderr
    tex = (out / "王小明-Nguyễn-Thị-ليلى-أحمد" / "exam.tex").read_text(encoding="utf-8")
    runs = [pdf.compile_tex(tex, tmp_path / f"{k}.pdf", "exam") for k in ("a", "b")]
    assert {done.engine for done in runs} == {pdf.UNICODE_ENGINE}
    assert (tmp_path / "a.pdf").read_bytes() == (tmp_path / "b.pdf").read_bytes()
    assert name.split()[0] in text_of(tmp_path / "a.pdf")


def test_pdflatex_prints_title_symbols_as_themselves_and_strips_what_it_cannot_set(tmp_path):
    tex = ("\\documentclass{article}\\usepackage{iftex}\\ifPDFTeX\\usepackage[T1]{fontenc}"
           "\\usepackage[utf8]{inputenc}\\usepackage{lmodern}\\fi\\begin{document}"
           "Quiz <1> | \\textquotedbl{}A\\textquotedbl{} Björk Adébáyọ̀ 王\\end{document}\n")
    done = pdf.compile_tex(tex, tmp_path / "t.pdf", "t", engine="pdflatex")
    assert done.missing == ["王"]
    assert 'Quiz <1> | "A" Björk Adébáyo (U+738B)' in text_of(tmp_path / "t.pdf")


def test_ascii_class_compiles_with_pdflatex_and_shows_title_symbols(tmp_path):
    out, r = _class(tmp_path, ["Ada Lovelace", "Alan Turing"])
    assert r.returncode == 0, r.stderr
    assert TITLE in text_of(out / "Ada-Lovelace" / "exam.pdf")
    assert pdf.choose_engine([(out / "exams.pdf").name]) == "pdflatex"


def test_a_failed_compile_keeps_its_tex_and_names_it(tmp_path):
    good = "\\documentclass{article}\\begin{document}ok\\end{document}\n"
    bad = "\\documentclass{article}\\begin{document}\\undefinedmacro\\end{document}\n"
    with pytest.raises(Exception) as e:
        pdf.compile_many([(good, tmp_path / "a.pdf", "a"), (bad, tmp_path / "v2" / "exam.pdf", "exam")]
                         if (tmp_path / "v2").mkdir() is None else [])
    assert "1 of 2 PDF(s) failed" in str(e.value) and str(tmp_path / "v2" / "exam.tex") in str(e.value)
    assert (tmp_path / "a.pdf").is_file() and "undefinedmacro" in (tmp_path / "v2" / "exam.tex").read_text()


def test_worksheet_title(tmp_path):
    target = tmp_path / "w.tex"
    r = run("worksheet", "--problems", "iou", "--count", "1", "--title", "Week 3 <review>", "--out", target)
    assert r.returncode == 0, r.stderr
    assert "Week 3 <review>" in target.read_text()
