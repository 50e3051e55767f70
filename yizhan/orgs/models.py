"""Organisations (SPEC §2): regions, units (service points, institutions, administrations, external
departments), their windows, the people who serve, village legal-adviser contracts and duty rosters.

One ``Organization`` table holds every kind of unit: jurisdiction ("own unit and below") and transfer
targets are then one tree and one foreign key. See docs/decisions/0002-one-organization-table.md.
"""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.db import models
from django.utils.translation import gettext_lazy as _


class RegionLevel(models.TextChoices):
    PROVINCE = "province", _("省（自治区、直辖市）")
    CITY = "city", _("市（州、盟）")
    COUNTY = "county", _("区（县）")
    TOWNSHIP = "township", _("乡镇（街道）")
    VILLAGE = "village", _("村（社区）")
    GRID = "grid", _("网格")


class Region(models.Model):
    """An administrative division, keyed by its national division code (统计用区划代码)."""

    code = models.CharField(
        _("区划代码"),
        max_length=12,
        primary_key=True,
        validators=[RegexValidator(r"^\d{6}(\d{3}|\d{6})?$", _("区划代码应为6位、9位或12位数字。"))],
    )
    name = models.CharField(_("名称"), max_length=64)
    level = models.CharField(_("层级"), max_length=16, choices=RegionLevel.choices)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("上级区划"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
    )

    class Meta:
        verbose_name = _("行政区划")
        verbose_name_plural = _("行政区划")
        ordering = ["code"]

    def __str__(self) -> str:
        return self.name

    def ancestors(self) -> list[Region]:
        """This region and its parents, nearest first."""
        chain: list[Region] = []
        node: Region | None = self
        while node is not None:
            chain.append(node)
            node = node.parent
        return chain


class OrgCategory(models.TextChoices):
    ADMINISTRATION = "administration", _("司法行政机关")
    SERVICE_POINT = "service_point", _("公共法律服务平台")
    INSTITUTION = "institution", _("法律服务机构")
    EXTERNAL = "external", _("外部门")


class OrgKind(models.TextChoices):
    # administrations
    PROVINCE_DEPARTMENT = "province_department", _("省司法厅")
    CITY_BUREAU = "city_bureau", _("市司法局")
    DISTRICT_BUREAU = "district_bureau", _("区（县）司法局")
    JUDICIAL_OFFICE = "judicial_office", _("司法所")
    # service points
    CENTER = "center", _("公共法律服务中心")
    SPECIAL_CENTER = "special_center", _("专项公共法律服务中心")
    STATION = "station", _("公共法律服务站")
    ROOM = "room", _("公共法律服务室")
    REMOTE_STATION = "remote_station", _("异地公共法律服务工作站")
    INDUSTRY_STATION = "industry_station", _("行业公共法律服务工作站")
    LEGAL_CLINIC = "legal_clinic", _("法律门诊")
    HOTLINE = "hotline", _("12348公共法律服务热线")
    # institutions
    LEGAL_AID_CENTER = "legal_aid_center", _("法律援助中心")
    LAW_FIRM = "law_firm", _("律师事务所")
    NOTARY_OFFICE = "notary_office", _("公证处")
    APPRAISAL_INSTITUTION = "appraisal_institution", _("司法鉴定机构")
    MEDIATION_COMMITTEE = "mediation_committee", _("人民调解委员会")
    GRASSROOTS_LEGAL_OFFICE = "grassroots_legal_office", _("基层法律服务所")
    ARBITRATION_COMMISSION = "arbitration_commission", _("仲裁委员会")
    # referral targets outside the judicial administration
    EXTERNAL_DEPARTMENT = "external_department", _("外部门")


