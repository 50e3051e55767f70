"""The transfer form: the receiving unit is found by typing, the units for the matter are suggested
first (service type, legal domain, triage, locality), and the triage's suggestion fills 法律领域, 事项类型
and the receiving unit; the intake form flags a wrong ID check digit as it is typed."""

import re

import pytest
from django.urls import reverse

from yizhan.matters import selectors, services
from yizhan.matters.forms import RegistrationForm
from yizhan.matters.models import LegalDomain
from yizhan.matters.testing import register
from yizhan.orgs.models import Organization, Region


@pytest.fixture
def clerk_client(client, users):
    client.force_login(users["clerk2"])
    return client


@pytest.fixture
def village_matter(district, users):
    """A mediation matter from the first village of 陈坪街道, received at the 陈坪 station."""
    village = Region.objects.get(code="620104001001")
    return register(users["clerk2"], region=village, service_type="mediation", domain="real_estate")


def _options(page: str, group: str) -> list[str]:
    block = re.search(rf'<optgroup label="{group}">(.*?)</optgroup>', page, re.S)
    return re.findall(r'<option value="(\d+)"', block.group(1)) if block else []


def test_the_units_for_the_matter_come_first_nearest_first(district, village_matter):
    village_committee = Organization.objects.get(region_id="620104001001", kind="mediation_committee")
    ranked = selectors.rank_transfer_targets(village_matter, Organization.objects.filter(is_active=True))
    assert [s.org for s in ranked[:2]] == [village_committee, district.committees[0]]
    assert "属地" in ranked[0].reason and "本乡镇" in ranked[1].reason
    assert all(s.org.kind == "mediation_committee" for s in ranked)


def test_a_professional_committee_leads_for_its_domain(district, users):
    matter = register(users["clerk"], service_type="mediation", domain="medical")
    ranked = selectors.rank_transfer_targets(matter, Organization.objects.filter(is_active=True))
    assert ranked[0].org == district.medical_committee
    assert "医患" in ranked[0].reason


def test_the_matter_page_offers_the_suggested_units_first(clerk_client, district, village_matter):
    page = clerk_client.get(reverse("matters:detail", args=[village_matter.number])).content.decode()
    suggested = _options(page, "推荐")
    assert suggested[:2] == [
        str(Organization.objects.get(region_id="620104001001", kind="mediation_committee").pk),
        str(district.committees[0].pk),
    ]
    assert 'name="to_org_q"' in page and "hx-get" in page  # the search box
    assert _options(page, "外部门")  # every other unit stays available, by kind


def test_typing_narrows_the_units_and_keeps_the_chosen_one(clerk_client, district, village_matter):
    url = reverse("matters:transfer_targets", args=[village_matter.number])
    chosen = district.committees[0]
    page = clerk_client.get(url, {"to_org_q": "12333", "transfer-to_org": chosen.pk}).content.decode()
    ids = re.findall(r'<option value="(\d+)"', page)
    assert ids == [str(chosen.pk), str(district.externals[2].pk)]  # the chosen one, then the match
    assert "找到 1 个单位" in page
    page = clerk_client.get(url, {"to_org_q": "陈坪"}).content.decode()
    assert district.offices[0].name in page and district.offices[1].name not in page
    page = clerk_client.get(url, {"to_org_q": "调委会没有这个"}).content.decode()
    assert "找到 0 个单位" in page


def test_the_triage_suggestion_fills_the_domain_the_service_type_and_the_unit(
    clerk_client, settings, district, village_matter
):
    settings.MATTERS_TRIAGE = "yizhan.matters.testing.triage_stub"
    url = reverse("matters:transfer_suggestion", args=[village_matter.number])
    panel = clerk_client.post(url, {"transfer-note": "请尽快"}).content.decode()
    assert "智能分流建议" in panel and "劳动纠纷" in panel and "采用建议" in panel
    assert district.legal_aid_center.name in panel

    fields = clerk_client.post(url, {"apply": "1", "transfer-note": "请尽快"}).content.decode()

    labor = LegalDomain.objects.get(code="labor")
    assert re.search(rf'<option value="{labor.pk}" selected>', fields)
    assert re.search(r'<option value="\d+" selected>法律援助</option>', fields)
    assert re.search(rf'<option value="{district.legal_aid_center.pk}" selected', fields)
    assert "请尽快" in fields  # what the clerk typed stays
    assert "已按建议填写" in fields


