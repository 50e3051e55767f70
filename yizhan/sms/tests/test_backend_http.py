"""The generic HTTP gateway against a loopback server that plays recorded answers of a provincial
platform: the request it builds, and the error contract (permanent vs retryable)."""

from __future__ import annotations

import json
import socket
import threading
from http.server import BaseHTTPRequestHandler, HTTPServer

import pytest

from yizhan.sms.backends import PermanentSmsError, RetryableSmsError, get_backend
from yizhan.sms.tests.conftest import recorded


class _Platform(HTTPServer):
    answer: dict
    requests: list


class _Handler(BaseHTTPRequestHandler):
    server: _Platform

    def do_POST(self) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        self.server.requests.append(
            {"path": self.path, "headers": dict(self.headers), "body": json.loads(self.rfile.read(length))}
        )
        payload = json.dumps(self.server.answer["body"], ensure_ascii=False).encode("utf-8")
        self.send_response(self.server.answer["status"])
        self.send_header("Content-Type", "application/json; charset=utf-8")
        self.send_header("Content-Length", str(len(payload)))
        self.end_headers()
        self.wfile.write(payload)

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture
def platform(settings):
    server = _Platform(("127.0.0.1", 0), _Handler)
    server.answer, server.requests = recorded("http/ok"), []
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    settings.SMS_BACKEND = "http"
    settings.SMS_HTTP_URL = f"http://127.0.0.1:{server.server_port}/api/sms/send"
    settings.SMS_HTTP_TOKEN = "test-only-token"
    settings.SMS_TIMEOUT_SECONDS = 5
    yield server
    server.shutdown()
    server.server_close()
    thread.join(timeout=5)


def test_the_message_is_posted_as_json_with_the_bearer_token(platform, outgoing):
    assert get_backend().send(outgoing) == "GX-20260302-000042"
    (request,) = platform.requests
    assert request["path"] == "/api/sms/send"
    assert request["headers"]["Authorization"] == "Bearer test-only-token"
    assert request["headers"]["Idempotency-Key"] == "yizhan-sms-42"
    assert request["body"] == {
        "phone": "13812345678",
        "sign_name": "一站",
        "template_code": "matter_registered",
        "template_id": "SMS_478215036",
        "params": {"code": "3141-5926-5358", "org": "城关司法所"},
        "content": outgoing.text,
        "reference": "42",
    }


@pytest.mark.parametrize(
    ("answer", "error", "code"),
    [
        ("invalid_phone", PermanentSmsError, "INVALID_PHONE"),
        ("unauthorized", PermanentSmsError, "UNAUTHORIZED"),
        ("busy", RetryableSmsError, "E1007"),
        ("throttled", RetryableSmsError, "THROTTLED"),
        ("server_error", RetryableSmsError, "BAD_GATEWAY"),
    ],
)
def test_the_platforms_errors_are_permanent_or_retryable(platform, outgoing, answer, error, code):
    platform.answer = recorded(f"http/{answer}")
    with pytest.raises(error) as raised:
        get_backend().send(outgoing)
    assert raised.value.code == code


def test_an_unreachable_platform_is_retryable(settings, outgoing):
    with socket.socket() as probe:  # a port nobody listens on
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    settings.SMS_HTTP_URL, settings.SMS_HTTP_TOKEN = f"http://127.0.0.1:{port}/send", "t"
    with pytest.raises(RetryableSmsError):
        get_backend("http").send(outgoing)
