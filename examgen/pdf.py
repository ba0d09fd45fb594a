"""PDF from LaTeX with a real TeX engine, run in a temporary folder.

pdflatex (T1 fonts) sets Western European text; a batch whose text needs more (Vietnamese,
Yoruba, CJK, any script) is compiled with LuaLaTeX and fontspec when they are installed:
Noto Serif for the text, with fallback fonts (a CJK font, Noto Sans for other scripts) chosen
per document from what fontconfig says they cover. The .tex files themselves do not depend on
the machine: the preamble asks `iftex` which engine runs, and examgen hands LuaLaTeX the fonts
in a small examgen-fonts.tex beside the document.

A character no installed font can set never stops a batch: it is shown as (U+XXXX), or
without its accents under pdflatex, and the caller gets a warning naming the document.
One pass suffices: the documents have no cross-references. SOURCE_DATE_EPOCH and the
preamble make the PDF bytes reproducible with either engine.
"""
from __future__ import annotations

import atexit
import bisect
import hashlib
import os
import re
import shutil
import tempfile
import threading
import unicodedata
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from .errors import ExamgenError
from .safeio import cache_dir, copy_file, prune

ENGINE = "pdflatex"             # always the fallback
UNICODE_ENGINE = "lualatex"
TIMEOUT = 300  # seconds for one document
NO_TEX = ("no TeX engine found (pdflatex): install TeX Live, e.g. `apt-get install "
          "texlive-latex-base texlive-latex-recommended texlive-fonts-recommended`, "
          "or use --format md,tex")
MAIN_FONT = "Noto Serif"        # Debian: fonts-noto-core
# Tried in order for characters the main font lacks (Debian: fonts-noto-cjk or fonts-wqy-microhei
# for CJK; fonts-noto-core for the rest).
FALLBACK_FONTS = ("Noto Serif CJK SC", "Noto Sans CJK SC", "WenQuanYi Micro Hei", "WenQuanYi Zen Hei",
                  "Noto Sans Arabic", "Noto Sans Hebrew", "Noto Sans Devanagari", "Noto Sans Bengali",
                  "Noto Sans Tamil", "Noto Sans Telugu", "Noto Sans Thai", "Noto Sans Georgian",
                  "Noto Sans Armenian", "Noto Sans Ethiopic", "Noto Sans Sinhala", "Noto Sans Khmer",
                  "Noto Sans Symbols", "Noto Sans Symbols2")
# HarfBuzz shapes a script's letters (Arabic joining, Devanagari conjuncts and vowel signs, marks
# over Hebrew letters) only when the font is told the script (OpenType tags): luaotfload does not
# guess it, and untold it set Arabic unjoined and हिन्दी as ह ि न ् द ी.
FALLBACK_SCRIPTS = {"Noto Sans Arabic": "arab", "Noto Sans Hebrew": "hebr", "Noto Sans Devanagari": "dev2",
                    "Noto Sans Bengali": "bng2", "Noto Sans Tamil": "tml2", "Noto Sans Telugu": "tel2",
                    "Noto Sans Thai": "thai", "Noto Sans Georgian": "geor", "Noto Sans Armenian": "armn",
                    "Noto Sans Ethiopic": "ethi", "Noto Sans Sinhala": "sinh", "Noto Sans Khmer": "khmr"}


def available() -> bool:
    return shutil.which(ENGINE) is not None


@lru_cache(maxsize=None)
def unicode_engine() -> bool:
    """LuaLaTeX with fontspec and the main font installed."""
    return bool(shutil.which(UNICODE_ENGINE) and _kpsewhich("fontspec.sty") and _coverage(MAIN_FONT))


# --- what each engine can set ---------------------------------------------------------------------
def _kpsewhich(*names: str) -> list[str]:
    """The paths TeX finds for the files (one kpsewhich run for them all; missing ones left out)."""
    import subprocess  # (here and below: ~5 ms to import, and `generate --format md` runs no TeX)

    if not shutil.which("kpsewhich"):
        return []
    try:
        run = subprocess.run(["kpsewhich", *names], capture_output=True, text=True, timeout=30)
    except (OSError, subprocess.TimeoutExpired):
        return []
    return [line for line in run.stdout.splitlines() if line.strip()]


