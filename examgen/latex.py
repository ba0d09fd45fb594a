r"""Markdown (with LaTeX math) to LaTeX, for the problems' prompts and worked solutions.

Markdown is parsed by mistune (with its math and table plugins); this module only walks the
token tree and writes LaTeX. Math passes through untouched, text is escaped.

A display (`$$…$$`) is set as a centred paragraph of display-style formulas rather than as
TeX's one-line display, so that it wraps the way a typesetter would break it: between the
formulas a display lists side by side (`A, \qquad B`), and inside a long formula after a
relation or a binary operator (`= (2)(3) + (1)(4) + …`). A display that fits stays one line.
"""
from __future__ import annotations

import re
from functools import lru_cache

_ESCAPES = {
    "\\": r"\textbackslash{}", "{": r"\{", "}": r"\}", "#": r"\#", "$": r"\$", "%": r"\%",
    "&": r"\&", "_": r"\_", "^": r"\^{}", "~": r"\~{}", "\"": r"\textquotedbl{}",
    "“": "``", "”": "''", "’": "'", "—": "---", "–": "--",
    "σ": r"$\sigma$", "ξ": r"$\xi$", "η": r"$\eta$", "∇": r"$\nabla$", "′": r"$'$", "·": r"$\cdot$",
    "−": "-", "×": r"$\times$", "≤": r"$\le$", "≥": r"$\ge$", "≈": r"$\approx$", "→": r"$\to$",
    "²": r"$^2$", "ŷ": r"$\hat y$", "⊙": r"$\odot$", "≠": r"$\ne$", "ᵀ": r"$^T$",
    "∂": r"$\partial$", "←": r"$\leftarrow$",
}
_ESCAPE_RE = re.compile("|".join(re.escape(k) for k in _ESCAPES))


def escape(text: str) -> str:
    """Plain text made safe for LaTeX (special characters and common Unicode symbols), each
    right-to-left run (Arabic, Hebrew) set right to left."""
    if not _MAYBE_RTL.search(text):
        return _escape(text)
    out, done = [], 0
    for start, end in rtl_runs(text):
        out += [_escape(text[done:start]), _RTL, _rtl_body(text[start:end]), "}"]
        done = end
    return "".join(out) + _escape(text[done:])


@lru_cache(maxsize=8192)
def _escape(text: str) -> str:
    """`escape` of text without right-to-left runs. Remembered: the text between a paragraph's
    formulas is mostly the same few words and signs (", ", " and ", "") in every version."""
    return _ESCAPE_RE.sub(lambda m: _ESCAPES[m.group(0)], text)


# --- right-to-left text ------------------------------------------------------------------------
# TeX sets text left to right, so an Arabic or Hebrew name came out with its letters (and words)
# in reverse order. LuaTeX sets a group right to left with \textdir TRT; pdflatex and XeLaTeX
# have no \textdir and set the group as it is (pdflatex cannot set these scripts anyway and shows
# code points). Asking \ifdefined in place keeps one .tex for every engine and leaves the
# preamble, and so every document without right-to-left text, as it was.
_RTL = r"{\ifdefined\textdir\textdir TRT\fi "
_LTR = r"{\ifdefined\textdir\textdir TLT\fi "
# Every strong right-to-left character (bidi class R or AL) is in these blocks: a quick filter.
_MAYBE_RTL = re.compile("[\u0590-\u08ff\u200f\ufb1d-\ufdff\ufe70-\ufefe"
                        "\U00010800-\U00010fff\U0001e800-\U0001efff]")
_STRONG_RTL = {"R", "AL"}
_MARKS = {"NSM", "BN"}   # belong to the character before them (harakat, niqqud, ZWNJ)
# Weak and neutral classes: inside a run when between two right-to-left characters.
_BETWEEN = {"WS", "B", "S", "ON", "CS", "ES", "ET", "EN", "AN", "NSM", "BN"}
_NUMBER = re.compile(r"\d+(?:[.,:/\u066b\u066c]\d+)*")   # 12, 3.5, ٣٫٥ (Arabic decimal point)


