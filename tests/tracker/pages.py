"""What the tests of the task pages share: a signed-in client, the pages'
URLs by name, and the task page's form helpers."""

import re

from django.test import Client
from django.urls import reverse

from tracker import services
from tracker.models import Task


def signed_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def page_url(name: str, *args) -> str:
    return reverse(f"tracker:{name}", args=args)


# What the task page's tests post and read back.
PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << >>\n%%EOF\n"
EN = {"HTTP_ACCEPT_LANGUAGE": "en"}


def body(response) -> str:
    return response.content.decode()


def version(task) -> int:
    return Task.objects.get(pk=task.pk).version


def start(task, actor):
    services.progress_update_post(task=task, actor=actor, narrative="开工", progress=10)
    task.refresh_from_db()


def hidden_version(html: str, prefix: str) -> int:
    match = re.search(rf'name="{prefix}-version" value="(\d+)"', html)
    assert match, f"no hidden version for {prefix}"
    return int(match.group(1))


def update_form(task, **fields):
    """The progress form's fields as the page posts them for Sichuan, over the
    current version of Sichuan's part of the task."""
    data = {
        "update-version": task.owners.get(party__code="sc").version,
        "update-narrative": "铁塔组立完成过半",
        "update-progress": "45",
    }
    data.update({f"update-{k}": v for k, v in fields.items()})
    return data
