"""Lines past the right margin: compile LaTeX, read TeX's log, name the problem of each overfull box.

TeX reports a line wider than the text as `Overfull \\hbox (12.3pt too wide) in paragraph at
lines 120--125` (or `in alignment at lines …`, `detected at line …` for displays). The line
numbers are those of the .tex source, so the last `\\section*{Problem N …}` or
`\\subsection*{Exercise N}` heading above them names the instance that overflowed.
"""
from __future__ import annotations

import os
import re
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path

LIMIT_PT = 1.0  # TeX's own \hfuzz is 0.1 pt; a line 1 pt too wide is visibly past the margin

_OVERFULL = re.compile(r"^Overfull \\hbox \((\d+(?:\.\d+)?)pt too wide\) "
                       r"(?:in paragraph at lines (\d+)--\d+|in alignment at lines (\d+)--\d+"
                       r"|detected at line (\d+))")
_HEADING = re.compile(r"\\(?:section\*\{Problem|subsection\*\{Exercise) (\d+)")


@dataclass
class Overfull:
    points: float
    line: int          # first source line TeX names
    number: int | None  # the Problem/Exercise number whose text holds that line
    text: str          # TeX's picture of the line (fonts and characters)


def compile_log(tex: str, engine: str = "pdflatex", name: str = "layout") -> str:
    """The log of compiling `tex` with `engine` (an error fails with the log's end)."""
    env = dict(os.environ, max_print_line="100000", error_line="254", half_error_line="238")
    from examgen import pdf

    with tempfile.TemporaryDirectory(prefix="examgen-layout-") as tmp:
        # pdflatex from examgen's cached preamble format, as examgen compiles (line numbers kept)
        parts = pdf.split_preamble(tex) if engine == "pdflatex" else None
        fmt = pdf.preamble_format(parts[0]) if parts else None
        Path(tmp, name + ".tex").write_text(parts[1] if fmt else tex, encoding="utf-8")
        if engine != "pdflatex":  # the fonts examgen hands LuaLaTeX
            Path(tmp, "examgen-fonts.tex").write_text(pdf.fonts_file(tex), encoding="utf-8")
        run = subprocess.run([engine, "-interaction=nonstopmode", "-halt-on-error", "-no-shell-escape",
                              "-draftmode", *([f"-fmt={fmt.with_suffix('')}"] if fmt else []), name + ".tex"],
                             cwd=tmp, env=env, stdin=subprocess.DEVNULL, capture_output=True, timeout=900)
        log_path = Path(tmp, name + ".log")
        log = log_path.read_text(encoding="utf-8", errors="replace") if log_path.is_file() else ""
        if run.returncode != 0:
            raise AssertionError(f"{engine} failed on {name}:\n" + "\n".join(log.splitlines()[-30:]))
        return log


def overfull_boxes(log: str, tex: str, limit: float = LIMIT_PT) -> list[Overfull]:
    """Every overfull \\hbox wider than `limit` pt, with the heading number it falls under."""
    headings = [(i + 1, int(m.group(1))) for i, line in enumerate(tex.splitlines())
                if (m := _HEADING.search(line))]
    lines = log.splitlines()
    found = []
    for i, entry in enumerate(lines):
        m = _OVERFULL.match(entry)
        if not m or float(m.group(1)) <= limit:
            continue
        line = int(next(g for g in m.groups()[1:] if g))
        number = None
        for at, n in headings:
            if at > line:
                break
            number = n
        picture = lines[i + 1] if i + 1 < len(lines) else ""
        found.append(Overfull(float(m.group(1)), line, number, picture[:300]))
    return found
