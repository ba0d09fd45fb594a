"""Files users hand us, read as hostile input; and the one way examgen writes a file.

Reading: only regular files (a FIFO, /dev/zero or a folder is refused at once, never read),
at most a capped number of bytes, UTF-8 text without NUL; JSON and YAML with their nesting
counted before a parser recurses on it, integers of bounded length, and YAML without aliases,
anchors, non-core tags, dates or YAML 1.1's surprises (`011` is eleven, `1e3` a number).

Writing (`write_text`, `write_bytes`, `copy_file`): into a temporary file in the same folder,
then `os.replace` onto the name: a planted symlink is replaced, never followed; a killed run
leaves the old file whole and no temporary behind (it is removed on any error); the new file
gets the umask's mode, or the mode of the file it replaces.
"""
from __future__ import annotations

import hashlib
import itertools
import json
import os
import re
import stat
import tempfile
from functools import lru_cache
from pathlib import Path

from .errors import ExamgenError

MAX_INT_DIGITS = 40      # digits of an integer literal in JSON/YAML input (longer: refused or kept as text)


# --- reading ------------------------------------------------------------------------------------
def overwritten(path, head: int = 4096, tail: int = 0) -> tuple[bytes, bytes] | None:
    """What writing `path` would replace, to tell whether it is examgen's own output: its first
    `head` and last `tail` bytes; None when nothing would be (no file, or a symbolic link: the
    atomic writer replaces the link, never the file it points to); (b"", b"") when unreadable."""
    path = Path(path)
    if path.is_symlink() or not path.exists():
        return None
    try:
        with path.open("rb") as f:
            first = f.read(head)
            f.seek(max(0, path.stat().st_size - tail))
            return first, f.read() if tail else b""
    except OSError:
        return b"", b""


def read_bytes(path, max_bytes: int, what: str = "file", error=ExamgenError) -> bytes:
    """At most `max_bytes` bytes of a regular file; `error` (one line) for anything else."""
    path = Path(path)
    try:
        # O_NONBLOCK: opening a FIFO for reading must not wait for a writer.
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0))
    except OSError as e:
        raise error(f"cannot read the {what}: {e.strerror or e}") from None
    try:
        mode = os.fstat(fd).st_mode
        if not stat.S_ISREG(mode):
            kind = "a folder" if stat.S_ISDIR(mode) else "a pipe" if stat.S_ISFIFO(mode) else "not a regular file"
            raise error(f"{kind}; expected {_a(what)}")
        with os.fdopen(fd, "rb", closefd=False) as f:
            data = f.read(max_bytes + 1)
    except OSError as e:
        raise error(f"cannot read the {what}: {e.strerror or e}") from None
    finally:
        os.close(fd)
    if len(data) > max_bytes:
        raise error(f"larger than {_size(max_bytes)}; too large for {_a(what)}")
    return data


def decode_text(data: bytes | str, what: str = "file", error=ExamgenError, by_hand: bool = False) -> str:
    """UTF-8 text (a BOM is dropped) with no NUL. `by_hand`: a file a person saved from any editor
    (an answer file, a spec, a roster) may also be in the encodings of decode_by_hand."""
    if isinstance(data, str):
        text = data
    else:
        text = decode_by_hand(data) if by_hand else _utf8(data)
        if text is None:
            raise error(f"not a text file (not UTF-8); expected {_a(what)}")
    if "\x00" in text:
        raise error(f"not a text file (it holds NUL bytes); expected {_a(what)}")
    return text


def decode_by_hand(data: bytes) -> str | None:
    """Text as editors save it: UTF-8 (with or without a BOM), UTF-16 with a BOM (Windows'
    "Unicode"), else Windows-1252 (its "ANSI", Excel's CSV); None when it is none of these."""
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            return data.decode("utf-16")
        except UnicodeDecodeError:
            return None
    text = _utf8(data)
    if text is None:
        try:
            text = data.decode("cp1252")
        except UnicodeDecodeError:
            return None
    return text


