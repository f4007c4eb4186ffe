"""Every shipped bank keeps the content rules of issue 15, and each rule catches the fault it is there for."""
from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml

from quizapp.banks import BankSpec, load_bank_file, load_bank_text

from .bank_content import RULES, content_problems, main, parse_date, reads_as_scenario

SHIPPED = Path(__file__).resolve().parents[2] / "question_banks"
BANK_FILES = sorted(SHIPPED.glob("*.yaml"))
LEARNING = "Staff read this page before the quiz. " * 50  # 350 words


def test_every_shipped_bank_is_checked() -> None:
    """Guards the parametrised tests below against an empty or moved folder."""
    assert len(BANK_FILES) >= 8


@pytest.mark.parametrize("rule", sorted(RULES))
@pytest.mark.parametrize("path", BANK_FILES, ids=[p.stem for p in BANK_FILES])
def test_shipped_bank_keeps_content_rule(path: Path, rule: str) -> None:
    """Each bank, each rule: a failure lists every question or page that breaks it."""
    assert RULES[rule](load_bank_file(path)) == []


def question(qid: str, prompt: str = "A pupil tells you something worrying. What do you do?", *,
             scenario: bool = True, answer: str | None = None, explanation: str = "Because.") -> dict[str, Any]:
    """A valid question: single choice, or true/false when answer is 'True' or 'False'."""
    options = ([{"text": "True", "correct": answer == "True"}, {"text": "False", "correct": answer == "False"}]
               if answer else [{"text": "Tell the DSL", "correct": True}, {"text": "Wait and see"}])
    return {"id": qid, "type": "true_false" if answer else "single", "prompt": prompt, "options": options,
            "explanation": explanation, "source": "src", "tags": ["scenario"] if scenario else []}


def bank(questions: list[dict[str, Any]] | None = None, **meta: Any) -> BankSpec:
    """A bank read through the project's YAML loader, as the shipped files are."""
    data = {"id": "extra-bank", "title": "Extra", "edition": "2026-12", "summary": "For tests.",
            "reviewed_on": "2026-12-03", "review_by": "2027-06-01", "learning": LEARNING,
            "sources": [{"id": "src", "title": "Source"}],
            "questions": questions if questions is not None else [question(f"q-{n}") for n in range(15)], **meta}
    return load_bank_text(yaml.safe_dump(data, sort_keys=False), "extra-bank.yaml")


def test_a_bank_that_keeps_every_rule_has_no_problems() -> None:
    assert content_problems(bank()) == []


def test_too_few_questions_are_reported_with_the_bank_minimum() -> None:
    assert RULES["size"](bank([question(f"q-{n}") for n in range(14)])) == [
        "extra-bank: 14 questions, at least 15 needed"]
    assert RULES["size"](bank(id="doxing")) == ["doxing: 15 questions, at least 30 needed"]


def test_scenario_share_below_seventy_per_cent_is_reported() -> None:
    questions = [question(f"q-{n}", scenario=n < 10) for n in range(15)]
    assert RULES["scenarios"](bank(questions)) == [
        "extra-bank: 10 of 15 questions (67%) are tagged scenario, at least 70% needed"]
    assert RULES["scenarios"](bank([question(f"q-{n}", scenario=n < 11) for n in range(15)])) == []


@pytest.mark.parametrize("prompt", [
    "What is a deprivation order?",
    "Which of these can count as an intimate image? Select all that apply.",
    "Under the Act, a colleague who fails to report is barred.",
    "Sharing a deepfake is not covered by the law.",
])
def test_a_tagged_prompt_without_a_situation_is_reported(prompt: str) -> None:
    problems = RULES["scenarios"](bank([question("q-bare", prompt), *[question(f"q-{n}") for n in range(14)]]))
    assert len(problems) == 1 and problems[0].startswith("extra-bank: q-bare: tagged scenario but")


@pytest.mark.parametrize("prompt", [
    "A pupil tells you an adult is threatening her. What do you do?",
    'A colleague says, "What harm can it do?" Which reply do you give?',
    "Before uploading a photo of pupils on a trip, what should you do about its metadata?",
    "A teaching assistant uses the same username everywhere. What does good practice recommend?",
    "Two Year 11 pupils say they swapped photos willingly. You still tell the DSL.",
])
def test_prompts_that_set_a_situation_read_as_scenarios(prompt: str) -> None:
    assert reads_as_scenario(prompt)


