"""The Legal Aid Law's eligibility rules, one small function per provision.

Each rule is registered with the article it implements (as data: ``Rule.articles``) and reads the
facts plus what earlier rules concluded (the ``Assessment``); it adds grounds, reasons and notes.
The engine runs them in ``RULES`` order: scope (who may get aid, and by which route) → bars →
economic condition → procedure. A rule that does not apply returns without touching anything."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from gettext import gettext as _

from . import vocabulary as v
from .facts import Facts
from .standards import Extension, Standard, standard_for
from .vocabulary import cite

REQUIRED = "required"
WAIVED = "waived"
EXEMPT = "exempt_from_verification"
NOT_APPLICABLE = "not_applicable"
APPLICATION = "application"
NOTIFICATION = "notification"
CENTS = Decimal("0.01")


@dataclass
class Assessment:
    """What the rules have established so far; turned into a ``Decision`` by the engine."""

    facts: Facts
    on_date: dt.date
    standards: Sequence[Standard]
    extensions: Sequence[Extension]
    in_scope: bool | None = None  # None: no scope rule matched yet
    route: str = APPLICATION
    economic_condition: str = REQUIRED
    hardship: bool | None = None  # None: not yet determined
    grounds: list[str] = field(default_factory=list)
    reasons: list[str] = field(default_factory=list)
    refusal: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    materials: list[str] = field(default_factory=list)
    assignment_requirements: list[str] = field(default_factory=list)
    standard: Standard | None = None
    provisional_aid: list[str] = field(default_factory=list)
    where_to_apply: str = ""
    # 第二十四条: a defendant may apply "因经济困难或者其他原因": not being in hardship does not bar
    other_reasons: bool = False
    # a merged claim code hides whether 第四十二条第三项 exempts a migrant worker
    exemption_unresolved: bool = False

    def ground(self, *citations: str) -> None:
        for c in citations:
            if c not in self.grounds:
                self.grounds.append(c)

    def need(self, material: str) -> None:
        if material not in self.materials:
            self.materials.append(material)

    def refuse(self, reason: str, *citations: str) -> None:
        self.refusal.append(reason)
        self.ground(*citations)

    @property
    def notified(self) -> bool:
        return self.route == NOTIFICATION


@dataclass(frozen=True)
class Rule:
    name: str
    articles: tuple[str, ...]
    summary: str
    apply: Callable[[Assessment], None]


RULES: list[Rule] = []


def rule(
    *articles: str, summary: str
) -> Callable[[Callable[[Assessment], None]], Callable[[Assessment], None]]:
    def register(fn: Callable[[Assessment], None]) -> Callable[[Assessment], None]:
        RULES.append(Rule(fn.__name__, articles, summary, fn))
        return fn

    return register


def _labels(codes: frozenset[str], table: dict[str, tuple[int, str]]) -> list[tuple[int, str]]:
    return sorted(table[c] for c in codes if c in table)


# --- scope: who may get legal aid, and how -------------------------------------------------------


@rule(*(cite(25, i, paragraph=1) for i in range(1, 7)), summary="通知辩护：特定犯罪嫌疑人、被告人")
def mandatory_defence(a: Assessment) -> None:
    f = a.facts
    if not (f.criminal and f.role == "suspect_or_defendant" and f.person):
        return
    items = _labels(f.person, v.PERSON)
    a.in_scope = True
    a.route = NOTIFICATION
    a.economic_condition = NOT_APPLICABLE
    a.ground(*(cite(25, item, paragraph=1) for item, _label in items))
    a.reasons.append(
        _(
            "犯罪嫌疑人、被告人属于%(who)s，没有委托辩护人的，人民法院、人民检察院、公安机关应当通知法律援助机构指派律师担任辩护人，不审查经济状况。"
        )
        % {"who": "、".join(label for _item, label in items)}
    )


@rule(cite(26), summary="无期徒刑、死刑案件指派三年以上相关执业经历的律师")
def senior_defender(a: Assessment) -> None:
    f = a.facts
    if f.criminal and f.role == "suspect_or_defendant" and f.person & v.SENIOR_DEFENDER_PERSON:
        a.ground(cite(26))
        a.assignment_requirements.append(
            _("应当指派具有三年以上相关执业经历的律师担任辩护人（第二十六条）。")
        )


@rule(cite(28), summary="强制医疗案件：通知代理")
def compulsory_medical(a: Assessment) -> None:
    f = a.facts
    if not (f.criminal and f.role == "compulsory_medical_respondent"):
        return
    a.in_scope = True
    a.route = NOTIFICATION
    a.economic_condition = NOT_APPLICABLE
    a.ground(cite(28))
    a.reasons.append(
        _(
            "强制医疗案件的被申请人或者被告人没有委托诉讼代理人的，人民法院应当通知法律援助机构指派律师提供法律援助，不审查经济状况。"
        )
    )


@rule(cite(33), summary="再审、抗诉案件依申请")
def retrial(a: Assessment) -> None:
    f = a.facts
    if not f.retrial or a.notified:
        return
    a.in_scope = True
    a.ground(cite(33))
    a.need(v.MATERIALS["retrial_decision"])
    a.reasons.append(
        _(
            "不服生效裁判或者决定申诉、申请再审，人民法院已决定、裁定再审或者人民检察院已提出抗诉的，因经济困难没有委托辩护人或者诉讼代理人，可以申请法律援助。"
        )
    )
    a.notes.append(_("仅提出申诉或者申请再审、尚未决定再审或者抗诉的，不适用第三十三条。"))


@rule(cite(24), summary="刑事犯罪嫌疑人、被告人依申请")
def defendant_application(a: Assessment) -> None:
    f = a.facts
    if a.in_scope is not None or not (f.criminal and f.role == "suspect_or_defendant"):
        return
    a.in_scope = True
    a.other_reasons = True
    a.ground(cite(24))
    a.reasons.append(
        _(
            "刑事案件的犯罪嫌疑人、被告人因经济困难或者其他原因没有委托辩护人的，本人及其近亲属可以申请法律援助。"
        )
    )
    a.notes.append(
        _(
            "其他适用普通程序审理的刑事案件，被告人没有委托辩护人的，人民法院也可以通知法律援助机构指派律师（第二十五条第二款）。"
        )
    )


@rule(cite(29), summary="被害人、自诉人、附带民事诉讼原告人依申请")
def victim_side(a: Assessment) -> None:
    f = a.facts
    if a.in_scope is not None or not (f.criminal and f.role in v.VICTIM_SIDE):
        return
    a.in_scope = True
    a.ground(cite(29))
    a.reasons.append(
        _("%(role)s及其法定代理人或者近亲属，因经济困难没有委托诉讼代理人的，可以申请法律援助。")
        % {"role": v.ROLES[f.role]}
    )


@rule(*(cite(31, i) for i in range(1, 10)), summary="民事、行政法律援助事项")
def civil_matters(a: Assessment) -> None:
    f = a.facts
    if f.criminal or a.in_scope is not None:
        return
    claim = "state_compensation" if f.proceeding == "state_compensation" else f.claim
    if claim in v.CLAIM_ALIASES:
        merged_item, merged_label, precise = v.CLAIM_ALIASES[claim]
        a.in_scope = True
        a.ground(cite(31, merged_item))
        a.reasons.append(_("申请事项属于「%(label)s」，是法律援助事项。") % {"label": merged_label})
        a.notes.append(
            _("「%(label)s」包括几类事项，请选择具体的一项：%(choices)s。")
            % {
                "label": merged_label,
                "choices": "、".join(f"{v.CLAIMS[code][1]}（{code}）" for code in precise),
            }
        )
        return
    item, label = v.CLAIMS[claim]
    if item is not None:
        a.in_scope = True
        a.ground(cite(31, item))
        a.reasons.append(_("申请事项属于「%(label)s」，是法律援助事项。") % {"label": label})
        return
    if f.claim_detail:
        ext = next(e for e in a.extensions if e.article == "31.9" and e.key == f.claim_detail)
        a.in_scope = True
        a.ground(cite(31, 9))
        a.reasons.append(
            _("申请事项「%(label)s」是本地区规定的法律援助事项（%(source)s）。")
            % {"label": ext.label, "source": ext.source}
        )


@rule(*(cite(32, i) for i in range(1, 6)), summary="不受经济困难条件限制的情形")
def waiver(a: Assessment) -> None:
    f = a.facts
    if a.notified or not f.circumstances:
        return
    applicable = set(f.circumstances)
    for code in sorted(f.circumstances & v.CIVIL_RIGHTS_CIRCUMSTANCES):
        civil = f.proceeding in ("civil", v.NON_LITIGATION) or f.role == "incidental_civil_plaintiff"
        if not civil:
            applicable.discard(code)
            item, label = v.CIRCUMSTANCES[code]
            a.notes.append(
                _(
                    "「%(label)s」只适用于主张民事权益的事项（第三十二条第%(item)s项），本事项仍按经济困难条件审查。"
                )
                % {"label": label, "item": v.cn_number(item)}
            )
    for code in sorted(f.circumstances & v.STATE_COMPENSATION_CIRCUMSTANCES):
        if f.proceeding != "state_compensation" and f.claim != "state_compensation":
            applicable.discard(code)
            item, label = v.CIRCUMSTANCES[code]
            a.notes.append(
                _(
                    "「%(label)s」只适用于请求国家赔偿的事项（第三十二条第%(item)s项），本事项仍按经济困难条件审查。"
                )
                % {"label": label, "item": v.cn_number(item)}
            )
    items = _labels(frozenset(applicable), v.CIRCUMSTANCES)
    extra = [e for e in a.extensions if e.article == "32.5" and e.key in applicable]
    if not items and not extra:
        return
    a.economic_condition = WAIVED
    a.hardship = None
    if a.in_scope is None:
        # the circumstance itself is the matter (e.g. a good Samaritan's claim is not in art. 31)
        a.in_scope = True
    a.ground(*(cite(32, item) for item, _label in items), *(cite(32, 5) for _e in extra[:1]))
    labels = [label for _item, label in items] + [f"{e.label}（{e.source}）" for e in extra]
    a.reasons.append(
        _("属于「%(what)s」，申请法律援助不受经济困难条件的限制。") % {"what": "」「".join(labels)}
    )
    a.need(v.MATERIALS["circumstance_proof"])


@rule(cite(31), summary="不属于法律援助事项")
def outside_scope(a: Assessment) -> None:
    f = a.facts
    if a.in_scope is not None:
        return
    a.in_scope = False
    a.economic_condition = NOT_APPLICABLE
    a.refuse(
        _(
            "申请事项不属于第三十一条所列的法律援助事项，本地区也没有规定其他法律援助事项（第三十一条第九项），依法不能给予法律援助；可以咨询律师、申请人民调解或者寻求其他法律服务。"
        ),
        cite(31),
    )
    if f.claim == "other":
        a.notes.append(
            _(
                "如属于民事、行政诉讼中的其他事项，可以申请法律咨询、代拟法律文书等法律援助服务（第二十二条）。"
            )
        )


# --- bars -----------------------------------------------------------------------------------------


@rule(cite(24), cite(25, paragraph=1), cite(28), cite(29), cite(31), cite(33), summary="已委托辩护人、代理人")
def has_counsel(a: Assessment) -> None:
    f = a.facts
    if not f.has_counsel or not a.in_scope:
        return
    a.in_scope = False
    article = a.grounds[0] if a.grounds else cite(31)
    who = _("辩护人") if f.criminal and f.role == "suspect_or_defendant" else _("代理人")
    a.refuse(
        _(
            "已经委托%(who)s的，不需要也不能再由法律援助机构指派（%(article)s以“没有委托%(who)s”为条件）；如解除委托，可以重新申请或者由办案机关通知。"
        )
        % {"who": who, "article": article.removeprefix(v.LAW)},
    )


# --- economic condition --------------------------------------------------------------------------


@rule(*(cite(42, i) for i in range(1, 5)), summary="免予核查经济困难状况的人员")
def exempt_groups(a: Assessment) -> None:
    f = a.facts
    if not a.in_scope or a.notified or a.economic_condition == WAIVED or not f.groups:
        return
    items = []
    for code in sorted(f.groups):
        if code in v.GROUPS:
            if code == "migrant_worker" and f.claim_is_alias:
                # the merged code hides whether the claim is pay (exempt) or a labour relation (not)
                a.exemption_unresolved = True
                a.notes.append(
                    _(
                        "进城务工人员申请支付劳动报酬或者请求工伤事故人身损害赔偿的，免予核查经济困难状况（第四十二条第三项）；选择具体事项后才能确定是否免予核查。"
                    )
                )
                continue
            if code == "migrant_worker" and f.claim not in v.MIGRANT_WORKER_CLAIMS:
                a.notes.append(
                    _(
                        "进城务工人员只有在申请支付劳动报酬或者请求工伤事故人身损害赔偿时免予核查经济困难状况（第四十二条第三项）。"
                    )
                )
                continue
            items.append((v.GROUPS[code][0], v.GROUPS[code][1], cite(42, v.GROUPS[code][0])))
        else:
            e = next(e for e in a.extensions if e.article == "42.4" and e.key == code)
            items.append((4, f"{e.label}（{e.source}）", cite(42, 4)))
    if not items:
        return
    items.sort()
    a.economic_condition = EXEMPT
    a.hardship = True
    a.ground(*(c for _i, _l, c in items))
    a.reasons.append(
        _("申请人属于「%(who)s」，有材料证明的，免予核查经济困难状况。")
        % {"who": "」「".join(label for _i, label, _c in items)}
    )
    a.need(v.MATERIALS["group_proof"])


@rule(cite(34), cite(41), summary="经济困难条件")
def economic_hardship(a: Assessment) -> None:
    f = a.facts
    if not a.in_scope or a.economic_condition != REQUIRED:
        return
    a.ground(cite(41))
    if f.economic_hardship is not None:
        a.hardship = f.economic_hardship
        if f.economic_hardship:
            a.reasons.append(
                _("申请人说明经济困难，由法律援助机构通过信息共享查询或者个人诚信承诺核查（第四十一条）。")
            )
        else:
            _not_in_hardship(a, _("申请人说明经济不困难"))
        a.need(v.MATERIALS["hardship_statement"])
        return
    a.need(v.MATERIALS["hardship_statement"])
    if f.household_monthly_income is None or f.household_size is None:
        a.reasons.append(_("需要如实说明家庭人口和收入等经济困难状况，由法律援助机构核查（第四十一条）。"))
        return
    standard = standard_for(a.standards, f.region, a.on_date)
    if standard is None:
        a.notes.append(
            _(
                "没有找到行政区划 %(region)s 在 %(date)s 适用的经济困难标准（第三十四条），"
                "由法律援助机构按本地标准核查。"
            )
            % {"region": f.region or "—", "date": a.on_date.isoformat()}
        )
        return
    a.standard = standard
    a.ground(cite(34))
    per_capita = (f.household_monthly_income / f.household_size).quantize(CENTS)
    within = per_capita <= standard.monthly_limit
    a.hardship = within
    figures = _("家庭人均月收入 %(pc)s 元（%(inc)s 元 ÷ %(n)d 人）") % {
        "pc": per_capita,
        "inc": format(f.household_monthly_income.normalize(), "f"),
        "n": f.household_size,
    }
    if within:
        a.reasons.append(
            _("%(figures)s，不超过经济困难标准：%(standard)s。")
            % {"figures": figures, "standard": standard.describe()}
        )
    else:
        _not_in_hardship(
            a,
            _("%(figures)s，超过经济困难标准：%(standard)s")
            % {"figures": figures, "standard": standard.describe()},
        )


def _not_in_hardship(a: Assessment, finding: str) -> None:
    """The applicant is not in hardship: a refusal, unless the law opens another way that the centre
    must weigh — 第二十四条's "或者其他原因", or an exemption a merged claim code leaves open."""
    a.ground(cite(34))
    if a.other_reasons:
        a.reasons.append(
            _(
                "%(finding)s；第二十四条规定犯罪嫌疑人、被告人因经济困难或者其他原因没有委托辩护人的都可以申请，是否有其他原因由法律援助机构审查认定。"
            )
            % {"finding": finding}
        )
    elif a.exemption_unresolved:
        a.reasons.append(
            _(
                "%(finding)s；如果申请的是支付劳动报酬或者工伤事故人身损害赔偿，进城务工人员免予核查经济困难状况，请选择具体事项。"
            )
            % {"finding": finding}
        )
    else:
        a.refuse(_("%(finding)s，不符合经济困难条件，不能给予法律援助。") % {"finding": finding}, cite(34))


