"""Make a backup, and restore one (see the package's docstring)."""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
import time
from importlib import metadata
from pathlib import Path

from django.core.files import File
from django.core.files.storage import default_storage
from django.db import connection
from django.db.migrations.loader import MigrationLoader

from audit.sealing import anchors as audit_anchors

from . import ANCHORS, DUMP, FILES, FORMAT, MANIFEST, database, storage
from .archive import HashingReader, Reader, Writer, digest


class Refused(Exception):
    """The backup or the target is not fit for a restore; nothing was changed."""


def app_version() -> str:
    try:
        return metadata.version("chengyu-tracker")
    except metadata.PackageNotFoundError:
        return "unknown"


def _entry(size: int, sha256: str, **extra) -> dict:
    return {"size": size, "sha256": sha256, **extra}


def backup(dest: Path, *, log=print) -> dict:
    """Write a backup to dest (a new directory, or a .tar file); return the
    manifest."""
    started = time.monotonic()
    created_at = dt.datetime.now(dt.UTC)
    writer = Writer.open(dest)
    try:
        manifest = {
            "format": FORMAT,
            "created_at": created_at.isoformat(timespec="seconds"),
            "app_version": app_version(),
            "order": "database dump first, then the stored files",
        }
        dump_path = writer.scratch / DUMP
        with database.snapshot() as snapshot:
            database.dump(dump_path, snapshot=snapshot)
            manifest["migrations"] = snapshot.migrations()
            tables = snapshot.table_counts()
        size, sha256 = writer.place(DUMP, dump_path)
        manifest["database"] = _entry(
            size,
            sha256,
            file=DUMP,
            name=database.name(),
            server_version=database.server_version(),
            pg_dump=database.client_version(),
            tables=tables,
        )
        log(f"database {database.name()}: {size} bytes")

        files = []
        for name in storage.walk():
            with default_storage.open(name, "rb") as f:
                size, sha256 = writer.add(FILES + name, f, default_storage.size(name))
            files.append(_entry(size, sha256, name=name))
        manifest["storage"] = {
            "backend": type(default_storage).__module__
            + "."
            + type(default_storage).__qualname__,
            "count": len(files),
            "bytes": sum(f["size"] for f in files),
            "files": files,
        }
        log(f"files: {len(files)}, {manifest['storage']['bytes']} bytes")

        path = audit_anchors.anchor_path()
        if path is not None and path.exists():
            size, sha256 = writer.add_path(ANCHORS, path)
            manifest["anchors"] = _entry(size, sha256, file=ANCHORS, path=str(path))
            log(f"audit anchors: {size} bytes from {path}")
        else:
            manifest["anchors"] = None
            log("audit anchors: no file (AUDIT_ANCHOR_PATH unset or not yet written)")
        manifest["seconds"] = round(time.monotonic() - started, 2)
        writer.finish(json.dumps(manifest, ensure_ascii=False, indent=1).encode())
    except BaseException:
        writer.abandon()
        raise
    return manifest


# Restore ---------------------------------------------------------------------


@dataclasses.dataclass
class Summary:
    tables: int = 0
    rows: int = 0
    files: int = 0
    bytes: int = 0
    anchors: str = ""
    missing_files: list[str] = dataclasses.field(default_factory=list)
    unapplied: list[str] = dataclasses.field(default_factory=list)
    unknown: list[str] = dataclasses.field(default_factory=list)
    seconds: float = 0.0


def read_manifest(reader: Reader) -> dict:
    if MANIFEST not in reader.names():
        raise Refused(
            f"No {MANIFEST}: not a backup, or one that did not finish. Refused."
        )
    try:
        with reader.open_member(MANIFEST) as f:
            manifest = json.load(f)
    except ValueError as error:
        raise Refused(f"{MANIFEST} is not valid JSON ({error}). Refused.") from error
    if not isinstance(manifest, dict) or manifest.get("format") != FORMAT:
        raise Refused(f"{MANIFEST} is not a {FORMAT} manifest. Refused.")
    return manifest


def _expected(manifest: dict) -> dict[str, dict]:
    """Every member the manifest lists, by its name in the backup."""
    expected = {DUMP: manifest["database"]}
    for entry in manifest["storage"]["files"]:
        expected[FILES + entry["name"]] = entry
    if manifest.get("anchors"):
        expected[ANCHORS] = manifest["anchors"]
    return expected


def check(reader: Reader, manifest: dict) -> list[str]:
    """What in the backup does not match its manifest (empty: all of it does)."""
    problems = []
    names = reader.names() - {MANIFEST}
    expected = _expected(manifest)
    for name in sorted(names - set(expected)):
        problems.append(f"{name}: in the backup but not in the manifest")
    for name, entry in sorted(expected.items()):
        if name not in names:
            problems.append(f"{name}: in the manifest but missing from the backup")
            continue
        with reader.open_member(name) as f:
            size, sha256 = digest(f)
        if (size, sha256) != (entry["size"], entry["sha256"]):
            problems.append(
                f"{name}: {size} bytes, sha256 {sha256}; the manifest says "
                f"{entry['size']} bytes, sha256 {entry['sha256']}"
            )
    return problems


def _refuse_problems(problems: list[str], when: str) -> None:
    if problems:
        shown = "\n  ".join(problems[:20])
        more = f"\n  … and {len(problems) - 20} more" if len(problems) > 20 else ""
        raise Refused(
            f"The backup does not match its manifest ({when}): refused.\n  "
            f"{shown}{more}"
        )


