"""Export an exam's versions to a learning-management system: Moodle XML and a Canvas QTI 1.2 zip.

Both exports hold, per problem slot, every version of that problem as its own question, so a
quiz draws one version per slot at random (Moodle: one category per slot; Canvas: one question
group per slot with selection_number 1). The questions come from what `generate` already
made: each version's key.json entry (answers, tolerances, points, named mistakes, worked
solution) and its rendered prompt; nothing is solved again.

Every answer box is a `Field`: a number with its absolute tolerance (the grader's rule,
`compare.tolerance`, turned into one number per version) and the named mistakes that land on
it. Expression parts become a number by evaluating the expression at a stated point; parts
that cannot be asked that way are left out with a warning.
"""
from __future__ import annotations

import hashlib
import io
import re
import xml.etree.ElementTree as ET
import zipfile
from collections import Counter
from dataclasses import dataclass, field
from decimal import ROUND_DOWN, ROUND_HALF_EVEN, ROUND_HALF_UP, Decimal
from fractions import Fraction
from functools import lru_cache
from html import escape

import numpy as np

from . import expr
from .compare import BOUND_SLACK, tolerance

POINT = (Fraction(1, 2), Fraction(1, 3), Fraction(2), Fraction(3, 2), Fraction(1, 4), Fraction(3))
SAME = 1e-12            # a mistake entry this close to the right one is not a mistake in that entry


@dataclass
class Field:
    label: str                  # "IOU", "dL_dW1[0, 1]"
    value: float | str          # the right number (or choice text)
    tolerance: float
    points: float               # this box's share of the problem's points
    spellings: tuple = ()       # texts that write the right answer (for text-matching LMSs)
    wrong: list = field(default_factory=list)   # [(value, tolerance, feedback HTML)]
    choices: tuple = ()         # for a choice part: every option


@dataclass
class Part:
    name: str
    shape: tuple
    fields: list
    note: str = ""              # e.g. "Evaluate your expression at h = 1/2."


@dataclass
class Question:
    slot: int
    exam: str                   # version id
    version: str                # folder name (v01) or the version id
    pid: str
    title: str
    points: float
    prompt_html: str
    solution_html: str
    parts: list

    @property
    def fields(self) -> list:
        return [f for p in self.parts for f in p.fields]

    @property
    def single_number(self) -> bool:
        return len(self.fields) == 1 and not self.fields[0].choices


class Warnings(Counter):
    """Warnings counted across versions, so each is said once."""

    def lines(self) -> list[str]:
        return [msg + (f" ({n} versions)" if n > 1 else "") for msg, n in sorted(self.items())]


# --- from key entries to questions -------------------------------------------------------------------
def questions(versions, warnings: Warnings) -> dict[int, list[Question]]:
    """{slot: [Question per version]} from [(folder, key dict, [prompt Markdown per problem])]."""
    slots: dict[int, list[Question]] = {}
    for folder, key, prompts in versions:
        for entry, prompt in zip(key["problems"], prompts):
            # a --versions folder (v07) names the version; a roster's folder is a student's name,
            # which has no place in a course's question bank: the version id instead
            label = folder if re.fullmatch(r"v\d+", folder or "") else key["exam"]
            q = _question(entry, key["exam"], label, prompt, warnings)
            slots.setdefault(q.slot, []).append(q)
    return dict(sorted(slots.items()))


def _question(entry: dict, exam: str, version: str, prompt: str, warnings: Warnings) -> Question:
    said: set = set()                                # this version's warnings, each counted once
    parts = [p for name, spec in entry["parts"].items() if (p := _part(entry, name, spec, said)) is not None]
    warnings.update(said)
    return Question(int(entry["number"]), exam, version, entry["id"], entry["title"], float(entry["points"]),
                    html(prompt), html(entry.get("solution") or ""), parts)


