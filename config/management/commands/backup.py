"""Back up the database, the stored files and the audit anchors (config/backup)."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from config.backup import run


class Command(BaseCommand):
    help = (
        "Back up the service to DEST: a new directory, or a file ending in .tar. "
        "pg_dump (custom format) first, then every stored file, the audit anchor "
        "file and a manifest of checksums."
    )
    requires_system_checks = []

    def add_arguments(self, parser):
        parser.add_argument("dest", type=Path)

    def handle(self, *args, dest: Path, **options):
        try:
            manifest = run.backup(dest, log=self.stdout.write)
        except (FileExistsError, FileNotFoundError, RuntimeError) as error:
            raise CommandError(str(error)) from error
        self.stdout.write(
            f"Backup written to {dest} in {manifest['seconds']} s: database "
            f"{manifest['database']['size']} bytes (sha256 "
            f"{manifest['database']['sha256'][:12]}…), "
            f"{manifest['storage']['count']} files, "
            f"{sum(len(m) for m in manifest['migrations'].values())} migrations "
            "applied."
        )
