"""Demo matters over 24 months with plausible distributions, written through bulk paths.

The rows are what the services would have written (matter, requesters with encrypted personal data,
special-group rows, transfers, the full event log), but inserted with ``bulk_create`` in batches so
that 100,000 matters load in minutes. One audit row records the import itself.
"""

from __future__ import annotations

import datetime
import random
from collections import Counter
from collections.abc import Iterator
from collections.abc import Sequence as SequenceOf
from dataclasses import dataclass, field

from django.db import transaction
from django.utils import timezone

from yizhan.accounts.models import User
from yizhan.audit import services as audit
from yizhan.audit.models import AuditAction
from yizhan.core.calendar import work_calendar
from yizhan.core.models import Sequence
from yizhan.lib import pii, querycode
from yizhan.lib.workdays import WorkCalendar, add_workdays
from yizhan.matters.models import (
    Channel,
    CreatedVia,
    EventCode,
    FeedbackMethod,
    LegalDomain,
    Matter,
    MatterEvent,
    Outcome,
    Requester,
    RequesterGroup,
    Satisfaction,
    ServiceType,
    SpecialGroup,
    TimeLimitRule,
    Transfer,
    TransferStatus,
)
from yizhan.matters.states import MatterState
from yizhan.orgs.models import Organization, OrgKind, Region

from .district import GIVEN, SURNAMES

CHANNELS = [
    (Channel.WINDOW, 55),
    (Channel.HOTLINE, 20),
    (Channel.WEBSITE, 8),
    (Channel.APP, 7),
    (Channel.WECHAT_GROUP, 4),
    (Channel.KIOSK, 2),
    (Channel.HOME_VISIT, 3),
    (Channel.LETTER, 1),
]
DOMAINS = [
    ("marriage_family", 14),
    ("labor", 13),
    ("debt", 12),
    ("contract", 8),
    ("real_estate", 7),
    ("property_management", 5),
    ("demolition", 3),
    ("land", 4),
    ("traffic_accident", 6),
    ("personal_injury", 5),
    ("medical", 3),
    ("consumer", 4),
    ("tort", 3),
    ("criminal_defense", 3),
    ("administrative", 2),
    ("company", 1),
    ("intellectual_property", 1),
    ("construction", 2),
    ("security_interest", 1),
    ("foreign", 0.3),
    ("maritime", 0.1),
    ("inheritance", 5),
    ("general", 5),
]
SERVICES = [
    ("consultation", 62),
    ("mediation", 15),
    ("legal_aid", 9),
    ("notary", 4),
    ("lawyer_service", 3),
    ("document_drafting", 3),
    ("complaint", 1.5),
    ("appraisal", 1),
    ("external", 1.5),
]
SATISFACTION = [
    (Satisfaction.VERY_SATISFIED, 55),
    (Satisfaction.SATISFIED, 33),
    (Satisfaction.BASICALLY_SATISFIED, 9),
    (Satisfaction.DISSATISFIED, 3),
]
GROUPS = [
    (SpecialGroup.ELDERLY, 14),
    (SpecialGroup.MIGRANT_WORKER, 9),
    (SpecialGroup.DISABLED, 3),
    (SpecialGroup.MINOR, 1),
    (SpecialGroup.SUBSISTENCE, 3),
    (SpecialGroup.LEFT_BEHIND, 2),
    (SpecialGroup.VETERAN, 1.5),
    (SpecialGroup.MILITARY_FAMILY, 1),
    (SpecialGroup.PREGNANT, 0.5),
    (SpecialGroup.LOW_INCOME, 2),
]
TITLES = {
    "marriage_family": [
        "离婚财产分割咨询",
        "离婚后子女抚养权",
        "抚养费给付纠纷",
        "夫妻共同债务认定",
        "彩礼返还纠纷",
    ],
    "labor": ["拖欠工资", "未签劳动合同二倍工资", "工伤认定与赔偿", "违法解除劳动合同", "社会保险未缴纳"],
    "debt": ["借款到期不还", "民间借贷利息争议", "欠条效力咨询", "担保人责任"],
    "contract": ["买卖合同违约", "装修合同纠纷", "租赁合同押金不退"],
    "real_estate": ["房屋买卖过户纠纷", "房屋租赁纠纷", "宅基地房屋继承"],
    "property_management": ["物业费争议", "小区漏水维修纠纷", "停车位纠纷"],
    "demolition": ["拆迁补偿标准咨询", "安置房分配争议"],
    "land": ["土地承包经营权纠纷", "宅基地边界纠纷"],
    "traffic_accident": ["交通事故赔偿", "电动车事故责任认定"],
    "personal_injury": ["邻里纠纷致人受伤", "雇员受害赔偿"],
    "medical": ["医疗损害赔偿", "手术后遗症纠纷"],
    "consumer": ["网购商品质量问题", "预付卡退费", "食品安全问题"],
    "tort": ["名誉权侵权", "高空坠物致损"],
    "criminal_defense": ["亲属被刑事拘留咨询", "刑事案件申请法律援助"],
    "administrative": ["行政处罚不服", "政府信息公开"],
    "company": ["股东出资纠纷"],
    "intellectual_property": ["商标侵权咨询"],
    "construction": ["农民工工程款拖欠", "工程质量纠纷"],
    "security_interest": ["抵押房屋处置"],
    "foreign": ["涉外婚姻咨询"],
    "maritime": ["船员劳务纠纷"],
    "inheritance": ["遗产继承纠纷", "遗嘱效力咨询"],
    "general": ["法律知识咨询", "证明材料办理指引"],
}


