"""GIFT, Moodle XML and Aiken: each construct read, unsupported types reported, hostile XML refused, round trips."""
from __future__ import annotations

from pathlib import Path

import pytest

from quizapp.banks import (
    FORMATS,
    BankInvalid,
    BankSpec,
    OptionSpec,
    format_from_filename,
    load_bank_dir,
    load_bank_file,
    read_bank,
    write_bank,
)
from quizapp.banks.moodle_xml import parse_xml

FIXTURES = Path(__file__).parent / "fixtures"
SHIPPED = Path(__file__).resolve().parents[2] / "question_banks"
TRICKY = FIXTURES / "banks" / "tricky-characters.yaml"


def fixture(name: str) -> str:
    """A fixture file's text."""
    return (FIXTURES / name).read_text(encoding="utf-8")


def questions_by_id(bank: BankSpec) -> dict[str, tuple[str, str, list[tuple[str, bool]], str]]:
    """Each question as (type, prompt, options, explanation), by id."""
    return {q.id: (q.type, q.prompt, [(o.text, o.correct) for o in q.options], q.explanation)
            for q in bank.questions}


def read_gift(name: str = "sample.gift", **options: object) -> BankSpec:
    """A GIFT fixture read as a bank with id gift-test."""
    return read_bank(fixture(name), "gift", filename=name, bank_id="gift-test", title="GIFT test",
                     **options).bank


def raised(text: str, fmt: str, filename: str, **options: object) -> list[str]:
    """The errors (as text) read_bank raises."""
    with pytest.raises(BankInvalid) as caught:
        read_bank(text, fmt, filename=filename, **options)
    return [str(e) for e in caught.value.errors]


# --- the registry -----------------------------------------------------------------------------------------

@pytest.mark.parametrize(("name", "fmt"), [("bank.yaml", "yaml"), ("BANK.YML", "yaml"), ("q.gift", "gift"),
                                           ("export.xml", "moodle-xml"), ("aiken.txt", "aiken")])
def test_format_from_filename(name: str, fmt: str) -> None:
    assert format_from_filename(name) == fmt


def test_format_from_unknown_extension_is_a_clear_error() -> None:
    with pytest.raises(ValueError, match=r"Cannot tell the format of 'bank.docx'.*\.gift \(gift\)"):
        format_from_filename("bank.docx")


def test_unknown_format_name() -> None:
    bank = load_bank_file(TRICKY)
    with pytest.raises(ValueError, match="Unknown format 'qti'. Choose one of: yaml, gift, moodle-xml, aiken"):
        write_bank(bank, "qti")
    with pytest.raises(ValueError, match="Unknown format"):
        read_bank("", "csv", filename="x.csv")
    assert FORMATS == ("yaml", "gift", "moodle-xml", "aiken")


def test_read_yaml_through_the_registry_with_overrides() -> None:
    result = read_bank(TRICKY.read_text(encoding="utf-8"), "yaml", filename=TRICKY.name, bank_id="renamed",
                       title="Renamed")
    assert (result.bank.id, result.bank.title, result.skipped) == ("renamed", "Renamed", [])
    assert result.bank.questions == load_bank_file(TRICKY).questions


# --- GIFT -------------------------------------------------------------------------------------------------

def test_gift_single_choice_with_names_comments_and_feedback() -> None:
    bank = read_gift()
    assert questions_by_id(bank)["gift-single"] == (
        "single", "Who should you tell first about a safeguarding concern?",
        [("The Designated Safeguarding Lead", True), ("A colleague in the staff room", False),
         ("Nobody, until you are certain", False)],
        "Tell the DSL straight away; you do not need to be certain.")  # per-answer #feedback is dropped


def test_gift_name_that_is_not_a_slug_gets_a_numbered_id() -> None:
    assert [q.id for q in read_gift().questions] == [
        "gift-single", "gift-test-002", "gift-tf-true", "gift-tf-words", "gift-tf-false", "gift-multi",
        "gift-escapes", "gift-test-008"]


def test_gift_html_prefix_is_turned_into_plain_text() -> None:
    kind, prompt, options, explanation = questions_by_id(read_gift())["gift-test-002"]
    assert prompt == "Is it safe to promise a pupil you will keep a secret?"
    assert explanation == "You cannot promise secrecy & must pass concerns on."
    assert (kind, options) == ("true_false", [("True", False), ("False", True)])  # {F#wrong#right}


@pytest.mark.parametrize(("qid", "truth"), [("gift-tf-true", True), ("gift-tf-words", True),
                                            ("gift-tf-false", False)])
