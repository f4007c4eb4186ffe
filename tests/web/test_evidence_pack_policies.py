"""Policies in the evidence pack: the same CSV and XLSX as the downloads, policy columns, and receipts."""
from __future__ import annotations

import io
import zipfile

from flask import Flask
from openpyxl import load_workbook
from pypdf import PdfReader

from quizapp.extensions import db
from quizapp.models import Policy, User
from quizapp.policies.acknowledge import acknowledge

from ..conftest import sign_in
from .dsl_helpers import DAY, T0, build_pack
from .policy_helpers import new_version
from .test_policy_compliance import _policies

CSV_NAME = "compliance_school-a_2026-11-23.csv"


def _text(pdf: bytes) -> str:
    return " ".join(" ".join((page.extract_text() or "").split()) for page in PdfReader(io.BytesIO(pdf)).pages)


def _pack(client) -> zipfile.ZipFile:
    response = build_pack(client)[1]
    assert response.status_code == 200
    return zipfile.ZipFile(io.BytesIO(response.data))


def test_the_pack_holds_the_very_csv_of_the_download_with_the_policy_columns(app: Flask, client, world: dict):
    world = _policies(app, world)
    sign_in(client, world["dsl_email"])
    archive = _pack(client)
    assert archive.read(CSV_NAME) == client.get("/dsl/export.csv").data  # one path makes both
    header = archive.read(CSV_NAME).decode("utf-8-sig").splitlines()[0]
    assert "Child protection policy: status" in header and "Lone working policy: status" in header
    sheet = load_workbook(io.BytesIO(archive.read(CSV_NAME.replace(".csv", ".xlsx"))), read_only=True).active
    rows = list(sheet.iter_rows(values_only=True))
    assert "Child protection policy: status" in rows[2]
    assert "a policy counts once the version in effect is acknowledged" in rows[1][0]
    sam = next(r for r in rows[3:] if r[1] == "Sam")
    assert sam[rows[2].index("Child protection policy: status")] == "Acknowledged"
    summary = _text(archive.read("summary.pdf"))
    assert "Required policies" in summary and "Child protection policy (policy)" in summary
    assert "Overdue (due by 17 November 2026)" in summary
    assert "Staff covered for every required course and policy" in summary


def test_each_person_with_acknowledgements_has_a_receipts_pdf(app: Flask, client, world: dict):
    world = _policies(app, world)
    with app.app_context():
        s = db.session
        policy = s.get(Policy, world["policy"])
        new_version(s, policy, "2.0", material=True, note="New duties.", at=T0 - DAY, effective=(T0 - DAY).date())
        acknowledge(s, s.get(User, world["staff"]), policy.versions[1], policy.versions[1].sha256, T0 - DAY / 2)
        acknowledge(s, s.get(User, world["far_staff"]), policy.versions[1], policy.versions[1].sha256, T0 - DAY / 2)
        hashes = [v.sha256 for v in policy.versions]
        s.commit()
    sign_in(client, world["dsl_email"])
    archive = _pack(client)
    receipts = [n for n in archive.namelist() if n.endswith("/policy-acknowledgements.pdf")]
    assert receipts == [f"people/tester-sam-{world['staff']}/policy-acknowledgements.pdf"]  # Fay is in school B
    text = _text(archive.read(receipts[0]))
    assert "Policy acknowledgement receipts" in text and "Sam Tester" in text
    assert "Version 1.0, read and acknowledged 21 November 2026, 09:00 UTC" in text
    assert "Version 2.0, read and acknowledged 22 November 2026, 21:00 UTC" in text
    assert all(h in text.replace(" ", "") for h in hashes)
    earlier = zipfile.ZipFile(io.BytesIO(build_pack(client, f"as_at={(T0 - 2 * DAY).date()}")[1].data))
    text = _text(earlier.read(receipts[0]))
    assert "Version 1.0" in text and "Version 2.0" not in text  # acknowledged after that day


def test_the_training_record_pdf_lists_policies_and_each_acknowledgement(app: Flask, client, world: dict):
    world = _policies(app, world)
    with app.app_context():
        sha = db.session.get(Policy, world["policy"]).versions[0].sha256
    sign_in(client, world["dsl_email"])
    response = client.get(f"/dsl/people/{world['staff']}/training-record.pdf")
    assert response.status_code == 200
    text = _text(response.data)
    assert "Policies to read" in text and "Child protection policy Acknowledged 21 November 2026" in text
    assert "Policy acknowledgements" in text and sha[:20] in text.replace(" ", "")
    assert "Lone working policy" not in text  # not required of Sam's group
    assert "Policy acknowledged" in text  # the CPD record's line
    earlier = _text(client.get(f"/dsl/people/{world['staff']}/training-record.pdf?as_at=2026-11-20").data)
    assert "Child protection policy Due 17 November 2026" not in earlier  # overdue by then, not due
    assert "Child protection policy Overdue 17 November 2026" in earlier and sha[:20] not in earlier.replace(" ", "")
