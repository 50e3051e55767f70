"""Legal aid (法律援助法): the economic-hardship standard and scope extensions as dated data, and the
case record that hangs on a service matter of type 法律援助."""

from __future__ import annotations

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from yizhan.legalaid.states import CaseStage


class StandardKind(models.TextChoices):
    PER_CAPITA_INCOME_LIMIT = "per_capita_income_limit", _("家庭人均月收入不超过限额")
    MULTIPLE_OF_MINIMUM_LIVING = "multiple_of_minimum_living", _("不超过当地最低生活保障标准的倍数")


class HardshipStandard(models.Model):
    """经济困难标准 (法律援助法第三十四条): set by each province, dated so that a decision made last year
    is explained by last year's standard. A more specific region code wins over its parents."""

    region_code = models.CharField(
        _("适用区划代码"),
        max_length=12,
        help_text=_("可为省（2位）、市（4位）、县（6位）或更细的区划代码前缀。"),
    )
    effective_from = models.DateField(_("生效日期"))
    kind = models.CharField(_("标准类型"), max_length=32, choices=StandardKind.choices)
    amount = models.DecimalField(
        _("人均月收入限额（元）"),
        max_digits=10,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(0)],
    )
    multiple = models.DecimalField(
        _("倍数"), max_digits=5, decimal_places=2, null=True, blank=True, validators=[MinValueValidator(0)]
    )
    minimum_living_standard = models.DecimalField(
        _("最低生活保障标准（元/人·月）"),
        max_digits=10,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(0)],
    )
    source = models.CharField(_("依据文件"), max_length=255)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("录入人"), null=True, blank=True, on_delete=models.PROTECT
    )
    created_at = models.DateTimeField(_("录入时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("经济困难标准")
        verbose_name_plural = _("经济困难标准")
        ordering = ["region_code", "-effective_from"]
        constraints = [
            models.UniqueConstraint(
                fields=["region_code", "effective_from"], name="hardship_standard_unique_date"
            ),
            models.CheckConstraint(
                condition=(
                    models.Q(kind="per_capita_income_limit", amount__isnull=False)
                    | models.Q(
                        kind="multiple_of_minimum_living",
                        multiple__isnull=False,
                        minimum_living_standard__isnull=False,
                    )
                ),
                name="hardship_standard_has_its_numbers",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.region_code} {self.effective_from} {self.get_kind_display()}"


class ExtensionArticle(models.TextChoices):
    ART_31_9 = "31.9", _("第三十一条第九项：其他民事、行政法律援助事项")
    ART_32_5 = "32.5", _("第三十二条第五项：其他不受经济困难条件限制的情形")
    ART_42_4 = "42.4", _("第四十二条第四项：其他免予核查经济困难状况的人员")


class ScopeExtension(models.Model):
    """A region's extension of the legal-aid scope (法律援助法第三十一条第九项等), with its source."""

    region_code = models.CharField(_("适用区划代码"), max_length=12)
    article = models.CharField(_("扩展条款"), max_length=8, choices=ExtensionArticle.choices)
    key = models.SlugField(_("事项代码"), max_length=64, help_text=_("申请时选择的扩展事项代码。"))
    label = models.CharField(_("事项名称"), max_length=128)
    effective_from = models.DateField(_("生效日期"))
    source = models.CharField(_("依据文件"), max_length=255)

    class Meta:
        verbose_name = _("法律援助范围扩展")
        verbose_name_plural = _("法律援助范围扩展")
        ordering = ["region_code", "article", "key"]

    def __str__(self) -> str:
        return f"{self.region_code} {self.article} {self.label}"


class Route(models.TextChoices):
    APPLICATION = "application", _("依申请")
    NOTIFICATION = "notification", _("通知辩护/代理")


class Source(models.TextChoices):
    WINDOW = "window", _("窗口申请")
    ONLINE = "online", _("网上申请")
    HOTLINE = "hotline", _("热线转申请")
    DETENTION = "detention", _("羁押场所转交（第三十九条）")
    REPRESENTATIVE = "representative", _("法定代理人或近亲属代为申请（第四十条）")
    NOTIFICATION = "notification", _("办案机关通知（第二十五、二十八、三十六条）")


class Authority(models.TextChoices):
    COURT = "court", _("人民法院")
    PROCURATORATE = "procuratorate", _("人民检察院")
    POLICE = "police", _("公安机关")


class Decision(models.TextChoices):
    GRANT = "grant", _("给予法律援助")
    REFUSE = "refuse", _("不予法律援助")


class LegalAidCase(models.Model):
    """The legal-aid record of a matter: facts for the eligibility engine, its snapshot, the clocks."""

    matter = models.OneToOneField("matters.Matter", on_delete=models.CASCADE, related_name="legal_aid")
    number = models.CharField(_("案件编号"), max_length=32, unique=True)
    stage = models.CharField(
        _("办理阶段"), max_length=24, choices=CaseStage.choices, default=CaseStage.APPLIED
    )
    route = models.CharField(_("途径"), max_length=16, choices=Route.choices, default=Route.APPLICATION)
    source = models.CharField(_("来源"), max_length=16, choices=Source.choices, default=Source.WINDOW)
    centre = models.ForeignKey(
        "orgs.Organization",
        verbose_name=_("法律援助机构"),
        on_delete=models.PROTECT,
        related_name="legal_aid_cases",
    )
    # who applied for whom (art. 40) and where the request came from (art. 39)
    applicant_relation = models.CharField(_("代为申请人与受援人关系"), max_length=32, blank=True)
    detention_place = models.CharField(_("羁押/监管场所"), max_length=128, blank=True)
    detention_submitted_at = models.DateTimeField(_("在押人员提出申请时间"), null=True, blank=True)
    authority = models.CharField(_("通知机关类别"), max_length=16, choices=Authority.choices, blank=True)
    authority_name = models.CharField(_("通知机关"), max_length=128, blank=True)
    notice_number = models.CharField(_("通知书文号"), max_length=64, blank=True)
    notified_at = models.DateTimeField(_("通知时间"), null=True, blank=True)
    case_cause = models.CharField(_("案由"), max_length=128, blank=True)
    # facts for the eligibility engine (the public contract's vocabulary)
    facts = models.JSONField(_("申请事实"), default=dict)
    eligibility = models.JSONField(_("资格审查结果"), default=dict, blank=True)
    # the clocks (each with its article, see clocks.py)
    received_at = models.DateTimeField(_("法律援助机构收到申请（通知）时间"), null=True, blank=True)
    decision_due = models.DateField(_("审查决定期限"), null=True, blank=True)
    # 第四十三条第二款: the applicant's time to supply materials is not counted; the days of the seven
    # already used when the one-time request went out are kept, the rest run from the day of supply
    decision_days_used = models.PositiveSmallIntegerField(
        _("告知补充材料前已用的审查日数"), null=True, blank=True
    )
    materials_requested = models.JSONField(_("一次性告知补充材料"), default=list, blank=True)
    materials_requested_at = models.DateTimeField(_("告知补充材料时间"), null=True, blank=True)
    materials_due = models.DateField(_("补充材料期限"), null=True, blank=True)
    materials_supplied_at = models.DateTimeField(_("补齐材料时间"), null=True, blank=True)
    decision = models.CharField(_("审查决定"), max_length=8, choices=Decision.choices, blank=True)
    decision_number = models.CharField(_("决定书编号"), max_length=32, blank=True)
    decision_reasons = models.TextField(_("决定理由"), blank=True)
    decided_at = models.DateTimeField(_("决定时间"), null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("决定人"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    assign_due = models.DateField(_("指派期限"), null=True, blank=True)
    assignee = models.ForeignKey(
        "orgs.Person",
        verbose_name=_("承办人员"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="legal_aid_cases",
    )
    preferred_person = models.ForeignKey(
        "orgs.Person",
        verbose_name=_("受援人选择的律师（点援）"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    chosen_by_applicant = models.BooleanField(_("受援人自选（点援）"), default=False)
    assigned_at = models.DateTimeField(_("指派时间"), null=True, blank=True)
    provisional = models.BooleanField(_("先行提供法律援助"), default=False)
    provisional_reason = models.CharField(_("先行提供理由"), max_length=255, blank=True)
    formalities_due = models.DateField(_("补办手续期限"), null=True, blank=True)
    simplified = models.BooleanField(_("简化程序（特殊群体）"), default=False)
    home_visit = models.BooleanField(_("上门服务"), default=False)
    accessibility_notes = models.CharField(_("无障碍服务说明（第四十五条）"), max_length=255, blank=True)
    terminated_at = models.DateTimeField(_("终止时间"), null=True, blank=True)
    termination_reason = models.CharField(_("终止理由"), max_length=8, blank=True)
    closed_at = models.DateTimeField(_("结案时间"), null=True, blank=True)
    closing_materials = models.JSONField(_("结案材料"), default=list, blank=True)
    closing_report = models.TextField(_("办理情况报告"), blank=True)
    quality_score = models.PositiveSmallIntegerField(_("质量评查得分"), null=True, blank=True)
    quality_note = models.TextField(_("评查意见"), blank=True)
    archived_at = models.DateTimeField(_("归档时间"), null=True, blank=True)
    # the one-time token of the online application form: a second submission of the same form (a
    # refresh, a double click) finds this case instead of filing another
    form_token = models.CharField(_("网上申请表单令牌"), max_length=64, blank=True, editable=False)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("法律援助案件")
        verbose_name_plural = _("法律援助案件")
        ordering = ["-id"]
        permissions = [
            ("review_application", _("初审法律援助申请")),
            ("decide_application", _("审查决定法律援助申请")),
            ("handle_case", _("承办法律援助案件")),
            ("configure_standards", _("设置经济困难标准和范围扩展")),
            ("decide_objection", _("审查法律援助异议")),
        ]
        indexes = [models.Index(fields=["stage", "centre"])]
        constraints = [
            models.UniqueConstraint(
                fields=["form_token"], condition=~models.Q(form_token=""), name="legal_aid_form_token_once"
            )
        ]

    def __str__(self) -> str:
        return self.number


class ProgressReport(models.Model):
    """法律援助法第四十六条: the aid worker reports how the matter is going."""

    case = models.ForeignKey(LegalAidCase, on_delete=models.CASCADE, related_name="reports")
    at = models.DateTimeField(_("时间"), auto_now_add=True)
    author = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("报告人"), on_delete=models.PROTECT)
    content = models.TextField(_("办理进展"))
    # addressed to the recipient (第四十六条第二款): shown on the citizen's tracking page
    notified_recipient = models.BooleanField(_("向受援人通报（查询页可见）"), default=True)
    # the firm's manager reporting for the assigned lawyer says why (the lawyer reports in person)
    on_behalf_reason = models.TextField(_("代为报告的理由"), blank=True)

    class Meta:
        verbose_name = _("办理情况通报")
        verbose_name_plural = _("办理情况通报")
        ordering = ["at"]

    def __str__(self) -> str:
        return f"{self.case_id} {self.at:%Y-%m-%d}"


class ObjectionOutcome(models.TextChoices):
    UPHELD = "upheld", _("维持法律援助机构决定")
    CORRECTED = "corrected", _("责令法律援助机构改正")


class Objection(models.Model):
    """法律援助法第四十九条: an objection to refusal or termination, decided by the judicial
    administration within five days."""

    case = models.ForeignKey(LegalAidCase, on_delete=models.CASCADE, related_name="objections")
    against = models.CharField(_("异议对象"), max_length=16)  # "refusal" | "termination"
    filed_at = models.DateTimeField(_("提出时间"))
    grounds = models.TextField(_("异议理由"))
    due = models.DateField(_("审查期限"))
    decided_at = models.DateTimeField(_("决定时间"), null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("决定人"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    outcome = models.CharField(_("审查结果"), max_length=16, choices=ObjectionOutcome.choices, blank=True)
    reasons = models.TextField(_("审查意见"), blank=True)

    class Meta:
        verbose_name = _("法律援助异议")
        verbose_name_plural = _("法律援助异议")
        ordering = ["-filed_at"]

    def __str__(self) -> str:
        return f"{self.case_id} {self.against}"
