"""The vocabulary of the public eligibility contract (SPEC §5) and the article each code stands for.

Codes are the stable API; the Chinese labels are the statute's own words."""

from __future__ import annotations

import re
from gettext import gettext as _  # identity at run time; marks the strings for translation

LAW = "法律援助法"
#: the Criminal Procedure Law, cited where it, not the Legal Aid Law, says who defends (第三十五条)
CRIMINAL_PROCEDURE_LAW = "刑事诉讼法"

PROCEEDINGS: dict[str, str] = {
    "criminal": _("刑事"),
    "civil": _("民事"),
    "administrative": _("行政"),
    "state_compensation": _("国家赔偿"),
    "non_litigation": _("非诉讼事项"),
}
CRIMINAL = "criminal"
NON_LITIGATION = "non_litigation"

ROLES: dict[str, str] = {
    "suspect_or_defendant": _("犯罪嫌疑人、被告人"),
    "victim": _("刑事公诉案件的被害人"),
    "private_prosecutor": _("刑事自诉案件的自诉人"),
    "incidental_civil_plaintiff": _("刑事附带民事诉讼案件的原告人"),
    "compulsory_medical_respondent": _("强制医疗案件的被申请人或者被告人"),
    "applicant": _("当事人（民事、行政、国家赔偿、非诉讼事项）"),
}
CRIMINAL_ROLES = frozenset(
    {
        "suspect_or_defendant",
        "victim",
        "private_prosecutor",
        "incidental_civil_plaintiff",
        "compulsory_medical_respondent",
    }
)
#: 第二十九条: the parties on the victim's side of a criminal case
VICTIM_SIDE = frozenset({"victim", "private_prosecutor", "incidental_civil_plaintiff"})

#: 第三十一条 items (1)–(8), one code per claim the law treats differently elsewhere: item 5 names two
#: claims and item 7 four accidents, and 第四十二条第三项 exempts migrant workers only for pay and for
#: work-injury compensation; "other" is item (9) only where a region configured it
CLAIMS: dict[str, tuple[int | None, str]] = {
    "state_compensation": (1, _("依法请求国家赔偿")),
    "social_insurance_or_assistance": (2, _("请求给予社会保险待遇或者社会救助")),
    "pension": (3, _("请求发给抚恤金")),
    "support_payment": (4, _("请求给付赡养费、抚养费、扶养费")),
    "labor_relation": (5, _("请求确认劳动关系")),
    "wages": (5, _("请求支付劳动报酬")),
    "capacity_declaration": (6, _("请求认定公民无民事行为能力或者限制民事行为能力")),
    "work_injury_compensation": (7, _("请求工伤事故人身损害赔偿")),
    "traffic_accident_compensation": (7, _("请求交通事故人身损害赔偿")),
    "food_drug_safety_compensation": (7, _("请求食品药品安全事故人身损害赔偿")),
    "medical_accident_compensation": (7, _("请求医疗事故人身损害赔偿")),
    "environmental_damage": (8, _("请求环境污染、生态破坏损害赔偿")),
    "other": (None, _("其他事项")),
}

#: the first contract's codes that merged the claims of one item (docs/decisions/0006): still accepted,
#: answered within the item's scope, and the answer asks for the precise code
CLAIM_ALIASES: dict[str, tuple[int, str, tuple[str, ...]]] = {
    "labor_relation_or_wages": (5, _("请求确认劳动关系或者支付劳动报酬"), ("labor_relation", "wages")),
    "personal_injury_compensation": (
        7,
        _("请求工伤事故、交通事故、食品药品安全事故、医疗事故人身损害赔偿"),
        (
            "work_injury_compensation",
            "traffic_accident_compensation",
            "food_drug_safety_compensation",
            "medical_accident_compensation",
        ),
    ),
}

#: 第三十二条 items (1)–(4): not subject to the economic-hardship condition
CIRCUMSTANCES: dict[str, tuple[int, str]] = {
    "martyr_relative_personality_rights": (1, _("英雄烈士近亲属为维护英雄烈士的人格权益")),
    "good_samaritan": (2, _("因见义勇为行为主张相关民事权益")),
    "acquitted_on_retrial_compensation": (3, _("再审改判无罪请求国家赔偿")),
    "abuse_abandonment_or_domestic_violence_victim": (
        4,
        _("遭受虐待、遗弃或者家庭暴力的受害人主张相关权益"),
    ),
}

#: 第三十二条第二项 is about claiming 民事权益: civil matters, non-litigation matters and the civil claim
#: joined to a criminal case; 第三十二条第三项 about 国家赔偿
CIVIL_RIGHTS_CIRCUMSTANCES = frozenset({"good_samaritan"})
STATE_COMPENSATION_CIRCUMSTANCES = frozenset({"acquitted_on_retrial_compensation"})

