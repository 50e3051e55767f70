"""The audit log listens to the changes lower layers announce (``yizhan.core.signals.changed``)."""

from __future__ import annotations

from typing import Any

from django.dispatch import receiver

from yizhan.audit import services
from yizhan.core.signals import changed


@receiver(changed, dispatch_uid="yz-audit-core-changed")
def _record_core_change(sender: Any, action: str, obj: Any, actor: Any, changes: Any, **kwargs: Any) -> None:
    services.record(action, obj, actor=actor, changes=changes)
