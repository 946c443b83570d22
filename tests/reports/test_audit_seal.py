"""Every report prints the audit chain's head as it was when its snapshot was
frozen: in the HTML, the PDF and the workbook, in every language, from the
snapshot's `audit_seal` key (which `audit_verify` reads back)."""

import datetime as dt
import io
import json
import re
import subprocess
from pathlib import Path

import openpyxl
import pytest

from audit.digest import seal_from_json
from audit.sealing import latest_seal, seal_new_events
from reports import renditions, services
from reports.choices import ReportStatus
from reports.models import ReportFile
from reports.render import render, render_body
from tracker import services as tracker_services

# An explicit day for the report; the seal's values are fixed data.
TODAY = dt.date(2026, 11, 25)
DATA = Path(__file__).parent / "data"
HEX64 = re.compile(r"^[0-9a-f]{64}$")


@pytest.fixture(autouse=True)
def _media(tmp_path, settings):
    settings.MEDIA_ROOT = str(tmp_path / "media")


def _generate(initiative):
    report, _ = services.report_request(
        initiative=initiative, kind="weekly", today=TODAY
    )
    done = services.report_generate(report_id=report.pk)
    assert done.status == ReportStatus.DONE
    return done


def _pdf_text(data: bytes, tmp_path) -> str:
    path = tmp_path / "report.pdf"
    path.write_bytes(data)
    return subprocess.run(
        ["pdftotext", "-layout", str(path), "-"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout


def _summary_cells(data: bytes) -> dict:
    sheet = openpyxl.load_workbook(io.BytesIO(data)).worksheets[0]
    return {
        row[0].value: (row[1].value, row[1])
        for row in sheet.iter_rows(max_col=2)
        if isinstance(row[0].value, str)
    }


def _stored(report, fmt, language) -> bytes:
    stored = ReportFile.objects.get(report=report, format=fmt, language=language)
    with stored.file.open("rb") as f:
        return f.read()


@pytest.mark.django_db
def test_the_snapshot_keeps_the_chain_head_of_the_moment_it_is_frozen(
    initiative, task, sc_coord
):
    seal_new_events()
    head = latest_seal()
    report = _generate(initiative)

    kept = report.snapshot["audit_seal"]
    assert set(kept) == {"position", "chain_digest", "sealed_at"}
    assert kept["position"] == head.position and isinstance(kept["position"], int)
    assert HEX64.match(kept["chain_digest"]) and kept["chain_digest"] == (
        head.chain_digest
    )
    sealed_at = dt.datetime.fromisoformat(kept["sealed_at"])
    assert sealed_at.utcoffset() == dt.timedelta(0)  # written in UTC
    assert sealed_at == head.sealed_at
    assert seal_from_json(kept) == head

    # Later writes and seals move the chain on; the frozen report does not.
    tracker_services.task_start(task=task, actor=sc_coord)
    seal_new_events()
    assert latest_seal().position > head.position
    report.refresh_from_db()
    assert report.snapshot["audit_seal"] == kept


@pytest.mark.django_db
def test_every_format_and_language_prints_the_same_digest(initiative, task, tmp_path):
    seal_new_events()
    head = latest_seal()
    report = _generate(initiative)
    rendition = renditions.report_rendition_request(report=report, language="en")
    assert (
        renditions.report_rendition_generate(rendition_id=rendition.pk).status
        == ReportStatus.DONE
    )

    for language in ("zh-hans", "en"):
        html = _stored(report, "html", language).decode()
        assert f'<code class="report-digest">{head.chain_digest}</code>' in html
        # Whole and on one line in the PDF, so it can be selected and copied.
        pdf_lines = _pdf_text(_stored(report, "pdf", language), tmp_path).splitlines()
        assert any(head.chain_digest in line for line in pdf_lines), language
        cells = _summary_cells(_stored(report, "xlsx", language))
        digest_label = (
            "审计链封存：链摘要"
            if language == "zh-hans"
            else "Audit seal: chain digest"
        )
        entry_label = (
            "审计链封存：序号" if language == "zh-hans" else "Audit seal: entry"
        )
        digest, cell = cells[digest_label]
        assert digest == head.chain_digest and cell.data_type == "s"
        assert cells[entry_label][0] == head.position

    zh = _stored(report, "html", "zh-hans").decode()
    assert "审计链封存" in zh and f"第{head.position}条" in zh
    en = _stored(report, "html", "en").decode()
    assert "Audit seal" in en and f"entry {head.position}" in en
    zh_pdf = _pdf_text(_stored(report, "pdf", "zh-hans"), tmp_path)
    assert "审计链封存" in zh_pdf and "链摘要" in zh_pdf


@pytest.mark.django_db
def test_a_report_made_before_the_first_seal_says_so(initiative, task, tmp_path):
    report = _generate(initiative)
    assert report.snapshot["audit_seal"] is None
    html = _stored(report, "html", "zh-hans").decode()
    assert "生成本报告时，审计日志尚未封存。" in html
    assert '<code class="report-digest">' not in html
    assert "尚未封存" in _pdf_text(_stored(report, "pdf", "zh-hans"), tmp_path)
    cells = _summary_cells(_stored(report, "xlsx", "zh-hans"))
    assert cells["审计链封存"][0] == "生成本报告时，审计日志尚未封存。"
    english = render("html", report.snapshot, language="en").decode()
    assert "had not been sealed yet" in english


def test_an_older_snapshot_without_the_key_renders_without_it():
    week = json.loads((DATA / "snapshot_week.json").read_text(encoding="utf-8"))
    assert "audit_seal" not in week
    for language in ("zh-hans", "en"):
        html = render("html", week, language=language).decode()
        assert 'id="report-seal"' not in html
        assert 'id="report-seal"' not in render_body(week, language=language)
        cells = _summary_cells(render("xlsx", week, language=language))
        assert not any(
            str(label).startswith(("审计链", "Audit seal")) for label in cells
        )


def test_the_digest_fits_one_line_of_an_a4_pdf(tmp_path):
    """The longest case: a long position and an English page."""
    week = json.loads((DATA / "snapshot_week.json").read_text(encoding="utf-8"))
    digest = "f" * 64
    week["audit_seal"] = {
        "position": 9_876_543_210,
        "chain_digest": digest,
        "sealed_at": "2026-11-23T00:05:00.123456+00:00",
    }
    for language in ("en", "zh-hans"):
        text = _pdf_text(render("pdf", week, language=language), tmp_path)
        assert any(digest in line for line in text.splitlines()), language
    html = render("html", week, language="zh-hans").decode()
    # Beijing time, as the rest of the report.
    assert "2026年11月23日 08:05" in html and "第9876543210条" in html


@pytest.mark.django_db
def test_audit_verify_finds_the_heads_reports_printed(initiative, task, sc_coord):
    """In the snapshot row and in the stored HTML file: cutting the ledger back
    to before the head a report printed is named from both, with no digest
    passed by hand."""
    from audit.sealing import verify_chain
    from tests.audit.chain import cut_ledger

    tracker_services.task_start(task=task, actor=sc_coord)
    first = seal_new_events()
    report = _generate(initiative)
    html = _stored(report, "html", "zh-hans").decode()
    head = latest_seal()
    assert (
        f'data-audit-position="{head.position}" data-audit-chain="{head.chain_digest}"'
        in html
    )
    assert verify_chain().ok

    cut_ledger(1)
    (finding,) = verify_chain().findings
    assert (finding.kind, finding.position, finding.last_position) == (
        "ledger cut",
        2,
        first.position,
    )
    assert f"report #{report.pk}" in finding.detail
    assert "report file reports/" in finding.detail