def _part(entry: dict, name: str, spec: dict, warnings: set) -> Part | None:
    where = f"problem {entry['number']} ({entry['id']}) part {name}"
    kind, value = spec["kind"], entry["answers"][name]
    mistakes = [(m["name"], m["message"], m["answers"][name]) for m in entry.get("mistakes") or ()
                if name in m["answers"]]
    if kind == "choice":
        # The options: the key's list, else the right one and every named misreading (the
        # concepts problem names one mistake per wrong option).
        value = str(value)
        choices = tuple(spec.get("choices") or sorted({value} | {str(w) for _, _, w in mistakes}))
        if len(choices) < 2:
            warnings.add(f"{where}: a choice part whose other options the key does not give; left out")
            return None
        wrong = [(str(w), 0.0, escape(msg, quote=False)) for _, msg, w in mistakes if str(w) != value]
        spellings = (value, f"({value})", f"{value})", value.upper()) if len(value) == 1 else (value,)
        return Part(name, (), [Field(name, value, 0.0, float(spec["points"]), spellings, wrong, choices)])
    note = ""
    if kind == "expression":
        found = _telling_point(value, spec, [w for _, _, w in mistakes])
        if found is None:
            warnings.add(f"{where}: the expression cannot be evaluated at a stated point; left out")
            return None
        point, value, tells = found
        if not tells:
            warnings.add(f"{where}: a named mistake has the right answer's value at every point tried")
        mistakes = [(n, msg, _at(w, spec, point)) for n, msg, w in mistakes]
        mistakes = [m for m in mistakes if m[2] is not None]
        note = "Answer with a number: the value of the expression" + (
            " at " + ", ".join(f"{v} = {q}" for v, q in point.items()) if point else "") + "."
        exact = None
    else:
        exact = entry.get("answers_exact", {}).get(name)
    right = np.asarray(value, dtype=float)
    exact = np.asarray(exact if exact is not None else np.vectorize(_num)(right), dtype=object)
    if exact.shape != right.shape:
        exact = np.vectorize(_num, otypes=[object])(right)
    rtol, atol = float(spec["rtol"]), float(spec["atol"])
    each = float(spec["points"]) / max(1, right.size)
    fields = []
    for idx in np.ndindex(*right.shape):
        e = float(right[idx])
        stated = _stated(str(exact[idx]))
        tol = _signed(e, float(tolerance(e, rtol, atol)), stated)
        label = name + (f"[{', '.join(map(str, idx))}]" if idx else "")
        f = Field(label, e, tol, each, _spellings(e, str(exact[idx]), tol, stated))
        for mname, msg, w in mistakes:
            w = np.asarray(w, dtype=float)
            if w.shape != right.shape:
                if w.shape != right.shape[::-1]:   # (a transposed answer cannot be typed into these blanks: no news)
                    warnings.add(f"{where}: mistake {mname} answers with another shape; not offered as a wrong answer")
                continue
            m = float(w[idx])
            if abs(m - e) <= SAME * max(1.0, abs(e)):
                continue                            # the mistake leaves this entry right
            if abs(m - e) <= tol:
                warnings.add(f"{where}: mistake {mname} falls within the right answer's tolerance"
                             + (" in some entries; dropped there" if idx else "; dropped"))
                continue
            if not any(abs(m - x) <= SAME * max(1.0, abs(x)) for x, _, _ in f.wrong):
                f.wrong.append((m, float(tolerance(m, rtol, atol)), escape(msg, quote=False)))
        fields.append(f)
    return Part(name, right.shape, fields, note)


def _percentages(points: list) -> list[str]:
    """Each blank's share of a score of 100, to 2 places, summing to exactly 100 (the rounding
    remainder on the last blank: 32 blanks of 3.13 summed to 100.16, never a full score)."""
    total = sum(points) or 1.0
    cents = [round(10_000 * p / total) for p in points[:-1]]
    cents.append(max(0, 10_000 - sum(cents)))
    return [f"{c // 100}.{c % 100:02d}" for c in cents]


def _telling_point(text, spec: dict, mistakes: list) -> tuple[dict, float, bool] | None:
    """(point, the key's value there, whether it tells the answer from every named mistake): the
    first of POINT's rotations where the expression is defined and no mistake's value is within
    the answer's tolerance (1 − h and the mistake h agree at h = 1/2: that question would answer
    itself), else the first where it is defined; None when it is defined at none."""
    variables = spec.get("variables") or ()
    first = None
    for k in range(len(POINT) if variables else 1):
        point = {v: POINT[(i + k) % len(POINT)] for i, v in enumerate(variables)}
        right = _at(text, spec, point)
        if right is None:
            continue
        tol = float(tolerance(right, float(spec["rtol"]), float(spec["atol"])))
        wrong = [_at(w, spec, point) for w in mistakes]
        if all(w is None or abs(w - right) > tol for w in wrong):
            return point, right, True
        first = first or (point, right, False)
    return first


