"""Cursor pagination (core.http.pagination): opaque cursors, newest first, stable under inserts."""

import base64

import pytest

from yizhan.core.errors import InvalidInput
from yizhan.core.http.pagination import MAX_LIMIT, decode_cursor, encode_cursor, paginate
from yizhan.orgs.models import Organization, OrgKind


def b64(text: bytes) -> str:
    return base64.urlsafe_b64encode(text).decode().rstrip("=")


@pytest.mark.parametrize("last_id", [1, 42, 10**12])
def test_a_cursor_is_opaque_url_safe_and_decodes_to_the_last_id(last_id):
    cursor = encode_cursor(last_id)
    assert str(last_id) not in cursor
    assert set(cursor) <= set("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_")
    assert decode_cursor(cursor) == last_id


@pytest.mark.parametrize(
    "cursor", ["garbage!", "id:5", b64(b"pk:5"), b64(b"id:"), b64(b"id:abc"), b64(b"\xff\xfe"), "游标"]
)
def test_a_bad_cursor_is_invalid_input_naming_cursor(cursor):
    with pytest.raises(InvalidInput) as error:
        decode_cursor(cursor)
    assert error.value.status == 422
    assert set(error.value.fields) == {"cursor"}


@pytest.mark.parametrize(
    ("limit", "valid"), [(0, False), (1, True), (MAX_LIMIT, True), (MAX_LIMIT + 1, False)]
)
def test_the_page_size_is_between_1_and_200(district, limit, valid):
    if valid:
        items, _ = paginate(Organization.objects.all(), None, limit)
        assert len(items) == min(limit, Organization.objects.count())
    else:
        with pytest.raises(InvalidInput) as error:
            paginate(Organization.objects.all(), None, limit)
        assert set(error.value.fields) == {"limit"}


def test_pages_run_newest_first_and_the_last_full_page_has_no_next_cursor(district):
    total = Organization.objects.count()
    items, next_cursor = paginate(Organization.objects.all(), None, total)
    assert [unit.pk for unit in items] == sorted((unit.pk for unit in items), reverse=True)
    assert next_cursor is None  # exactly one full page: no empty page to fetch
    first, cursor = paginate(Organization.objects.all(), None, total - 1)
    rest, after = paginate(Organization.objects.all(), cursor, total - 1)
    assert len(first) == total - 1 and len(rest) == 1 and after is None
    assert rest[0].pk == min(unit.pk for unit in items)


def test_a_cursor_is_stable_when_rows_are_added_between_pages(district):
    first, cursor = paginate(Organization.objects.all(), None, 5)
    added = Organization(
        name="新设服务室", kind=OrgKind.ROOM, parent=district.stations[0], region=district.region
    )
    added.save()
    seen = [unit.pk for unit in first]
    while cursor:
        page, cursor = paginate(Organization.objects.all(), cursor, 5)
        seen += [unit.pk for unit in page]
    assert added.pk not in seen  # newer than the first page: it belongs to a fresh walk
    assert sorted(seen) == sorted(Organization.objects.exclude(pk=added.pk).values_list("pk", flat=True))
