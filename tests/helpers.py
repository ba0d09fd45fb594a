"""Run the installed `examgen` command as a user would; read its PDFs back; plain oracles the
speed tests compare fast paths with."""
import html
import os
import re
import shutil
import subprocess
import unicodedata

EXAMGEN = shutil.which("examgen")


def run(*args, cwd=None, env=None, input=None, timeout=600):
    """CompletedProcess of `examgen ARGS` (text mode); never raises on a non-zero exit."""
    assert EXAMGEN, "examgen is not installed on PATH (run `make test`)"
    full_env = dict(os.environ, **(env or {}))
    return subprocess.run([EXAMGEN, *map(str, args)], cwd=cwd, env=full_env, input=input,
                          capture_output=True, text=True, timeout=timeout)


def one_line_error(result, *words):
    """The command failed with exit 2 and one line on stderr (no traceback) naming `words`."""
    assert result.returncode == 2, (result.returncode, result.stdout, result.stderr)
    err = result.stderr.strip()
    assert "Traceback" not in err and len(err.splitlines()) == 1, err
    for w in words:
        assert w in err, (w, err)
    return err


_WORD = re.compile(r'<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="[\d.]+">([^<]*)</word>')


def right_to_left_lines(pdf) -> list[list[str]]:
    """Each line's right-to-left text as drawn: the boxes pdftotext reports for it (a glyph each
    when set right to left, a word when set left to right) read from right to left, a space
    where they leave a gap; each box's text in NFKC (pdftotext gives a joined Arabic letter as
    its presentation form). A name set right to left reads back in its own order, one set left
    to right with its words swapped.

    Not pdftotext's text: it lays out the letters of one glyph (a ligature such as لى) left to
    right before it reads a right-to-left line backwards, and so swaps them."""
    out = subprocess.run(["pdftotext", "-bbox", "-enc", "UTF-8", str(pdf), "-"], capture_output=True,
                         text=True, check=True).stdout
    lines = {}
    for page, text in enumerate(out.split("<page ")):
        for x0, y0, x1, word in _WORD.findall(text):
            word = unicodedata.normalize("NFKC", html.unescape(word))
            if word and all(unicodedata.bidirectional(c) in ("R", "AL", "NSM") for c in word):
                lines.setdefault((page, round(float(y0), 1)), []).append((float(x0), float(x1), word))
    result = []
    for glyphs in lines.values():
        glyphs.sort(reverse=True)
        glyph_texts = [glyphs[0][2]]
        for (x0, _, _), (_, x1, word) in zip(glyphs, glyphs[1:]):
            glyph_texts.append((" " if x0 - x1 > 1.0 else "") + word)
        result.append(glyph_texts)
    return result


def differs_somewhere(d) -> bool:
    """A proof that an expression is not identically 0: SymPy evaluates it (30 digits) away from
    0 at one of a few points (h inside (0, 1), as a σ output is)."""
    import sympy as sp

    symbols = sorted(d.free_symbols, key=str)
    for k in range(4):
        point = {x: sp.Rational(3 + 2 * k + 5 * i, 11 + 3 * i) for i, x in enumerate(symbols)}
        if abs(complex(sp.N(d.xreplace(point), 30))) > 1e-12:
            return True
    return False


def plain_bound_violation(values: dict):
    """sampling.bound_violation without its shortcuts: hand_workable of every nested number, in
    order (no quick type tests, no skipping of repeated entries)."""
    from examgen.sampling import _numbers, hand_workable

    for name, v in values.items():
        for entry in _numbers(v, []):
            why = hand_workable(entry)
            if why:
                return f"{name}: {why}"
    return None


def solved_draws(pids, seed: int, tries: int):
    """(problem id, params, values) of up to `tries` exam draws of each problem, solved, drawn in
    turn from one generator per problem (draws that draw() or solve() refuses are skipped)."""
    from examgen.bank import load_bank
    from examgen.errors import ExamgenError
    from examgen.instance import fill_options, solve
    from examgen.sampling import Draw

    bank = load_bank()
    for pid in pids:
        problem, rng = bank[pid], Draw.for_instance(pid, "exam", seed)
        for _ in range(tries):
            try:
                params = problem.module.draw(rng, fill_options(problem, rng, {}))
                values = solve(problem, params).values
            except (ValueError, ArithmeticError, ExamgenError):
                continue
            yield pid, params, values


def same_entries(a, b) -> bool:
    """Entry for entry the same value, type and text (so 0.0 is not -0.0, nor ln 4 2 ln 2)."""
    return a.shape == b.shape and a.dtype == b.dtype and all(
        type(x) is type(y) and x == y and str(x) == str(y) for x, y in zip(a.flat, b.flat))


def formula_sum(shape, like, terms):
    """Σ over each entry's (a, b) terms of a·b, one entry at a time from 0 (the formulas' loops)."""
    import numpy as np

    from examgen.engine import conv

    out = conv.zeros(shape, like)
    for idx in np.ndindex(*shape):
        total = conv.zero(like)
        for a, b in terms(*idx):
            total = total + a * b
        out[idx] = total
    return out


def split_top_by_tokens(tokens, math: str, seps: tuple) -> list[str]:
    """latex._split_top as first written: the tokens `tokens` (a pattern) finds, each told by string
    tests: `math` split at each separator in `seps` outside braces, \\left…\\right and environments."""
    pieces, start, depth = [], 0, 0
    for m in tokens.finditer(math):
        tok = m.group()
        if tok in ("{", "\\left") or tok.startswith("\\begin{"):
            depth += 1
        elif tok in ("}", "\\right") or tok.startswith("\\end{"):
            depth -= 1
        elif depth == 0 and tok in seps:
            pieces += [math[start:m.start()], tok]
            start = m.end()
    return pieces + [math[start:]]