def _pick(rng: random.Random, table: SequenceOf[tuple[str, float]]) -> str:
    return rng.choices([k for k, _ in table], weights=[w for _, w in table])[0]


@dataclass
class Context:
    rng: random.Random
    domains: dict[str, LegalDomain]
    services: dict[str, ServiceType]
    limits: dict[int, int]
    calendar: WorkCalendar
    center: Organization
    hotline: Organization
    stations: list[Organization]
    rooms: list[Organization]
    targets: dict[str, list[Organization]]
    staff_by_org: dict[int, User]
    fallback_staff: User
    villages: list[Region]
    existing_codes: set[str] = field(default_factory=set)
    seq_by_year: Counter[int] = field(default_factory=Counter)


def _context(rng: random.Random) -> Context:
    orgs = list(Organization.objects.select_related("region"))
    by_kind: dict[str, list[Organization]] = {}
    for org in orgs:
        by_kind.setdefault(org.kind, []).append(org)
    center = by_kind[OrgKind.CENTER][0]
    committees = by_kind.get(OrgKind.MEDIATION_COMMITTEE, [])
    staff: dict[int, User] = {}
    for user in User.objects.filter(is_active=True, unit__isnull=False).order_by("id"):
        if user.unit_id is not None:
            staff.setdefault(user.unit_id, user)
    fallback = User.objects.filter(username="clerk").first() or User.objects.filter(unit=center).first()
    if fallback is None:
        raise RuntimeError("the demo district has no staff account at the centre")
    services = {s.code: s for s in ServiceType.objects.all()}
    limits = {
        rule.service_type_id: rule.working_days for rule in TimeLimitRule.objects.filter(region__isnull=True)
    }
    last_numbers = Matter.objects.values_list("number", flat=True)
    seq: Counter[int] = Counter()
    for number in last_numbers.iterator():
        year, value = int(number[6:10]), int(number[10:])
        seq[year] = max(seq[year], value)
    return Context(
        rng=rng,
        domains={d.code: d for d in LegalDomain.objects.all()},
        services=services,
        limits=limits,
        calendar=work_calendar(),
        center=center,
        hotline=(by_kind.get(OrgKind.HOTLINE) or [center])[0],
        stations=by_kind.get(OrgKind.STATION, [center]),
        rooms=by_kind.get(OrgKind.ROOM, []),
        targets={
            "mediation": committees,
            "legal_aid": by_kind.get(OrgKind.LEGAL_AID_CENTER, []),
            "notary": by_kind.get(OrgKind.NOTARY_OFFICE, []),
            "appraisal": by_kind.get(OrgKind.APPRAISAL_INSTITUTION, []),
            "lawyer_service": by_kind.get(OrgKind.LAW_FIRM, []),
            "document_drafting": by_kind.get(OrgKind.JUDICIAL_OFFICE, []),
            "complaint": by_kind.get(OrgKind.JUDICIAL_OFFICE, []),
            "external": by_kind.get(OrgKind.EXTERNAL_DEPARTMENT, []),
            "consultation": by_kind.get(OrgKind.JUDICIAL_OFFICE, []) + by_kind.get(OrgKind.LAW_FIRM, []),
        },
        staff_by_org=staff,
        fallback_staff=fallback,
        villages=list(Region.objects.filter(level="village")) or [center.region],
        existing_codes=set(Matter.objects.values_list("query_code", flat=True)),
        seq_by_year=seq,
    )


