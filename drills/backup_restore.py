"""Drill: back up the demo, restore it into an empty database and an empty
storage, and show that nothing was lost.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/x python -m drills.backup_restore

DATABASE_URL names the server (a role that may create databases and roles);
the drill makes its own databases and application role there and drops them
at the end. Every step is `manage.py` as an operator runs it: migrate, the
application role's grants, load_demo, generate_reports --demo-history, an
evidence upload, audit_seal, backup; then restore into a new database and
media directory, and audit_verify there. It prints the figures and fails
(exit 1) on any difference: rows and content per table, file checksums,
grants and trigger owners, the audit chain."""

from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import psycopg

from config.backup import compare

ROOT = Path(__file__).resolve().parents[1]

EVIDENCE = """
from django.core.files.uploadedfile import SimpleUploadedFile
from accounts.models import User
from tracker.services.evidence import evidence_upload
pdf = b"%PDF-1.4\\n1 0 obj << /Type /Catalog >> endobj\\ntrailer << >>\\n%%EOF\\n"
row = evidence_upload(
    actor=User.objects.get(username="cq_coord"),
    file=SimpleUploadedFile("会议纪要.pdf", pdf, "application/pdf"),
)
print(row.file.name)
"""


def server(url: str, database: str) -> str:
    return url.rsplit("/", 1)[0] + "/" + database


