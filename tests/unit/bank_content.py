"""Content rules every shipped bank keeps (issue 15): scenarios, true/false balance, size, review dates, "as of".

Run `python -m tests.unit.bank_content FILE...` to check bank files outside question_banks/ (another branch's copy).
"""
from __future__ import annotations

import re
import sys
from collections.abc import Callable, Iterator
from datetime import date

from quizapp.banks import BankInvalid, BankSpec, load_bank_file

REQUIRED_BANKS = frozenset({"sextortion-signs", "doxing", "mandatory-reporting", "dbs-filtering"})
MIN_REQUIRED, MIN_OTHER = 30, 15
MIN_SCENARIO_SHARE = 0.70
TRUE_SHARE = (0.30, 0.70)
SCENARIO_TAG = "scenario"
# KCSIE 2026 was due from 1 September 2026: a fact last confirmed before then needs a reason in as_of_notes.
AS_OF_CUTOFF = date(2026, 9, 1)

MONTHS = ("january", "february", "march", "april", "may", "june", "july", "august", "september", "october",
          "november", "december")
DATE_RE = re.compile(rf"(?:(\d{{1,2}})\s+)?(?:({'|'.join(MONTHS)})\s+)?(\d{{4}})\b", re.IGNORECASE)
AS_OF_RE = re.compile(r"\bas of\b\s*", re.IGNORECASE)
# Words that state a fact's present status, which must say when it was last confirmed.
CURRENT_RE = re.compile(r"\b(?:still|now|currently|not yet) in force\b|\bversion in force\b|\bcurrently\b"
                        r"|\bat present\b", re.IGNORECASE)
QUOTED_RE = re.compile(r'"[^"]*"|“[^”]*”')
QUESTION_OPENING_RE = re.compile(r"(?:what|which|who|whom|whose|how|why|where|is|are|was|were|do|does|did|can|"
                                 r"could|should|would|will|must|under|according)\b", re.IGNORECASE)
PERSON_RE = re.compile(r"\b(?:you|your|pupils?|students?|learners?|child(?:ren)?|young (?:person|people)|"
                       r"colleagues?|parents?|carers?|teachers?|girls?|boys?|sons?|daughters?|friends?|"
                       r"volunteers?|head(?:teacher)?s?|dsl|governors?|family|mother|father|mum|dad|"
                       r"applicants?|candidates?|staff|assistants?|supervisors?|receptionists?|caretakers?|"
                       r"coach(?:es)?|tutors?|leaders?|managers?|officers?|workers?|year \d+|\d+-year-olds?)\b",
                       re.IGNORECASE)


def parse_date(text: str) -> date | None:
    """The date at the start of text ('29 June 2026', 'June 2026', '2026'), as its first possible day."""
    found = DATE_RE.match(text)
    if not found:
        return None
    day, month, year = found.groups()
    if day and not month:
        return None
    return date(int(year), MONTHS.index(month.lower()) + 1 if month else 1, int(day) if day else 1)


def reads_as_scenario(prompt: str) -> bool:
    """Whether a prompt puts someone in a situation rather than asking a bare question.

    Heuristic: with quoted speech set aside, the prompt must not open with a question word ("What is...",
    "Which of these...", "Under the Act...") and must address "you" or name a person (a pupil, a colleague,
    a parent, a teaching assistant, a Year 9 girl, a 16-year-old...). It cannot tell whether the answer is an
    action; reviewers do.
    """
    text = QUOTED_RE.sub("...", " ".join(prompt.split()))
    return not QUESTION_OPENING_RE.match(text) and bool(PERSON_RE.search(text))


def text_units(bank: BankSpec) -> Iterator[tuple[str, str]]:
    """Each place that must carry its own "as of" date: the summary, each learning section, each question."""
    yield "summary", bank.summary
    for section in re.split(r"(?m)^(?=#)", bank.learning):
        if section.strip():
            yield f"learning '{section.strip().splitlines()[0].lstrip('# ')}'", section
    for question in bank.questions:
        parts = [question.prompt, question.explanation]
        parts += [text for option in question.options for text in (option.text, option.feedback, option.match)]
        yield question.id, "\n".join(parts)