def _at(text, spec: dict, point: dict) -> float | None:
    """The key's expression at `point`, a finite real number, or None."""
    try:
        tree = expr.check(str(text), tuple(spec.get("variables") or ()), "key")
        z = expr.evaluate(tree, {v: float(q) for v, q in point.items()})
    except (expr.ExpressionError, ArithmeticError, ValueError):
        return None
    if not (np.isfinite(z.real) and abs(z.imag) <= 1e-12 * max(1.0, abs(z.real))):
        return None
    return float(z.real) + 0.0


def _num(x: float) -> str:
    """A float as key.json writes it (the shortest text that round-trips: 0.75, 2.0, 1e-05)."""
    return repr(float(x) + 0.0)


# How students round a decimal by hand: half up (away from 0: -9/8 to -1.13), half to even as
# Python does (-1.12), or cut off (-1.12); a text-matching LMS accepts only the texts it lists.
_ROUNDINGS = (ROUND_HALF_UP, ROUND_HALF_EVEN, ROUND_DOWN)


def _stated(exact: str) -> bool:
    """The key states the value exactly (3/4, 2, ln(2)), not as a decimal (a drill key's 0.4113)."""
    return not re.fullmatch(r"-?\d+\.\d*(e[-+]?\d+)?|-?\d+e[-+]?\d+", exact)


def _signed(value: float, tol: float, stated: bool) -> float:
    """The grader's sign rule (compare.sign_slips) in one symmetric interval: for a stated value
    that is not 0, an interval that reaches 0 is cut to exclude 0 and the other sign (for -1/243,
    0.005 would take 0 and +0.004, which the exam says are wrong)."""
    return min(tol, abs(value) * (1 - 1e-6)) if stated and value != 0 else tol


def _spellings(value: float, exact: str, tol: float, stated: bool = True) -> tuple:
    """Texts of the right answer a text-matching LMS accepts: the exact form, and the decimals of
    up to four lengths within the tolerance, each rounded as students round it, with and without
    the 0 before the point (0.75, .75)."""
    out = [exact] if exact and " " not in exact else []
    digits = Decimal(_num(value)) if "e" not in _num(value) else Decimal(value)
    lengths = 0
    for d in range(0, 7):
        texts = [f"{digits.quantize(Decimal(1).scaleb(-d), rounding=r):f}" for r in _ROUNDINGS]
        texts = [t for t in dict.fromkeys(texts) if abs(float(t) - value) <= tol * BOUND_SLACK
                 and (float(t) * value > 0 or not stated or value == 0)   # never 0 or -0.0 for -1/243
                 and not (t.startswith("-") and float(t) == 0)]
        if texts:
            out += [t for t in texts if t not in out]
            out += [t.replace("0.", ".", 1) for t in texts if re.match(r"-?0\.", t)]
            lengths += 1
        if lengths >= 4:
            break
    return tuple(dict.fromkeys(out + [_num(value)]))


@lru_cache(maxsize=1)
def _markdown():
    import mistune

    return mistune.create_markdown(plugins=["math", "table"])


def html(markdown: str) -> str:
    """HTML for MathJax: inline math as \\( \\), display math as \\[ \\]."""
    out = _markdown()(markdown)
    return re.sub(r'<div class="math">\$\$\s*(.*?)\s*\$\$</div>', r'<div class="math">\\[\1\\]</div>', out, flags=re.S)


# --- Moodle XML ----------------------------------------------------------------------------------------
def _text(parent, tag: str, text: str, fmt: str | None = None):
    el = ET.SubElement(parent, tag, {"format": fmt} if fmt else {})
    ET.SubElement(el, "text").text = text
    return el


def moodle_xml(slots: dict[int, list[Question]], title: str) -> str:
    """Moodle XML: a category per slot, each version a numerical (one number) or cloze question."""
    quiz = ET.Element("quiz")
    for slot, qs in slots.items():
        cat = ET.SubElement(quiz, "question", {"type": "category"})
        path = ["$course$", "top", title, f"P{slot} {qs[0].pid}"]
        _text(cat, "category", "/".join(s.replace("/", "//") for s in path))  # Moodle writes a / in a name as //
        _text(cat, "info", f"Problem {slot} of {title}: {len(qs)} version(s); a quiz draws one at random.", "html")
        for q in qs:
            quiz.append(_moodle_question(q))
    ET.indent(quiz)
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(quiz, encoding="unicode") + "\n"


