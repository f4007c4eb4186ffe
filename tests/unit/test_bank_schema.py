"""The bank schema and YAML loader: every rule, its plain message and the line it names."""
from __future__ import annotations

import copy
from datetime import date
from pathlib import Path
from typing import Any

import pytest
import yaml
from pydantic import ValidationError

from quizapp.banks import (
    BankError,
    BankInvalid,
    BankSpec,
    OptionSpec,
    QuestionSpec,
    SourceSpec,
    dump_bank_yaml,
    load_bank_dir,
    load_bank_file,
    load_bank_text,
)

FIXTURES = Path(__file__).parent / "fixtures"
SHIPPED = Path(__file__).resolve().parents[2] / "question_banks"
LEARNING = "Staff read this page before the quiz. " * 50  # 350 words
SLUG_RULE = "must be lower-case letters, digits and single hyphens (at most 80 characters)"

BANK: dict[str, Any] = {
    "id": "test-bank", "title": "Test bank", "edition": "2025-03", "summary": "A bank for tests.",
    "learning": LEARNING,
    "sources": [{"id": "src-a", "title": "Source A", "url": "https://example.org/a"}, {"id": "src-b", "title": "B"}],
    "questions": [
        {"id": "q-001", "type": "single", "prompt": "Pick one.",
         "options": [{"text": "Right", "correct": True}, {"text": "Wrong"}, {"text": "Also wrong"}],
         "explanation": "Because.", "source": "src-a", "tags": ["basics"]},
        {"id": "q-002", "type": "multiple", "prompt": "Pick some.",
         "options": [{"text": "Yes", "correct": True}, {"text": "Also yes", "correct": True}, {"text": "No"}],
         "explanation": "Two are right.", "source": "src-b"},
        {"id": "q-003", "type": "true_false", "prompt": "This is true.",
         "options": [{"text": "True", "correct": True}, {"text": "False"}],
         "explanation": "It is.", "source": "src-a"},
    ],
}


def bank_data(**changes: Any) -> dict[str, Any]:
    """A deep copy of the valid bank with top-level changes."""
    return {**copy.deepcopy(BANK), **changes}


def to_yaml(data: Any) -> str:
    """Plain YAML for a test bank."""
    return yaml.safe_dump(data, sort_keys=False, allow_unicode=True, width=1000)


def line_of(text: str, needle: str, occurrence: int = 1) -> int:
    """The 1-based line of the nth occurrence of needle in text."""
    index = -1
    for _ in range(occurrence):
        index = text.index(needle, index + 1)
    return text.count("\n", 0, index) + 1


def errors_for(text: str, filename: str = "test-bank.yaml") -> list[BankError]:
    """The errors load_bank_text raises for text (fails the test if it loads)."""
    with pytest.raises(BankInvalid) as caught:
        load_bank_text(text, filename)
    return caught.value.errors


def one_error(text: str) -> BankError:
    """The single error text has."""
    errors = errors_for(text)
    assert len(errors) == 1, [str(e) for e in errors]
    return errors[0]


def with_question(index: int, **changes: Any) -> dict[str, Any]:
    """The valid bank with one question changed."""
    data = bank_data()
    data["questions"][index].update(changes)
    return data


def test_valid_bank_loads() -> None:
    bank = load_bank_text(to_yaml(BANK), "test-bank.yaml")
    assert bank.id == "test-bank"
    assert [q.type for q in bank.questions] == ["single", "multiple", "true_false"]
    assert bank.questions[0].options[1].correct is False  # correct defaults to false
    assert bank.source("src-b").title == "B"


def test_shipped_banks_all_validate() -> None:
    banks = load_bank_dir(SHIPPED)
    assert len(banks) == len(list(SHIPPED.glob("*.yaml"))) >= 1
    assert all(len(bank.questions) >= 1 for bank in banks)


def test_single_needs_exactly_one_correct_option_at_its_line() -> None:
    data = with_question(0, options=[{"text": "A", "correct": True}, {"text": "B", "correct": True}, {"text": "C"}])
    text = to_yaml(data)
    error = one_error(text)
    assert error.message == "single needs exactly one correct option (found 2)"
    assert error.question_id == "q-001"
    assert error.line == line_of(text, "options:")
    assert str(error) == f"test-bank.yaml:{error.line}: q-001: single needs exactly one correct option (found 2)"


