"""Webhooks cannot be turned against the service's own network: targets at
loopback, link-local (metadata), private and reserved addresses, in any
spelling, and redirects to them are refused with the reason recorded and no
connection made, unless an administrator allowed the address; the connection
goes to the address that was checked, with the URL's host in Host and SNI.

The receivers are real servers on the loopback interface. Where a test needs a
public-looking name, a fake DNS answers for it: the one stand-in, at the edge
of the world (the resolver the client is given)."""

from __future__ import annotations

import ipaddress
import socket
import ssl
import subprocess
import time

import pytest
from django.core.exceptions import ValidationError

from notifications.choices import Event
from notifications.webhooks import client, services
from notifications.webhooks.addresses import Refused, forbidden_kind
from notifications.webhooks.choices import DeliveryStatus, WebhookKind
from notifications.webhooks.models import ChatWebhook, WebhookDelivery

from .webhooks_receiver import Answer, Receiver

pytestmark = pytest.mark.django_db


def webhook(url: str, *, allowed=(), kind=WebhookKind.GENERIC) -> ChatWebhook:
    return ChatWebhook.objects.create(
        name="测试",
        kind=kind,
        url=url,
        secret="k" if kind != WebhookKind.WECOM else "",
        events=[Event.URGE],
        allowed_addresses=list(allowed),
    )


def deliver(url: str, *, allowed=(), resolver=None, context=None) -> WebhookDelivery:
    """One delivery to `url`, attempted once; the row afterwards."""
    hook = webhook(url, allowed=allowed)
    services.webhook_queue(event=Event.URGE, title="请加快推进", body="催办")
    delivery = WebhookDelivery.objects.get(webhook=hook)
    services.webhook_delivery_attempt(
        delivery_id=delivery.pk, resolver=resolver, context=context
    )
    delivery.refresh_from_db()
    return delivery


class FakeDNS:
    """getaddrinfo for made-up names; counts the questions it is asked."""

    def __init__(self, answers: dict[str, list[str]]):
        self.answers = answers
        self.asked: list[str] = []

    def __call__(self, host, port, *args, **kwargs):
        self.asked.append(host)
        if host not in self.answers:
            raise socket.gaierror(socket.EAI_NONAME, "Name or service not known")
        return [
            (
                socket.AF_INET6 if ":" in ip else socket.AF_INET,
                socket.SOCK_STREAM,
                socket.IPPROTO_TCP,
                "",
                (ip, port),
            )
            for ip in self.answers[host]
        ]


@pytest.fixture
def v4():
    with Receiver("127.0.0.1") as receiver:
        yield receiver


@pytest.fixture
def v6():
    with Receiver("::1") as receiver:
        yield receiver


# --- targets refused ------------------------------------------------------------------


REFUSED = {
    "metadata": ("http://169.254.169.254/latest/meta-data/", "链路本地地址"),
    "private": ("http://10.0.0.1/hook", "地址10.0.0.1属于内网地址"),
    "loopback": ("http://127.0.0.1:{v4}/hook", "地址127.0.0.1属于本机回环地址"),
    "localhost": ("http://localhost:{v4}/hook", "本机回环地址"),
    "ipv6 loopback": ("http://[::1]:{v6}/hook", "地址::1属于本机回环地址"),
    "hex": ("http://0x7f000001:{v4}/", "数字形式的主机须写成四段十进制数"),
    "decimal": ("http://2130706433:{v4}/", "数字形式的主机须写成四段十进制数"),
    "short": ("http://127.1:{v4}/", "数字形式的主机须写成四段十进制数"),
    "mapped": ("http://[::ffff:127.0.0.1]:{v4}/", "本机回环地址"),
    "unspecified": ("http://0.0.0.0:{v4}/", "未指定地址"),
    "unique local": ("http://[fd00::1]/", "内网地址"),
    "shared (cloud metadata)": ("http://100.100.100.200/latest/", "保留地址"),
    "metadata name": (
        "http://metadata.google.internal/computeMetadata/v1/",
        "主机metadata.google.internal是云服务器元数据服务",
    ),
    "file": ("file:///etc/passwd", "只允许http和https地址"),
    "gopher": ("gopher://127.0.0.1:6379/_FLUSHALL", "只允许http和https地址"),
    "credentials": ("http://user:pw@127.0.0.1:{v4}/", "地址中不能包含用户名或密码"),
}