def rtl_runs(text: str) -> list[tuple[int, int]]:
    """(start, end) of each maximal right-to-left run: strong R/AL characters, their marks, the
    spaces and punctuation between two of them, and numbers after one (Unicode bidi classes).

    A number belongs to the right-to-left text before it, as the Unicode bidi algorithm sets it in
    a left-to-right line: "اختبار 2" reads اختبار then 2, leftwards; a number before it does not."""
    import unicodedata

    runs, start, end = [], None, None
    for i, c in enumerate(text):
        kind = unicodedata.bidirectional(c)
        if kind in _STRONG_RTL or (kind in ("EN", "AN") and start is not None):
            start = i if start is None else start
            end = i + 1
        elif kind in _MARKS and end == i:
            end = i + 1
        elif kind not in _BETWEEN and start is not None:   # a left-to-right letter or an embedding
            runs.append((start, end))
            start = None
    if start is not None:
        runs.append((start, end))
    return runs


def _rtl_body(run: str) -> str:
    """A right-to-left run escaped, its numbers still read left to right (12 stays 12)."""
    out, done = [], 0
    for m in _NUMBER.finditer(run):
        out += [_escape(run[done:m.start()]), _LTR, m.group(0), "}"]
        done = m.end()
    return "".join(out) + _escape(run[done:])


@lru_cache(maxsize=None)
def _parser():
    import mistune
    from mistune.plugins import math

    md = mistune.create_markdown(renderer=None, plugins=["math", "table"])
    # Inline math may run over a line break, as authors wrap long sentences (pandoc reads it so).
    md.inline.register("inline_math", math.INLINE_MATH_PATTERN.replace("[^$\\\\\\n]", "[^$\\\\]"),
                       math.parse_inline_math, before="codespan")
    return md


_BLANK_LINE = re.compile(r"\n[ \t]*\n")
# Lines after which a blank line does not end what came before: list items (a blank line between
# two makes the whole list loose), indented continuations and code, quotes, fences, HTML blocks,
# link definitions (used anywhere). A text with none is converted paragraph by paragraph.
# (The first line matched, the others searched for after their newline: the regex engine looks
# for the newline instead of trying a line start at every position.)
_JOINS = r"(?:[ \t]+\S|[-*+][ \t]|\d+[.)][ \t]|>|```|~~~|<|\[[^\]\n]*\]:)"
_FIRST_LINE_JOINS, _LATER_LINE_JOINS = re.compile(_JOINS), re.compile("\n" + _JOINS)


def _joins_across_blank_lines(markdown: str) -> bool:
    """Whether a line of the text may join it to the next across a blank line."""
    return _FIRST_LINE_JOINS.match(markdown) is not None or _LATER_LINE_JOINS.search(markdown) is not None


def to_latex(markdown: str) -> str:
    """LaTeX body for a Markdown text."""
    markdown = _one_line_displays(markdown)
    # Blocks apart give the tokens they give together (tests/test_render.py checks the bank), and
    # half of an exam's text by length is the same sentence in every version: each block is
    # converted once a process. A block a blank line may not end (None) joins its neighbours.
    # (A text without a line that starts blank has only empty blank lines: str.split's to find.)
    blocks = _BLANK_LINE.split(markdown) if "\n " in markdown or "\n\t" in markdown else markdown.split("\n\n")
    out = list(map(_block, blocks))
    if None in out:
        out = _joined(markdown, blocks)
    return "".join(out).strip() + "\n"


def _one_line_displays(markdown: str) -> str:
    r"""The text with each display on one line, so that none of its lines starts a Markdown block
    (a line `> \frac{1}{2}` would begin a block quote and leave the `$$` as text). Splitting at
    `$$` pairs them as a lazy `\$\$([\s\S]*?)\$\$` would, a tenth of its cost (tests/test_speed_latex.py)."""
    parts = markdown.split("$$")
    parts[1:-1:2] = [p.replace("\n", " ") for p in parts[1:-1:2]]
    return "$$".join(parts)


