"""A real class: rosters as LMSs export them, secret versions, stable re-weighting."""
import json
import re
import shutil
from pathlib import Path

import pytest
import yaml

from examgen.errors import ExamgenError
from examgen.roster import folder_name, parse_roster, same_name

from helpers import one_line_error, run

DATA = Path(__file__).parent / "data"
SMALL = DATA / "small_spec.yaml"

CANVAS = (
    "\ufeffStudent,ID,SIS User ID,SIS Login ID,Section,Quiz 1 (1234)\n"
    "    Points Possible,,,,,10.00\n"
    '"Nguyễn, Thị Minh Khai",101,s001,nguyen,Section 1,8\n'
    '"García, Ana",102,s002,agarcia,Section 1,\n'
    '"García, Ana",103,s003,agarcia2,Section 2,\n'
    "王小明,104,,wang,Section 2,\n"
)
MOODLE = ("First name,Last name,ID number,Institution,Department,Email address\n"
          "Björk,Guðmundsdóttir,m-17,U,EE,bjork@example.edu\n"
          "Oluwaseun,Adébáyọ̀,m-18,U,EE,seun@example.edu\n")
HAND = "Last Name,First Name,sid,email\nLovelace,Ada,1,ada@x.edu\nTuring,Alan,2,alan@x.edu\n"


def test_canvas_export_skips_points_possible_and_keeps_lms_ids():
    students = parse_roster(CANVAS, "canvas.csv")
    assert [s.name for s in students] == ["Nguyễn, Thị Minh Khai", "García, Ana", "García, Ana", "王小明"]
    assert [s.id for s in students] == ["s001", "s002", "s003", "104"]  # SIS User ID, else Canvas's ID
    assert students[0].section == "Section 1"
    assert students[0].lms == {"ID": "101", "SIS User ID": "s001", "SIS Login ID": "nguyen"}


def test_canvas_test_student_is_skipped_with_a_note_unless_it_has_a_real_id(tmp_path):
    # Canvas adds "Student, Test" to every course: it became a version, a folder and "without a submission".
    possible = "    Points Possible,,,,,10.00\n"
    export = CANVAS.replace(possible, possible + '"Student, Test",999,,,Section 1,\n')
    notes = []
    students = parse_roster(export, "canvas.csv", notes)
    assert [s.id for s in students] == ["s001", "s002", "s003", "104"]
    assert notes == ['roster canvas.csv: row 3 ("Student, Test") is Canvas\'s Test Student (every course has one), '
                     "not a student: skipped"]
    assert [s.name for s in parse_roster("name\nAda\nTest Student\n")] == ["Ada"]    # no id at all: skipped too
    notes = []   # an id the institution gave (here a student number): a person, kept, with a note
    assert [s.id for s in parse_roster("student_id,name\ns9,Test Student\n", "r.csv", notes)] == ["s9"]
    assert "has the id s9: kept as a student" in notes[0]
    out, r = _generate(tmp_path, "--roster", _roster(tmp_path, export))
    assert "Canvas's Test Student" in r.stderr and "Wrote 4 versions" in r.stdout
    assert not any("Test" in p.name for p in out.iterdir())
    r = run("grade", out / "key.json", out)
    assert "Test" not in r.stderr and "Test" not in r.stdout


def test_moodle_and_hand_written_rosters_join_first_and_last_names_in_either_order():
    moodle = parse_roster(MOODLE)
    assert [(s.name, s.id, s.email) for s in moodle] == [
        ("Björk Guðmundsdóttir", "m-17", "bjork@example.edu"), ("Oluwaseun Adébáyọ̀", "m-18", "seun@example.edu")]
    hand = parse_roster(HAND)
    assert [(s.name, s.id) for s in hand] == [("Ada Lovelace", "1"), ("Alan Turing", "2")]
    plain = parse_roster("Ada Lovelace\nAlan Turing\n")          # no header: one name a line
    assert [s.name for s in plain] == ["Ada Lovelace", "Alan Turing"] and not plain[0].id


@pytest.mark.parametrize("header", ["Student Number", "Student ID", "Matriculation number", "Student No.", "SIS User ID",
                                    "ID number", "student-number", "STUDENT #", "Matric. No"])
def test_the_common_id_headers_are_read_as_the_id(header):
    # "Student Number" was no column at all: two Wei Zhang were refused as "no id".
    students = parse_roster(f"Name,{header}\nWei Zhang,00001\nWei Zhang,00002\n", "r.csv")
    assert [(s.name, s.id) for s in students] == [("Wei Zhang", "00001"), ("Wei Zhang", "00002")]


def test_a_european_export_with_a_student_number_column_makes_a_version_per_student(tmp_path):
    roster = tmp_path / "euro.csv"   # Excel's CSV in Europe: semicolons, Windows-1252, CRLF
    roster.write_bytes("Email Address;Last Name;First Name;Student Number\r\n"
                       "wei.zhang1@uni.eu;Zhang;Wei;00001\r\nwei.zhang2@uni.eu;Zhang;Wei;00002\r\n"
                       "mueller@uni.eu;Müller;Jürgen;00003\r\n".encode("cp1252"))
    out, _ = _generate(tmp_path, "--roster", roster, "--seed", "2")
    versions = json.loads((out / "key.json").read_text(encoding="utf-8"))["versions"]
    assert [(v["student"], v["student_id"]) for v in versions] == [
        ("Wei Zhang", "00001"), ("Wei Zhang", "00002"), ("Jürgen Müller", "00003")]


def test_a_last_name_first_name_column_is_the_name_kept_as_given(tmp_path):
    # Every student was named by their id: the combined column was not recognised.
    roster = _roster(tmp_path, 'SIS User ID,"Last Name, First Name",Email Address\n'
                               '00123,"Zhang, Wei",a@x.edu\n00124,"Zhang, Wei",b@x.edu\n007,"Nguyễn, Thị Minh Khai",c@x.edu\n')
    out, _ = _generate(tmp_path, "--roster", roster, "--seed", "2")
    versions = json.loads((out / "key.json").read_text(encoding="utf-8"))["versions"]
    assert [(v["student"], v["student_id"]) for v in versions] == [
        ("Zhang, Wei", "00123"), ("Zhang, Wei", "00124"), ("Nguyễn, Thị Minh Khai", "007")]
    assert same_name("Wei Zhang", versions[0]["student"])      # a student types it either way


def test_excels_sep_line_declares_the_delimiter_and_is_no_student(tmp_path):
    # "sep=;" was read as the header: students "sep=" and "Name", and no id column.
    roster = _roster(tmp_path, 'sep=;\nName;Student ID\n"Zhang, Wei";00123\n"Li, Na";00124\n')
    out, _ = _generate(tmp_path, "--roster", roster, "--seed", "2")
    versions = json.loads((out / "key.json").read_text(encoding="utf-8"))["versions"]
    assert [(v["student"], v["student_id"]) for v in versions] == [("Zhang, Wei", "00123"), ("Li, Na", "00124")]
    # the declared delimiter wins over the guess; rows keep the file's numbers
    with pytest.raises(ExamgenError, match=r"rows 3 and 4 have the same id '7'"):
        parse_roster('"sep=,"\r\nid,name\r\n7,Ada;;;;;;\r\n7,Bob\r\n', "r.csv")


def test_a_roster_without_a_name_id_or_email_column_is_refused_naming_the_columns(tmp_path):
    # "score,grade" above numbers made exams for students "score", "1" and "3", exit 0.
    roster = _roster(tmp_path, "score,grade\n1,2\n3,4\n")
    one_line_error(run("generate", "--roster", roster, "--format", "md", "--out", tmp_path / "o"),
                   "no name, id or email column", "(score, grade)", "row 2", '"Student Number"', '"Last Name"', '"Email"')
    assert not (tmp_path / "o").exists()
    with pytest.raises(ExamgenError, match=r"first row \(1, 2\) names none, and row 1's first cell '1' is no name"):
        parse_roster("1,2\n3,4\n", "r.csv")
    # a list of names without a header stays a roster, whatever follows the names
    assert [(s.name, s.id) for s in parse_roster("Ada Lovelace,00123\nAlan Turing,00124\n")] == [
        ("Ada Lovelace", ""), ("Alan Turing", "")]


