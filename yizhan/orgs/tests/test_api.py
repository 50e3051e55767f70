"""The organisations API: /api/v1/orgs (cursor pages, filters), /api/v1/orgs/{id}, /api/v1/regions."""

import datetime

import pytest

from yizhan.accounts.models import ApiToken
from yizhan.orgs.models import Organization, OrgKind

ORG_FIELDS = {
    "id",
    "name",
    "kind",
    "kind_label",
    "category",
    "parent_id",
    "region",
    "address",
    "latitude",
    "longitude",
    "opening_hours",
    "phone",
    "appointment_phone",
    "supervision_phone",
    "hotline_number",
    "star_rating",
    "referral_guidance",
}


@pytest.fixture
def api(client, users):
    def as_user(username):
        _, raw = ApiToken.issue(users[username], "测试客户端")

        def get(path, params=None):
            return client.get("/api/v1" + path, params or {}, HTTP_AUTHORIZATION=f"Bearer {raw}")

        return get

    return as_user


def test_it_answers_401_without_credentials(client, district):
    for path in ("/orgs", f"/orgs/{district.center.pk}", "/regions"):
        response = client.get("/api/v1" + path)
        assert response.status_code == 401, path
        assert response.json()["error"]["code"] == "unauthenticated", path


def test_cursor_pages_walk_every_active_unit_once_newest_first(api, district):
    get = api("clerk")
    seen, cursor, pages = [], None, 0
    while True:
        page = get("/orgs", {"limit": 7} | ({"cursor": cursor} if cursor else {})).json()
        assert len(page["items"]) <= 7
        seen += [item["id"] for item in page["items"]]
        cursor, pages = page["next_cursor"], pages + 1
        if cursor is None:
            break
    everything = sorted(
        Organization.objects.filter(is_active=True).values_list("pk", flat=True), reverse=True
    )
    assert seen == everything
    assert pages == -(-len(everything) // 7)


def test_each_listed_unit_has_the_documented_fields(api, district):
    items = api("clerk")("/orgs", {"kind": OrgKind.CENTER}).json()["items"]
    assert [item["id"] for item in items] == [district.center.pk]
    center = items[0]
    assert set(center) == ORG_FIELDS
    assert center["kind_label"] == "公共法律服务中心"
    assert center["category"] == "service_point"
    assert center["parent_id"] == district.bureau.pk
    assert center["region"] == "620104"
    assert center["star_rating"] == 5
    assert center["latitude"] is not None


def test_it_filters_by_category_region_prefix_and_text(api, district):
    get = api("clerk")
    externals = get("/orgs", {"category": "external"}).json()["items"]
    assert {item["id"] for item in externals} == {unit.pk for unit in district.externals}
    township = get("/orgs", {"region": "620104001"}).json()["items"]
    assert township and all(item["region"].startswith("620104001") for item in township)
    assert district.offices[0].pk in {item["id"] for item in township}
    assert district.offices[1].pk not in {item["id"] for item in township}
    by_name = get("/orgs", {"q": "劳动保障"}).json()["items"]
    assert [item["id"] for item in by_name] == [district.externals[2].pk]
    by_address = get("/orgs", {"q": "政务服务中心"}).json()["items"]
    assert {item["id"] for item in by_address} == {
        district.center.pk,
        district.legal_aid_center.pk,
        district.notary.pk,
    }


def test_a_bad_page_size_or_cursor_is_a_422_naming_it(api, district):
    get = api("clerk")
    for params, field in (
        ({"limit": 0}, "limit"),
        ({"limit": 201}, "limit"),
        ({"cursor": "garbage!"}, "cursor"),
    ):
        response = get("/orgs", params)
        assert response.status_code == 422, params
        assert set(response.json()["error"]["fields"]) == {field}, params


def test_the_detail_lists_windows_in_order_and_only_public_serving_people(api, district):
    get = api("clerk")
    center = get(f"/orgs/{district.center.pk}").json()
    assert [window["number"] for window in center["windows"]] == [1, 2, 3, 4, 5, 6]
    assert center["windows"][1] == {"kind": "legal_aid", "name": "法律援助", "number": 2}
    bureau = get(f"/orgs/{district.bureau.pk}").json()
    assert bureau["people"] == []  # the bureau chief's profile is not public
    firm = get(f"/orgs/{district.firms[0].pk}").json()
    agent = next(person for person in firm["people"] if person["name"] == "周律师")
    assert agent["role"] == "lawyer"
    assert agent["practice_years"] == (datetime.date.today() - datetime.date(2016, 3, 1)).days // 365


def test_a_missing_unit_and_a_private_unit_elsewhere_are_both_404(api, district):
    hidden = Organization(
        name="内部工作室",
        kind=OrgKind.ROOM,
        parent=district.stations[1],
        region=district.region,
        is_public=False,
    )
    hidden.save()
    outsider = api("clerk2")
    for org_id in (999_999, hidden.pk):
        response = outsider(f"/orgs/{org_id}")
        assert response.status_code == 404
        assert response.json()["error"] == {"code": "not_found", "message": "单位不存在。", "fields": {}}
    assert api("manager")(f"/orgs/{hidden.pk}").status_code == 200


def test_regions_start_at_the_top_and_open_one_level_at_a_time(api, district):
    get = api("clerk")
    assert get("/regions").json() == [
        {"code": "620000", "name": "甘肃省", "level": "province", "parent": None}
    ]
    townships = get("/regions", {"parent": "620104"}).json()
    assert [region["code"] for region in townships] == ["620104001000", "620104002000"]
    assert {region["level"] for region in townships} == {"township"}
    assert {region["parent"] for region in townships} == {"620104"}
    assert get("/regions", {"parent": "999999"}).json() == []
