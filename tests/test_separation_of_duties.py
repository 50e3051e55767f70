"""三员分立 across the apps: none of the three administrators opens business records (matters, legal-aid
cases, ledgers, the staff API), whatever their unit's jurisdiction; business staff are not affected."""

from __future__ import annotations

import pytest

from yizhan.accounts.testing import login_with_second_factor
from yizhan.matters.testing import register

ADMINISTRATORS = ("sysadmin", "secadmin", "auditor")


@pytest.mark.parametrize("username", ADMINISTRATORS)
def test_none_of_the_three_administrators_opens_business_records(client, users, username):
    matter = register(users["clerk"])
    login_with_second_factor(client, users[username])
    for url in (
        "/staff/",
        "/staff/matters/",
        f"/staff/matters/{matter.number}/",
        "/staff/legal-aid/",
        "/staff/ledgers/",
        "/staff/people/",
    ):
        assert client.get(url).status_code == 403, url
    for url in ("/api/v1/matters", f"/api/v1/matters/{matter.number}"):
        response = client.get(url)
        assert response.status_code == 403, url
        assert response.json()["error"]["code"] == "forbidden"


def test_the_system_administrator_still_reaches_the_calendar_and_the_directory(client, users):
    login_with_second_factor(client, users["sysadmin"])
    assert client.get("/staff/calendar/").status_code == 200
    assert client.get("/admin/").status_code == 200


def test_business_staff_are_not_affected(client, users):
    matter = register(users["clerk"])
    client.force_login(users["clerk"])
    assert client.get(f"/staff/matters/{matter.number}/").status_code == 200