@pytest.mark.parametrize(("kind", "options", "message"), [
    ("single", [{"text": "A", "correct": True}], "single needs 2 to 6 options (found 1)"),
    ("single", [{"text": str(n), "correct": n == 0} for n in range(7)], "single needs 2 to 6 options (found 7)"),
    ("single", [{"text": "A"}, {"text": "B"}, {"text": "C"}], "single needs exactly one correct option (found 0)"),
    ("multiple", [{"text": "A"}, {"text": "B"}, {"text": "C"}],
     "multiple needs at least one correct option (found none)"),
    ("multiple", [{"text": t, "correct": True} for t in "ABC"],
     "multiple needs at least one wrong option (all are marked correct)"),
    ("multiple", [{"text": "A", "correct": True}, {"text": "B"}], "multiple needs 3 to 6 options (found 2)"),
    ("true_false", [{"text": "Yes", "correct": True}, {"text": "No"}],
     'true_false needs exactly the two options "True" and "False"'),
    ("true_false", [{"text": "True", "correct": True}, {"text": "False", "correct": True}],
     "true_false needs exactly one correct option (found 2)"),
])
def test_option_rules(kind: str, options: list[dict[str, Any]], message: str) -> None:
    text = to_yaml(with_question(1, type=kind, options=options))
    error = one_error(text)
    assert (error.message, error.question_id, error.line) == (message, "q-002", line_of(text, "options:", 2))


def test_option_texts_unique_ignoring_case_and_spaces() -> None:
    options = [{"text": "Tell the DSL", "correct": True}, {"text": "Wait"}, {"text": "  tell the dsl "}]
    text = to_yaml(with_question(0, options=options))
    error = one_error(text)
    assert error.message == "option 3 repeats option 1 ('tell the dsl')"
    assert error.line == line_of(text, "- text: '  tell the dsl '")


def test_unknown_key_names_the_key_and_its_line() -> None:
    data = bank_data()
    data["questions"][2]["options"][0] = {"text": "True", "corect": True}
    text = to_yaml(data)
    errors = errors_for(text)
    typo = next(e for e in errors if "corect" in e.message)
    assert typo.message == "option 1: unknown key 'corect' (did you mean 'correct'?)"
    assert (typo.line, typo.question_id) == (line_of(text, "corect:"), "q-003")


def test_unknown_top_level_key() -> None:
    text = to_yaml(bank_data(summery="typo"))
    error = one_error(text)
    assert error.message == "unknown key 'summery' (did you mean 'summary'?)"
    assert error.line == line_of(text, "summery:")


@pytest.mark.parametrize("field", ["prompt", "explanation", "source", "type", "options"])
def test_missing_question_field_is_required(field: str) -> None:
    data = bank_data()
    del data["questions"][1][field]
    text = to_yaml(data)
    error = next(e for e in errors_for(text) if e.message == f"{field} is required")
    assert (error.question_id, error.line) == ("q-002", line_of(text, "- id: q-002"))


@pytest.mark.parametrize("field", ["prompt", "explanation"])
def test_empty_text_is_refused(field: str) -> None:
    text = to_yaml(with_question(0, **{field: "   "}))
    error = one_error(text)
    assert error.message == f"{field} must not be empty"
    assert error.line == line_of(text, f"{field}:")


def test_source_must_be_declared() -> None:
    text = to_yaml(with_question(2, source="nca-2024"))
    error = one_error(text)
    assert error.message == "source 'nca-2024' is not declared in sources"
    assert (error.question_id, error.line) == ("q-003", line_of(text, "source: nca-2024"))


def test_duplicate_question_ids() -> None:
    text = to_yaml(with_question(2, id="q-001"))
    error = one_error(text)
    assert error.message == "question id 'q-001' is used by more than one question"
    assert error.line == line_of(text, "- id: q-001", 2)


def test_duplicate_source_ids() -> None:
    data = bank_data()
    data["sources"][1]["id"] = "src-a"
    data["questions"][1]["source"] = "src-a"
    text = to_yaml(data)
    error = one_error(text)
    assert error.message == "source id 'src-a' is declared more than once"
    assert error.line == line_of(text, "- id: src-a", 2)