class Drill:
    def __init__(self, url: str, work: Path):
        self.url = url
        self.work = work
        stamp = f"{os.getpid()}"
        self.source_db = f"drill_backup_source_{stamp}"
        self.target_db = f"drill_backup_target_{stamp}"
        self.app_role = f"drill_backup_app_{stamp}"
        self.figures: list[tuple[str, str]] = []
        self.failures: list[str] = []

    def env(self, side: str) -> dict[str, str]:
        database = self.source_db if side == "source" else self.target_db
        return {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": os.environ.get(
                "DJANGO_SETTINGS_MODULE", "config.settings.test"
            ),
            "DATABASE_URL": server(self.url, database),
            "MEDIA_ROOT": str(self.work / side / "media"),
            "AUDIT_ANCHOR_PATH": str(self.work / side / "anchors.log"),
        }

    def manage(self, side: str, *args: str) -> str:
        started = time.monotonic()
        done = subprocess.run(
            [sys.executable, "manage.py", *args],
            cwd=ROOT,
            env=self.env(side),
            capture_output=True,
            text=True,
            check=False,
        )
        seconds = time.monotonic() - started
        if done.returncode:
            raise SystemExit(
                f"manage.py {' '.join(args)} ({side}) failed:\n{done.stdout}"
                f"{done.stderr}"
            )
        self.figure(f"{side}: manage.py {args[0]}", f"{seconds:.1f} s")
        return done.stdout

    def figure(self, what: str, value) -> None:
        self.figures.append((what, str(value)))
        print(f"{what:<44} {value}", flush=True)

    def admin(self, statement: str) -> None:
        with psycopg.connect(server(self.url, "postgres"), autocommit=True) as conn:
            conn.execute(statement)

    def setup(self) -> None:
        self.admin(f'CREATE DATABASE "{self.source_db}"')
        self.admin(f'CREATE DATABASE "{self.target_db}"')
        self.admin(f'CREATE ROLE "{self.app_role}" NOLOGIN')

    def teardown(self) -> None:
        for database in (self.source_db, self.target_db):
            self.admin(f'DROP DATABASE IF EXISTS "{database}" WITH (FORCE)')
        self.admin(f'DROP ROLE IF EXISTS "{self.app_role}"')

    def run(self) -> None:
        self.manage("source", "migrate", "--noinput", "-v", "0")
        self.manage("source", "grant_app_role", self.app_role)
        self.manage("source", "load_demo")
        self.manage("source", "generate_reports", "--demo-history")
        evidence = self.manage("source", "shell", "-c", EVIDENCE).split()[-1]
        self.figure("evidence uploaded", evidence)
        self.manage("source", "audit_seal")

        backup = self.work / "backup"
        self.manage("source", "backup", str(backup))
        self.figure("backup size", f"{du(backup) / 1e6:.1f} MB")

        restored = self.manage("target", "restore", str(backup))
        print(restored.strip(), flush=True)
        self.compare_databases()
        self.compare_files()
        self.compare_roles()
        verified = self.manage("target", "audit_verify")
        self.figure("audit_verify (restored)", verified.strip().splitlines()[-1])

    def compare_databases(self) -> None:
        source = compare.fingerprints(server(self.url, self.source_db))
        target = compare.fingerprints(server(self.url, self.target_db))
        differences = compare.differences(source, target)
        self.failures += differences
        self.figure("tables (source / restored)", f"{len(source)} / {len(target)}")
        rows = (sum(r for r, _ in source.values()), sum(r for r, _ in target.values()))
        self.figure("rows (source / restored)", f"{rows[0]} / {rows[1]}")
        self.figure("tables whose rows differ (count or md5)", len(differences))

    def compare_files(self) -> None:
        source = checksums(self.work / "source" / "media")
        target = checksums(self.work / "target" / "media")
        differing = sorted(
            name
            for name in set(source) | set(target)
            if source.get(name) != target.get(name)
        )
        self.failures += [f"file {name} differs" for name in differing]
        self.figure("files (source / restored)", f"{len(source)} / {len(target)}")
        size = sum((self.work / "source" / "media" / n).stat().st_size for n in source)
        self.figure("file bytes", size)
        self.figure("files whose sha256 differs", len(differing))
        anchors = [
            (self.work / side / "anchors.log").read_bytes()
            for side in ("source", "target")
        ]
        if anchors[0] != anchors[1]:
            self.failures.append("the anchor file differs")
        self.figure("anchor file lines (restored, same bytes)", anchors[1].count(b"\n"))

    def compare_roles(self) -> None:
        query = """
            SELECT 'grant', table_name || ' ' || privilege_type
              FROM information_schema.role_table_grants WHERE grantee = %(role)s
            UNION ALL
            SELECT 'owner', p.proname || ' ' || r.rolname
              FROM pg_proc p JOIN pg_roles r ON r.oid = p.proowner
             WHERE p.proname LIKE 'pgtrigger_%%'
            UNION ALL
            SELECT 'security definer', p.proname
              FROM pg_proc p WHERE p.prosecdef AND p.proname LIKE 'pgtrigger_%%'
        """
        found = []
        for database in (self.source_db, self.target_db):
            with psycopg.connect(server(self.url, database)) as conn:
                found.append(set(conn.execute(query, {"role": self.app_role})))
        if found[0] != found[1]:
            self.failures.append(
                f"grants or trigger owners differ: {sorted(found[0] ^ found[1])[:5]}"
            )
        grants = sum(1 for kind, _ in found[1] if kind == "grant")
        owners = {value.split()[-1] for kind, value in found[1] if kind == "owner"}
        self.figure("app role grants (same on both)", grants)
        self.figure("trigger function owners (restored)", ", ".join(sorted(owners)))


def checksums(root: Path) -> dict[str, str]:
    return {
        path.relative_to(root).as_posix(): hashlib.sha256(path.read_bytes()).hexdigest()
        for path in root.rglob("*")
        if path.is_file()
    }


def du(root: Path) -> int:
    return sum(path.stat().st_size for path in root.rglob("*") if path.is_file())


def main() -> int:
    url = os.environ.get("DATABASE_URL")
    if not url:
        print("Set DATABASE_URL to a server where the drill may create databases.")
        return 2
    work = Path(tempfile.mkdtemp(prefix="drill-backup-"))
    drill = Drill(url, work)
    started = time.monotonic()
    drill.setup()
    try:
        drill.run()
    finally:
        drill.teardown()
        shutil.rmtree(work, ignore_errors=True)
    drill.figure("drill total", f"{time.monotonic() - started:.1f} s")
    if drill.failures:
        print("FAILED:\n  " + "\n  ".join(drill.failures))
        return 1
    print("backup and restore drill: same rows, same files, audit verified")
    return 0


if __name__ == "__main__":
    sys.exit(main())
