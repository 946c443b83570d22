"""A mail server on 127.0.0.1 for a worker process to send to: enough of SMTP
(RFC 5321) for smtplib, keeping every message it accepts."""

from __future__ import annotations

import email
import email.policy
import socketserver
import threading
from email.message import EmailMessage


class _Session(socketserver.StreamRequestHandler):
    def _reply(self, line: str) -> None:
        self.wfile.write(line.encode() + b"\r\n")

    def handle(self) -> None:
        self._reply("220 127.0.0.1 test SMTP")
        data, lines = False, []
        while line := self.rfile.readline():
            if data:
                if line.rstrip(b"\r\n") == b".":
                    message = email.message_from_bytes(
                        b"".join(lines), policy=email.policy.default
                    )
                    self.server.messages.append(message)
                    data, lines = False, []
                    self._reply("250 queued")
                else:
                    lines.append(line[1:] if line.startswith(b"..") else line)
                continue
            verb = line.strip().split(b" ", 1)[0].upper()
            if verb == b"EHLO":
                self._reply("250-127.0.0.1")
                self._reply("250 8BITMIME")
            elif verb in (b"HELO", b"MAIL", b"RCPT", b"RSET", b"NOOP"):
                self._reply("250 OK")
            elif verb == b"DATA":
                data = True
                self._reply("354 go ahead")
            elif verb == b"QUIT":
                self._reply("221 bye")
                return
            else:
                self._reply("502 not here")


class MailServer(socketserver.ThreadingTCPServer):
    daemon_threads = True
    allow_reuse_address = True

    def __init__(self):
        super().__init__(("127.0.0.1", 0), _Session)
        self.messages: list[EmailMessage] = []
        self._thread = threading.Thread(target=self.serve_forever, daemon=True)

    @property
    def url(self) -> str:
        return f"smtp://127.0.0.1:{self.server_address[1]}"

    def __enter__(self) -> MailServer:
        self._thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self.shutdown()
        self.server_close()