def test_bank_rules_still_reported_when_a_field_is_also_wrong() -> None:
    data = with_question(2, id="q-001", source="missing-source")
    data["questions"][0]["prompt"] = ""
    messages = {e.message for e in errors_for(to_yaml(data))}
    assert messages == {"prompt must not be empty", "question id 'q-001' is used by more than one question",
                        "source 'missing-source' is not declared in sources"}


def test_every_problem_is_reported_at_once() -> None:
    errors = errors_for((FIXTURES / "broken" / "broken-bank.yaml").read_text(encoding="utf-8"), "broken-bank.yaml")
    assert [(e.line, e.question_id, e.message) for e in errors] == [
        (5, None, "learning must be 300-800 words (found 8)"),
        (13, "br-001", "single needs exactly one correct option (found 2)"),
        (24, "br-002", "true_false needs exactly one correct option (found 0)"),
        (26, "br-002", "option 1: unknown key 'corect' (did you mean 'correct'?)"),
        (39, "br-003", "source 'nca-2024' is not declared in sources"),
        (40, "br-001", "prompt is required"),
        (40, "br-001", "question id 'br-001' is used by more than one question"),
    ]


def test_broken_file_names_file_and_line() -> None:
    with pytest.raises(BankInvalid) as caught:
        load_bank_file(FIXTURES / "broken" / "broken-bank.yaml")
    lines = str(caught.value).splitlines()
    assert len(lines) == 7
    assert lines[1] == "broken-bank.yaml:13: br-001: single needs exactly one correct option (found 2)"


@pytest.mark.parametrize(("learning", "message"), [
    ("", "learning is required: a Markdown page of 300-800 words"),
    ("word " * 120, "learning must be 300-800 words (found 120)"),
    ("word " * 801, "learning must be 300-800 words (found 801)"),
])
def test_learning_word_count_in_bank_files(learning: str, message: str) -> None:
    text = to_yaml(bank_data(learning=learning))
    error = one_error(text)
    assert (error.message, error.line) == (message, line_of(text, "learning:"))


def test_markup_is_not_counted_as_words() -> None:
    learning = "## Heading\n\n- " + "word " * 299 + "\n- **bold**"
    assert load_bank_text(to_yaml(bank_data(learning=learning)), "b.yaml").learning.startswith("## Heading")
    errors = errors_for(to_yaml(bank_data(learning="## - * " + "word " * 299)))
    assert errors[0].message == "learning must be 300-800 words (found 299)"


def test_missing_learning_key() -> None:
    data = bank_data()
    del data["learning"]
    assert one_error(to_yaml(data)).message == "learning is required: a Markdown page of 300-800 words"


def test_imported_banks_may_have_no_learning_page() -> None:
    bank = BankSpec.model_validate(bank_data(learning=""))
    assert bank.learning == ""
    assert load_bank_text(to_yaml(bank_data(learning="")), "b.yaml", require_learning=False).learning == ""
    with pytest.raises(ValidationError, match="learning must be 300-800 words"):
        BankSpec.model_validate(bank_data(learning="too short"))


def test_edition_is_normalised_to_text() -> None:
    assert load_bank_text(to_yaml(BANK).replace('edition: 2025-03', 'edition: 2025-03-01'), "b.yaml").edition == \
        "2025-03-01"
    assert load_bank_text(to_yaml(BANK).replace("edition: 2025-03", "edition: 2025"), "b.yaml").edition == "2025"
    assert BankSpec.model_validate(bank_data(edition=date(2025, 3, 1))).edition == "2025-03-01"
    text = to_yaml(bank_data(edition="March 2025"))
    error = one_error(text)
    assert error.message == "edition must be a year and month such as 2025-03 (found 'March 2025')"
    assert error.line == line_of(text, "edition:")


def test_unquoted_yes_no_and_true_stay_text() -> None:
    text = to_yaml(BANK).replace("- text: 'True'", "- text: True").replace("- text: 'False'", "- text: False")
    text = text.replace("- text: Wrong", "- text: no")
    assert "- text: True" in text
    bank = load_bank_text(text, "b.yaml")
    assert [o.text for o in bank.questions[2].options] == ["True", "False"]
    assert bank.questions[0].options[1].text == "no"