def test_gift_true_false_forms(qid: str, truth: bool) -> None:
    kind, _, options, _ = questions_by_id(read_gift())[qid]
    assert (kind, options) == ("true_false", [("True", truth), ("False", not truth)])


def test_gift_weights_make_a_multiple_response_question() -> None:
    kind, _, options, explanation = questions_by_id(read_gift())["gift-multi"]
    assert kind == "multiple"
    assert options == [("Unexplained money or gifts", True), ("Going missing from home", True),
                       ("Joining the school choir", False)]
    assert explanation == "Unexplained money and going missing are both warning signs."


def test_gift_escapes_and_line_breaks() -> None:
    _, prompt, options, explanation = questions_by_id(read_gift())["gift-escapes"]
    assert prompt == "Is 2 + 2 = 4 written as {sum}: yes ~ no # maybe?\nSecond line."
    assert options == [("Yes = right", True), ("No ~ wrong", False), ("Back\\slash", False)]
    assert explanation == "Escapes # { } : are kept."


def test_gift_missing_word_form_and_category_lines() -> None:
    bank = read_gift()
    assert questions_by_id(bank)["gift-test-008"][1] == "The DSL should be told _____ about a concern."
    assert all("CATEGORY" not in q.prompt for q in bank.questions)


def test_gift_without_sources_gets_one_imported_source() -> None:
    bank = read_gift()
    assert [(s.id, s.title) for s in bank.sources] == [("imported", "Imported from sample.gift")]
    assert {q.source for q in bank.questions} == {"imported"}
    assert (bank.id, bank.title, bank.learning) == ("gift-test", "GIFT test", "")


def test_gift_unsupported_types_are_errors_with_their_lines() -> None:
    errors = raised(fixture("unsupported.gift"), "gift", "unsupported.gift")
    assert errors == [
        "unsupported.gift:4: essay-q: essay questions ({}) are not supported",
        "unsupported.gift:8: numeric-q: numerical questions ({#...}) are not supported",
        "unsupported.gift:10: short-q: short-answer questions (only = answers) are not supported",
    ]


def test_gift_skip_unsupported_imports_the_rest() -> None:
    result = read_bank(fixture("unsupported.gift"), "gift", filename="unsupported.gift", skip_unsupported=True)
    assert [q.id for q in result.bank.questions] == ["ok-one", "match-q", "no-feedback", "ok-two"]
    assert [(e.line, e.question_id) for e in result.skipped] == [(4, "essay-q"), (8, "numeric-q"), (10, "short-q")]
    assert result.bank.id == "unsupported"  # from the file name when no --bank-id is given


def test_gift_without_general_feedback_or_source_is_a_draft_on_its_line() -> None:
    result = read_bank(fixture("unsupported.gift"), "gift", filename="unsupported.gift", skip_unsupported=True)
    assert [str(e) for e in result.drafts] == [
        "unsupported.gift:2: ok-one: Needs a source",
        "unsupported.gift:6: match-q: Needs an explanation; Needs a source",
        "unsupported.gift:12: no-feedback: Needs an explanation; Needs a source",
        "unsupported.gift:14: ok-two: Needs a source"]
    assert (result.ready_count, result.bank.questions[2].explanation) == (0, "")
    assert result.summary() == "unsupported: 0 ready, 4 drafts (never drawn until completed), 3 left out"


def test_gift_broken_braces_and_bad_options_are_reported() -> None:
    text = "::a::Missing a brace {=Right ~Wrong ~Also####x\n\n::b::Twice.{=Right ~right####x}\n"
    assert raised(text, "gift", "bad.gift") == [
        "bad.gift:1: a: the answers must be inside { and }: a brace is missing",
        "bad.gift:3: b: option 2 repeats option 1 ('right')",
    ]


def test_gift_export_escapes_special_characters() -> None:
    text = write_bank(load_bank_file(TRICKY), "gift")
    assert "::tricky-001::[plain]Which of these uses GIFT's special characters \\~ \\= \\# \\{ \\} \\: in one line?{" \
        in text
    assert "\t=a \\~ b \\= c \\# d \\{ e \\} f \\: g" in text
    assert "\t~%0%%50% of pupils" in text  # a leading %50% must not read as a weight
    assert "\t~%50%Zoë" in text and "\t~%-50%Plain Sam" in text
    assert "A line break\\nis kept" in text
    assert '// quizapp-source: {"id": "test-source"' in text


# --- Moodle XML -------------------------------------------------------------------------------------------

