"""Scoped reads of legal-aid cases: a case is visible exactly when its matter is.

Also what a page or the API asks about a case before acting — which steps the actor may take, who is
on the roster, which clocks have run out — so that views, the API and the services ask the same
question the same way. Selectors never write and never call the services."""

from __future__ import annotations

import datetime
from typing import Any

from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from yizhan.accounts.models import User
from yizhan.core.errors import InvalidInput, NotFound
from yizhan.legalaid import clocks
from yizhan.legalaid.models import LegalAidCase, Objection, ProgressReport, Route
from yizhan.legalaid.states import STEPS, CaseStage, Step, available_steps
from yizhan.matters.models import EventCode, Matter, MatterEvent
from yizhan.matters.selectors import visible_matters
from yizhan.matters.states import MatterState
from yizhan.orgs.models import Organization, OrgKind, Person, Region
from yizhan.rules import legal_aid as rules

S = CaseStage
OPEN_STAGES = (
    S.APPLIED,
    S.FORWARDED,
    S.UNDER_REVIEW,
    S.AWAITING_MATERIALS,
    S.GRANTED,
    S.ASSIGNED,
    S.OBJECTION,
)


def visible_cases(user: User) -> QuerySet[LegalAidCase]:
    return LegalAidCase.objects.filter(matter__in=visible_matters(user)).select_related(
        "matter", "matter__receiving_org", "matter__current_org", "centre", "assignee", "assignee__org"
    )


def access_case(user: User, number: str) -> LegalAidCase:
    case = visible_cases(user).filter(Q(number=number) | Q(matter__number=number)).first()
    if case is None:
        raise NotFound(_("案件不存在。"))
    return case


def case_list(user: User, *, stage: str = "") -> QuerySet[LegalAidCase]:
    """The cases ``user`` sees, newest first, optionally in one stage (the staff list and the API)."""
    cases = visible_cases(user)
    if stage:
        cases = cases.filter(stage=stage)
    return cases.order_by("-id")


def visible_to(actor: User, case: LegalAidCase) -> bool:
    return visible_matters(actor).filter(pk=case.matter_id).exists()


def event_log(case: LegalAidCase) -> list[MatterEvent]:
    """The legal-aid lines of the case's matter timeline, in order."""
    return list(case.matter.events.filter(code=EventCode.LEGAL_AID).order_by("seq"))


def progress_reports(case: LegalAidCase) -> list[ProgressReport]:
    return list(case.reports.select_related("author"))


def objections_of(case: LegalAidCase) -> list[Objection]:
    return list(case.objections.all())


# --- who may do what ------------------------------------------------------------------------------


def required_permission(step: Step, case: LegalAidCase) -> str:
    """The permission ``step`` needs on ``case``: an application that never reached the centre
    (referred or withdrawn at the station's pre-check) is filed by the station that holds it."""
    if step.code == "archive" and case.received_at is None:
        return STEPS["precheck_pass"].permission
    return step.permission


def steps_for(case: LegalAidCase, actor: User) -> list[Step]:
    """The steps ``actor`` may take on ``case`` in its current stage (what the case page offers)."""
    return [
        s
        for s in available_steps(case.stage)
        if actor.has_perm(required_permission(s, case))
        and (s.code not in ASSIGNEE_STEPS or acting_for_assignee(case, actor) is not None)
    ]


#: the steps of the aid worker who was assigned (第四十六条 progress, 第五十条 closing): taken by that
#: worker, or for them by their firm's manager or the centre with a recorded reason
ASSIGNEE_STEPS = frozenset({"close"})
SELF = "self"
FIRM_MANAGER = "firm_manager"
CENTRE = "centre"
SUPERVISE_PERMISSION = "matters.supervise_matters"


def is_firm_manager(case: LegalAidCase, actor: User) -> bool:
    """The manager of the assigned worker's firm: an account of that unit that supervises its matters."""
    return (
        case.assignee is not None
        and actor.unit_id == case.assignee.org_id
        and actor.has_perm(SUPERVISE_PERMISSION)
    )