@pytest.mark.parametrize(("changes", "message"), [
    ({"id": "Test Bank"}, f"id 'Test Bank' {SLUG_RULE}"),
    ({"title": "x" * 201}, "title is too long (at most 200 characters)"),
    ({"sources": [{"id": "src-a", "title": "A", "url": "ftp://x"}, {"id": "src-b", "title": "B"}]},
     "source 1: url must start with http:// or https:// and contain no spaces (found 'ftp://x')"),
])
def test_field_formats(changes: dict[str, Any], message: str) -> None:
    assert one_error(to_yaml(bank_data(**changes))).message == message


def test_type_and_correct_values_in_plain_words() -> None:
    data = with_question(0, type="singel")
    data["questions"][1]["options"][0]["correct"] = "maybe"
    data["questions"][2]["tags"] = "signs"
    messages = [e.message for e in errors_for(to_yaml(data))]
    assert ("type must be one of 'single', 'multiple', 'true_false', 'matching' or 'ordering' (found 'singel')"
            in messages)
    assert "option 1: correct must be true or false (found 'maybe')" in messages
    assert "tags must be a list (found 'signs')" in messages
    assert not any("Input should" in m for m in messages)


def test_tags_must_be_slugs() -> None:
    error = one_error(to_yaml(with_question(0, tags=["ok", "Not OK"])))
    assert error.message == f"tag 2 'Not OK' {SLUG_RULE}"


def test_question_that_is_not_a_mapping() -> None:
    data = bank_data()
    data["questions"].append("just some text")
    error = one_error(to_yaml(data))
    assert error.message == "question 4 must be a mapping of keys and values (found 'just some text')"


def test_yaml_syntax_error_has_its_line() -> None:
    text = "id: bank\ntitle: Fine\nsummary: [unclosed\nlearning: x\n"
    error = one_error(text)
    assert error.message.startswith("YAML syntax error:")
    assert error.line == 4


def test_repeated_key_is_reported() -> None:
    text = to_yaml(BANK).replace("  source: src-b\n", "  source: src-b\n  source: src-a\n")
    assert text.count("source: src-a") == 3
    error = one_error(text)
    assert error.message == "key 'source' appears twice here; write it once"
    assert (error.question_id, error.line) == ("q-002", line_of(text, "source: src-a", 2))


def test_a_bank_must_be_a_mapping() -> None:
    assert one_error("- just\n- a list\n").message.startswith("a bank must be a mapping")


def test_duplicate_bank_ids_across_files(tmp_path: Path) -> None:
    (tmp_path / "first.yaml").write_text(to_yaml(BANK), encoding="utf-8")
    (tmp_path / "second.yml").write_text(to_yaml(BANK), encoding="utf-8")
    (tmp_path / "notes.txt").write_text("not a bank", encoding="utf-8")
    with pytest.raises(BankInvalid) as caught:
        load_bank_dir(tmp_path)
    assert [str(e) for e in caught.value.errors] == ["second.yml:1: bank id 'test-bank' is already used by first.yaml"]


def test_load_bank_dir_collects_every_files_errors(tmp_path: Path) -> None:
    (tmp_path / "a.yaml").write_text(to_yaml(bank_data(id="bank-a", title="")), encoding="utf-8")
    (tmp_path / "b.yaml").write_text("id: [\n", encoding="utf-8")
    (tmp_path / "c.yaml").write_text(to_yaml(bank_data(id="bank-c")), encoding="utf-8")
    with pytest.raises(BankInvalid) as caught:
        load_bank_dir(tmp_path)
    assert {e.file for e in caught.value.errors} == {"a.yaml", "b.yaml"}


def test_bank_error_and_bank_invalid_text() -> None:
    assert str(BankError("b.yaml", None, None, "the file is empty")) == "b.yaml: the file is empty"
    assert str(BankError("b.yaml", 3, None, "bad")) == "b.yaml:3: bad"
    invalid = BankInvalid([BankError("b.yaml", 9, "q-2", "two"), BankError("b.yaml", 2, "q-1", "one")])
    assert str(invalid) == "b.yaml:2: q-1: one\nb.yaml:9: q-2: two"


