"""manage.py import_tasks FILE [--initiative CODE] [--commit] [--user USERNAME]

A dry run unless --commit: what would be created, changed (old → new) and
left alone, and every problem with its sheet, row and column. The import
(--commit) is all or nothing and is recorded in the audit trail as the named
user's, with the file's name and SHA-256 as its reason."""

from __future__ import annotations

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils import translation

from accounts.models import User
from config.exceptions import DomainError
from imports import services
from imports.models import JobStatus
from tracker.models import Initiative


class Command(BaseCommand):
    help = "Check (dry run) or import a task list file (.xlsx or .csv)."

    def add_arguments(self, parser):
        parser.add_argument("file")
        parser.add_argument(
            "--initiative", help="initiative code (default: the only one)"
        )
        parser.add_argument(
            "--commit", action="store_true", help="import (all or nothing)"
        )
        parser.add_argument(
            "--user",
            help="the joint office member the import is recorded as (default: the first superuser)",
        )
        parser.add_argument("--language", default="zh-hans", choices=["zh-hans", "en"])

    def handle(self, *args, **options):
        path = Path(options["file"])
        if not path.is_file():
            raise CommandError(f"No such file: {path}")
        initiative = self._initiative(options["initiative"])
        user = self._user(options["user"])
        language = options["language"]
        try:
            job = services.import_job_create(
                initiative=initiative,
                actor=user,
                file_name=path.name,
                data=path.read_bytes(),
            )
            if job.in_worker and job.status != JobStatus.REFUSED:
                # An operator's command waits for nothing: it runs here.
                job = services.import_job_run(job_id=job.pk, commit=False)
            if (
                options["commit"]
                and job.status == JobStatus.CHECKED
                and not job.problems
            ):
                services.import_job_claim(job=job)
                job = services.import_job_run(job_id=job.pk, commit=True)
        except DomainError as error:
            with translation.override(language):
                raise CommandError(str(error.message)) from error
        self._report(job, language, options["commit"])
        if job.problems:
            raise CommandError(f"{len(job.problems)} problem(s): nothing was imported.")

    def _initiative(self, code):
        if code:
            initiative = Initiative.objects.filter(code=code).first()
            if initiative is None:
                raise CommandError(f"No initiative with the code {code}.")
            return initiative
        initiatives = list(Initiative.objects.all()[:2])
        if len(initiatives) != 1:
            raise CommandError("Name the initiative with --initiative CODE.")
        return initiatives[0]

    def _user(self, username):
        if username:
            user = User.objects.filter(username=username, is_active=True).first()
            if user is None:
                raise CommandError(f"No active user {username}.")
        else:
            user = User.objects.filter(is_superuser=True, is_active=True).first()
            if user is None:
                raise CommandError("Name the importing user with --user USERNAME.")
        if not services.may_import(user):
            raise CommandError(f"{user.username} does not act for the joint office.")
        return user

    def _report(self, job, language, commit):
        zh = language == "zh-hans"
        out = self.stdout
        out.write(f"{job.file_name}  SHA-256 {job.sha256}")
        summary = (job.preview or {}).get("summary")
        if summary:
            out.write(
                "create {create}  change {change}  unchanged {unchanged}".format(
                    **summary
                )
            )
            for entry in job.preview.get("create", []):
                out.write(f"  + {entry['sheet']} row {entry['row']}: {entry['key']}")
            for entry in job.preview.get("change", []):
                out.write(f"  ~ {entry['sheet']} row {entry['row']}: {entry['key']}")
                for c in entry["changes"]:
                    column = c["column_zh"] if zh else c["column_en"]
                    out.write(f"      {column}: {c['old']} → {c['new']}")
        for p in job.problems:
            sheet = p["sheet"] if zh else p["sheet_en"]
            column = p["column_zh"] if zh else p["column_en"]
            where = " ".join(
                x for x in (sheet, f"row {p['row']}" if p["row"] else "", column) if x
            )
            self.stderr.write(f"! {where}: {p['zh'] if zh else p['en']}")
        if job.status == JobStatus.DONE:
            out.write("imported" if not zh else "已导入")
        elif commit and not job.problems:
            out.write("not imported")
        elif not job.problems:
            out.write("dry run: nothing saved; run again with --commit to import")