def _utf8(data: bytes) -> str | None:
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return None


def _a(what: str) -> str:
    """`what` with its indefinite article: a spec, an answer file."""
    return ("an " if what[:1].lower() in "aeiou" else "a ") + what


def read_text(path, max_bytes: int, what: str = "file", error=ExamgenError, by_hand: bool = False) -> str:
    return decode_text(read_bytes(path, max_bytes, what, error), what, error, by_hand)


def _size(n: int) -> str:
    return f"{n // 1_000_000} MB" if n >= 1_000_000 else f"{n // 1000} kB"


# a double-quoted string (a backslash escapes the character after it), or its unclosed rest
# (written as a loop unrolled: runs of plain characters between escapes, ~15 % faster on a class's key)
_QUOTED = re.compile(r'"[^"\\]*(?:\\.[^"\\]*)*"?', re.S)
_NOT_A_BRACKET = re.compile(r"[^\[\]{}]+")
_BRACKET_STEP = {"[": 1, "{": 1, "]": -1, "}": -1}


def bracket_depth(text: str) -> int:
    """Deepest nesting of [ and { outside double-quoted strings (JSON's and YAML's flow syntax).
    The strings and every other character are dropped by two regular expressions first; the
    brackets left (650,000 in a class's key index) are summed by C loops, not one by one."""
    brackets = _NOT_A_BRACKET.sub("", _QUOTED.sub("", text))
    return max(0, max(itertools.accumulate(map(_BRACKET_STEP.__getitem__, brackets)), default=0))


_SURROGATE = re.compile("[\ud800-\udfff]")
# The escapes that can write one: JSON's and YAML's \uD800-\uDFFF, YAML's \U0000D800-\U0000DFFF
# (any case; an escaped backslash before "u" matches too, which only costs a walk).
_SURROGATE_ESCAPE = re.compile(r"\\(?:u|U0000)[dD][89a-fA-F]")


def parse_json(text: str, max_depth: int, error=ExamgenError, big_ints: str = "refuse", object_pairs_hook=None):
    """JSON with nesting, integer length and lone surrogates checked; NaN/Infinity read as floats.

    big_ints: "refuse" (an error) or "text" (the digits stay a string, for the caller to refuse
    in context, e.g. one answer part).
    """
    if bracket_depth(text) > max_depth:
        raise error(f"nested more than {max_depth} levels deep")

    def parse_int(digits: str):
        if len(digits.lstrip("-")) <= MAX_INT_DIGITS:
            return int(digits)
        if big_ints == "text":
            return digits
        raise error(f"an integer with more than {MAX_INT_DIGITS} digits")

    try:
        value = json.loads(text, parse_int=parse_int, parse_constant=float, object_pairs_hook=object_pairs_hook)
    except json.JSONDecodeError as e:
        raise error(f"not valid JSON: {e.msg} at line {e.lineno} column {e.colno}") from None
    except RecursionError:
        raise error("nested too deeply") from None
    _refuse_surrogates(value, error, text)
    return value


def _refuse_surrogates(value, error, text: str | None = None) -> None:
    # A lone surrogate (JSON "\ud800", YAML "\ud800") is no character: it cannot be printed
    # or written as UTF-8, so it would fail far from here, on output. Only a surrogate's escape
    # or the parsed `text` itself can put one in a value: without either, no walk (a class's
    # key index is 30 MB of LaTeX, full of other backslashes: its walk took seconds).
    if text is not None and not _SURROGATE_ESCAPE.search(text) and not _SURROGATE.search(text):
        return
    if _has_surrogate(value, 0):
        raise error("holds an invalid character (a lone UTF-16 surrogate such as \\ud800)")


