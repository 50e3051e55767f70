"""Reads of service matters, always scoped to the reader's jurisdiction.

Views, the API, exports and the ledgers read matters only through these functions. A record outside
the reader's scope is indistinguishable from one that does not exist (``NotFound``).
"""

from __future__ import annotations

import datetime

from django.db.models import Exists, OuterRef, Prefetch, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from yizhan.accounts.models import User
from yizhan.audit import services as audit
from yizhan.audit.models import AuditAction
from yizhan.core.calendar import work_calendar
from yizhan.core.errors import InvalidInput, NotFound
from yizhan.lib import pii, querycode
from yizhan.lib.workdays import add_workdays
from yizhan.matters.models import Matter, MatterEvent, Requester, RequesterGroup, Transfer
from yizhan.matters.states import OPEN_STATES

RELATED = ("receiving_org", "current_org", "domain", "service_type", "first_responsible", "region")


def _single_root() -> bool:
    from yizhan.core.cache import cached
    from yizhan.orgs.models import Organization

    return cached(
        "orgs", "single-root", lambda: Organization.objects.filter(parent__isnull=True).count() == 1
    )


def _scope_filter(user: User) -> Q | None:
    """None means "everything" (a unit at the top of the tree with no parent)."""
    if not user.is_authenticated or user.unit_id is None:
        return Q(pk__in=[])
    unit = user.unit
    if unit is not None and unit.parent_id is None and _single_root():
        return None  # the top of the only tree (a city bureau or province department) sees everything
    ids = list(user.scope_org_ids)
    transferred_in = Transfer.objects.filter(matter=OuterRef("pk"), to_org_id__in=ids)
    return Q(receiving_org_id__in=ids) | Q(current_org_id__in=ids) | Q(Exists(transferred_in))


def visible_matters(user: User) -> QuerySet[Matter]:
    qs = Matter.objects.all()
    scope = _scope_filter(user)
    if scope is not None:
        qs = qs.filter(scope)
    return qs


def with_requesters(qs: QuerySet[Matter]) -> QuerySet[Matter]:
    return qs.select_related(*RELATED).prefetch_related(
        Prefetch(
            "requesters",
            queryset=Requester.objects.order_by("-is_primary", "id").prefetch_related(
                Prefetch("group_rows", queryset=RequesterGroup.objects.order_by("id"))
            ),
        )
    )


def access_matter(user: User, number: str) -> Matter:
    matter = with_requesters(visible_matters(user)).filter(number=number).first()
    if matter is None:
        raise NotFound(_("事项不存在。"))
    return matter


def access_requester(user: User, requester_id: int) -> Requester:
    requester = Requester.objects.select_related("matter").filter(pk=requester_id).first()
    if requester is None or not visible_matters(user).filter(pk=requester.matter_id).exists():
        raise NotFound(_("当事人不存在。"))
    return requester


def matter_by_query_code(code: str) -> Matter:
    """Public lookup by query code (no login). Malformed codes fail before touching the database."""
    normalised = querycode.normalise(code)
    if not querycode.is_well_formed(normalised):
        raise NotFound(_("查询码有误，请核对后重新输入（12位数字）。"))
    matter = (
        Matter.objects.select_related("service_type", "current_org", "receiving_org")
        .filter(query_code=normalised)
        .first()
    )
    if matter is None:
        raise NotFound(_("没有找到该查询码对应的事项，请核对后重新输入。"))
    return matter


def events_of(matter: Matter) -> QuerySet[MatterEvent]:
    return matter.events.select_related("actor", "org").order_by("seq")


def todo_queue(user: User) -> QuerySet[Matter]:
    """My to-do: open matters waiting on my unit, mine first, then by due date."""
    if user.unit_id is None:
        return Matter.objects.none()
    return (
        visible_matters(user)
        .filter(Q(current_org_id=user.unit_id) | Q(assignee=user), state__in=OPEN_STATES | {"concluded"})
        .select_related(*RELATED)
        .order_by("due_date", "registered_at")
    )