def _id_number(rng: random.Random, region: str, birth: datetime.date, female: bool) -> str:
    serial = rng.randint(0, 99) * 10 + (
        rng.choice((0, 2, 4, 6, 8)) if female else rng.choice((1, 3, 5, 7, 9))
    )
    first17 = f"{region[:6]}{birth:%Y%m%d}{serial:03d}"
    return first17 + pii.id_check_digit(first17)


def _moment(rng: random.Random, start: datetime.date, days: int) -> datetime.datetime:
    """A working-hours moment; later months are busier (the service is growing)."""
    offset = int(days * (rng.random() ** 0.8))
    date = start + datetime.timedelta(days=offset)
    while date.weekday() >= 5 and rng.random() < 0.85:
        date += datetime.timedelta(days=1)
    hour = rng.choice((8, 9, 9, 10, 10, 11, 14, 15, 15, 16, 16, 17))
    naive = datetime.datetime.combine(date, datetime.time(hour, rng.randint(0, 59), rng.randint(0, 59)))
    return timezone.make_aware(naive)


def _staff(ctx: Context, org: Organization) -> User:
    return ctx.staff_by_org.get(org.pk) or ctx.fallback_staff


def _query_code(ctx: Context) -> str:
    while True:
        code = querycode.generate()
        if code not in ctx.existing_codes:
            ctx.existing_codes.add(code)
            return code


@dataclass
class Batch:
    matters: list[Matter] = field(default_factory=list)
    requesters: list[list[Requester]] = field(default_factory=list)
    groups: list[list[list[str]]] = field(default_factory=list)
    transfers: list[list[Transfer]] = field(default_factory=list)
    events: list[list[MatterEvent]] = field(default_factory=list)