KIND_CATEGORY: dict[str, str] = {
    OrgKind.PROVINCE_DEPARTMENT: OrgCategory.ADMINISTRATION,
    OrgKind.CITY_BUREAU: OrgCategory.ADMINISTRATION,
    OrgKind.DISTRICT_BUREAU: OrgCategory.ADMINISTRATION,
    OrgKind.JUDICIAL_OFFICE: OrgCategory.ADMINISTRATION,
    OrgKind.CENTER: OrgCategory.SERVICE_POINT,
    OrgKind.SPECIAL_CENTER: OrgCategory.SERVICE_POINT,
    OrgKind.STATION: OrgCategory.SERVICE_POINT,
    OrgKind.ROOM: OrgCategory.SERVICE_POINT,
    OrgKind.REMOTE_STATION: OrgCategory.SERVICE_POINT,
    OrgKind.INDUSTRY_STATION: OrgCategory.SERVICE_POINT,
    OrgKind.LEGAL_CLINIC: OrgCategory.SERVICE_POINT,
    OrgKind.HOTLINE: OrgCategory.SERVICE_POINT,
    OrgKind.LEGAL_AID_CENTER: OrgCategory.INSTITUTION,
    OrgKind.LAW_FIRM: OrgCategory.INSTITUTION,
    OrgKind.NOTARY_OFFICE: OrgCategory.INSTITUTION,
    OrgKind.APPRAISAL_INSTITUTION: OrgCategory.INSTITUTION,
    OrgKind.MEDIATION_COMMITTEE: OrgCategory.INSTITUTION,
    OrgKind.GRASSROOTS_LEGAL_OFFICE: OrgCategory.INSTITUTION,
    OrgKind.ARBITRATION_COMMISSION: OrgCategory.INSTITUTION,
    OrgKind.EXTERNAL_DEPARTMENT: OrgCategory.EXTERNAL,
}


class MediationScope(models.TextChoices):
    VILLAGE = "village", _("村（居）调委会")
    TOWNSHIP = "township", _("乡镇（街道）调委会")
    INDUSTRY = "industry", _("行业性、专业性调委会")
    ENTERPRISE = "enterprise", _("企事业单位调委会")


