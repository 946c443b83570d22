"""Idempotency-Key on the throwaway views of tests/config/api_test_urls.py."""

from __future__ import annotations

import datetime as dt
import threading

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.utils import timezone
from rest_framework.test import APIClient

from accounts.models import Party
from config.models import IdempotencyRecord
from config.tasks import purge_idempotency_records
from tests.config.api_plumbing import PDF, URLS, en, problem
from tests.config.api_test_urls import SLOW_CREATE
from tests.factories import UserFactory

# --- Idempotency-Key ---------------------------------------------------------


def created_parties():
    return Party.objects.filter(code__startswith="t").count()


@URLS
def test_a_replay_returns_the_first_response_and_creates_nothing(member):
    first = member.post("/parties/", {"name": "重庆"}, HTTP_IDEMPOTENCY_KEY="k-1")
    again = member.post("/parties/", {"name": "重庆"}, HTTP_IDEMPOTENCY_KEY="k-1")
    assert first.status_code == again.status_code == 201
    assert again.json() == first.json()
    assert again["Location"] == first["Location"]
    assert again["Idempotent-Replayed"] == "true"
    assert not first.has_header("Idempotent-Replayed")
    assert created_parties() == 1


@URLS
def test_without_a_key_every_post_creates(member):
    member.post("/parties/", {"name": "重庆"})
    member.post("/parties/", {"name": "重庆"})
    assert created_parties() == 2
    assert IdempotencyRecord.objects.count() == 0


@URLS
def test_keys_belong_to_a_user(member):
    member.post("/parties/", {"name": "重庆"}, HTTP_IDEMPOTENCY_KEY="k-1")
    other = en(APIClient())
    other.force_authenticate(user=UserFactory())
    response = other.post("/parties/", {"name": "重庆"}, HTTP_IDEMPOTENCY_KEY="k-1")
    assert not response.has_header("Idempotent-Replayed")
    assert created_parties() == 2


@URLS
def test_the_same_key_with_another_body_is_422(member):
    member.post("/parties/", {"name": "重庆"}, HTTP_IDEMPOTENCY_KEY="k-1")
    response = member.post("/parties/", {"name": "四川"}, HTTP_IDEMPOTENCY_KEY="k-1")
    problem(response, 422, "idempotency_key_reused")
    assert created_parties() == 1


@URLS
def test_the_same_key_on_another_path_is_422(member):
    member.post("/parties/", {"name": "重庆"}, HTTP_IDEMPOTENCY_KEY="k-1")
    response = member.post(
        "/problems/ok/", {"name": "重庆"}, HTTP_IDEMPOTENCY_KEY="k-1"
    )
    # /problems/ok/ is not idempotent at all: the key means nothing there.
    assert response.status_code == 200
    files = {"file": SimpleUploadedFile("a.pdf", PDF)}
    response = member.post(
        "/evidence/", files, format="multipart", HTTP_IDEMPOTENCY_KEY="k-1"
    )
    problem(response, 422, "idempotency_key_reused")


@URLS
@pytest.mark.parametrize("key", ["", "x" * 201, "中文", "tab\there", "nl\x7f"])
def test_an_invalid_key_is_400(member, key):
    response = member.post("/parties/", {"name": "重庆"}, HTTP_IDEMPOTENCY_KEY=key)
    problem(response, 400, "invalid_idempotency_key")
    assert created_parties() == 0


@URLS
def test_longest_key_and_printable_punctuation_are_fine(member):
    for key in ("x" * 200, "a b~!@#$%^&*()"):
        response = member.post("/parties/", {"name": "重庆"}, HTTP_IDEMPOTENCY_KEY=key)
        assert response.status_code == 201


@URLS
def test_a_failed_request_stores_nothing_and_the_key_can_be_retried(member):
    failed = member.post("/parties/", {"name": ""}, HTTP_IDEMPOTENCY_KEY="k-1")
    problem(failed, 400, "invalid")
    assert IdempotencyRecord.objects.count() == 0
    fixed = member.post("/parties/", {"name": "重庆"}, HTTP_IDEMPOTENCY_KEY="k-1")
    assert fixed.status_code == 201
    assert not fixed.has_header("Idempotent-Replayed")
    assert created_parties() == 1


@URLS
def test_an_expired_record_is_ignored_and_purged(member, settings):
    member.post("/parties/", {"name": "重庆"}, HTTP_IDEMPOTENCY_KEY="old")
    member.post("/parties/", {"name": "重庆"}, HTTP_IDEMPOTENCY_KEY="fresh")
    IdempotencyRecord.objects.filter(key="old").update(
        created_at=timezone.now()
        - dt.timedelta(hours=settings.IDEMPOTENCY_TTL_HOURS, minutes=1)
    )
    again = member.post("/parties/", {"name": "四川"}, HTTP_IDEMPOTENCY_KEY="old")
    assert again.status_code == 201
    assert not again.has_header("Idempotent-Replayed")
    assert created_parties() == 3

    IdempotencyRecord.objects.filter(key="old").update(
        created_at=timezone.now() - dt.timedelta(days=2)
    )
    assert purge_idempotency_records() == {"deleted": 1}
    assert purge_idempotency_records() == {"deleted": 0}
    assert list(IdempotencyRecord.objects.values_list("key", flat=True)) == ["fresh"]


@URLS
def test_multipart_retries_replay_and_another_file_is_422(member):
    def send(content):
        files = {"file": SimpleUploadedFile("评估.pdf", content), "note": "x"}
        return member.post(
            "/evidence/", files, format="multipart", HTTP_IDEMPOTENCY_KEY="up-1"
        )

    first, again = send(PDF), send(PDF)
    assert first.status_code == 201
    assert again["Idempotent-Replayed"] == "true"
    assert again.json() == first.json()
    problem(send(PDF + b"%changed"), 422, "idempotency_key_reused")


@URLS
@pytest.mark.django_db(transaction=True)
def test_two_simultaneous_requests_with_one_key_create_one_row():
    user = UserFactory()
    SLOW_CREATE["seconds"] = 0.3
    barrier = threading.Barrier(2)
    responses = []

    def post():
        try:
            client = en(APIClient())
            client.force_authenticate(user=user)
            barrier.wait()
            responses.append(
                client.post("/parties/", {"name": "并发"}, HTTP_IDEMPOTENCY_KEY="race")
            )
        finally:
            connection.close()  # each thread opened its own connection

    threads = [threading.Thread(target=post) for _ in range(2)]
    try:
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=30)
    finally:
        SLOW_CREATE["seconds"] = 0.0

    assert [r.status_code for r in responses] == [201, 201]
    replayed = [r.has_header("Idempotent-Replayed") for r in responses]
    assert sorted(replayed) == [False, True]
    assert responses[0].json() == responses[1].json()
    assert created_parties() == 1
