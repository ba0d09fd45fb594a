"""Class rosters, read as LMSs export them (Canvas, Moodle) or as written by hand.

Columns are recognised by their header, compared without case, spaces or punctuation:
    id          student_id, Student Number/No./#, Matriculation Number, sid, SIS User ID, ID number,
                id/ID, SIS Login ID, username (all of ID_HEADERS)
    name        name, student, full name, "Last Name, First Name" (one column: "Zhang, Wei", kept as
                given, as Canvas's Student column) — or first and last name columns, in either order
    email       email, email address
    section     section, sections, group
and the same in French, Spanish, German, Italian and Portuguese (OTHER_HEADERS: Nom, Prénom,
Courriel, Nombre, Apellidos, Correo, Matrikelnummer, Vorname, ...; accents do not count). A bare
"name" (Nom, Name, Nombre) beside a first-name column is the family name (Nom, Prénom), beside a
last-name column the given name (Nombre, Apellidos).
Excel's first line "sep=;" (or "sep=,") names the delimiter; else it is guessed (; , or tab).
A first row that holds a student's data (an e-mail address, or a number above a column of ids:
"Nom,nom@uni.fr") is a student, whatever words it has, with a note.
A first row in words examgen does not know ("Naam,E-postadres") is a header when a column's cells
below it (two or more) are all e-mail addresses or all ids and its cell there is a word (not a
placeholder such as "TBD"); it is skipped with a note (parse_roster's `notes`: a line on stderr,
among generate's warnings), and a column of e-mails under it is the email. When that is not
certain (one row below), the row is kept as a student, with a note.
Without a header the first column (under an unknown header, the first column that is not e-mails
or ids) holds the names; then a cell there without a letter (a header such as "score,grade" above
numbers) is refused, naming the columns examgen knows.
Canvas's "Points Possible" row is skipped, and so is its "Test Student" ("Student, Test"), with a
note, unless the row has an id the institution gives (a student number, an SIS User ID: Canvas's
own user ID does not count). Rows keep their order. Students may share a name when
their ids differ; two rows with one id are refused. A student's id (else name) is what their
version is derived from.

Names are normalised by the grader's rules (examgen.answers): NFC, one line (tabs, newlines
and other white space become one space), no control characters, at most MAX_NAME characters.
"""
from __future__ import annotations

import csv
import io
import re
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path

from .answers import MAX_NAME
from .errors import ExamgenError

MAX_BYTES = 20_000_000      # a roster of 100k students is a few MB
MAX_STUDENTS = 10_000       # the versions a class can have (exam.MAX_VERSIONS)

# Headers as people write them, compared by _header_key (no case, spaces, punctuation or accents;
# "#" is "number"). Earlier id columns win when a row has several.
ID_HEADERS = ("Student ID", "Student Number", "Student No", "Student ID Number", "Matriculation Number",
              "Matriculation No", "Matric No", "SID", "SIS User ID", "ID Number", "ID No", "ID", "SIS Login ID",
              "Username", "User ID")
NAME_HEADERS = ("Name", "Student", "Full Name", "Student Name", "Display Name",
                "Last Name, First Name", "Surname, First Name", "First Name Last Name")  # one column, kept as given