class Organization(models.Model):
    """A unit: administration, service point, legal-service institution or external department."""

    name = models.CharField(_("名称"), max_length=128)
    short_name = models.CharField(_("简称"), max_length=64, blank=True)
    kind = models.CharField(_("类型"), max_length=32, choices=OrgKind.choices, db_index=True)
    category = models.CharField(
        _("类别"), max_length=16, choices=OrgCategory.choices, editable=False, db_index=True
    )
    parent = models.ForeignKey(
        "self",
        verbose_name=_("上级单位"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
        help_text=_("管理关系上的上级（决定管辖范围）。"),
    )
    path = models.CharField(max_length=255, editable=False, db_index=True)
    region = models.ForeignKey(
        Region, verbose_name=_("所在区划"), on_delete=models.PROTECT, related_name="orgs"
    )
    # the light-box A/B faces (灯箱) and the directory entry
    address = models.CharField(_("地址"), max_length=255, blank=True)
    latitude = models.DecimalField(_("纬度"), max_digits=9, decimal_places=6, null=True, blank=True)
    longitude = models.DecimalField(_("经度"), max_digits=9, decimal_places=6, null=True, blank=True)
    opening_hours = models.CharField(_("服务时间"), max_length=128, blank=True)
    phone = models.CharField(_("办公电话"), max_length=32, blank=True)
    appointment_phone = models.CharField(_("预约电话"), max_length=32, blank=True)
    supervision_phone = models.CharField(_("监督电话"), max_length=32, blank=True)
    hotline_number = models.CharField(
        _("热线号码"), max_length=16, blank=True, help_text=_("外部门或热线的服务号码，如12345、12315。")
    )
    services = models.TextField(_("服务内容"), blank=True)
    referral_guidance = models.TextField(
        _("办事指引"), blank=True, help_text=_("分流或引导到本单位时告知群众：需携带的材料、办理地点。")
    )
    star_rating = models.PositiveSmallIntegerField(
        _("星级"), null=True, blank=True, validators=[MinValueValidator(1), MaxValueValidator(5)]
    )
    mediation_scope = models.CharField(
        _("调委会类型"), max_length=16, choices=MediationScope.choices, blank=True
    )
    industry = models.CharField(
        _("行业领域"), max_length=32, blank=True, help_text=_("如：医患、交通、劳动、物业。")
    )
    is_public = models.BooleanField(_("在门户公开"), default=True)
    is_active = models.BooleanField(_("启用"), default=True)

    class Meta:
        verbose_name = _("单位")
        verbose_name_plural = _("单位")
        ordering = ["path"]
        permissions = [("manage_organizations", _("维护组织机构"))]
        indexes = [models.Index(fields=["kind", "region"])]

    def __str__(self) -> str:
        return self.name

    def save(self, *args: object, **kwargs: object) -> None:
        if self.parent_makes_a_loop():  # clean() tells the user; this guards every other path
            raise ValueError(f"unit {self.pk} cannot be placed under its own subtree ({self.parent_id})")
        self.category = KIND_CATEGORY[self.kind]
        creating = self.pk is None
        super().save(*args, **kwargs)  # type: ignore[arg-type]
        expected = self.compute_path()
        if self.path != expected:
            old = self.path
            Organization.objects.filter(pk=self.pk).update(path=expected)
            self.path = expected
            if not creating and old:
                self._move_subtree(old, expected)

    def clean(self) -> None:
        super().clean()
        if self.parent_makes_a_loop():
            raise ValidationError({"parent": _("上级单位不能是本单位或本单位的下级单位。")})

    def parent_makes_a_loop(self) -> bool:
        """Whether the chosen parent is this unit or one of its own units (the tree would loop)."""
        if self.pk is None or self.parent_id is None or not self.path:
            return False
        parent = Organization.objects.filter(pk=self.parent_id).values_list("path", flat=True).first()
        return self.parent_id == self.pk or (parent or "").startswith(self.path)

    def compute_path(self) -> str:
        own = f"{self.pk:07d}/"
        return (self.parent.path if self.parent_id and self.parent else "") + own

    @property
    def is_external(self) -> bool:
        return self.category == OrgCategory.EXTERNAL

    @property
    def is_service_point(self) -> bool:
        return self.category == OrgCategory.SERVICE_POINT

    def _move_subtree(self, old: str, new: str) -> None:
        for descendant in Organization.objects.filter(path__startswith=old).exclude(pk=self.pk):
            Organization.objects.filter(pk=descendant.pk).update(path=new + descendant.path[len(old) :])


class WindowKind(models.TextChoices):
    CONSULTATION = "consultation", _("法律咨询")
    LEGAL_AID = "legal_aid", _("法律援助")
    MEDIATION = "mediation", _("人民调解")
    PUBLICITY = "publicity", _("法治宣传")
    LOCAL = "local", _("特色窗口")


class ServiceWindow(models.Model):
    """A window of a service point: the "4" standard windows plus local "X" windows."""

    org = models.ForeignKey(
        Organization, verbose_name=_("服务平台"), on_delete=models.CASCADE, related_name="windows"
    )
    kind = models.CharField(_("窗口类型"), max_length=16, choices=WindowKind.choices)
    name = models.CharField(_("窗口名称"), max_length=64)
    number = models.PositiveSmallIntegerField(_("窗口号"), default=1)

    class Meta:
        verbose_name = _("服务窗口")
        verbose_name_plural = _("服务窗口")
        ordering = ["org", "number"]
        constraints = [models.UniqueConstraint(fields=["org", "number"], name="window_number_unique_per_org")]

    def __str__(self) -> str:
        return f"{self.number}号窗口 {self.name}"


class PersonRole(models.TextChoices):
    LAWYER = "lawyer", _("律师")
    NOTARY = "notary", _("公证员")
    MEDIATOR = "mediator", _("人民调解员")
    LEGAL_AID_WORKER = "legal_aid_worker", _("法律援助人员")
    GRASSROOTS_LEGAL_WORKER = "grassroots_legal_worker", _("基层法律服务工作者")
    APPRAISER = "appraiser", _("司法鉴定人")
    JUDICIAL_STAFF = "judicial_staff", _("司法所工作人员")
    VOLUNTEER = "volunteer", _("法律服务志愿者")
    LEGAL_LITERATE = "legal_literate", _("法律明白人")
    RULE_OF_LAW_DEPUTY = "rule_of_law_deputy", _("法治副主任")
    CLERK = "clerk", _("窗口工作人员")


class Person(models.Model):
    """A legal-service worker with a public profile; citizens may choose their own lawyer/volunteer."""

    name = models.CharField(_("姓名"), max_length=32)
    role = models.CharField(_("身份"), max_length=32, choices=PersonRole.choices, db_index=True)
    org = models.ForeignKey(
        Organization, verbose_name=_("所在单位"), on_delete=models.PROTECT, related_name="people"
    )
    title = models.CharField(_("职务/等级"), max_length=64, blank=True)
    license_number = models.CharField(_("执业证号"), max_length=32, blank=True)
    practice_since = models.DateField(_("执业起始日期"), null=True, blank=True)
    criminal_practice_years = models.PositiveSmallIntegerField(
        _("刑事辩护执业年限"),
        default=0,
        help_text=_("法律援助法第二十六条：无期徒刑、死刑案件须三年以上相关执业经历。"),
    )
    specialties = models.ManyToManyField("matters.LegalDomain", verbose_name=_("业务专长"), blank=True)
    service_regions = models.ManyToManyField(
        Region, verbose_name=_("服务区域"), blank=True, related_name="servants"
    )
    public_phone = models.CharField(_("公开联系电话"), max_length=32, blank=True)
    bio = models.TextField(_("简介"), blank=True)
    is_public = models.BooleanField(_("公开简介"), default=True)
    accepts_citizen_choice = models.BooleanField(_("接受群众自选"), default=True)
    is_active = models.BooleanField(_("在岗"), default=True)
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("系统账号"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="person",
    )

    class Meta:
        verbose_name = _("法律服务人员")
        verbose_name_plural = _("法律服务人员")
        ordering = ["org", "name"]

    def __str__(self) -> str:
        return f"{self.name}（{self.get_role_display()}）"


class AdviserContract(models.Model):
    """一村(居)一法律顾问: a lawyer contracted as legal adviser of a village or community."""

    person = models.ForeignKey(
        Person, verbose_name=_("法律顾问"), on_delete=models.PROTECT, related_name="contracts"
    )
    village = models.ForeignKey(
        Region, verbose_name=_("村（社区）"), on_delete=models.PROTECT, related_name="advisers"
    )
    contract_number = models.CharField(_("合同编号"), max_length=32, blank=True)
    start_date = models.DateField(_("合同开始日期"))
    end_date = models.DateField(_("合同结束日期"))

    class Meta:
        verbose_name = _("村（居）法律顾问合同")
        verbose_name_plural = _("村（居）法律顾问合同")
        ordering = ["village", "-start_date"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(end_date__gte=models.F("start_date")),
                name="adviser_contract_dates_ordered",
            )
        ]

    def __str__(self) -> str:
        return f"{self.village} — {self.person.name}"