@pytest.mark.parametrize("case", REFUSED.values(), ids=REFUSED.keys())
def test_internal_targets_are_refused_with_the_reason_and_no_connection(case, v4, v6):
    url, reason = case
    started = time.monotonic()
    delivery = deliver(url.format(v4=v4.port, v6=v6.port))
    assert delivery.status == DeliveryStatus.FAILED
    assert delivery.attempts == 1  # a refusal is final: no retries
    assert delivery.last_error.startswith("已拒绝发送：")
    assert reason in delivery.last_error
    assert (v4.connections, v6.connections) == (0, 0)
    # Refused before connecting: 10.0.0.1 or 169.254.169.254 would have
    # taken the connect timeout to fail.
    assert time.monotonic() - started < 2


def test_an_allowed_address_is_reached(v4):
    delivery = deliver(v4.url(), allowed=["127.0.0.1"])
    assert delivery.status == DeliveryStatus.SENT
    assert v4.connections == 1


def test_an_allowed_network_lets_in_its_addresses_only(v4):
    with Receiver("127.0.0.2") as other:
        assert deliver(other.url(), allowed=["127.0.0.0/31"]).status == (
            DeliveryStatus.FAILED
        )
        assert deliver(v4.url(), allowed=["127.0.0.0/31"]).status == (
            DeliveryStatus.SENT
        )
        assert other.connections == 0


def test_a_name_with_any_internal_address_is_refused(v4):
    dns = FakeDNS({"hooks.example.com": ["203.0.113.80", "10.0.0.1"]})
    delivery = deliver("http://hooks.example.com/hook", resolver=dns)
    assert delivery.status == DeliveryStatus.FAILED
    assert "地址203.0.113.80属于" in delivery.last_error  # documentation range


def test_a_name_that_does_not_resolve_is_tried_again_later():
    delivery = deliver("http://nowhere.example.com/", resolver=FakeDNS({}))
    assert delivery.status == DeliveryStatus.PENDING
    assert "无法解析主机名" in delivery.last_error


# --- redirects --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("status", "location", "reason"),
    [
        (302, "http://127.0.0.1:{inner}/steal", "地址127.0.0.1属于本机回环地址"),
        (302, "http://169.254.169.254/latest/meta-data/iam/", "链路本地地址"),
        (307, "http://10.0.0.1/", "地址10.0.0.1属于内网地址"),
        (301, "http://[::ffff:169.254.169.254]/", "链路本地地址"),
    ],
)
def test_a_public_looking_target_redirecting_inside_is_refused(
    status, location, reason, v4
):
    """hooks.example.com resolves to 127.0.0.2, which this webhook allows; its
    receiver redirects to an address the webhook does not allow."""
    with Receiver("127.0.0.2") as outer:
        outer.default = Answer(
            status, b"", {"Location": location.format(inner=v4.port)}
        )
        dns = FakeDNS({"hooks.example.com": ["127.0.0.2"]})
        delivery = deliver(
            f"http://hooks.example.com:{outer.port}/hook",
            allowed=["127.0.0.2"],
            resolver=dns,
        )
    assert delivery.status == DeliveryStatus.FAILED
    assert reason in delivery.last_error
    assert outer.connections == 1
    assert v4.connections == 0


