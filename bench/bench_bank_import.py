"""Benchmark: validate and import a generated 10,000-question bank (target: under 5 s).

Run: .venv/bin/python bench/bench_bank_import.py [--questions 10000] [--database-url URL]
"""
from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from quizapp import create_app
from quizapp.banks.loader import dump_bank_yaml, load_bank_text
from quizapp.banks.schema import BankSpec, OptionSpec, QuestionSpec, SourceSpec
from quizapp.banks.store import apply_import
from quizapp.db import utcnow
from quizapp.extensions import db
from quizapp.migrate import upgrade

LEARNING = " ".join(["Read the guidance carefully and tell the DSL about any concern."] * 40)


def generate(n: int) -> str:
    """A valid bank of n questions as YAML text."""
    questions = []
    for i in range(n):
        kind = ("single", "multiple", "true_false")[i % 3]
        if kind == "true_false":
            options = [OptionSpec(text="True", correct=True), OptionSpec(text="False")]
        else:
            options = [OptionSpec(text=f"Right answer {i}", correct=True),
                       OptionSpec(text=f"Second {i}", correct=kind == "multiple"),
                       OptionSpec(text=f"Wrong answer {i}"), OptionSpec(text=f"Another wrong {i}")]
        questions.append(QuestionSpec(id=f"q-{i:05d}", type=kind, prompt=f"Question number {i}: which is right?"
                                      + (" Select all that apply." if kind == "multiple" else ""),
                                      options=options, explanation=f"Because of rule {i}.", source="src"))
    bank = BankSpec(id="bench-bank", title="Benchmark bank", edition="2026-11", summary="Generated.",
                    learning=LEARNING, sources=[SourceSpec(id="src", title="A source")], questions=questions)
    return dump_bank_yaml(bank)


def main() -> None:
    """Time parse+validate and database import separately, then a second (unchanged) import."""
    parser = argparse.ArgumentParser()
    parser.add_argument("--questions", type=int, default=10_000)
    parser.add_argument("--database-url")
    args = parser.parse_args()
    text = generate(args.questions)
    with tempfile.TemporaryDirectory() as tmp:
        url = args.database_url or f"sqlite:///{tmp}/bench.sqlite3"
        app = create_app({"SECRET_KEY": "bench", "DATABASE_URL": url})
        with app.app_context():
            upgrade()
            started = time.perf_counter()
            spec = load_bank_text(text, "bench.yaml")
            parsed = time.perf_counter()
            report = apply_import(db.session, spec, utcnow())
            db.session.commit()
            imported = time.perf_counter()
            again = apply_import(db.session, load_bank_text(text, "bench.yaml"), utcnow())
            db.session.commit()
            second = time.perf_counter()
    print(f"{args.questions} questions, {len(text) / 1e6:.1f} MB of YAML on {url.split(':')[0]}")
    print(f"  parse + validate: {parsed - started:.2f} s")
    print(f"  first import:     {imported - parsed:.2f} s ({len(report.added)} added)")
    print(f"  total:            {imported - started:.2f} s (target < 5 s)")
    print(f"  re-import, unchanged: {second - imported:.2f} s ({again.unchanged} unchanged)")


if __name__ == "__main__":
    main()