# --- TeX's own files, looked up once a process (kpsewhich: about 10 ms a run) ----------------------
_lookups: threading.Thread | None = None


def prefetch() -> None:
    """Start looking up what a PDF needs from TeX (the base format, the input encodings) in the
    background, so that a command that will compile finds them ready; the first use waits."""
    global _lookups
    if _lookups is None and available():
        _lookups = threading.Thread(target=lambda: (_tex_stamp(), _pdflatex_chars()), daemon=True)
        _lookups.start()


def _lookups_done() -> None:
    if _lookups is not None:
        _lookups.join()


def pdflatex_chars() -> frozenset:
    """The non-ASCII characters pdflatex's utf8 input encoding sets with the preamble's encodings."""
    _lookups_done()
    return _pdflatex_chars()


@lru_cache(maxsize=None)
def _pdflatex_chars() -> frozenset:
    chars = set()
    for path in _kpsewhich("t1enc.dfu", "ts1enc.dfu", "ot1enc.dfu", "omsenc.dfu"):
        text = Path(path).read_text(encoding="latin-1")
        chars.update(chr(int(h, 16)) for h in re.findall(r"\\DeclareUnicodeCharacter\{([0-9A-Fa-f]+)\}", text))
    return frozenset(chars)


@lru_cache(maxsize=None)
def _coverage(family: str) -> tuple:
    """Sorted (start, end) code point ranges the font covers, per fontconfig; () when not installed."""
    import subprocess

    if not shutil.which("fc-list"):
        return ()
    try:
        run = subprocess.run(["fc-list", "--format", "%{charset}\n", f":family={family}:style=Regular"],
                             capture_output=True, text=True, timeout=60)
    except (OSError, subprocess.TimeoutExpired):
        return ()
    line = run.stdout.splitlines()[0] if run.stdout.strip() else ""
    ranges = []
    for part in line.split():
        lo, _, hi = part.partition("-")
        ranges.append((int(lo, 16), int(hi or lo, 16)))
    return tuple(sorted(ranges))


def _covers(family: str, c: str) -> bool:
    ranges = _coverage(family)
    i = bisect.bisect_right(ranges, (ord(c), 0x10FFFF + 1)) - 1
    return i >= 0 and ranges[i][0] <= ord(c) <= ranges[i][1]


def _text_chars(tex: str) -> set[str]:
    return {c for c in set(tex) if ord(c) > 0x7E}


def _lua_settable(c: str) -> bool:
    return unicodedata.category(c) in ("Mn", "Me", "Cf") or _covers(MAIN_FONT, c) or \
        any(_covers(f, c) for f in FALLBACK_FONTS)


def choose_engine(texts) -> str:
    """pdflatex when it sets every character of every text (fast), else LuaLaTeX if installed."""
    supported = pdflatex_chars()
    needs = set().union(*(_text_chars(t) for t in texts)) - supported
    return UNICODE_ENGINE if needs and unicode_engine() else ENGINE


def placeholder(c: str) -> str:
    return f"(U+{ord(c):04X})"


def settable(tex: str, engine: str) -> tuple[str, list[str]]:
    """The text with every character the engine cannot set replaced; and those characters.

    pdflatex drops the accents it cannot set (Adébáyọ̀ → Adébáyo); what remains, and what no
    installed font has under LuaLaTeX, is shown as its code point: (U+1F642).
    """
    missing = []
    if engine == ENGINE:
        supported = pdflatex_chars()

        def fix(c):
            if c in supported:
                return c
            base = "".join(x for x in unicodedata.normalize("NFD", c) if not unicodedata.combining(x))
            if base and all(ord(x) <= 0x7E or x in supported for x in base):
                return unicodedata.normalize("NFC", base)
            if unicodedata.combining(c):
                return ""
            missing.append(c)
            return placeholder(c)
        ok = lambda c: c in supported  # noqa: E731
    else:
        def fix(c):
            missing.append(c)
            return placeholder(c)
        ok = _lua_settable
    bad = {c for c in _text_chars(tex) if not ok(c)}
    if not bad:
        return tex, []
    if engine == ENGINE:
        tex = unicodedata.normalize("NFC", tex)
        bad = {c for c in _text_chars(tex) if not ok(c)}
    out = "".join(fix(c) if c in bad else c for c in tex)
    return out, sorted(set(missing))