def _one(ctx: Context, batch: Batch, start: datetime.date, days: int, today: datetime.date) -> None:
    rng = ctx.rng
    registered = _moment(rng, start, days)
    channel = _pick(rng, CHANNELS)
    if channel == Channel.HOTLINE:
        receiving = ctx.hotline
    else:
        roll = rng.random()
        receiving = (
            ctx.center
            if roll < 0.45 or not ctx.stations
            else (rng.choice(ctx.rooms) if roll > 0.88 and ctx.rooms else rng.choice(ctx.stations))
        )
    domain_code = _pick(rng, DOMAINS)
    service_code = _pick(rng, SERVICES)
    if domain_code == "criminal_defense" and service_code == "mediation":
        service_code = "legal_aid"
    clerk = _staff(ctx, receiving)
    year = timezone.localtime(registered).year
    ctx.seq_by_year[year] += 1
    service = ctx.services[service_code]
    due = add_workdays(timezone.localtime(registered).date(), ctx.limits.get(service.pk, 10), ctx.calendar)
    village = rng.choice(ctx.villages)
    matter = Matter(
        number=f"{receiving.region.code[:6]}{year}{ctx.seq_by_year[year]:07d}",
        query_code=_query_code(ctx),
        channel=channel,
        receiving_org=receiving,
        region=village,
        first_responsible=clerk,
        registered_by=clerk,
        registered_at=registered,
        domain=ctx.domains[domain_code],
        service_type=service,
        title=rng.choice(TITLES[domain_code]),
        facts="（演示数据）当事人来访反映相关情况，请求提供法律帮助。",
        risk_escalation=rng.random() < 0.03,
        risk_group=rng.random() < 0.01,
        urgent=rng.random() < 0.04,
        by_proxy=rng.random() < 0.03,
        home_service=channel == Channel.HOME_VISIT,
        appointment_at=registered + datetime.timedelta(days=rng.randint(1, 7))
        if rng.random() < 0.05
        else None,
        current_org=receiving,
        assignee=clerk,
        due_date=due.date,
        due_provisional=due.provisional,
        created_via=CreatedVia.DEMO,
    )
    events: list[MatterEvent] = []
    transfers: list[Transfer] = []

    def event(
        code: str,
        at: datetime.datetime,
        actor: User | None,
        from_state: str,
        to_state: str,
        note: str = "",
        data: dict | None = None,
    ) -> None:
        events.append(
            MatterEvent(
                seq=len(events) + 1,
                code=code,
                from_state=from_state,
                to_state=to_state,
                actor=actor,
                actor_label=actor.display_name if actor else "群众（凭查询码）",
                org=actor.unit if actor else None,
                at=at,
                note=note,
                data=data or {},
            )
        )

    event(EventCode.REGISTER, registered, clerk, "", MatterState.REGISTERED, data={"channel": channel})
    age_days = (today - timezone.localtime(registered).date()).days
    progress = min(1.0, age_days / 40) if age_days >= 0 else 0.0
    moment = registered
    state = MatterState.REGISTERED

    def later(max_days: int) -> datetime.datetime:
        return moment + datetime.timedelta(hours=rng.randint(1, max(2, max_days * 24)))

    targets = ctx.targets.get(service_code) or []
    if (service_code == "consultation" and rng.random() < 0.82) or not targets:
        if rng.random() < progress + 0.3:
            moment = (
                later(1)
                if rng.random() < 0.3
                else registered + datetime.timedelta(minutes=rng.randint(5, 40))
            )
            matter.answer = "已当场解答，告知相关法律规定及维权途径。"
            matter.outcome = Outcome.ADVICE_GIVEN
            matter.concluded_at = moment
            event(EventCode.ANSWER, moment, clerk, state, MatterState.ANSWERED, matter.answer)
            state = MatterState.ANSWERED
    else:
        to_org = rng.choice(targets)
        moment = later(1)
        transfer = Transfer(
            from_org=receiving,
            to_org=to_org,
            service_type=service,
            created_by=clerk,
            created_at=moment,
            instructions=to_org.referral_guidance,
            where_to_go=to_org.name,
            due_date=matter.due_date,
        )
        transfers.append(transfer)
        event(EventCode.TRANSFER, moment, clerk, state, MatterState.TRANSFERRED, data={"to_org": to_org.name})
        state = MatterState.TRANSFERRED
        matter.current_org = to_org
        handler = _staff(ctx, to_org) if to_org.kind != OrgKind.EXTERNAL_DEPARTMENT else clerk
        # units without an account of their own (firms, external departments): the window records for them
        behalf = {} if handler.unit_id == to_org.pk else {"on_behalf_of": to_org.name}
        if rng.random() < progress + 0.1:
            moment = later(2)
            transfer.status, transfer.accepted_by, transfer.accepted_at = (
                TransferStatus.ACCEPTED,
                handler,
                moment,
            )
            event(EventCode.ACCEPT, moment, handler, state, MatterState.ACCEPTED, data=behalf)
            state = MatterState.ACCEPTED
            matter.assignee = handler
            if rng.random() < progress:
                moment = later(min(20, ctx.limits.get(service.pk, 10)))
                outcome = {
                    "mediation": Outcome.MEDIATED if rng.random() < 0.88 else Outcome.MEDIATION_FAILED,
                    "legal_aid": Outcome.AID_GRANTED if rng.random() < 0.9 else Outcome.AID_REFUSED,
                    "notary": Outcome.NOTARIZED,
                    "appraisal": Outcome.APPRAISED,
                }.get(service_code, rng.choice([Outcome.RESOLVED, Outcome.ADVICE_GIVEN]))
                result = str(Outcome(outcome).label)
                transfer.status, transfer.concluded_at, transfer.outcome, transfer.result = (
                    TransferStatus.CONCLUDED,
                    moment,
                    outcome,
                    result,
                )
                matter.outcome, matter.result, matter.concluded_at = outcome, result, moment
                event(
                    EventCode.CONCLUDE,
                    moment,
                    handler,
                    state,
                    MatterState.CONCLUDED,
                    result,
                    {"outcome": outcome, **behalf},
                )
                state = MatterState.CONCLUDED
                matter.current_org = receiving
                matter.assignee = clerk
                if rng.random() < progress + 0.05:
                    moment = later(3)
                    matter.feedback_method = rng.choice(FeedbackMethod.values)
                    matter.feedback = "已将办理结果告知当事人。"
                    matter.fed_back_at = moment
                    event(
                        EventCode.FEED_BACK,
                        moment,
                        clerk,
                        state,
                        MatterState.FED_BACK,
                        matter.feedback,
                        {"method": matter.feedback_method},
                    )
                    state = MatterState.FED_BACK
    if state in (MatterState.FED_BACK, MatterState.ANSWERED) and rng.random() < 0.72 * progress + 0.1:
        moment = later(5)
        by_citizen = rng.random() < 0.35
        matter.satisfaction = _pick(rng, SATISFACTION)
        matter.advice_adopted = rng.random() < (
            0.93 if matter.satisfaction != Satisfaction.DISSATISFIED else 0.3
        )
        matter.followed_up_at = moment
        matter.followed_up_by_citizen = by_citizen
        event(
            EventCode.RATE if by_citizen else EventCode.FOLLOW_UP,
            moment,
            None if by_citizen else clerk,
            state,
            MatterState.FOLLOWED_UP,
            data={"satisfaction": matter.satisfaction},
        )
        state = MatterState.FOLLOWED_UP
        if age_days > 90 and rng.random() < 0.6:
            moment = later(10)
            event(EventCode.ARCHIVE, moment, clerk, state, MatterState.ARCHIVED)
            state = MatterState.ARCHIVED
    elif state == MatterState.REGISTERED and age_days > 30 and rng.random() < 0.5:
        moment = later(3)
        event(
            EventCode.WITHDRAW,
            moment,
            clerk,
            state,
            MatterState.WITHDRAWN,
            "当事人表示问题已自行解决，申请撤回。",
        )
        state = MatterState.WITHDRAWN
    matter.state = state
    if state not in (
        MatterState.REGISTERED,
        MatterState.TRANSFERRED,
        MatterState.ACCEPTED,
        MatterState.CONCLUDED,
    ):
        matter.closed_at = moment
    matter.overdue = state in (MatterState.REGISTERED, MatterState.TRANSFERRED, MatterState.ACCEPTED) and (
        matter.due_date is not None and matter.due_date < today
    )
    # requesters
    female = rng.random() < 0.48
    groups = [g for g, w in GROUPS if rng.random() < w / 100]
    if domain_code == "labor" and rng.random() < 0.4:
        groups.append(SpecialGroup.MIGRANT_WORKER)
    age = rng.randint(66, 88) if SpecialGroup.ELDERLY in groups else rng.randint(19, 64)
    birth = datetime.date(today.year - age, rng.randint(1, 12), rng.randint(1, 28))
    person = Requester(
        is_primary=True,
        name=rng.choice(SURNAMES) + "".join(rng.choice(GIVEN) for _ in range(rng.choice((1, 2)))),
        gender="female" if female else "male",
        age=age,
    )
    from yizhan.matters.services import set_personal_data

    set_personal_data(
        person,
        id_number=_id_number(rng, village.code, birth, female),
        phone=f"1{rng.choice('3456789')}{rng.randint(0, 10**9 - 1):09d}",
        address=f"甘肃省兰州市西固区{village.name}{rng.randint(1, 200)}号",
    )
    batch.matters.append(matter)
    batch.requesters.append([person])
    batch.groups.append([list(dict.fromkeys(groups))])
    batch.transfers.append(transfers)
    batch.events.append(events)


