"""Spreadsheets printed to PDF by LibreOffice (headless, a private profile per
call) and read back with poppler, to check what a clerk would print."""

from __future__ import annotations

import shutil
import subprocess
import uuid
from pathlib import Path

import pytest


def _require(tool: str, package: str) -> str:
    path = shutil.which(tool)
    if path is None:
        pytest.fail(
            f"{tool} is missing: install the Debian package {package} "
            f"(scripts/debian-packages.sh {package})."
        )
    return path


def to_pdf(xlsx: Path) -> Path:
    soffice = _require("soffice", "libreoffice-calc-nogui")
    profile = Path("/tmp") / f"lo-profile-{uuid.uuid4().hex}"
    try:
        subprocess.run(
            [
                soffice,
                f"-env:UserInstallation=file://{profile}",
                "--headless",
                "--convert-to",
                "pdf",
                "--outdir",
                str(xlsx.parent),
                str(xlsx),
            ],
            check=True,
            capture_output=True,
            timeout=180,
        )
    finally:
        shutil.rmtree(profile, ignore_errors=True)
    pdf = xlsx.with_suffix(".pdf")
    assert pdf.exists(), f"LibreOffice wrote no PDF for {xlsx.name}"
    return pdf


def page_count(pdf: Path) -> int:
    info = subprocess.run(
        [_require("pdfinfo", "poppler-utils"), str(pdf)],
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    return int(
        next(line for line in info.splitlines() if line.startswith("Pages:")).split()[1]
    )


def page_texts(pdf: Path) -> list[str]:
    tool = _require("pdftotext", "poppler-utils")
    return [
        subprocess.run(
            [tool, "-layout", "-f", str(n), "-l", str(n), str(pdf), "-"],
            check=True,
            capture_output=True,
            text=True,
        ).stdout
        for n in range(1, page_count(pdf) + 1)
    ]


def header_words(sheet) -> tuple[str, str]:
    """The first and the last header of a table sheet, as pdftotext shows
    them even when the header wraps: an English header's first word, a Chinese
    one's first two characters."""

    def head(text: str) -> str:
        text = str(text).strip()
        return text.split()[0] if text.isascii() else text[:2]

    values = [c.value for c in sheet[1] if c.value not in (None, "")]
    return head(values[0]), head(values[-1])


def sheet_of(page: str) -> str:
    """The sheet a printed page belongs to: the footer's right part (&A)."""
    lines = [line for line in page.splitlines() if line.strip()]
    return lines[-1].split()[-1] if lines else ""


def assert_one_page_wide(pdf: Path, workbook, sheets: list[str]) -> list[str]:
    """Every printed page of a table sheet shows its first and its last header
    (the header row repeats on every page, and all columns are on the page),
    and no cell printed as "###"."""
    pages = page_texts(pdf)
    text = "\n".join(pages)
    assert "###" not in text
    for name in sheets:
        first, last = header_words(workbook[name])
        printed = [n for n, page in enumerate(pages) if sheet_of(page) == name]
        assert printed, f"no page of {name}"
        for n in printed:
            assert first in pages[n], f"{name}: page {n + 1} lacks {first!r}"
            assert last in pages[n], f"{name}: page {n + 1} lacks {last!r}"
    return pages
