"""点援制: the published roster, the applicant's choice on the online form, and its use at assignment."""

from __future__ import annotations

from yizhan.legalaid.models import LegalAidCase


def test_roster_lists_public_people_only(client, district):
    lawyer = district.lawyers[0]
    hidden = district.lawyers[1]
    hidden.accepts_citizen_choice = False
    hidden.save()
    page = client.get("/legal-aid/roster/").content.decode()
    assert lawyer.name in page and lawyer.org.name in page
    assert hidden.name not in page


def test_online_choice_is_kept_and_preselected(client, district):
    lawyer = district.lawyers[0]
    form = {
        "name": "马建军",
        "phone": "13900001111",
        "id_number": "110101199003074258",
        "station": district.stations[0].pk,
        "title": "讨薪",
        "story": "工地务工被拖欠工资。",
        "proceeding": "civil",
        "role": "applicant",
        "claim": "wages",
        "aid_groups": ["migrant_worker"],
        "preferred_person": lawyer.pk,
        "consent": "on",
        "form_token": "roster-" + "x" * 24,
    }
    response = client.post("/legal-aid/apply/", form)
    assert response.status_code == 302, response.content.decode()[:500]
    case = LegalAidCase.objects.get()
    assert case.preferred_person == lawyer
    bad = client.post("/legal-aid/apply/", {**form, "preferred_person": 999999, "form_token": "y" * 24})
    assert bad.status_code == 422
    assert "preferred_person" in bad.context["form"].errors
