"""Files in a real S3-compatible server (moto's, on loopback): one server for
the session, a fresh bucket for every test, and a MEDIA_ROOT that must stay
empty."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.parks.conftest import parks_world  # noqa: F401  (a fixture)
from tests.s3_server import S3Server


@pytest.fixture(scope="session")
def s3_server(tmp_path_factory):
    server = S3Server(tmp_path_factory.mktemp("s3")).start()
    yield server
    server.stop()


@dataclass
class Bucket:
    server: S3Server
    name: str
    prefix: str
    media: Path

    @property
    def url(self) -> str:
        return f"s3://{self.name}/{self.prefix}"

    def objects(self) -> dict[str, bytes]:
        """The objects under the prefix, by storage name."""
        return {
            key.removeprefix(f"{self.prefix}/"): body
            for key, body in self.server.objects(self.name).items()
        }

    def media_files(self) -> list[Path]:
        if not self.media.exists():
            return []
        return [p for p in self.media.rglob("*") if p.is_file()]


@pytest.fixture
def bucket(s3_server, settings, tmp_path) -> Bucket:
    """The default storage is a new bucket (under a prefix); MEDIA_ROOT points
    at a directory nothing may be written to."""
    found = Bucket(s3_server, s3_server.new_bucket(), "tracker", tmp_path / "media")
    settings.MEDIA_ROOT = str(found.media)
    settings.STORAGES = {
        **settings.STORAGES,
        "default": s3_server.storage_settings(found.url),
    }
    return found