def fonts_file(tex: str) -> str:
    """examgen-fonts.tex for LuaLaTeX: the main font and just the fallbacks this document needs."""
    needed = []
    for c in sorted(_text_chars(tex)):
        if unicodedata.category(c) in ("Mn", "Me", "Cf") or _covers(MAIN_FONT, c):
            continue
        font = next((f for f in FALLBACK_FONTS if _covers(f, c)), None)
        if font and font not in needed:
            needed.append(font)
    fallbacks = "".join(f'"{f}:mode=harf;{_script(f)}",' for f in sorted(needed, key=FALLBACK_FONTS.index))
    return (f"\\def\\examgenmainfont{{{MAIN_FONT}}}\n"
            f"\\def\\examgenfallback{{{fallbacks}}}\n")


def _script(font: str) -> str:
    return f"script={FALLBACK_SCRIPTS[font]};" if font in FALLBACK_SCRIPTS else ""


# --- a pdflatex format with the preamble dumped in it --------------------------------------------
# Loading the preamble's packages is about a quarter of pdflatex's time on an exam. Dumped once
# into a format (TeX's own "precompiled preamble", like mylatexformat), every later document
# with the same preamble starts from it; the PDF bytes are the same either way.
_BEGIN = "\\begin{document}"
FORMATS_KEPT = 4   # formats kept in the cache folder, the most recently used
# A dumped format is stored uncompressed: pdftex writes it gzipped (6-7 MB) and reads it through
# zlib's gzread, which reads an uncompressed file as it is; inflating ~18 MB cost ~80 ms of CPU
# at the start of every run, more than the rest of the run's start-up. Part of the cache key, so
# that a format cached gzipped by an earlier examgen is dumped again (and pruned) once.
FORMAT_LAYOUT = "uncompressed"
_GZIP_MAGIC = b"\x1f\x8b"
_format_locks: dict = {}
_format_lock = threading.Lock()


@lru_cache(maxsize=None)
def _tex_stamp() -> str:
    """What a dumped format depends on besides the preamble: the engine and its base format."""
    parts = []
    for path in [shutil.which(ENGINE) or "", *_kpsewhich("-engine=pdftex", "pdflatex.fmt")]:
        try:
            st = os.stat(os.path.realpath(path))
        except OSError:
            return ""
        parts.append(f"{os.path.realpath(path)}:{st.st_size}:{st.st_mtime_ns}")
    return "|".join(parts) if len(parts) == 2 else ""


def _format_path(preamble: str) -> Path | None:
    """Where the format for `preamble` lives (or will), or None without a cache folder or base format."""
    _lookups_done()
    stamp, folder = _tex_stamp(), cache_dir()
    if not stamp or folder is None:
        return None
    key = hashlib.sha256((stamp + "\n" + FORMAT_LAYOUT + "\n" + preamble).encode("utf-8")).hexdigest()[:20]
    return folder / f"pdflatex-{key}.fmt"


def cached_format(preamble: str) -> Path | None:
    """The format for `preamble` if it is dumped already (never dumps it)."""
    fmt = _format_path(preamble)
    if fmt is None or not fmt.is_file():
        return None
    _touch(fmt)
    return fmt


def preamble_format(preamble: str) -> Path | None:
    """A pdflatex format holding `preamble`, dumped on first use and cached; None when it
    cannot be (no cache folder, no base format found, or the dump fails): compile as usual."""
    fmt = _format_path(preamble)
    if fmt is None:
        return None
    with _format_lock:
        lock = _format_locks.setdefault(fmt.name, threading.Lock())
    with lock:   # the exam and its key want the same format at once: dump it once
        if not fmt.is_file() and not _dump_format(preamble, fmt):
            return None
    _touch(fmt)
    return fmt