def acting_for_assignee(case: LegalAidCase, actor: User) -> str | None:
    """How ``actor`` may report progress on or close ``case``: ``"self"`` (the assigned worker),
    ``"firm_manager"`` or ``"centre"`` (for the worker, with a recorded reason), or None."""
    if case.assignee is None:
        return None
    if is_assignee(case, actor):
        return SELF
    if is_firm_manager(case, actor):
        return FIRM_MANAGER
    if actor.has_perm(STEPS["assign"].permission) and case.centre_id in actor.scope_org_ids:
        return CENTRE
    return None


def may_register_notification(actor: User) -> bool:
    """Notices are registered by the centre's staff, who assign (第三十六条)."""
    return actor.has_perm(STEPS["assign"].permission)


def is_assignee(case: LegalAidCase, actor: User) -> bool:
    return case.assignee is not None and case.assignee.user_id == actor.pk


def may_report_progress(case: LegalAidCase, actor: User) -> bool:
    """第四十六条: the assigned aid worker reports; their firm's manager or the centre may report for
    them, saying why."""
    return acting_for_assignee(case, actor) is not None


def can_report_progress(case: LegalAidCase, actor: User) -> bool:
    return case.stage == S.ASSIGNED and may_report_progress(case, actor)


def may_complete_formalities(actor: User) -> bool:
    return actor.has_perm(STEPS["provide_provisionally"].permission)


def awaits_formalities(case: LegalAidCase) -> bool:
    """第四十四条第二款: provisional aid whose formalities the recipient has not yet completed."""
    return case.provisional and case.materials_supplied_at is None and case.stage in (S.GRANTED, S.ASSIGNED)


def can_complete_formalities(case: LegalAidCase, actor: User) -> bool:
    return awaits_formalities(case) and may_complete_formalities(actor)


def has_decision_letter(case: LegalAidCase) -> bool:
    """A decided application has a decision letter; a notified defence has none (第三十六条)."""
    return bool(case.decision) and case.route != Route.NOTIFICATION


# --- assignment -----------------------------------------------------------------------------------


def centre_for(unit: Organization) -> Organization:
    """The legal-aid centre serving ``unit``: the nearest one among the units above it (or itself)."""
    node: Organization | None = unit
    while node is not None:
        if node.kind == OrgKind.LEGAL_AID_CENTER:
            return node
        centre = Organization.objects.filter(
            parent=node, kind=OrgKind.LEGAL_AID_CENTER, is_active=True
        ).first()
        if centre is not None:
            return centre
        node = node.parent
    raise InvalidInput(
        _("没有找到负责该地区的法律援助机构。"),
        fields={"receiving_org": _("请先在机构名录中设置法律援助中心。")},
    )


def roster() -> QuerySet[Person]:
    """The published roster applicants may choose from (点援制): active, public lawyers and legal-aid
    workers who accept citizens' choice — public profile data only."""
    return (
        Person.objects.filter(
            is_active=True,
            is_public=True,
            accepts_citizen_choice=True,
            role__in=rules.AID_PERSONNEL_ROLES,
        )
        .select_related("org")
        .prefetch_related("specialties")
        .order_by("org__name", "name")
    )


def assignable_people() -> QuerySet[Person]:
    """Everyone the centre may assign (第十二、十三条): active lawyers, grassroots legal workers and
    legal-aid staff, published or not."""
    return (
        Person.objects.filter(is_active=True, role__in=rules.AID_PERSONNEL_ROLES)
        .select_related("org")
        .order_by("org__name", "name")
    )


def person_by_id(person_id: int) -> Person | None:
    """A person of the directory, whoever they are: the assignment rules say whether they may act."""
    return Person.objects.filter(pk=person_id).first()


def assignment_case(case: LegalAidCase) -> rules.AssignmentCase:
    """What the assignment rules (第二十五、二十六、二十八、三十六条) look at in ``case``."""
    return rules.AssignmentCase.from_facts(case.facts, notified=case.route == Route.NOTIFICATION)


def needs_senior_defender(case: LegalAidCase) -> bool:
    """第二十六条: defence where life imprisonment or death may be imposed, or death-penalty review."""
    return assignment_case(case).needs_senior_defender


def assignment_requirements(case: LegalAidCase) -> list[str]:
    """What the eligibility decision said about whom to assign (e.g. 第二十六条's three years)."""
    return list(case.eligibility.get("assignment_requirements") or [])


