"""latex.to_latex's fast paths (no parser for plain paragraphs, tables and bullet lists; displays
split without a callback; fewer tokens and faster regexes) give exactly what the parser and the
first ways of doing it give."""
import itertools
import random
import re

from examgen import bank, latex, render

from helpers import split_top_by_tokens

# A display as the math plugin pairs the $$ (what to_latex put on one line before _one_line_displays)
_DISPLAY = re.compile(r"\$\$([\s\S]*?)\$\$")


def _parsed(markdown: str) -> str:
    """to_latex's answer from one parse of the whole text."""
    return latex._converted(latex._one_line_displays(markdown)).strip() + "\n"


def test_the_bank_converts_as_the_parser_reads_it_without_parsing_it():
    texts = [f(p.sample(s, prof)) for p in bank.load_bank().values() for prof in ("exam", "drill")
             for s in (3,) for f in (render.prompt, render.solution, render.answers_table)]
    parsed = []
    latex._block.cache_clear()
    real, latex._converted = latex._converted, lambda md: parsed.append(md) or real(md)
    try:
        fast = [latex.to_latex(t) for t in texts]
    finally:
        latex._converted = real
    assert fast == [_parsed(t) for t in texts]
    displays = {d for t in texts for d in _DISPLAY.findall(t)}
    for seps in (latex._SPACES, ("\\\\",), ("&",), ("\\\\", "&")):
        assert [latex._split_top(d, seps) for d in displays] == [_split_by_every_token(d, seps) for d in displays]
    assert [latex._aligned_rows(d) for d in displays] == [_aligned_rows_row_by_row(d) for d in displays]
    assert not [md for md in parsed if "|---|" in md]   # the tables ...
    assert not [md for md in parsed if md.startswith("- block")]   # ... and the pooling's lists


def test_displays_are_put_on_one_line_as_the_math_plugin_pairs_them():
    def by_regex(md):
        return _DISPLAY.sub(lambda m: "$$" + m.group(1).replace("\n", " ") + "$$", md)

    for parts in itertools.product(("$$", "$", "\n", "a", "\n\n"), repeat=5):
        md = "".join(parts)
        assert latex._one_line_displays(md) == by_regex(md), md


TABLES = [
    "| | a $w$ | b |\n|---|---|---|\n| x | $1$ | $- 2 \\ln 2$ |\n| y | $0$ | $\\frac{1}{2}$ |\n",
    "| a | b |\n|---|---|\n", "| a | b |\n| --- | :-: |\n| 1 | 2 |", "| a | b |\n|---|---|\n| 1 | 2 | 3 |",
    "| a | b |\n|---|\n| 1 | 2 |", "| a |\n|---|\n| $|x|$ |", "| a | b |\n|---|---|\n| 1 |", "| a |\n|--|\n|  |",
    "| a\\|b | c |\n|---|---|\n| 1 | 2 |", "| **a** | `b` |\n|---|---|\n| *c* | d_e |", "| a |\n|---|\nx",
    "| a |\n|-x-|\n| 1 |", "|a|\n|:--|\n|ليلى|", "| a | b |\n|---|---|\n| 1 | 2 | \n", " | a |\n|---|\n| 1 |",
    "| - 1 | # 2 |\n|---|---|\n| > 3 | 4. |", "| a |\n|---|\n| $x$ |\n\n| b |\n|---|\n| $y$ |", "|a|b|\n|-|-|\n|1|2|",
]
LISTS = [
    "Steps:\n\n- one $x$\n\n- two\n\nThen $y$.\n", "- a\n- b\n\n- c\n\nx\n\n- d\n", "- a\n  b $x$\n- c\n",
    "- a\nb\n", "- a\n   b\n", "- a\n  - b\n", "- a\n* b\n", "- a\n\n  b\n", "- a\n\n    code\n", "-  a\n",
    "x\n- a\n", "- a\n\n$$x$$\n\n- b\n", "- **a** $b$\n- `c`\n", "- # a\n", "- a\n\n1. b\n", "- a\n\n> q\n",
    "- a\n\n\n\n- b\n", "- a\n \n- b\n", "- a\n- \n- b\n", "- a_b\n", "- ليلى\n", "- a\n---\n", "- a\n\n| t |\n|---|\n",
    "[x]: http://a\n\n- a\n", "- a\n\n  - b\n", "- a \n- b\n", "- a\n\n$$\nx\n$$\n",
]
# A third newline between blocks begins the next one (a blank line before a paragraph)
PARAGRAPHS = ["a\n\n\n**b** $x$ c", "a\n\n\nb\n", "\nb", "\n", "a\n\n\n\nb", "a\n\n\n# h", "a\n\n\n  y",
              "a\n\n\n$$x$$", "a\n\n\n- x", "a\n\n\n\n\nb `c`", "a\n\n \nb", "a\n\n\n \nb"]


