"""Invalidate the cached hardship standards and scope extensions when an administrator edits them;
tell the citizen's view of a matter about its legal-aid case (``legalaid.public``)."""

from django.db.models.signals import post_delete, post_save

from yizhan.core.cache import bump_on_change
from yizhan.legalaid.eligibility import CACHE_NAMESPACE
from yizhan.legalaid.models import HardshipStandard, ScopeExtension
from yizhan.legalaid.public import refine_public_status
from yizhan.matters.signals import public_status_ready

for model in (HardshipStandard, ScopeExtension):
    receiver = bump_on_change(CACHE_NAMESPACE)
    name = model.__name__
    post_save.connect(receiver, sender=model, weak=False, dispatch_uid=f"yz-bump-la-{name}-save")
    post_delete.connect(receiver, sender=model, weak=False, dispatch_uid=f"yz-bump-la-{name}-delete")

public_status_ready.connect(refine_public_status, weak=False, dispatch_uid="yz-legal-aid-public-status")
