"""The API as clients meet it: gunicorn on the drill's database, token
sessions for the demo's users, and a mixed load of reads and conditional
writes whose every answer is kept (when, what, how long, which status)."""

from __future__ import annotations

import threading
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field

import requests
from rest_framework.authtoken.models import Token

from accounts.models import User
from tests.processes import WebServer

CLIENT_TIMEOUT = 5  # seconds: a client that waited this long has given up


class Web(WebServer):
    """Two gunicorn workers of four threads: requests of different clients
    really run at the same time."""

    workers = 2
    threads = 4

    def start(self) -> Web:
        super().start()
        # Every worker and thread has answered once (URLs, templates and
        # connections loaded) before the drill measures anything.
        client = requests.Session()
        with ThreadPoolExecutor(self.workers * self.threads) as pool:
            for _round in range(3):
                list(
                    pool.map(
                        lambda _: client.get(
                            self.url + "/api/v1/",
                            timeout=60,
                            headers={"Connection": "close"},
                        ),
                        range(self.workers * self.threads * 2),
                    )
                )
        return self


def session(username: str) -> requests.Session:
    token, _ = Token.objects.get_or_create(user=User.objects.get(username=username))
    client = requests.Session()
    client.headers["Authorization"] = f"Token {token.key}"
    # A connection per request: gunicorn closes an idle kept-alive one after
    # two seconds, and a request sent on it at that moment is reset, which
    # would be the drill's doing, not the service's.
    client.headers["Connection"] = "close"
    return client


@dataclass
class Answer:
    started: float  # time.monotonic()
    seconds: float
    method: str
    status: int  # 0: no answer (connection refused, timed out)
    problem: bool  # application/problem+json
    code: str = ""


@dataclass
class Load:
    """Readers list and read tasks; each writer edits its own task with the
    ETag it just read, and keeps the descriptions the service acknowledged."""

    url: str
    task_ids: list[int]
    readers: int = 1
    answers: list[Answer] = field(default_factory=list)
    acknowledged: dict[int, list[str]] = field(default_factory=dict)
    _stop: threading.Event = field(default_factory=threading.Event)
    _threads: list[threading.Thread] = field(default_factory=list)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def call(
        self, client, method: str, path: str, **kwargs
    ) -> requests.Response | None:
        started = time.monotonic()
        try:
            response = client.request(
                method, self.url + path, timeout=CLIENT_TIMEOUT, **kwargs
            )
        except requests.RequestException:
            response = None
        elapsed = time.monotonic() - started
        problem = response is not None and response.headers.get(
            "Content-Type", ""
        ).startswith("application/problem+json")
        code = ""
        if problem:
            try:
                code = response.json().get("code", "")
            except ValueError:
                code = "?"
        with self._lock:
            self.answers.append(
                Answer(
                    started,
                    elapsed,
                    method,
                    response.status_code if response is not None else 0,
                    problem,
                    code,
                )
            )
        return response

    def _read(self, number: int) -> None:
        client = session("sc_coord")
        n = number
        while not self._stop.is_set():
            n += 1
            if n % 2:
                self.call(client, "GET", "/api/v1/tasks/?page_size=25")
            else:
                task = self.task_ids[n % len(self.task_ids)]
                self.call(client, "GET", f"/api/v1/tasks/{task}/")
            time.sleep(0.1)

    def _write(self, task_id: int) -> None:
        client = session("admin")
        done = self.acknowledged.setdefault(task_id, [])
        n = 0
        while not self._stop.is_set():
            read = self.call(client, "GET", f"/api/v1/tasks/{task_id}/")
            if read is None or read.status_code != 200:
                time.sleep(0.2)
                continue
            n += 1
            description = f"演练写入 {task_id}-{n}"
            written = self.call(
                client,
                "PATCH",
                f"/api/v1/tasks/{task_id}/",
                json={"description": description},
                headers={"If-Match": read.headers["ETag"]},
            )
            if written is not None and written.status_code == 200:
                done.append(description)
            else:
                time.sleep(0.2)
            time.sleep(0.1)

    def start(self) -> Load:
        for number in range(self.readers):
            self._threads.append(threading.Thread(target=self._read, args=(number,)))
        for task_id in self.task_ids:
            self._threads.append(threading.Thread(target=self._write, args=(task_id,)))
        for thread in self._threads:
            thread.daemon = True
            thread.start()
        return self

    def stop(self) -> None:
        self._stop.set()
        for thread in self._threads:
            thread.join(timeout=CLIENT_TIMEOUT + 5)

    def between(self, start: float, end: float) -> list[Answer]:
        return [a for a in self.answers if start <= a.started < end]


def lost_writes(acknowledged: dict[int, list[str]]) -> int:
    """Acknowledged descriptions missing from the task's history, plus tasks
    whose stored description is not the last acknowledged one."""
    from audit.models import TaskEvent
    from tracker.models import Task

    lost = 0
    for task_id, descriptions in acknowledged.items():
        recorded = set(
            TaskEvent.objects.filter(pgh_obj_id=task_id).values_list(
                "description", flat=True
            )
        )
        lost += sum(1 for d in descriptions if d not in recorded)
        if descriptions:
            stored = Task.objects.values_list("description", flat=True).get(pk=task_id)
            lost += stored != descriptions[-1]
    return lost
