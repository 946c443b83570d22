"""Helpers shared by the tests of the API plumbing (tests/config/test_api_*)."""

from __future__ import annotations

import pytest
from rest_framework.test import APIClient

PROBLEM = "application/problem+json"
TYPE_BASE = "https://tracker.invalid/problems/"
URLS = pytest.mark.urls("tests.config.api_test_urls")

# --- helpers -----------------------------------------------------------------


def problem(response, status, code):
    assert response.status_code == status, response.content
    assert response["Content-Type"] == PROBLEM
    body = response.json()
    assert body["status"] == status
    assert body["code"] == code
    assert body["type"] == TYPE_BASE + code
    assert body["title"]
    assert body["detail"]
    return body


def en(client: APIClient) -> APIClient:
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"
    return client


# The smallest file that passes the evidence checks as a PDF.
PDF = (
    b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"
)
