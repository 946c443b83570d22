"""Every admin page a coordinator, an auditor or an administrator can reach
reads in Chinese: the index, each app's index, every changelist, every add form
the user may use and the change (or view) form of one row of every model.

A page fails when its visible text holds a word of Latin letters that is not a
name, a code, an address or one of the few abbreviations a clerk reads as they
are (PDF, XLSX, URL, …): such a word is a label from our apps or a third-party
app (django-axes, django-celery-beat) that the catalogue does not translate."""

from __future__ import annotations

import datetime as dt
import json
import re
import zoneinfo
from html.parser import HTMLParser

import pytest
from django.contrib import admin
from django.test import Client
from django.urls import NoReverseMatch, reverse

from accounts import services as account_services
from audit.security import auditor_group_sync
from reports.services import report_request
from tests.factories import UserFactory
from tracker import services

# What a clerk reads as it is written.
ALLOWED = {
    "API",
    "CSV",
    "DOCX",
    "ETag",
    "HTML",
    "HMAC",
    "ID",
    "IP",
    "JPG",
    "JSON",
    "PDF",
    "PNG",
    "SHA",
    "SQL",
    "URL",
    "XLSX",
    "Asia",
    "Shanghai",  # the time zone's name, Asia/Shanghai
    "UTC",
    "PostgreSQL",
    "Celery",
    "Django",
    "Token",
    "Redis",
    "LDAP",
    "Ctrl",
    "Mac",
    "Excel",
}

TIME_ZONES = zoneinfo.available_timezones()

# Identifiers rather than words: codes (NY-01), dotted task names
# (reports.sweep_reports), user names (cq_auditor), e-mail and file names.
IDENTIFIER = re.compile(
    r"""^(?:
        [\w.+-]+@[\w.-]+            # e-mail address
      | [\w-]+(?:\.[\w-]+)+         # dotted name, file name, host
      | [A-Za-z]*[_\d][\w-]*        # has a digit or an underscore: a code or a user name
      | [A-Z]{2,}(?:-\w+)+          # a code such as NY-01
    )$""",
    re.VERBOSE,
)
UUID = re.compile(
    r"\b[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\b", re.I
)
WORD = re.compile(r"[A-Za-z][A-Za-z0-9_.@+/-]*")
# A time zone's name (Asia/Shanghai, America/Argentina/Buenos_Aires).
ZONE = re.compile(r"^[A-Z][A-Za-z_+-]*(?:/[A-Za-z0-9_+-]+)+$")


class _Text(HTMLParser):
    """The text a reader sees: text nodes outside script and style, plus the
    labels of buttons, titles and placeholders."""

    # A textarea holds a row's data (a schedule's JSON arguments), not a label.
    HIDDEN = {"script", "style", "noscript", "template", "textarea"}

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self._hidden = 0
        self._zone = False

    def handle_starttag(self, tag, attrs):
        if tag in self.HIDDEN:
            self._hidden += 1
        attrs = dict(attrs)
        for name in ("title", "placeholder", "aria-label"):
            if attrs.get(name):
                self.parts.append(attrs[name])
        if tag == "input" and attrs.get("type") in {"submit", "button"}:
            self.parts.append(attrs.get("value") or "")
        if tag == "option" and attrs.get("value") in TIME_ZONES:
            self._zone = True  # a time zone's name, not a word to translate

    def handle_endtag(self, tag):
        if tag in self.HIDDEN and self._hidden:
            self._hidden -= 1

    def handle_data(self, data):
        if self._zone:
            self._zone = False
        elif not self._hidden:
            self.parts.append(data)


def _is_json(text: str) -> bool:
    text = text.strip()
    if not text.startswith(("{", "[")):
        return False
    try:
        json.loads(text)
    except ValueError:
        return False
    return True


def untranslated(html: str, names: set[str]) -> set[str]:
    parser = _Text()
    parser.feed(html)
    found = set()
    names = {name.lower() for name in names}
    for part in parser.parts:
        # What django-axes records for a request without the header.
        part = part.replace("<unknown>", "")
        # A masked secret: the salt and hash of a password, "Xw4a******".
        part = re.sub(r"\S*\*{3,}", "", part)
        # A UUID (a delivery's key): hex digits, which may begin with letters.
        part = UUID.sub("", part)
        if _is_json(part):
            continue  # a row's JSON (a schedule's arguments), shown read-only
        for token in WORD.findall(part):
            token = token.rstrip(".-/")
            if ZONE.match(token):
                continue
            # "Asia/Shanghai", "ETag/If-Match": judge each piece.
            for piece in filter(None, re.split(r"/", token)):
                if (
                    piece in ALLOWED
                    or piece.lower() in names
                    or IDENTIFIER.match(piece)
                ):
                    continue
                found.add(piece)
    return found


