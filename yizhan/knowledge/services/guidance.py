"""Triage of a citizen's words: the legal domain, the service and institution to go to, the statutes,
and a legal-aid hint where a claim of 法律援助法第三十一条 fits (docs/knowledge/app.md)."""

from __future__ import annotations

import logging
from typing import Any

from django.utils.translation import gettext as _

from yizhan.core.errors import InvalidInput
from yizhan.knowledge.services.statutes import MAX_TEXT, hit_dict, searcher, triager

logger = logging.getLogger(__name__)

# Cues in the citizen's words that decide which claim of 法律援助法第三十一条 a domain stands for.
MIGRANT_CUES = ("农民工", "工地", "务工", "打工")
WORK_INJURY_CUES = ("工伤",)
SOCIAL_INSURANCE_CUES = ("社保", "社会保险", "养老保险", "医疗保险", "失业保险", "低保", "社会救助")
SUPPORT_CUES = ("抚养费", "赡养费", "扶养费", "抚养", "赡养", "扶养", "生活费")
VIOLENCE_CUES = ("家暴", "家庭暴力", "虐待", "遗弃")
# 第三十一条第七项 covers injuries from work, traffic, food and drug safety and medical accidents only
INJURY_CUES = (
    "工伤",
    "车祸",
    "交通事故",
    "被车",
    "撞车",
    "食物中毒",
    "食品安全",
    "假药",
    "药品",
    "医疗事故",
)
# 第三十一条第五项 names two claims and 第七项 four accidents, one code each (法律援助法第四十二条第三项
# exempts migrant workers only for pay and work injuries)
LABOR_RELATION_CUES = ("劳动关系", "劳动合同", "没签合同", "不承认我是员工")
ACCIDENT_CLAIMS = (
    (("工伤",), "work_injury_compensation"),
    (("车祸", "交通事故", "被车", "撞车"), "traffic_accident_compensation"),
    (("食物中毒", "食品安全", "假药", "药品"), "food_drug_safety_compensation"),
    (("医疗事故",), "medical_accident_compensation"),
)
POLLUTION_CUES = ("污染", "排污", "生态破坏")
POLLUTION_DOMAINS = frozenset({"侵权", "人身损害", "土地纠纷", "综合咨询"})

# a description shorter than this is a keyword, not a matter to triage (the intake form and the portal)
TRIAGE_MIN_CHARS = 6


def _mentions(text: str, cues: tuple[str, ...]) -> bool:
    return any(cue in text for cue in cues)


def legal_aid_facts(domain: str, text: str) -> dict[str, Any] | None:
    """The facts of the legal-aid contract (SPEC §5) that a triaged description supports, or None when
    its domain matches no claim of 法律援助法第三十一条 (or 第三十二条第四项 for domestic violence)."""
    claim: str | None = None
    circumstances: list[str] = []
    if domain == "劳动纠纷":
        if _mentions(text, WORK_INJURY_CUES):
            claim = "work_injury_compensation"
        elif _mentions(text, SOCIAL_INSURANCE_CUES):
            claim = "social_insurance_or_assistance"
        elif _mentions(text, LABOR_RELATION_CUES):
            claim = "labor_relation"
        else:
            claim = "wages"
    elif domain == "婚姻家庭":
        if _mentions(text, SUPPORT_CUES):
            claim = "support_payment"
        if _mentions(text, VIOLENCE_CUES):
            circumstances = ["abuse_abandonment_or_domestic_violence_victim"]
            claim = claim or "other"
    elif domain == "交通事故":
        claim = "traffic_accident_compensation"
    elif domain == "医疗纠纷":
        claim = "medical_accident_compensation"
    elif domain == "人身损害" and _mentions(text, INJURY_CUES):
        claim = next(code for cues, code in ACCIDENT_CLAIMS if _mentions(text, cues))
    elif domain in POLLUTION_DOMAINS and _mentions(text, POLLUTION_CUES):
        claim = "environmental_damage"
    if claim is None:
        return None
    facts: dict[str, Any] = {"proceeding": "civil", "claim": claim}
    if circumstances:
        facts["circumstances"] = circumstances
    migrant_claim = claim in ("wages", "labor_relation") or _mentions(text, WORK_INJURY_CUES)
    if migrant_claim and _mentions(text, MIGRANT_CUES):
        facts["groups"] = ["migrant_worker"]
    return facts


def legal_aid_hint(domain: str, text: str) -> dict[str, Any] | None:
    """The eligibility engine's public answer for the facts the description supports (and those
    facts), or None. Never fails the triage: an error of the legal-aid module is logged."""
    facts = legal_aid_facts(domain, text)
    if facts is None:
        return None
    try:
        from yizhan.legalaid.selectors import eligibility_answer

        return {"facts": facts, **eligibility_answer(facts)}
    except Exception:
        logger.exception("legal-aid hint failed for %s", facts)
        return None


def institution_label(code: str) -> str:
    """The institution type of the triage (an ``OrgKind`` code) in Chinese."""
    from yizhan.orgs.models import OrgKind

    if code in OrgKind.values:
        return str(OrgKind(code).label)
    return _("其他部门")


def guide(q: str) -> dict[str, Any] | None:
    """The triage of a citizen's question for the portal's search page (办事指引): what kind of matter
    it is, where to go, whether legal aid may apply. None for keywords or a law's name."""
    s = searcher()
    if len(q.strip()) < TRIAGE_MIN_CHARS or len(q) > MAX_TEXT or s is None or s.law_only(q):
        return None
    return triage(q)


def triage(text: str) -> dict[str, Any]:
    """Free text → legal domain with scores, service and institution type, statutes, legal-aid hint."""
    text = (text or "").strip()
    if not text:
        raise InvalidInput(_("请输入事项描述。"), fields={"text": _("请输入事项描述。")})
    if len(text) > MAX_TEXT:
        raise InvalidInput(_("文本过长。"), fields={"text": _("不能超过%(n)d个字。") % {"n": MAX_TEXT}})
    result = triager().triage(text, k=5)
    hint = legal_aid_hint(result.domain, text)
    return {
        "domain": result.domain,
        "domain_scores": {
            d: round(float(p), 4) for d, p in sorted(result.scores.items(), key=lambda x: -x[1])
        },
        "service_type": result.service_type,
        "institution_type": result.institution_type,
        "institution_label": institution_label(result.institution_type),
        "external_department": result.external_department,
        "reasons": list(result.reasons),
        "statutes": [hit_dict(h) for h in result.statutes[:5]],
        "legal_aid_hint": hint,
    }