FIRST_HEADERS = ("First Name", "Given Name", "First", "Forename")
LAST_HEADERS = ("Last Name", "Surname", "Family Name", "Last")
EMAIL_HEADERS = ("Email", "Email Address", "Mail")
SECTION_HEADERS = ("Section", "Sections", "Group")
# The same headers in French, Spanish, German, Italian and Portuguese, as LMSs in those languages
# export them. A bare "name" (Nom, Nombre, Name, Nome) beside a first-name column is the last name
# (Nom, Prénom; Name, Vorname), beside a last-name column the first name (Nombre, Apellidos).
OTHER_HEADERS = {
    "id": ("Matricule", "Numéro étudiant", "Numéro d'étudiant", "N° étudiant", "Numéro de matricule", "Identifiant",
           "Número de estudiante", "Matrícula", "Legajo", "Matrikelnummer", "Matrikelnr", "Matrikel",
           "Studierendennummer", "Matricola", "Numero di matricola"),
    "name": ("Nom", "Nom complet", "Nom et prénom", "Nom prénom", "Prénom nom", "Étudiant", "Étudiante", "Élève",
             "Nombre", "Nombre completo", "Nombre y apellidos", "Apellidos y nombre", "Apellidos, Nombre",
             "Estudiante", "Alumno", "Alumna", "Vollständiger Name", "Nachname, Vorname", "Name, Vorname",
             "Studierende", "Nome", "Nome completo", "Studente", "Aluno"),
    "first": ("Prénom", "Nombres", "Primer nombre", "Vorname", "Primeiro nome"),
    "last": ("Nom de famille", "Apellido", "Apellidos", "Nachname", "Familienname", "Cognome", "Sobrenome",
             "Apelido"),
    "email": ("Courriel", "Adresse courriel", "Adresse électronique", "Adresse e-mail", "Correo",
              "Correo electrónico", "E-Mail-Adresse", "Posta elettronica", "Indirizzo email"),
    "section": ("Groupe", "Grupo", "Gruppe", "Sección", "Gruppo", "Turma"),
}
BARE_NAME_HEADERS = ("Name", "Nom", "Nombre", "Nome")
# LMS identifiers kept as exported, for the gradebook formats that want them back.
LMS_COLUMNS = {"id": "ID", "sisuserid": "SIS User ID", "sisloginid": "SIS Login ID",
               "idnumber": "ID number", "username": "Username"}


@dataclass(frozen=True)
class Student:
    name: str
    id: str = ""
    email: str = ""
    section: str = ""
    lms: dict = field(default_factory=dict, compare=False, hash=False)

    @property
    def key(self) -> str:
        """What the student's version is derived from: the id, else the name."""
        return f"id:{self.id}" if self.id else f"name:{self.name}"

    def as_json(self) -> dict:
        return {"student": self.name, "student_id": self.id, "email": self.email,
                "section": self.section, "lms": dict(self.lms)}


def clean_name(text: str) -> str:
    """A name as the grader accepts it: NFC, one line, single spaces, no control characters."""
    text = unicodedata.normalize("NFC", str(text))
    text = "".join(c for c in text if unicodedata.category(c) not in ("Cc", "Cs") or c.isspace())
    return " ".join(text.split())


# Letters that carry no accent to drop but are typed as these on a keyboard without them
# (Øverby as Overby, Łukasz as Lukasz, Guðmundsdóttir as Gudmundsdottir); after casefold.
_KEYBOARD = str.maketrans({"ø": "o", "ł": "l", "đ": "d", "ð": "d", "þ": "th", "æ": "ae", "œ": "oe", "ı": "i"})


def same_name(a: str, b: str) -> bool:
    """One person's name written two ways: accents, case, spacing and a "Last, First" order
    aside (García = Garcia = garcía; "García, Ana" = "Ana García"; Øverby = Overby)."""
    def norm(x):
        x = "".join(c for c in unicodedata.normalize("NFKD", x) if not unicodedata.combining(c))
        return " ".join(x.casefold().translate(_KEYBOARD).replace(",", " ").split())
    return norm(a) == norm(b) or sorted(norm(a).split()) == sorted(norm(b).split())


def _header_key(cell: str) -> str:
    cell = unicodedata.normalize("NFKD", cell.strip().lstrip("\ufeff").lower().replace("#", "number"))
    return re.sub(r"[\W_]+", "", "".join(c for c in cell if not unicodedata.combining(c)))


ID_COLUMNS, NAME_COLUMNS, FIRST_COLUMNS, LAST_COLUMNS, EMAIL_COLUMNS, SECTION_COLUMNS = (
    tuple(dict.fromkeys(map(_header_key, h + OTHER_HEADERS[f]))) for f, h in (
        ("id", ID_HEADERS), ("name", NAME_HEADERS), ("first", FIRST_HEADERS), ("last", LAST_HEADERS),
        ("email", EMAIL_HEADERS), ("section", SECTION_HEADERS)))
BARE_NAME_COLUMNS = tuple(map(_header_key, BARE_NAME_HEADERS))


