"""Personal data: encryption at rest, keyed blind index, masking, and the validators.

- Encryption: Fernet (AES-128-CBC + HMAC-SHA256) through ``MultiFernet`` so keys can be rotated;
  the keys come from ``YIZHAN_PII_KEYS`` (newest first).
- Blind index: HMAC-SHA256 with ``YIZHAN_BLIND_INDEX_KEY`` over the *normalised* value, so an exact
  lookup (by ID number or phone) works without decrypting every row and without storing the value.
- Masking: what lists and ledgers show (``138****1234``).
"""

from __future__ import annotations

import datetime
import hashlib
import hmac
import re
from functools import lru_cache

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

# --- Encryption -------------------------------------------------------------------------------


@lru_cache(maxsize=1)
def _fernet() -> MultiFernet:
    return MultiFernet([Fernet(key.encode()) for key in settings.PII_KEYS])


def encrypt(value: str) -> str:
    return _fernet().encrypt(value.encode("utf-8")).decode("ascii")


def decrypt(token: str) -> str:
    try:
        return _fernet().decrypt(token.encode("ascii")).decode("utf-8")
    except InvalidToken as exc:  # a wrong key is a deployment error, never a user error
        raise RuntimeError("personal data could not be decrypted: check YIZHAN_PII_KEYS") from exc


def blind_index(kind: str, value: str) -> str:
    """A keyed, deterministic digest of a normalised value (32 hex chars), separate per kind."""
    normalised = normalise(kind, value)
    digest = hmac.new(settings.BLIND_INDEX_KEY.encode(), f"{kind}:{normalised}".encode(), hashlib.sha256)
    return digest.hexdigest()[:32]


def normalise(kind: str, value: str) -> str:
    value = value.strip()
    if kind == "id_number":
        return value.upper()
    if kind == "phone":
        return normalise_phone(value)
    return value


# --- ID-card numbers (GB 11643-1999) -----------------------------------------------------------

_ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_ID_CHECK = "10X98765432"
_ID_RE = re.compile(r"^\d{17}[\dX]$")


def id_check_digit(first17: str) -> str:
    total = sum(int(digit) * weight for digit, weight in zip(first17, _ID_WEIGHTS, strict=True))
    return _ID_CHECK[total % 11]


def validate_id_number(value: str) -> str:
    """Validate an 18-digit resident ID number: format, birth date, GB 11643 check digit."""
    number = value.strip().upper()
    if not _ID_RE.match(number):
        raise ValidationError(_("身份证号码应为18位，前17位为数字，最后一位为数字或X。"), code="id_format")
    try:
        birth = datetime.date(int(number[6:10]), int(number[10:12]), int(number[12:14]))
    except ValueError as exc:
        raise ValidationError(_("身份证号码中的出生日期无效。"), code="id_birth_date") from exc
    if birth.year < 1900 or birth > datetime.datetime.now(datetime.UTC).date():
        raise ValidationError(_("身份证号码中的出生日期无效。"), code="id_birth_date")
    if id_check_digit(number[:17]) != number[17]:
        raise ValidationError(_("身份证号码校验位不正确，请核对后重新输入。"), code="id_check_digit")
    return number


def id_number_facts(number: str) -> tuple[str, datetime.date]:
    """Gender ("male"/"female") and birth date encoded in a valid ID number."""
    gender = "male" if int(number[16]) % 2 == 1 else "female"
    return gender, datetime.date(int(number[6:10]), int(number[10:12]), int(number[12:14]))


# --- Phones ---------------------------------------------------------------------------------

_MOBILE_RE = re.compile(r"^1[3-9]\d{9}$")
_LANDLINE_RE = re.compile(r"^0\d{2,3}\d{7,8}$")
_SERVICE_RE = re.compile(r"^(1\d{4}|[48]00\d{7})$")  # 12348-style service numbers, 400/800 lines


def normalise_phone(value: str) -> str:
    digits = re.sub(r"[\s\-()（）]", "", value.strip())
    if digits.startswith("+86"):
        digits = digits[3:]
    elif digits.startswith("0086"):
        digits = digits[4:]
    return digits


def validate_phone(value: str) -> str:
    phone = normalise_phone(value)
    if _MOBILE_RE.match(phone) or _LANDLINE_RE.match(phone):
        return phone
    raise ValidationError(
        _("电话号码格式不正确：手机号为1开头的11位数字，座机需带区号（如09311234567）。"), code="phone_format"
    )


def validate_public_phone(value: str) -> str:
    """Phones published by a unit may also be short service numbers (12348, 12345, 400…)."""
    phone = normalise_phone(value)
    if _SERVICE_RE.match(phone):
        return phone
    return validate_phone(phone)


# --- Masking --------------------------------------------------------------------------------


def mask_phone(phone: str) -> str:
    if len(phone) >= 11:
        return f"{phone[:3]}****{phone[-4:]}"
    if len(phone) >= 7:
        return f"{phone[:3]}****{phone[-2:]}"
    return "****"


def mask_id_number(number: str) -> str:
    if len(number) == 18:
        return f"{number[:6]}********{number[-4:]}"
    return "****"


_ADDRESS_HEAD = re.compile(
    r"^(?P<province>.{2,8}?(?:省|自治区))?(?P<city>.{2,10}?(?:市|自治州|地区|盟))?(?P<county>.{1,8}?(?:区|县|旗|市))?"
)


def mask_address(address: str) -> str:
    """Keep the province, city and county/district; hide everything below them."""
    address = address.strip()
    match = _ADDRESS_HEAD.match(address)
    head = ""
    # a county is only recognised after a province or city: "阳光小区5号" must not pass as a district
    if match and (match.group("province") or match.group("city")):
        head = "".join(part for part in match.groups() if part)
    if not head or len(head) >= len(address):
        head = address[:2]
    return f"{head}****"


def mask_name(name: str) -> str:
    """张三 → 张*, 欧阳小明 → 欧阳**; used on public pages and exports for outsiders."""
    name = name.strip()
    if len(name) <= 1:
        return name
    keep = 2 if len(name) >= 4 else 1
    return name[:keep] + "*" * (len(name) - keep)
