"""The person-field rules, written once in people.fields, say the same thing wherever a person is entered."""
import pytest

from quizapp.models.users import EXTRA_TIME_MAX
from quizapp.people.fields import AccountError, clean_email, clean_extra_time, clean_name, clean_role


@pytest.mark.parametrize("raw", ["Ann\nBcc: all@example.org", "Ann\rLee", "Ann\tLee", "Ann\u2028Lee", "Ann\x00"])
def test_a_name_with_a_line_break_or_control_character_is_refused(raw: str) -> None:
    with pytest.raises(AccountError, match="must be on one line") as caught:
        clean_name("first_name", raw)
    assert caught.value.field == "first_name"


def test_names_are_trimmed_and_limited() -> None:
    assert clean_name("last_name", "  Ó Súilleabháin ") == "Ó Súilleabháin"
    with pytest.raises(AccountError, match="Enter the last name."):
        clean_name("last_name", "   ")
    with pytest.raises(AccountError, match="longer than 100 characters"):
        clean_name("last_name", "x" * 101)


def test_extra_time_takes_text_or_numbers_up_to_the_one_limit() -> None:
    assert clean_extra_time("25 %") == 25
    assert clean_extra_time(EXTRA_TIME_MAX) == EXTRA_TIME_MAX
    for bad in (EXTRA_TIME_MAX + 1, "-5", "lots", None):
        with pytest.raises(AccountError, match=f"whole number from 0 to {EXTRA_TIME_MAX}"):
            clean_extra_time(bad)


def test_email_and_role() -> None:
    assert clean_email(" Ann.Lee@School.EXAMPLE ") == "ann.lee@school.example"
    with pytest.raises(AccountError, match="Enter a valid email address"):
        clean_email("ann.lee")
    assert clean_role("DSL") == "dsl"
    with pytest.raises(AccountError, match="Unknown role “teacher”: use staff, dsl or admin."):
        clean_role("teacher")