def _touch(fmt: Path) -> None:
    """Mark a format used now (prune_formats keeps the most recently used)."""
    try:
        os.utime(fmt)
    except OSError:
        pass


def warm_format(tex: str) -> None:
    """Start dumping the format for the preamble of `tex` in the background (a TeX process runs
    while Python builds the documents); compile_tex waits for it. Nothing when it is cached."""
    parts = split_preamble(tex)
    fmt = _format_path(parts[0]) if parts and available() else None   # in this thread: one kpsewhich run
    if fmt is not None and not fmt.is_file():
        job = threading.Thread(target=preamble_format, args=(parts[0],), daemon=True)
        job.start()
        atexit.register(job.join, TIMEOUT)   # a command that ends early still leaves no half-dumped format


def _dump_format(preamble: str, fmt: Path) -> bool:
    import subprocess

    # dumped beside its final place, so that os.replace puts it there whole
    with tempfile.TemporaryDirectory(prefix=".examgen-fmt-", dir=fmt.parent) as tmp:
        Path(tmp, "preamble.tex").write_text(preamble + "\\dump\n", encoding="utf-8")
        try:
            run = subprocess.run([shutil.which(ENGINE), "-ini", "-interaction=nonstopmode", "-halt-on-error",
                                  "-no-shell-escape", f"-jobname={fmt.stem}", "&pdflatex", "preamble.tex"],
                                 cwd=tmp, stdin=subprocess.DEVNULL, capture_output=True, timeout=TIMEOUT,
                                 env=dict(os.environ, TEXMFOUTPUT=""))
        except (OSError, subprocess.TimeoutExpired):
            return False
        built = Path(tmp, fmt.name)
        if run.returncode != 0 or not built.is_file():
            return False
        try:
            os.replace(_inflated(built), fmt)
        except OSError:
            return False
    prune_formats(fmt.parent)
    return True


def _inflated(fmt: Path) -> Path:
    """The format file uncompressed, beside it (the file itself when pdftex did not gzip it)."""
    with open(fmt, "rb") as f:
        if f.read(2) != _GZIP_MAGIC:
            return fmt
    import gzip
    import zlib

    plain = fmt.with_suffix(".plain")
    try:
        with gzip.open(fmt, "rb") as src, open(plain, "wb") as dst:
            shutil.copyfileobj(src, dst, 1 << 20)
    except (EOFError, zlib.error) as e:   # a truncated or damaged dump: no format, compile as usual
        raise OSError(f"{fmt.name}: {e}") from e
    return plain


def prune_formats(folder: Path, keep: int = FORMATS_KEPT) -> list[Path]:
    """Delete all but the `keep` most recently used formats (each is about 18 MB; a new examgen or TeX
    Live makes a new one); the deleted paths. A process still using one compiles around it."""
    return prune(folder, "pdflatex-*.fmt", keep)


def split_preamble(tex: str) -> tuple[str, str] | None:
    """(preamble, the rest from \\begin{document}), the rest padded with the preamble's line breaks
    so that TeX's line numbers still point into the whole document; None without a preamble."""
    at = tex.find(_BEGIN)
    if at <= 0 or not tex.startswith("\\documentclass"):
        return None
    head = tex[:at]
    return head, "\n" * head.count("\n") + tex[at:]


# --- compiling -------------------------------------------------------------------------------------
@dataclass
class Compiled:
    path: Path
    missing: list        # characters no installed font could set (shown as placeholders)
    engine: str


