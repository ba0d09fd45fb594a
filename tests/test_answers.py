"""Answer files: YAML and JSON of the same shape, read safely."""
import time

import pytest

from examgen import answers as A


def test_yaml_and_json_give_the_same_submission():
    y = A.loads("exam: E0-1\nstudent: Ada\nanswers:\n  1: {I: 3/4, U: 2}\n  '2': {x: [1, 2]}\n")
    j = A.loads('{"exam": "E0-1", "student": "Ada", "answers": {"1": {"I": "3/4", "U": 2}, "2": {"x": [1, 2]}}}')
    assert y.answers == j.answers == {1: {"I": "3/4", "U": 2}, 2: {"x": [1, 2]}}
    assert (y.exam, y.student) == (j.exam, j.student) == ("E0-1", "Ada")


@pytest.mark.parametrize("typed", ["00123", "007", "1.50", "12e3", "+42"])
def test_a_student_typed_as_a_bare_number_is_the_text_typed(typed):
    # YAML reads `student: 00123` as the integer 123, and the roster's id 00123 was lost
    assert A.loads(f"exam: V1\nstudent: {typed}\nanswers: {{1: {{x: 007}}}}\n").student == typed
    assert A.loads(f"student: Ada\nstudent: {typed}\n").student == typed      # the one read: the last
    assert A.loads(f"student: {typed}\nstudent: Ada\n").student == "Ada"
    assert A.loads(f"answers: {{1: {{x: {typed}}}}}\n").answers[1]["x"] != typed   # answers stay numbers


def test_blank_template():
    s = A.loads('exam: "E0-1"\nstudent: ""\nanswers:\n  1:\n    I: ~\n    U: ~\n')
    assert s.student is None and A.is_blank(s.answers[1]["I"]) and A.is_blank("  ") and A.is_blank([None, ""])
    assert not A.is_blank(0)


@pytest.mark.parametrize("answers, blank", [
    ("answers:\n  1:\n    I: ~\n    U: ''\n  2:\n    x: [~, '']\n  3: ~\n", True),   # every part left blank
    ("answers:\n  1: {c: {c0: [[~, ~]], c1: ~}}\n", True),     # an array's channels, all blank
    ("answers: {}\n", True),
    ("answers:\n", True),
    ("", True),                                                 # no `answers:` at all
    ("answers:\n  1:\n    I: ~\n    U: 0\n", False),          # one answer given, 0 included
    ("answers:\n  1: 2/11\n", False),                          # given, though not as the sheet asks
    ("answers:\n  1a: {I: 2}\n", False),                       # under a number that is not a problem's
    ("answers:\n  1: {I: 2}\n  1: {I: ~}\n", False),           # given twice: the copy read may be the blank one
])
def test_a_sheet_with_no_answer_at_all_is_blank_whatever_its_name_and_exam_say(answers, blank):
    assert A.loads(f"exam: E0-1\nstudent: Ada\n{answers}").blank is blank


@pytest.mark.parametrize("data, why", [
    ("a: &a [1,1,1,1,1,1,1,1,1]\nb: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a]\nc: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b]\n"
     "answers: [*c,*c,*c,*c,*c,*c,*c,*c,*c]\n", "anchors"),
    ("answers: *x\n", "alias"),
    ("answers: !!python/object/apply:os.system ['touch /tmp/examgen-pwned']\n", "tag"),
    ("answers: !!python/name:os.system\n", "tag"),
    ("answers: !custom 1\n", "tag"),
    (b"\x89PNG\r\n\x1a\n\x00\x00\x00binary", "not a text file"),
    (b"\xff\xfe\xfa junk!", "not a text file"),   # a UTF-16 BOM, then an odd count of bytes
    ("x" * (A.MAX_BYTES + 1), "larger than"),
    ("[" * 50_000 + "]" * 50_000, "nested more than"),
    ('{"answers": ' + "[" * 50_000 + "]" * 50_000 + "}", "nested more than"),
    ("- 1\n- 2\n", "expected a mapping"),
    ("answers: [1, 2]\n", "answers must be a mapping"),
    ("student: {a: 1}\nanswers: {}\n", "student must be text"),
    ("answers: {1: {I: 1}\n", "not valid YAML"),
    ('{"answers": }', "not valid JSON"),
    ("", "empty"),
])
def test_hostile_files_get_a_clear_message_in_bounded_time(data, why):
    t = time.process_time()   # CPU time: a loaded machine must not fail this
    with pytest.raises(A.AnswerFileError, match=why):
        A.loads(data)
    assert time.process_time() - t < 2


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "utf-16", "cp1252"])
def test_a_file_saved_by_any_editor_is_read(encoding):
    # Notepad's "ANSI" (cp1252) and "Unicode" (UTF-16 with a BOM) were "not a text file (not
    # UTF-8)": the student's answers were lost. The roster is read the same way.
    text = "exam: E0-1\nstudent: Jürgen Müller\nanswers:\n  1: {I: 3/4, U: '½'}\n"
    s = A.loads(text.encode(encoding))
    assert s.student == "Jürgen Müller" and s.answers[1] == {"I": "3/4", "U": "½"}, encoding