class DutyKind(models.TextChoices):
    WINDOW = "window", _("窗口值班")
    HOTLINE = "hotline", _("热线坐席")
    LEADER_AT_WINDOW = "leader_at_window", _("局长驻窗口")


class DutyShift(models.Model):
    """One entry of a duty roster: a person at a window or hotline seat for a time span."""

    org = models.ForeignKey(
        Organization, verbose_name=_("单位"), on_delete=models.CASCADE, related_name="shifts"
    )
    kind = models.CharField(_("值班类型"), max_length=20, choices=DutyKind.choices, default=DutyKind.WINDOW)
    window = models.ForeignKey(
        ServiceWindow,
        verbose_name=_("窗口"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="shifts",
    )
    seat = models.CharField(_("坐席号"), max_length=16, blank=True)
    person = models.ForeignKey(
        Person, verbose_name=_("值班人员"), on_delete=models.PROTECT, related_name="shifts"
    )
    starts_at = models.DateTimeField(_("开始时间"))
    ends_at = models.DateTimeField(_("结束时间"))
    note = models.CharField(_("备注"), max_length=128, blank=True)

    class Meta:
        verbose_name = _("值班安排")
        verbose_name_plural = _("值班安排")
        ordering = ["starts_at"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(ends_at__gt=models.F("starts_at")), name="shift_ends_after_start"
            )
        ]

    def __str__(self) -> str:
        return f"{self.person.name} {self.starts_at:%Y-%m-%d %H:%M}"