def test_a_redirect_to_an_allowed_place_is_followed_with_the_same_post(v4):
    v4.answer(Answer(307, b"", {"Location": "/moved"}))
    delivery = deliver(v4.url("/old"), allowed=["127.0.0.1"])
    assert delivery.status == DeliveryStatus.SENT
    first, second = v4.requests
    assert (first.path, second.path) == ("/old", "/moved")
    assert first.body == second.body


def test_more_than_three_redirects_are_refused(v4):
    v4.default = Answer(302, b"", {"Location": "/again"})
    delivery = deliver(v4.url(), allowed=["127.0.0.1"])
    assert delivery.status == DeliveryStatus.FAILED
    assert "重定向超过3次" in delivery.last_error
    assert len(v4.requests) == 4  # the URL and three redirects


# --- the connection goes where the check looked -------------------------------------------


def test_the_connection_goes_to_the_checked_address_with_the_urls_host(v4):
    dns = FakeDNS({"robot.example.com": ["127.0.0.1"]})
    delivery = deliver(
        f"http://robot.example.com:{v4.port}/hook", allowed=["127.0.0.1"], resolver=dns
    )
    assert delivery.status == DeliveryStatus.SENT
    assert v4.requests[0].headers["host"] == f"robot.example.com:{v4.port}"
    # Asked once: nothing resolves the name again between check and connect.
    assert dns.asked == ["robot.example.com"]


@pytest.fixture
def certificate(tmp_path):
    """A self-signed certificate for robot.example.com, and a context that
    trusts it (as the system trusts a platform's)."""
    cert, key = tmp_path / "cert.pem", tmp_path / "key.pem"
    subprocess.run(
        [
            "openssl",
            "req",
            "-x509",
            "-newkey",
            "rsa:2048",
            "-nodes",
            "-days",
            "1",
            "-subj",
            "/CN=robot.example.com",
            "-addext",
            "subjectAltName=DNS:robot.example.com",
            "-keyout",
            str(key),
            "-out",
            str(cert),
        ],
        check=True,
        capture_output=True,
    )
    server = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    server.load_cert_chain(cert, key)
    server.sni_callback = lambda sock, name, ctx: setattr(sock, "sni", name)
    return server, ssl.create_default_context(cafile=str(cert))


def test_https_to_a_pinned_address_keeps_sni_and_the_certificate_check(certificate):
    server, trusting = certificate
    dns = FakeDNS(
        {"robot.example.com": ["127.0.0.1"], "other.example.com": ["127.0.0.1"]}
    )
    with Receiver("127.0.0.1", tls=server) as receiver:
        url = f"https://robot.example.com:{receiver.port}/hook"
        answer = client.post(
            url,
            b"{}",
            {},
            allowed=[ipaddress.ip_network("127.0.0.1/32")],
            resolver=dns,
            context=trusting,
        )
        assert answer.status == 200
        assert receiver.requests[0].sni == "robot.example.com"
        assert (
            receiver.requests[0].headers["host"] == f"robot.example.com:{receiver.port}"
        )
        # The certificate is checked against the URL's host, not the address.
        with pytest.raises(client.DeliveryError, match="CERTIFICATE_VERIFY_FAILED"):
            client.post(
                f"https://other.example.com:{receiver.port}/hook",
                b"{}",
                {},
                allowed=[ipaddress.ip_network("127.0.0.1/32")],
                resolver=dns,
                context=trusting,
            )


def test_https_never_redirects_to_plain_http(certificate, v4):
    server, trusting = certificate
    dns = FakeDNS({"robot.example.com": ["127.0.0.1"]})
    with Receiver("127.0.0.1", tls=server) as receiver:
        receiver.default = Answer(302, b"", {"Location": v4.url()})
        with pytest.raises(Refused, match="从https地址重定向到了不加密的地址"):
            client.post(
                f"https://robot.example.com:{receiver.port}/",
                b"{}",
                {},
                allowed=[ipaddress.ip_network("127.0.0.1/32")],
                resolver=dns,
                context=trusting,
            )
    assert v4.connections == 0