def test_names_typed_last_comma_first_without_quotes_keep_the_first_name():
    # A hand-typed list "Zhang, Wei" a line was the students "Zhang", "García", ...: first names lost.
    notes = []
    assert [s.name for s in parse_roster("Zhang, Wei\nGarcía, Ana\nZhang, Li\n", "names.txt", notes)] == [
        "Zhang, Wei", "García, Ana", "Zhang, Li"] and not notes
    assert same_name("Wei Zhang", "Zhang, Wei")
    # a name and an id, an e-mail or a one-letter section stay the name and what follows it
    assert [s.name for s in parse_roster("Ada Lovelace,00123\nAlan Turing,00124\n")] == ["Ada Lovelace", "Alan Turing"]
    assert [s.name for s in parse_roster("Ada Lovelace,A\nAlan Turing,B\n")] == ["Ada Lovelace", "Alan Turing"]


@pytest.mark.parametrize("text, line", [
    ("name,id,email\nZhang, Wei,s001,wz@uni.edu\nAna García,s002,ag@uni.edu\n", 2),
    # Canvas's header ends in a comma; Canvas's own "Student, Test" typed back without quotes
    ("Student,ID,SIS User ID,SIS Login ID,Section,\nZhang Wei,1,s1,wz,A,\nStudent, Test,3,,,A,\n", 3),
])
def test_a_row_an_unquoted_comma_shifted_past_the_header_is_refused(tmp_path, text, line):
    # "Zhang, Wei,s001,..." was the student "Zhang" with the id "Wei" and the e-mail "s001"
    with pytest.raises(ExamgenError, match=rf"row {line} has \d+ cells but its header names \d+ columns .*in quotes"):
        parse_roster(text, "r.csv")
    # a trailing delimiter, or a cell under a column with no name, is no shift
    assert [(s.name, s.id) for s in parse_roster("name;id;\nWei Zhang;s001;\nAna;s002;\n")] == [
        ("Wei Zhang", "s001"), ("Ana", "s002")]
    assert [(s.name, s.id) for s in parse_roster("Name,ID,\nAda,1,late\n")] == [("Ada", "1")]
    one_line_error(run("generate", "--roster", _roster(tmp_path, text), "--format", "md", "--out", tmp_path / "o"),
                   f"row {line} has")
    assert not (tmp_path / "o").exists()


def test_a_roster_of_emails_alone_names_each_student_by_email():
    # A mailing list's export (one email column) was "lists no students".
    students = parse_roster("Email\nada@x.edu\nalan@x.edu\n\n", "emails.csv")
    assert [(s.name, s.email, s.id) for s in students] == [("ada@x.edu", "ada@x.edu", ""), ("alan@x.edu", "alan@x.edu", "")]


@pytest.mark.parametrize("text, students", [
    # "Nom,Courriel" was a student called Nom, and Dupont Marie had no e-mail
    ("Nom,Courriel\nDupont Marie,marie.dupont@uni.fr\n", [("Dupont Marie", "", "marie.dupont@uni.fr")]),
    ("Étudiant;Matricule\nDupont Marie;20231234\n", [("Dupont Marie", "20231234", "")]),
    ("Nombre,Correo electrónico\nAna García,ana@uni.es\n", [("Ana García", "", "ana@uni.es")]),
    ("Nom,Prénom,Adresse électronique\nDupont,Marie,m@uni.fr\n", [("Marie Dupont", "", "m@uni.fr")]),
    ("Nombre,Apellidos,Grupo\nAna,García López,B\n", [("Ana García López", "", "")]),
    ("Name;Vorname;Matrikelnummer;E-Mail\nMüller;Jörg;0815;j@uni.de\n", [("Jörg Müller", "0815", "j@uni.de")]),
    ("Prenom,Nom de famille,Numero etudiant\nMarie,Dupont,7\n", [("Marie Dupont", "7", "")]),  # no accents
])
def test_headers_in_french_spanish_and_german_name_the_columns(text, students):
    notes = []
    assert [(s.name, s.id, s.email) for s in parse_roster(text, "r.csv", notes)] == students and not notes


def test_an_unknown_header_above_emails_or_ids_is_skipped_with_a_note(tmp_path):
    # a header in words examgen does not know was a student: "Naam", with no e-mail
    notes = []
    students = parse_roster("Naam,E-postadres\nJan de Vries,jan@uni.nl\nPiet Jansen,piet@uni.nl\n", "r.csv", notes)
    assert [(s.name, s.email) for s in students] == [("Jan de Vries", "jan@uni.nl"), ("Piet Jansen", "piet@uni.nl")]
    assert notes == ['roster r.csv: row 1 ("Naam,E-postadres") read as a header, not a student: the rows below hold '
                     'e-mail addresses under "E-postadres"; column "E-postadres" is the email']
    # above ids; the names are the first column that is neither ids nor e-mails
    notes = []
    students = parse_roster("Numer;Imię i nazwisko\n1;Jan Kowalski\n2;Anna Nowak\n", "r.csv", notes)
    assert [s.name for s in students] == ["Jan Kowalski", "Anna Nowak"]
    assert notes[0].startswith('roster r.csv: row 1 ("Numer;Imię i nazwisko") read as a header')
    # examgen says it: a note on stderr, and among the library's warnings
    roster = _roster(tmp_path, "Nimi;Sähköposti\nMatti Virtanen;matti@uni.fi\nLiisa Korhonen;liisa@uni.fi\n")
    out, r = _generate(tmp_path, "--roster", roster, "--seed", "3")
    assert 'row 1 ("Nimi;Sähköposti") read as a header' in r.stderr
    versions = json.loads((out / "key.json").read_text(encoding="utf-8"))["versions"]
    assert [(v["student"], v["email"]) for v in versions] == [("Matti Virtanen", "matti@uni.fi"),
                                                             ("Liisa Korhonen", "liisa@uni.fi")]


@pytest.mark.parametrize("text, names, said", [
    # one row below: too little to tell a header from a student
    ("Naam,E-postadres\nJan de Vries,jan@uni.nl\n", ["Naam", "Jan de Vries"], '"E-postadres" is no e-mail address'),
    # a placeholder where an id is missing, not a header
    ("Ana García,TBD\nBen Li,S2\nCy Po,S3\n", ["Ana García", "Ben Li", "Cy Po"], '"TBD" is no id'),
    # a student called Nom, with an e-mail or an id: known words, but data
    ("Nom,nom@uni.fr\nDupont Marie,marie@uni.fr\n", ["Nom", "Dupont Marie"], "holds a student's data"),
    ("Nom,20231234\nDupont Marie,20231235\n", ["Nom", "Dupont Marie"], "holds a student's data"),
])
def test_a_first_row_that_may_be_a_student_is_kept_with_a_note(text, names, said):
    notes = []
    assert [s.name for s in parse_roster(text, "r.csv", notes)] == names
    assert len(notes) == 1 and notes[0].startswith("roster r.csv: row 1 (") and said in notes[0], notes
    # and a roster without a header, or with one examgen knows, has no note
    for text in ("Ada Lovelace,00123\nAlan Turing,00124\n", "Ada Lovelace\nAlan Turing\n", HAND, MOODLE, CANVAS):
        parse_roster(text, "r.csv", notes := [])
        assert not notes


def test_equal_ids_refused_naming_both_rows_and_equal_names_need_ids():
    with pytest.raises(ExamgenError, match=r"rows 2 and 4 have the same id 'S1' for two names \(Ada, Cy\)"):
        parse_roster("student_id,name\nS1,Ada\nS2,Bob\nS1,Cy\n", "r.csv")
    with pytest.raises(ExamgenError, match=r"rows 1 and 2 both name 'Ada'"):
        parse_roster("Ada\nAda\n", "r.csv")