def _flush(batch: Batch) -> None:
    Matter.objects.bulk_create(batch.matters)
    requesters, groups_rows, transfers, events = [], [], [], []
    for matter, people, _groups, matter_transfers, matter_events in zip(
        batch.matters, batch.requesters, batch.groups, batch.transfers, batch.events, strict=True
    ):
        for person in people:
            person.matter = matter
            requesters.append(person)
        for transfer in matter_transfers:
            transfer.matter = matter
            transfers.append(transfer)
        for event in matter_events:
            event.matter = matter
            events.append(event)
    Requester.objects.bulk_create(requesters)
    index = 0
    for matter, groups in zip(batch.matters, batch.groups, strict=True):
        for person_groups in groups:
            person = requesters[index]
            index += 1
            groups_rows += [RequesterGroup(requester=person, matter=matter, group=g) for g in person_groups]
    RequesterGroup.objects.bulk_create(groups_rows)
    Transfer.objects.bulk_create(transfers)
    MatterEvent.objects.bulk_create(events)


def generate_matters(
    count: int, *, seed: int = 7, months: int = 24, today: datetime.date | None = None, batch_size: int = 2000
) -> Iterator[int]:
    """Create ``count`` matters; yields the running total after each batch (for progress output)."""
    rng = random.Random(seed)
    ctx = _context(rng)
    today = today or timezone.localdate()
    start = today - datetime.timedelta(days=int(months * 30.4))
    days = (today - start).days
    done = 0
    while done < count:
        size = min(batch_size, count - done)
        batch = Batch()
        for _ in range(size):
            _one(ctx, batch, start, days, today)
        with transaction.atomic():
            _flush(batch)
        done += size
        yield done
    with transaction.atomic():
        for year, value in ctx.seq_by_year.items():
            key = f"matter:{ctx.center.region.code[:6]}:{year}"
            Sequence.objects.update_or_create(key=key, defaults={"value": value})
        audit.record(
            AuditAction.CREATE,
            object_type="demo.matters",
            object_repr=f"演示数据 {count} 件",
            actor_label="yizhan demo",
            changes={"count": count, "seed": seed},
        )
