"""The staff directory under /staff/orgs/: who may open it, what each unit's staff see, the detail page."""

import pytest
from django.urls import reverse

from yizhan.orgs.models import Organization, OrgKind


@pytest.fixture
def login(client):
    def as_user(user):
        client.force_login(user)
        return client

    return as_user


def private_unit(parent, name="内部专项公共法律服务工作站"):
    unit = Organization(
        name=name, kind=OrgKind.SPECIAL_CENTER, parent=parent, region=parent.region, is_public=False
    )
    unit.save()
    return unit


def test_it_sends_anonymous_visitors_to_the_login_page(client, district):
    for url in (reverse("orgs:directory"), reverse("orgs:detail", args=[district.center.pk])):
        response = client.get(url)
        assert response.status_code == 302, url
        assert response["Location"].startswith(reverse("accounts:login")), url


def test_it_lists_the_units_grouped_by_category_with_their_contacts(login, users, district):
    response = login(users["clerk"]).get(reverse("orgs:directory"))
    assert response.status_code == 200
    groups = response.context["groups"]
    assert set(groups) == {"司法行政机关", "公共法律服务平台", "法律服务机构", "外部门"}
    assert district.center in groups["公共法律服务平台"]
    assert set(district.externals) <= set(groups["外部门"])
    page = response.content.decode()
    assert "西固区公共法律服务中心" in page and "09317556100" in page
    assert "12315" in page  # an external department is listed with its hotline number


def test_it_filters_by_kind_and_searches_names_addresses_and_services(login, users, district):
    client = login(users["clerk"])

    def found(**params):
        groups = client.get(reverse("orgs:directory"), params).context["groups"]
        return {unit.pk for units in groups.values() for unit in units}

    assert found(kind=OrgKind.LAW_FIRM) == {firm.pk for firm in district.firms}
    assert len(found(kind="castle")) == Organization.objects.count()  # an unknown kind is ignored
    assert found(q="医疗") == {district.medical_committee.pk}
    assert found(q="政务服务中心二楼") == {district.notary.pk}  # by address
    assert district.center.pk in found(q="公证")  # by the services it offers
    assert found(kind=OrgKind.CENTER, q="公证") == {district.center.pk}


def test_a_private_unit_is_seen_only_within_its_branch_of_the_tree(login, users, district):
    hidden = private_unit(district.stations[1])
    outsider = login(users["clerk2"])  # at the other township's station
    assert "内部专项公共法律服务工作站" not in outsider.get(reverse("orgs:directory")).content.decode()
    assert outsider.get(reverse("orgs:detail", args=[hidden.pk])).status_code == 404

    manager = login(users["manager"])  # the district bureau: the unit is below it
    assert "内部专项公共法律服务工作站" in manager.get(reverse("orgs:directory")).content.decode()
    assert manager.get(reverse("orgs:detail", args=[hidden.pk])).status_code == 200

    own = private_unit(district.stations[0], name="本站内部工作室")  # in clerk2's own subtree
    insider = login(users["clerk2"])
    assert insider.get(reverse("orgs:detail", args=[own.pk])).status_code == 200
    assert "本站内部工作室" in insider.get(reverse("orgs:directory")).content.decode()


def test_institutions_stay_listed_even_when_not_public(login, users, district):
    firm = district.firms[1]
    firm.is_public = False
    firm.save()
    client = login(users["clerk2"])  # the firm is outside the clerk's subtree
    assert firm.name in client.get(reverse("orgs:directory")).content.decode()
    assert client.get(reverse("orgs:detail", args=[firm.pk])).status_code == 200


def test_an_inactive_unit_leaves_the_directory(login, users, district):
    external = district.externals[0]
    external.is_active = False
    external.save()
    page = login(users["clerk"]).get(reverse("orgs:directory")).content.decode()
    assert external.name not in page


def test_the_detail_page_shows_windows_parent_and_children(login, users, district):
    client = login(users["clerk"])
    center = client.get(reverse("orgs:detail", args=[district.center.pk]))
    assert center.status_code == 200
    assert [str(window) for window in center.context["windows"]] == [
        "1号窗口 法律咨询",
        "2号窗口 法律援助",
        "3号窗口 人民调解",
        "4号窗口 法治宣传",
        "5号窗口 公证服务",
        "6号窗口 律师值班",
    ]
    office = client.get(reverse("orgs:detail", args=[district.offices[0].pk])).content.decode()
    assert reverse("orgs:detail", args=[district.bureau.pk]) in office  # link up to the bureau
    assert reverse("orgs:detail", args=[district.stations[0].pk]) in office  # and down to the station


def test_the_detail_page_of_a_law_firm_lists_the_villages_its_lawyers_advise(login, users, district):
    page = login(users["clerk"]).get(reverse("orgs:detail", args=[district.firms[0].pk])).content.decode()
    assert "XGFLGW-2026-001" in page and "XGFLGW-2026-003" in page
    assert "XGFLGW-2026-002" not in page  # that village's adviser works at the other firm


def test_a_missing_unit_is_a_404(login, users, district):
    assert login(users["manager"]).get(reverse("orgs:detail", args=[999_999])).status_code == 404