# A block that is one display and nothing else (70% of the blocks a worked solution has that
# change from version to version): the parser's one token is block_math, so its LaTeX is the
# display's, without parsing (the test over the bank checks the two agree).
def _display_alone(markdown: str) -> str | None:
    r"""The math of a block that is `$$…$$` (no `$` or newline inside), spaces and tabs and a
    newline, None for any other block. (String tests: `\$\$([^\n$]*)\$\$[ \t]*\n?` steps a
    character at a time through the math.)"""
    if not markdown.startswith("$$"):
        return None
    end = markdown.find("$$", 2)
    math = markdown[2:end]
    if end < 0 or "$" in math or "\n" in math or markdown[end + 2:].removesuffix("\n").strip(" \t"):
        return None
    return math


@lru_cache(maxsize=8192)
def _block(markdown: str) -> str | None:
    """The LaTeX of one block, None if a blank line may not end it (remembered: a pure function
    of the text)."""
    math = _display_alone(markdown)
    if math is not None:
        return display(math) + "\n"
    if _joins_across_blank_lines(markdown):
        return None
    plain = _plain_paragraph(markdown)
    if plain is None:
        plain = _plain_table(markdown)
    return _converted(markdown) if plain is None else plain


def _joined(markdown: str, blocks: list[str]) -> list[str]:
    """The LaTeX of a text some of whose blocks a blank line may not end: a run of blocks of
    bullet items (`- ` lines, a blank line between some: a loose list) is one list, as the parser
    reads it; any other such block, and the text goes to the parser whole."""
    out, items = [], []
    for b in filter(str.strip, blocks):   # (a second blank line ends no list)
        tex = _block(b)
        if tex is None:
            more = _bullet_items(b)
            if more is None:
                return [_converted(markdown)]
            items += more
            continue
        if items:
            out.append(_list_env("itemize", items))
            items = []
        out.append(tex)
    if items:
        out.append(_list_env("itemize", items))
    return out


# A bullet item: `- ` and a line of text, then any lines indented by two spaces (its own).
_BULLET_ITEM = re.compile(r"- (\S[^\n]*(?:\n  \S[^\n]*)*)(?:\n|$)")


@lru_cache(maxsize=1024)
def _bullet_items(markdown: str) -> tuple[str, ...] | None:
    """The LaTeX of each item of a block of plain bullet items (a list's items between blank
    lines), or None when not sure it is one."""
    items, done = [], 0
    for m in _BULLET_ITEM.finditer(markdown):
        if m.start() != done:
            return None
        tex = _plain_paragraph(m.group(1).replace("\n  ", "\n"))
        if tex is None:
            return None
        items.append(tex)
        done = m.end()
    return tuple(items) if items and done == len(markdown) else None


# A block that is one paragraph of text, inline math, code spans and bold runs and nothing else
# (most of the rest): no line of it can start another block, and no character of its text
# outside math, code and the bold runs' own ** means anything to Markdown, so the parser's
# tokens are text, inline_math, codespan, strong and softbreak in the order they stand.
# Anything else (or anything doubtful) goes to the parser; the test over the bank checks the
# two agree.
# $…$ as the math plugin reads it, `code` (one backtick, no spaces at its edges). The math ends at
# its first $ not escaped: read as runs between escapes, the same text as the plugin's lazy
# (?:[^$\\]|\\.)+? (a step a character), without a backtick (the plugin's $`…`$ form).
_INLINE = re.compile(r"\$(?!\$)(?!\s)([^$\\`]*(?:\\.[^$\\`]*)*)\$(?!\d)"
                     r"|`([^`\s](?:[^`\n]*[^`\s])?)`(?!`)")
