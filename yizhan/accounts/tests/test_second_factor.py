"""TOTP second factor: required for the three administrators (and roles named in the settings),
optional for everyone else; enrolment with a QR code, then a code at every login."""

from __future__ import annotations

import time

import pytest
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice

from yizhan.audit.models import AuditLog


def _code(device: TOTPDevice, ahead: int = 0) -> str:
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    totp.time = time.time() + ahead * device.step
    return f"{totp.token():06d}"


def _password(client, district, username: str, **extra):
    return client.post(
        "/accounts/login/", {"username": username, "password": district.passwords[username], **extra}
    )


def test_an_administrator_enrols_an_authenticator_at_the_first_login(client, district):
    response = _password(client, district, "secadmin")
    assert response.status_code == 302 and response["Location"] == "/admin/"
    assert client.get("/admin/").url.startswith("/accounts/otp/setup/")
    page = client.get("/accounts/otp/setup/")
    content = page.content.decode()
    assert "设置双因素验证" in content and 'src="data:image/svg+xml;base64,' in content
    device = TOTPDevice.objects.get(user__username="secadmin")
    assert not device.confirmed

    wrong = client.post("/accounts/otp/setup/", {"code": "000000" if _code(device) != "000000" else "111111"})
    assert "验证码不正确" in wrong.content.decode()
    assert client.get("/admin/").status_code == 302
    device.refresh_from_db()
    device.throttle_reset()  # django-otp waits a second after a wrong code

    done = client.post("/accounts/otp/setup/", {"code": _code(device)})
    assert done.status_code == 302 and done["Location"] == "/admin/"
    assert client.get("/admin/").status_code == 200
    device.refresh_from_db()
    assert device.confirmed
    assert AuditLog.objects.filter(object_type="otp_totp.totpdevice", action="create").exists()


def test_the_next_login_asks_for_the_code_and_a_wrong_code_is_audited(client, district):
    device = TOTPDevice.objects.create(user=district.users["auditor"], name="x", confirmed=True)
    _password(client, district, "auditor", next="/admin/audit/auditlog/")
    response = client.get("/admin/audit/auditlog/")
    assert response.url.startswith("/accounts/otp/?next=")
    assert "双因素验证" in client.get("/accounts/otp/").content.decode()
    wrong = client.post("/accounts/otp/", {"code": "12345x"})
    assert wrong.status_code == 200 and client.get("/admin/").status_code == 302
    bad = _code(device, ahead=5)
    client.post("/accounts/otp/", {"code": bad})
    assert AuditLog.objects.filter(action="login_failed", changes__second_factor="totp").exists()
    device.refresh_from_db()
    device.throttle_reset()
    ok = client.post("/accounts/otp/", {"code": _code(device), "next": "/admin/audit/auditlog/"})
    assert ok["Location"] == "/admin/audit/auditlog/"
    assert client.get("/admin/audit/auditlog/").status_code == 200


def test_the_password_alone_cannot_enrol_a_second_device(client, district):
    TOTPDevice.objects.create(user=district.users["sysadmin"], name="x", confirmed=True)
    _password(client, district, "sysadmin")
    assert client.get("/accounts/otp/setup/").url.startswith("/accounts/otp/")
    assert TOTPDevice.objects.filter(user=district.users["sysadmin"]).count() == 1


def test_the_api_refuses_a_session_without_the_second_factor(client, district):
    _password(client, district, "auditor")
    response = client.get("/api/v1/matters")
    assert response.status_code == 401
    assert response.json()["error"]["code"] == "second_factor_required"


def test_business_staff_log_in_with_the_password_unless_they_enrolled(client, district):
    response = _password(client, district, "clerk")
    assert response["Location"] == "/staff/"
    assert client.get("/staff/").status_code == 200
    # enrolling is optional; once enrolled, the code is asked at every login
    setup = client.get("/accounts/otp/setup/")
    assert setup.status_code == 200 and "开启后" in setup.content.decode()
    device = TOTPDevice.objects.get(user=district.users["clerk"])
    client.post("/accounts/otp/setup/", {"code": _code(device)})
    client.post("/accounts/logout/")
    _password(client, district, "clerk")
    assert client.get("/staff/").url.startswith("/accounts/otp/")


def test_a_role_named_in_the_settings_needs_the_second_factor(client, district, settings):
    settings.TOTP_REQUIRED_ROLES = ["clerk"]
    _password(client, district, "clerk")
    assert client.get("/staff/").url.startswith("/accounts/otp/setup/")


def test_the_login_form_is_throttled_per_address(client, district, settings):
    settings.LOGIN_RATE = "3/m"
    for _ in range(3):
        assert client.post("/accounts/login/", {"username": "clerk", "password": "wrong"}).status_code == 200
    response = client.post("/accounts/login/", {"username": "clerk", "password": district.passwords["clerk"]})
    assert response.status_code == 429
    assert "尝试次数过多" in response.content.decode()
    other = client.post(
        "/accounts/login/",
        {"username": "clerk", "password": district.passwords["clerk"]},
        REMOTE_ADDR="192.0.2.7",
    )
    assert other.status_code == 302  # another address is not throttled


@pytest.mark.parametrize("path", ["/accounts/otp/", "/accounts/otp/setup/"])
def test_the_second_factor_is_throttled_too(client, district, settings, path):
    settings.LOGIN_RATE = "2/m"
    TOTPDevice.objects.create(user=district.users["clerk"], name="x", confirmed=path == "/accounts/otp/")
    _password(client, district, "clerk")
    for _ in range(2):
        client.post(path, {"code": "000000"})
    assert client.post(path, {"code": "000000"}).status_code == 429