def read_xml(**options: object) -> BankSpec:
    """sample.xml read with the essay skipped and the last question given its missing feedback."""
    text = fixture("sample.xml").replace('<answer fraction="100"><text>Right</text>',
                                         '<generalfeedback><text>Fixed.</text></generalfeedback>'
                                         '<answer fraction="100"><text>Right</text>')
    return read_bank(text, "moodle-xml", filename="sample.xml", skip_unsupported=True, **options).bank


def test_xml_multichoice_single_with_cdata_html() -> None:
    assert questions_by_id(read_xml())["xml-single"] == (
        "single", "Who is the first person to tell & when?",
        [("The DSL", True), ("A friend", False), ("Nobody", False)], "The DSL, straight away.")


def test_xml_multichoice_multiple_uses_idnumber_fractions_and_tags() -> None:
    bank = read_xml()
    assert questions_by_id(bank)["xml-multiple"] == (
        "multiple", "Which are warning signs? Use <care> & judgement.",
        [("Unexplained money", True), ("Going missing", True), ("Joining a club", False)],
        "Money and going missing are signs.")
    assert next(q for q in bank.questions if q.id == "xml-multiple").tags == ["signs", "county-lines", "safeguarding"]


def test_xml_truefalse_and_moodle_auto_format() -> None:
    assert questions_by_id(read_xml())["xml-tf"] == (
        "true_false", "Staff must read\nPart 1 of KCSIE.", [("True", True), ("False", False)], "All staff must.")


def test_xml_unsupported_types_have_lines() -> None:
    errors = raised(fixture("sample.xml"), "moodle-xml", "sample.xml")
    assert errors == [
        "sample.xml:40: xml-essay: 'essay' questions are not supported; only multichoice, truefalse, matching and "
        "ordering can be imported",
    ]
    result = read_bank(fixture("sample.xml"), "moodle-xml", filename="sample.xml", skip_unsupported=True)
    assert [str(e) for e in result.skipped] == [errors[0]]
    assert len(result.bank.questions) == 4
    assert "sample.xml:44: xml-no-feedback: Needs an explanation; Needs a source" in [str(e) for e in result.drafts]


@pytest.mark.parametrize("name", ["xxe.xml", "billion-laughs.xml"])
def test_xml_with_a_doctype_is_refused(name: str) -> None:
    assert raised(fixture(name), "moodle-xml", name) == [
        f"{name}:2: the file declares a DOCTYPE or entities, which are refused for safety"]


def test_xml_that_is_not_well_formed_names_its_line() -> None:
    text = "<quiz>\n<question type=\"multichoice\">\n<name><text>x</name>\n</quiz>\n"
    assert raised(text, "moodle-xml", "bad.xml") == ["bad.xml:3: the XML is not well formed: mismatched tag"]
    assert raised("<questions/>", "moodle-xml", "bad.xml") == ["bad.xml:1: a Moodle XML file must have a <quiz> root"]


def test_xml_bad_fraction_is_reported() -> None:
    text = fixture("sample.xml").replace('fraction="-100"', 'fraction="lots"')
    assert "sample.xml:29: xml-multiple: answer fraction 'lots' is not a number" in raised(
        text, "moodle-xml", "sample.xml", skip_unsupported=True)


def test_xml_export_is_what_moodle_imports() -> None:
    bank = load_bank_file(TRICKY)
    quiz = parse_xml(write_bank(bank, "moodle-xml")).find("quiz")
    assert quiz is not None
    questions = [q for q in quiz.children if q.tag == "question" and q.attrs["type"] != "category"]
    assert [q.attrs["type"] for q in questions] == ["multichoice", "multichoice", "truefalse"]
    single, multiple, truefalse = questions
    assert (single.text("single"), multiple.text("single")) == ("true", "false")
    assert [a.attrs["fraction"] for a in single.children if a.tag == "answer"] == ["100", "0", "0"]
    assert [a.attrs["fraction"] for a in multiple.children if a.tag == "answer"] == ["50", "50", "-50", "-50"]
    assert [a.text("text") for a in truefalse.children if a.tag == "answer"] == ["true", "false"]
    assert multiple.find("questiontext").attrs["format"] == "plain_text"
    assert multiple.text("answer", "text") == "Zoë"
    assert "A CDATA end ]]> inside text" in [a.text("text") for a in multiple.children if a.tag == "answer"]
    assert single.text("generalfeedback", "text") == bank.questions[0].explanation
    assert single.text("idnumber") == "tricky-001"


def test_xml_export_fractions_for_three_right_answers() -> None:
    bank = load_bank_file(TRICKY)
    question = bank.questions[1].model_copy(update={"options": [
        o.model_copy(update={"correct": True}) if o.text == "Plain Sam" else o for o in bank.questions[1].options]})
    quiz = parse_xml(write_bank(bank.model_copy(update={"questions": [question]}), "moodle-xml")).find("quiz")
    answers = [a.attrs["fraction"] for a in quiz.children[-1].children if a.tag == "answer"]
    assert answers == ["33.33333", "33.33333", "33.33333", "-100"]