@pytest.mark.parametrize("name, data", [("class.xlsx", b"PK\x03\x04\x14\x00\x06\x00workbook"),
                                        ("class.xls", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1old excel"),
                                        ("export.csv", b"PK\x03\x04\x14\x00 a workbook named .csv")])
def test_a_spreadsheet_workbook_is_refused_saying_to_save_it_as_csv(tmp_path, name, data):
    (tmp_path / name).write_bytes(data)
    one_line_error(run("generate", "--roster", tmp_path / name, "--format", "md", "--out", tmp_path / "o"),
                   "spreadsheet workbook", "CSV UTF-8")


def test_a_student_listed_twice_is_listed_once_with_a_note(tmp_path):
    # An LMS export lists a student enrolled in two sections twice: the same id and the same
    # name (as the grader compares names). That is one student, not a roster error.
    notes = []
    students = parse_roster("student_id,name,section\nS1,Ana García,A\nS2,Bob,A\nS1,Ana Garcia,B\n", "r.csv", notes)
    assert [(s.id, s.name, s.section) for s in students] == [("S1", "Ana García", "A"), ("S2", "Bob", "A")]
    assert notes == ["roster r.csv: row 4 repeats row 2 (Ana Garcia, id S1); listed once"]
    roster = _roster(tmp_path, "student_id,name\nS1,Ana García\nS2,Bob\nS1,Ana García\n")
    r = run("generate", "--roster", roster, "--format", "md", "--out", tmp_path / "class", "--seed", "3")
    assert r.returncode == 0, r.stderr
    assert "note: roster" in r.stderr and "row 4 repeats row 2" in r.stderr
    assert len(json.loads((tmp_path / "class" / "key.json").read_text(encoding="utf-8"))["versions"]) == 2
    from examgen.exam import load_spec
    from examgen.generate import generate

    # the library says it too, among its warnings
    summary = generate(load_spec(), tmp_path / "lib", 3, {"md"}, roster=roster)
    assert len(summary["versions"]) == 2 and "row 4 repeats row 2" in summary["warnings"][0]


def test_names_normalised_by_the_graders_rules():
    s = parse_roster('name,id\n"Ada\tLove\u2028lace\n Jr\x07",1\n"e\u0301 𠀀 🙂",2\n')
    assert [x.name for x in s] == ["Ada Love lace Jr", "é 𠀀 🙂"]
    with pytest.raises(ExamgenError, match="row 2: the name is longer than 200"):
        parse_roster("name,id\n" + "B" * 201 + ",2\n", "r.csv")
    with pytest.raises(ExamgenError, match="NUL"):
        parse_roster("name\nA\x00b\n", "r.csv")


@pytest.mark.parametrize("typed, name", [
    ("Ana Garcia", "Ana García"), ("garcía, ana", "Ana García"), ("Lena Overby-Nakamura", "Lena Øverby-Nakamura"),
    ("Zoe O'Brien-Lukasz", "Zoë O'Brien-Łukasz"), ("Bjork Gudmundsdottir", "Björk Guðmundsdóttir"),
    ("Aesa Strasse", "Æsa Straße"),
])
def test_a_name_typed_on_any_keyboard_is_the_same_name(typed, name):
    # Ø, Ł, ð, Æ have no accent to drop: typed without them, the name was "another student"
    assert same_name(typed, name)


@pytest.mark.parametrize("a, b", [("Ana García", "Ana Garza"), ("Lena Ø", "Lena Ö Ø"), ("Bo Li", "Bo Lin")])
def test_different_names_stay_different(a, b):
    assert not same_name(a, b)


def test_names_from_any_plane_reach_the_grader_intact(tmp_path):
    roster = _roster(tmp_path, 'student_id,name\n1,"𠀀𠀁 Wang 🙂"\n2,"Tab\tName"\n')
    out, _ = _generate(tmp_path, "--roster", roster, "--seed", "1")
    r = run("grade", out / "key.json", out, "--json")
    rows = json.loads(r.stdout)
    assert sorted(x["student"] for x in rows if x["status"] == "graded") == ["Tab Name", "𠀀𠀁 Wang 🙂"]


def test_roster_is_read_in_linear_time_and_capped():
    import time

    def seconds(n):
        text = "student_id,name\n" + "".join(f"{i},Student {i}\n" for i in range(n))
        t = time.process_time()   # CPU time: a busy machine (another pytest worker) stretches wall time
        assert len(parse_roster(text)) == n
        return time.process_time() - t

    small, large = min(seconds(1000) for _ in range(3)), min(seconds(10_000) for _ in range(2))
    assert large < 30 * small  # 10× the rows, about 10× the time (a quadratic check: 100×)
    with pytest.raises(ExamgenError, match="more than 10000"):
        parse_roster("name\n" + "".join(f"S{i}\n" for i in range(40_000)))


def test_folder_names_keep_every_script_and_drop_only_what_file_systems_refuse():
    assert folder_name("王小明") == "王小明"
    assert folder_name("Nguyễn Thị Minh Khai") == "Nguyễn-Thị-Minh-Khai"
    assert folder_name('a/b\\c:d*e?f"g<h>i|j') == "a-b-c-d-e-f-g-h-i-j"
    # a shell's own characters too: the folders of O'Brien, Seán and Tom & Jerry can be typed unquoted
    assert folder_name("O'Brien, Seán") == "O-Brien-Seán" and folder_name("Tom & Jerry $5 {x}") == "Tom-Jerry-5-x"
    assert folder_name("..") == "student" and folder_name("CON") == "CON-student"


def _generate(tmp_path, *args, name="class"):
    out = tmp_path / name
    r = run("generate", "--spec", SMALL, "--out", out, "--format", "md,tex", *args)
    assert r.returncode == 0, r.stderr
    return out, r


def _roster(tmp_path, text, name="roster.csv"):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_class_versions_carry_the_student_and_print_no_seed(tmp_path):
    out, r = _generate(tmp_path, "--roster", _roster(tmp_path, CANVAS))
    index = json.loads((out / "key.json").read_text(encoding="utf-8"))
    base = index["base_seed"]
    assert isinstance(base, int) and base > 10**6  # a fresh random base seed, kept in the key
    versions = index["versions"]
    assert [(v["student"], v["student_id"], v["section"]) for v in versions] == [
        ("Nguyễn, Thị Minh Khai", "s001", "Section 1"), ("García, Ana", "s002", "Section 1"),
        ("García, Ana", "s003", "Section 2"), ("王小明", "104", "Section 2")]
    assert len({v["exam"] for v in versions}) == 4
    for v in versions:
        folder = out / v["folder"]
        assert re.fullmatch(r"V[2-9A-HJKMNP-Z]{8}", v["exam"])
        sheet_text = (folder / "answers.yaml").read_text(encoding="utf-8")
        assert "\\u" not in sheet_text  # names as written, not escapes
        sheet = yaml.safe_load(sheet_text)
        assert sheet == {**sheet, "exam": v["exam"], "student": v["student"]}
        printed = "\n".join((folder / f).read_text(encoding="utf-8")
                            for f in ("exam.md", "exam.tex", "key.md", "key.tex", "answers.yaml"))
        assert v["student"] in printed.replace("\\", "")
        assert "seed" not in printed.lower()
        for s in [base, v["seed"], *(p["seed"] for p in v["problems"])]:
            assert str(s) not in printed
    assert "seed" not in r.stdout.lower() and str(base) not in r.stdout
    # two runs without --seed: different secrets, different versions
    out2, _ = _generate(tmp_path, "--roster", _roster(tmp_path, CANVAS), name="again")
    again = json.loads((out2 / "key.json").read_text(encoding="utf-8"))
    assert again["base_seed"] != base and again["versions"][0]["exam"] != versions[0]["exam"]


def test_versions_flag_also_hides_seeds(tmp_path):
    out, _ = _generate(tmp_path, "--versions", "2", "--seed", "77")
    index = json.loads((out / "key.json").read_text())
    assert index["base_seed"] == 77
    for v in index["versions"]:
        assert "seed" not in (out / v["folder"] / "exam.md").read_text().lower()


def test_a_version_depends_on_student_id_not_on_name_or_roster_order(tmp_path):
    one = _roster(tmp_path, "student_id,name\nS1,Ada\nS2,Bob\n", "one.csv")
    two = _roster(tmp_path, "student_id,name\nS9,Zed\nS2,Robert\nS1,Ada L.\n", "two.csv")
    a, _ = _generate(tmp_path, "--roster", one, "--seed", "5", name="a")
    b, _ = _generate(tmp_path, "--roster", two, "--seed", "5", name="b")
    ka = {v["student_id"]: v for v in json.loads((a / "key.json").read_text())["versions"]}
    kb = {v["student_id"]: v for v in json.loads((b / "key.json").read_text())["versions"]}
    for sid in ("S1", "S2"):
        assert ka[sid]["exam"] == kb[sid]["exam"] and ka[sid]["problems"][0]["answers"] == kb[sid]["problems"][0]["answers"]


def test_points_titles_and_instructions_do_not_change_the_numbers(tmp_path):
    roster = _roster(tmp_path, "student_id,name\nS1,Ada\nS2,Bob\n")
    spec = yaml.safe_load(SMALL.read_text())
    changed = {**spec, "title": "Another title", "instructions": "Other words.",
               "problems": [{**spec["problems"][0], "points": 9}, {**spec["problems"][1], "points": 1.5}]}
    other = tmp_path / "reweighted.yaml"
    other.write_text(yaml.safe_dump(changed))
    a, _ = _generate(tmp_path, "--roster", roster, "--seed", "3", name="a")
    r = run("generate", "--spec", other, "--out", tmp_path / "b", "--format", "md", "--roster", roster, "--seed", "3")
    assert r.returncode == 0, r.stderr
    ka = json.loads((a / "key.json").read_text())["versions"]
    kb = json.loads((tmp_path / "b" / "key.json").read_text())["versions"]
    for va, vb in zip(ka, kb):
        assert va["exam"] == vb["exam"]
        assert [p["params"] for p in va["problems"]] == [p["params"] for p in vb["problems"]]
        assert [p["points"] for p in vb["problems"]] == [9, 1.5]


def test_practice_exam_keeps_its_visible_seed(tmp_path):
    r = run("generate", "--spec", SMALL, "--seed", "4", "--out", tmp_path / "p", "--format", "md")
    assert r.returncode == 0 and "E4-" in r.stdout
    assert "seed 4" in (tmp_path / "p" / "exam.md").read_text()


def test_bad_rosters_get_one_clear_line(tmp_path):
    dup = _roster(tmp_path, "id,name\n7,Ada\n7,Bob\n", "dup.csv")
    one_line_error(run("generate", "--roster", dup, "--out", tmp_path / "o", "--format", "md"),
                   "rows 2 and 3", "same id '7'")
    empty = _roster(tmp_path, "name\n\n", "empty.csv")
    one_line_error(run("generate", "--roster", empty, "--out", tmp_path / "o", "--format", "md"), "no students")


# --- grading a class ------------------------------------------------------------------------------
CLASS = ("student_id,name,email,section\n"
         "S1,王小明,wang@x.edu,A\nS2,Ana García,ana1@x.edu,B\nS3,Ana García,ana2@x.edu,B\n"
         "S4,Björk Guðmundsdóttir,bjork@x.edu,A\nS5,Oluwaseun Adébáyọ̀,seun@x.edu,A\n")


def _right_answers(version: dict) -> dict:
    """Every part's right answer, as a student would type it."""
    out = {}
    for p in version["problems"]:
        out[p["number"]] = {part: (p["answers"][part] if spec["kind"] in ("expression", "choice")
                                   else p["answers_exact"][part]) for part, spec in p["parts"].items()}
    return out


def _submit(folder: Path, version: dict, student: str, answers: dict, name="answers.yaml"):
    folder.mkdir(parents=True, exist_ok=True)
    (folder / name).write_text(yaml.safe_dump({"exam": version["exam"], "student": student, "answers": answers},
                                              allow_unicode=True), encoding="utf-8")


def test_a_student_typed_as_a_bare_number_keeps_its_leading_zeros(tmp_path):
    # `student: 00123` unquoted was YAML's integer 123: no student of the class, whose roster
    # names them by id, so a sheet without its exam line was not graded at all.
    out, _ = _generate(tmp_path, "--roster", _roster(tmp_path, "student_id\n00123\n00124\n"), "--seed", "5")
    versions = json.loads((out / "key.json").read_text(encoding="utf-8"))["versions"]
    sheet = tmp_path / "inbox" / "answers.yaml"
    sheet.parent.mkdir()
    sheet.write_text("student: 00124\n" + yaml.safe_dump({"answers": _right_answers(versions[1])}), encoding="utf-8")
    r = run("grade", out / "key.json", sheet, "--json")
    row = json.loads(r.stdout)
    assert (row["status"], row["student"], row["exam"]) == ("graded", "00124", versions[1]["exam"]), r.stderr


@pytest.fixture(scope="module")
def generated_class(tmp_path_factory):
    """The class of five's exams, generated once for the tests that grade it (each grades a copy)."""
    tmp = tmp_path_factory.mktemp("class")
    out, _ = _generate(tmp, "--roster", _roster(tmp, CLASS), "--seed", "21")
    return out


@pytest.fixture
def graded_class(tmp_path, generated_class):
    """A class of five: S1 right, S2 half, S3 a typed name that differs, S4 and S5 not submitted."""
    out = Path(shutil.copytree(generated_class, tmp_path / "class"))  # a test may add to its copy
    versions = json.loads((out / "key.json").read_text(encoding="utf-8"))["versions"]
    subs = tmp_path / "submissions"
    _submit(subs / "王小明", versions[0], "王小明", _right_answers(versions[0]))
    half = _right_answers(versions[1])
    half[2] = {part: None for part in half[2]}
    _submit(subs / "Ana-García-S2", versions[1], "Ana Garcia", half)        # plain ASCII spelling: same
    _submit(subs / "Ana-García-S3", versions[2], "Ann G.", _right_answers(versions[2]))
    (subs / "Ana-García-S3" / "scan.pdf").write_bytes(b"%PDF")
    return out, subs, versions


def _book(tmp_path, out, subs, *args, fmt="csv"):
    book = tmp_path / f"book-{fmt}.csv"
    r = run("grade", out / "key.json", subs, "--gradebook", book, "--gradebook-format", fmt, *args)
    raw = book.read_bytes()
    import csv
    return r, raw, list(csv.reader(raw.decode("utf-8-sig").splitlines()))


def test_gradebook_has_a_row_for_every_student_in_roster_order(tmp_path, graded_class):
    out, subs, versions = graded_class
    r, raw, rows = _book(tmp_path, out, subs)
    assert r.returncode == 0, r.stderr
    assert raw.startswith(b"\xef\xbb\xbf") and "Björk Guðmundsdóttir".encode() in raw  # Excel keeps accents
    head, body = rows[0], rows[1:]
    assert head == ["id", "name", "email", "section", "exam", "P1", "P2", "total", "max", "status", "file", "notes"]
    col = {h: i for i, h in enumerate(head)}
    assert [b[0] for b in body] == ["S1", "S2", "S3", "S4", "S5"]
    assert [b[col["status"]] for b in body] == ["graded"] * 3 + ["not submitted"] * 2
    assert [b[col["exam"]] for b in body] == [v["exam"] for v in versions]
    assert body[0][col["total"]] == body[0][col["max"]] == "10"
    assert body[1][col["P1"]] == "6" and body[1][col["P2"]] == "0" and body[1][col["total"]] == "6"
    assert body[1][col["notes"]] == ""  # "Ana Garcia" typed without the accent is the same name
    assert body[2][col["name"]] == "Ana García" and "Ann G." in body[2][col["notes"]]  # a note, not a new student
    assert body[3][col["email"]] == "bjork@x.edu" and body[3][col["total"]] == ""
    assert "2 student(s) without a submission: Björk Guðmundsdóttir (S4)" in r.stderr and "scan.pdf" in r.stderr


def test_checking_one_sheet_against_a_class_key_lists_no_missing_students(tmp_path, graded_class):
    # Every other student was "without a submission" when the instructor checked one sheet.
    out, subs, _ = graded_class
    for one in (subs / "王小明" / "answers.yaml", subs / "王小明"):
        r = run("grade", out / "key.json", one)
        assert r.returncode == 0 and ": 10 / 10 points" in r.stdout, r.stderr
        assert "without a submission" not in r.stderr, r.stderr
    r = run("grade", out / "key.json", subs / "王小明", "--gradebook", tmp_path / "one.csv")   # a gradebook: it informs
    assert "4 student(s) without a submission" in r.stderr
    r = run("grade", out / "key.json", subs / "王小明", subs / "Ana-García-S2")              # several files: it informs
    assert "3 student(s) without a submission" in r.stderr


def test_two_submissions_for_one_version_are_flagged(tmp_path, graded_class):
    out, subs, versions = graded_class
    # S4 hands in S1's exam (S1's version, S4's folder, S4's name): S4 stays "not submitted", S1's own
    # file counts, and both rows say what S4 handed in (counted for nobody: a person checks it)
    _submit(subs / "Björk-Guðmundsdóttir", versions[0], "Björk Guðmundsdóttir", {1: {"I": 0}})
    r, _, rows = _book(tmp_path, out, subs)
    s1 = rows[1]
    assert "Björk Guðmundsdóttir handed in this version" in s1[-1] and s1[-3] == "graded" and s1[-5] == "10"
    assert rows[4][-3] == "not submitted" and "handed in 王小明's version" in rows[4][-1]
    graded = json.loads(run("grade", out / "key.json", subs / "Björk-Guðmundsdóttir", "--json").stdout)
    assert graded["student"] == "Björk Guðmundsdóttir" and "was made for '王小明'" in " ".join(graded["notes"])
    assert "warning: Björk Guðmundsdóttir handed in 王小明's version" in r.stderr
    # the same file under S1's own folder and name is S1's second submission
    _submit(subs / versions[0]["folder"], versions[0], "王小明", {1: {"I": 0}}, name="answers-2.yaml")
    r, _, rows = _book(tmp_path, out, subs, "--report", tmp_path / "reports")
    assert "2 submissions for this version" in rows[1][-1] and "warning: 王小明: 2 submissions" in r.stderr
    # each report says whether it is the grade: the counted file's has the student's plain name
    counted, other = (tmp_path / "reports" / f"{n}.md" for n in ("王小明-S1", "王小明-S1-2"))
    assert "not counted" not in counted.read_text(encoding="utf-8") and "10 / 10 points" in counted.read_text(encoding="utf-8")
    assert "not counted: the gradebook counts" in other.read_text(encoding="utf-8")


def test_a_file_without_its_exam_line_is_the_version_of_the_student_it_names_or_whose_folder_holds_it(
        tmp_path, graded_class):
    out, subs, versions = graded_class
    # S4 deleted the exam line but wrote their name; S5 deleted both but answered in the folder
    # generate made for them. Each is graded against their own version, with a note.
    for k, student in ((3, "Björk Guðmundsdóttir"), (4, None)):
        folder = subs / versions[k]["folder"]
        folder.mkdir(parents=True)
        (folder / "answers.yaml").write_text(yaml.safe_dump({"student": student, "answers": _right_answers(versions[k])},
                                                            allow_unicode=True), encoding="utf-8")
    (subs / "unsigned").mkdir()   # neither: it cannot be told whose it is, and says so
    (subs / "unsigned" / "answers.yaml").write_text(yaml.safe_dump({"answers": {1: {"I": 0}}}), encoding="utf-8")
    r, _, rows = _book(tmp_path, out, subs)
    col = {h: i for i, h in enumerate(rows[0])}
    by_id = {row[col["id"]]: row for row in rows[1:]}
    for k, sid in ((3, "S4"), (4, "S5")):
        row = by_id[sid]
        assert row[col["status"]] == "graded" and row[col["exam"]] == versions[k]["exam"], row
        assert row[col["total"]] == row[col["max"]], row
        assert f"graded as {versions[k]['exam']}, the version made for {versions[k]['student']}" in row[col["notes"]]
    (subs / "zed").mkdir()   # no exam line, a name not in the class: it cannot be graded, but says whose it is
    (subs / "zed" / "answers.yaml").write_text(yaml.safe_dump({"student": "Zed", "answers": {1: {"I": 0}}}),
                                               encoding="utf-8")
    r, _, rows = _book(tmp_path, out, subs)
    col = {h: i for i, h in enumerate(rows[0])}
    zed = [row for row in rows[1:] if "zed" in row[col["file"]]]
    assert len(zed) == 1 and zed[0][col["name"]] == "Zed" and zed[0][col["status"]] == "could not be graded", rows
    unsigned = [row for row in rows[1:] if "unsigned" in row[col["file"]]]
    assert len(unsigned) == 1 and unsigned[0][col["status"]] == "could not be graded", rows
    assert "nor names a student of this class" in unsigned[0][col["notes"]]
    assert "without a submission" not in r.stderr


def test_canvas_and_moodle_gradebooks(tmp_path, graded_class):
    out, subs, versions = graded_class
    _, _, canvas = _book(tmp_path, out, subs, fmt="canvas")
    assert canvas[0] == ["Student", "ID", "SIS User ID", "SIS Login ID", "Section", "Small practice exam"]
    assert canvas[1] == ["Points Possible", "", "", "", "", "10"]
    assert [row[2] for row in canvas[2:]] == ["S1", "S2", "S3", "S4", "S5"]
    assert canvas[2][5] == "10" and canvas[5][5] == ""
    _, _, moodle = _book(tmp_path, out, subs, fmt="moodle")
    assert moodle[0] == ["ID number", "Email address", "Full name", "Small practice exam",
                         "Small practice exam: P1", "Small practice exam: P2"]
    assert moodle[2][:5] == ["S2", "ana1@x.edu", "Ana García", "6", "6"]


def test_a_canvas_roster_round_trips_to_a_canvas_gradebook(tmp_path):
    out, _ = _generate(tmp_path, "--roster", _roster(tmp_path, CANVAS), "--seed", "2")
    v = json.loads((out / "key.json").read_text(encoding="utf-8"))["versions"][0]
    _submit(tmp_path / "subs" / v["folder"], v, v["student"], _right_answers(v))
    _, _, canvas = _book(tmp_path, out, tmp_path / "subs", fmt="canvas")
    assert canvas[2] == ["Nguyễn, Thị Minh Khai", "101", "s001", "nguyen", "Section 1", "10"]


def test_regrade_with_a_spec_changes_points_and_partial_credit_not_versions(tmp_path, graded_class):
    out, subs, versions = graded_class
    spec = yaml.safe_load(SMALL.read_text())
    spec["problems"][0]["points"] = 12
    spec["problems"][0]["partial"] = False
    spec["problems"][1]["points"] = 3
    respec = tmp_path / "respec.yaml"
    respec.write_text(yaml.safe_dump(spec))
    r, _, rows = _book(tmp_path, out, subs, "--spec", respec)
    assert r.returncode == 0, r.stderr
    assert rows[1][5:9] == ["12", "3", "15", "15"]
    assert rows[2][5:8] == ["12", "0", "12"]
    half = _right_answers(versions[3])
    half[1]["I"] = 999
    _submit(subs / "b", versions[3], "Björk Guðmundsdóttir", half)
    _, _, rows = _book(tmp_path, out, subs, "--spec", respec)
    assert rows[4][5] == "8" and rows[4][7] == "11"  # 12 × 2/3 (I wrong, U and IOU right), + 3
    # the spec's carry_forward too: U and IOU worked right from a wrong I earn their points, or not
    carried = _right_answers(versions[3])
    I_key = carried[1]["I"]
    U_key = carried[1]["U"]
    wrong_I = f"{I_key} + 1"
    carried[1].update(I=wrong_I, U=f"{U_key} - 1", IOU=f"({wrong_I})/({U_key} - 1)")
    _submit(subs / "b", versions[3], "Björk Guðmundsdóttir", carried)
    _, _, rows = _book(tmp_path, out, subs, "--spec", respec)
    assert rows[4][5] == "8"                       # full carry: 12 × 2/3
    spec["carry_forward"] = 0
    respec.write_text(yaml.safe_dump(spec))
    _, _, rows = _book(tmp_path, out, subs, "--spec", respec)
    assert rows[4][5] == "0"                       # carried answers earn nothing (the key says 1)
    del spec["carry_forward"]
    # a spec for other problems is refused
    spec["problems"][1]["activation"] = "sigmoid"
    respec.write_text(yaml.safe_dump(spec))
    one_line_error(run("grade", out / "key.json", subs, "--spec", respec), "problem 2", "only points")
    spec["problems"].pop()
    respec.write_text(yaml.safe_dump(spec))
    one_line_error(run("grade", out / "key.json", subs, "--spec", respec), "has 1 problems", "has 2")


def test_a_flawed_problem_is_dropped_or_given_full_marks_by_the_regrading_spec(tmp_path, graded_class):
    # `points: 0` was refused in every spec, so a flawed problem could be neither dropped nor given to all.
    out, subs, versions = graded_class
    spec = yaml.safe_load(SMALL.read_text())
    spec["problems"][1]["points"] = 0                     # activation-derivative: flawed, dropped
    respec = tmp_path / "drop.yaml"
    respec.write_text(yaml.safe_dump(spec))
    one_line_error(run("generate", "--spec", respec, "--out", tmp_path / "o", "--format", "md"),
                   "points must be a positive number", "grade KEY FILES --spec")   # an exam never prints it
    r, _, rows = _book(tmp_path, out, subs, "--spec", respec, "--report", tmp_path / "reports")
    assert r.returncode == 0, r.stderr
    col = {h: i for i, h in enumerate(rows[0])}
    # S2 left problem 2 blank: no one loses its points, every total is out of problem 1's 6
    assert [(row[col["P2"]], row[col["total"]], row[col["max"]]) for row in rows[1:3]] == \
        [("dropped", "6", "6"), ("dropped", "6", "6")]
    assert "2. An activation and its derivative (activation-derivative): dropped: not counted in the total" in r.stdout
    assert ": 6 / 6 points" in r.stdout
    report = (tmp_path / "reports" / "Ana-García-S2.md").read_text(encoding="utf-8")
    assert "**6 / 6 points**" in report and "(dropped: not counted in the total)" in report
    _, _, moodle = _book(tmp_path, out, subs, "--spec", respec, fmt="moodle")
    assert moodle[2][3:6] == ["6", "6", ""]              # Moodle: no grade for the dropped item, not 0
    r = run("analyze", out / "key.json", subs, "--spec", respec, "--out", tmp_path / "an")
    assert r.returncode == 0, r.stderr
    analysis = json.loads((tmp_path / "an" / "analysis.json").read_text(encoding="utf-8"))
    assert analysis["points"] == 6 and [p["settled"] for p in analysis["problems"]] == [None, "dropped"]
    assert analysis["problems"][1]["facility"] is None and analysis["problems"][0]["facility"] == 1
    # full marks instead: everyone who handed in gets problem 2's points, whatever they answered
    spec["problems"][1].update(points=4, full_marks=True)
    respec.write_text(yaml.safe_dump(spec))
    one_line_error(run("generate", "--spec", respec, "--out", tmp_path / "o", "--format", "md"),
                   "full_marks is for regrading")
    r, _, rows = _book(tmp_path, out, subs, "--spec", respec)
    assert [(row[col["P2"]], row[col["total"]], row[col["max"]]) for row in rows[1:3]] == \
        [("4", "10", "10"), ("4", "10", "10")]
    assert rows[4][col["status"]] == "not submitted" and rows[4][col["P2"]] == ""   # no file, no marks
    assert "4 / 4, full marks for everyone; your answers earned 0" in r.stdout
    spec["problems"][1]["points"] = 0                     # both at once is a contradiction
    respec.write_text(yaml.safe_dump(spec))
    one_line_error(run("grade", out / "key.json", subs, "--spec", respec), "not both")
    spec["problems"][0]["points"] = 0
    del spec["problems"][1]["full_marks"]
    respec.write_text(yaml.safe_dump(spec))
    one_line_error(run("grade", out / "key.json", subs, "--spec", respec), "at least one problem")


def test_a_dropped_problem_keeps_its_verdicts_carried_forward_too(tmp_path, graded_class):
    # Its parts were worth 0, so an answer worked right from a wrong one was no longer "carried": the
    # student's report called it wrong.
    out, subs, versions = graded_class
    carried = _right_answers(versions[3])
    I, U = carried[1]["I"], carried[1]["U"]
    carried[1].update(I=f"{I} + 1", U=f"{U} - 1", IOU=f"({I} + 1)/({U} - 1)")
    _submit(subs / "b", versions[3], "Björk Guðmundsdóttir", carried)
    spec = yaml.safe_load(SMALL.read_text())
    spec["problems"][0]["points"] = 0
    respec = tmp_path / "drop.yaml"
    respec.write_text(yaml.safe_dump(spec))
    graded = json.loads(run("grade", out / "key.json", subs / "b", "--json", "--spec", respec).stdout)
    iou = graded["problems"][0]
    assert [(p["verdict"], p["points"], p["max"]) for p in iou["parts"]] == \
        [("wrong", 0, 0), ("carried", 0, 0), ("carried", 0, 0)]
    assert (iou["score"], iou["max"], iou["settled"], graded["score"], graded["max"]) == (0, 0, "dropped", 4, 4)


def test_partial_credit_can_be_turned_off_per_problem(tmp_path):
    spec = tmp_path / "s.yaml"
    spec.write_text("problems:\n  - id: bbox-target\n    points: 8\n")
    r = run("generate", "--spec", spec, "--out", tmp_path / "o", "--format", "md")
    assert r.returncode == 0, r.stderr
    key = json.loads((tmp_path / "o" / "key.json").read_text())
    answers = _right_answers(key)
    answers[1]["y_r"] = ["99"] + answers[1]["y_r"][1:]            # one entry of four wrong
    _submit(tmp_path / "subs", key, "Ada", answers)
    graded = json.loads(run("grade", tmp_path / "o" / "key.json", tmp_path / "subs", "--json").stdout)
    assert graded["score"] == 6   # a box target is not sparse: every entry counts, its zeros too
    spec.write_text("problems:\n  - id: bbox-target\n    points: 8\n    partial: false\n")
    graded = json.loads(run("grade", tmp_path / "o" / "key.json", tmp_path / "subs", "--json", "--spec", spec).stdout)
    assert graded["score"] == 0


def test_spec_grading_rules_are_validated_and_recorded_in_the_key(tmp_path):
    spec = yaml.safe_load(SMALL.read_text())
    spec["problems"][0].update(partial=False, rtol=0.01)
    path = tmp_path / "s.yaml"
    path.write_text(yaml.safe_dump(spec))
    r = run("generate", "--spec", path, "--out", tmp_path / "o", "--format", "md")
    assert r.returncode == 0, r.stderr
    key = json.loads((tmp_path / "o" / "key.json").read_text())
    assert key["problems"][0]["partial"] is False and key["problems"][0]["parts"]["IOU"]["rtol"] == 0.01
    spec["problems"][0]["partial"] = "maybe"
    path.write_text(yaml.safe_dump(spec))
    one_line_error(run("generate", "--spec", path, "--out", tmp_path / "p"), "partial must be true or false")


def test_the_gradebook_picks_notes_by_their_kind_not_by_their_words(tmp_path, graded_class):
    # A note's text may hold what a student typed (a name, a part's name). Words that read like
    # the grader's own notes must not reach the gradebook row nor raise a warning.
    out, subs, versions = graded_class
    right = _right_answers(versions[0])
    right[1]["found in the folder"] = 1
    _submit(subs / "王小明", versions[0], "王小明", right)
    typed = "Ann, 2 submissions for this version"
    _submit(subs / "Ana-García-S3", versions[2], typed, _right_answers(versions[2]))
    r, _, rows = _book(tmp_path, out, subs)
    col = {h: i for i, h in enumerate(rows[0])}
    assert rows[1][col["notes"]] == "" and rows[1][col["total"]] == "10"
    assert rows[3][col["notes"]] == (f"the file names {typed!r}, but version {versions[2]['exam']} was made for "
                                     "'Ana García'; graded as 'Ana García'")
    assert "warning:" not in r.stderr, r.stderr
    graded = json.loads(run("grade", out / "key.json", subs / "王小明", "--json").stdout)
    assert any("unknown part(s) 'found in the folder' ignored" in n for n in graded["notes"])  # still said there


def test_a_blank_sheet_handed_back_is_not_a_submission(tmp_path, graded_class):
    # The blank answers.yaml generate wrote, handed back as it was (name and exam line filled in):
    # the student handed nothing in. One answer given, even a wrong one, is a submission.
    out, subs, versions = graded_class
    blank = "answers.yaml has no answers: a blank sheet, counted as not submitted"

    def hand_back_blank(k, to):
        to.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy(out / versions[k]["folder"] / "answers.yaml", to)

    hand_back_blank(0, subs / "王小明" / "answers (1).yaml")            # listed before S1's filled-in sheet
    _submit(subs / "Ana-García-S3", versions[2], "Ana García", {1: {"I": 999}})
    hand_back_blank(3, subs / versions[3]["folder"] / "answers.yaml")   # S4: the blank sheet only
    r, _, rows = _book(tmp_path, out, subs)
    assert r.returncode == 0, r.stderr
    col = {h: i for i, h in enumerate(rows[0])}
    s1, s3, s4 = rows[1], rows[3], rows[4]
    assert (s1[col["status"]], s1[col["total"]], s1[col["notes"]]) == ("graded", "10", "")  # the blank: no news
    assert s1[col["file"]].endswith("answers.yaml")
    assert (s3[col["status"]], s3[col["total"]]) == ("graded", "0")
    assert [s4[col[c]] for c in ("P1", "P2", "total", "max", "status", "notes")] == ["", "", "", "10", "not submitted",
                                                                                     blank]
    assert s4[col["file"]].endswith("answers.yaml")
    assert f"{blank}\n" in r.stdout and "warning:" not in r.stderr
    assert "examgen: 1 student(s) handed in a blank sheet, counted as not submitted: Björk Guðmundsdóttir (S4)\n" \
           "examgen: 1 student(s) without a submission: Oluwaseun Adébáyọ̀ (S5)" in r.stderr
    _, _, canvas = _book(tmp_path, out, subs, fmt="canvas")
    _, _, moodle = _book(tmp_path, out, subs, fmt="moodle")
    assert canvas[5][2:] == ["S4", "", "A", ""] and moodle[4][3:] == ["", "", ""]
    # a file that could not be graded says more than a blank sheet beside it
    hand_back_blank(4, subs / versions[4]["folder"] / "answers.yaml")
    (subs / versions[4]["folder"] / "mine.yaml").write_text("answers: {1: {I: 2}\n", encoding="utf-8")
    r, _, rows = _book(tmp_path, out, subs)
    assert r.returncode == 1 and rows[5][col["status"]] == "could not be graded", rows[5]
    assert "without a submission" not in r.stderr


def test_the_counted_sheet_takes_the_students_report_name_over_a_blank_one_beside_it(tmp_path, graded_class):
    # The blank sheet generate wrote, left beside the filled-in one and listed first, took the
    # student's own report name (0 points, "counted as not submitted"); the graded sheet got "-2".
    out, subs, versions = graded_class
    shutil.copy(out / versions[0]["folder"] / "answers.yaml", subs / "王小明" / "answers (1).yaml")
    r = run("grade", out / "key.json", subs, "--report", tmp_path / "reports")
    assert r.returncode == 0, r.stderr
    mine = (tmp_path / "reports" / f"{folder_name('王小明 ' + versions[0]['student_id'])}.md").read_text(encoding="utf-8")
    assert "**10 / 10 points**" in mine and "blank sheet" not in mine, mine


def test_the_sheet_itself_counts_over_a_copy_in_the_same_folder(tmp_path, graded_class):
    # answers-copy.yaml (a backup, sorted first) was counted instead of the student's answers.yaml
    out, subs, versions = graded_class
    _submit(subs / "王小明", versions[0], "王小明", {1: {"I": 0}}, name="answers-copy.yaml")
    r, _, rows = _book(tmp_path, out, subs)
    col = {h: i for i, h in enumerate(rows[0])}
    s1 = rows[1]
    assert s1[col["file"]].endswith("answers.yaml") and s1[col["total"]] == "10", s1
    assert "counted " + str(subs / "王小明" / "answers.yaml") in s1[col["notes"]]


def test_a_file_named_twice_is_graded_once(tmp_path, graded_class):
    out, subs, versions = graded_class
    sheet = subs / "王小明" / "answers.yaml"
    r = run("grade", out / "key.json", sheet, subs / "王小明", "--gradebook", tmp_path / "b.csv")
    assert r.returncode == 0, r.stderr
    assert r.stdout.count("王小明, exam") == 1 and "submissions for this version" not in r.stderr


def test_a_file_that_cannot_be_graded_is_reported_under_its_folders_student_naming_no_other_version(
        tmp_path, graded_class):
    out, subs, versions = graded_class
    folder = subs / versions[3]["folder"]
    folder.mkdir(parents=True)
    (folder / "answers.yaml").write_text("exam: V-not-this-class\nanswers: {}\n", encoding="utf-8")
    r = run("grade", out / "key.json", subs, "--report", tmp_path / "reports")
    assert r.returncode == 1
    (path,) = (tmp_path / "reports").glob("Björk*.md")   # named after the folder's student, not "answers"
    report = path.read_text(encoding="utf-8")
    assert report.startswith("# Graded: Björk Guðmundsdóttir")
    assert "5 versions of this class" in report   # the other students' version ids stay private
    assert not any(v["exam"] in report for v in versions), report
    assert "answers.yaml: Björk Guðmundsdóttir: NOT GRADED" in r.stdout


def test_a_sheet_yaml_cannot_read_in_an_lms_folder_is_its_exam_lines_student(tmp_path, graded_class):
    # Moodle's folder, not generate's: the sheet with one slip was a stranger's row named "answers",
    # and its student was "without a submission" in the gradebook and on stderr.
    out, subs, versions = graded_class
    folder = subs / "Björk Guðmundsdóttir_1017_assignsubmission_file_"
    folder.mkdir(parents=True)
    (folder / "answers.yaml").write_text(f'exam: "{versions[3]["exam"]}"\nstudent: "Björk"\nanswers:\n'
                                         "  1: {I: [1, 2\n", encoding="utf-8")
    r, _, rows = _book(tmp_path, out, subs, "--report", tmp_path / "reports")
    assert r.returncode == 1
    col = {h: i for i, h in enumerate(rows[0])}
    assert len(rows) == 1 + len(versions), rows   # no row of its own
    s4 = rows[4]
    assert (s4[col["id"]], s4[col["status"]]) == (versions[3]["student_id"], "could not be graded"), s4
    assert s4[col["file"]].endswith("answers.yaml") and "not valid YAML" in s4[col["notes"]]
    assert "Guðmundsdóttir" not in r.stderr.split("without a submission")[-1], r.stderr
    assert "answers.yaml: Björk Guðmundsdóttir: NOT GRADED" in r.stdout
    (path,) = (tmp_path / "reports").glob("Björk*.md")
    assert path.read_text(encoding="utf-8").startswith("# Graded: Björk Guðmundsdóttir")


def test_another_classs_key_is_named_as_the_likely_slip_also_beside_a_sheet_yaml_cannot_read(tmp_path, graded_class):
    # One broken sheet hid the hint: every readable file named an exam the key does not hold.
    out, subs, versions = graded_class
    other, _ = _generate(tmp_path, "--versions", "2", "--seed", "9", name="other")
    (subs / "broken.yaml").write_text("answers: {1: {I: [1, 2\n", encoding="utf-8")
    r = run("grade", other / "key.json", subs)
    assert r.returncode == 1
    assert "is it these submissions' key?" in r.stderr, r.stderr


def test_a_long_names_report_keeps_the_students_id(tmp_path):
    # The name and id were cut together to 60 characters: two students of one long name got
    # reports "…-Alexander.md" and "…-Alexander-2.md", neither saying whose.
    long = "Müller-Lüdenscheidt-Wolfenbüttelhausen, Maximilian Alexander Friedrich"
    out, _ = _generate(tmp_path, "--roster", _roster(tmp_path, f'id,name\nm-1,"{long}"\nm-2,"{long}"\n'), "--seed", "4")
    versions = json.loads((out / "key.json").read_text(encoding="utf-8"))["versions"]
    subs = tmp_path / "subs"
    for v in versions:
        _submit(subs / v["folder"], v, v["student"], _right_answers(v))
    assert run("grade", out / "key.json", subs, "--report", tmp_path / "reports").returncode == 0
    assert sorted(p.stem[-4:] for p in (tmp_path / "reports").glob("*.md")) == ["-m-1", "-m-2"]


def test_an_lms_gradebook_warns_of_the_rows_it_cannot_hold(tmp_path):
    roster = _roster(tmp_path, "name,email\nAda,ada@x.edu\nBo,\n", "no-ids.csv")
    out, _ = _generate(tmp_path, "--roster", roster, "--seed", "3")
    versions = json.loads((out / "key.json").read_text(encoding="utf-8"))["versions"]
    subs = tmp_path / "subs"
    for v in versions:
        _submit(subs / v["folder"], v, v["student"], _right_answers(v))
    r, _, canvas = _book(tmp_path, out, subs, fmt="canvas")
    assert len(canvas) == 2   # header and Points Possible: no student has an id Canvas can match
    assert "2 row(s) have no an id" not in r.stderr
    assert "warning: 2 row(s) have no id for Canvas's import to match" in r.stderr and "Ada" in r.stderr
    r, _, moodle = _book(tmp_path, out, subs, fmt="moodle")
    assert [row[2] for row in moodle[1:]] == ["Ada"]   # Moodle matches Ada by her email
    assert "warning: 1 row(s) have no id or email for Moodle's import to match" in r.stderr and "Bo" in r.stderr


def test_a_version_without_a_roster_handed_to_several_students_gives_each_a_row(tmp_path):
    # Three students sharing version 1 of a `--versions 2` class: the gradebook kept one row
    # ("3 submissions for this version") and lost the other two students' grades.
    spec = tmp_path / "s.yaml"
    spec.write_text("problems:\n  - id: iou\n    points: 6\n", encoding="utf-8")
    out = tmp_path / "c"
    assert run("generate", "--spec", spec, "--versions", "2", "--seed", "1", "--out", out, "--format", "md").returncode == 0
    versions = json.loads((out / "key.json").read_text(encoding="utf-8"))["versions"]
    subs = tmp_path / "subs"
    for name, answers in (("ann", _right_answers(versions[0])), ("bob", {1: {"I": 99}}), ("cy", _right_answers(versions[0]))):
        _submit(subs, versions[0], name, answers, name=f"{name}.yaml")
    r, _, rows = _book(tmp_path, out, subs)
    col = {h: i for i, h in enumerate(rows[0])}
    by_name = {row[col["name"]]: row for row in rows[1:]}
    assert [by_name[n][col["total"]] for n in ("ann", "bob", "cy")] == ["6", "0", "6"], rows
    assert "submissions for this version" not in r.stderr
    assert f"examgen: 1 version(s) with no submission: {versions[1]['exam']}" in r.stderr   # not "students"
    assert "student(s) without a submission" not in r.stderr
    assert by_name[""][col["status"]] == "not submitted" and by_name[""][col["exam"]] == versions[1]["exam"]
    a = json.loads(run("analyze", out / "key.json", subs, "--out", tmp_path / "an").stdout and
                   (tmp_path / "an" / "analysis.json").read_text(encoding="utf-8"))
    assert a["students"] == 3 and a["not_counted"] == []


def test_analyze_counts_one_submission_a_student_as_the_gradebook_does(tmp_path, graded_class):
    # A student's extra copy (0 points) was analysed as a second student of that version.
    out, subs, versions = graded_class
    _submit(subs / "王小明", versions[0], "王小明", {1: {"I": 99}}, name="answers (1).yaml")
    assert run("analyze", out / "key.json", subs, "--out", tmp_path / "an").returncode == 0
    a = json.loads((tmp_path / "an" / "analysis.json").read_text(encoding="utf-8"))
    assert a["students"] == 3 and a["not_counted"] == [str(subs / "王小明" / "answers (1).yaml")], a["not_counted"]
    assert "1 second submission(s) for a version left out" in (tmp_path / "an" / "analysis.md").read_text(encoding="utf-8")


def test_grading_never_writes_over_the_instructors_files(tmp_path, graded_class):
    # `--gradebook key.json` turned the key (with its secret base seed) into a CSV; a gradebook the
    # instructor kept was replaced even when no file was graded; `--report` took a notes file's name
    out, subs, versions = graded_class
    key = out / "key.json"
    before = key.read_bytes()
    one_line_error(run("grade", key, subs, "--gradebook", key), "not this exam's csv gradebook", "new file name")
    assert key.read_bytes() == before
    mine = tmp_path / "mine.csv"
    mine.write_text("name,grade\nAda,A\n")
    one_line_error(run("grade", key, subs, "--gradebook", mine), "mine.csv exists")
    one_line_error(run("grade", key, subs, "--gradebook", mine, "--gradebook-format", "canvas"), "canvas gradebook")
    assert mine.read_text() == "name,grade\nAda,A\n"
    book = tmp_path / "grades.csv"
    assert run("grade", key, subs, "--gradebook", book).returncode == 0
    written = book.read_bytes()
    assert run("grade", key, subs, "--gradebook", book).returncode == 0      # its own gradebook: rewritten
    one_line_error(run("grade", key, subs, "--gradebook", book, "--gradebook-format", "moodle"), "moodle gradebook")
    midterm = tmp_path / "midterm.csv"      # this format's header, another exam's rows: another gradebook
    midterm.write_bytes(written.replace(versions[0]["exam"].encode(), b"VOTHEREXAM"))
    one_line_error(run("grade", key, subs, "--gradebook", midterm), "midterm.csv exists")
    other = tmp_path / "other"
    assert run("generate", "--spec", SMALL, "--seed", "99", "--out", other, "--format", "md").returncode == 0
    one_line_error(run("grade", other / "key.json", subs, "--gradebook", book), "grades.csv exists")   # the wrong key
    assert book.read_bytes() == written
    r = run("grade", other / "key.json", subs, "--gradebook", tmp_path / "new.csv")   # nothing graded: nothing written
    assert r.returncode == 1 and "no file was graded" in r.stderr and not (tmp_path / "new.csv").exists()
    assert "none of the files is for an exam of" in r.stderr          # said once, not only file by file
    reports = tmp_path / "reports"
    reports.mkdir()
    (reports / "notes.md").write_text("my notes on the class\n")
    one_line_error(run("grade", key, subs, "--report", reports), "not examgen reports (notes.md)")
    (reports / "notes.md").unlink()
    assert run("grade", key, subs, "--report", reports).returncode == 0
    assert run("grade", key, subs, "--report", reports).returncode == 0    # its own reports: rewritten
    # another exam's reports are examgen's: said so (it said "not examgen reports" of them)
    one_line_error(run("grade", other / "key.json", subs, "--report", reports), "holds examgen reports of another exam (")


def test_another_students_version_handed_in_is_counted_for_nobody(tmp_path, generated_class):
    # Laila's folder held a file with her name typed but Ivan's version: Ivan's row was graded with
    # her work, hers said "not submitted" without a word, and the report took Ivan's name
    out = generated_class
    versions = json.loads((out / "key.json").read_text(encoding="utf-8"))["versions"]
    mine, other = versions[0], versions[1]
    work = tmp_path / "subs"
    _submit(work / mine["folder"], other, mine["student"], _right_answers(other))
    reports = tmp_path / "reports"
    r, _, rows = _book(tmp_path, out, work, "--report", reports)
    by_exam = {row[4]: row for row in rows[1:]}
    assert by_exam[other["exam"]][-3] == "not submitted", by_exam[other["exam"]]
    assert "that file is not counted" in by_exam[other["exam"]][-1]
    assert by_exam[mine["exam"]][-3] == "not submitted"
    assert f"handed in {other['student']}'s version" in by_exam[mine["exam"]][-1]
    assert f"{mine['student']} handed in {other['student']}'s version" in r.stderr
    (report,) = [p.read_text(encoding="utf-8") for p in reports.glob("*.md")]
    assert report.startswith(f"# Graded: {mine['student']}") and "counted for neither of you" in report
    # beside the student's own sheet, the copy's report is the one renamed (-2): the plain name is the grade's
    _submit(work / mine["folder"], mine, mine["student"], _right_answers(mine), name="answers-own.yaml")
    shutil.rmtree(reports)
    _book(tmp_path, out, work, "--report", reports)
    plain = next(p for p in reports.glob("*.md") if not p.stem.endswith("-2"))
    assert "counted for neither" not in plain.read_text(encoding="utf-8")
    # a name that is not the folder's student's (a nickname, a third student): the version's own file, noted
    shutil.rmtree(work)
    _submit(work / mine["folder"], other, "someone else", _right_answers(other))
    r, _, rows = _book(tmp_path, out, work)
    row = next(row for row in rows[1:] if row[4] == other["exam"])
    assert row[-3] == "graded" and "found in the folder of" in row[-1] and "handed in" not in r.stderr


def test_a_sheet_without_its_exam_line_naming_two_namesakes_says_so(tmp_path):
    # "names no student of this class" was said for a name two students share
    out, _ = _generate(tmp_path, "--roster", _roster(tmp_path, "name,id\nWei Zhang,00123\nWei Zhang,00124\nAda,00125\n"))
    subs = tmp_path / "subs"
    subs.mkdir()
    (subs / "wz.yaml").write_text("student: Wei Zhang\nanswers:\n  1:\n    I: 1\n", encoding="utf-8")
    r = run("grade", out / "key.json", subs)
    (said,) = [line for line in (r.stdout + r.stderr).splitlines() if "more than one student" in line]
    assert r.returncode == 1 and "more than one student of this class is named 'Wei Zhang'" in said
    assert "00123" not in said and "00124" not in said   # the message reaches the student's report: no one's id