def _moodle_question(q: Question) -> ET.Element:
    single = q.single_number
    el = ET.Element("question", {"type": "numerical" if single else "cloze"})
    _text(el, "name", f"P{q.slot} {q.title} ({q.version})")
    body = q.prompt_html
    if single:
        part = q.parts[0]
        body += f"<p><code>{part.name}</code>" + (f" {part.note}" if part.note else "") + "</p>"
    else:
        body += "".join(_cloze_part(p, _weights(q)) for p in q.parts)
    _text(el, "questiontext", body, "html")
    _text(el, "generalfeedback", q.solution_html, "html")
    ET.SubElement(el, "defaultgrade").text = _num(q.points)
    ET.SubElement(el, "penalty").text = "0"
    ET.SubElement(el, "hidden").text = "0"
    ET.SubElement(el, "idnumber").text = q.exam
    if single:
        f = q.fields[0]
        for value, tol, fraction, feedback in [(f.value, f.tolerance, "100", "")] + [(v, t, "0", m) for v, t, m in f.wrong]:
            a = ET.SubElement(el, "answer", {"fraction": fraction, "format": "moodle_auto_format"})
            ET.SubElement(a, "text").text = _num(value)
            _text(a, "feedback", feedback, "html")
            ET.SubElement(a, "tolerance").text = _num(tol)
        ET.SubElement(el, "unitgradingtype").text = "0"
        ET.SubElement(el, "unitpenalty").text = "0"
        ET.SubElement(el, "showunits").text = "3"
        ET.SubElement(el, "unitsleft").text = "0"
    return el


def _weights(q: Question) -> dict[str, int]:
    """Integer cloze weights in the proportions of the boxes' points (Moodle wants whole numbers)."""
    shares = {f.label: Fraction(f.points).limit_denominator(1000) for f in q.fields}
    scale = np.lcm.reduce([s.denominator for s in shares.values()]) if shares else 1
    if scale > 100:
        return {k: max(1, round(float(s) * 100)) for k, s in shares.items()}
    return {k: max(1, int(s * int(scale))) for k, s in shares.items()}


_CLOZE_ENTITIES = str.maketrans({"&": "&amp;", "}": "&#125;", "~": "&#126;", "#": "&#35;", "\n": " "})


def _escape_cloze(html_text: str) -> str:
    """HTML made safe inside a cloze box: Moodle ends an answer at ~ # } and decodes entities after
    splitting (html_entity_decode), so those characters, and &, go in as entities."""
    return html_text.translate(_CLOZE_ENTITIES)


def _cloze(f: Field, weight: int) -> str:
    if f.choices:
        alts = [("=" if c == f.value else "") + _escape_cloze(escape(c, quote=False))
                + next((f"#{_escape_cloze(m)}" for v, _, m in f.wrong if v == c), "") for c in f.choices]
        return f"{{{weight}:MULTICHOICE:{'~'.join(alts)}}}"
    alts = [f"={_num(f.value)}:{_num(f.tolerance)}"]
    alts += [f"%0%{_num(v)}:{_num(t)}#{_escape_cloze(m)}" for v, t, m in f.wrong]
    return f"{{{weight}:NUMERICAL:{'~'.join(alts)}}}"


def _cloze_part(p: Part, weights: dict) -> str:
    head = f"<p><code>{p.name}</code>" + (f" {p.note}" if p.note else "") + "</p>"
    if len(p.shape) in (1, 2):
        rows = [p.fields] if len(p.shape) == 1 else [p.fields[i * p.shape[1]:(i + 1) * p.shape[1]]
                                                     for i in range(p.shape[0])]
        cells = "".join("<tr>" + "".join(f"<td>{_cloze(f, weights[f.label])}</td>" for f in row) + "</tr>" for row in rows)
        return head + f"<table>{cells}</table>"
    return head + "".join(f"<p>{f.label} = {_cloze(f, weights[f.label])}</p>" if p.shape else
                          f"<p>{_cloze(f, weights[f.label])}</p>" for f in p.fields)