def test_tables_bullet_lists_and_paragraphs_convert_as_the_parser_reads_them():
    for md in TABLES + LISTS + PARAGRAPHS:
        assert latex.to_latex(md) == _parsed(md), md
    assert latex._plain_table(TABLES[0]) is not None and latex._bullet_items("- a\n  b $x$\n- c\n") is not None


# Every token that opens, closes or separates, and every escaped character (what _split_top read)
_EVERY_TOKEN = re.compile(r"\\begin\{[^}]*\}|\\end\{[^}]*\}|\\(?:left|right|qquad|quad)(?![A-Za-z])|\\[^A-Za-z\n]|[{}&]")


def _split_by_every_token(math: str, seps: tuple) -> list[str]:
    """latex._split_top as first written: every token read in turn."""
    return split_top_by_tokens(_EVERY_TOKEN, math, seps)


def _aligned_rows_row_by_row(formula: str):
    """latex._aligned_rows as first written: split into rows, then each row into cells."""
    m = latex._ALIGNED.match(formula.strip())
    if not m:
        return None
    rows = []
    for row in _split_by_every_token(m.group(1), ("\\\\",))[::2]:
        cells = _split_by_every_token(row, ("&",))[::2]
        if len(cells) != 2:
            return None
        rows.append((cells[0].strip(), cells[1].strip()))
    rows = [r for r in rows if r != ("", "")]
    if rows and m.group(2):
        rows[-1] = (rows[-1][0], rows[-1][1] + m.group(2))
    return rows or None


def test_displays_split_where_reading_every_token_splits_them():
    atoms = ["\\", "{", "}", "&", "\\quad", "\\qquad", "quad", "\\left", "\\right", "left", "\\begin{a}", "\\end{a}",
             "\\begin{", "x", " ", "\\\\", "\\{", "\\}", "\\&", "(", "\n", "\\,", "a}", "\\lefta", "\\quadx", "{1}"]
    rng = random.Random(12)
    for _ in range(4000):
        math = "".join(rng.choices(atoms, k=rng.randint(1, 12)))
        for seps in (latex._SPACES, ("\\\\",), ("&",), ("\\\\", "&")):
            assert latex._split_top(math, seps) == _split_by_every_token(math, seps), (math, seps)
    tame = ["x", " ", "= ", "{1}", "\\frac{a}{b}", "\\left( x \\right)", "\\{", "\\&", "\\,", "\\begin{a}1 \\\\ 2\\end{a}"]
    for _ in range(2000):   # aligned rows: cells between & (mostly one a row), rows between \\\\
        cell = lambda: "".join(rng.choices(rng.choice([atoms] + [tame] * 5), k=rng.randint(0, 4)))  # noqa: E731
        rows = [cell() + rng.choice(["&"] * 6 + ["", "&&"]) + cell() for _ in range(rng.randint(1, 4))]
        aligned = "\\begin{aligned}" + "\\\\".join(rows) + "\\end{aligned}" + rng.choice(["", ".", " ,"])
        assert latex._aligned_rows(aligned) == _aligned_rows_row_by_row(aligned), aligned


def test_bold_runs_are_found_where_the_first_pattern_found_them():
    first = re.compile(r"(?:^|(?<=[ (]))\*\*([^*\s](?:[^*]*?[^*\s])?)\*\*(?=$|[ \n.,:;)])")
    for parts in itertools.product(("**", "*", " ", "(", "a", "\n", ".", "$"), repeat=5):
        text = "".join(parts)
        assert [m.span() for m in latex._STRONG.finditer(text)] == [m.span() for m in first.finditer(text)], text


def test_inline_math_and_code_are_found_where_the_first_pattern_found_them():
    first = re.compile(r"\$(?!\$)(?!\s)((?:[^$\\`]|\\.)+?)\$(?!\d)|`([^`\s](?:[^`\n]*[^`\s])?)`(?!`)")
    for parts in itertools.product(("$", "\\", "`", "a", " ", "1", "\n", "$$"), repeat=5):
        text = "".join(parts)
        assert [m.regs for m in latex._INLINE.finditer(text)] == [m.regs for m in first.finditer(text)], text
