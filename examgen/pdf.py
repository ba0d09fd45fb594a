"""PDF from LaTeX with a real TeX engine (pdflatex), run in a temporary folder.

One pdflatex pass suffices: the documents have no cross-references. SOURCE_DATE_EPOCH and
the preamble's \\pdftrailerid{} make the PDF bytes reproducible.
"""
from __future__ import annotations

import os
import re
import shutil
import subprocess
import tempfile
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from .errors import ExamgenError
from .safeio import copy_file

ENGINE = "pdflatex"
TIMEOUT = 300  # seconds for one document
NO_TEX = ("no TeX engine found (pdflatex): install TeX Live, e.g. `apt-get install "
          "texlive-latex-base texlive-latex-recommended texlive-fonts-recommended`, "
          "or use --format md,tex")


def available() -> bool:
    return shutil.which(ENGINE) is not None


def compile_tex(tex: str, pdf_path: str | Path, name: str = "document") -> Path:
    """Compile LaTeX source to `pdf_path`; a LaTeX error raises with the log's relevant lines."""
    engine = shutil.which(ENGINE)
    if not engine:
        raise ExamgenError(NO_TEX)
    env = dict(os.environ, SOURCE_DATE_EPOCH="0", FORCE_SOURCE_DATE="1", TEXMFOUTPUT="")
    with tempfile.TemporaryDirectory(prefix="examgen-tex-") as tmp:
        src = Path(tmp, name + ".tex")
        src.write_text(tex, encoding="utf-8")
        cmd = [engine, "-interaction=nonstopmode", "-halt-on-error", "-no-shell-escape",
               "-file-line-error", src.name]
        try:
            run = subprocess.run(cmd, cwd=tmp, env=env, stdin=subprocess.DEVNULL,
                                 capture_output=True, timeout=TIMEOUT)
        except subprocess.TimeoutExpired:
            raise ExamgenError(f"{name}.tex: pdflatex did not finish in {TIMEOUT} s") from None
        pdf = Path(tmp, name + ".pdf")
        if run.returncode != 0 or not pdf.is_file():
            log = Path(tmp, name + ".log")
            text = log.read_text(encoding="latin-1") if log.is_file() else run.stdout.decode("latin-1")
            raise ExamgenError(f"LaTeX failed on {name}.tex:\n{log_excerpt(text)}")
        # Through the atomic writer: a planted symlink at exam.pdf is replaced, never written through.
        return copy_file(pdf, pdf_path)


def log_excerpt(log: str, context: int = 3) -> str:
    """The error lines of a TeX log ("! ..." or "file.tex:12: ...") with the lines after them."""
    lines = log.splitlines()
    picked = []
    for i, line in enumerate(lines):
        if line.startswith("!") or re.match(r"^\S+\.tex:\d+: ", line):
            picked.extend(lines[i:i + context + 1])
            if len(picked) > 20:
                break
    return "\n".join(picked) if picked else "\n".join(lines[-15:])


def compile_many(jobs: list[tuple[str, Path, str]], workers: int | None = None, progress=None) -> None:
    """Compile many documents at once, one pdflatex per core."""
    if not jobs:
        return
    if not available():
        raise ExamgenError(NO_TEX)
    workers = workers or os.cpu_count() or 1
    with ThreadPoolExecutor(max_workers=workers) as pool:
        for _ in pool.map(lambda j: compile_tex(*j), jobs):
            if progress:
                progress(1)