def _has_surrogate(v, depth: int) -> bool:
    if isinstance(v, str):
        return bool(_SURROGATE.search(v))
    if depth > 200:
        return False
    if isinstance(v, dict):
        return any(_has_surrogate(k, depth + 1) or _has_surrogate(x, depth + 1) for k, x in v.items())
    if isinstance(v, list):
        return any(_has_surrogate(x, depth + 1) for x in v)
    return False


# --- parsed files, remembered -------------------------------------------------------------------
PARSED_KEPT = 1000   # files in the cache's parsed/ folder (each a few kB); the oldest go first


def remembered(kind: str, text: str, parse):
    """parse(text), remembered in the cache folder as JSON under a hash of the text and of the
    parser's source, so that the next command reads JSON instead of running YAML's parser (the
    bank's problem.yaml files took about 25 ms of every command; yamlio is then not even imported).
    For the files examgen reads at every start (the bank, a spec); an answer file is never
    remembered. A value is kept only when JSON gives it back exactly; a failed parse raises as it
    did and is not kept. The cache keeps the PARSED_KEPT most recently written values."""
    folder = _parsed_folder(os.environ.get(CACHE_ENV), os.environ.get("XDG_CACHE_HOME"))
    if folder is None:
        return parse(text)
    name = hashlib.sha256(f"{_parser_stamp()}\0{kind}\0{text}".encode("utf-8", "surrogatepass")).hexdigest()[:32]
    path = folder / f"{name}.json"
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):   # not there yet, or damaged: parse again
        pass
    value = parse(text)
    if _json_exact(value):
        try:
            write_text(path, json.dumps(value, allow_nan=False))
            prune(folder, "*.json", PARSED_KEPT)
        except (OSError, ValueError):   # a cache is an optimisation: never a failure
            pass
    return value


@lru_cache(maxsize=8)
def _parsed_folder(*where) -> Path | None:
    """cache_dir("parsed"), made once a process for each cache location (`where`: the settings)."""
    return cache_dir("parsed")


@lru_cache(maxsize=None)
def _parser_stamp() -> str:
    """What a parsed value depends on besides the text: examgen, PyYAML, and the parsers' code."""
    from . import __version__

    h = hashlib.sha256(f"{__version__}|{_installed('yaml')}".encode())
    for module in ("safeio.py", "yamlio.py", "bank.py", "exam.py"):
        try:
            h.update(Path(__file__).with_name(module).read_bytes())
        except OSError:
            return ""
    return h.hexdigest()


def _installed(package: str) -> str:
    """The files of an installed top-level package (names, sizes, times), found without importing
    it: PyYAML's version and whether its C parser is there."""
    import importlib.util

    try:
        folder = Path(importlib.util.find_spec(package).origin).parent
        return "|".join(f"{f.name}:{f.stat().st_size}:{f.stat().st_mtime_ns}" for f in sorted(folder.iterdir()))
    except (ImportError, AttributeError, TypeError, ValueError, OSError):
        return "-"


def _json_exact(v, depth: int = 0) -> bool:
    """Whether JSON gives `v` back as it is (the same types: no tuples, dates, non-text keys, NaN)."""
    if depth > 100:
        return False
    if v is None or type(v) in (str, bool, int):
        return True
    if type(v) is float:
        return v == v and v not in (float("inf"), float("-inf"))
    if type(v) is list:
        return all(_json_exact(x, depth + 1) for x in v)
    if type(v) is dict:
        return all(type(k) is str and _json_exact(x, depth + 1) for k, x in v.items())
    return False


CACHE_ENV = "EXAMGEN_CACHE"   # a folder for examgen's caches; default $XDG_CACHE_HOME/examgen


def cache_dir(*sub: str) -> Path | None:
    """examgen's cache folder (or a sub-folder of it), made private if missing; None when it
    cannot be made or written: every cache is an optimisation, never a requirement."""
    root = os.environ.get(CACHE_ENV) or Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache", "examgen")
    folder = Path(root, *sub)
    try:
        folder.mkdir(parents=True, exist_ok=True, mode=0o700)
    except OSError:
        return None
    return folder if os.access(folder, os.W_OK) else None


