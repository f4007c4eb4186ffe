"""Exports (pure): formula neutralising, the CSV's BOM and dates, the workbook's layout; and the chart's geometry."""
from __future__ import annotations

import csv
import io
from datetime import date, datetime

import pytest
from openpyxl import load_workbook

from quizapp.compliance.chart import WIDTH, bar_chart
from quizapp.compliance.exports import file_name, neutralise, sheet_title, to_csv, to_xlsx
from quizapp.compliance.status import Status
from quizapp.compliance.summary import Tally, percent


@pytest.mark.parametrize("text", ["=1+1", "+44 20 7946 0000", "-2", "@SUM(A1)", "\tlead", "\rlead",
                                  "=HYPERLINK(\"http://evil.example\",\"x\")"])
def test_formula_starts_are_quoted(text: str) -> None:
    assert neutralise(text) == "'" + text


@pytest.mark.parametrize("value", ["Zoë Ó Súilleabháin", "O'Connor", "", None, date(2026, 11, 23), "a=b"])
def test_ordinary_values_are_left_alone(value: object) -> None:
    assert neutralise(value) == value


def test_csv_has_a_bom_and_iso_dates() -> None:
    data = to_csv(["Last name", "Course: valid until"], [["Ŵyn", date(2027, 1, 31)], ["'=1+1", None]])
    assert data.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))
    assert rows == [["Last name", "Course: valid until"], ["Ŵyn", "2027-01-31"], ["'=1+1", ""]]


def test_workbook_layout() -> None:
    header = ["Last name", "First name", "Prevent duty: status", "Prevent duty: valid until"]
    rows = [["Ŵyn", "'=cmd", "Compliant", date(2027, 1, 31)]]
    book = load_workbook(io.BytesIO(to_xlsx("Compliance as at 23 November 2026", "School: all", "As at 2026-11-23",
                                            header, rows)))
    ws = book["As at 2026-11-23"]
    assert ws["A1"].value == "Compliance as at 23 November 2026" and ws["A1"].font.b
    assert ws["A2"].value == "School: all"
    assert [c.value for c in ws[3]] == header and all(c.font.b for c in ws[3])
    assert ws.freeze_panes == "C4"
    assert ws.column_dimensions["C"].width >= len("Prevent duty: status")
    assert ws["B4"].value == "'=cmd" and ws["B4"].data_type == "s"
    assert ws["D4"].value == datetime(2027, 1, 31)


def test_sheet_title_and_file_name_are_safe() -> None:
    assert sheet_title("As at 2026/11/23 [draft]: x" * 3) == "As at 2026-11-23 -draft-- xAs a"
    assert file_name("Ysgol Gymraeg Llanfair / Pwll", date(2026, 11, 23), "csv") == \
        "compliance_ysgol-gymraeg-llanfair-pwll_2026-11-23.csv"
    assert file_name("Zoë's School", date(2026, 11, 23), "xlsx") == "compliance_zoe-s-school_2026-11-23.xlsx"


def test_percentages_round_down_so_100_means_everyone() -> None:
    assert percent(199, 200) == 99
    assert percent(200, 200) == 100
    assert percent(0, 0) is None
    assert Tally({Status.COMPLIANT: 1, Status.DUE_SOON: 1, Status.EXPIRED: 1}).pct == 66


def test_chart_segments_fill_the_bar_in_status_order() -> None:
    tally = Tally({Status.NOT_STARTED: 1, Status.COMPLIANT: 2, Status.EXPIRED: 1})
    chart = bar_chart([("Prevent duty", tally), ("Nobody needs this", Tally())])
    first, empty = chart.bars
    assert first.caption == "Prevent duty: 50 % covered (2 of 4)"
    assert [s.status for s in first.segments] == [Status.COMPLIANT, Status.EXPIRED, Status.NOT_STARTED]
    assert [s.width for s in first.segments] == [WIDTH / 2, WIDTH / 4, WIDTH / 4]
    assert first.segments[1].x == WIDTH / 2
    assert empty.segments == [] and "no one in view is required" in empty.caption
    assert chart.height > empty.bar_y
