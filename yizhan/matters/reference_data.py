"""The reference data every installation starts with (loaded by a data migration; idempotent)."""

from __future__ import annotations

from django.apps.registry import Apps

# (code, name) — SPEC §3 consultation taxonomy
LEGAL_DOMAINS: list[tuple[str, str]] = [
    ("marriage_family", "婚姻家庭"),
    ("inheritance", "继承"),
    ("labor", "劳动纠纷"),
    ("debt", "债权债务"),
    ("contract", "合同纠纷"),
    ("real_estate", "房产纠纷"),
    ("property_management", "物业纠纷"),
    ("demolition", "拆迁安置"),
    ("land", "土地纠纷"),
    ("traffic_accident", "交通事故"),
    ("personal_injury", "人身损害"),
    ("medical", "医疗纠纷"),
    ("consumer", "消费权益"),
    ("tort", "侵权"),
    ("criminal_defense", "刑事辩护"),
    ("administrative", "行政诉讼"),
    ("company", "公司法"),
    ("intellectual_property", "知识产权"),
    ("construction", "建设工程"),
    ("security_interest", "抵押担保"),
    ("foreign", "涉外法律"),
    ("maritime", "海事海商"),
    ("general", "综合咨询"),
]

# (code, name, transfer ledger)
SERVICE_TYPES: list[tuple[str, str, str]] = [
    ("consultation", "法律咨询", "business"),
    ("legal_aid", "法律援助", "legal_aid"),
    ("mediation", "人民调解", "mediation"),
    ("notary", "公证", "business"),
    ("appraisal", "司法鉴定", "business"),
    ("lawyer_service", "律师服务", "business"),
    ("document_drafting", "代写文书", "business"),
    ("complaint", "投诉举报", "complaint"),
    ("external", "外部门事项", "business"),
]

# default time limits in working days (region-less rules; regions override them in the admin)
DEFAULT_TIME_LIMITS: dict[str, tuple[int, int, str]] = {
    "consultation": (
        3,
        1,
        "窗口咨询当场答复；需查询、约请律师答复的，默认3个工作日内答复（可按地方规定调整）",
    ),
    "legal_aid": (7, 2, "法律援助法第四十三条：自收到申请之日起七日内审查并作出决定"),
    "mediation": (30, 5, "人民调解一般在一个月内调结（地方通行做法，可按地方规定调整）"),
    "notary": (15, 3, "公证程序规则：受理后十五个工作日内出具公证书（需核实的时间不计入）"),
    "appraisal": (30, 5, "司法鉴定程序通则：委托生效之日起三十个工作日内完成鉴定"),
    "lawyer_service": (10, 2, "默认值，可按地方规定调整"),
    "document_drafting": (3, 1, "默认值，可按地方规定调整"),
    "complaint": (30, 5, "默认值：投诉事项三十个工作日内办结并答复，可按地方规定调整"),
    "external": (10, 2, "默认值：外部门办理情况十个工作日内跟进反馈"),
}


def load(apps: Apps) -> None:
    legal_domain = apps.get_model("matters", "LegalDomain")
    service_type = apps.get_model("matters", "ServiceType")
    time_limit = apps.get_model("matters", "TimeLimitRule")
    for order, (code, name) in enumerate(LEGAL_DOMAINS, start=1):
        legal_domain.objects.update_or_create(code=code, defaults={"name": name, "order": order * 10})
    for order, (code, name, ledger) in enumerate(SERVICE_TYPES, start=1):
        stype, _ = service_type.objects.update_or_create(
            code=code, defaults={"name": name, "transfer_ledger": ledger, "order": order * 10}
        )
        days, near, basis = DEFAULT_TIME_LIMITS[code]
        time_limit.objects.get_or_create(
            service_type=stype,
            region=None,
            defaults={"working_days": days, "near_due_days": near, "basis": basis},
        )
