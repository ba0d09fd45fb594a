"""How answers and displays are laid out (without TeX: the text examgen writes)."""
import re

import numpy as np
import pytest
import sympy as sp

from examgen import bank, formatting, latex, render


def test_a_display_splits_into_its_side_by_side_formulas_only_at_the_top_level():
    math = (r"X = \begin{bmatrix} 1 & 2 \end{bmatrix}, \qquad W = \left( a \quad b \right),"
            r"\quad \text{for a \qquad b}, \qquad y = \frac{1}{2}.")
    assert latex.formulas(math) == [r"X = \begin{bmatrix} 1 & 2 \end{bmatrix},",
                                    r"W = \left( a \quad b \right),", r"\text{for a \qquad b},",
                                    r"y = \frac{1}{2}."]
    assert latex.formulas("a + b") == ["a + b"]


def test_a_display_becomes_a_paragraph_of_display_style_formulas():
    tex = latex.to_latex("Given\n\n$$A = 1, \\qquad B = 2.$$\n")
    assert "\\begin{mathlines}" in tex and "\\[" not in tex
    assert "$\\displaystyle A = 1,$" in tex and "$\\displaystyle B = 2.$" in tex


def test_inline_math_may_run_over_a_line_break():
    tex = latex.to_latex("the gradients $\\dfrac{a}{b},\n\\dfrac{c}{d}$, each.")
    assert "\\$" not in tex and "$\\dfrac{a}{b},\n\\dfrac{c}{d}$" in tex


def test_a_decimal_is_shown_only_where_it_tells_something():
    R = sp.Rational
    assert not formatting.needs_decimal(sp.Integer(3))
    assert not formatting.needs_decimal(R(3, 8)) and not formatting.needs_decimal(R(-1, 2))
    assert formatting.needs_decimal(R(1, 3)) and formatting.needs_decimal(R(1, 16))
    assert formatting.needs_decimal(sp.log(2)) and formatting.needs_decimal(1 - sp.exp(-1))
    assert not formatting.needs_decimal(0.25) and not formatting.needs_decimal("tanh")
    exact = np.array([R(1, 2), sp.Integer(2)], dtype=object)
    assert not formatting.needs_decimal(exact)
    assert formatting.needs_decimal(np.array([R(1, 2), R(2, 3)], dtype=object))
    assert render.ans(R(1, 2)) == r"\frac{1}{2}"
    assert render.ans(R(2, 3)) == r"\frac{2}{3} \approx 0.6667"
    # a tiny exact value is not "≈ 0" (float noise below 1e-12 is), and its exponent is LaTeX's
    assert render.ans(R(1, 10**22)) == r"\frac{1}{10000000000000000000000} \approx 1 \times 10^{-22}"
    assert formatting.decimal_latex(R(-3, 10**7)) == r"-3 \times 10^{-7}"
    assert formatting.decimal_text(1e-15) == "0" and formatting.decimal_latex(1e-15) == "0"


def test_answers_show_arrays_as_matrices_channel_by_channel_never_as_nested_lists():
    problem = bank.get("conv2d-backward")
    for seed in range(5):
        for profile in ("exam", "drill"):
            inst = problem.sample(seed, profile)
            text = render.answers_table(inst)
            assert "[[" not in text and "`dL_dh`" in text and "`dL_dw`" in text
            channels = inst.values["dL_dh"].shape[2]
            assert text.count(r"\begin{bmatrix}") >= channels
            assert "[:,:,0] =" in text


def test_answers_put_the_decimals_of_an_array_beside_it_in_the_same_layout():
    problem = bank.get("mlp-backprop")
    for seed in range(10):
        inst = problem.sample(seed, "exam")
        text = render.answers_table(inst)
        for part in problem.parts:
            v = inst.values[part]
            block = text.split(f"`{part}`", 1)[1].split("\n\n`", 1)[0]
            if np.ndim(v) and formatting.needs_decimal(v):
                assert block.count(r"\begin{bmatrix}") == 2 and r"\approx" in block, (seed, part)
            elif np.ndim(v):
                assert block.count(r"\begin{bmatrix}") == 1 and r"\approx" not in block, (seed, part)