def prune(folder: Path, pattern: str, keep: int) -> list[Path]:
    """Delete all but the `keep` most recently used files of a cache folder that match `pattern`
    (used: their modification time); the deleted paths. A file another process deleted meanwhile
    counts as the oldest."""
    def used(f: Path) -> float:
        try:
            return f.stat().st_mtime
        except OSError:
            return 0.0

    files = sorted(folder.glob(pattern), key=used, reverse=True)
    for old in files[keep:]:
        old.unlink(missing_ok=True)
    return files[keep:]


def write_text(path, text: str) -> Path:
    """Write `text` as UTF-8 (student text may hold anything: unencodable characters become �)."""
    return write_bytes(path, text.encode("utf-8", "replace"))


def write_bytes(path, data: bytes) -> Path:
    """Atomically replace `path` with `data` (see the module doc); returns the path."""
    path = Path(path)
    folder = path.parent
    mode = _mode_for(path)
    try:
        fd, tmp = tempfile.mkstemp(prefix=f".{path.name[:40]}.", suffix=".tmp", dir=folder)
    except FileNotFoundError:   # a new folder: made only then (a class writes six files a folder)
        folder.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=f".{path.name[:40]}.", suffix=".tmp", dir=folder)
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(data)
        os.chmod(tmp, mode)
        os.replace(tmp, path)
    except BaseException:
        try:
            os.unlink(tmp)
        except OSError:
            pass
        raise
    return path


def write_atomic(path, content: str | bytes) -> Path:
    """`write_text` or `write_bytes`, by the type of `content`."""
    return write_bytes(path, content) if isinstance(content, bytes) else write_text(path, content)


def copy_file(source, target) -> Path:
    """Copy a file's bytes onto `target` through the atomic writer."""
    return write_bytes(target, Path(source).read_bytes())


def _mode_for(path: Path) -> int:
    """The mode of the regular file being replaced, or 0666 less the umask for a new one."""
    try:
        st = os.lstat(path)
        if stat.S_ISREG(st.st_mode):
            return stat.S_IMODE(st.st_mode)
    except OSError:
        pass
    return 0o666 & ~_umask()


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


# --- showing text from files -----------------------------------------------------------------
# C0/C1 controls (escape sequences, screen clears, OSC 52 clipboard writes), DEL, lone
# surrogates (undecodable file names), bidi overrides and other invisible formatting characters.
_UNSHOWABLE = re.compile("[\x00-\x1f\x7f-\x9f\ud800-\udfff\u200b-\u200f\u2028-\u202e\u2060-\u2069\ufeff]")


def shown(text) -> str:
    """`text` safe to print on one line: every control or invisible character as a visible escape."""
    return _UNSHOWABLE.sub(lambda m: repr(m.group())[1:-1] if m.group() != "\t" else " ", str(text))


_MD_SPECIAL = re.compile(r"([\\`*_\[\]<>&|#])")


def markdown_text(text) -> str:
    """Student text for Markdown prose: shown(), with Markdown and raw-HTML characters escaped."""
    return _MD_SPECIAL.sub(lambda m: {"<": "&lt;", ">": "&gt;", "&": "&amp;"}.get(m.group(), "\\" + m.group()),
                           shown(text))


def json_shown(text: str) -> str:
    """JSON text with every unshowable character as a \\u escape (still the same JSON value)."""
    # json.dumps already escapes C0 controls inside strings; the newlines left are its layout.
    return _UNSHOWABLE.sub(lambda m: m.group() if m.group() == "\n" else f"\\u{ord(m.group()):04x}", text)


def one_line(text) -> str:
    """`text` as one line (for a YAML comment, a table cell): every line break (\\n, \\r, \\x85,
    \\u2028, ...) and run of spaces becomes one space; other control characters are escaped."""
    return shown(" ".join(str(text).split()))