# **bold** opening at the start, after a space or a bracket, closing before a space or a mark
# (the ** first, then what is before it: the regex engine looks for a first character fast)
_STRONG = re.compile(r"\*\*(?<![^ (]\*\*)([^*\s](?:[^*]*?[^*\s])?)\*\*(?=$|[ \n.,:;)])")
_NOT_TEXT = re.compile(r"[\\*_`$\[\]<>&!|~\t\r]")   # escapes, emphasis, links, HTML, entities, tables
_STARTS_A_BLOCK = re.compile(r"\s|[#>=+|<~-]|\*[ \t]|[* \t]+$|```|\d+[.)]|$")   # (`* ` a list, `***` a rule)


def _plain_paragraph(markdown: str) -> str | None:
    """The LaTeX of a plain paragraph (as _converted gives it), or None when not sure it is one.
    (A third newline between two blocks is the second one's first character: a blank line.)"""
    text = markdown.removeprefix("\n").removesuffix("\n")
    lines = text.split("\n")
    if any(_STARTS_A_BLOCK.match(line) or line != line.rstrip() for line in lines):
        return None
    plain = _plain_text(text)
    return None if plain is None else plain + "\n\n"


def _plain_text(text: str) -> str | None:
    """The LaTeX of inline text with math, code spans and bold runs only, or None if it holds
    anything else (right-to-left text included). (ASCII has no right-to-left letter, and no bold
    run lacks its **: two tests that cost nothing beside the patterns' reading.)"""
    if not text.isascii() and _MAYBE_RTL.search(text):
        return None
    out, done = [], 0
    for m in _STRONG.finditer(text) if "**" in text else ():
        before, inside = _plain_inline(text[done:m.start()]), _plain_inline(m.group(1))
        if before is None or inside is None:
            return None
        out += [before, "\\textbf{", inside, "}"]
        done = m.end()
    rest = _plain_inline(text[done:])
    return None if rest is None else "".join(out) + rest


def _plain_inline(text: str) -> str | None:
    """The LaTeX of text with inline math and code spans only, or None if it holds anything else."""
    out, done = [], 0
    for m in _INLINE.finditer(text):
        if _NOT_TEXT.search(text, done, m.start()):
            return None
        out += [_escape(text[done:m.start()]),
                "$" + m.group(1) + "$" if m.group(1) is not None else "\\texttt{" + _escape(m.group(2)) + "}"]
        done = m.end()
    if _NOT_TEXT.search(text, done):
        return None
    return "".join(out) + _escape(text[done:])


# A pipe table's rule under its head: dashes in each cell (colons would only align a column).
_TABLE_RULE = re.compile(r"\|(?: *:?-+:? *\|)+")


def _plain_table(markdown: str) -> str | None:
    """The LaTeX of a block that is one pipe table of plain cells (as _converted gives it), or
    None when not sure it is one. The table plugin cuts a row at every unescaped `|`, math or
    not, and strips each cell."""
    lines = (markdown[:-1] if markdown.endswith("\n") else markdown).split("\n")
    if len(lines) < 2 or not _TABLE_RULE.fullmatch(lines[1]) or "\\|" in markdown:
        return None
    width = lines[1].count("|") - 1
    rows = []
    for line in lines[:1] + lines[2:]:
        if not (line.startswith("|") and line.endswith("|")) or line.count("|") != width + 1:
            return None
        cells = [_plain_text(cell.strip()) for cell in line[1:-1].split("|")]
        if None in cells:
            return None
        rows.append(cells)
    return _tabular(rows[0], rows[1:])


@lru_cache(maxsize=1024)
def _converted(markdown: str) -> str:
    """The LaTeX of Markdown blocks (remembered: a pure function of the text)."""
    return _blocks(_parser()(markdown))


