"""Where a backup is written and read: a directory, or a single .tar file.

Both hold the same names (see the package's docstring); the manifest is
written last, so a backup cut short has none and restore refuses it."""

from __future__ import annotations

import hashlib
import io
import os
import shutil
import tarfile
import time
from pathlib import Path
from typing import BinaryIO

from . import MANIFEST

CHUNK = 1024 * 1024


class HashingReader(io.RawIOBase):
    """Reads through to another file, counting and hashing what passes."""

    def __init__(self, inner: BinaryIO):
        self.inner = inner
        self.sha256 = hashlib.sha256()
        self.size = 0

    def readable(self) -> bool:
        return True

    def readinto(self, buffer) -> int:
        data = self.inner.read(len(buffer))
        buffer[: len(data)] = data
        self.sha256.update(data)
        self.size += len(data)
        return len(data)

    def read(self, size: int = -1) -> bytes:
        data = self.inner.read(size)
        self.sha256.update(data)
        self.size += len(data)
        return data

    def hexdigest(self) -> str:
        return self.sha256.hexdigest()


def digest(f: BinaryIO) -> tuple[int, str]:
    """(size, sha256) of what is left to read in f."""
    reader = HashingReader(f)
    while reader.read(CHUNK):
        pass
    return reader.size, reader.hexdigest()


def is_tar(path: Path) -> bool:
    return path.suffix == ".tar"


class Writer:
    @staticmethod
    def open(dest: Path) -> Writer:
        if is_tar(dest):
            return TarWriter(dest)
        return DirectoryWriter(dest)

    def add(self, name: str, f: BinaryIO, size: int) -> tuple[int, str]:
        raise NotImplementedError

    def add_path(self, name: str, path: Path) -> tuple[int, str]:
        with path.open("rb") as f:
            return self.add(name, f, path.stat().st_size)

    def place(self, name: str, path: Path) -> tuple[int, str]:
        """Take in a file made in ``scratch`` (the dump)."""
        raise NotImplementedError

    def finish(self, manifest: bytes) -> None:
        raise NotImplementedError

    def abandon(self) -> None:
        raise NotImplementedError


class DirectoryWriter(Writer):
    def __init__(self, dest: Path):
        if dest.exists() and (not dest.is_dir() or any(dest.iterdir())):
            raise FileExistsError(f"{dest} exists and is not an empty directory")
        dest.mkdir(parents=True, exist_ok=True)
        self.dest = dest
        self.scratch = dest

    def add(self, name: str, f: BinaryIO, size: int) -> tuple[int, str]:
        target = self.dest / name
        target.parent.mkdir(parents=True, exist_ok=True)
        reader = HashingReader(f)
        with target.open("wb") as out:
            shutil.copyfileobj(reader, out, CHUNK)
        return reader.size, reader.hexdigest()

    def place(self, name: str, path: Path) -> tuple[int, str]:
        # Made where it belongs already.
        with path.open("rb") as f:
            return digest(f)

    def finish(self, manifest: bytes) -> None:
        partial = self.dest / (MANIFEST + ".partial")
        with partial.open("wb") as out:
            out.write(manifest)
            out.flush()
            os.fsync(out.fileno())
        partial.rename(self.dest / MANIFEST)

    def abandon(self) -> None:
        pass  # left for the operator to look at; it has no manifest


class TarWriter(Writer):
    def __init__(self, dest: Path):
        if dest.exists():
            raise FileExistsError(f"{dest} exists")
        dest.parent.mkdir(parents=True, exist_ok=True)
        self.dest = dest
        self.partial = dest.with_name(dest.name + ".partial")
        # Closed by finish() or abandon().
        self.tar = tarfile.open(self.partial, "w", format=tarfile.PAX_FORMAT)  # noqa: SIM115
        # The dump is made beside the tar, then copied in.
        self.scratch = dest.with_name(dest.name + ".work")
        self.scratch.mkdir()

    def add(self, name: str, f: BinaryIO, size: int) -> tuple[int, str]:
        info = tarfile.TarInfo(name)
        info.size = size
        info.mtime = int(time.time())
        info.mode = 0o640
        reader = HashingReader(f)
        self.tar.addfile(info, reader)
        return reader.size, reader.hexdigest()

    def place(self, name: str, path: Path) -> tuple[int, str]:
        result = self.add_path(name, path)
        path.unlink()
        return result

    def finish(self, manifest: bytes) -> None:
        self.add(MANIFEST, io.BytesIO(manifest), len(manifest))
        self.tar.close()
        shutil.rmtree(self.scratch, ignore_errors=True)
        self.partial.rename(self.dest)

    def abandon(self) -> None:
        self.tar.close()
        shutil.rmtree(self.scratch, ignore_errors=True)
        self.partial.unlink(missing_ok=True)


class Reader:
    @staticmethod
    def open(src: Path) -> Reader:
        if not src.exists():
            raise FileNotFoundError(f"{src} does not exist")
        if src.is_dir():
            return DirectoryReader(src)
        return TarReader(src)

    def names(self) -> set[str]:
        raise NotImplementedError

    def open_member(self, name: str) -> BinaryIO:
        raise NotImplementedError

    def local_path(self, name: str) -> Path:
        """A path pg_restore can read (a tar member is extracted first)."""
        raise NotImplementedError

    def close(self) -> None:
        pass


class DirectoryReader(Reader):
    def __init__(self, src: Path):
        self.src = src

    def names(self) -> set[str]:
        return {
            path.relative_to(self.src).as_posix()
            for path in self.src.rglob("*")
            if path.is_file()
        }

    def open_member(self, name: str) -> BinaryIO:
        return (self.src / name).open("rb")

    def local_path(self, name: str) -> Path:
        return self.src / name


class TarReader(Reader):
    def __init__(self, src: Path):
        self.tar = tarfile.open(src, "r:")  # noqa: SIM115  (closed by close())
        self.members = {m.name: m for m in self.tar.getmembers() if m.isfile()}
        self.extracted: Path | None = None

    def names(self) -> set[str]:
        return set(self.members)

    def open_member(self, name: str) -> BinaryIO:
        f = self.tar.extractfile(self.members[name])
        if f is None:
            raise FileNotFoundError(name)
        return f

    def local_path(self, name: str) -> Path:
        import tempfile

        self.extracted = Path(tempfile.mkdtemp(prefix="restore-"))
        target = self.extracted / Path(name).name
        with self.open_member(name) as f, target.open("wb") as out:
            shutil.copyfileobj(f, out, CHUNK)
        return target

    def close(self) -> None:
        self.tar.close()
        if self.extracted is not None:
            shutil.rmtree(self.extracted, ignore_errors=True)