def read_roster(path: str | Path, notes: list | None = None) -> list[Student]:
    """The students of a CSV roster, in roster order (see parse_roster); one clear error for
    anything wrong."""
    from . import safeio

    path = Path(path)
    try:
        data = safeio.read_bytes(path, MAX_BYTES, "roster (CSV)")
    except ExamgenError as e:
        raise ExamgenError(f"roster {path}: {e}") from None
    if data.startswith((b"PK\x03\x04", b"\xd0\xcf\x11\xe0")) or path.suffix.lower() in (".xlsx", ".xls", ".ods"):
        raise ExamgenError(f"roster {path} is a spreadsheet workbook, not a CSV file; save it as CSV "
                           "(in Excel: File > Save As > CSV UTF-8) and give that file")
    return parse_roster(decode(data, path), str(path), notes)


def decode(data: bytes, path) -> str:
    """The roster's text in any encoding editors save (safeio.decode_by_hand: UTF-8 with or
    without Excel's BOM, UTF-16 with a BOM as Excel's "Unicode text", else cp1252)."""
    from . import safeio

    text = safeio.decode_by_hand(data)
    if text is None:
        raise ExamgenError(f"roster {path} is not UTF-8 text; save it as \"CSV UTF-8\"")
    return text


_EXCEL_SEP = re.compile(r'\ufeff?"?sep=([^"\r\n])"?(?:\1|[ \t])*(?:\r\n?|\n|\Z)', re.IGNORECASE)


def parse_roster(text: str, source: str = "roster", notes: list | None = None) -> list[Student]:
    """The students of a roster's text, in order; a row that repeats an earlier one (the same id
    and the same name by the grader's rule) is listed once, with a line appended to `notes`."""
    if "\x00" in text:
        raise ExamgenError(f"roster {source} is not a text file (it holds NUL bytes)")
    sep, first = _EXCEL_SEP.match(text), 1
    if sep:     # Excel's first line "sep=;" declares the delimiter
        delimiter, text, first = sep.group(1), text[sep.end():], 2
    else:
        sample = text[:4096]
        delimiter = ";" if sample.count(";") > sample.count(",") and "\t" not in sample else \
            ("\t" if sample.count("\t") > sample.count(",") else ",")
    rows = [(n, r) for n, r in enumerate(csv.reader(io.StringIO(text, newline=""), delimiter=delimiter), first)
            if any(c.strip() for c in r)]
    if not rows:
        raise ExamgenError(f"roster {source} is empty")
    columns, body = _columns([_header_key(c) for c in rows[0][1]]), rows[1:]
    if columns is not None and _holds_data(rows):   # "Nom,nom@uni.fr": a student called Nom
        if notes is not None:
            notes.append(f'roster {source}: row {rows[0][0]} ("{_shown(rows[0][1], delimiter)}") names columns '
                         "but holds a student's data; read as a student, and the roster as one without a header")
        columns, body = {"name": 0}, rows
    elif columns is None:
        columns = _unknown_header(rows, source, delimiter, notes)
        if columns is None:     # no header: one name per line (the first column)
            columns, body = {"name": 0}, rows
            if delimiter == "," and all(_last_first(r) for _, r in rows):
                # "Zhang, Wei" typed a line each, unquoted: a name as "Last, First", not "Zhang"
                body = [(n, [", ".join(c.strip() for c in r if c.strip())]) for n, r in rows]
    else:   # a header examgen knows: a cell past its columns means an unquoted comma shifted the row
        head = rows[0][1]
        width = max((j + 1 for j, c in enumerate(head) if c.strip()), default=0)   # (a trailing "," names none)
        for line, row in body:
            if len(row) > len(head) and any(c.strip() for c in row[width:]):
                raise ExamgenError(
                    f"roster {source}, row {line} has {len(row)} cells but its header names {width} columns "
                    f'("{_shown(row, delimiter)}"), so its cells would be read under the wrong columns: '
                    f'put a name with a "{delimiter}" in quotes ("Zhang{delimiter} Wei"), or remove the extra cells')
    if "ids" not in columns:    # no header examgen knows: the names must be names
        name = columns["name"]
        if name is None and columns.get("email") is None:
            raise ExamgenError(_no_columns(source, rows[0][1], body[0][0], body[0][1][0].strip()))
        line, cell = next(((n, r[name].strip()) for n, r in body if name is not None and name < len(r)
                           and r[name].strip() and not any(c.isalpha() for c in r[name])), (0, ""))
        if line:    # a name has letters
            raise ExamgenError(_no_columns(source, rows[0][1], line, cell))
    students, by_id, by_name = [], {}, {}
    for line, row in body:
        s = _student(row, columns, source, line)
        if s is None:
            continue
        if _test_student(s):
            real = _institution_id(row, columns)
            if notes is not None:
                notes.append(f'roster {source}: row {line} ("{s.name}") ' + (
                    f"is named as Canvas's Test Student but has the id {real}: kept as a student (delete the row "
                    "if it is the test student)" if real else
                    "is Canvas's Test Student (every course has one), not a student: skipped"))
            if not real:
                continue
        if s.id:
            if s.id in by_id:
                first, was = by_id[s.id]
                if not same_name(was.name, s.name):
                    raise ExamgenError(f"roster {source}: rows {first} and {line} have the same id {s.id!r} "
                                       f"for two names ({was.name}, {s.name})")
                if notes is not None:   # an export that lists a student twice (two sections, re-enrolled)
                    notes.append(f"roster {source}: row {line} repeats row {first} ({s.name}, id {s.id}); "
                                 "listed once")
                continue
            by_id[s.id] = (line, s)
        else:
            if s.name in by_name:
                raise ExamgenError(f"roster {source}: rows {by_name[s.name]} and {line} both name {s.name!r} "
                                   "and have no id; add an id column (student_id) to tell them apart")
            by_name[s.name] = line
        students.append(s)
        if len(students) > MAX_STUDENTS:
            raise ExamgenError(f"roster {source} lists more than {MAX_STUDENTS} students")
    if not students:
        raise ExamgenError(f"roster {source} lists no students")
    return students