def _blocks(tokens) -> str:
    out = []
    for t in tokens:
        kind = t["type"]
        if kind == "paragraph":
            out.append(_inline(t["children"]) + "\n\n")
        elif kind == "block_text":
            out.append(_inline(t["children"]))
        elif kind == "block_math":
            out.append(display(t["raw"]) + "\n")
        elif kind == "heading":
            out.append("\\paragraph{" + _inline(t["children"]) + "}\n")
        elif kind == "list":
            env = "enumerate" if t["attrs"].get("ordered") else "itemize"
            out.append(_list_env(env, [_blocks(i["children"]) for i in t["children"]]))
        elif kind == "block_code":
            out.append("\\begin{verbatim}\n" + t["raw"].rstrip("\n") + "\n\\end{verbatim}\n\n")
        elif kind == "block_quote":
            out.append("\\begin{quote}\n" + _blocks(t["children"]).strip() + "\n\\end{quote}\n\n")
        elif kind == "table":
            out.append(_table(t))
        elif kind == "thematic_break":
            out.append("\\medskip\\hrule\\medskip\n\n")
        elif kind == "blank_line":
            continue
        else:
            raise ValueError(f"Markdown element {kind!r} has no LaTeX rendering")
    return "".join(out)


def _inline(tokens) -> str:
    out = []
    for t in tokens:
        kind = t["type"]
        if kind == "text":
            out.append(escape(t["raw"]))
        elif kind == "inline_math":
            out.append("$" + t["raw"] + "$")
        elif kind == "block_math":
            out.append("\n" + display(t["raw"]))
        elif kind == "strong":
            out.append("\\textbf{" + _inline(t["children"]) + "}")
        elif kind == "emphasis":
            out.append("\\emph{" + _inline(t["children"]) + "}")
        elif kind == "codespan":
            out.append("\\texttt{" + escape(t["raw"]) + "}")
        elif kind == "softbreak":
            out.append("\n")
        elif kind == "linebreak":
            out.append("\\\\\n")
        elif kind == "link":
            out.append(_inline(t["children"]))
        else:
            raise ValueError(f"Markdown element {kind!r} has no LaTeX rendering")
    return "".join(out)


def _list_env(env: str, items: list[str]) -> str:
    """A list environment of items' LaTeX (a loose list's items end in a blank line, a tight one's not)."""
    body = "".join("  \\item " + item.strip() + "\n" for item in items)
    return f"\\begin{{{env}}}\n{body}\\end{{{env}}}\n\n"


def _table(t) -> str:
    cells = lambda row: [_inline(c["children"]) for c in row["children"]]  # noqa: E731
    body = t["children"][1]["children"] if len(t["children"]) > 1 else []
    return _tabular(cells(t["children"][0]), [cells(r) for r in body])


def _tabular(head: list[str], body: list[list[str]]) -> str:
    """A table of cells' LaTeX, its head ruled off."""
    row = lambda cells: " & ".join(cells) + " \\\\\n"  # noqa: E731
    rows = "".join(map(row, body))
    return (f"\\begin{{center}}\\begin{{tabular}}{{{'l' * len(head)}}}\n\\hline\n{row(head)}\\hline\n"
            f"{rows}\\hline\n\\end{{tabular}}\\end{{center}}\n\n")


# --- displays that wrap ---------------------------------------------------------------------
_SPACES = ("\\qquad", "\\quad")  # a display's separators between formulas set side by side


@lru_cache(maxsize=None)
def _structure(seps: tuple) -> tuple[re.Pattern, tuple]:
    r"""The tokens that open, close or are one of `seps`: \begin{…}, \left, { and their ends. An
    escaped character is one token where it could be read otherwise (\{ opens nothing, nor is
    \\quad a space); the text between tokens, other commands included, needs none, and a {…}
    holding no token is one (\frac{1}{4}: two tokens, not four). Few tokens, as each costs a
    Python step, and each starts with \, {, } (or &), which the regex engine looks for fast.
    With the pattern, what each token does by the number of its empty group (m.lastindex): a
    group ends each alternative, so that every alternative starts with its character (the
    engine tries only those that do) and a token's kind costs no string test."""
    after_backslash = [(re.escape(sep[1:]) + "(?![A-Za-z])" * sep[-1].isalpha(), _SEP) for sep in seps if sep[0] == "\\"]
    after_backslash += [(r"begin\{[^}]*\}", _OPEN), (r"end\{[^}]*\}", _CLOSE), ("left(?![A-Za-z])", _OPEN),
                        ("right(?![A-Za-z])", _CLOSE), ("[{}&]", None), (r"\\(?=[\\{}&A-Za-z])", None)]
    others = [(re.escape(sep), _SEP) for sep in seps if sep[0] != "\\"]
    others += [(r"\{[^{}\\&]*\}", None), (r"\{", _OPEN), (r"\}", _CLOSE)]

    def alternatives(tokens):
        return "|".join(token + "()" * (kind is not None) for token, kind in tokens)

    kinds = (None,) + tuple(kind for _, kind in after_backslash + others if kind is not None)
    return re.compile(r"\\(?:" + alternatives(after_backslash) + ")|" + alternatives(others)), kinds


