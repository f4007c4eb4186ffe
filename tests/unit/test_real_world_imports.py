"""Files as Moodle and other systems write them (tests/unit/fixtures/real/): what is ready, a draft or left out."""
from __future__ import annotations

from pathlib import Path

import pytest

from quizapp.banks import BankInvalid, ReadResult, read_bank

REAL = Path(__file__).parent / "fixtures" / "real"
BOTH = "Needs an explanation; Needs a source"
UNSUPPORTED_XML = "questions are not supported; only multichoice, truefalse, matching and ordering can be imported"


def read(name: str, fmt: str, **options: object) -> ReadResult:
    """A fixture read as an admin preview reads it (unsupported types left out unless told otherwise)."""
    return read_bank((REAL / name).read_text(encoding="utf-8"), fmt, filename=name, bank_id="real", title="Real",
                     **{"skip_unsupported": True, **options})


def placed(errors: list) -> list[tuple[int | None, str]]:
    """(line, message) of each reported item."""
    return [(e.line, e.message) for e in errors]


def test_gift_in_the_style_of_moodles_examples() -> None:
    result = read("moodle-docs-style.gift", "gift")
    assert result.summary() == "real: 0 ready, 10 drafts (never drawn until completed), 5 left out"
    assert [q.type for q in result.bank.questions] == [
        "single", "single", "true_false", "single", "multiple", "true_false", "true_false", "matching", "single",
        "single"]
    assert placed(result.drafts) == [(line, BOTH) for line in (5, 8, 11, 20, 27, 35, 37, 42, 49, 52)]
    assert placed(result.skipped) == [
        (14, "short-answer questions (only = answers) are not supported"),
        (17, "numerical questions ({#...}) are not supported"),
        (55, "the answer weights (50 %, 30 %, 0 %) cannot be marked all-or-nothing: a single choice needs exactly "
             "one answer worth 100 %, multiple response positive weights adding up to 100 %"),
        (58, "essay questions ({}) are not supported"),
        (61, "a description (text with no answers) is not a question; it cannot be imported")]
    assert placed(result.notes) == [(52, "partial credit was dropped: only the answer worth 100 % is right, the "
                                         "answers with part marks count as wrong")]
    by_prompt = {q.prompt: q for q in result.bank.questions}
    html = by_prompt["Who should you tell first about a concern?"]
    assert [(o.text, o.correct) for o in html.options] == [
        ("A colleague", False), ("The designated safeguarding lead", True), ("The child's parents", False)]
    grooming = by_prompt["Which two of these are signs of grooming?"]
    assert [(o.correct, o.feedback) for o in grooming.options] == [
        (False, "Not a sign"), (True, "Yes"), (True, "Yes"), (False, "Not a sign")]
    two = by_prompt["Is a disclosure made by text message still a disclosure?"]
    assert [(o.text, o.correct) for o in two.options] == [("Yes", True), ("No", False)]
    assert two.tags == ["safeguarding", "online-safety"]  # from $CATEGORY: $course$/top/Safeguarding/Online safety


def test_gift_unsupported_types_stop_the_import_unless_left_out() -> None:
    with pytest.raises(BankInvalid) as caught:
        read("moodle-docs-style.gift", "gift", skip_unsupported=False)
    assert [e.line for e in caught.value.errors] == [14, 17, 55, 58, 61]


def test_moodle_xml_export_with_empty_general_feedback() -> None:
    result = read("moodle-export.xml", "moodle-xml")
    assert result.summary() == "real: 0 ready, 7 drafts (never drawn until completed), 5 left out"
    assert placed(result.drafts) == [(15, BOTH), (58, "Needs a source"), (97, BOTH), (122, BOTH), (139, BOTH),
                                     (165, BOTH), (185, "Needs a source")]
    assert [(e.line, e.question_id, e.message.split(" questions")[0]) for e in result.skipped] == [
        (202, "Who leads", "'shortanswer'"), (209, "How many days", "'numerical'"), (216, "Describe", "'essay'"),
        (222, "Cloze", "'cloze'"), (228, "Intro", "'description'")]
    assert all(e.message.endswith(UNSUPPORTED_XML) for e in result.skipped)
    assert [(n.line, n.question_id) for n in result.notes] == [(122, "Partial credit"), (139, "Terms"), (192, "Map")]
    assert result.notes[1].message == "1 extra answer with no item left out"
    assert result.notes[2].message == ("the embedded file 'policy.pdf' is not an image in the question text, so it "
                                       "was left out")


def test_moodle_xml_export_keeps_feedback_categories_pairs_and_images() -> None:
    questions = read("moodle-export.xml", "moodle-xml").bank.questions
    first, grooming, online, partial, terms, steps, map_question = questions
    assert first.prompt == "Who should you tell first about a concern?" and first.explanation == ""
    assert [(o.correct, o.feedback) for o in first.options] == [
        (True, "Right: tell the DSL straight away."), (False, "No: parents may be part of the concern.")]
    assert grooming.type == "multiple" and grooming.explanation == "Gifts and secrecy are both warning signs."
    assert (first.tags, online.tags) == (["safeguarding"], ["safeguarding", "online-safety"])
    assert [o.correct for o in partial.options] == [True, False, False]
    assert [(o.text, o.match) for o in terms.options] == [("DSL", "Designated safeguarding lead"),
                                                          ("LADO", "Local authority designated officer")]
    assert [o.text for o in steps.options] == ["Listen without judging", "Write down what was said",
                                               "Tell the DSL the same day"]
    (image,) = map_question.images
    assert (image.name, image.alt) == ("boundary map.png", "A map with a red line across it")
    assert map_question.prompt == "The red line on this map marks the school's boundary."


def test_standard_aiken_imports_as_drafts() -> None:
    result = read("standard-aiken.txt", "aiken")
    assert result.summary() == "real: 0 ready, 3 drafts (never drawn until completed), 0 left out"
    assert placed(result.drafts) == [(1, BOTH), (7, BOTH), (14, BOTH)]
    assert [[o.correct for o in q.options] for q in result.bank.questions] == [
        [True, False, False], [False, False, True, False], [False, True]]