def test_an_aligned_display_becomes_rows_whose_long_right_sides_can_wrap():
    math = r"\begin{aligned} a &= 1 + 2, \\ \frac{dL}{dh} &= x \\ &= 3 + 4 \end{aligned}."
    tex = latex.display(math)
    assert tex.startswith("\\begin{mathrows}") and "\\mathlhswidth{a}" in tex
    assert "\\mathrow{a}{= 1 + 2,}" in tex and "\\mathrow{\\frac{dL}{dh}}{= x}" in tex
    assert "\\mathrow{}{= 3 + 4.}" in tex
    odd = r"\begin{aligned} a &= 1 & b &= 2 \end{aligned}"   # two columns: left as one formula
    assert "\\begin{mathlines}" in latex.display(odd)


def test_right_to_left_runs_are_set_right_to_left_and_other_text_escapes_as_before():
    rtl, ltr = r"{\ifdefined\textdir\textdir TRT\fi ", r"{\ifdefined\textdir\textdir TLT\fi "
    # no right-to-left letter: the same escaping as ever (documents stay byte-identical)
    assert latex.escape('Quiz <1> | "A" & B σ') == r"Quiz <1> | \textquotedbl{}A\textquotedbl{} \& B $\sigma$"
    # a run spans the spaces between its words, and its marks (harakat, niqqud, maqaf)
    assert latex.escape("ليلى أحمد") == rtl + "ليلى أحمد}"
    assert latex.escape("דָּוִד בֶּן־אַבְרָהָם") == rtl + "דָּוִד בֶּן־אַבְרָהָם}"
    assert latex.escape("مُحَمَّد") == rtl + "مُحَمَّد}"
    # what is outside a run stays outside, escaped; a Latin letter ends a run
    assert latex.escape("Name: ليلى أحمد (s005)") == "Name: " + rtl + "ليلى أحمد} (s005)"
    assert latex.escape("ليلى & Ann & דוד") == rtl + "ليلى} \\& Ann \\& " + rtl + "דוד}"
    # numbers read left to right inside a run; one after right-to-left text belongs to it
    # (the bidi algorithm sets "اختبار 2" as 2 to the left of اختبار), one before it does not
    assert latex.escape("اختبار 12 سعيد") == rtl + "اختبار " + ltr + "12} سعيد}"
    assert latex.escape("اختبار 2") == rtl + "اختبار " + ltr + "2}}"
    assert latex.escape("2 اختبار 3.5 x") == "2 " + rtl + "اختبار " + ltr + "3.5}} x"
    assert latex.rtl_runs("a ليلى b") == [(2, 6)]


def test_the_quick_right_to_left_filter_finds_every_right_to_left_character():
    import sys
    import unicodedata

    missed = [hex(i) for i in range(sys.maxunicode + 1)
              if unicodedata.bidirectional(chr(i)) in ("R", "AL") and not latex._MAYBE_RTL.match(chr(i))]
    assert missed == []


def _whole(markdown: str) -> str:
    """to_latex's answer from one parse of the whole text (what it did before converting blocks)."""
    return latex._blocks(latex._parser()(latex._one_line_displays(markdown))).strip() + "\n"


# A block that is one display and nothing else, and a line after which a blank line may not end
# a block (an item, an indented line, a quote, a fence, HTML, a link definition): see latex.to_latex
_ONE_DISPLAY = re.compile(r"\$\$([^\n$]*)\$\$[ \t]*\n?")
_JOINS = re.compile(r"^(?:[ \t]+\S|[-*+][ \t]|\d+[.)][ \t]|>|```|~~~|<|\[[^\]\n]*\]:)", re.M)