def clock_lists(
    user: User, today: datetime.date | None = None, horizon: int = 2
) -> dict[str, list[LegalAidCase]]:
    """Cases whose decision, assignment or materials clock is near or past its due date."""
    today = today or timezone.localdate()
    soon = today + datetime.timedelta(days=horizon)
    cases = visible_cases(user)
    due = (
        Q(stage=S.UNDER_REVIEW, decision_due__lte=soon)
        | Q(stage=S.GRANTED, assign_due__lte=soon)
        | Q(stage=S.AWAITING_MATERIALS, materials_due__lte=soon)
        | Q(stage=S.OBJECTION, objections__decided_at__isnull=True, objections__due__lte=soon)
        | Q(
            stage__in=(S.GRANTED, S.ASSIGNED),
            provisional=True,
            materials_supplied_at__isnull=True,
            formalities_due__lte=soon,
        )
    )
    late: list[tuple[datetime.date, int, LegalAidCase]] = []
    near: list[tuple[datetime.date, int, LegalAidCase]] = []
    for case in cases.filter(due).distinct():
        running = running_clock(case)
        if running is None or running[0] > soon:
            continue
        # the list shows the clock that runs out first, with its article
        case.running_due, case.running_label, case.running_article = running  # type: ignore[attr-defined]
        (late if running[0] < today else near).append((running[0], case.pk, case))
    return {"late": [c for *_, c in sorted(late)], "near": [c for *_, c in sorted(near)]}


def running_clocks(case: LegalAidCase) -> list[tuple[datetime.date, str, str]]:
    """(due, label, article) of every statutory clock running on the case in its current stage."""
    running = []
    if case.stage == S.UNDER_REVIEW and case.decision_due:
        running.append((case.decision_due, _("审查决定"), "法律援助法第四十三条第一款"))
    if case.stage == S.GRANTED and case.assign_due:
        article = "法律援助法第三十六条" if case.route == "notification" else "法律援助法第四十三条第一款"
        running.append((case.assign_due, _("指派"), article))
    if case.stage == S.AWAITING_MATERIALS and case.materials_due:
        running.append((case.materials_due, _("补充材料"), "法律援助法第四十三条第二款"))
    if case.stage == S.OBJECTION:
        pending = case.objections.filter(decided_at__isnull=True).order_by("due").first()
        if pending is not None:
            running.append((pending.due, _("异议审查"), "法律援助法第四十九条第二款"))
    if (
        case.provisional
        and case.stage in (S.GRANTED, S.ASSIGNED)
        and case.materials_supplied_at is None
        and case.formalities_due
    ):
        running.append((case.formalities_due, _("补办手续"), "法律援助法第四十四条第二款"))
    return sorted(running)


def running_clock(case: LegalAidCase) -> tuple[datetime.date, str, str] | None:
    """The running clock that runs out first."""
    running = running_clocks(case)
    return running[0] if running else None


def current_due(case: LegalAidCase) -> datetime.date | None:
    """The due date of the clock that runs out first in the case's current stage."""
    running = running_clock(case)
    return running[0] if running else None


def overdue_cases(today: datetime.date | None = None) -> list[tuple[LegalAidCase, str]]:
    """Cases whose statutory clock has run out, with the clock's article (for the near-due lists)."""
    today = today or timezone.localdate()
    late = []
    for case in LegalAidCase.objects.filter(stage=S.UNDER_REVIEW, decision_due__lt=today):
        late.append((case, "法律援助法第四十三条第一款"))
    for case in LegalAidCase.objects.filter(stage=S.GRANTED, assign_due__lt=today):
        late.append(
            (
                case,
                "法律援助法第三十六条" if case.route == Route.NOTIFICATION else "法律援助法第四十三条第一款",
            )
        )
    for objection in Objection.objects.filter(decided_at__isnull=True, due__lt=today).select_related("case"):
        late.append((objection.case, "法律援助法第四十九条第二款"))
    for case in LegalAidCase.objects.filter(
        provisional=True,
        stage__in=(S.GRANTED, S.ASSIGNED),
        materials_supplied_at__isnull=True,
        formalities_due__lt=today,
    ):
        late.append((case, "法律援助法第四十四条第二款"))
    return late