# --- Canvas QTI 1.2 -------------------------------------------------------------------------------------
QTI_NS = "http://www.imsglobal.org/xsd/ims_qtiasiv1p2"
ZIP_TIME = (1980, 1, 1, 0, 0, 0)   # every entry's timestamp: the same zip bytes for the same exam


def _ident(prefix: str, *parts) -> str:
    return prefix + hashlib.sha256("\x1f".join(map(str, parts)).encode()).hexdigest()[:32]


def qti_zip(slots: dict[int, list[Question]], title: str) -> bytes:
    """A Canvas "QTI .zip file": imsmanifest.xml, the assessment and its Canvas quiz settings."""
    quiz = _ident("g", "quiz", title, *(q.exam for qs in slots.values() for q in qs))
    meta = _ident("i", "meta", quiz)
    files = {"imsmanifest.xml": _manifest(quiz, meta, title),
             f"{quiz}/{quiz}.xml": _assessment(slots, title, quiz),
             f"{quiz}/assessment_meta.xml": _quiz_meta(slots, title, quiz)}
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        for name in sorted(files):
            info = zipfile.ZipInfo(name, date_time=ZIP_TIME)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            info.create_system = 3          # "Unix" on every OS, so the bytes do not depend on it
            z.writestr(info, files[name].encode("utf-8"))
    return buf.getvalue()


def _xml(root: ET.Element) -> str:
    ET.indent(root)
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(root, encoding="unicode") + "\n"


def _manifest(quiz: str, meta: str, title: str) -> str:
    m = ET.Element("manifest", {
        "identifier": _ident("g", "manifest", quiz), "xmlns": "http://www.imsglobal.org/xsd/imsccv1p1/imscp_v1p1",
        "xmlns:imsmd": "http://www.imsglobal.org/xsd/imsmd_v1p2"})
    md = ET.SubElement(m, "metadata")
    ET.SubElement(md, "schema").text = "IMS Content"
    ET.SubElement(md, "schemaversion").text = "1.1.3"
    t = ET.SubElement(ET.SubElement(ET.SubElement(md, "imsmd:lom"), "imsmd:general"), "imsmd:title")
    ET.SubElement(t, "imsmd:string").text = f"QTI Quiz Export for {title}"
    ET.SubElement(m, "organizations")
    res = ET.SubElement(m, "resources")
    r = ET.SubElement(res, "resource", {"identifier": quiz, "type": "imsqti_xmlv1p2"})
    ET.SubElement(r, "file", {"href": f"{quiz}/{quiz}.xml"})
    ET.SubElement(r, "dependency", {"identifierref": meta})
    r = ET.SubElement(res, "resource", {"identifier": meta, "href": f"{quiz}/assessment_meta.xml",
                                        "type": "associatedcontent/imscc_xmlv1p1/learning-application-resource"})
    ET.SubElement(r, "file", {"href": f"{quiz}/assessment_meta.xml"})
    return _xml(m)


def _quiz_meta(slots, title: str, quiz: str) -> str:
    q = ET.Element("quiz", {"identifier": quiz, "xmlns": "http://canvas.instructure.com/xsd/cccv1p0"})
    points = sum(qs[0].points for qs in slots.values())
    for tag, text in [("title", title), ("description", ""), ("shuffle_answers", "false"),
                      ("scoring_policy", "keep_highest"), ("quiz_type", "assignment"),
                      ("points_possible", _num(points)), ("allowed_attempts", "1")]:
        ET.SubElement(q, tag).text = text
    return _xml(q)


def _assessment(slots, title: str, quiz: str) -> str:
    root = ET.Element("questestinterop", {"xmlns": QTI_NS})
    a = ET.SubElement(root, "assessment", {"ident": quiz, "title": title})
    _metadata(a, [("cc_maxattempts", "1")])
    top = ET.SubElement(a, "section", {"ident": "root_section"})
    for slot, qs in slots.items():
        sec = ET.SubElement(top, "section", {"ident": _ident("g", quiz, slot), "title": f"P{slot} {qs[0].title}"})
        sel = ET.SubElement(ET.SubElement(sec, "selection_ordering"), "selection")
        ET.SubElement(sel, "selection_number").text = "1"
        ET.SubElement(ET.SubElement(sel, "selection_extension"), "points_per_item").text = _num(qs[0].points)
        for q in qs:
            sec.append(_qti_item(q, quiz))
    return _xml(root)


