"""The demo generator writes what the services would have written."""

from collections import Counter
from itertools import pairwise

from django.core.management import call_command

from yizhan.matters.models import Matter, MatterEvent, Requester


def test_demo_matters_are_consistent_with_the_state_machine(district):
    from yizhan.demo.matters import generate_matters
    from yizhan.matters.states import TRANSITIONS

    list(generate_matters(300, seed=3))
    assert Matter.objects.count() == 300
    states = Counter(Matter.objects.values_list("state", flat=True))
    assert len(states) >= 5  # a spread of stages, not one
    for matter in Matter.objects.prefetch_related("events")[:300]:
        events = sorted(matter.events.all(), key=lambda e: e.seq)
        assert events[0].code == "register"
        assert events[-1].to_state == matter.state
        for before, after in pairwise(events):
            assert after.from_state == before.to_state
            if after.code in TRANSITIONS:
                assert before.to_state in TRANSITIONS[after.code].sources, (after.code, before.to_state)
    assert Requester.objects.filter(id_number_encrypted__isnull=False).count() == 300
    numbers = list(Matter.objects.values_list("number", flat=True))
    assert len(set(numbers)) == len(numbers)


def test_a_further_registration_continues_the_numbering(district, users):
    from yizhan.demo.matters import generate_matters
    from yizhan.matters.testing import register

    list(generate_matters(50, seed=4))
    matter = register(users["clerk"])
    assert Matter.objects.filter(number=matter.number).count() == 1


def test_the_demo_command_builds_everything(db, tmp_path, settings):
    settings.DATA_DIR = tmp_path
    call_command("demo", matters=40, small=True, password="Demo-pass-2026")
    assert Matter.objects.count() == 40
    assert (tmp_path / "demo-accounts.txt").read_text(encoding="utf-8").count("Demo-pass-2026") >= 10
    assert MatterEvent.objects.filter(code="register").count() == 40


def test_every_late_demo_matter_is_escalated_once_by_the_sweep(district):
    from yizhan.demo.matters import generate_matters
    from yizhan.matters.services import do_sweep_deadlines
    from yizhan.matters.states import OPEN_STATES

    list(generate_matters(300, seed=3))
    late = Matter.objects.filter(state__in=OPEN_STATES, overdue=True)
    assert late.exists() and not late.filter(escalated_at__isnull=False).exists()

    result = do_sweep_deadlines()

    assert result.newly_overdue == late.count()
    assert not late.filter(escalated_at__isnull=True).exists()
    assert MatterEvent.objects.filter(code="overdue").count() == late.count()
    assert do_sweep_deadlines().newly_overdue == 0


def test_the_demo_command_leaves_no_late_matter_unescalated(db, tmp_path, settings):
    from yizhan.matters.states import OPEN_STATES

    settings.DATA_DIR = tmp_path
    call_command("demo", matters=200, small=True, password="Demo-pass-2026")
    late = Matter.objects.filter(state__in=OPEN_STATES, overdue=True)
    assert late.exists()
    assert not late.filter(escalated_at__isnull=True).exists()
