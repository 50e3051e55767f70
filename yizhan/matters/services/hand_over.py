"""Hand-over of first responsibility (首问责任交接) from one staff member to a colleague."""

from __future__ import annotations

from django.db import transaction
from django.urls import reverse
from django.utils.translation import gettext as _

from yizhan.accounts import roles
from yizhan.accounts.models import User
from yizhan.audit import services as audit
from yizhan.audit.models import AuditAction
from yizhan.core.errors import Forbidden, IllegalTransition, InvalidInput, NotFound
from yizhan.core.models import Notification
from yizhan.matters import selectors
from yizhan.matters.models import EventCode, Matter
from yizhan.matters.services.common import _locked, _now, append_event
from yizhan.matters.states import MatterState


def do_hand_over_matter(matter: Matter, to_user: User, *, actor: User, note: str) -> Matter:
    """首问责任交接: the first-responsible person hands the matter to a colleague, with a record."""
    selectors.require_permission(actor, roles.HAND_OVER, _("首问责任交接"))
    if not selectors.can_see(actor, matter):
        raise NotFound(_("事项不存在。"))
    note = (note or "").strip()
    errors = {}
    if not note:
        errors["note"] = _("请填写交接说明（未办结事项的进展和需要跟进的内容）。")
    if (
        not to_user.is_active
        or to_user.unit_id is None
        or to_user.unit_id not in actor.scope_org_ids | {actor.unit_id}
    ):
        errors["to_user"] = _("只能交接给本单位或下级单位的在岗人员。")
    if not to_user.has_perm(roles.REGISTER):
        errors["to_user"] = _("接手人员没有受理事项的权限。")
    if errors:
        raise InvalidInput(_("交接信息有误。"), fields=errors)
    with transaction.atomic(durable=True):
        locked = _locked(matter)
        if locked.first_responsible_id != actor.pk and not actor.has_perm(roles.SUPERVISE):
            raise Forbidden(_("只有首问责任人本人或督办人员可以交接。"))
        if locked.state == MatterState.ARCHIVED:
            raise IllegalTransition(_("已归档的事项不能交接。"))
        previous = locked.first_responsible
        locked.first_responsible = to_user
        if locked.assignee_id == previous.pk:
            locked.assignee = to_user
        locked.save(update_fields=["first_responsible", "assignee", "updated_at"])
        now = _now()
        append_event(
            locked,
            EventCode.HAND_OVER,
            actor=actor,
            at=now,
            note=note,
            data={"from": previous.display_name, "to": to_user.display_name, "to_user_id": to_user.pk},
        )
        audit.record(
            AuditAction.UPDATE,
            locked,
            actor=actor,
            changes={"first_responsible": [previous.display_name, to_user.display_name]},
        )
        Notification.objects.create(
            recipient=to_user,
            kind="hand_over",
            message=_("%(who)s 将事项 %(number)s 交接给您")
            % {"who": actor.display_name, "number": locked.number},
            link=reverse("matters:detail", args=[locked.number]),
        )
    matter.refresh_from_db()
    return matter
