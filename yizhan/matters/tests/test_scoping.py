"""Jurisdiction on every surface: a record outside the user's scope answers 404, never 403."""

import json

import pytest
from django.urls import reverse

from yizhan.accounts.models import ApiToken
from yizhan.matters import selectors
from yizhan.matters.testing import drive, register


@pytest.fixture
def centre_matter(district, users):
    """Registered at the district centre; only the centre, the bureau and the city see it."""
    return register(users["clerk"])


@pytest.fixture
def committee_matter(district):
    """Registered at the centre and transferred to the 陈坪 committee (under the 陈坪 judicial office)."""
    return drive(district, "transferred")


def visible_numbers(user):
    return set(selectors.visible_matters(user).values_list("number", flat=True))


def test_scope_by_unit_and_transfer(district, users, centre_matter, committee_matter):
    both = {centre_matter.number, committee_matter.number}
    assert visible_numbers(users["clerk"]) == both  # registered there
    assert visible_numbers(users["manager"]) == both  # the bureau above
    assert visible_numbers(users["city"]) == both  # the top of the tree
    assert visible_numbers(users["mediator"]) == {committee_matter.number}  # transferred to it
    assert visible_numbers(users["officer"]) == {committee_matter.number}  # the committee's judicial office
    assert visible_numbers(users["officer2"]) == set()  # another township
    assert visible_numbers(users["clerk2"]) == set()  # the 陈坪 station is not the committee
    assert visible_numbers(users["mediator2"]) == set()


def test_a_returned_transfer_stays_visible_to_the_unit_that_had_it(district, users):
    matter = drive(district, "returned")
    assert matter.number in visible_numbers(users["mediator"])


PAGES = [
    ("matters:detail", "get", {}),
    ("matters:receipt", "get", {}),
    ("matters:act", "post", {"code": "withdraw"}),
    ("matters:hand_over", "post", {}),
    ("matters:upload", "post", {}),
]


@pytest.mark.parametrize(("name", "method", "extra"), PAGES)
def test_staff_pages_answer_404_outside_the_scope(client, users, centre_matter, name, method, extra):
    client.force_login(users["clerk2"])
    args = [centre_matter.number, *extra.values()]
    response = getattr(client, method)(reverse(name, args=args))
    assert response.status_code == 404


def test_reveal_and_download_answer_404_outside_the_scope(client, users, centre_matter):
    client.force_login(users["officer2"])
    requester = centre_matter.requesters.get()
    assert (
        client.post(reverse("matters:reveal", args=[centre_matter.number, requester.pk])).status_code == 404
    )
    assert client.get(reverse("matters:download", args=[centre_matter.number, 1])).status_code == 404


def test_lists_queue_search_and_history_only_show_the_scope(client, users, centre_matter):
    client.force_login(users["clerk2"])
    for name, params in (
        ("matters:list", {}),
        ("matters:list", {"q": centre_matter.number}),
        ("matters:queue", {}),
        ("matters:overdue", {}),
        ("matters:history", {"q": "13812341234"}),
    ):
        page = client.get(reverse(name), params).content.decode()
        assert reverse("matters:detail", args=[centre_matter.number]) not in page, name


@pytest.fixture
def station_token(users):
    return ApiToken.issue(users["clerk2"], "乡镇站客户端")[1]


def test_api_answers_404_outside_the_scope(client, station_token, centre_matter):
    auth = {"HTTP_AUTHORIZATION": f"Bearer {station_token}"}
    number = centre_matter.number
    assert client.get(f"/api/v1/matters/{number}", **auth).status_code == 404
    assert client.get(f"/api/v1/matters/{number}/events", **auth).status_code == 404
    response = client.post(
        f"/api/v1/matters/{number}/transitions/withdraw",
        json.dumps({"note": "x"}),
        content_type="application/json",
        **auth,
    )
    assert response.status_code == 404
    response = client.patch(
        f"/api/v1/matters/{number}", json.dumps({"title": "x"}), content_type="application/json", **auth
    )
    assert response.status_code == 404
    requester = centre_matter.requesters.get()
    response = client.post(
        f"/api/v1/matters/{number}/requesters/{requester.pk}/reveal",
        '{"reason": "回访"}',
        content_type="application/json",
        **auth,
    )
    assert response.status_code == 404
    listed = client.get("/api/v1/matters", **auth).json()
    assert listed["items"] == []
    history = client.get("/api/v1/people/matters", {"phone": "13812341234"}, **auth).json()
    assert history == []


def test_the_not_found_answer_is_the_same_as_for_a_number_that_does_not_exist(
    client, station_token, centre_matter
):
    auth = {"HTTP_AUTHORIZATION": f"Bearer {station_token}"}
    hidden = client.get(f"/api/v1/matters/{centre_matter.number}", **auth)
    missing = client.get("/api/v1/matters/000000000000000000", **auth)
    assert hidden.status_code == missing.status_code == 404
    assert hidden.json() == missing.json()


def test_the_three_administrators_see_no_matter_even_at_the_bureau(district, users):
    """三员分立: the system, security and audit administrators sit at the bureau, whose scope is the
    whole district, yet their selector gives nothing (docs/security.md)."""
    from yizhan.matters.selectors import visible_matters

    register(users["clerk"])
    assert visible_matters(users["manager"]).exists()  # the bureau's business role sees it
    for name in ("sysadmin", "secadmin", "auditor"):
        assert not visible_matters(users[name]).exists(), name