def test_undecodable_bytes_say_what_was_expected():
    with pytest.raises(A.AnswerFileError, match="not a text file .*; expected an answer file"):
        A.loads(b"exam: \x81\x8d\x8f\x90\x9d")   # no text in UTF-8 or cp1252


def test_nothing_executed_and_odd_values_kept_for_the_grader(tmp_path):
    s = A.loads("answers:\n  1: {I: .nan, U: 2024-01-01, IOU: " + "9" * 100 + ", x: true}\n")
    assert s.answers[1]["U"] == "2024-01-01" and s.answers[1]["IOU"] == "9" * 100 and s.answers[1]["x"] is True
    assert s.answers[1]["I"] != s.answers[1]["I"]  # NaN, refused by the grader per part
    import os
    assert not os.path.exists("/tmp/examgen-pwned")


def test_bad_problem_numbers_are_notes_not_errors():
    s = A.loads("answers:\n  one: {I: 1}\n  2: [1]\n  3: {I: 2}\nextra: 1\n")
    assert s.answers == {3: {"I": 2}} and len(s.notes) == 3


@pytest.mark.parametrize("text, where", [("exam: E1\nanswers:\n  6:\n\tI: 2\n", "line 4 column 1"),
                                         ("exam: E1\r\nanswers:\r\n  6:\r\n  \t  I: 2\r\n", "line 4 column 3")])
def test_a_tab_that_indents_says_to_use_spaces(text, where):
    # an editor's tab once got "found character that cannot start any token": not what to type
    with pytest.raises(A.AnswerFileError) as e:
        A.loads(text)
    assert str(e.value) == (f"not valid YAML: a tab at {where}; YAML indents with spaces only: "
                            "replace the tab with spaces")


@pytest.mark.parametrize("name, suffix", [
    ("answers.yaml", ".yaml"), ("ANSWERS.YML", ".yml"), ("a.json", ".json"),
    # Notepad's "Text Documents" adds .txt where extensions are hidden: still the student's answers
    ("answers.yaml.txt", ".yaml"), ("answers.json.TXT", ".json"),
    ("notes.txt", None), ("answers.yaml.bak", None), ("scan.pdf", None), ("answers", None),
])
def test_an_answer_file_is_known_by_its_name(name, suffix):
    assert A.answer_suffix(name) == suffix


def test_a_folder_of_submissions_grades_answers_saved_with_txt_added(tmp_path):
    from examgen.grade import answer_paths

    for name in ("ana/answers.yaml.txt", "bo/answers.json.txt", "bo/notes.txt"):
        (tmp_path / name).parent.mkdir(exist_ok=True)
        (tmp_path / name).write_text('{"answers": {}}' if "json" in name else "answers: {}\n")
    skipped = []
    found = answer_paths([tmp_path], skipped=skipped)
    assert [p.relative_to(tmp_path).as_posix() for p in found] == ["ana/answers.yaml.txt", "bo/answers.json.txt"]
    assert [(s[0].split("/")[-1], s[1]) for s in skipped] == [("notes.txt", "not .yaml, .yml or .json")]
    assert A.load(found[1]).answers == {}


@pytest.mark.parametrize("typed, read", [
    ("[-7/8, 1/4]^T", "[-7/8, 1/4]^T"), ("'it's 1/8'", "it's 1/8"), ("*1/8", "*1/8"), ("`1/8`", "1/8"),
    ("[-7/8, 1/4]^T  # the column", "[-7/8, 1/4]^T"),
])
def test_a_yaml_slip_on_one_answer_line_is_read_as_quoted_text(typed, read):
    # one such line was "NOT GRADED: not valid YAML: did not find expected key at line 5 column 23"
    s = A.loads(f"exam: E1\nanswers:\n  8:\n    L: 1/2\n    dL_dh: {typed}\n    w_new: [3/8]\n")
    assert s.answers[8] == {"L": "1/2", "dL_dh": read, "w_new": ["3/8"]}
    (note,) = s.notes
    assert note.startswith("line 5 (dL_dh): YAML cannot read this line; read as the quoted text dL_dh: "), note
    assert "put such an answer in quotes" in note