def test_a_slow_receiver_is_cut_off_at_the_deadline(v4):
    v4.default = Answer(delay=3)
    started = time.monotonic()
    with pytest.raises(client.DeliveryError, match="1秒内没有应答"):
        client.post(
            v4.url(),
            b"{}",
            {},
            allowed=[ipaddress.ip_network("127.0.0.1/32")],
            total_timeout=1.0,
        )
    assert time.monotonic() - started < 2


# --- the address policy, address by address ---------------------------------------------


@pytest.mark.parametrize(
    ("address", "refused"),
    [
        ("8.8.8.8", False),
        ("2400:3200::1", False),
        ("::ffff:8.8.8.8", False),
        ("127.0.0.1", True),
        ("127.255.0.9", True),
        ("10.1.2.3", True),
        ("172.16.0.1", True),
        ("172.31.255.255", True),
        ("192.168.1.1", True),
        ("169.254.169.254", True),
        ("100.64.0.1", True),
        ("0.0.0.0", True),
        ("224.0.0.1", True),
        ("240.0.0.1", True),
        ("255.255.255.255", True),
        ("::1", True),
        ("::", True),
        ("fe80::1", True),
        ("fc00::1", True),
        ("fd12:3456::1", True),
        ("ff02::1", True),
        ("::ffff:10.0.0.1", True),
        ("::ffff:169.254.169.254", True),
        ("2002:7f00:1::1", True),  # 6to4 of 127.0.0.1
        ("64:ff9b::a9fe:a9fe", True),  # NAT64 of 169.254.169.254
        ("2001:db8::1", True),
    ],
)
def test_which_addresses_are_refused(address, refused):
    assert (forbidden_kind(ipaddress.ip_address(address)) is not None) is refused


# --- the administrator's early warning ---------------------------------------------------


@pytest.mark.parametrize(
    ("fields", "field", "message"),
    [
        (
            {"url": "http://10.0.0.1/hook"},
            "url",
            "不能使用此地址：地址10.0.0.1属于内网地址，且不在本推送目标允许访问的地址之列。",
        ),
        (
            {"url": "http://169.254.169.254/"},
            "url",
            "链路本地地址（如云服务器元数据服务）",
        ),
        (
            {"url": "http://localhost:8080/"},
            "url",
            "主机localhost指向本系统所在的机器或内网",
        ),
        ({"url": "http://0x7f000001/"}, "url", "数字形式的主机须写成四段十进制数"),
        ({"secret": ""}, "secret", "通用推送接口须填写签名密钥。"),
        (
            {"kind": WebhookKind.WECOM, "secret": "x"},
            "secret",
            "企业微信群机器人不对消息签名，其密钥就在地址中。请不要填写签名密钥。",
        ),
        (
            {"allowed_addresses": ["10.0.0.300"]},
            "allowed_addresses",
            "不是有效的地址或网段",
        ),
        ({"events": []}, "events", "请至少选择一种事件。"),
    ],
)
def test_saving_a_bad_webhook_says_why_in_chinese(fields, field, message, settings):
    settings.LANGUAGE_CODE = "zh-hans"
    values = {
        "name": "川渝专班群",
        "kind": WebhookKind.GENERIC,
        "url": "https://hooks.example.com/tracker",
        "secret": "k",
        "events": [Event.URGE],
        **fields,
    }
    from django.utils import translation

    with translation.override("zh-hans"), pytest.raises(ValidationError) as caught:
        ChatWebhook(**values).full_clean()
    assert any(message in m for m in caught.value.message_dict[field])


def test_an_allowed_internal_address_may_be_saved():
    ChatWebhook(
        name="内网网关",
        kind=WebhookKind.GENERIC,
        url="http://10.20.0.5:8080/hook",
        secret="k",
        events=[Event.URGE],
        allowed_addresses=["10.20.0.0/24"],
    ).full_clean()