# --- Aiken ------------------------------------------------------------------------------------------------

def test_aiken_with_explanation_lines() -> None:
    text = fixture("sample.txt").replace("ANSWER: C\n", "ANSWER: C\nEXPLANATION: The enhanced check.\n")
    bank = read_bank(text, "aiken", filename="sample.txt", bank_id="aiken-test", title="Aiken").bank
    assert questions_by_id(bank) == {
        "aiken-test-001": ("single", "Who should you tell first about a safeguarding concern?",
                           [("The Designated Safeguarding Lead", True), ("A colleague in the staff room", False),
                            ("Nobody, until you are certain", False)],
                           "Tell the DSL straight away; you do not need to be certain."),
        "aiken-test-002": ("true_false", "Can you promise a pupil to keep a secret?",
                           [("True", False), ("False", True)], "You must pass concerns on."),
        "aiken-test-003": ("single", "Which of these is a barred-list check part of?",
                           [("Basic DBS check", False), ("Standard DBS check", False),
                            ("Enhanced DBS check with barred list(s)", True)], "The enhanced check."),
    }


def test_aiken_without_explanation_is_a_draft_on_its_line() -> None:
    result = read_bank(fixture("sample.txt"), "aiken", filename="sample.txt", bank_id="aiken-test")
    assert [str(e) for e in result.drafts][-1] == "sample.txt:14: aiken-test-003: Needs an explanation; Needs a source"


def test_aiken_answer_and_option_mistakes() -> None:
    text = "Q one?\nA. a\nC. b\nB. c\nANSWER: B\nEXPLANATION: x\n\nQ two?\nA. a\nB. b\nC. c\nANSWER: D\n\nQ three?\n"
    assert raised(text, "aiken", "bad.txt") == [
        "bad.txt:3: expected option B, found C",
        "bad.txt:4: expected option C, found B",
        "bad.txt:12: 'ANSWER: D' does not name one of the options",
        "bad.txt:14: a question needs options (A. ..., B. ...) and then an 'ANSWER:' line",
    ]


def test_aiken_export_is_standard_aiken() -> None:
    bank = load_bank_file(TRICKY)
    singles = bank.model_copy(update={"questions": [q for q in bank.questions if q.type != "multiple"]})
    text = write_bank(singles, "aiken")
    assert text == (
        "Which of these uses GIFT's special characters ~ = # { } : in one line?\n"
        "A. a ~ b = c # d { e } f : g\nB. %50% of pupils\nC. A backslash \\ on its own\nANSWER: A\n\n"
        "A line break is kept in a prompt, and so is a colon: like this.\nA. True\nB. False\nANSWER: A\n")
    # Aiken has no explanations, so reading it back gives drafts unless our EXPLANATION: lines are added.
    assert [(e.line, e.message) for e in read_bank(text, "aiken", filename="t.txt").drafts] == [
        (1, "Needs an explanation; Needs a source"), (7, "Needs an explanation; Needs a source")]
    explained = text.replace("ANSWER: A\n", "ANSWER: A\nEXPLANATION: Why.\n")
    back = read_bank(explained, "aiken", filename="t.txt").bank
    assert [[(o.text, o.correct) for o in q.options] for q in back.questions] == [
        [(o.text, o.correct) for o in q.options] for q in singles.questions]
    assert [q.type for q in back.questions] == ["single", "true_false"]


def test_aiken_export_refuses_multiple_response_naming_them() -> None:
    with pytest.raises(ValueError, match="cannot be exported: tricky-002. Export as GIFT or Moodle XML instead"):
        write_bank(load_bank_file(TRICKY), "aiken")


# --- round trips ------------------------------------------------------------------------------------------

def shipped_and_tricky() -> list[BankSpec]:
    """Every shipped bank, plus the tricky-characters fixture."""
    return [*load_bank_dir(SHIPPED), load_bank_file(TRICKY)]


@pytest.mark.parametrize("fmt", ["gift", "moodle-xml"])
def test_round_trip_keeps_everything_but_the_learning_page(fmt: str) -> None:
    banks = shipped_and_tricky()
    assert len(banks) >= 2
    for bank in banks:
        back = read_bank(write_bank(bank, fmt), fmt, filename=f"{bank.id}.export").bank
        assert back.questions == bank.questions, bank.id  # ids, prompts, options, explanations, sources, tags
        assert back.sources == bank.sources, bank.id
        assert (back.id, back.title, back.edition, back.summary) == (bank.id, bank.title, bank.edition, bank.summary)
        assert back.learning == ""
        restored = read_bank(write_bank(back.model_copy(update={"learning": bank.learning}), "yaml"), "yaml",
                             filename=f"{bank.id}.yaml").bank
        assert restored == bank, bank.id


