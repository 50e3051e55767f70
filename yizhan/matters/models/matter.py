"""The service matter (法律服务事项): one record for every request from any channel."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from yizhan.matters.states import OPEN_STATES, MatterState


class Channel(models.TextChoices):
    WINDOW = "window", _("窗口")
    HOTLINE = "hotline", _("热线")
    WEBSITE = "website", _("网站")
    APP = "app", _("应用/小程序")
    WECHAT_GROUP = "wechat_group", _("微信群")
    KIOSK = "kiosk", _("一体机/视频")
    HOME_VISIT = "home_visit", _("上门")
    LETTER = "letter", _("来函")


class Outcome(models.TextChoices):
    RESOLVED = "resolved", _("问题已解决")
    ADVICE_GIVEN = "advice_given", _("已提供法律意见")
    MEDIATED = "mediated", _("调解成功")
    MEDIATION_FAILED = "mediation_failed", _("调解不成")
    AID_GRANTED = "aid_granted", _("给予法律援助")
    AID_REFUSED = "aid_refused", _("不予法律援助")
    AID_TERMINATED = "aid_terminated", _("终止法律援助")
    NOTARIZED = "notarized", _("已出具公证书")
    APPRAISED = "appraised", _("已出具鉴定意见")
    REFERRED = "referred", _("已引导通过其他途径解决")
    OTHER = "other", _("其他")


class Satisfaction(models.TextChoices):
    VERY_SATISFIED = "very_satisfied", _("非常满意")
    SATISFIED = "satisfied", _("满意")
    BASICALLY_SATISFIED = "basically_satisfied", _("基本满意")
    DISSATISFIED = "dissatisfied", _("不满意")


class FeedbackMethod(models.TextChoices):
    PHONE = "phone", _("电话")
    SMS = "sms", _("短信")
    IN_PERSON = "in_person", _("当面")
    ONLINE = "online", _("网上")
    LETTER = "letter", _("书面")


class CreatedVia(models.TextChoices):
    UI = "ui", _("工作台")
    API = "api", _("接口")
    DEMO = "demo", _("演示数据")
    IMPORT = "import", _("导入")


class MatterQuerySet(models.QuerySet["Matter"]):
    def open(self) -> MatterQuerySet:
        return self.filter(state__in=OPEN_STATES)


class Matter(models.Model):
    number = models.CharField(_("受理编号"), max_length=24, unique=True)
    query_code = models.CharField(_("查询码"), max_length=12, unique=True)
    channel = models.CharField(_("渠道"), max_length=16, choices=Channel.choices, db_index=True)
    receiving_org = models.ForeignKey(
        "orgs.Organization",
        verbose_name=_("受理单位"),
        on_delete=models.PROTECT,
        related_name="received_matters",
    )
    region = models.ForeignKey(
        "orgs.Region", verbose_name=_("所属区划"), on_delete=models.PROTECT, related_name="+"
    )
    first_responsible = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("首问责任人"),
        on_delete=models.PROTECT,
        related_name="first_responsible_for",
    )
    registered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("登记人"),
        null=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    registered_at = models.DateTimeField(_("登记时间"), db_index=True)
    domain = models.ForeignKey("matters.LegalDomain", verbose_name=_("法律领域"), on_delete=models.PROTECT)
    service_type = models.ForeignKey(
        "matters.ServiceType", verbose_name=_("服务类型"), on_delete=models.PROTECT
    )
    title = models.CharField(_("事项摘要"), max_length=100)
    facts = models.TextField(_("基本情况"), blank=True)
    risk_escalation = models.BooleanField(_("易激化"), default=False)
    risk_group = models.BooleanField(_("群体性"), default=False)
    risk_stability = models.BooleanField(_("涉稳"), default=False)
    urgent = models.BooleanField(_("紧急"), default=False)
    by_proxy = models.BooleanField(_("代办"), default=False, help_text=_("最多跑一次：由工作人员代为办理"))
    home_service = models.BooleanField(_("上门服务"), default=False)
    appointment_at = models.DateTimeField(_("预约时间"), null=True, blank=True)
    appointment_with = models.ForeignKey(
        "orgs.Person",
        verbose_name=_("预约人员"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    # lifecycle — changed only by services.transition
    state = models.CharField(
        _("状态"), max_length=16, choices=MatterState.choices, default=MatterState.REGISTERED
    )
    # whose turn (kept apart from the lifecycle)
    current_org = models.ForeignKey(
        "orgs.Organization",
        verbose_name=_("当前承办单位"),
        on_delete=models.PROTECT,
        related_name="current_matters",
    )
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("承办人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    due_date = models.DateField(_("办结期限"), null=True, blank=True, db_index=True)
    due_provisional = models.BooleanField(_("期限待节假日安排确认"), default=False)
    overdue = models.BooleanField(_("已超期"), default=False)
    escalated_at = models.DateTimeField(_("督办时间"), null=True, blank=True)

    # results
    answer = models.TextField(_("答复内容"), blank=True)
    outcome = models.CharField(_("办理结果类别"), max_length=24, choices=Outcome.choices, blank=True)
    result = models.TextField(_("办理结果"), blank=True)
    concluded_at = models.DateTimeField(_("办结时间"), null=True, blank=True)
    referral_org = models.ForeignKey(
        "orgs.Organization",
        verbose_name=_("引导至"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    feedback_method = models.CharField(
        _("反馈方式"), max_length=16, choices=FeedbackMethod.choices, blank=True
    )
    feedback = models.TextField(_("反馈内容"), blank=True)
    fed_back_at = models.DateTimeField(_("反馈时间"), null=True, blank=True)
    satisfaction = models.CharField(_("满意度"), max_length=24, choices=Satisfaction.choices, blank=True)
    advice_adopted = models.BooleanField(_("意见是否采纳"), null=True, blank=True)
    follow_up_comment = models.TextField(_("回访意见"), blank=True)
    followed_up_at = models.DateTimeField(_("回访时间"), null=True, blank=True)
    followed_up_by_citizen = models.BooleanField(_("群众自评"), default=False)
    closed_at = models.DateTimeField(_("结束时间"), null=True, blank=True)

    created_via = models.CharField(
        max_length=8, choices=CreatedVia.choices, default=CreatedVia.UI, editable=False
    )
    updated_at = models.DateTimeField(auto_now=True)

    objects = MatterQuerySet.as_manager()

    class Meta:
        verbose_name = _("服务事项")
        verbose_name_plural = _("服务事项")
        ordering = ["-registered_at", "-id"]
        permissions = [
            ("register_matter", _("登记服务事项")),
            ("transfer_matter", _("分流服务事项")),
            ("handle_matter", _("承办服务事项")),
            ("feed_back_matter", _("反馈办理结果")),
            ("follow_up_matter", _("回访")),
            ("reveal_personal_data", _("查看完整个人信息")),
            ("supervise_matters", _("督办")),
            ("hand_over_matter", _("首问责任交接")),
            ("manage_time_limits", _("设置办结时限")),
        ]
        indexes = [
            models.Index(fields=["state", "current_org"]),
            models.Index(fields=["receiving_org", "registered_at"]),
            models.Index(fields=["region", "registered_at"]),
            models.Index(fields=["service_type", "registered_at"]),
        ]

    def __str__(self) -> str:
        return f"{self.number} {self.title}"

    @property
    def is_open(self) -> bool:
        return self.state in OPEN_STATES

    @property
    def primary_requester(self) -> Requester | None:
        cached = getattr(self, "_prefetched_objects_cache", {}).get("requesters")
        if cached is not None:
            return next((r for r in cached if r.is_primary), cached[0] if cached else None)
        return self.requesters.order_by("-is_primary", "id").first()


class Gender(models.TextChoices):
    MALE = "male", _("男")
    FEMALE = "female", _("女")
    UNKNOWN = "unknown", _("未说明")


class SpecialGroup(models.TextChoices):
    ELDERLY = "elderly", _("老年人")
    DISABLED = "disabled", _("残疾人")
    MINOR = "minor", _("未成年人")
    PREGNANT = "pregnant", _("孕妇")
    MIGRANT_WORKER = "migrant_worker", _("农民工")
    SUBSISTENCE = "subsistence", _("低保/特困人员")
    LEFT_BEHIND = "left_behind", _("留守人员")
    MILITARY_FAMILY = "military_family", _("军人军属")
    VETERAN = "veteran", _("退役军人")
    LOW_INCOME = "low_income", _("低收入/脱贫人口")
    WOMEN_CHILDREN = "women_children", _("妇女儿童权益")


class PartyRole(models.TextChoices):
    REQUESTER = "requester", _("申请人/来访人")
    OTHER_PARTY = "other_party", _("对方当事人")
    AGENT = "agent", _("代理人/代办人")


class Requester(models.Model):
    """A person named in a matter. ID number, phone and address are stored encrypted, with a keyed
    blind index for exact lookup and a mask for lists (see yizhan.lib.pii)."""

    matter = models.ForeignKey(Matter, on_delete=models.CASCADE, related_name="requesters")
    role = models.CharField(_("身份"), max_length=16, choices=PartyRole.choices, default=PartyRole.REQUESTER)
    is_primary = models.BooleanField(_("主申请人"), default=False)
    name = models.CharField(_("姓名"), max_length=64)
    gender = models.CharField(_("性别"), max_length=8, choices=Gender.choices, default=Gender.UNKNOWN)
    age = models.PositiveSmallIntegerField(_("年龄"), null=True, blank=True)
    id_number_encrypted = models.TextField(null=True, blank=True, editable=False)
    id_number_index = models.CharField(max_length=32, null=True, blank=True, db_index=True, editable=False)
    id_number_mask = models.CharField(_("身份证号"), max_length=24, blank=True, editable=False)
    phone_encrypted = models.TextField(null=True, blank=True, editable=False)
    phone_index = models.CharField(max_length=32, null=True, blank=True, db_index=True, editable=False)
    phone_mask = models.CharField(_("联系电话"), max_length=24, blank=True, editable=False)
    address_encrypted = models.TextField(null=True, blank=True, editable=False)
    address_mask = models.CharField(_("住址"), max_length=64, blank=True, editable=False)

    class Meta:
        verbose_name = _("当事人")
        verbose_name_plural = _("当事人")
        ordering = ["-is_primary", "id"]

    def __str__(self) -> str:
        return self.name

    @property
    def group_codes(self) -> list[str]:
        return [row.group for row in self.group_rows.all()]

    @property
    def group_labels(self) -> list[str]:
        labels = dict(SpecialGroup.choices)
        return [str(labels.get(code, code)) for code in self.group_codes]


class RequesterGroup(models.Model):
    """特殊群体: one row per (requester, group), so statistics count by group with plain SQL."""

    requester = models.ForeignKey(Requester, on_delete=models.CASCADE, related_name="group_rows")
    matter = models.ForeignKey(Matter, on_delete=models.CASCADE, related_name="+")
    group = models.CharField(max_length=24, choices=SpecialGroup.choices, db_index=True)

    class Meta:
        verbose_name = _("特殊群体标记")
        verbose_name_plural = _("特殊群体标记")
        constraints = [models.UniqueConstraint(fields=["requester", "group"], name="requester_group_unique")]

    def __str__(self) -> str:
        return self.group