def size_problems(bank: BankSpec) -> list[str]:
    """A required bank keeps at least 30 questions, any other at least 15."""
    least = MIN_REQUIRED if bank.id in REQUIRED_BANKS else MIN_OTHER
    found = len(bank.questions)
    return [] if found >= least else [f"{bank.id}: {found} questions, at least {least} needed"]


def scenario_problems(bank: BankSpec) -> list[str]:
    """At least 70 % of questions are tagged scenario, and every tagged prompt reads as one."""
    tagged = [q for q in bank.questions if SCENARIO_TAG in q.tags]
    problems = [f"{bank.id}: {q.id}: tagged scenario but the prompt sets no scenario (a bare question, or no "
                f"person in a situation): '{q.prompt[:60]}'" for q in tagged if not reads_as_scenario(q.prompt)]
    total = len(bank.questions)
    if total and len(tagged) / total < MIN_SCENARIO_SHARE:
        problems.insert(0, f"{bank.id}: {len(tagged)} of {total} questions ({len(tagged) / total:.0%}) are tagged "
                           f"scenario, at least {MIN_SCENARIO_SHARE:.0%} needed")
    return problems


def true_false_problems(bank: BankSpec) -> list[str]:
    """Between 30 % and 70 % of true/false questions have "True" as the answer."""
    answers = [next(o.text for o in q.options if o.correct) for q in bank.questions if q.type == "true_false"]
    if not answers:
        return []
    true = answers.count("True")
    low, high = TRUE_SHARE
    if low <= true / len(answers) <= high:
        return []
    return [f"{bank.id}: {true} of {len(answers)} true/false answers are True ({true / len(answers):.0%}); "
            f"between {low:.0%} and {high:.0%} needed"]


def review_problems(bank: BankSpec) -> list[str]:
    """Every bank records when it was last reviewed and when it must be reviewed again."""
    return [f"{bank.id}: {key} is missing" for key in ("reviewed_on", "review_by") if getattr(bank, key) is None]


def as_of_problems(bank: BankSpec) -> list[str]:
    """Each "as of" has a date; one before September 2026 has a reason in as_of_notes; present status is dated."""
    problems: list[str] = []
    noted: dict[tuple[int, int], str] = {}
    for key in bank.as_of_notes:
        when = parse_date(key.strip())
        if when is None:
            problems.append(f"{bank.id}: as_of_notes: '{key}' is not a date such as 'June 2026'")
        else:
            noted[(when.year, when.month)] = key
    used: set[str] = set()
    for place, text in text_units(bank):
        dates = [parse_date(text[found.end():]) for found in AS_OF_RE.finditer(text)]
        if None in dates:
            problems.append(f"{bank.id}: {place}: 'as of' without a date")
        for when in sorted(set(filter(None, dates))):
            note = noted.get((when.year, when.month))
            if note:
                used.add(note)
            elif when < AS_OF_CUTOFF:
                problems.append(f"{bank.id}: {place}: 'as of' {when:%B %Y} predates {AS_OF_CUTOFF:%B %Y} and "
                                f"as_of_notes gives no reason for it")
        if (current := CURRENT_RE.search(text)) and not dates:
            problems.append(f"{bank.id}: {place}: states a present status ('{current.group()}') without saying "
                            "'as of <date>'")
    problems += [f"{bank.id}: as_of_notes: '{key}' is not used by any 'as of' in the bank"
                 for key in noted.values() if key not in used]
    return problems


RULES: dict[str, Callable[[BankSpec], list[str]]] = {
    "size": size_problems, "scenarios": scenario_problems, "true-false": true_false_problems,
    "review-dates": review_problems, "as-of": as_of_problems}


def content_problems(bank: BankSpec) -> list[str]:
    """Every content rule the bank breaks, in plain words."""
    return [problem for rule in RULES.values() for problem in rule(bank)]


def main(paths: list[str]) -> int:
    """Print the content problems of each bank file; 1 if there are any."""
    problems: list[str] = []
    for path in paths:
        try:
            problems += content_problems(load_bank_file(path))
        except BankInvalid as exc:
            problems += [str(error) for error in exc.errors]
    print("\n".join(problems) or f"All {len(paths)} bank file(s) keep the content rules.")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