def test_export_without_quizapp_comments_still_imports() -> None:
    bank = load_bank_file(TRICKY)
    text = "\n".join(line for line in write_bank(bank, "gift").splitlines() if not line.startswith("//"))
    back = read_bank(text, "gift", filename="plain.gift").bank
    assert [q.id for q in back.questions] == [q.id for q in bank.questions]  # the ::names:: keep the ids
    assert {q.source for q in back.questions} == {"imported"}


# --- two options and partial credit -----------------------------------------------------------------------

WEIGHTED = """::two::Is this a safeguarding concern?{=Yes ~No####It is.}

::partial::Who do you tell first?{=The DSL ~%50%The deputy DSL ~Nobody####The DSL.}

::hundred::Who leads on safeguarding?{~%100%The DSL ~The bursar ~The caretaker####The DSL.}

::shared::Which are signs of grooming?{~%50%Gifts ~%50%Secrecy ~%-100%A school trip####Both.}

::uneven::Which are signs?{~%50%Gifts ~%30%Secrecy ~A school trip####Both.}
"""


def test_gift_two_options_and_partial_credit_weights() -> None:
    result = read_bank(WEIGHTED, "gift", filename="w.gift", skip_unsupported=True)
    got = questions_by_id(result.bank)
    assert got["two"][:3] == ("single", "Is this a safeguarding concern?", [("Yes", True), ("No", False)])
    assert got["partial"][2] == [("The DSL", True), ("The deputy DSL", False), ("Nobody", False)]
    assert got["hundred"][0] == "single" and got["hundred"][2][0] == ("The DSL", True)
    assert got["shared"][:1] + (got["shared"][2],) == (
        "multiple", [("Gifts", True), ("Secrecy", True), ("A school trip", False)])
    assert [str(n) for n in result.notes] == [
        "w.gift:3: partial: partial credit was dropped: only the answer worth 100 % is right, the answers with part "
        "marks count as wrong"]
    assert [str(e) for e in result.skipped] == [
        "w.gift:9: uneven: the answer weights (50 %, 30 %, 0 %) cannot be marked all-or-nothing: a single choice "
        "needs exactly one answer worth 100 %, multiple response positive weights adding up to 100 %"]


def test_xml_fractions_as_partial_credit() -> None:
    question = ('<question type="multichoice"><name><text>{name}</text></name><questiontext><text>Pick</text>'
                '</questiontext><single>{single}</single>{answers}</question>')
    answers = "".join(f'<answer fraction="{f}"><text>{t}</text></answer>' for f, t in
                      (("100", "Right"), ("50", "Half"), ("0", "Wrong")))
    bad = "".join(f'<answer fraction="{f}"><text>{t}</text></answer>' for f, t in (("100", "A"), ("100", "B"),
                                                                                      ("0", "C")))
    text = ("<quiz>" + question.format(name="half", single="true", answers=answers)
            + question.format(name="both", single="true", answers=bad) + "</quiz>")
    result = read_bank(text, "moodle-xml", filename="p.xml", skip_unsupported=True)
    assert questions_by_id(result.bank)["half"][2] == [("Right", True), ("Half", False), ("Wrong", False)]
    assert [n.question_id for n in result.notes] == ["half"]
    assert [(e.line, e.question_id) for e in result.skipped] == [(1, "both")]
    assert "cannot be marked all-or-nothing" in result.skipped[0].message


# --- per-answer feedback ----------------------------------------------------------------------------------

def _feedback(bank: BankSpec) -> dict[str, list[tuple[str, str]]]:
    return {q.id: [(o.text, o.feedback) for o in q.options] for q in bank.questions}


def test_gift_per_answer_feedback_is_kept() -> None:
    text = ("::fb::Who do you tell?{=The DSL#Right: at once. ~A friend#No: they cannot act.####Tell the DSL.}\n\n"
            "::tf::You may promise secrecy.{F#You cannot keep that promise.#Right: never promise.####Never.}\n")
    bank = read_bank(text, "gift", filename="fb.gift").bank
    assert _feedback(bank) == {"fb": [("The DSL", "Right: at once."), ("A friend", "No: they cannot act.")],
                               "tf": [("True", "You cannot keep that promise."), ("False", "Right: never promise.")]}
    assert bank.questions[0].explanation == "Tell the DSL."


