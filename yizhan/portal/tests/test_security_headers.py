"""Security headers on the public pages: a strict CSP the pages actually satisfy, no framing, no sniffing;
and the answer to a client that asks too often."""

import re

import pytest
from django.urls import reverse

from yizhan.matters.testing import drive


@pytest.fixture
def public_pages(district):
    matter = drive(district, "fed_back")
    return [
        reverse("portal:home"),
        reverse("portal:track"),
        reverse("portal:track") + "?code=12",
        reverse("portal:status", args=[matter.query_code]),
        reverse("portal:status", args=["123456789015"]),
    ]


def csp(response):
    directives = response["Content-Security-Policy"].split("; ")
    return {name: value for name, _, value in (directive.partition(" ") for directive in directives)}


def test_every_public_page_sends_a_strict_policy_and_refuses_framing_and_sniffing(client, public_pages):
    for url in public_pages:
        policy = csp(client.get(url))
        assert policy["default-src"] == "'self'", url
        assert policy["script-src"] == "'self'", url  # no inline or foreign script
        assert policy["style-src"] == "'self'", url
        assert policy["frame-ancestors"] == "'none'", url
        assert policy["form-action"] == "'self'", url
        response = client.get(url)
        assert response["X-Frame-Options"] == "DENY", url
        assert response["X-Content-Type-Options"] == "nosniff", url
        assert response["Referrer-Policy"] == "same-origin", url
        assert "camera=()" in response["Permissions-Policy"], url


def test_the_public_pages_hold_nothing_their_policy_would_block(client, public_pages):
    for url in public_pages:
        page = client.get(url).content.decode()
        assert not re.search(r"<script(?![^>]*\bsrc=)[^>]*>", page), url  # inline script
        assert not re.search(r"\son[a-z]+\s*=", page), url  # inline event handler
        assert not re.search(r"\sstyle\s*=", page), url  # inline style attribute
        assert "<style" not in page, url


def test_no_page_relaxes_the_policy_not_even_the_api_docs(client, district):
    """Swagger UI comes from our own static files, started by a script file (no inline script)."""
    docs = csp(client.get("/api/v1/docs"))
    assert docs["script-src"] == "'self'" and docs["style-src"] == "'self'"
    assert docs["frame-ancestors"] == "'none'"
    assert "'unsafe-inline'" not in client.get(reverse("portal:home"))["Content-Security-Policy"]


def test_a_client_that_asks_too_often_gets_429_with_retry_after(client, district, settings):
    settings.PUBLIC_RATE_PER_SECOND = 1
    # three calls within a second of each other: at least two fall in the same one-second window
    responses = [client.get(reverse("portal:track")) for _ in range(3)]
    limited = [response for response in responses if response.status_code == 429]
    assert limited
    assert limited[0]["Retry-After"] == "1"
    assert limited[0].content.decode() == "请求过于频繁，请稍后再试。"
    other = client.get(reverse("portal:track"), REMOTE_ADDR="10.0.0.2")  # another client is not held up
    assert other.status_code == 200
