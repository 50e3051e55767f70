"""How a legal-aid case begins: an application (at a window, online, by the hotline, from detention or
by a representative — 第三十八至四十条), a notice from a court, procuratorate or police (第二十五、
二十八、三十六条), or a consultation converted into an application without re-typing."""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from yizhan.accounts.models import User
from yizhan.core.errors import Conflict, Forbidden, InvalidInput
from yizhan.core.models import Sequence
from yizhan.legalaid import clocks, eligibility, selectors
from yizhan.legalaid.models import Authority, Decision, LegalAidCase, Route, Source
from yizhan.legalaid.states import STEPS, CaseStage
from yizhan.matters import selectors as matter_selectors
from yizhan.matters import services as matter_services
from yizhan.matters.models import Channel, LegalDomain, Matter
from yizhan.matters.services import RegistrationData, RequesterData
from yizhan.matters.states import MatterState
from yizhan.orgs.models import Organization, Person

from .steps import _legal_aid_type, _record, _start_review, do_advance_case

S = CaseStage


# --- inputs -------------------------------------------------------------------------------------


@dataclass
class Application:
    """An application for legal aid: the matter's registration plus the facts the law looks at."""

    registration: RegistrationData
    facts: dict[str, Any]
    source: str = Source.WINDOW
    applicant_relation: str = ""
    detention_place: str = ""
    detention_submitted_at: datetime.datetime | None = None
    case_cause: str = ""
    simplified: bool = False
    home_visit: bool = False
    accessibility_notes: str = ""
    preferred_person: Person | None = None  # 点援制: chosen from the published roster
    extra: dict[str, Any] = field(default_factory=dict)
    # the online form's one-time token: the same form submitted twice files one application
    form_token: str = ""


@dataclass
class Notification:
    """A court, procuratorate or police notice to assign a defender (第二十五、二十八、三十六条)."""

    registration: RegistrationData
    facts: dict[str, Any]
    authority: str
    authority_name: str
    notice_number: str
    notified_at: datetime.datetime
    case_cause: str = ""
    # 第三十六条: the three days run from the centre's receipt of the notice (default: now, as it is
    # registered); a notice received earlier (by fax overnight) is registered with its receipt time
    received_at: datetime.datetime | None = None


#: the groups of 第四十二条 a citizen ticks online, as the requester tags of ledgers and statistics
AID_GROUP_TAGS = {
    "migrant_worker": "migrant_worker",
    "elderly_no_fixed_income": "elderly",
    "disabled_no_fixed_income": "disabled",
    "minor_no_fixed_income": "minor",
    "social_assistance": "subsistence",
}
#: the matter's legal domain for the claim of 第三十一条 (general where none fits)
CLAIM_DOMAINS = {
    "labor_relation": "labor",
    "wages": "labor",
    "work_injury_compensation": "labor",
    "traffic_accident_compensation": "traffic_accident",
    "food_drug_safety_compensation": "personal_injury",
    "medical_accident_compensation": "medical",
    "labor_relation_or_wages": "labor",  # the first contract's merged codes (still accepted)
    "personal_injury_compensation": "personal_injury",
    "support_payment": "marriage_family",
    "social_insurance_or_assistance": "administrative",
    "pension": "administrative",
    "state_compensation": "administrative",
    "capacity_declaration": "general",
    "environmental_damage": "tort",
}


def online_application(
    *,
    name: str,
    phone: str,
    id_number: str,
    address: str,
    station: Organization,
    title: str,
    story: str,
    facts: dict[str, Any],
    aid_groups: list[str],
    preferred_person: Person | None = None,
    form_token: str = "",
) -> Application:
    """A citizen's own application on the public page, to the station they chose."""
    groups = list(dict.fromkeys(AID_GROUP_TAGS[g] for g in aid_groups if g in AID_GROUP_TAGS))
    claim = str(facts.get("claim") or "")
    registration = RegistrationData(
        channel=Channel.WEBSITE,
        domain=LegalDomain.objects.get(code=CLAIM_DOMAINS.get(claim, "general")),
        service_type=_legal_aid_type(),
        title=title,
        facts=story,
        requesters=[
            RequesterData(
                name=name, phone=phone, id_number=id_number, address=address, groups=groups, is_primary=True
            )
        ],
        receiving_org=station,
    )
    return Application(
        registration=registration,
        facts=facts,
        source=Source.ONLINE,
        preferred_person=preferred_person,
        form_token=form_token,
    )


# --- creating cases -------------------------------------------------------------------------------


def _case_number(centre: Organization, at: datetime.datetime) -> str:
    year = timezone.localtime(at).year
    seq = Sequence.next_value(f"legal_aid:{centre.pk}:{year}")
    return f"{centre.region.code[:6]}FY{year}{seq:05d}"


def _evaluate(facts: dict[str, Any], region_code: str) -> dict[str, Any]:
    """Run the eligibility engine; bad facts come back as field errors under ``facts.``."""
    return eligibility.evaluate(facts, region_code=region_code)