def test_content_hash_is_stable_and_tracks_meaning() -> None:
    bank = load_bank_text(to_yaml(BANK), "b.yaml")
    question = bank.questions[0]
    assert question.content_hash() == load_bank_text(to_yaml(BANK), "b.yaml").questions[0].content_hash()
    assert len(question.content_hash()) == 64
    padded = QuestionSpec.model_validate({**question.model_dump(), "prompt": "  Pick one.  "})
    assert padded.content_hash() == question.content_hash()
    options = [OptionSpec(text="Right"), OptionSpec(text="Wrong", correct=True), OptionSpec(text="Also wrong")]
    moved = question.model_copy(update={"options": options})
    reordered = question.model_copy(update={"options": list(reversed(question.options))})
    retagged = question.model_copy(update={"tags": []})
    hashes = {question.content_hash(), moved.content_hash(), reordered.content_hash(), retagged.content_hash()}
    assert len(hashes) == 4


def test_models_are_frozen_and_source_lookup() -> None:
    bank = load_bank_text(to_yaml(BANK), "b.yaml")
    with pytest.raises(ValidationError):
        bank.questions[0].prompt = "changed"
    assert bank.source("src-a") == SourceSpec(id="src-a", title="Source A", url="https://example.org/a")
    with pytest.raises(KeyError, match="no source 'nope'"):
        bank.source("nope")


def test_dump_bank_yaml_reads_back_equal() -> None:
    for path in [*sorted(SHIPPED.glob("*.yaml")), FIXTURES / "banks" / "tricky-characters.yaml"]:
        bank = load_bank_file(path)
        text = dump_bank_yaml(bank)
        assert load_bank_text(text, path.name) == bank, path.name
    text = dump_bank_yaml(load_bank_file(FIXTURES / "banks" / "tricky-characters.yaml"))
    assert 'edition: "2025-03"' in text
    assert "learning: |" in text and "tags: [unicode, html]" in text
    assert "\n  - id: test-source\n" in text  # lists indented under their key
    long_title = "A source title long enough that a YAML writer would normally wrap it onto a second line " * 2
    bank = load_bank_text(to_yaml(BANK), "b.yaml")
    wide = bank.model_copy(update={"sources": [SourceSpec(id="src-a", title=long_title.strip()), bank.sources[1]]})
    assert f"title: {long_title.strip()}\n" in dump_bank_yaml(wide)  # titles and URLs stay on one line


# The quick reader (events straight to data) must agree with PyYAML on every shape a bank can take,
# and hand anything unusual to the careful reader, which reports lines.
QUICK_CASES = [
    "a: 1\nb: true\nc: ~\nd:\ne: null\nf: 'null'\ng: \"~\"\nh: [x, y]\ni: {j: k}\n",
    "list:\n  - one\n  - two: 2\n    three: [3]\n  -\n",
    "text: |\n  line one\n  line two\nfolded: >-\n  a\n  b\n",
    "date: 2025-03-01\nnum: 0012\nyes: no\n",
]


@pytest.mark.parametrize("text", QUICK_CASES)
def test_quick_reader_matches_pyyaml(text: str) -> None:
    import yaml

    from quizapp.banks import loader

    assert loader._build(yaml.parse(text, Loader=loader._TextLoader)) == yaml.load(text, Loader=loader._TextLoader)


@pytest.mark.parametrize("text", ["a: &x 1\nb: *x\n", "a: 1\na: 2\n", "a: !!str 1\n"])
def test_quick_reader_leaves_unusual_yaml_to_the_careful_reader(text: str) -> None:
    import yaml

    from quizapp.banks import loader

    with pytest.raises(loader._Unusual):
        loader._build(yaml.parse(text, Loader=loader._TextLoader))


def test_bank_files_stay_strict_about_what_makes_a_draft() -> None:
    """`banks validate` refuses what an upload would take as a draft: no explanation, the placeholder source."""
    data = with_question(0, explanation="   ", source="imported")
    data["sources"].append({"id": "imported", "title": "Imported from x.gift"})
    text = to_yaml(data)
    assert [(e.line, e.message) for e in errors_for(text)] == [
        (line_of(text, "explanation:"), "explanation must not be empty"),
        (line_of(text, "source: imported"), "source 'imported' is the placeholder an import gives a question that "
                                            "cites none: cite a real source")]
    from quizapp.banks import read_bank

    draft = read_bank(text, "yaml", filename="test-bank.yaml").drafts
    assert [(e.question_id, e.message) for e in draft] == [("q-001", "Needs an explanation; Needs a source")]
