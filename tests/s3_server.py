"""A real S3-compatible server for tests: moto's server mode in a process of
its own on a spare loopback port. The code under test talks HTTP to it through
boto3 exactly as it would to any object store; nothing in boto3 is patched."""

from __future__ import annotations

import subprocess
import sys
import uuid
from pathlib import Path

import boto3
import requests

from config import storage_url
from tests.processes import free_port, wait_for

ACCESS_KEY = "tracker-test"
SECRET_KEY = "tracker-test-secret"
REGION = "us-east-1"


class S3Server:
    def __init__(self, directory: Path):
        self.directory = directory
        self.directory.mkdir(parents=True, exist_ok=True)
        self.port = free_port()
        self.endpoint = f"http://127.0.0.1:{self.port}"
        self.proc: subprocess.Popen | None = None

    def start(self) -> S3Server:
        self.log = open(self.directory / "moto.log", "wb")  # noqa: SIM115
        try:
            self.proc = subprocess.Popen(
                [
                    sys.executable,
                    "-m",
                    "moto.server",
                    "-H",
                    "127.0.0.1",
                    "-p",
                    str(self.port),
                ],
                cwd=self.directory,
                stdout=self.log,
                stderr=subprocess.STDOUT,
            )
        except FileNotFoundError as error:  # pragma: no cover - set-up problem
            raise AssertionError(
                "moto's S3 server is missing: pip install -e '.[dev]'"
            ) from error
        wait_for(self._up, 60, f"moto's S3 server on {self.endpoint}", every=0.2)
        return self

    def _up(self) -> bool:
        if self.proc.poll() is not None:
            output = (self.directory / "moto.log").read_text(errors="replace")
            raise AssertionError(f"moto's S3 server exited: {output[-2000:]}")
        try:
            return requests.get(self.endpoint, timeout=1).status_code < 500
        except requests.ConnectionError:
            return False

    def stop(self) -> None:
        if self.proc is not None and self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        if self.proc is not None:
            self.log.close()

    def client(self):
        return boto3.client(
            "s3",
            endpoint_url=self.endpoint,
            aws_access_key_id=ACCESS_KEY,
            aws_secret_access_key=SECRET_KEY,
            region_name=REGION,
        )

    def new_bucket(self) -> str:
        name = f"tracker-{uuid.uuid4().hex[:12]}"
        self.client().create_bucket(Bucket=name)
        return name

    def objects(self, bucket: str) -> dict[str, bytes]:
        """Every object in `bucket`: key → content."""
        client = self.client()
        found = {}
        pages = client.get_paginator("list_objects_v2").paginate(Bucket=bucket)
        for page in pages:
            for item in page.get("Contents", []):
                body = client.get_object(Bucket=bucket, Key=item["Key"])["Body"]
                found[item["Key"]] = body.read()
        return found

    def environment(self, url: str) -> dict[str, str]:
        """The variables that point a process at this server (STORAGE_URL)."""
        return {
            "STORAGE_URL": url,
            "AWS_S3_ENDPOINT_URL": self.endpoint,
            "AWS_ACCESS_KEY_ID": ACCESS_KEY,
            "AWS_SECRET_ACCESS_KEY": SECRET_KEY,
            "AWS_S3_REGION_NAME": REGION,
        }

    def storage_settings(self, url: str) -> dict:
        """STORAGES["default"] for `url`, as the settings make it."""
        return storage_url.default_storage(
            url,
            endpoint_url=self.endpoint,
            access_key=ACCESS_KEY,
            secret_key=SECRET_KEY,
            region=REGION,
        )