# --- procedure -----------------------------------------------------------------------------------


@rule(cite(38), summary="向哪个法律援助机构申请")
def where_to_apply(a: Assessment) -> None:
    f = a.facts
    if a.notified or not a.in_scope:
        return
    if f.proceeding == v.NON_LITIGATION:
        a.where_to_apply = _("向争议处理机关所在地或者事由发生地的法律援助机构提出申请（第三十八条）。")
    else:
        a.where_to_apply = _("向办案机关所在地的法律援助机构提出申请（第三十八条）。")


@rule(*(cite(44, i, paragraph=1) for i in range(1, 3)), summary="先行提供法律援助")
def provisional_aid(a: Assessment) -> None:
    f = a.facts
    if a.notified or not a.in_scope or not f.urgency:
        return
    items = _labels(f.urgency, v.URGENCY)
    a.provisional_aid = [cite(44, item, paragraph=1) for item, _label in items]
    a.ground(*a.provisional_aid)
    a.reasons.append(
        _("%(what)s，法律援助机构可以决定先行提供法律援助，受援人应当及时补办手续、补充材料（第四十四条）。")
        % {"what": "；".join(label for _item, label in items)}
    )


@rule(cite(43), summary="一次性告知需要补充的材料")
def application_materials(a: Assessment) -> None:
    if a.notified or not a.in_scope:
        a.materials.clear()
        return
    base = [v.MATERIALS["application_form"], v.MATERIALS["identity"]]
    tail = [v.MATERIALS["matter_documents"]]
    supplied = {v.MATERIALS[code] for code in a.facts.materials_supplied}
    ordered = base + [m for m in a.materials if m not in base + tail] + tail
    a.materials[:] = [m for m in ordered if m not in supplied]