def test_converting_block_by_block_gives_what_one_parse_gives():
    """to_latex converts the blocks between blank lines one by one (each remembered): over every
    problem's prompt, solution and answers in both profiles that is the whole text's LaTeX, and
    most texts are split (the rest hold lists or indentation, which join blocks across blank lines)."""
    texts = [f(p.sample(s, prof)) for p in bank.load_bank().values() for prof in ("exam", "drill")
             for s in range(3) for f in (render.prompt, render.solution, render.answers_table)]
    split = [t for t in texts if not _JOINS.search(t)]
    assert len(split) > 0.8 * len(texts)
    for t in texts:
        assert latex.to_latex(t) == _whole(t), t[:200]
    blocks = [b for t in split for b in latex._BLANK_LINE.split(t)]
    displays = [b for b in blocks if _ONE_DISPLAY.fullmatch(b)]
    assert len(displays) > 0.3 * len(blocks)   # the blocks converted without the parser ...
    for b in displays + ["$$x = 1$$  \n", "$$$$", "$$a \\\\ b$$\n"]:
        tex = latex.display(_ONE_DISPLAY.fullmatch(b).group(1))   # ... are their display's ...
        assert latex.to_latex(b) == tex == _whole(b), b   # ... and the parser's
    for b in ("$$a$$ more", " $$a$$", "$$a$$\n$$b$$", "$$a \\$ b$$", "$$a$$\n\n", "$$a$ b$$"):  # the parser's
        assert latex.to_latex(b) == _whole(b), b
    plain = [b for b in blocks if latex._plain_paragraph(b) is not None]
    assert len(plain) > 0.8 * (len(blocks) - len(displays))   # most of the other blocks: no parser ...
    for b in plain:
        assert latex._plain_paragraph(b) == latex._converted(b), b   # ... and the parser's LaTeX
    for b in ("Find $x$ and `y_c`.", "a $x$\nb `c` $y\nz$ d\n", "`U` $= 27$", "$5 and $6", "a $ x$ b",
              "$x$1", "a *b* c", "a_b", "x\n- y", "x\n===", "x  \ny", "see [1]", "a <b> c", "AT&amp;T",
              "a `b``c` d", "``a``", "```\ncode", "a $x`$ `y$", "1. one", "  indented", "a | b", "a\\$b",
              "x\n1) y", "# h", "> q", "a $$x$$ b", "ab\u05d0c", "a\tb", "`a\nb`", "a $x\\$ b$ c",
              "**Step $t = 1$** (with $h = 0$):", "**a** b **c**.", "(**a**)", "**a **b", "** a**", "a**b**c",
              "**a*b**", "**a**b", "x **$y$**, z", "$a **b$ x $c** d$", "**a\nb**", "***a***", "**a** _b_",
              "**Anchor 2**, $I = 3$:\n$U = 4$, and", "**`c`** x", "**a** **b**", "**a**\n**b**",
              "* a", "***", "** *", "x\n* y", "*a*"):
        fast = latex._plain_paragraph(b)
        assert fast is None or fast == latex._converted(b), b   # not sure (the parser decides), or its LaTeX
    loose = "Steps:\n\n- one $x$\n\n- two\n\nThen $y$.\n"   # a loose list: its items are paragraphs
    assert _JOINS.search(loose)
    assert latex.to_latex(loose) == _whole(loose) and loose.count("\\item") == 0 and latex.to_latex(loose).count("\\item") == 2


def test_a_quotient_already_in_lowest_terms_is_not_written_twice():
    from examgen.engine.exact import Exact
    from examgen.render import quotient

    assert quotient(Exact(6), Exact(19), Exact(6) / 19) == r"\frac{6}{19} \approx 0.3158"
    assert quotient(Exact(2), Exact(6), Exact(1) / 3) == r"\frac{2}{6} = \frac{1}{3} \approx 0.3333"
    assert quotient(Exact(15), Exact(30), Exact(1) / 2) == r"\frac{15}{30} = \frac{1}{2}"
    assert quotient(0.0, 28.74, 0.0) == r"\frac{0}{28.74} = 0"
    for pid in ("iou", "anchor-labels"):   # the key of either never says 6/19 = 6/19
        for seed in range(30):
            text = render.solution(bank.get(pid).sample(seed))
            assert not re.search(r"(\\frac\{\d+\}\{\d+\}) = \1(?!\d)", text), (pid, seed)


def test_the_natural_log_note_comes_only_where_the_question_has_a_log():
    # "(Here ln is the natural logarithm.)" was printed under ReLU questions without a log
    for seed in range(12):
        inst = bank.get("activation-derivative").sample(seed)
        text = render.prompt(inst)
        assert ("natural logarithm" in text) == ("\\ln" in text.split("(Here")[0]), (seed, text)


