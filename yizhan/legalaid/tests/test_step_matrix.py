"""Every step from every stage: legal steps are offered, illegal ones refused with a clear message
and nothing changed (the full transition table of states.STEPS)."""

from __future__ import annotations

import pytest

from yizhan.core.errors import IllegalTransition
from yizhan.legalaid import services
from yizhan.legalaid.models import LegalAidCase, Source
from yizhan.legalaid.states import STEPS, CaseStage, available_steps
from yizhan.matters.testing import registration

FACTS = {"proceeding": "civil", "claim": "wages", "groups": ["migrant_worker"]}
PAIRS = [(stage, code) for stage in CaseStage for code, step in STEPS.items() if stage not in step.sources]


@pytest.fixture
def centre_case(district):
    actor = district.users["legalaid"]
    application = services.Application(
        registration=registration(receiving_org=district.legal_aid_center), facts=FACTS, source=Source.WINDOW
    )
    return services.do_register_application(application, actor=actor)


@pytest.mark.parametrize(("stage", "code"), PAIRS, ids=[f"{s}-{c}" for s, c in PAIRS])
def test_illegal_step_is_refused_and_changes_nothing(district, centre_case, stage, code):
    LegalAidCase.objects.filter(pk=centre_case.pk).update(stage=stage)
    case = LegalAidCase.objects.get(pk=centre_case.pk)
    actor = district.users["manager" if STEPS[code].permission == "legalaid.decide_objection" else "legalaid"]
    events_before = case.matter.events.count()
    with pytest.raises(IllegalTransition) as caught:
        services.do_advance_case(case, code, actor=actor, note="理由")
    assert str(STEPS[code].label) in caught.value.message
    assert case.get_stage_display() in caught.value.message
    case.refresh_from_db()
    assert case.stage == stage
    assert case.matter.events.count() == events_before


def test_every_stage_offers_exactly_its_legal_steps():
    for stage in CaseStage:
        offered = {s.code for s in available_steps(stage)}
        assert offered == {c for c, s in STEPS.items() if stage in s.sources}
    # terminal stages offer nothing but archiving (or nothing at all once archived)
    assert {s.code for s in available_steps(CaseStage.ARCHIVED)} == set()
