"""What each platform receives, how it is signed, and how it says no.

Formats as the platforms document them (checked 2026-12):

* WeCom (企业微信) group robot, "群机器人配置说明",
  https://developer.work.weixin.qq.com/document/path/91770 : POST JSON
  {"msgtype": "markdown", "markdown": {"content": …}} to the robot's URL;
  markdown content at most 4096 bytes of UTF-8. No signature: the robot's key
  is in the URL. Answers {"errcode": 0, "errmsg": "ok"}.
* DingTalk (钉钉) custom robot, "自定义机器人接入" / "自定义机器人安全设置",
  https://open.dingtalk.com/document/robots/custom-robot-access and
  https://open.dingtalk.com/document/robots/customize-robot-security-settings :
  with 加签, the URL takes `timestamp` (milliseconds, within an hour of
  DingTalk's clock) and `sign` = urlEncode(Base64(HmacSHA256(key=secret,
  msg=timestamp + "\n" + secret))), UTF-8. Body {"msgtype": "markdown",
  "markdown": {"title": …, "text": …}} (message types:
  https://open.dingtalk.com/document/development/robot-message-type).
  Answers {"errcode": 0, "errmsg": "ok"}; 310000 is a bad signature or keyword.
* Feishu (飞书) custom bot, "自定义机器人使用指南",
  https://open.feishu.cn/document/client-docs/bot-v3/add-custom-bot : with
  签名校验, the body carries `timestamp` (seconds) and `sign` =
  Base64(HmacSHA256(key=timestamp + "\n" + secret, msg=empty)): the string is
  the key and the message is empty, unlike DingTalk's. Rich text is
  {"msg_type": "post", "content": {"post": {"zh_cn": {"title": …, "content":
  [[{"tag": "text", …}, {"tag": "a", "text": …, "href": …}]]}}}}. Answers
  {"code": 0, "msg": "success"} (older bots {"StatusCode": 0}); 19021 is a bad
  signature or an old timestamp.
* Generic JSON webhook (ours): {id, event, title, body, link, task, sent_at}
  with X-Tracker-Timestamp (seconds), X-Tracker-Signature: sha256=<hex
  HMAC-SHA256(secret, "<timestamp>.<body>")> over the raw body bytes, and
  X-Tracker-Delivery: the delivery's id, the same on every retry, so that a
  receiver can drop what it has seen. Receivers should refuse old timestamps.

A platform answers HTTP 200 with an error code in the body when it refuses a
message; that is a failure like any other (retried, its message recorded)."""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import hmac
import json
from dataclasses import dataclass
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from django.utils.translation import gettext as _

from .choices import WebhookKind

# Room left for the title and link under WeCom's 4096-byte markdown limit;
# the other platforms allow more, but a group chat is no place for longer text.
BODY_BYTES = 3000
USER_AGENT = "chengyu-tracker-webhooks/1"


@dataclass(frozen=True)
class Message:
    delivery_id: str
    event: str
    title: str
    body: str
    link: str  # absolute, or empty
    task: dict | None  # {"id", "code", "title"}


@dataclass(frozen=True)
class Outgoing:
    url: str
    body: bytes
    headers: dict[str, str]


def _fit(text: str, limit: int) -> str:
    data = text.encode()
    if len(data) <= limit:
        return text
    return data[: limit - 3].decode(errors="ignore") + "…"


def _hmac_sha256(key: str | bytes, msg: bytes) -> bytes:
    if isinstance(key, str):
        key = key.encode()
    return hmac.new(key, msg, hashlib.sha256).digest()


def dingtalk_sign(secret: str, timestamp_ms: int) -> str:
    """Base64 of the HMAC; the URL encoding is done with the query string."""
    digest = _hmac_sha256(secret, f"{timestamp_ms}\n{secret}".encode())
    return base64.b64encode(digest).decode()


def feishu_sign(secret: str, timestamp_s: int) -> str:
    return base64.b64encode(_hmac_sha256(f"{timestamp_s}\n{secret}", b"")).decode()


def generic_signature(secret: str, timestamp_s: int, body: bytes) -> str:
    mac = hmac.new(secret.encode(), f"{timestamp_s}.".encode() + body, hashlib.sha256)
    return "sha256=" + mac.hexdigest()


def _heading(message: Message) -> str:
    return _("[Supervision] %(title)s") % {"title": message.title}


def _link_text(message: Message) -> str:
    return _("Open the item") if message.task else _("Open in the service")


