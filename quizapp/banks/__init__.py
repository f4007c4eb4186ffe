"""Question banks: the schema (pydantic), YAML bank files, GIFT / Moodle XML / Aiken import and export, and storing
each edition of a bank (store)."""
from __future__ import annotations

from . import aiken, gift, moodle_xml  # noqa: F401  (each registers its format with .formats)
from .formats import FORMATS, ReadResult, format_from_filename, read_bank, write_bank
from .loader import dump_bank_yaml, load_bank_dir, load_bank_file, load_bank_text
from .schema import BankError, BankInvalid, BankSpec, OptionSpec, QuestionSpec, SourceSpec

__all__ = [
    "FORMATS", "BankError", "BankInvalid", "BankSpec", "OptionSpec", "QuestionSpec", "ReadResult", "SourceSpec",
    "dump_bank_yaml", "format_from_filename", "load_bank_dir", "load_bank_file", "load_bank_text", "read_bank",
    "write_bank",
]