def do_register_application(application: Application, *, actor: User | None) -> LegalAidCase:
    """申请: from the window, online (actor None), the hotline, a detention centre (art. 39) or a legal
    representative (art. 40). The matter is registered where the application arrives; the station
    pre-checks it and forwards it to the centre."""
    registration = application.registration
    registration.service_type = _legal_aid_type()
    if application.source == Source.DETENTION and application.detention_submitted_at is None:
        raise InvalidInput(
            _("请填写在押人员提出申请的时间。"),
            fields={"detention_submitted_at": _("第三十九条：办案机关、监管场所应在二十四小时内转交。")},
        )
    if application.source == Source.REPRESENTATIVE and not application.applicant_relation.strip():
        raise InvalidInput(
            _("请填写代为申请人与受援人的关系。"),
            fields={"applicant_relation": _("第四十条：法定代理人或近亲属可以代为申请。")},
        )
    if application.form_token:
        _refuse_second_filing(application.form_token)
    try:
        with transaction.atomic():
            matter = matter_services.do_register_matter(registration, actor=actor)
            case, at_centre = _open_case(matter, application, actor)
    except IntegrityError:
        # the same form submitted twice at once: the other request filed it (the token is unique)
        if application.form_token:
            _refuse_second_filing(application.form_token)
        raise
    if (
        case.simplified
        and not at_centre
        and actor is not None
        and actor.has_perm(STEPS["precheck_pass"].permission)
    ):
        # 简化程序 for special groups (应援尽援): the window's pre-check is done at intake and the
        # application goes to the centre at once — the applicant makes one trip
        case = do_advance_case(
            case, "precheck_pass", actor=actor, note=_("简化程序：受理时即完成初审，转法律援助中心审查。")
        )
    return case


def _refuse_second_filing(form_token: str) -> None:
    earlier = selectors.case_by_form_token(form_token)
    if earlier is not None:
        raise Conflict(_("该申请已经提交，查询码不变。"), fields={"form_token": earlier.number})


def _open_case(
    matter: Matter, application: Application, actor: User | None, **event: Any
) -> tuple[LegalAidCase, bool]:
    """The legal-aid case of ``matter`` (just registered, or a walk-in 法律援助 matter converted):
    with the station that holds it, it waits for the pre-check; at the centre its review starts (or,
    sent to the centre and not yet taken in, it waits for the centre to receive it). Returns the case
    and whether the centre holds the matter."""
    snapshot = _evaluate(application.facts, matter.region_id)
    centre = selectors.centre_for(matter.receiving_org)
    now = timezone.now()
    at_centre = matter.current_org_id == centre.pk
    case = LegalAidCase.objects.create(
        matter=matter,
        number=_case_number(centre, now),
        stage=S.APPLIED,
        route=Route.APPLICATION,
        source=application.source,
        centre=centre,
        applicant_relation=application.applicant_relation,
        detention_place=application.detention_place,
        detention_submitted_at=application.detention_submitted_at,
        case_cause=application.case_cause,
        facts=application.facts,
        eligibility=snapshot,
        simplified=application.simplified,
        home_visit=application.home_visit or matter.home_service,
        accessibility_notes=application.accessibility_notes,
        preferred_person=application.preferred_person,
        form_token=application.form_token,
    )
    _record(case, "apply", "法律援助法第三十八条", actor=actor, source=application.source, **event)
    if at_centre and matter.state == MatterState.TRANSFERRED:
        # sent to the centre and not yet taken in: receiving it starts the review (第四十三条第一款)
        case.stage = S.FORWARDED
        case.save(update_fields=["stage", "updated_at"])
    elif at_centre:
        # applied at the centre itself: no station in between, the review clock starts now
        _start_review(case, actor, now)
    return case, at_centre