def overdue_matters(user: User, today: datetime.date | None = None) -> QuerySet[Matter]:
    today = today or timezone.localdate()
    return (
        visible_matters(user)
        .filter(state__in=OPEN_STATES, due_date__lt=today)
        .select_related(*RELATED)
        .order_by("due_date")
    )


def near_due_matters(user: User, today: datetime.date | None = None, days: int = 2) -> QuerySet[Matter]:
    """Open matters due within ``days`` working days (not yet overdue)."""
    today = today or timezone.localdate()
    horizon = add_workdays(today, days, work_calendar()).date
    return (
        visible_matters(user)
        .filter(state__in=OPEN_STATES, due_date__gte=today, due_date__lte=horizon)
        .select_related(*RELATED)
        .order_by("due_date")
    )


def person_history(user: User, *, id_number: str = "", phone: str = "") -> QuerySet[Matter]:
    """All matters of one person (by ID number or phone) within the user's jurisdiction.

    The lookup uses the keyed blind index, never decryption; each lookup is audited.
    """
    id_number = id_number.strip()
    phone = phone.strip()
    errors = {}
    if not id_number and not phone:
        errors["q"] = _("请输入身份证号或电话号码。")
    if id_number:
        try:
            id_number = pii.validate_id_number(id_number)
        except Exception as exc:
            errors["id_number"] = getattr(exc, "messages", [str(exc)])[0]
    if phone:
        try:
            phone = pii.validate_phone(phone)
        except Exception as exc:
            errors["phone"] = getattr(exc, "messages", [str(exc)])[0]
    if errors:
        raise InvalidInput(_("查询条件有误。"), fields=errors)
    condition = Q()
    if id_number:
        condition |= Q(id_number_index=pii.blind_index("id_number", id_number))
    if phone:
        condition |= Q(phone_index=pii.blind_index("phone", phone))
    matter_ids = Requester.objects.filter(condition).values("matter_id")
    audit.record(
        AuditAction.REVEAL,
        actor=user,
        object_type="matters.person_history",
        object_repr=(pii.mask_id_number(id_number) if id_number else pii.mask_phone(phone)),
        changes={"by": "id_number" if id_number else "phone"},
    )
    return with_requesters(visible_matters(user).filter(pk__in=matter_ids)).order_by("-registered_at")


def search_matters(user: User, params: dict[str, str]) -> QuerySet[Matter]:
    """The staff list with filters (state, channel, service type, domain, dates, text)."""
    qs = visible_matters(user)
    if params.get("state"):
        qs = qs.filter(state=params["state"])
    if params.get("channel"):
        qs = qs.filter(channel=params["channel"])
    if params.get("service_type"):
        qs = qs.filter(service_type__code=params["service_type"])
    if params.get("domain"):
        qs = qs.filter(domain__code=params["domain"])
    if params.get("org"):
        try:
            org_id = int(params["org"])
        except ValueError:
            org_id = -1
        qs = qs.filter(Q(receiving_org_id=org_id) | Q(current_org_id=org_id))
    for key, lookup in (("date_from", "registered_at__date__gte"), ("date_to", "registered_at__date__lte")):
        if params.get(key):
            try:
                day = datetime.date.fromisoformat(params[key])
            except ValueError as exc:
                raise InvalidInput(_("日期有误。"), fields={key: _("日期格式应为 YYYY-MM-DD。")}) from exc
            qs = qs.filter(**{lookup: day})
    if params.get("overdue") in ("1", "true"):
        qs = qs.filter(state__in=OPEN_STATES, due_date__lt=timezone.localdate())
    text = (params.get("q") or "").strip()
    if text:
        qs = qs.filter(
            Q(number__startswith=text) | Q(title__icontains=text) | Q(requesters__name=text)
        ).distinct()
    return qs.select_related(*RELATED)