_SEP, _OPEN, _CLOSE = "separates", "opens", "closes"


def formulas(math: str) -> list[str]:
    """A display's formulas: its text split at `\\qquad`/`\\quad` outside braces, environments
    and \\left…\\right (a trailing comma or full stop stays with the formula before it)."""
    return [p.strip() for p in _split_top(math, _SPACES)[::2] if p.strip() not in ("", ",")]


_ALIGNED = re.compile(r"^\\begin\{aligned\}([\s\S]*)\\end\{aligned\}\s*([.,;]?)$")


@lru_cache(maxsize=8192)
def display(math: str) -> str:
    """A display as a centred paragraph of display-style formulas that wraps (see above); an
    `aligned` display as rows whose long right-hand sides wrap under themselves. Remembered (a
    pure function of the text): a third of a version's displays were in an earlier version."""
    formula = math.strip()
    if "quad" not in math and not formula.startswith("\\begin{aligned}"):
        # one formula, not aligned (nine displays in ten): what formulas and _aligned_rows find
        body = "" if formula in ("", ",") else "$\\displaystyle " + formula + "$"
        return "\\begin{mathlines}\n" + body + "\n\\end{mathlines}\n"
    pieces = formulas(math)
    rows = _aligned_rows(pieces[0]) if len(pieces) == 1 else None
    if rows:
        measure = "".join("\\mathlhswidth{%s}" % lhs for lhs, _ in rows)
        body = "\n".join("\\mathrow{%s}{%s}" % row for row in rows)
        return "\\begin{mathrows}" + measure + "\n" + body + "\n\\end{mathrows}\n"
    body = "\\hskip 2em plus 1em\n".join("$\\displaystyle " + f + "$" for f in pieces)
    return "\\begin{mathlines}\n" + body + "\n\\end{mathlines}\n"


def _aligned_rows(formula: str) -> list[tuple[str, str]] | None:
    """(left side, `= right side`) of each row of an `aligned` display split at one `&` a row;
    None for anything else (then it is set as one formula)."""
    m = _ALIGNED.match(formula.strip())
    if not m:
        return None
    rows, cells = [], []
    parts = _split_top(m.group(1), ("\\\\", "&"))   # rows and cells in one reading
    for cell, sep in zip(parts[::2], parts[1::2] + ["\\\\"]):
        cells.append(cell.strip())
        if sep == "\\\\":
            if len(cells) != 2:
                return None
            rows.append(tuple(cells))
            cells = []
    rows = [r for r in rows if r != ("", "")]
    if rows and m.group(2):
        rows[-1] = (rows[-1][0], rows[-1][1] + m.group(2))
    return rows or None


def _split_top(math: str, seps: tuple) -> list[str]:
    """`math` split at any of `seps` outside braces, environments and \\left…\\right: the pieces
    and between them the separators (as re.split with a group gives them)."""
    if not any(sep in math for sep in seps):
        return [math]   # nothing to split at (most formulas): no need to tokenize
    pieces, start, depth = [], 0, 0
    tokens, kinds = _structure(seps)
    for m in tokens.finditer(math):
        kind = kinds[m.lastindex or 0]
        if kind is _OPEN:
            depth += 1
        elif kind is _CLOSE:
            depth -= 1
        elif kind is _SEP and depth == 0:
            pieces += [math[start:m.start()], m.group()]
            start = m.end()
    pieces.append(math[start:])
    return pieces
