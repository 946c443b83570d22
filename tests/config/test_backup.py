"""`manage.py backup` and `manage.py restore` against real PostgreSQL: a
restore into a new, empty database on the same server and an empty media
directory gives the same rows, the same files and a history that verifies;
a tampered backup or a non-empty target is refused before anything is
written. (The demo-sized drill: drills/backup_restore.py.)"""

from __future__ import annotations

import hashlib
import io
import json
import shutil
from pathlib import Path

import psycopg
import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection

from config.backup import compare
from config.backup.storage import walk
from tests.audit.chain import seal
from tests.celery_worker import database_url
from tests.processes import manage
from tracker.services.evidence import evidence_upload

PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << >>\n%%EOF\n"


def stored_checksums(root: Path | None = None) -> dict[str, str]:
    if root is None:
        names = walk()
        read = lambda name: default_storage.open(name, "rb").read()  # noqa: E731
    else:
        names = (p.relative_to(root).as_posix() for p in root.rglob("*") if p.is_file())
        read = lambda name: (root / name).read_bytes()  # noqa: E731
    return {name: hashlib.sha256(read(name)).hexdigest() for name in names}


@pytest.fixture
def source(settings, tmp_path, task, cq_coord):
    """A world (committed in the tests that say transaction=True) with files (a stored report, an evidence upload) and a
    sealed audit chain whose head is in the anchor file."""
    settings.MEDIA_ROOT = str(tmp_path / "media")
    settings.AUDIT_ANCHOR_PATH = str(tmp_path / "anchors.log")
    default_storage.save("reports/2026/周报.html", ContentFile("<p>周报</p>".encode()))
    evidence_upload(
        actor=cq_coord,
        file=SimpleUploadedFile("验收证书.pdf", PDF, "application/pdf"),
    )
    seal()
    return tmp_path


@pytest.fixture
def empty_database():
    name = f"{connection.settings_dict['NAME']}_restored"
    admin = database_url().rsplit("/", 1)[0] + "/postgres"
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}"')
        conn.execute(f'CREATE DATABASE "{name}"')
    yield database_url().rsplit("/", 1)[0] + "/" + name
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture
def reader_role(empty_database):
    """A role of this test's own that may read one table: a grant the dump
    carries, and that restore keeps."""
    role = f"{connection.settings_dict['NAME']}_reader"
    admin = database_url().rsplit("/", 1)[0] + "/postgres"
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'DROP ROLE IF EXISTS "{role}"')
        conn.execute(f'CREATE ROLE "{role}" NOLOGIN')
    with psycopg.connect(database_url(), autocommit=True) as conn:
        conn.execute(f'GRANT SELECT ON tracker_task TO "{role}"')
    yield role
    for url in (database_url(), empty_database):
        with psycopg.connect(url, autocommit=True) as conn:
            exists = conn.execute(
                "SELECT 1 FROM pg_roles WHERE rolname = %s", [role]
            ).fetchone()
            if exists:
                conn.execute(f'DROP OWNED BY "{role}"')
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'DROP ROLE IF EXISTS "{role}"')


def _drop_role(role: str) -> None:
    with psycopg.connect(database_url(), autocommit=True) as conn:
        conn.execute(f'REVOKE SELECT ON tracker_task FROM "{role}"')
        conn.execute(f'DROP ROLE "{role}"')


def _create_role(role: str) -> None:
    with psycopg.connect(database_url(), autocommit=True) as conn:
        conn.execute(f'CREATE ROLE "{role}" NOLOGIN')


def backup(dest: Path) -> str:
    out = io.StringIO()
    call_command("backup", str(dest), stdout=out)
    return out.getvalue()


def restore_error(src: Path) -> str:
    with pytest.raises(CommandError) as refusal:
        call_command("restore", str(src), stdout=io.StringIO())
    return str(refusal.value)


@pytest.mark.django_db(transaction=True)
def test_restore_into_empty_database_and_storage_gives_the_same_rows_files_and_history(
    source, empty_database, reader_role
):
    archive = source / "backup.tar"
    assert "2 files" in backup(archive)
    target = {
        "DATABASE_URL": empty_database,
        "MEDIA_ROOT": str(source / "restored-media"),
        "AUDIT_ANCHOR_PATH": str(source / "restored-anchors.log"),
    }
    (source / "restored-media" / "reports").mkdir(parents=True)
    (source / "restored-media" / "reports" / "old.pdf").write_bytes(PDF)

    refused = manage("restore", str(archive), env=target)

    assert refused.returncode != 0
    assert "The storage is not empty" in refused.stderr
    assert compare.fingerprints(empty_database) == {}, "nothing restored"
    shutil.rmtree(source / "restored-media")

    # The dump grants to a role this server has lost since.
    _drop_role(reader_role)
    refused = manage("restore", str(archive), env=target)

    assert refused.returncode != 0
    assert f"name roles this server lacks: {reader_role}." in refused.stderr
    assert compare.fingerprints(empty_database) == {}, "nothing restored"
    _create_role(reader_role)

    done = manage("restore", str(archive), env=target)

    assert done.returncode == 0, done.stderr
    assert "every checksum matches" in done.stdout
    assert (
        compare.differences(
            compare.fingerprints(database_url()), compare.fingerprints(empty_database)
        )
        == []
    )
    assert stored_checksums(source / "restored-media") == stored_checksums()
    with psycopg.connect(empty_database) as conn:
        grants = conn.execute(
            "SELECT has_table_privilege(%s, 'tracker_task', 'SELECT'),"
            " has_table_privilege(%s, 'tracker_progressupdate', 'SELECT')",
            [reader_role, reader_role],
        ).fetchone()
    assert grants == (True, False)
    assert (source / "restored-anchors.log").read_bytes() == (
        source / "anchors.log"
    ).read_bytes()
    verified = manage("audit_verify", env=target)
    assert verified.returncode == 0, verified.stdout + verified.stderr
    assert "agree" in verified.stdout

    # Once restored, the same target is no longer empty.
    again = manage("restore", str(archive), env=target)
    assert again.returncode != 0
    assert "is not empty" in again.stderr