def compile_tex(tex: str, pdf_path: str | Path, name: str = "document", engine: str | None = None,
                early: dict | None = None) -> Compiled:
    """Compile LaTeX source to `pdf_path`; a LaTeX error raises with the log's relevant lines.

    `early` ({name: EarlyRun}, from start_early) may hold a run already started for this
    document: it is used when it runs the same engine and format, and taken out of the dict."""
    if not available():
        raise ExamgenError(NO_TEX)
    engine = engine or choose_engine([tex])
    tex, missing = settable(tex, engine)
    parts = split_preamble(tex) if engine == ENGINE else None
    fmt = preamble_format(parts[0]) if parts else None
    run = early.pop(name, None) if early is not None else None
    pdf = run.finish(parts[1]) if run is not None and run.fmt == fmt else None
    if run is not None and pdf is None:
        run.stop()
    try:
        pdf = pdf or _run_tex(parts[1] if fmt else tex, name, engine, fmt)
    except ExamgenError:
        if fmt is None:
            raise
        pdf = _run_tex(tex, name, engine, None)   # the document is fine: the cached format is not
        fmt.unlink(missing_ok=True)              # (damaged, or from another TeX): dump it afresh next time
    # Through the atomic writer: a planted symlink at exam.pdf is replaced, never written through.
    try:
        return Compiled(copy_file(pdf, pdf_path), missing, engine)
    finally:
        shutil.rmtree(pdf.parent, ignore_errors=True)


def _tex_env() -> dict:
    return dict(os.environ, SOURCE_DATE_EPOCH="0", FORCE_SOURCE_DATE="1", TEXMFOUTPUT="")


def _tex_command(engine: str, fmt: Path | None) -> list[str]:
    return [shutil.which(engine), "-interaction=nonstopmode", "-halt-on-error", "-no-shell-escape",
            "-file-line-error", *([f"-fmt={fmt.with_suffix('')}"] if fmt else [])]


def _run_tex(source: str, name: str, engine: str, fmt: Path | None) -> Path:
    """Run the engine once on `source` in a fresh temporary folder; the PDF's path there (the
    caller removes the folder), or an ExamgenError with the log's relevant lines."""
    import subprocess

    tmp = tempfile.mkdtemp(prefix="examgen-tex-")
    try:
        src = Path(tmp, name + ".tex")
        src.write_text(source, encoding="utf-8")
        if engine == UNICODE_ENGINE:
            Path(tmp, "examgen-fonts.tex").write_text(fonts_file(source), encoding="utf-8")
        try:
            run = subprocess.run([*_tex_command(engine, fmt), src.name], cwd=tmp, env=_tex_env(),
                                 stdin=subprocess.DEVNULL, capture_output=True, timeout=TIMEOUT)
        except subprocess.TimeoutExpired:
            raise ExamgenError(f"{name}.tex: {engine} did not finish in {TIMEOUT} s") from None
        pdf = Path(tmp, name + ".pdf")
        if run.returncode != 0 or not pdf.is_file():
            log = Path(tmp, name + ".log")
            text = log.read_text(encoding="latin-1") if log.is_file() else run.stdout.decode("latin-1")
            raise ExamgenError(f"LaTeX ({engine}) failed on {name}.tex:\n{log_excerpt(text)}")
        return pdf
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise


# --- runs started before their documents exist ------------------------------------------------------
# pdflatex spends about 0.13 s loading the format before it reads a line of the document. Started
# when a command begins, it loads the format on the other core while Python builds the exam, then
# reads the document from a pipe on its standard input. The PDF bytes are the same (tested). A run
# that fails for any reason is dropped and the document compiled as usual, which reports a real
# error with its file and line; if examgen dies first, the pipe closes and TeX stops at its end.
EARLY_NICENESS = 5   # beside Python at equal priority, the build lost on two cores what the overlap saved


