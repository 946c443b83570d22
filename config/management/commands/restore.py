"""Restore a backup made by `manage.py backup` into an empty database and an
empty storage (config/backup)."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from config.backup import run


class Command(BaseCommand):
    help = (
        "Restore SRC (a backup directory or .tar) into the empty database and "
        "storage of these settings, after checking every checksum against the "
        "manifest; the files are checked again once stored."
    )
    requires_system_checks = []

    def add_arguments(self, parser):
        parser.add_argument("src", type=Path)
        parser.add_argument(
            "--force",
            action="store_true",
            help="restore into a database or storage that is not empty: the "
            "backup's objects and files replace those of the same name",
        )

    def handle(self, *args, src: Path, force: bool, **options):
        try:
            summary = run.restore(src, force=force, log=self.stdout.write)
        except (run.Refused, FileNotFoundError, RuntimeError) as error:
            raise CommandError(str(error)) from error
        self.stdout.write(
            f"Restored in {summary.seconds} s: {summary.tables} tables, "
            f"{summary.rows} rows (every table's count as in the backup); "
            f"{summary.files} files, {summary.bytes} bytes (every checksum "
            f"matches); audit anchors: {summary.anchors}."
        )
        if summary.missing_files:
            self.stderr.write(
                f"{len(summary.missing_files)} files named by rows are not in the "
                "backup (deleted between the dump and the copy): "
                + ", ".join(summary.missing_files[:10])
            )
        if summary.unknown:
            self.stderr.write(
                "The backup has migrations this code does not know (restore it "
                "with the version that made it): " + ", ".join(summary.unknown)
            )
        if summary.unapplied:
            self.stdout.write(
                f"{len(summary.unapplied)} migrations of this code are not applied: "
                "run manage.py migrate."
            )
        self.stdout.write("Next: manage.py audit_verify")
