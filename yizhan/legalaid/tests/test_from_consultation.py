"""A hotline consultation becomes a legal-aid application from the matter page, without re-typing."""

from __future__ import annotations

from yizhan.legalaid.models import LegalAidCase
from yizhan.matters.testing import register

PASSWORD = "Test-pass-2026"


def test_matter_page_offers_the_conversion_and_then_links_the_case(client, district):
    hotline = district.users["hotline"]
    matter = register(hotline, channel="hotline", title="被拖欠工资怎么办")
    client.login(username="hotline", password=PASSWORD)
    page = client.get(f"/staff/matters/{matter.number}/").content.decode()
    assert "转为法律援助申请" in page
    response = client.post(
        f"/staff/legal-aid/from-matter/{matter.number}/",
        {
            "proceeding": "civil",
            "role": "applicant",
            "claim": "wages",
            "aid_groups": ["migrant_worker"],
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    case = LegalAidCase.objects.get()
    assert case.eligibility["economic_condition"] == "exempt_from_verification"
    source_names = sorted(r.name for r in matter.requesters.all())
    assert sorted(r.name for r in case.matter.requesters.all()) == source_names
    assert "法律援助案件" in client.get(f"/staff/matters/{case.matter.number}/").content.decode()


def test_bad_facts_keep_the_form_with_the_field_error(client, district):
    matter = register(district.users["hotline"], channel="hotline")
    client.login(username="hotline", password=PASSWORD)
    response = client.post(
        f"/staff/legal-aid/from-matter/{matter.number}/", {"proceeding": "civil", "claim": "nonsense"}
    )
    assert response.status_code in (200, 422)
    assert "claim" in response.context["form"].errors
    assert LegalAidCase.objects.count() == 0
