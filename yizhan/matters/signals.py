"""Invalidate cached reference data and time limits when they change; send the citizen the milestones;
tell other modules when a citizen's view of a matter is built."""

from django.db.models.signals import post_delete, post_save
from django.dispatch import Signal

from yizhan.core.cache import bump_on_change
from yizhan.matters import citizen_notices
from yizhan.matters.models import LegalDomain, MatterEvent, ServiceType, TimeLimitRule

for model, namespace in (
    (LegalDomain, "reference"),
    (ServiceType, "reference"),
    (TimeLimitRule, "time_limits"),
):
    receiver = bump_on_change(namespace)
    uid = f"yz-bump-{model.__name__}"
    post_save.connect(receiver, sender=model, weak=False, dispatch_uid=f"{uid}-save")
    post_delete.connect(receiver, sender=model, weak=False, dispatch_uid=f"{uid}-delete")

#: sent by ``matters.public.public_status`` with ``matter`` and ``status`` (a ``PublicStatus``) before
#: it is returned: a module whose record hangs on the matter (legal aid) may put its own stage, steps
#: and dates in place of the matter's, so the citizen reads one account of it
public_status_ready = Signal()

# milestones of the closed loop reach the citizen by SMS (citizen_notices.py)
post_save.connect(
    citizen_notices.on_event_saved, sender=MatterEvent, weak=False, dispatch_uid="yz-citizen-notices"
)