def review_started(case: LegalAidCase) -> datetime.datetime:
    """When the current seven-day review began: receipt of the application, or the latest order to
    correct a refusal (第四十九条第二款), which starts a new review."""
    started = case.received_at or timezone.now()
    corrected = (
        case.objections.filter(against="refusal", outcome="corrected", decided_at__isnull=False)
        .order_by("-decided_at")
        .values_list("decided_at", flat=True)
        .first()
    )
    return max(started, corrected) if corrected else started


def lapsed_material_requests(today: datetime.date) -> QuerySet[LegalAidCase]:
    """Applications whose one-time materials period (第四十三条第二款) ended before ``today``."""
    return LegalAidCase.objects.filter(stage=S.AWAITING_MATERIALS, materials_due__lt=today).select_related(
        "centre"
    )


def case_of_matter(matter: Matter) -> LegalAidCase | None:
    """The legal-aid case that hangs on ``matter`` (None for any other matter)."""
    cases = LegalAidCase.objects.filter(matter=matter)
    return cases.select_related("assignee", "assignee__org", "centre").first()


def regions_for_self_check() -> QuerySet[Region]:
    """The counties and townships a citizen chooses from in the self-check (their standard applies)."""
    return Region.objects.filter(level__in=("county", "township")).order_by("code")


def application_of(matter: Matter) -> LegalAidCase | None:
    """The legal-aid application a matter is or became: its own case, or the case it was converted
    into (a consultation copied into a new application matter)."""
    own = case_of_matter(matter)
    if own is not None:
        return own
    event = (
        MatterEvent.objects.filter(
            code=EventCode.LEGAL_AID, data__step="converted", data__from_matter=matter.number
        )
        .select_related("matter")
        .first()
    )
    return case_of_matter(event.matter) if event is not None else None


def case_by_number(number: str) -> LegalAidCase | None:
    """A case by its number, unscoped: only for the confirmation page of the application the same
    browser just filed (its number kept in that browser's session)."""
    if not number:
        return None
    return LegalAidCase.objects.filter(number=number).select_related("matter").first()


def case_by_form_token(token: str) -> LegalAidCase | None:
    """The case the online application form carrying this one-time token filed (a second submission
    of the same form finds it instead of filing again)."""
    if not token:
        return None
    return LegalAidCase.objects.filter(form_token=token).select_related("matter").first()


#: a walk-in 法律援助 matter in these states becomes the application itself (its case opens on it);
#: any other matter (a consultation, a matter already being handled or concluded) is copied into a new
#: application matter
CONVERTIBLE_IN_PLACE = frozenset(
    {MatterState.REGISTERED, MatterState.RETURNED, MatterState.ACCEPTED, MatterState.TRANSFERRED}
)


def converts_in_place(matter: Matter) -> bool:
    """A walk-in 法律援助 matter that the case can hang on directly (no second matter, same query code)."""
    if matter.service_type.code != "legal_aid" or matter.state not in CONVERTIBLE_IN_PLACE:
        return False
    if matter.state == MatterState.TRANSFERRED:
        # only one sent to the legal-aid centre, which receives it as the application
        return matter.current_org_id == centre_for(matter.receiving_org).pk
    return True


# --- what a matter already says, in the eligibility contract's words --------------------------------

#: words of a matter's title and facts that name the claim of 第三十一条 its legal domain stands for
CLAIM_CUES: dict[str, tuple[tuple[tuple[str, ...], str], ...]] = {
    "labor": (
        (("工伤",), "work_injury_compensation"),
        (("社保", "社会保险", "养老保险", "医疗保险", "失业保险"), "social_insurance_or_assistance"),
        (("工资", "工钱", "报酬", "欠薪", "讨薪", "薪水", "加班费"), "wages"),
        (("劳动关系", "劳动合同", "没签合同", "未签合同"), "labor_relation"),
    ),
    "personal_injury": (
        (("工伤",), "work_injury_compensation"),
        (("车祸", "交通事故", "被车", "撞"), "traffic_accident_compensation"),
        (("食物中毒", "食品", "药品", "假药"), "food_drug_safety_compensation"),
        (("医疗事故", "手术", "医院"), "medical_accident_compensation"),
    ),
    "marriage_family": ((("抚养费", "赡养费", "扶养费", "赡养", "抚养", "生活费"), "support_payment"),),
}
#: a domain's claim where its words name none (labour disputes: in scope, but not the exempt pay claim)
DOMAIN_CLAIMS = {
    "labor": "labor_relation",
    "traffic_accident": "traffic_accident_compensation",
    "medical": "medical_accident_compensation",
}
#: the requesters' special groups that are groups of 第四十二条
GROUP_FACTS = {"migrant_worker": "migrant_worker", "subsistence": "social_assistance"}
VIOLENCE_CUES = ("家暴", "家庭暴力", "虐待", "遗弃")