# The kinds of data a roster's cell holds: an e-mail address, or an id (one word of letters and
# digits with a digit: 20231234, S001, m-17). A header cell is a word that is neither, nor a
# placeholder typed where a student's data is missing.
_EMAIL = re.compile(r"[^@\s]+@[^@\s]+\.[^@\s]+")
_ID = re.compile(r"(?=\S*\d)[^\W_][\w.\-/]*")
_PLACEHOLDERS = {"none", "na", "nil", "null", "tbd", "tba", "pending", "unknown", "missing", "aucun", "aucune",
                 "inconnu", "ninguno", "ninguna", "desconocido", "keine", "keiner", "unbekannt", "x", "xx", "xxx"}


def _last_first(row: list[str]) -> bool:
    """Whether a row of a roster without a header is a name typed "Last, First" unquoted: two cells
    of words (two letters or more each), no digit, no e-mail address."""
    cells = [c.strip() for c in row if c.strip()]
    return len(cells) == 2 and all(sum(ch.isalpha() for ch in c) >= 2 and not any(ch.isdigit() or ch == "@" for ch in c)
                                   for c in cells)


def _kind(cell: str) -> str:
    """"email", "id", or "" (a word, a name, anything else)."""
    cell = cell.strip()
    return "email" if _EMAIL.fullmatch(cell) else "id" if _ID.fullmatch(cell) else ""


def _columns_below(rows: list) -> dict[int, list[str]]:
    """The filled cells of each column under the first row (read once: a row of many cells above
    many rows took each column's pass over every row)."""
    below: dict[int, list[str]] = {}
    for _, r in rows[1:]:
        for j, c in enumerate(r):
            if c.strip():
                below.setdefault(j, []).append(c.strip())
    return below


def _holds_data(rows: list, below: dict | None = None) -> bool:
    """Whether the first row holds a student's data, not column names: an e-mail address, or a
    number in a column of ids ("Nom,20231234" above "Dupont Marie,20231235")."""
    for j, cell in enumerate(c.strip() for c in rows[0][1]):
        if _kind(cell) == "email":
            return True
        if cell.isdigit():
            below = _columns_below(rows) if below is None else below
            if below.get(j) and all(_kind(c) == "id" for c in below[j]):
                return True
    return False


def _shown(row: list[str], delimiter: str) -> str:
    """A row as its line reads, on one line, cut to 60 characters."""
    text = clean_name(delimiter.join(row))
    return text if len(text) <= 60 else text[:57] + "..."


