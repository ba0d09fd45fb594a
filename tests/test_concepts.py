"""concepts: multiple-choice questions whose wrong choices are named misreadings."""
from collections import Counter

import pytest

from examgen import bank
from examgen import key as keys
from examgen.errors import ExamgenError
from examgen.grade import grade_submission

PROBLEM = bank.get("concepts")
QUESTIONS = PROBLEM.module.QUESTIONS


def test_questions_cover_the_review_with_three_to_five_choices():
    assert len(QUESTIONS) >= 8
    for qid, q in QUESTIONS.items():
        texts = [q["right"], *q["wrong"].values()]
        assert 3 <= len(texts) <= 5 and len(set(texts)) == len(texts), qid
    assert set(PROBLEM.params["question"].choices) == set(QUESTIONS)


def test_every_misreading_is_a_declared_mistake_that_shows_as_another_letter():
    declared = {m.name for m in PROBLEM.mistakes}
    assert declared == {name for q in QUESTIONS.values() for name in q["wrong"]}
    seen = Counter()
    for seed in range(300):
        inst = PROBLEM.sample(seed, "exam")
        letters = [c["letter"] for c in inst.values["choices"]]
        wrong = inst.mistakes()
        assert len(wrong) == len(letters) - 1
        shown = {m["answers"]["choice"] for m in wrong}
        assert shown | {inst.values["choice"]} == set(letters)   # one letter each, the right one apart
        seen.update(m["name"] for m in wrong)
    assert set(seen) == declared


def test_the_solution_says_why_each_other_choice_is_wrong():
    # it said only "The answer is (c): …", leaving a student who chose (a) without a reason
    from examgen import latex, render

    messages = {m.name: m.message for m in PROBLEM.mistakes}
    for question in QUESTIONS:
        inst = PROBLEM.sample(7, "exam", {"question": question})
        text = render.solution(inst)
        assert text.startswith(f"The answer is ({inst.values['choice']}): ")
        reasons = [line for line in text.splitlines() if line.startswith("- (")]
        wrong = sorted((m["answers"]["choice"], messages[m["name"]]) for m in inst.mistakes())
        assert reasons == [f"- ({letter}) {why}" for letter, why in wrong], question
        assert all(ord(c) < 128 or c in "–—’" for c in latex.to_latex(text)), question   # pdflatex-safe


def test_choices_are_shuffled_per_seed():
    right = Counter(PROBLEM.sample(seed, "exam").values["choice"] for seed in range(200))
    assert set(right) == set("abcd") and min(right.values()) >= 20
    distinct = {(i.params["question"], i.params["order"]) for i in (PROBLEM.sample(s, "exam") for s in range(100))}
    assert len(distinct) >= 80


def test_a_spec_can_fix_the_question():
    inst = PROBLEM.sample(1, "exam", {"question": "lstm-output"})
    assert "o[t]" in inst.values["right_text"] and inst.params["question"] == "lstm-output"


def test_user_order_is_checked():
    with pytest.raises(ExamgenError, match="order must list"):
        PROBLEM.from_params({"question": "one-hot", "order": "aab"})
    inst = PROBLEM.from_params({"question": "one-hot", "order": "cadb"})
    assert inst.values["choice"] == "b"


@pytest.mark.parametrize("typed, verdict", [("b", "correct"), ("B", "correct"), ("(b)", "correct"),
                                            ("b)", "correct"), (" (B) ", "correct"), ("b.", "correct"),
                                            ("c", "wrong"), ("(a)", "wrong")])
def test_grader_reads_a_letter_as_a_marker_would(typed, verdict):
    inst = PROBLEM.from_params({"question": "one-hot", "order": "cadb"})
    entry = keys.problem_entry(inst, 1, 10)
    key = {"exam": "E0", "seed": 0, "bank": bank.bank_version(), "title": "T", "student": None,
           "points": 10, "problems": [entry]}
    result = grade_submission(key, {"exam": "E0", "student": "Ada", "answers": {1: {"choice": typed}}})
    part = result["problems"][0]["parts"][0]
    assert part["verdict"] == verdict, part
    if typed == "c":    # shown (c) holds the stored d, the third misreading
        assert part["mistake"] == "target-plus-minus", part