def test_the_transfer_corrects_the_domain(district, users, village_matter):
    labor = LegalDomain.objects.get(code="labor")
    services.transition(
        village_matter,
        "transfer",
        actor=users["clerk2"],
        payload={"transfer": services.TransferData(to_org=district.legal_aid_center, domain=labor)},
    )
    village_matter.refresh_from_db()
    assert village_matter.domain == labor
    event = village_matter.events.get(code="transfer")
    assert (event.data["domain_before"], event.data["domain"]) == ("real_estate", "labor")


def test_the_transfer_form_posts_the_domain(clerk_client, district, village_matter):
    labor = LegalDomain.objects.get(code="labor")
    url = reverse("matters:act", args=[village_matter.number, "transfer"])
    response = clerk_client.post(
        url,
        {
            "transfer-domain": labor.pk,
            "transfer-service_type": village_matter.service_type.pk,
            "transfer-to_org": district.committees[0].pk,
        },
    )
    assert response.status_code == 302
    village_matter.refresh_from_db()
    assert village_matter.domain == labor and village_matter.current_org == district.committees[0]


def test_without_a_unit_the_form_says_so_on_the_field(clerk_client, village_matter):
    url = reverse("matters:act", args=[village_matter.number, "transfer"])
    response = clerk_client.post(url, {"transfer-service_type": village_matter.service_type.pk})
    assert response.status_code == 422
    page = response.content.decode()
    assert 'aria-invalid="true"' in page and "这个字段是必填项。" in page


def test_a_missing_triage_leaves_the_form_as_it_is(clerk_client, settings, village_matter):
    settings.MATTERS_TRIAGE = "yizhan.matters.testing.triage_unavailable"
    url = reverse("matters:transfer_suggestion", args=[village_matter.number])
    response = clerk_client.post(url, {"apply": "1"})
    assert response.status_code == 200
    assert "智能分流建议" not in response.content.decode()


def test_the_suggestion_and_search_are_scoped_to_the_matters_the_clerk_sees(client, users, village_matter):
    client.force_login(users["mediator2"])  # the medical committee: not this matter's
    url = reverse("matters:transfer_targets", args=[village_matter.number])
    assert client.get(url, {"to_org_q": "1"}).status_code == 404


# --- the ID number while it is typed --------------------------------------------------------------


def test_the_id_field_is_checked_on_every_keystroke_not_only_on_leaving_it(users):
    form = RegistrationForm(user=users["clerk"])
    assert form.fields["id_number"].widget.attrs["hx-trigger"].startswith("input")


def test_an_unfinished_id_number_is_not_flagged_a_wrong_check_digit_is(clerk_client):
    url = reverse("matters:check_person")
    page = clerk_client.post(url, {"id_number": "11010119900307425"}).content.decode()
    assert 'role="alert"' not in page and "已输入17位" in page
    page = clerk_client.post(url, {"id_number": "110101199003074259"}).content.decode()
    assert "校验位不正确" in page
    page = clerk_client.post(url, {"id_number": "1101011990030a"}).content.decode()
    assert 'role="alert"' in page  # a letter in the middle is wrong at once


def test_a_committee_of_another_field_is_not_suggested(district, users):
    matter = register(users["clerk"], service_type="mediation", domain="real_estate")
    ranked = selectors.rank_transfer_targets(matter, Organization.objects.filter(is_active=True))
    assert district.medical_committee not in [s.org for s in ranked]
    assert ranked[0].org in district.committees  # the townships' committees, for a matter of the district


def test_odd_values_in_the_live_search_are_ignored(clerk_client, village_matter):
    url = reverse("matters:transfer_targets", args=[village_matter.number])
    for value in ("99999999999999999999999", "１２", "abc", "-1"):
        response = clerk_client.get(
            url, {"transfer-to_org": value, "transfer-domain": value, "to_org_q": value}
        )
        assert response.status_code == 200, value
