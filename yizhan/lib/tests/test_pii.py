import pytest
from django.core.exceptions import ValidationError

from yizhan.lib import pii

VALID = "110101199003074258"


def test_a_valid_id_number_passes_and_is_normalised():
    assert pii.validate_id_number(" 11010119900307425x ".replace("x", "8")) == VALID


def test_lower_case_x_check_digit_is_accepted():
    first17 = "44030419850101002"
    number = first17 + pii.id_check_digit(first17)
    assert pii.validate_id_number(number.lower()) == number.upper()


@pytest.mark.parametrize(
    ("value", "code"),
    [
        ("110101199003074259", "id_check_digit"),
        ("11010119900307425", "id_format"),
        ("1101011990030742588", "id_format"),
        ("11010119901307425X", "id_birth_date"),
        ("110101199002304251", "id_birth_date"),
        ("ABCDEFGHIJKLMNOPQR", "id_format"),
    ],
)
def test_invalid_id_numbers_are_refused_with_a_reason(value, code):
    with pytest.raises(ValidationError) as info:
        pii.validate_id_number(value)
    assert info.value.code == code
    assert info.value.messages[0]  # a Chinese message for the clerk


def test_gender_and_birth_date_come_from_the_number():
    gender, birth = pii.id_number_facts(VALID)
    assert gender == "male"
    assert birth.isoformat() == "1990-03-07"


@pytest.mark.parametrize(
    "phone", ["13812341234", "138-1234-1234", "+86 138 1234 1234", "09318123456", "0931-8123456"]
)
def test_phone_formats_accepted(phone):
    assert pii.validate_phone(phone).isdigit()


@pytest.mark.parametrize("phone", ["12345", "1381234123", "23812341234", "abc"])
def test_bad_phones_refused(phone):
    with pytest.raises(ValidationError):
        pii.validate_phone(phone)


def test_service_numbers_allowed_for_units_only():
    assert pii.validate_public_phone("12348") == "12348"
    with pytest.raises(ValidationError):
        pii.validate_phone("12348")


def test_masks():
    assert pii.mask_phone("13812341234") == "138****1234"
    assert pii.mask_id_number(VALID) == "110101********4258"
    masked = pii.mask_address("甘肃省兰州市西固区福利西路100号3单元501室")
    assert masked.startswith("甘肃省兰州市西固区") and "501" not in masked
    assert pii.mask_address("福利西路阳光小区5号") == "福利****"
    assert pii.mask_name("张三") == "张*"


def test_encryption_round_trip_and_ciphertext_hides_value(settings):
    token = pii.encrypt(VALID)
    assert VALID not in token
    assert pii.decrypt(token) == VALID
    assert pii.encrypt(VALID) != token  # randomised


def test_blind_index_is_deterministic_keyed_and_normalised(settings):
    a = pii.blind_index("phone", "138-1234-1234")
    assert a == pii.blind_index("phone", "13812341234")
    assert a != pii.blind_index("id_number", "13812341234")
    assert len(a) == 32