def test_true_false_balance_outside_thirty_to_seventy_per_cent_is_reported() -> None:
    def with_answers(*answers: str) -> BankSpec:
        return bank([*[question(f"t-{n}", answer=a) for n, a in enumerate(answers)],
                     *[question(f"q-{n}") for n in range(15)]])

    assert RULES["true-false"](with_answers("True", "False", "False", "False", "False")) == [
        "extra-bank: 1 of 5 true/false answers are True (20%); between 30% and 70% needed"]
    assert RULES["true-false"](with_answers("True", "True", "True", "False")) != []
    assert RULES["true-false"](with_answers("True", "True", "False", "False")) == []
    assert RULES["true-false"](bank()) == []  # no true/false questions: nothing to balance


def test_missing_review_dates_are_reported() -> None:
    assert RULES["review-dates"](bank(reviewed_on=None, review_by=None)) == [
        "extra-bank: reviewed_on is missing", "extra-bank: review_by is missing"]


def test_an_old_as_of_date_needs_a_reason_in_as_of_notes() -> None:
    questions = [question("q-old", explanation="As of June 2026 the duty had no start date."),
                 *[question(f"q-{n}") for n in range(14)]]
    assert RULES["as-of"](bank(questions)) == [
        "extra-bank: q-old: 'as of' June 2026 predates September 2026 and as_of_notes gives no reason for it"]
    assert RULES["as-of"](bank(questions, as_of_notes={"June 2026": "No later source was found."})) == []


def test_as_of_dates_are_found_in_the_learning_page_and_options_too() -> None:
    learning = LEARNING + "\n## Where things stand\n\nThe law, as of 29 May 2026, says this.\n"
    problems = RULES["as-of"](bank(learning=learning))
    assert problems == ["extra-bank: learning 'Where things stand': 'as of' May 2026 predates September 2026 and "
                        "as_of_notes gives no reason for it"]
    option = question("q-opt")
    option["options"][1]["text"] = "Wait, as the duty is not in force as of March 2026"
    assert "extra-bank: q-opt: 'as of' March 2026" in RULES["as-of"](bank([option]))[0]


def test_recent_as_of_dates_need_no_reason() -> None:
    questions = [question("q-new", explanation="As of September 2026 and as of 1 December 2026 this held."),
                 *[question(f"q-{n}") for n in range(14)]]
    assert RULES["as-of"](bank(questions)) == []


def test_as_of_without_a_date_and_unused_or_undated_notes_are_reported() -> None:
    questions = [question("q-nodate", explanation="As of now this is the rule."),
                 *[question(f"q-{n}") for n in range(14)]]
    assert RULES["as-of"](bank(questions, as_of_notes={"June 2026": "Old.", "last summer": "Vague."})) == [
        "extra-bank: as_of_notes: 'last summer' is not a date such as 'June 2026'",
        "extra-bank: q-nodate: 'as of' without a date",
        "extra-bank: as_of_notes: 'June 2026' is not used by any 'as of' in the bank"]


def test_a_present_status_must_say_when_it_was_confirmed() -> None:
    undated = question("q-now", explanation="KCSIE 2025 is still in force.")
    dated = question("q-dated", explanation="KCSIE 2026 is the version in force as of September 2026.")
    assert RULES["as-of"](bank([undated, dated])) == [
        "extra-bank: q-now: states a present status ('still in force') without saying 'as of <date>'"]


def test_dates_are_read_as_their_first_possible_day() -> None:
    assert [parse_date(t) for t in ("29 June 2026", "June 2026", "2026", "sometime")] == [
        parse_date("29 June 2026"), parse_date("1 June 2026"), parse_date("1 January 2026"), None]
    assert str(parse_date("29 June 2026")) == "2026-06-29"


def test_the_command_checks_files_outside_the_folder(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """Used to check another branch's copy of a bank before it lands."""
    good = SHIPPED / "sextortion-signs.yaml"
    thin = tmp_path / "thin.yaml"
    thin.write_text(good.read_text(encoding="utf-8").replace("reviewed_on:", "# reviewed_on:"), encoding="utf-8")
    assert main([str(good)]) == 0
    assert main([str(thin)]) == 1
    assert "sextortion-signs: reviewed_on is missing" in capsys.readouterr().out
