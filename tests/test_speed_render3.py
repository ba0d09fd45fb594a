"""Rendering's fast paths write what the plain ones wrote: templates filled without Jinja's
copies of their names as Template.render fills them; hand work counted from remembered pieces
as piece by piece."""
import random

import jinja2
import pytest

from examgen import bank, documents, exam, render, work


def _instances(seeds=(1,)):
    return [p.sample(s, prof) for p in bank.load_bank().values() for prof in ("exam", "drill") for s in seeds]


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