@pytest.mark.parametrize("typed, read", [
    ("{1 \\over 9}", "{1 \\over 9}"), ("{1/9}", "{1/9}"), ("{1}", "{1}"), ("{-1/9}", "{-1/9}"), ("{1, 2}", "{1, 2}"),
    ("[{1/9}, 2]", ["{1/9}", 2]), ("{c0: [[1]], c1: {1/9}}", {"c0": [[1]], "c1": "{1/9}"}),
    # a mapping with its colon typed is a mapping (of channels, say)
    ("{c0: }", {"c0": None}), ("{c0: ~}", {"c0": None}), ("{}", {}),
])
def test_an_answer_in_braces_typed_unquoted_is_read_as_typed(typed, read):
    # YAML reads {1 \over 9} as the mapping {'1 \over 9': None}: the answer was graded blank, and a
    # sheet of such answers counted as a blank sheet, not submitted
    s = A.loads(f"exam: E1\nanswers:\n  1:\n    I: {typed}\n")
    assert s.answers == {1: {"I": read}} and s.notes == []
    assert s.blank == A.is_blank(read)
    assert not A.loads("answers:\n  1:\n    I: {1}\n    U: {9}\n    IOU: {1 \\over 9}\n").blank
    assert A.loads("answers: {1}\n").blank      # no part at all: still a blank sheet


@pytest.mark.parametrize("lines, culprit, read", [
    # the last line's final ] missing: "not valid YAML: did not find expected ',' or ']' at line 10
    # column 1" for a file of 9 lines, and nothing graded
    (["a: 1", "b: 2", "c: 3", "d: 4", "dL_dxi: [[0,0,0,0],[0,0,0,0],[0,0,-1,0],[0,0,0,0]"], "dL_dxi",
     "[[0,0,0,0],[0,0,0,0],[0,0,-1,0],[0,0,0,0]"),
    (["I: [1", "U: 3"], "I", "[1"), (["I: \"1/9", "U: 3"], "I", '"1/9'), (["I: '1/9", "U: 3"], "I", "'1/9"),
    (["I: {1/9", "U: 3"], "I", "{1/9"), (["I: [1, 'a", "U: 3"], "I", "[1, 'a"),
    (["I: [1", "", "# the union", "U: 3"], "I", "[1"),     # blank and comment lines between
    (["I: \"1/9", "U: 3", "L: \"2\""], "I", '"1/9'),       # the quote closed by a later answer's
    (["U: 3", "I: \"1/9"], "I", '"1/9'),                   # on the last line
])
def test_a_bracket_or_quote_never_closed_is_read_as_that_answers_quoted_text(lines, culprit, read):
    text = "exam: E1\nanswers:\n  1:\n" + "".join(f"    {x}\n" if x else "\n" for x in lines) + "  2:\n    L: 1/2\n"
    s = A.loads(text)
    assert s.answers[1][culprit] == read and s.answers[2] == {"L": "1/2"}, s.answers
    assert s.answers[1].get("U", 3) == 3 and not s.blank
    row = 4 + lines.index(next(x for x in lines if x.startswith(culprit + ":")))
    (note,) = s.notes
    assert note.startswith(f"line {row} ({culprit}): YAML cannot read this line; read as the quoted text "), note


def test_an_unclosed_answer_is_found_in_bounded_time():
    t = time.process_time()   # CPU time: a loaded machine must not fail this
    s = A.loads("answers:\n  1:\n    I: [1" + " " * 50_000 + "x\n    U: 3\n" + "    L: 1\n" * 2000)
    assert s.answers[1]["I"].startswith("[1") and s.answers[1]["U"] == 3
    assert time.process_time() - t < 2


def test_an_unclosed_bracket_in_a_channel_costs_that_answer_only():
    s = A.loads("answers:\n  1:\n    h:\n      c0: [[1, 2]\n      c1: [[1]]\n    L: 2\n")
    assert s.answers == {1: {"h": {"c0": "[[1, 2]", "c1": [[1]]}, "L": 2}}
    assert s.notes[0].startswith("line 4 (c0): YAML cannot read this line"), s.notes


@pytest.mark.parametrize("text, message", [
    # more slips than are read as quoted text: the first one left, and what to type
    ("answers:\n  1:\n" + "".join(f"    p{k}: [1]^T\n" for k in range(11)),     # A.MAX_REPAIRS + 1
     "line 13 (p10): YAML cannot read this line; put the answer in quotes: p10: '[1]^T'"),
    # the student's own name is not guessed at
    ("exam: E1\nstudent: 'O'Brien'\nanswers: {}\n",
     "line 2 (student): YAML cannot read this line; put it in quotes: student: \"O'Brien\""),
    # a list that continues on the next line and is never closed: which line it belongs to is not
    # plain, so the file's error as YAML gives it, and the line where the bracket was opened
    ("answers:\n  1:\n    I: [1,\n      2\n    U: 3\n",
     "not valid YAML: did not find expected ',' or ']' at line 5 column 6 (the [ opened at line 3 column 8 is not closed)"),
    ("answers:\n  1: {I: [1, 2], U: 3\n  2: {I: 1}\n",
     "not valid YAML: did not find expected ',' or '}' at line 3 column 4 (the { opened at line 2 column 6 is not closed)"),
])
def test_a_yaml_slip_not_read_says_which_line_and_what_to_type(text, message):
    assert getattr(A, "MAX_REPAIRS", 10) == 10
    with pytest.raises(A.AnswerFileError) as e:
        A.loads(text)
    assert str(e.value).startswith(message) and "\n" not in str(e.value), str(e.value)