def _check_target(*, force: bool) -> None:
    found = database.objects()
    if found and not force:
        held = ", ".join(f"{count} {kind}" for kind, count in sorted(found.items()))
        raise Refused(
            f"The database {database.name()!r} is not empty ({held}). Restore into "
            "an empty database (createdb), or pass --force to replace what the "
            "backup holds."
        )
    stored = next(storage.walk(), None)
    if stored is not None and not force:
        raise Refused(
            f"The storage is not empty (it holds {stored!r}, among others). Restore "
            "into an empty storage, or pass --force to overwrite files of the same "
            "name."
        )


def _check_roles(dump_path: Path) -> None:
    from audit.roles import ensure_audit_owner

    # The audit owner logs in nowhere; make it as migrate would.
    ensure_audit_owner(connection)
    missing = database.missing_roles(database.roles_named(dump_path))
    if missing:
        raise Refused(
            "The dump's owners and grants name roles this server lacks: "
            + ", ".join(missing)
            + ". Create them first (the tables' owner and the application's role "
            "as in docker/initdb), then restore again."
        )


def _restore_files(reader: Reader, manifest: dict, *, force: bool) -> None:
    for entry in manifest["storage"]["files"]:
        name = entry["name"]
        if force and default_storage.exists(name):
            default_storage.delete(name)
        with reader.open_member(FILES + name) as f:
            hashing = HashingReader(f)
            saved = default_storage.save(name, File(hashing, name=name))
        if saved != name:
            raise RuntimeError(f"the storage saved {name!r} as {saved!r}")
        if hashing.hexdigest() != entry["sha256"]:
            raise RuntimeError(f"{name}: changed while it was read from the backup")


def _check_files(manifest: dict) -> list[str]:
    problems = []
    for entry in manifest["storage"]["files"]:
        name = entry["name"]
        try:
            with default_storage.open(name, "rb") as f:
                size, sha256 = digest(f)
        except FileNotFoundError:
            problems.append(f"{name}: not in the storage after the restore")
            continue
        if (size, sha256) != (entry["size"], entry["sha256"]):
            problems.append(f"{name}: the stored copy differs from the manifest")
    return problems


@dataclasses.dataclass
class AnchorPlan:
    """What restore will do with the anchor file, decided before anything is
    written, so that a refusal leaves the database and storage untouched."""

    summary: str
    content: bytes | None = None  # to write, or None to leave the file alone

    def apply(self) -> str:
        path = audit_anchors.anchor_path()
        if self.content is not None and path is not None:
            path.parent.mkdir(parents=True, exist_ok=True)
            partial = path.with_name(path.name + ".partial")
            partial.write_bytes(self.content)
            partial.replace(path)
        return self.summary


def _plan_anchors(reader: Reader, manifest: dict, *, force: bool) -> AnchorPlan:
    path = audit_anchors.anchor_path()
    if not manifest.get("anchors"):
        return AnchorPlan("none in the backup")
    with reader.open_member(ANCHORS) as f:
        content = f.read()
    if path is None:
        return AnchorPlan("in the backup, but AUDIT_ANCHOR_PATH is unset: not restored")
    current = path.read_bytes() if path.exists() else b""
    if current == content:
        return AnchorPlan(f"{path} already holds them")
    if current.startswith(content):
        # Heads sealed after the backup: keep them; audit_verify will say the
        # ledger stops short of them, which is what was lost.
        return AnchorPlan(f"{path} kept: it holds these and later heads")
    if current and not force:
        raise Refused(
            f"The anchor file {path} holds other chain heads. Move it aside, or "
            "pass --force to replace it."
        )
    lines = content.count(b"\n")
    return AnchorPlan(f"{path}: {lines} lines", content)


def _migration_state(summary: Summary) -> None:
    loader = MigrationLoader(connection)
    known = set(loader.disk_migrations)
    applied = set(loader.applied_migrations)
    summary.unapplied = sorted(f"{a}.{n}" for a, n in known - applied)
    summary.unknown = sorted(f"{a}.{n}" for a, n in applied - known)


def restore(src: Path, *, force: bool = False, log=print) -> Summary:
    started = time.monotonic()
    summary = Summary()
    reader = Reader.open(src)
    try:
        manifest = read_manifest(reader)
        _refuse_problems(check(reader, manifest), "before the restore")
        log(
            f"backup of {manifest['created_at']} (app {manifest['app_version']}): "
            "every checksum matches its manifest"
        )
        _check_target(force=force)
        anchors = _plan_anchors(reader, manifest, force=force)
        dump_path = reader.local_path(DUMP)
        _check_roles(dump_path)
        connection.close()
        database.restore(dump_path, clean=force)
        log(f"database restored into {database.name()}")
        _restore_files(reader, manifest, force=force)
        _refuse_problems(_check_files(manifest), "after the restore")
        summary.files = manifest["storage"]["count"]
        summary.bytes = manifest["storage"]["bytes"]
        summary.anchors = anchors.apply()
    finally:
        reader.close()
    counts = database.table_counts()
    summary.tables = len(counts)
    summary.rows = sum(counts.values())
    differ = {
        table: (counts.get(table), rows)
        for table, rows in manifest["database"].get("tables", {}).items()
        if counts.get(table) != rows
    }
    if differ:
        raise RuntimeError(f"row counts differ from the backup's: {differ}")
    present = set(storage.walk())
    summary.missing_files = sorted(set(storage.named_by_rows()) - present)
    _migration_state(summary)
    summary.seconds = round(time.monotonic() - started, 2)
    return summary