def test_xml_answer_feedback_is_kept() -> None:
    text = ('<quiz><question type="multichoice"><name><text>fb</text></name><questiontext format="html"><text>'
            '<![CDATA[<p>Who?</p>]]></text></questiontext><generalfeedback format="html"><text>'
            '<![CDATA[<p>The DSL.</p>]]></text></generalfeedback>'
            '<answer fraction="100" format="html"><text>The DSL</text><feedback format="html"><text>'
            '<![CDATA[<p>Yes, <b>at once</b>.</p>]]></text></feedback></answer>'
            '<answer fraction="0"><text>A friend</text><feedback><text></text></feedback></answer>'
            "</question></quiz>")
    bank = read_bank(text, "moodle-xml", filename="fb.xml").bank
    assert _feedback(bank) == {"fb": [("The DSL", "Yes, at once."), ("A friend", "")]}
    assert bank.questions[0].explanation == "The DSL."


@pytest.mark.parametrize("fmt", ["yaml", "gift", "moodle-xml"])
def test_per_answer_feedback_round_trips(fmt: str) -> None:
    bank = load_bank_file(TRICKY)
    first, second = bank.questions[0], bank.questions[1]
    given = [o.model_copy(update={"feedback": f"Because {i}: # ~ {{ }}"}) for i, o in enumerate(first.options)]
    tf = next(q for q in bank.questions if q.type == "true_false")
    tf_given = [o.model_copy(update={"feedback": "Said " + o.text}) for o in tf.options]
    questions = [first.model_copy(update={"options": given}), second,
                 tf.model_copy(update={"options": tf_given})]
    changed = bank.model_copy(update={"questions": questions})
    back = read_bank(write_bank(changed, fmt), fmt, filename=f"t.{fmt}").bank
    assert back.questions == changed.questions
    assert back.questions[0].content_hash() != first.content_hash()
    assert second.content_hash() == load_bank_file(TRICKY).questions[1].content_hash()


# --- categories, text formats and sanitised HTML ----------------------------------------------------------

def test_categories_become_tags_on_the_questions_that_follow() -> None:
    gift = ("$CATEGORY: $course$/top/Online safety/Sextortion\n\n::a::One?{=Yes ~No####Y.}\n\n"
            "$CATEGORY: $course$/top/Default for Year 7//8/Neglect\n\n::b::Two?{=Yes ~No####Y.}\n")
    assert [q.tags for q in read_bank(gift, "gift", filename="c.gift").bank.questions] == [
        ["online-safety", "sextortion"], ["neglect"]]
    xml = ('<quiz><question type="category"><category><text>$course$/top/Safeguarding/County lines</text>'
           '</category></question><question type="truefalse"><name><text>t</text></name><questiontext>'
           '<text>Is it?</text></questiontext><answer fraction="100"><text>true</text></answer>'
           '<answer fraction="0"><text>false</text></answer><tags><tag><text>Signs</text></tag></tags></question>'
           "</quiz>")
    assert read_bank(xml, "moodle-xml", filename="c.xml").bank.questions[0].tags == [
        "signs", "safeguarding", "county-lines"]


@pytest.mark.parametrize(("marker", "expected"), [
    ("[html]", "Who is first & why?"), ("[markdown]", "Who is **first** & why?"),
    ("[plain]", "Who is <b>first</b> &amp; why?")])
def test_gift_text_formats(marker: str, expected: str) -> None:
    raw = {"[markdown]": "Who is **first** & why?"}.get(marker, "Who is <b>first</b> &amp; why?")
    text = f"::f::{marker}{raw}{{=The DSL ~Nobody####x}}\n"
    assert read_bank(text, "gift", filename="f.gift").bank.questions[0].prompt == expected


@pytest.mark.parametrize(("fmt", "expected"), [
    ("html", "Line one Line two\n\nSafe"), ("moodle_auto_format", "Line one\nLine two\n\nSafe"),
    ("plain_text", "Line one\nLine two <p onclick=\"x()\">Safe</p><script>alert(1)</script>"),
    ("markdown", "Line one\nLine two <p onclick=\"x()\">Safe</p><script>alert(1)</script>")])
def test_xml_text_formats_and_html_is_sanitised(fmt: str, expected: str) -> None:
    body = 'Line one\nLine two <p onclick="x()">Safe</p><script>alert(1)</script>'
    xml = (f'<quiz><question type="truefalse"><name><text>t</text></name><questiontext format="{fmt}">'
           f"<text><![CDATA[{body}]]></text></questiontext><answer fraction=\"100\"><text>true</text></answer>"
           '<answer fraction="0"><text>false</text></answer></question></quiz>')
    assert read_bank(xml, "moodle-xml", filename="f.xml").bank.questions[0].prompt == expected


