"""Writing audit rows. Services call ``record`` inside their transaction, so a change and its audit
row commit together or not at all."""

from __future__ import annotations

from typing import Any

from django.db import models

from yizhan.audit.middleware import current_request_context
from yizhan.audit.models import AuditAction, AuditLog


def record(
    action: str,
    obj: models.Model | None = None,
    *,
    actor: Any = None,
    actor_label: str = "",
    changes: dict[str, Any] | None = None,
    object_type: str = "",
    object_id: str = "",
    object_repr: str = "",
) -> AuditLog:
    context = current_request_context()
    if obj is not None:
        object_type = object_type or obj._meta.label_lower
        object_id = object_id or str(obj.pk)
        object_repr = object_repr or str(obj)[:128]
    user = actor if getattr(actor, "is_authenticated", False) else None
    return AuditLog.objects.create(
        actor=user,
        actor_label=actor_label or (user.display_name if user else ""),
        action=action,
        object_type=object_type,
        object_id=object_id,
        object_repr=object_repr[:128],
        changes=changes or {},
        ip=context.ip if context else None,
        request_id=context.request_id if context else "",
    )


def diff(before: dict[str, Any], after: dict[str, Any]) -> dict[str, Any]:
    """``{field: [old, new]}`` for the fields that changed."""
    return {key: [before.get(key), value] for key, value in after.items() if before.get(key) != value}


__all__ = ["AuditAction", "diff", "record"]
