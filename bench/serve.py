"""p50/p95 at 8 concurrent clients under gunicorn (2 sync workers, DEBUG off),
started on a spare loopback port against the bench's throwaway database and
stopped at the end. The clients are threads of this process, each with its
own keep-alive connection; each endpoint alternates with the one-query view in
rounds of CLIENTS × `per_client` requests, and the ratio is of requests per
second."""

from __future__ import annotations

import http.client
import os
import socket
import statistics
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from urllib.parse import quote

from django.test import Client
from rest_framework.authtoken.models import Token

from bench.generator import ListWorld
from bench.lists import ONE_QUERY_URL, Endpoint
from bench.measure import _quantile
from tests.celery_worker import database_url
from tests.processes import free_port

ROOT = Path(__file__).resolve().parents[1]
CLIENTS = 8
WORKERS = 2


class Gunicorn:
    def __init__(self):
        self.port = free_port()
        self.proc: subprocess.Popen | None = None

    def __enter__(self) -> Gunicorn:
        env = {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "bench.settings",
            "DATABASE_URL": database_url(),
            "DEBUG": "False",
        }
        self.proc = subprocess.Popen(
            [
                *(sys.executable, "-m", "gunicorn", "config.wsgi:application"),
                *("--bind", f"127.0.0.1:{self.port}", "--workers", str(WORKERS)),
                *("--worker-class", "sync", "--timeout", "120"),
            ],
            cwd=ROOT,
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            start_new_session=True,
        )
        deadline = time.monotonic() + 60
        while True:
            if self.proc.poll() is not None:
                raise RuntimeError(
                    "gunicorn exited: " + self.proc.stderr.read().decode()[-2000:]
                )
            try:
                socket.create_connection(("127.0.0.1", self.port), timeout=0.5).close()
                break
            except OSError:
                if time.monotonic() > deadline:
                    raise RuntimeError("gunicorn did not start in 60 s") from None
                time.sleep(0.1)
        return self

    def __exit__(self, *exc) -> None:
        if self.proc and self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                os.killpg(self.proc.pid, 9)
                self.proc.wait()


def headers_for(world: ListWorld) -> dict[str, dict[str, str]]:
    token = Token.objects.get_or_create(user=world.base.coordinator)[0].key
    made = {"api": {"Authorization": f"Token {token}"}}
    for name, user in (
        ("coordinator", world.base.coordinator),
        ("leader", world.leader),
    ):
        client = Client()
        client.force_login(user)  # a session row in the database gunicorn reads
        made[name] = {"Cookie": f"sessionid={client.cookies['sessionid'].value}"}
    return made


def _client(port: int, url: str, headers: dict, n: int) -> list[float]:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
    spent = []
    try:
        for _ in range(n):
            started = time.perf_counter()
            conn.request(
                "GET", quote(url, safe="/?=&"), headers={"Host": "localhost", **headers}
            )
            response = conn.getresponse()
            response.read()
            spent.append(time.perf_counter() - started)
            if response.status != 200:
                raise RuntimeError(f"{url}: {response.status}")
    finally:
        conn.close()
    return spent


def burst(port: int, url: str, headers: dict, per_client: int) -> tuple[float, list]:
    """CLIENTS clients at once, `per_client` requests each: (requests per
    second, every request's seconds)."""
    started = time.perf_counter()
    with ThreadPoolExecutor(CLIENTS) as pool:
        parts = list(
            pool.map(lambda _: _client(port, url, headers, per_client), range(CLIENTS))
        )
    wall = time.perf_counter() - started
    spent = [t for part in parts for t in part]
    return len(spent) / wall, spent


def concurrent(
    world: ListWorld, endpoints: list[Endpoint], rounds: int, per_client: int, log=None
) -> dict[str, dict]:
    headers = headers_for(world)
    out = {}
    with Gunicorn() as server:
        burst(server.port, ONE_QUERY_URL, {}, 2)  # both workers loaded
        for e in endpoints:
            h = headers["api"] if e.kind == "api" else headers[e.user]
            burst(server.port, e.url, h, 1)  # warm
            rates = {"endpoint": [], "one query": []}
            calls = []
            for r in range(rounds):
                order = (
                    ("endpoint", "one query")
                    if r % 2 == 0
                    else ("one query", "endpoint")
                )
                for side in order:
                    url, hh = (e.url, h) if side == "endpoint" else (ONE_QUERY_URL, {})
                    rps, spent = burst(server.port, url, hh, per_client)
                    rates[side].append(rps)
                    if side == "endpoint":
                        calls.extend(spent)
            out[e.key] = {
                "p50": statistics.median(calls),
                "p95": _quantile(calls, 0.95),
                "rps": statistics.median(rates["endpoint"]),
                "ratios": [
                    a / b
                    for a, b in zip(rates["endpoint"], rates["one query"], strict=True)
                ],
                "base_rps": statistics.median(rates["one query"]),
            }
            if log:
                log(f"  gunicorn {e.label}: p50 {out[e.key]['p50'] * 1000:.0f} ms")
    return out