def test_sanitiser_keeps_only_the_allow_list() -> None:
    from quizapp.banks.html import sanitise

    dirty = ('<p style="x" onclick="y">Hi <a href="javascript:alert(1)">link</a><iframe src="https://e.org">'
             '</iframe><img src="javascript:x" alt="A"><img src="@@PLUGINFILE@@/m.png" alt="Map" onerror="z">'
             "<script>bad()</script></p>")
    assert sanitise(dirty) == '<p>Hi link<img alt="A"><img src="@@PLUGINFILE@@/m.png" alt="Map"></p>'


# --- matching and ordering --------------------------------------------------------------------------------

def _paired_bank() -> BankSpec:
    bank = load_bank_file(TRICKY)
    base = bank.questions[0]
    matching = base.model_copy(update={"id": "match-1", "type": "matching", "options": [
        OptionSpec(text="DSL", match="Designated safeguarding lead"),
        OptionSpec(text="LADO", match="Local authority designated officer"),
        OptionSpec(text="KCSIE", match="Keeping children safe in education")]})
    ordering = base.model_copy(update={"id": "order-1", "type": "ordering", "prompt": "Put these steps in order.",
                                       "options": [OptionSpec(text="Listen"), OptionSpec(text="Reassure"),
                                                   OptionSpec(text="Record"), OptionSpec(text="Tell the DSL")]})
    return bank.model_copy(update={"questions": [*bank.questions, matching, ordering]})


@pytest.mark.parametrize("fmt", ["yaml", "gift", "moodle-xml"])
def test_matching_and_ordering_round_trip(fmt: str) -> None:
    bank = _paired_bank()
    if fmt == "gift":  # GIFT has matching but no ordering
        with pytest.raises(ValueError, match="GIFT has no ordering questions.*order-1"):
            write_bank(bank, fmt)
        bank = bank.model_copy(update={"questions": bank.questions[:-1]})
    back = read_bank(write_bank(bank, fmt), fmt, filename=f"p.{fmt}").bank
    assert back.questions == bank.questions


def test_gift_matching_reads_pairs() -> None:
    result = read_bank(fixture("unsupported.gift"), "gift", filename="u.gift", skip_unsupported=True)
    match = next(q for q in result.bank.questions if q.id == "match-q")
    assert (match.type, [(o.text, o.match) for o in match.options]) == ("matching", [
        ("DSL", "Designated Safeguarding Lead"), ("LADO", "Local Authority Designated Officer")])


def test_xml_matching_and_ordering_as_moodle_writes_them() -> None:
    text = ('<quiz><question type="matching"><name><text>m</text></name><questiontext format="html"><text>'
            "Match them</text></questiontext><shuffleanswers>true</shuffleanswers>"
            '<subquestion format="html"><text><![CDATA[<p>DSL</p>]]></text><answer><text>Lead</text></answer>'
            '</subquestion><subquestion format="html"><text>LADO</text><answer><text>Officer</text></answer>'
            '</subquestion><subquestion format="html"><text></text><answer><text>Caretaker</text></answer>'
            '</subquestion></question><question type="ordering"><name><text>o</text></name><questiontext>'
            "<text>Order them</text></questiontext><layouttype>VERTICAL</layouttype><selecttype>ALL</selecttype>"
            '<answer fraction="2"><text>Second</text></answer><answer fraction="1"><text>First</text></answer>'
            '<answer fraction="3"><text>Third</text></answer></question></quiz>')
    result = read_bank(text, "moodle-xml", filename="p.xml")
    m, o = result.bank.questions
    assert [(x.text, x.match) for x in m.options] == [("DSL", "Lead"), ("LADO", "Officer")]
    assert [x.text for x in o.options] == ["First", "Second", "Third"]
    assert [str(n) for n in result.notes] == ["p.xml:1: m: 1 extra answer with no item left out"]


def test_matching_needs_a_match_on_every_option() -> None:
    text = "::m::Match{=DSL -> Lead =LADO -> }\n"
    assert raised(text, "gift", "m.gift") == ["m.gift:1: m: option 2 needs a match (the answer that goes with it)"]


# --- limits -----------------------------------------------------------------------------------------------