def test_a_detection_loss_with_no_object_says_why_the_regression_loss_is_0():
    # `examgen solve` on such a batch printed "For the anchors with an object:", nothing, then \frac{}{0}
    inst = bank.get("detection-loss").from_params(
        {"y_c": [0, 0], "yhat_c": ["1/2", "1/4"], "y_r": [[0, 0, 0, 0], [1, 1, 1, 1]], "yhat_r": [[0, 0, 0, 0]] * 2})
    text = render.solution(inst)
    assert "No anchor has an object" in text and "\\frac{}" not in text and "For the anchors with an object" not in text
    assert inst.values["L_r"] == 0


def test_indices_are_listed_without_dots_when_there_are_few():
    # "for n = 0, …, 1" read oddly in the default final's RNN question (T = 2)
    assert render.indices(1) == "0" and render.indices(2) == "0, 1" and render.indices(3) == "0, 1, 2"
    assert render.indices(6, "h[{}]") == r"h[0], h[1], \dots, h[5]"
    inst = next(i for i in (bank.get("rnn-bptt").sample(s) for s in range(20)) if len(i.params["x"]) == 2)
    assert "for $n = 0, 1$," in render.prompt(inst) and r"0, \dots, 1" not in render.prompt(inst)


def _subsets(parts: list) -> list[tuple]:
    """Every single part of a multi-part problem, and one pair where there are three parts or more."""
    return [(p,) for p in parts] + ([(parts[0], parts[-1])] if len(parts) >= 3 else [])


def test_a_subset_of_parts_narrows_the_question_itself():
    # A spec's `parts: [dL_dw]` printed "Answer only these parts: dL_dw" under conv-pool-layer's
    # "Find ξ, p, ∂L/∂ξ, ∂L/∂h and ∂L/∂w": the question must name only the asked parts
    multi = [p for p in bank.load_bank().values() if len(p.parts) > 1]
    assert len(multi) >= 17
    for p in multi:
        for profile in ("exam", "drill"):
            for seed in range(3):
                inst = p.sample(seed, profile)
                full = render.prompt(inst)
                narrowed = {}
                for asked in _subsets(list(p.parts)):
                    inst.asked = asked
                    narrowed[asked] = render.prompt(inst)
                    text = narrowed[asked]
                    assert text != full, (p.id, profile, seed, asked)
                    assert len(re.findall(r"(?<!\\)\$", text)) % 2 == 0, (p.id, profile, seed, asked, text)   # math balanced
                singles = [narrowed[(part,)] for part in p.parts]
                assert len(set(singles)) == len(singles), (p.id, profile, seed)   # each names its own part


def test_an_iou_at_the_threshold_is_not_written_below_it():
    # solve printed "IOU = 1/2 < 1/2 ⇒ y_c = 0" for an anchor at the threshold
    inst = bank.get("anchor-labels").from_params({"ref": [0, 0, 2, 2], "anchors": [[0, 0, 1, 2]], "threshold": "1/2"})
    text = render.solution(inst)
    assert r"= \frac{1}{2}, \text{ not} > \frac{1}{2}" in text and r"< \frac{1}{2}" not in text


def test_the_key_shows_an_expression_as_a_student_types_it():
    # key.md said "typed `6*z**2 + 18*x*z`" (SymPy's str: Python's ** and sigma); the sheet asks for ^ and σ
    shown = []
    for seed in range(12):
        for pid in ("total-derivative", "activation-identity"):
            table = render.answers_table(bank.get(pid).sample(seed, "exam"))
            shown += [line.split("typed `")[1].rstrip("`") for line in table.splitlines() if "typed `" in line]
    assert shown and not any("**" in t or "sigma(" in t for t in shown)
    assert any("^" in t for t in shown) and any("σ(" in t for t in shown)


@pytest.mark.parametrize("a", [1, -1, 2])
def test_a_unit_coefficient_is_not_written_as_a_factor(a):
    # activation-identity with a = 1 read "dh/dξ = du/dξ σ′(u) = 1 σ′(u)" and "= 1 · h(1 − h)"
    problem = bank.get("activation-identity")
    for question in problem.module.DERIVATIVES:
        text = render.solution(problem.from_params({"question": question, "a": a, "b": 1}))
        if a in (1, -1):
            assert not re.search(r"(?<![\d.])1 ?(\\cdot|\\,)", text), (question, text)
        else:
            assert r"2 \cdot" in text or r"2\," in text, (question, text)
