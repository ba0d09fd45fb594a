"""Rendering's fast paths write what the plain ones wrote: templates filled without Jinja's
copies of their names as Template.render fills them, the exam's part lists as the templates'
loops wrote them, hand work counted from remembered pieces as read piece by piece, and a
display of one formula as the split path sets it."""
import dataclasses
import functools
import random

import jinja2
import pytest

from examgen import bank, documents, exam, latex, render, work


@functools.lru_cache(maxsize=None)
def _instances() -> list:
    """The instances of two default-exam versions in each profile, and one of every other
    problem (shared by the tests: drawing is slow)."""
    spec = exam.load_spec()
    out = [inst for profile in ("exam", "drill") for seed in range(2)
           for _, _, inst in exam.build_version(dataclasses.replace(spec, profile=profile), seed).problems]
    return out + [p.sample(0, "exam") for p in bank.load_bank().values() if p.id not in {i.id for i in out}]


def test_fill_writes_what_render_writes():
    for inst in _instances():
        for which in ("prompt", "solution"):
            t = render._template(inst.id, which)
            assert render.fill(t, render.context(inst)) == t.render(render.context(inst)), (inst.id, which)
    version = exam.build_version(exam.load_spec(), 5)
    items = documents.problem_items(version, True)
    ctx = documents.doc_context(version, items)
    env = documents.environment()
    for name, names in (("exam.md.j2", ctx), ("key.md.j2", ctx), ("exam.tex.j2", {"docs": [ctx]}),
                        ("key.tex.j2", {"docs": [ctx]})):
        t = env.get_template(name)
        assert render.fill(t, names) == t.render(names), name


def test_fill_sees_the_globals_and_leaves_the_names_as_they_were():
    env = render.environment()
    t = env.from_string("<% set n = 2 %><< n >> << len(xs) >> <% for i in range(n) %><< i >><% endfor %> << x|tex >>")
    names = {"xs": [1, 2, 3], "x": 1}
    assert render.fill(t, names) == t.render(names) == "2 3 01 1"
    assert names == {"xs": [1, 2, 3], "x": 1}


def test_fill_raises_what_render_raises():
    t = render.environment().from_string("a\n<< missing.x >>")
    with pytest.raises(jinja2.UndefinedError) as plain:
        t.render({})
    with pytest.raises(jinja2.UndefinedError) as filled:
        render.fill(t, {})
    assert str(filled.value) == str(plain.value) == "'missing' is undefined"


def steps_piece_by_piece(math: str) -> int:
    """work._steps as first written: each piece between relations read in turn."""
    count, symbolic_before = 0, False
    for piece in work._RELATION.split(work._INDEX.sub(" ", math)):
        if not piece.strip():
            continue
        if work._NUMBER.search(piece):
            steps = len(work._STEP.findall(piece))
            count += steps or int(symbolic_before and "M" not in piece)
            symbolic_before = False
        else:
            symbolic_before = True
    return count


def test_steps_remembered_piece_by_piece_are_counted_as_read_in_turn():
    formulas = {m.group(1) or m.group(2) for inst in _instances() for m in work._MATH.finditer(render.solution(inst))}
    rng = random.Random(11)
    atoms = ["0", "x_0", "_{00}", "^{(0)}", "[0,0]", " - ", "-", "+", "=", "&=", r"\le ", r"\approx", r"\times",
             r"\cdot", ")(", r"\sigma(", "M", " M ", " ", "\n", "&", ",", r"\\", "<", "e^", r"\ln 0", "a", ")", "("]
    formulas |= {"".join(rng.choices(atoms, k=rng.randint(1, 14))) for _ in range(4000)}
    assert len(formulas) > 3000
    for math in formulas:
        zeros = work._as_0(math)
        for f in (math, zeros, work._MATRIX.sub(" M ", zeros)):
            assert work._steps(f) == steps_piece_by_piece(f), f


def test_digits_are_written_0_as_str_translate_writes_them():
    table = str.maketrans("123456789", "000000000")
    rng = random.Random(2)
    chars = "0123456789 aσ·−٣\u2028\U0001d465\ud800\\{}"
    for _ in range(3000):
        text = "".join(rng.choices(chars, k=rng.randint(0, 12)))
        assert work._as_0(text) == text.translate(table), repr(text)


def test_part_lists_are_written_as_the_templates_loops_wrote_them():
    env = documents.environment()
    loop = {"parts_md": "<% for p in item.parts %>`<< p.name >>`<% if not loop.last %>, <% endif %><% endfor %>",
            "parts_tex": "<% for p in item.parts %>\\texttt{<< p.name|esc >>}<% if not loop.last %>, <% endif %><% endfor %>"}
    spec = exam.load_spec()
    checked = 0
    for seed in range(3):
        for item in documents.problem_items(exam.build_version(spec, seed), seed % 2 == 0):
            for k, source in loop.items():
                assert item[k] == env.from_string(source).render(item=item), item[k]
                checked += 1
    assert checked >= 2 * 3 * len(spec.problems)


def display_by_formulas(math: str) -> str:
    """latex.display as first written: every display split into formulas and tried as aligned."""
    pieces = latex.formulas(math)
    rows = latex._aligned_rows(pieces[0]) if len(pieces) == 1 else None
    if rows:
        measure = "".join("\\mathlhswidth{%s}" % lhs for lhs, _ in rows)
        body = "\n".join("\\mathrow{%s}{%s}" % row for row in rows)
        return "\\begin{mathrows}" + measure + "\n" + body + "\n\\end{mathrows}\n"
    body = "\\hskip 2em plus 1em\n".join("$\\displaystyle " + f + "$" for f in pieces)
    return "\\begin{mathlines}\n" + body + "\n\\end{mathlines}\n"


def test_one_formula_displays_are_set_as_split_displays_are():
    shown = [render.solution(i) + render.prompt(i) + render.answers_table(i) for i in _instances()]
    displays = {d for text in shown for d in latex._one_line_displays(text).split("$$")[1::2]}
    rng = random.Random(4)
    atoms = ["x", " ", "\n", ",", ".", "\\quad", "\\qquad", "quad", "\\begin{aligned}", "\\end{aligned}", "&", "=",
             "\\\\", "{", "}", "\\frac{1}{2}", "\\begin{bmatrix} 1 \\\\ 2 \\end{bmatrix}", "\\left(", "\\right)"]
    displays |= {"".join(rng.choices(atoms, k=rng.randint(0, 8))) for _ in range(5000)}
    one = [d for d in displays if "quad" not in d and not d.strip().startswith("\\begin{aligned}")]
    assert len(displays) > 3000 and len(one) > 500 and len(displays) - len(one) > 500
    for d in displays:
        assert latex.display.__wrapped__(d) == display_by_formulas(d), d