#: 第二十五条第一款 items (1)–(6): the court, procuratorate or police must notify the centre
PERSON: dict[str, tuple[int, str]] = {
    "minor": (1, _("未成年人")),
    "visual_hearing_speech_disability": (2, _("视力、听力、言语残疾人")),
    "cannot_fully_recognize_conduct": (3, _("不能完全辨认自己行为的成年人")),
    "may_face_life_or_death_sentence": (4, _("可能被判处无期徒刑、死刑的人")),
    "death_penalty_review": (5, _("申请法律援助的死刑复核案件被告人")),
    "tried_in_absentia": (6, _("缺席审判案件的被告人")),
}
#: 第二十六条: these defendants only get a lawyer with three years of relevant practice
SENIOR_DEFENDER_PERSON = frozenset({"may_face_life_or_death_sentence", "death_penalty_review"})
SENIOR_DEFENDER_YEARS = 3

#: 第四十二条 items (1)–(3): exempt from verification of economic hardship
GROUPS: dict[str, tuple[int, str]] = {
    "minor_no_fixed_income": (1, _("无固定生活来源的未成年人")),
    "elderly_no_fixed_income": (1, _("无固定生活来源的老年人")),
    "disabled_no_fixed_income": (1, _("无固定生活来源的残疾人")),
    "social_assistance": (2, _("社会救助对象")),
    "judicial_assistance": (2, _("司法救助对象")),
    "preferential_treatment": (2, _("优抚对象")),
    "migrant_worker": (3, _("申请支付劳动报酬或者请求工伤事故人身损害赔偿的进城务工人员")),
}
#: 第四十二条第三项 only covers migrant workers claiming pay or work-injury compensation
MIGRANT_WORKER_CLAIMS = frozenset({"wages", "work_injury_compensation"})

#: 第四十四条第一款 items (1)–(2): the centre may provide aid before the formalities are complete
URGENCY: dict[str, tuple[int, str]] = {
    "limitation_within_7_days": (
        1,
        _("距法定时效或者期限届满不足七日，需要及时提起诉讼或者申请仲裁、行政复议"),
    ),
    "preservation_needed": (2, _("需要立即申请财产保全、证据保全或者先予执行")),
}

#: the application materials of a one-time list (第四十三条); codes a client may mark as supplied
MATERIALS: dict[str, str] = {
    "application_form": _("法律援助申请表"),
    "identity": _("申请人身份证明"),
    "hardship_statement": _("经济困难状况说明表或者个人诚信承诺书（第四十一条）"),
    "group_proof": _("属于免予核查经济困难状况人员的证明材料（第四十二条）"),
    "circumstance_proof": _("属于不受经济困难条件限制情形的证明材料（第三十二条）"),
    "retrial_decision": _("人民法院再审决定、裁定或者人民检察院抗诉书（第三十三条）"),
    "matter_documents": _("与所申请法律援助事项有关的材料"),
}

ECONOMIC_CONDITIONS: dict[str, str] = {
    "required": _("需审查经济困难状况"),
    "waived": _("不受经济困难条件限制"),
    "exempt_from_verification": _("免予核查经济困难状况"),
    "not_applicable": _("不适用（通知辩护/代理）"),
}

#: the laws ``cite`` names by their short names, with their full names for what a citizen reads
LAW_FULL_NAMES: dict[str, str] = {
    LAW: "中华人民共和国法律援助法",
    CRIMINAL_PROCEDURE_LAW: "中华人民共和国刑事诉讼法",
}
_SHORT_NAME = re.compile("(?<!中华人民共和国)(" + "|".join(map(re.escape, LAW_FULL_NAMES)) + ")(?=第)")


def with_law_names(text: str) -> str:
    """法律援助法第四十三条第一款 → 《中华人民共和国法律援助法》第四十三条第一款, for every citation in
    ``text`` that names a law by its short name."""
    return _SHORT_NAME.sub(lambda m: f"《{LAW_FULL_NAMES[m.group(1)]}》", text)


_DIGITS = "零一二三四五六七八九"


def cn_number(n: int) -> str:
    """1 → 一, 10 → 十, 31 → 三十一, 105 → 一百零五 (article numbers of this law are < 100)."""
    if n <= 0:
        raise ValueError(n)
    if n < 10:
        return _DIGITS[n]
    if n < 20:
        return "十" + (_DIGITS[n % 10] if n % 10 else "")
    if n < 100:
        return _DIGITS[n // 10] + "十" + (_DIGITS[n % 10] if n % 10 else "")
    rest = n % 100
    head = _DIGITS[n // 100] + "百"
    if rest == 0:
        return head
    return head + (
        "零" + _DIGITS[rest] if rest < 10 else ("一" + cn_number(rest) if rest < 20 else cn_number(rest))
    )


def cite(article: int, item: int | None = None, *, paragraph: int | None = None, law: str = LAW) -> str:
    """法律援助法第三十一条第五项; paragraphs only where the article has several (第二十五条第一款第一项).
    Another law by its short name: ``cite(35, paragraph=1, law=CRIMINAL_PROCEDURE_LAW)``."""
    text = f"{law}第{cn_number(article)}条"
    if paragraph:
        text += f"第{cn_number(paragraph)}款"
    if item:
        text += f"第{cn_number(item)}项"
    return text
