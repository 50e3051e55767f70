"""TOTP second factor for staff (django-otp; SPEC §12): required for the three administrators (and
superusers), for any role listed in ``settings.TOTP_REQUIRED_ROLES``, and for anyone who enrolled a
device of their own accord. After the password, such an account is only let past
``SecondFactorMiddleware`` once a code from its authenticator app was checked in this session."""

from __future__ import annotations

import base64
from typing import Any

from django.conf import settings
from django_otp.plugins.otp_totp.models import TOTPDevice

from yizhan.core.cache import cached


def _role_codes(user: Any) -> frozenset[str]:
    return frozenset(
        cached("perms", f"roles:{user.pk}", lambda: sorted(user.groups.values_list("name", flat=True)))
    )


def confirmed_device(user: Any) -> TOTPDevice | None:
    return TOTPDevice.objects.filter(user=user, confirmed=True).order_by("id").first()


def requires_second_factor(user: Any) -> bool:
    if not getattr(user, "is_authenticated", False) or getattr(user, "is_integration", False):
        return False
    if user.is_superuser or _role_codes(user) & set(settings.TOTP_REQUIRED_ROLES):
        return True
    # asked on every request of a session without the second factor: cached, bumped on device changes
    return bool(
        cached(
            "otp-devices",
            str(user.pk),
            lambda: TOTPDevice.objects.filter(user=user, confirmed=True).exists(),
        )
    )


def pending_device(user: Any) -> TOTPDevice:
    """The device being enrolled (unconfirmed until the first code is checked), made once."""
    device = TOTPDevice.objects.filter(user=user, confirmed=False).order_by("id").first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name="身份验证器", confirmed=False)
    return device


def secret_base32(device: TOTPDevice) -> str:
    return base64.b32encode(device.bin_key).decode()


def qr_data_uri(device: TOTPDevice) -> str:
    """The ``otpauth://`` URI as an SVG QR code, for an ``<img>`` (CSP allows ``data:`` images)."""
    import qrcode
    import qrcode.image.svg

    image = qrcode.make(device.config_url, image_factory=qrcode.image.svg.SvgPathImage, box_size=8)
    return "data:image/svg+xml;base64," + base64.b64encode(image.to_string()).decode()
