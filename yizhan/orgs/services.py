"""Writes of the organisations app: the duty rosters (值班表) a district manager arranges.

Each write checks the permission (``selectors.ROSTER_PERMISSION``) and the jurisdiction (the unit in
the actor's subtree, else ``NotFound``), validates with a message per field, and writes the change
with its audit row in one transaction.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from yizhan.audit import services as audit
from yizhan.audit.models import AuditAction
from yizhan.core.errors import Forbidden, InvalidInput, NotFound
from yizhan.orgs import selectors
from yizhan.orgs.models import DutyKind, DutyShift, Organization, OrgCategory, OrgKind, Person, ServiceWindow

MAX_SHIFT = datetime.timedelta(hours=24)


@dataclass
class ShiftData:
    """One roster entry as a form or the API gives it (``None`` where nothing was chosen)."""

    kind: str
    person: Person | None
    starts_at: datetime.datetime | None
    ends_at: datetime.datetime | None
    window: ServiceWindow | None = None
    seat: str = ""
    note: str = ""


def _check_access(org: Organization, actor: Any) -> None:
    if org.pk not in actor.scope_org_ids:
        raise NotFound(_("单位不存在。"))
    if not actor.has_perm(selectors.ROSTER_PERMISSION):
        raise Forbidden(_("您的账号没有编排值班的权限。"))


def _clean(org: Organization, data: ShiftData, actor: Any) -> dict[str, str]:
    errors: dict[str, str] = {}
    if data.kind not in DutyKind.values:
        errors["kind"] = _("请选择值班类型。")
    elif data.kind == DutyKind.HOTLINE and org.kind != OrgKind.HOTLINE:
        errors["kind"] = _("热线坐席只能排在12348热线单位。")
    elif data.kind != DutyKind.HOTLINE and org.kind == OrgKind.HOTLINE:
        errors["kind"] = _("热线单位请选择“热线坐席”。")
    if data.person is None:
        errors["person"] = _("请选择值班人员。")
    elif not data.person.is_active:
        errors["person"] = _("该人员已不在岗。")
    elif data.person.org_id not in actor.scope_org_ids and data.person.org_id != org.pk:
        errors["person"] = _("只能安排本辖区的人员值班。")
    elif data.kind == DutyKind.LEADER_AT_WINDOW and data.person.org.category != OrgCategory.ADMINISTRATION:
        errors["person"] = _("局长驻窗口应由司法局（司法所）负责人担任。")
    if data.window is not None and data.window.org_id != org.pk:
        errors["window"] = _("该窗口不属于本单位。")
    if data.starts_at is None:
        errors["starts_at"] = _("请填写开始时间。")
    if data.ends_at is None:
        errors["ends_at"] = _("请填写结束时间。")
    if data.starts_at is not None and data.ends_at is not None:
        if data.ends_at <= data.starts_at:
            errors["ends_at"] = _("结束时间应晚于开始时间。")
        elif data.ends_at - data.starts_at > MAX_SHIFT:
            errors["ends_at"] = _("一次值班不能超过24小时。")
        elif (
            data.kind != DutyKind.HOTLINE
            and (timezone.localtime(data.ends_at) - datetime.timedelta(microseconds=1)).date()
            != timezone.localtime(data.starts_at).date()
        ):
            errors["ends_at"] = _("窗口值班应在当天结束（跨夜值班只用于热线坐席）。")
    if len(data.seat) > 16:
        errors["seat"] = _("坐席号不超过16个字符。")
    if len(data.note) > 128:
        errors["note"] = _("备注不超过128个字。")
    return errors


def _overlap(person: Person, start: datetime.datetime, end: datetime.datetime) -> DutyShift | None:
    return (
        DutyShift.objects.filter(person=person, starts_at__lt=end, ends_at__gt=start)
        .select_related("org")
        .order_by("starts_at")
        .first()
    )


def _describe(shift: DutyShift) -> dict[str, Any]:
    return {
        "org": shift.org.name,
        "kind": shift.kind,
        "person": shift.person.name,
        "starts_at": timezone.localtime(shift.starts_at).isoformat(),
        "ends_at": timezone.localtime(shift.ends_at).isoformat(),
        "window": str(shift.window) if shift.window else "",
        "seat": shift.seat,
    }


def do_add_duty_shift(org: Organization, data: ShiftData, *, actor: Any) -> DutyShift:
    """Put one entry on ``org``'s roster (值班安排); a person cannot be on two duties at once."""
    _check_access(org, actor)
    errors = _clean(org, data, actor)
    if errors or data.person is None or data.starts_at is None or data.ends_at is None:
        raise InvalidInput(_("值班安排有误，请检查标出的项目。"), fields=errors)
    with transaction.atomic(durable=True):
        person = Person.objects.select_for_update(of=("self",)).select_related("org").get(pk=data.person.pk)
        clash = _overlap(person, data.starts_at, data.ends_at)
        if clash is not None:
            message = _("%(name)s 在 %(start)s–%(end)s 已有值班安排（%(org)s）。") % {
                "name": person.name,
                "start": timezone.localtime(clash.starts_at).strftime("%m-%d %H:%M"),
                "end": timezone.localtime(clash.ends_at).strftime("%H:%M"),
                "org": clash.org.name,
            }
            raise InvalidInput(message, fields={"starts_at": message})
        shift = DutyShift.objects.create(
            org=org,
            kind=data.kind,
            person=person,
            window=data.window,
            seat=data.seat.strip(),
            starts_at=data.starts_at,
            ends_at=data.ends_at,
            note=data.note.strip(),
        )
        audit.record(AuditAction.CREATE, shift, actor=actor, changes=_describe(shift))
    return shift


def do_remove_duty_shift(shift: DutyShift, *, actor: Any) -> None:
    """Take one entry off the roster."""
    _check_access(shift.org, actor)
    with transaction.atomic(durable=True):
        locked = (
            DutyShift.objects.select_for_update(of=("self",))
            .select_related("org", "person", "window")
            .filter(pk=shift.pk)
        )
        row = locked.first()
        if row is None:
            raise NotFound(_("值班安排不存在。"))
        audit.record(AuditAction.DELETE, row, actor=actor, changes=_describe(row))
        row.delete()


def do_copy_duty_week(org: Organization, monday: datetime.date, *, actor: Any) -> int:
    """复制上周: repeat the previous week's entries of ``org`` in the week starting ``monday``; an entry
    whose person is already on duty at that time is skipped. Returns how many were added."""
    _check_access(org, actor)
    start = timezone.make_aware(datetime.datetime.combine(monday, datetime.time(0)))
    week = datetime.timedelta(days=7)
    added = 0
    with transaction.atomic(durable=True):
        Organization.objects.select_for_update().filter(pk=org.pk).first()  # one copy at a time per unit
        for old in selectors.shifts_between([org.pk], start - week, start):
            if old.starts_at < start - week:
                continue  # began the week before: not part of the copied week
            new_start, new_end = old.starts_at + week, old.ends_at + week
            if _overlap(old.person, new_start, new_end) is not None:
                continue
            DutyShift.objects.create(
                org=org,
                kind=old.kind,
                person=old.person,
                window=old.window,
                seat=old.seat,
                starts_at=new_start,
                ends_at=new_end,
                note=old.note,
            )
            added += 1
        audit.record(
            AuditAction.CREATE,
            org,
            actor=actor,
            object_type="orgs.dutyshift",
            object_repr=_("%(org)s 复制上周值班") % {"org": org.name},
            changes={"week": monday.isoformat(), "added": added},
        )
    return added