def do_register_notification(notice: Notification, *, actor: User) -> LegalAidCase:
    """通知辩护: the centre registers a notice; no economic review, assignment within three days."""
    if notice.authority not in Authority.values:
        raise InvalidInput(
            _("通知机关类别无效。"), fields={"authority": _("请选择人民法院、人民检察院或公安机关。")}
        )
    errors = {}
    if not notice.authority_name.strip():
        errors["authority_name"] = _("请填写通知机关名称。")
    if not notice.notice_number.strip():
        errors["notice_number"] = _("请填写通知书文号。")
    now = timezone.now()
    if notice.notified_at > now + datetime.timedelta(minutes=5):
        errors["notified_at"] = _("通知时间不能晚于现在。")
    received_at = notice.received_at or now
    if received_at > now + datetime.timedelta(minutes=5):
        errors["received_at"] = _("收到通知的时间不能晚于现在。")
    elif received_at < notice.notified_at:
        errors["received_at"] = _("收到通知的时间不能早于通知时间。")
    if errors:
        raise InvalidInput(_("通知信息不完整。"), fields=errors)
    if not selectors.may_register_notification(actor):
        raise Forbidden(_("只有法律援助机构工作人员可以登记通知。"))
    earlier = LegalAidCase.objects.filter(
        authority_name=notice.authority_name.strip(), notice_number=notice.notice_number.strip()
    ).first()
    if earlier is not None:
        raise Conflict(
            _("该通知已登记为案件%(n)s，请勿重复登记。") % {"n": earlier.number},
            fields={"notice_number": _("该通知书已登记。")},
        )
    registration = notice.registration
    registration.service_type = _legal_aid_type()
    registration.channel = registration.channel or Channel.LETTER
    with transaction.atomic():
        matter = matter_services.do_register_matter(registration, actor=actor)
        snapshot = _evaluate(notice.facts, matter.region_id)
        if snapshot.get("route") != Route.NOTIFICATION:
            raise InvalidInput(
                _("所述情形不属于应当通知辩护或代理的情形（第二十五、二十八条），请按申请途径办理。"),
                fields={"facts": _("不属于通知辩护情形。")},
            )
        centre = selectors.centre_for(matter.receiving_org)
        case = LegalAidCase.objects.create(
            matter=matter,
            number=_case_number(centre, notice.notified_at),
            stage=S.GRANTED,
            route=Route.NOTIFICATION,
            source=Source.NOTIFICATION,
            centre=centre,
            authority=notice.authority,
            authority_name=notice.authority_name.strip(),
            notice_number=notice.notice_number.strip(),
            notified_at=notice.notified_at,
            received_at=received_at,
            case_cause=notice.case_cause,
            facts=notice.facts,
            eligibility=snapshot,
            decision=Decision.GRANT,
            decided_at=timezone.now(),
            decided_by=actor,
            # 第三十六条: 法律援助机构收到通知后，应当在三日内指派律师
            assign_due=clocks.statutory_due(received_at, clocks.ASSIGN_DAYS).date,
        )
        _record(case, "notification", "法律援助法第三十六条", actor=actor, authority=notice.authority_name)
    return case


def do_convert_consultation(matter: Matter, facts: dict[str, Any], *, actor: User) -> LegalAidCase:
    """A matter that needs legal aid becomes an application without re-typing. A walk-in 法律援助
    matter becomes the application itself (the case opens on it: same matter, same query code); a
    hotline or window consultation is copied into a new application matter — requesters with their
    encrypted data as they are, summary, facts, region, risk flags and service needs."""
    source = matter_selectors.access_matter(actor, matter.number)
    earlier = selectors.application_of(source)
    if earlier is not None:
        raise Conflict(
            _("该事项已转为法律援助申请%(n)s。") % {"n": earlier.number}, fields={"matter": earlier.number}
        )
    source_kind = Source.HOTLINE if source.channel == Channel.HOTLINE else Source.WINDOW
    if selectors.converts_in_place(source):
        if not actor.has_perm("matters.register_matter"):
            raise Forbidden(_("您的账号不能受理法律援助申请。"))
        with transaction.atomic():
            case, _at_centre = _open_case(
                source,
                Application(
                    registration=RegistrationData(
                        channel=source.channel,
                        domain=source.domain,
                        service_type=source.service_type,
                        title=source.title,
                        requesters=[],
                    ),
                    facts=facts,
                    source=source_kind,
                ),
                actor,
                # the matter itself is the application: its timeline says 提出申请 once
                converted_in_place=True,
            )
        return case
    people = list(source.requesters.all())
    registration = RegistrationData(
        channel=source.channel,
        domain=source.domain,
        service_type=_legal_aid_type(),
        title=source.title,
        facts=source.facts,
        requesters=[],
        region=source.region,
        receiving_org=actor.unit,
        risk_escalation=source.risk_escalation,
        risk_group=source.risk_group,
        risk_stability=source.risk_stability,
        urgent=source.urgent,
        by_proxy=source.by_proxy,
        home_service=source.home_service,
    )
    registration.requesters = [
        RequesterData(
            name=p.name,
            gender=p.gender,
            age=p.age,
            role=p.role,
            is_primary=p.is_primary,
            groups=p.group_codes,
        )
        for p in people
    ]
    with transaction.atomic():
        case = do_register_application(
            Application(registration=registration, facts=facts, source=source_kind),
            actor=actor,
        )
        for new, old in zip(case.matter.requesters.order_by("id"), people, strict=True):
            new.id_number_encrypted, new.id_number_index, new.id_number_mask = (
                old.id_number_encrypted,
                old.id_number_index,
                old.id_number_mask,
            )
            new.phone_encrypted, new.phone_index, new.phone_mask = (
                old.phone_encrypted,
                old.phone_index,
                old.phone_mask,
            )
            new.address_encrypted, new.address_mask = old.address_encrypted, old.address_mask
            new.save()
        _record(case, "converted", "法律援助法第三十八条", actor=actor, from_matter=source.number)
    return case