def _unknown_header(rows: list, source: str, delimiter: str, notes: list | None) -> dict | None:
    """The columns under a first row in words examgen does not know (Naam, E-postadres), or None
    when the first row is a student.

    The first row is a header when a column's cells below it (two or more) are all of one kind
    (e-mail addresses, or ids) and the first row's cell there is a word, not of that kind, and no
    cell of the first row is an e-mail address or an id (a header holds no data). A column of
    e-mail addresses is the email; the names are the first column that is neither e-mails nor
    ids. When the evidence is short of that (one row below, or a placeholder such as "TBD" or
    "none" above the ids), the first row is kept as a student, with a note."""
    head, body, below = [c.strip() for c in rows[0][1]], [r for _, r in rows[1:]], _columns_below(rows)
    if not body or _holds_data(rows, below):
        return None
    kinds, hints, data, width = {}, [], set(), max(len(r) for _, r in rows)
    for j in range(width):
        cells = below.get(j, [])
        kind = {_kind(c) for c in cells}
        if len(kind) != 1 or kind == {""}:
            continue
        data.add(j)
        h = head[j] if j < len(head) else ""
        if not any(c.isalpha() for c in h):
            continue
        if len(cells) >= 2 and not any(c.isdigit() for c in h) and _header_key(h) not in _PLACEHOLDERS:
            kinds[j] = kind.pop()
        else:
            hints.append(f'"{clean_name(h)[:40]}" is no {"e-mail address" if kind == {"email"} else "id"} like '
                         "the rows below")
    shown = _shown(rows[0][1], delimiter)
    if not kinds:
        if hints and notes is not None:
            notes.append(f'roster {source}: row {rows[0][0]} ("{shown}") is read as a student, though its '
                         f'{hints[0]}; if it is a header, name the columns as examgen knows them '
                         "(name, student_id, email)")
        return None
    email = next((j for j, k in kinds.items() if k == "email"), None)
    name = next((j for j in range(width) if j not in data and j in below), None)
    if notes is not None:
        said = f'; column "{clean_name(head[email])[:40]}" is the email' if email is not None else ""
        notes.append(f'roster {source}: row {rows[0][0]} ("{shown}") read as a header, not a student: the rows '
                     f'below hold {"e-mail addresses" if kinds[next(iter(kinds))] == "email" else "ids"} under '
                     f'"{clean_name(head[next(iter(kinds))])[:40]}"{said}')
    return {"name": name, "email": email}


def _no_columns(source: str, first_row: list[str], line: int, cell: str) -> str:
    """The error for a roster whose first row names no column and whose first column is no names."""
    def listed(headers):
        return ", ".join(f'"{h}"' for h in headers)

    found = ", ".join(clean_name(c)[:40] for c in first_row[:12]) + (", ..." if len(first_row) > 12 else "")
    return (f"roster {source} has no name, id or email column: its first row ({found}) names none, and row {line}'s "
            f"first cell {cell[:40]!r} is no name (without a header a roster lists one name a line); the headers "
            f"recognised (any case, spaces or punctuation) are, for an id: {listed(ID_HEADERS)}; for a name: "
            f"{listed(NAME_HEADERS)}, or first-name ({listed(FIRST_HEADERS)}) and last-name ({listed(LAST_HEADERS)}) "
            f"columns; for an email: {listed(EMAIL_HEADERS)}; and their French, Spanish, German, Italian and "
            f"Portuguese forms (Nom, Prénom, Courriel, Nombre, Apellidos, Correo, Matrikelnummer, ...)")


def _columns(header: list[str]) -> dict | None:
    """{field: column index} from a header row, or None when it is not a header."""
    def find(names):
        return next((header.index(n) for n in names if n in header), None)

    cols = {"name": find(NAME_COLUMNS), "first": find(FIRST_COLUMNS), "last": find(LAST_COLUMNS),
            "email": find(EMAIL_COLUMNS), "section": find(SECTION_COLUMNS)}
    cols["ids"] = [header.index(n) for n in ID_COLUMNS if n in header]
    cols["lms"] = {LMS_COLUMNS[h]: i for i, h in enumerate(header) if h in LMS_COLUMNS}
    if cols["name"] is None and cols["first"] is None and cols["last"] is None:
        return None if not cols["ids"] and cols["email"] is None else cols
    bare = cols["name"] is not None and header[cols["name"]] in BARE_NAME_COLUMNS
    if bare and (cols["first"] is None) != (cols["last"] is None):
        # "Nom, Prénom" or "Name, Vorname": the bare name is the family name; "Nombre, Apellidos": the given name
        missing = "first" if cols["first"] is None else "last"
        cols[missing], cols["name"] = cols["name"], None
    return cols


