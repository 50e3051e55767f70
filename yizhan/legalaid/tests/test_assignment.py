"""Assignment (第四十三条、第二十六条、第三十六条): who may be assigned, the applicant's own choice
(点援制), and what is refused with a field error."""

from __future__ import annotations

import datetime

import pytest

from yizhan.core.errors import InvalidInput
from yizhan.legalaid import selectors
from yizhan.orgs.models import Person

from .conftest import S

DEATH_PENALTY = {
    "proceeding": "criminal",
    "role": "suspect_or_defendant",
    "person": ["may_face_life_or_death_sentence"],
}


def _person(district, years: int, role: str = "lawyer", firm: int = 0) -> Person:
    return Person.objects.create(
        name=f"{role}{years}年",
        role=role,
        org=district.firms[firm] if role == "lawyer" else district.legal_aid_center,
        practice_since=datetime.date(2026 - years, 1, 1),
        criminal_practice_years=years,
    )


@pytest.mark.parametrize(("years", "allowed"), [(0, False), (2, False), (3, True), (5, True)])
def test_life_or_death_defence_needs_three_years(flow, district, years, allowed):
    case = flow.notify(facts=DEATH_PENALTY)
    assert selectors.needs_senior_defender(case)
    assert any("三年以上" in r for r in case.eligibility["assignment_requirements"])
    person = _person(district, years, firm=1)
    if allowed:
        case = flow.step(case, "assign", person=person)
        assert case.stage == S.ASSIGNED and case.assignee == person
        return
    with pytest.raises(InvalidInput) as caught:
        flow.step(case, "assign", person=person)
    assert "第二十六条" in caught.value.message
    assert "三年" in caught.value.fields["person"]
    case.refresh_from_db()
    assert case.stage == S.GRANTED and case.assignee is None


def test_death_penalty_review_also_needs_three_years(flow, district):
    case = flow.notify(
        facts={"proceeding": "criminal", "role": "suspect_or_defendant", "person": ["death_penalty_review"]}
    )
    with pytest.raises(InvalidInput):
        flow.step(case, "assign", person=_person(district, 1, firm=1))


def test_a_minor_defendant_may_have_a_junior_lawyer(flow, district):
    case = flow.notify()  # a minor: mandatory defence, no experience requirement
    assert not selectors.needs_senior_defender(case)
    case = flow.step(case, "assign", person=_person(district, 1, firm=1))
    assert case.stage == S.ASSIGNED


def test_a_defence_is_not_assigned_to_a_grassroots_legal_worker(flow, district):
    worker = Person.objects.create(
        name="基层法律服务工作者", role="grassroots_legal_worker", org=district.offices[0]
    )
    case = flow.notify()
    with pytest.raises(InvalidInput) as caught:
        flow.step(case, "assign", person=worker)
    assert "person" in caught.value.fields
    # a civil matter may be handled by one (第十二条)
    civil = flow.step(flow.to(S.GRANTED), "assign", person=worker)
    assert civil.stage == S.ASSIGNED and civil.assignee == worker


@pytest.mark.parametrize("who", ["mediator", "notary", "inactive", "none"])
def test_assigning_someone_outside_the_roster_is_refused(flow, district, who):
    case = flow.to(S.GRANTED)
    if who == "none":
        person = None
    elif who == "inactive":
        person = district.lawyers[2]
        person.is_active = False
        person.save()
    else:
        person = Person.objects.filter(role=who).first()
        assert person is not None
    with pytest.raises(InvalidInput) as caught:
        flow.step(case, "assign", person=person)
    assert "person" in caught.value.fields
    case.refresh_from_db()
    assert case.stage == S.GRANTED and case.assignee is None
    assert case.matter.transfers.filter(to_org__kind="law_firm").count() == 0


def test_the_applicants_choice_is_recorded(flow, district):
    case = flow.step(flow.to(S.GRANTED), "assign", person=district.lawyers[1], chosen_by_applicant=True)
    assert case.chosen_by_applicant is True
    event = selectors.event_log(case)[-1]
    assert event.data["chosen_by_applicant"] is True and event.data["person"] == district.lawyers[1].name


def test_the_choice_made_online_counts_when_that_lawyer_is_assigned(flow, district):
    chosen = district.lawyers[1]
    case = flow.apply(preferred_person=chosen)
    case = flow.to(S.GRANTED, case)
    assert flow.step(case, "assign", person=chosen).chosen_by_applicant is True


def test_another_lawyer_than_the_one_chosen_is_not_the_applicants_choice(flow, district):
    case = flow.apply(preferred_person=district.lawyers[1])
    case = flow.to(S.GRANTED, case)
    assert flow.step(case, "assign", person=district.lawyers[0]).chosen_by_applicant is False
