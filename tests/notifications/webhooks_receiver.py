"""A real HTTP receiver on the loopback interface, standing in for the
platforms: it records every connection and request, answers as told, and
checks each platform's signature with code of its own (written from the
platforms' documents, not imported from the service), answering as the
platform does when the signature is wrong."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import socket
import ssl
import threading
import time
from collections import deque
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit


@dataclass
class Received:
    path: str
    query: dict[str, list[str]]
    headers: dict[str, str]
    body: bytes
    sni: str | None = None

    @property
    def json(self):
        return json.loads(self.body)


@dataclass
class Answer:
    status: int = 200
    body: bytes | dict = field(default_factory=lambda: {"errcode": 0, "errmsg": "ok"})
    headers: dict[str, str] = field(default_factory=dict)
    delay: float = 0.0


# --- each platform's check, as its documents describe it -----------------------------


def dingtalk_valid(received: Received, secret: str) -> bool:
    """sign = urlEncode(Base64(HmacSHA256(secret, timestamp + "\\n" + secret))),
    timestamp in milliseconds within an hour of now."""
    timestamp = received.query.get("timestamp", [""])[0]
    sign = received.query.get("sign", [""])[0]  # parse_qs has URL-decoded it
    if not timestamp.isdigit() or abs(time.time() * 1000 - int(timestamp)) > 3600e3:
        return False
    string_to_sign = f"{timestamp}\n{secret}".encode()
    expected = base64.b64encode(
        hmac.new(secret.encode(), string_to_sign, digestmod=hashlib.sha256).digest()
    ).decode()
    return hmac.compare_digest(expected, sign)


def feishu_valid(received: Received, secret: str) -> bool:
    """sign = Base64(HmacSHA256(key = timestamp + "\\n" + secret, message = ""))
    in the body, timestamp in seconds within an hour of now."""
    data = received.json
    timestamp, sign = str(data.get("timestamp", "")), data.get("sign", "")
    if not timestamp.isdigit() or abs(time.time() - int(timestamp)) > 3600:
        return False
    key = f"{timestamp}\n{secret}".encode()
    expected = base64.b64encode(hmac.new(key, b"", hashlib.sha256).digest()).decode()
    return hmac.compare_digest(expected, sign)


def generic_valid(received: Received, secret: str) -> bool:
    """X-Tracker-Signature: sha256=hex(HMAC-SHA256(secret, "<ts>.<raw body>"))."""
    timestamp = received.headers.get("x-tracker-timestamp", "")
    signature = received.headers.get("x-tracker-signature", "")
    if not timestamp.isdigit() or abs(time.time() - int(timestamp)) > 300:
        return False
    mac = hmac.new(secret.encode(), timestamp.encode() + b"." + received.body, "sha256")
    return hmac.compare_digest("sha256=" + mac.hexdigest(), signature)


# What each platform answers when the signature does not match.
SIGNATURE_REFUSALS = {
    "dingtalk": (dingtalk_valid, {"errcode": 310000, "errmsg": "sign not match"}),
    "feishu": (
        feishu_valid,
        {"code": 19021, "msg": "sign match fail or timestamp is not within one hour"},
    ),
    "generic": (generic_valid, None),
}


class _Server(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self, address, receiver: Receiver, family):
        self.address_family = family
        self.receiver = receiver
        super().__init__(address, _Handler)

    def get_request(self):
        conn, addr = super().get_request()
        with self.receiver.lock:
            self.receiver.connections += 1
        if self.receiver.tls is not None:
            conn = self.receiver.tls.wrap_socket(conn, server_side=True)
        return conn, addr


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, *args):
        pass

    def do_POST(self):
        receiver: Receiver = self.server.receiver
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length)
        parts = urlsplit(self.path)
        sni = getattr(self.connection, "sni", None)
        received = Received(
            parts.path,
            parse_qs(parts.query),
            {k.lower(): v for k, v in self.headers.items()},
            body,
            sni,
        )
        answer = receiver.next_answer(received)
        if answer.delay:
            time.sleep(answer.delay)
        data = answer.body
        if isinstance(data, dict):
            data = json.dumps(data).encode()
        self.send_response(answer.status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        for name, value in answer.headers.items():
            self.send_header(name, value)
        self.end_headers()
        self.wfile.write(data)


class Receiver:
    """`answers` are given out in order; once used up, every request gets
    `default`. With `platform` and `secret`, a request whose signature fails
    the platform's check gets the platform's refusal instead."""

    def __init__(
        self,
        host: str = "127.0.0.1",
        *,
        platform: str | None = None,
        secret: str = "",
        tls: ssl.SSLContext | None = None,
    ):
        self.host = host
        self.platform = platform
        self.secret = secret
        self.tls = tls
        self.lock = threading.Lock()
        self.connections = 0
        self.requests: list[Received] = []
        self.signatures: list[bool] = []
        self.answers: deque[Answer] = deque()
        self.default = Answer()
        family = socket.AF_INET6 if ":" in host else socket.AF_INET
        self.server = _Server((host, 0), self, family)
        self.port = self.server.server_address[1]
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def __enter__(self) -> Receiver:
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.server.shutdown()
        self.server.server_close()

    def url(self, path: str = "/hook", host: str | None = None) -> str:
        host = host or self.host
        if ":" in host:
            host = f"[{host}]"
        scheme = "https" if self.tls else "http"
        return f"{scheme}://{host}:{self.port}{path}"

    def answer(self, *answers: Answer) -> None:
        self.answers.extend(answers)

    def next_answer(self, received: Received) -> Answer:
        with self.lock:
            self.requests.append(received)
            answer = self.answers.popleft() if self.answers else self.default
            if self.platform in SIGNATURE_REFUSALS:
                valid, refusal = SIGNATURE_REFUSALS[self.platform]
                ok = valid(received, self.secret)
                self.signatures.append(ok)
                if not ok:
                    return (
                        Answer(401, {"error": "bad signature"})
                        if refusal is None
                        else Answer(200, refusal)
                    )
            return answer

    def wait_for(self, count: int, timeout: float = 60) -> list[Received]:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            with self.lock:
                if len(self.requests) >= count:
                    return list(self.requests)
            time.sleep(0.1)
        raise AssertionError(f"{len(self.requests)} requests, expected {count}")