def _student(row: list[str], cols: dict, source: str, line: int) -> Student | None:
    def cell(i):
        return row[i].strip() if i is not None and i < len(row) else ""

    if cols.get("name") is not None:
        name = cell(cols["name"])
    else:
        name = " ".join(p for p in (cell(cols.get("first")), cell(cols.get("last"))) if p)
    name = clean_name(name)
    sid = clean_name(next((cell(i) for i in cols.get("ids", ()) if cell(i)), ""))
    if name.lower() == "points possible" and not sid:   # Canvas's second row
        return None
    email = clean_name(cell(cols.get("email")))
    name = name or sid or email   # a roster of emails alone (a mailing list's export) names by email
    if not name:
        return None
    for what, v in (("name", name), ("id", sid)):
        if len(v) > MAX_NAME:
            raise ExamgenError(f"roster {source}, row {line}: the {what} is longer than {MAX_NAME} characters")
    section = clean_name(cell(cols.get("section")))
    lms = {label: clean_name(cell(i)) for label, i in cols.get("lms", {}).items() if cell(i)}
    return Student(name, sid, email[:MAX_NAME], section[:MAX_NAME], lms)


# Canvas adds a fake student to every course (for "Student View"); its gradebook export lists it as
# "Student, Test" with only Canvas's own user ID, never an SIS User ID.
TEST_STUDENT_NAMES = ("test student", "student, test")


def _test_student(s: Student) -> bool:
    return " ".join(s.name.lower().split()) in TEST_STUDENT_NAMES


def _institution_id(row: list[str], cols: dict) -> str:
    """The row's id from a column the institution fills (a student number, SIS User ID, ...): not
    Canvas's own user ID or login, which its test student has too ("" when there is none)."""
    lms = cols.get("lms", {})
    canvas = "SIS User ID" in lms or "SIS Login ID" in lms
    own = {lms.get("ID"), lms.get("SIS Login ID")} if canvas else set()
    return next((row[i].strip() for i in cols.get("ids", ()) if i not in own and i < len(row) and row[i].strip()), "")


# --- folder names -------------------------------------------------------------------------------
# What file systems refuse, and what a shell reads as its own (O'Brien, Tom & Jerry, $5, {x}):
# a folder name an instructor can type in a script without quoting.
_REFUSED = re.compile(r'[\x00-\x1f\x7f/\\:*?"<>|\s\'`;&$!(){}\[\]~^%#,=]+')
_RESERVED = {"con", "prn", "aux", "nul", *(f"com{i}" for i in range(10)), *(f"lpt{i}" for i in range(10))}


def folder_name(name: str, limit: int = 60) -> str:
    """A folder name that keeps the letters of any script; what file systems refuse, and a
    shell's own characters, become -."""
    s = _REFUSED.sub("-", unicodedata.normalize("NFC", name)).strip("-. ")
    s = s[:limit].rstrip("-. ")
    if not s or s.lower().split(".")[0] in _RESERVED:
        s = (s + "-student").strip("-")
    return s


def folders(students: list[Student]) -> list[str]:
    """One folder per student, unique even on case-insensitive file systems (name, then id)."""
    base = [folder_name(s.name) for s in students]
    counts: dict[str, int] = {}
    for b in base:
        counts[b.lower()] = counts.get(b.lower(), 0) + 1
    out, used = [], set()
    for s, b in zip(students, base):
        name = b if counts[b.lower()] == 1 else f"{b}-{folder_name(s.id, 40)}" if s.id else b
        k, candidate = 2, name
        while candidate.lower() in used:
            candidate, k = f"{name}-{k}", k + 1
        used.add(candidate.lower())
        out.append(candidate)
    return out