def _paragraphs(message: Message) -> list[str]:
    body = _fit(message.body.strip(), BODY_BYTES)
    return [line for line in body.splitlines() if line.strip()]


def _json(data: dict) -> bytes:
    return json.dumps(data, ensure_ascii=False, separators=(",", ":")).encode()


def _chat_headers() -> dict[str, str]:
    return {
        "Content-Type": "application/json; charset=utf-8",
        "User-Agent": USER_AGENT,
    }


def wecom(url: str, secret: str, message: Message, now: dt.datetime) -> Outgoing:
    lines = [f"**{_heading(message)}**", *_paragraphs(message)]
    if message.link:
        lines.append(f"[{_link_text(message)}]({message.link})")
    content = "\n".join(lines)
    body = {"msgtype": "markdown", "markdown": {"content": content}}
    return Outgoing(url, _json(body), _chat_headers())


def dingtalk(url: str, secret: str, message: Message, now: dt.datetime) -> Outgoing:
    lines = [f"#### {_heading(message)}", *_paragraphs(message)]
    if message.link:
        lines.append(f"[{_link_text(message)}]({message.link})")
    body = {
        "msgtype": "markdown",
        # The title is what the chat list shows; the text is the message.
        "markdown": {"title": _heading(message), "text": "\n\n".join(lines)},
    }
    if secret:
        timestamp = int(now.timestamp() * 1000)
        parts = urlsplit(url)
        query = [
            (k, v) for k, v in parse_qsl(parts.query) if k not in {"timestamp", "sign"}
        ]
        query += [
            ("timestamp", str(timestamp)),
            ("sign", dingtalk_sign(secret, timestamp)),
        ]
        url = urlunsplit(parts._replace(query=urlencode(query)))
    return Outgoing(url, _json(body), _chat_headers())


def feishu(url: str, secret: str, message: Message, now: dt.datetime) -> Outgoing:
    content = [[{"tag": "text", "text": line}] for line in _paragraphs(message)]
    if message.link:
        content.append(
            [{"tag": "a", "text": _link_text(message), "href": message.link}]
        )
    body: dict = {}
    if secret:
        timestamp = int(now.timestamp())
        body |= {"timestamp": str(timestamp), "sign": feishu_sign(secret, timestamp)}
    body |= {
        "msg_type": "post",
        "content": {
            "post": {"zh_cn": {"title": _heading(message), "content": content}}
        },
    }
    return Outgoing(url, _json(body), _chat_headers())


def generic(url: str, secret: str, message: Message, now: dt.datetime) -> Outgoing:
    body = _json(
        {
            "id": message.delivery_id,
            "event": message.event,
            "title": message.title,
            "body": message.body,
            "link": message.link,
            "task": message.task,
            "sent_at": now.astimezone(dt.UTC).isoformat().replace("+00:00", "Z"),
        }
    )
    timestamp = int(now.timestamp())
    headers = {
        "Content-Type": "application/json",
        "User-Agent": USER_AGENT,
        "X-Tracker-Event": message.event,
        "X-Tracker-Delivery": message.delivery_id,
        "X-Tracker-Timestamp": str(timestamp),
    }
    if secret:
        headers["X-Tracker-Signature"] = generic_signature(secret, timestamp, body)
    return Outgoing(url, body, headers)


BUILDERS = {
    WebhookKind.WECOM: wecom,
    WebhookKind.DINGTALK: dingtalk,
    WebhookKind.FEISHU: feishu,
    WebhookKind.GENERIC: generic,
}


def build(
    kind: str, url: str, secret: str, message: Message, now: dt.datetime
) -> Outgoing:
    return BUILDERS[WebhookKind(kind)](url, secret, message, now)


def refusal(kind: str, status: int, body: bytes) -> str | None:
    """Why the receiver did not take the message, or None when it did."""
    text = body.decode(errors="replace").strip()
    if not 200 <= status < 300:
        return f"HTTP {status} {text[:200]}".strip()
    if kind == WebhookKind.GENERIC:
        return None
    try:
        answer = json.loads(text)
    except ValueError:
        return None
    if not isinstance(answer, dict):
        return None
    if kind == WebhookKind.FEISHU:
        code = answer.get("code", answer.get("StatusCode", 0))
        message = answer.get("msg", answer.get("StatusMessage", ""))
        label = "code"
    else:
        code, message, label = (
            answer.get("errcode", 0),
            answer.get("errmsg", ""),
            "errcode",
        )
    if code in (0, "0", None):
        return None
    return f"{label} {code}: {message}"[:500]