def test_file_size_and_question_count_limits_have_plain_messages() -> None:
    from quizapp.banks import formats

    big = "// " + "x" * formats.MAX_FILE_BYTES + "\n"
    assert raised(big, "gift", "big.gift") == [
        "big.gift: the file is 5.0 MB; at most 5 MB can be imported at once. Split it into smaller files."]
    many = "\n\n".join(f"::q{n}::Q {n}?{{T####Yes.}}" for n in range(formats.MAX_QUESTIONS + 1))
    assert raised(many, "gift", "many.gift") == [
        "many.gift: the file has 2001 questions; at most 2000 can be imported at once. Split it into smaller files."]


# --- embedded images ---------------------------------------------------------------------------------------

def png_base64(width: int = 4, height: int = 3, fmt: str = "PNG") -> str:
    """A small image file, base64-encoded as Moodle embeds it."""
    import base64
    import io

    from PIL import Image

    out = io.BytesIO()
    Image.new("RGB", (width, height), "navy").save(out, fmt)
    return base64.b64encode(out.getvalue()).decode()


def image_question(name: str, files: str, img: str = '<img src="@@PLUGINFILE@@/map%20one.png" alt="A map">') -> str:
    """A Moodle XML truefalse question whose HTML text shows an image, with the given <file> elements."""
    return (f'<question type="truefalse"><name><text>{name}</text></name><questiontext format="html"><text>'
            f"<![CDATA[<p>Is the marked school in the map?</p>{img}]]></text>\n{files}</questiontext>"
            '<answer fraction="100"><text>true</text></answer><answer fraction="0"><text>false</text></answer>'
            "</question>")


def test_xml_embedded_image_is_checked_reencoded_and_kept_with_its_alt_text() -> None:
    import base64

    jpeg = png_base64(fmt="JPEG")
    text = "<quiz>" + image_question("img", f'<file name="map one.png" path="/" encoding="base64">{jpeg}</file>') \
        + "</quiz>"
    result = read_bank(text, "moodle-xml", filename="i.xml")
    (image,) = result.bank.questions[0].images
    assert (image.name, image.alt) == ("map one.png", "A map")
    assert base64.b64decode(image.data).startswith(b"\x89PNG")  # re-encoded, never the bytes as given
    assert result.bank.questions[0].prompt == "Is the marked school in the map?"
    learned = result.bank.model_copy(update={"learning": load_bank_file(TRICKY).learning})
    back = read_bank(write_bank(learned, "yaml"), "yaml", filename="i.yaml").bank
    assert back.questions[0].images == result.bank.questions[0].images


def test_xml_bad_images_and_other_files_are_reported_on_their_lines() -> None:
    huge = "A" * (4 * 1024 * 1024)  # 3 MB once decoded
    text = "\n".join(["<quiz>",
                      image_question("fake", '<file name="map one.png" encoding="base64">aGVsbG8=</file>'),
                      image_question("huge", f'<file name="map one.png" encoding="base64">{huge}</file>'),
                      image_question("pdf", f'<file name="map one.png" encoding="base64">{png_base64()}</file>\n'
                                            '<file name="policy.pdf" encoding="base64">JVBERi0=</file>',
                                     img='<img src="@@PLUGINFILE@@/map%20one.png">'),
                      "</quiz>"])
    result = read_bank(text, "moodle-xml", filename="b.xml", skip_unsupported=True)
    assert [str(e) for e in result.skipped] == [
        "b.xml:3: fake: the embedded file 'map one.png' is not an image that can be read",
        "b.xml:5: huge: the image 'map one.png' is 3.0 MB; images can be at most 2 MB"]
    assert [str(n) for n in result.notes] == [
        "b.xml:7: pdf: the image 'map one.png' has no alternative text: add one before the bank goes live",
        "b.xml:8: pdf: the embedded file 'policy.pdf' is not an image in the question text, so it was left out"]
    assert [q.id for q in result.bank.questions] == ["pdf"]


def test_images_round_trip_through_moodle_xml() -> None:
    text = "<quiz>" + image_question("img", f'<file name="map one.png" encoding="base64">{png_base64()}</file>') \
        + "</quiz>"
    bank = read_bank(text, "moodle-xml", filename="i.xml").bank
    back = read_bank(write_bank(bank, "moodle-xml"), "moodle-xml", filename="i.xml").bank
    assert back.questions == bank.questions and back.questions[0].images[0].alt == "A map"


def test_gift_html_image_is_reported_as_left_out() -> None:
    text = '::p::[html]<p>Is this the school?</p><img src="@@PLUGINFILE@@/a.png" alt="A school">{T####Yes.}\n'
    result = read_bank(text, "gift", filename="p.gift")
    assert result.bank.questions[0].images == []
    assert [str(n) for n in result.notes] == [
        "p.gift:1: p: the question's image was left out: GIFT files cannot hold images (export as Moodle XML)"]