class EarlyRun:
    """One pdflatex process started on `fmt`, waiting for its document on standard input. It is
    given the document's first line, \\begin{document}, at once (`prefix`): the fonts and files
    that line loads are then loaded before the rest of the document exists."""

    def __init__(self, name: str, fmt: Path, prefix: str = ""):
        import subprocess

        self.name, self.fmt, self.prefix = name, fmt, prefix
        self.tmp = tempfile.mkdtemp(prefix="examgen-tex-")
        with open(Path(self.tmp, "terminal.txt"), "wb") as terminal:   # a file, so TeX never blocks on it
            self.proc = subprocess.Popen(
                [*_tex_command(ENGINE, fmt), "-no-parse-first-line", f"-jobname={name}", r"\input{/dev/stdin}"],
                cwd=self.tmp, env=_tex_env(), stdin=subprocess.PIPE, stdout=terminal, stderr=subprocess.STDOUT)
        try:   # second to Python while it builds the exam: the load then takes only idle time
            os.setpriority(os.PRIO_PROCESS, self.proc.pid, EARLY_NICENESS)
        except (AttributeError, OSError):
            pass
        try:
            self.proc.stdin.write(prefix.encode("utf-8"))
            self.proc.stdin.flush()
        except OSError:   # TeX stopped already: finish() says so
            pass

    def finish(self, body: str) -> Path | None:
        """Feed the document (from \\begin{document}, padded as split_preamble pads it); the PDF's
        path in the run's folder (the caller removes it), or None when the run failed or the
        document does not begin as the run was told (the caller then compiles it afresh)."""
        import subprocess

        if not body.startswith(self.prefix):
            return None
        try:
            self.proc.stdin.write(body[len(self.prefix):].encode("utf-8"))
            self.proc.stdin.close()
            code = self.proc.wait(timeout=TIMEOUT)
        except (OSError, ValueError, subprocess.TimeoutExpired):   # TeX stopped early (BrokenPipe), or hung
            return None
        pdf = Path(self.tmp, self.name + ".pdf")
        return pdf if code == 0 and pdf.is_file() else None

    def stop(self) -> None:
        if self.proc.poll() is None:
            self.proc.kill()
        self.proc.wait()
        if self.proc.stdin and not self.proc.stdin.closed:
            try:
                self.proc.stdin.close()
            except OSError:
                pass
        shutil.rmtree(self.tmp, ignore_errors=True)


def start_early(tex: str, names) -> dict:
    """{name: EarlyRun} for documents to come with the preamble of `tex`, when pdflatex and the
    preamble's format are there already (never waits for a dump); {} otherwise. Runs nobody
    takes are stopped by stop_early, or at exit."""
    parts = split_preamble(tex)
    if not parts or not available() or os.name != "posix":   # /dev/stdin
        return {}
    fmt = cached_format(parts[0])
    if fmt is None:
        return {}
    begin = parts[1].find(_BEGIN) + len(_BEGIN)   # the padding and \begin{document}, with its line break
    prefix = parts[1][:begin + 1] if parts[1][begin:begin + 1] == "\n" else ""
    runs: dict = {}
    atexit.register(stop_early, runs)
    try:
        for name in names:
            runs[name] = EarlyRun(name, fmt, prefix)
    except OSError:
        stop_early(runs)
    return runs


def stop_early(runs: dict) -> None:
    """Stop the runs nobody took (a document that went to LuaLaTeX, or an error before the PDFs)."""
    while runs:
        runs.popitem()[1].stop()


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


def compile_many(jobs: list[tuple], workers: int | None = None, progress=None, early: dict | None = None) -> list[Compiled]:
    """Compile many documents at once (one engine for the whole batch, one process per core).

    Each job is (tex, pdf path, name). Every document is tried; when some fail, each failed
    document's .tex is kept beside its PDF and one error names them all. `early`: as compile_tex's.
    """
    from concurrent.futures import ThreadPoolExecutor  # (with logging: ~7 ms, for PDFs only)

    if not jobs:
        return []
    if not available():
        raise ExamgenError(NO_TEX)
    engine = choose_engine([j[0] for j in jobs])
    workers = workers or os.cpu_count() or 1

    def one(job):
        tex, path, name = job[:3]
        try:
            return compile_tex(tex, path, name, engine, early)
        except ExamgenError as e:
            return e

    done, failed = [], []
    with ThreadPoolExecutor(max_workers=workers) as pool:
        for job, result in zip(jobs, pool.map(one, jobs)):
            if progress:
                progress(1)
            if isinstance(result, ExamgenError):
                kept = Path(job[1]).with_suffix(".tex")
                if not kept.exists():
                    from . import safeio

                    safeio.write_text(kept, job[0])
                failed.append((kept, result))
            else:
                done.append(result)
    if failed:
        names = ", ".join(str(k) for k, _ in failed[:5]) + (f" and {len(failed) - 5} more" if len(failed) > 5 else "")
        raise ExamgenError(f"{len(failed)} of {len(jobs)} PDF(s) failed ({names}; their .tex kept). "
                           f"First error: {failed[0][1]}")
    return done
