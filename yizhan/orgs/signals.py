"""Invalidate the cached organisation tree and regions when they change."""

from django.db.models.signals import post_delete, post_save

from yizhan.core.cache import bump_on_change
from yizhan.orgs.models import Organization, Region

for model, namespace in ((Organization, "orgs"), (Region, "regions")):
    receiver = bump_on_change(namespace)
    post_save.connect(receiver, sender=model, weak=False, dispatch_uid=f"yz-bump-{namespace}-save")
    post_delete.connect(receiver, sender=model, weak=False, dispatch_uid=f"yz-bump-{namespace}-delete")
