"""Test helpers of the accounts app."""

from __future__ import annotations

from typing import Any

from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.plugins.otp_totp.models import TOTPDevice


def login_with_second_factor(client: Any, user: Any) -> TOTPDevice:
    """``client.force_login(user)`` and the second factor given in that session, as the login pages
    do for an account that needs one (the three administrators)."""
    client.force_login(user)
    device = TOTPDevice.objects.filter(user=user, confirmed=True).first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name="test", confirmed=True)
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session.save()
    return device
