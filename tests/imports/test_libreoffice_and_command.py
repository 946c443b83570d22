"""A workbook saved by LibreOffice imports as Excel's does; manage.py
import_tasks checks, then imports, and names every problem."""

import os
import shutil
import subprocess
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from audit.models import TaskEvent
from imports import services
from imports.models import JobStatus
from tests.imports.conftest import good_sheets, workbook_bytes
from tracker.models import Milestone, Task


def libreoffice_copy(data: bytes, tmp_path) -> bytes:
    """The file as LibreOffice Calc writes it: opened and saved again as XLSX
    (through ODS, so that nothing of openpyxl's writing is left)."""
    soffice = shutil.which("soffice")
    assert soffice, (
        "soffice is missing: scripts/debian-packages.sh libreoffice-calc-nogui"
    )
    source = tmp_path / "source.xlsx"
    source.write_bytes(data)
    profile = f"-env:UserInstallation=file://{tmp_path}/lo-profile"
    env = {**os.environ, "HOME": str(tmp_path)}
    for step, (name, target) in enumerate(
        [("source.xlsx", "ods"), ("source.ods", "xlsx")]
    ):
        out = tmp_path / f"out{step}"
        subprocess.run(
            [
                soffice,
                profile,
                "--headless",
                "--convert-to",
                target,
                "--outdir",
                str(out),
                str(tmp_path / name),
            ],
            check=True,
            capture_output=True,
            timeout=180,
            env=env,
        )
        (tmp_path / f"source.{target}").write_bytes(
            (out / f"source.{target}").read_bytes()
        )
    return (tmp_path / "source.xlsx").read_bytes()


def test_a_workbook_saved_by_libreoffice_imports(world, office, tmp_path):
    original = workbook_bytes(good_sheets())
    data = libreoffice_copy(original, tmp_path)
    assert data != original
    job = services.import_job_create(
        initiative=world, actor=office, file_name="lo.xlsx", data=data
    )
    assert job.problems == [], job.problems
    assert job.preview["summary"] == {"create": 9, "change": 0, "unchanged": 0}
    job = services.import_job_commit(job=job, actor=office)
    assert job.status == JobStatus.DONE
    task = Task.objects.get(initiative=world, code="IM-01")
    assert str(task.due_date) == "2025-12-31"
    assert Milestone.objects.get(task=task, title="完成可研批复").weight == 2
    # The file Excel would write imports onto it with nothing to change.
    again = services.import_job_create(
        initiative=world, actor=office, file_name="again.xlsx", data=original
    )
    assert again.preview["summary"] == {"create": 0, "change": 0, "unchanged": 9}


def test_the_command_checks_then_imports(world, office, tmp_path):
    path = tmp_path / "清单.xlsx"
    path.write_bytes(workbook_bytes(good_sheets()))
    out = StringIO()
    call_command(
        "import_tasks",
        str(path),
        "--initiative",
        world.code,
        "--user",
        "office",
        stdout=out,
    )
    assert "create 9" in out.getvalue()
    assert "dry run" in out.getvalue()
    assert not Task.objects.filter(initiative=world).exists()

    out = StringIO()
    call_command(
        "import_tasks",
        str(path),
        "--initiative",
        world.code,
        "--user",
        "office",
        "--commit",
        stdout=out,
    )
    assert "已导入" in out.getvalue()
    assert Task.objects.filter(initiative=world).count() == 2
    reasons = {
        e.pgh_context["reason"]
        for e in TaskEvent.objects.filter(pgh_obj__initiative=world)
    }
    assert len(reasons) == 1 and "清单.xlsx" in reasons.pop()


def test_the_command_reports_problems_and_fails(world, office, tmp_path):
    sheets = good_sheets()
    sheets["责任单位"][0][1] = "贵州省"
    path = tmp_path / "bad.xlsx"
    path.write_bytes(workbook_bytes(sheets))
    err = StringIO()
    with pytest.raises(CommandError):
        call_command(
            "import_tasks",
            str(path),
            "--initiative",
            world.code,
            "--user",
            "office",
            "--commit",
            "--language",
            "en",
            stderr=err,
        )
    assert "Owners row 2 Party: Unknown party “贵州省”" in err.getvalue()
    assert not Task.objects.filter(initiative=world).exists()


def test_the_command_refuses_a_user_outside_the_joint_office(world, sc_coord, tmp_path):
    path = tmp_path / "清单.xlsx"
    path.write_bytes(workbook_bytes(good_sheets()))
    with pytest.raises(CommandError, match="joint office"):
        call_command("import_tasks", str(path), "--user", "sc_coord", "--commit")
