"""Rendering's fast paths write what the plain ones wrote: templates filled without Jinja's
copies of their names as Template.render fills them."""
import jinja2
import pytest

from examgen import bank, documents, exam, render


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