@pytest.fixture
def world(initiative, task, sichuan, chongqing, sc_coord):
    """A row in every table an admin page lists, so change forms have
    something to show."""
    services.task_start(task=task, actor=sc_coord)
    services.milestone_create(
        task=task, title="四川段投运", due_date=dt.date(2025, 6, 30), party=sichuan
    )
    services.progress_update_post(
        task=task, actor=sc_coord, narrative="完成环评批复", progress=20
    )
    report_request(
        initiative=initiative,
        kind="weekly",
        period_start=dt.date(2024, 12, 9),
        period_end=dt.date(2024, 12, 15),
    )
    return task


def _staff(username, party, role, **flags):
    user = UserFactory(username=username, full_name="黄志强", **flags)
    account_services.membership_grant(user=user, party=party, role=role)
    return user


def _pages(client: Client, user) -> dict[str, str]:
    """The admin URLs this user may open: index, app indexes, changelists,
    add forms (where allowed) and the first row's change form."""
    request = type("R", (), {"user": user})()
    urls = {"/admin/": "index"}
    for model, model_admin in admin.site._registry.items():
        opts = model._meta
        if not model_admin.has_module_permission(request):
            continue
        urls[reverse("admin:app_list", args=[opts.app_label])] = opts.app_label
        if not model_admin.has_view_or_change_permission(request):
            continue
        name = f"{opts.app_label}.{opts.model_name}"
        try:
            urls[reverse(f"admin:{opts.app_label}_{opts.model_name}_changelist")] = (
                f"{name} list"
            )
        except NoReverseMatch:
            continue
        if model_admin.has_add_permission(request):
            urls[reverse(f"admin:{opts.app_label}_{opts.model_name}_add")] = (
                f"{name} add"
            )
        first = model_admin.get_queryset(request).order_by("pk").first()
        if first is not None:
            urls[
                reverse(
                    f"admin:{opts.app_label}_{opts.model_name}_change",
                    args=[first.pk],
                )
            ] = f"{name} change"
    return urls


def _check(user, names: set[str]) -> dict[str, set[str]]:
    client = Client(HTTP_ACCEPT_LANGUAGE="zh-hans")
    client.force_login(user)
    bad = {}
    for url, what in _pages(client, user).items():
        response = client.get(url, follow=True)
        assert response.status_code == 200, (url, response.status_code)
        words = untranslated(response.content.decode(), names)
        if words:
            bad[f"{what} {url}"] = words
    return bad


def _by_word(bad: dict[str, set[str]]) -> dict[str, str]:
    """Each untranslated word with the first page that shows it: a short
    failure message that says what to translate."""
    first: dict[str, str] = {}
    for page, words in bad.items():
        for word in sorted(words):
            first.setdefault(word, page)
    return dict(sorted(first.items()))


def _names():
    """Names that are data: user names, party and work stream codes, the
    database role a history entry names."""
    from django.db import connection

    from accounts.models import Party, User
    from tracker.models import WorkStream

    return {
        *User.objects.values_list("username", flat=True),
        *Party.objects.values_list("code", flat=True),
        *WorkStream.objects.values_list("code", flat=True),
        connection.settings_dict["USER"],
    }


def test_the_administrator_reads_every_admin_page_in_chinese(world, sichuan):
    user = _staff(
        "office_admin", sichuan, "administrator", is_staff=True, is_superuser=True
    )
    assert _by_word(_check(user, _names())) == {}


def test_the_auditor_reads_every_admin_page_in_chinese(world, chongqing):
    user = _staff("cq_audit", chongqing, "auditor", is_staff=True)
    auditor_group_sync()
    assert _by_word(_check(user, _names())) == {}


def test_a_coordinator_meets_the_admin_in_chinese(world, sc_coord):
    """A coordinator is no staff member: the admin sends them to its sign-in
    page, which says so in Chinese."""
    client = Client(HTTP_ACCEPT_LANGUAGE="zh-hans")
    client.force_login(sc_coord)
    response = client.get("/admin/", follow=True)
    assert response.status_code == 200
    assert untranslated(response.content.decode(), _names()) == set()


def test_the_scan_sees_an_english_label():
    page = "<h1>AXES</h1><p>Access attempts · NY-01 · cq_auditor · a.pdf</p>"
    assert untranslated(page, {"cq_auditor"}) == {"AXES", "Access", "attempts"}


def test_a_key_is_not_a_word_whatever_letter_it_begins_with():
    # A webhook delivery's key; the hex digits after the first may be letters.
    page = "<p>37abafcf-b1bf-40ca-8c31-0804a976aaae · abafcf01-b1bf-40ca-8c31-0804a976aaae</p>"
    assert untranslated(page, set()) == set()
    assert untranslated("<p>abafcf-b1bf Access</p>", set()) == {"abafcf-b1bf", "Access"}


def test_the_greeting_names_the_user(world, chongqing):
    user = _staff("cq_audit", chongqing, "auditor", is_staff=True)
    auditor_group_sync()
    client = Client(HTTP_ACCEPT_LANGUAGE="zh-hans")
    client.force_login(user)
    html = client.get("/admin/").content.decode()
    assert "欢迎，<strong>黄志强</strong>" in html
    assert "CQ_AUDIT" not in html