def _metadata(parent, pairs):
    md = ET.SubElement(parent, "qtimetadata")
    for label, entry in pairs:
        f = ET.SubElement(md, "qtimetadatafield")
        ET.SubElement(f, "fieldlabel").text = label
        ET.SubElement(f, "fieldentry").text = entry


def _mattext(parent, text: str, kind: str = "text/html"):
    ET.SubElement(ET.SubElement(parent, "material"), "mattext", {"texttype": kind}).text = text


def _blank(label: str) -> str:
    return re.sub(r"\W+", "_", label).strip("_")


def _qti_item(q: Question, quiz: str) -> ET.Element:
    """numerical_question for one number; fill_in_multiple_blanks_question (text match) otherwise."""
    single = q.single_number
    item = ET.Element("item", {"ident": _ident("i", quiz, q.exam, q.slot), "title": f"P{q.slot} {q.title} ({q.version})"})
    kind = "numerical_question" if single else "fill_in_multiple_blanks_question"
    meta = [("question_type", kind), ("points_possible", _num(q.points)), ("version", q.exam)]
    _metadata(ET.SubElement(item, "itemmetadata"), meta)
    pres = ET.SubElement(item, "presentation")
    proc = ET.SubElement(item, "resprocessing")
    ET.SubElement(ET.SubElement(proc, "outcomes"), "decvar",
                  {"maxvalue": "100", "minvalue": "0", "varname": "SCORE", "vartype": "Decimal"})
    if q.solution_html:
        general = ET.SubElement(proc, "respcondition", {"continue": "Yes"})
        ET.SubElement(ET.SubElement(general, "conditionvar"), "other")
        ET.SubElement(general, "displayfeedback", {"feedbacktype": "Response", "linkrefid": "general_fb"})
    if single:
        part, f = q.parts[0], q.fields[0]
        _mattext(pres, q.prompt_html + f"<p><code>{part.name}</code>" + (f" {part.note}" if part.note else "") + "</p>")
        resp = ET.SubElement(pres, "response_str", {"ident": "response1", "rcardinality": "Single"})
        ET.SubElement(ET.SubElement(resp, "render_fib", {"fibtype": "Decimal"}), "response_label", {"ident": "answer1"})
        cond = ET.SubElement(proc, "respcondition", {"continue": "No"})
        alt = ET.SubElement(ET.SubElement(cond, "conditionvar"), "or")
        ET.SubElement(alt, "varequal", {"respident": "response1"}).text = _num(f.value)
        both = ET.SubElement(alt, "and")
        ET.SubElement(both, "vargte", {"respident": "response1"}).text = _num(f.value - f.tolerance)
        ET.SubElement(both, "varlte", {"respident": "response1"}).text = _num(f.value + f.tolerance)
        ET.SubElement(cond, "setvar", {"action": "Set", "varname": "SCORE"}).text = "100"
    else:
        boxes = "".join(f"<p><code>{p.name}</code>" + (f" {p.note}" if p.note else "") + "</p><p>"
                        + "<br/>".join(f"{f.label} = [{_blank(f.label)}]" for f in p.fields) + "</p>" for p in q.parts)
        _mattext(pres, q.prompt_html + "<p>Give each answer as a decimal (or as written in the exam, e.g. 3/4).</p>" + boxes)
        for f, weight in zip(q.fields, _percentages([f.points for f in q.fields])):
            blank = _blank(f.label)
            lid = ET.SubElement(pres, "response_lid", {"ident": f"response_{blank}"})
            _mattext(lid, blank, "text/plain")
            choice = ET.SubElement(lid, "render_choice")
            ids = []
            for k, text in enumerate(f.spellings):
                ids.append(_ident("", quiz, q.exam, q.slot, f.label, k)[:8])
                label = ET.SubElement(choice, "response_label", {"ident": ids[-1]})
                _mattext(label, text, "text/plain")
            for ident in ids:
                cond = ET.SubElement(proc, "respcondition")
                ET.SubElement(ET.SubElement(cond, "conditionvar"), "varequal",
                              {"respident": f"response_{blank}"}).text = ident
                ET.SubElement(cond, "setvar", {"varname": "SCORE", "action": "Add"}).text = weight
    if q.solution_html:
        fb = ET.SubElement(item, "itemfeedback", {"ident": "general_fb"})
        _mattext(ET.SubElement(fb, "flow_mat"), q.solution_html)
    return item