@pytest.mark.django_db
def test_restore_refuses_a_database_that_is_not_empty(source):
    backup(source / "backup")
    before = compare.fingerprints(database_url())

    message = restore_error(source / "backup")

    assert f"The database {connection.settings_dict['NAME']!r} is not empty" in message
    assert "--force" in message
    assert compare.fingerprints(database_url()) == before


def _evidence_file(root: Path) -> Path:
    (found,) = (root / "files" / "evidence").rglob("*.pdf")
    return found


def _tamper_file(root: Path) -> str:
    path = _evidence_file(root)
    path.write_bytes(path.read_bytes().replace(b"Catalog", b"Cataloh"))
    return path.relative_to(root).as_posix()


def _tamper_manifest(root: Path) -> str:
    manifest = json.loads((root / "manifest.json").read_text())
    entry = manifest["storage"]["files"][0]
    entry["sha256"] = "0" * 64
    (root / "manifest.json").write_text(json.dumps(manifest))
    return "files/" + entry["name"]


def _tamper_dump(root: Path) -> str:
    with (root / "database.dump").open("r+b") as f:
        f.seek(-10, 2)
        f.write(b"\0" * 10)
    return "database.dump"


def _add_file(root: Path) -> str:
    (root / "files" / "reports" / "extra.html").write_text("<p>后加的</p>")
    return "files/reports/extra.html: in the backup but not in the manifest"


def _remove_file(root: Path) -> str:
    path = _evidence_file(root)
    path.unlink()
    return f"{path.relative_to(root).as_posix()}: in the manifest but missing"


@pytest.mark.django_db
@pytest.mark.parametrize(
    "tamper", [_tamper_file, _tamper_manifest, _tamper_dump, _add_file, _remove_file]
)
def test_restore_refuses_a_backup_that_does_not_match_its_manifest(source, tamper):
    backup(source / "backup")
    named = tamper(source / "backup")

    message = restore_error(source / "backup")

    assert "does not match its manifest (before the restore): refused" in message
    assert named in message


@pytest.mark.django_db
def test_restore_refuses_an_unfinished_backup(source):
    backup(source / "backup")
    (source / "backup" / "manifest.json").unlink()

    assert "No manifest.json" in restore_error(source / "backup")


@pytest.mark.django_db
def test_backup_manifest_lists_every_part(source):
    backup(source / "backup")
    manifest = json.loads((source / "backup" / "manifest.json").read_text())

    assert manifest["format"] == "chengyu-tracker-backup/1"
    assert manifest["order"] == "database dump first, then the stored files"
    assert "0001_initial" in manifest["migrations"]["tracker"]
    files = {entry["name"]: entry for entry in manifest["storage"]["files"]}
    assert set(files) == set(stored_checksums())
    for name, sha256 in stored_checksums().items():
        assert files[name]["sha256"] == sha256
    dump = (source / "backup" / "database.dump").read_bytes()
    assert manifest["database"]["sha256"] == hashlib.sha256(dump).hexdigest()
    assert dump.startswith(b"PGDMP")  # pg_dump's custom format
    # The test's own rows are not committed: the dump holds the schema.
    assert manifest["database"]["tables"]["tracker_task"] == 0
    anchors = (source / "anchors.log").read_bytes()
    assert manifest["anchors"]["sha256"] == hashlib.sha256(anchors).hexdigest()


@pytest.mark.django_db
def test_backup_refuses_a_destination_that_holds_something(source):
    (source / "taken").mkdir()
    (source / "taken" / "notes.txt").write_text("x")
    with pytest.raises(CommandError, match="not an empty directory"):
        backup(source / "taken")
    shutil.rmtree(source / "taken")


@pytest.mark.django_db
def test_restore_refuses_to_replace_an_anchor_file_with_other_heads(
    source, empty_database
):
    backup(source / "backup")
    other = source / "other-anchors.log"
    other.write_text(
        "2026-12-01T00:00:00.000000+00:00\tposition 7\tchain " + "a" * 64 + "\trun 1\n"
    )

    done = manage(
        "restore",
        str(source / "backup"),
        env={
            "DATABASE_URL": empty_database,
            "MEDIA_ROOT": str(source / "restored-media"),
            "AUDIT_ANCHOR_PATH": str(other),
        },
    )

    assert done.returncode != 0
    assert f"The anchor file {other} holds other chain heads" in done.stderr
    assert compare.fingerprints(empty_database) == {}, "nothing restored"
    assert not (source / "restored-media").exists()
    assert "position 7" in other.read_text()
