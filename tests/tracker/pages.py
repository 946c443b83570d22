"""What the tests of the task pages share: a signed-in client and the pages'
URLs by name."""

from django.test import Client
from django.urls import reverse


def signed_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def page_url(name: str, *args) -> str:
    return reverse(f"tracker:{name}", args=args)