def known_facts(matter: Matter) -> dict[str, Any]:
    """The eligibility facts a matter already states (its domain, its words, its requesters' groups),
    to pre-fill the conversion into an application: a labour dispute of a migrant worker about pay is
    ``wages`` with ``migrant_worker``, not 其他事项 without the group."""
    domain = matter.domain.code if matter.domain_id else ""
    text = f"{matter.title} {matter.facts}"
    facts: dict[str, Any] = {"proceeding": "civil", "role": "applicant", "claim": "other"}
    if domain == "criminal_defense":
        facts.update(proceeding="criminal", role="suspect_or_defendant")
    elif domain == "administrative":
        facts["proceeding"] = "administrative"
    claim = next((code for cues, code in CLAIM_CUES.get(domain, ()) if any(c in text for c in cues)), None)
    claim = claim or DOMAIN_CLAIMS.get(domain)
    if claim and facts["proceeding"] != "criminal":
        facts["claim"] = claim
    if domain == "marriage_family" and any(cue in text for cue in VIOLENCE_CUES):
        facts["circumstances"] = ["abuse_abandonment_or_domestic_violence_victim"]
    groups = [
        GROUP_FACTS[code]
        for person in matter.requesters.all()
        if person.role == "requester"
        for code in person.group_codes
        if code in GROUP_FACTS
    ]
    facts["groups"] = list(dict.fromkeys(groups))
    return facts


#: stages in which the assigned lawyer is the applicant's contact
LAWYER_STAGES = (S.ASSIGNED, S.CLOSED, S.ARCHIVED)


def public_summary(matter: Matter) -> dict[str, Any] | None:
    """What the applicant reads by query code about the legal-aid case, beside its steps (which
    ``legalaid.public`` puts in the matter's place): the lawyer assigned with the office phone, the
    progress the lawyer addressed to them (第四十六条第二款) and the statutory deadlines — each with its
    article under the law's full name, its due date (provisional where the year's holidays are not
    published), whether it was met, or that it stands still. Never the applicant's personal data,
    case numbers or the decision's reasons (the applicant holds the written decision)."""
    case = case_of_matter(matter)
    if case is None:
        return None
    deadlines = []
    for clock in clocks.clocks_of(case):
        if clock.status == "not_started":
            continue
        due = clock.due
        deadlines.append(
            {
                "label": clock.label,
                "article": rules.with_law_names(clock.article),
                "due": timezone.localtime(due).date() if isinstance(due, datetime.datetime) else due,
                "status": clock.status,
                "provisional": clock.provisional,
                "note": clock.note,
            }
        )
    lawyer = None
    if case.assignee is not None and case.stage in LAWYER_STAGES:
        person = case.assignee
        lawyer = {
            "name": person.name,
            "org": person.org.name,
            "phone": person.org.phone or person.public_phone or case.centre.phone,
        }
    progress = [
        {"date": timezone.localtime(r.at).date(), "content": r.content}
        for r in case.reports.filter(notified_recipient=True).order_by("-at")
    ]
    return {
        "stage": case.get_stage_display(),
        "route": case.get_route_display(),
        "lawyer": lawyer,
        "progress": progress,
        "deadlines": deadlines,
        "centre": {"name": case.centre.name, "phone": case.centre.phone},
    }


def eligibility_answer(facts: dict[str, Any], *, on_date: datetime.date | None = None) -> dict[str, Any]:
    """The eligibility engine's answer in the public contract of SPEC §5 (as the public endpoint gives
    it), for other modules that want to tell a citizen whether legal aid may apply."""
    from yizhan.legalaid.eligibility import public

    return public(facts, on_date=on_date)


def first_decider(centre: Organization) -> User | None:
    """The centre's first active user who may decide applications: the periodic sweep acts as them."""
    return (
        User.objects.filter(unit=centre, is_active=True, groups__permissions__codename="decide_application")
        .order_by("id")
        .first()
    )
