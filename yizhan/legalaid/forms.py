"""Forms of the legal-aid pages. The facts use the vocabulary of the public eligibility contract
(SPEC §5); the eligibility engine, not the form, decides what they mean."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from yizhan.core.forms import DATE_INPUT, DATETIME_INPUT
from yizhan.core.http.fields import validate_year_range
from yizhan.legalaid import selectors
from yizhan.legalaid.models import Authority, Source
from yizhan.legalaid.states import CLOSING_MATERIALS, PROVISIONAL_REASONS, TERMINATION_REASONS
from yizhan.matters.forms import RegistrationForm
from yizhan.matters.models import ServiceType
from yizhan.matters.services import RegistrationData
from yizhan.orgs.models import Organization, OrgKind, Person


def legal_aid_type() -> ServiceType:
    return ServiceType.objects.get(code="legal_aid")


PROCEEDINGS = [
    ("civil", _("民事")),
    ("criminal", _("刑事")),
    ("administrative", _("行政")),
    ("state_compensation", _("国家赔偿")),
    ("non_litigation", _("非诉讼事项")),
]
ROLES = [
    ("applicant", _("申请人（民事、行政等）")),
    ("suspect_or_defendant", _("犯罪嫌疑人、被告人")),
    ("victim", _("被害人")),
    ("private_prosecutor", _("自诉人")),
    ("incidental_civil_plaintiff", _("附带民事诉讼原告人")),
    ("compulsory_medical_respondent", _("强制医疗案件被申请人、被告人")),
]
#: 第三十一条: one choice per claim (item 5 names two, item 7 four accidents: 第四十二条第三项 exempts
#: migrant workers only for pay and work injuries)
CLAIMS = [
    ("wages", _("请求支付劳动报酬（讨薪）")),
    ("labor_relation", _("请求确认劳动关系")),
    ("support_payment", _("请求给付赡养费、抚养费、扶养费")),
    ("work_injury_compensation", _("请求工伤事故人身损害赔偿")),
    ("traffic_accident_compensation", _("请求交通事故人身损害赔偿")),
    ("food_drug_safety_compensation", _("请求食品药品安全事故人身损害赔偿")),
    ("medical_accident_compensation", _("请求医疗事故人身损害赔偿")),
    ("social_insurance_or_assistance", _("请求给予社会保险待遇或者社会救助")),
    ("pension", _("请求发给抚恤金")),
    ("state_compensation", _("依法请求国家赔偿")),
    ("capacity_declaration", _("请求认定公民无民事行为能力或者限制民事行为能力")),
    ("environmental_damage", _("请求环境污染、生态破坏损害赔偿")),
    ("other", _("其他事项")),
]
CIRCUMSTANCES = [
    ("martyr_relative_personality_rights", _("英雄烈士近亲属为维护英雄烈士的人格权益")),
    ("good_samaritan", _("因见义勇为行为主张相关民事权益")),
    ("acquitted_on_retrial_compensation", _("再审改判无罪请求国家赔偿")),
    ("abuse_abandonment_or_domestic_violence_victim", _("遭受虐待、遗弃或者家庭暴力的受害人主张相关权益")),
]
PERSON = [
    ("minor", _("未成年人")),
    ("visual_hearing_speech_disability", _("视力、听力、言语残疾人")),
    ("cannot_fully_recognize_conduct", _("不能完全辨认自己行为的成年人")),
    ("may_face_life_or_death_sentence", _("可能被判处无期徒刑、死刑的人")),
    ("death_penalty_review", _("申请法律援助的死刑复核案件被告人")),
    ("tried_in_absentia", _("缺席审判案件的被告人")),
]
GROUPS = [
    ("migrant_worker", _("进城务工人员（请求支付劳动报酬或者工伤事故赔偿时免予核查）")),
    ("elderly_no_fixed_income", _("无固定生活来源的老年人")),
    ("disabled_no_fixed_income", _("无固定生活来源的残疾人")),
    ("minor_no_fixed_income", _("无固定生活来源的未成年人")),
    ("social_assistance", _("社会救助对象（低保、特困等）")),
    ("judicial_assistance", _("司法救助对象")),
    ("preferential_treatment", _("优抚对象")),
]
HARDSHIP = [("", _("未说明（按收入测算）")), ("yes", _("经济困难")), ("no", _("不困难"))]


class FactsForm(forms.Form):
    """The facts the Legal Aid Law looks at."""

    proceeding = forms.ChoiceField(label=_("事项类别"), choices=PROCEEDINGS, initial="civil")
    role = forms.ChoiceField(label=_("申请人身份"), choices=ROLES, initial="applicant")
    claim = forms.ChoiceField(label=_("申请事项"), choices=CLAIMS, initial="other")
    claim_detail = forms.CharField(
        label=_("地方扩展事项代码"),
        required=False,
        max_length=64,
        help_text=_("本地区规定的其他法律援助事项。"),
    )
    retrial = forms.BooleanField(label=_("申请再审/申诉"), required=False)
    has_counsel = forms.BooleanField(label=_("已委托辩护人或代理人"), required=False)
    circumstances = forms.MultipleChoiceField(
        label=_("特别情形（不受经济困难条件限制）"),
        choices=CIRCUMSTANCES,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    person = forms.MultipleChoiceField(
        label=_("当事人情形（刑事）"), choices=PERSON, required=False, widget=forms.CheckboxSelectMultiple
    )
    aid_groups = forms.MultipleChoiceField(
        label=_("免予核查经济困难状况的人员"),
        choices=GROUPS,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    economic_hardship = forms.ChoiceField(label=_("经济困难状况"), choices=HARDSHIP, required=False)
    household_size = forms.IntegerField(label=_("家庭人口"), required=False, min_value=1, max_value=50)
    household_monthly_income = forms.DecimalField(
        label=_("家庭月收入（元）"), required=False, min_value=0, max_digits=12, decimal_places=2
    )

    def legal_aid_facts(self) -> dict[str, Any]:
        """The facts in the vocabulary of the eligibility engine (``facts`` is the matter's story)."""
        data = self.cleaned_data
        facts: dict[str, Any] = {
            "proceeding": data["proceeding"],
            "role": data["role"],
            "claim": data["claim"],
            "retrial": bool(data.get("retrial")),
            "has_counsel": bool(data.get("has_counsel")),
            "circumstances": list(data.get("circumstances") or []),
            "person": list(data.get("person") or []),
            "groups": list(data.get("aid_groups") or []),
            "economic_hardship": {"yes": True, "no": False}.get(data.get("economic_hardship") or ""),
            "household_size": data.get("household_size"),
            "household_monthly_income": float(data["household_monthly_income"])
            if data.get("household_monthly_income") is not None
            else None,
        }
        if data.get("claim_detail"):
            facts["claim_detail"] = data["claim_detail"]
        return facts


#: facts a link may carry into the self-check or the online application (?claim=wages&groups=…)
PREFILL_CHOICES = {"proceeding": "proceeding", "role": "role", "claim": "claim"}
PREFILL_LISTS = {"groups": "aid_groups", "circumstances": "circumstances", "person": "person"}


def facts_initial(facts: Mapping[str, Any]) -> dict[str, Any]:
    """A ``FactsForm``'s initial values for facts in the contract's words; unknown codes are dropped
    (a link or a matter never puts a value the form cannot show)."""
    fields = FactsForm.base_fields
    initial: dict[str, Any] = {}
    for key, name in PREFILL_CHOICES.items():
        value = facts.get(key)
        if isinstance(value, str) and value in dict(fields[name].choices):  # type: ignore[attr-defined]
            initial[name] = value
    for key, name in PREFILL_LISTS.items():
        allowed = dict(fields[name].choices)  # type: ignore[attr-defined]
        values = facts.get(key) or []
        chosen = [v for v in values if isinstance(v, str) and v in allowed]
        if chosen:
            initial[name] = chosen
    return initial


def query_facts(query: Any) -> dict[str, Any]:
    """The facts a link carries in its query string (``QueryDict``), in the contract's words."""
    facts: dict[str, Any] = {key: query.get(key) for key in PREFILL_CHOICES if query.get(key)}
    facts.update({key: query.getlist(key) for key in PREFILL_LISTS if query.getlist(key)})
    return facts


class SelfCheckForm(FactsForm):
    """The citizen's self-check: the facts plus where they live, so the local hardship standard
    applies to the income they give (第三十四条)."""

    region = forms.ChoiceField(
        label=_("您所在的县（区）或乡镇（街道）"),
        help_text=_("用于选取当地的经济困难标准。"),
        required=False,
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        regions = list(selectors.regions_for_self_check())
        field = self.fields["region"]
        field.choices = [("", _("请选择"))] + [(r.code, r.name) for r in regions]  # type: ignore[attr-defined]
        counties = [r for r in regions if r.level == "county"]
        if len(counties) == 1 and not self.is_bound:
            field.initial = counties[0].code

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        income = data.get("household_monthly_income")
        if income is not None and not data.get("region") and not data.get("economic_hardship"):
            self.add_error("region", _("填写了家庭月收入的，请选择所在地区，以便按当地标准测算。"))
        return data

    def legal_aid_facts(self) -> dict[str, Any]:
        facts = super().legal_aid_facts()
        if self.cleaned_data.get("region"):
            facts["region"] = self.cleaned_data["region"]
        return facts


class ApplicationForm(RegistrationForm, FactsForm):
    """Window application: who applies, the matter, the facts, how it arrived."""

    source = forms.ChoiceField(
        label=_("申请途径"),
        choices=[(v, label) for v, label in Source.choices if v not in (Source.NOTIFICATION, Source.ONLINE)],
        initial=Source.WINDOW,
    )
    applicant_relation = forms.CharField(label=_("代为申请人与受援人关系"), required=False, max_length=32)
    detention_place = forms.CharField(label=_("羁押/监管场所"), required=False, max_length=128)
    detention_submitted_at = forms.DateTimeField(
        label=_("在押人员提出申请时间"),
        required=False,
        widget=DATETIME_INPUT,
        validators=[validate_year_range],
    )
    case_cause = forms.CharField(label=_("案由"), required=False, max_length=128)
    simplified = forms.BooleanField(label=_("简化程序（特殊群体，应援尽援）"), required=False)
    accessibility_notes = forms.CharField(
        label=_("无障碍服务需求（第四十五条）"), required=False, max_length=255
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields.pop("service_type")
        self.fields["title"].initial = _("法律援助申请")

    def to_data(self) -> RegistrationData:
        self.cleaned_data["service_type"] = legal_aid_type()
        return super().to_data()


class NotificationForm(RegistrationForm, FactsForm):
    """A notice to assign a defender (第二十五、二十八、三十六条)."""

    authority = forms.ChoiceField(label=_("通知机关类别"), choices=Authority.choices)
    authority_name = forms.CharField(label=_("通知机关"), max_length=128)
    notice_number = forms.CharField(label=_("通知书文号"), max_length=64)
    notified_at = forms.DateTimeField(
        label=_("通知时间"), widget=DATETIME_INPUT, validators=[validate_year_range]
    )
    received_at = forms.DateTimeField(
        label=_("收到通知时间"),
        required=False,
        widget=DATETIME_INPUT,
        validators=[validate_year_range],
        help_text=_("第三十六条：收到通知后三日内指派；留空为现在。"),
    )
    case_cause = forms.CharField(label=_("案由"), required=False, max_length=128)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields.pop("service_type")
        self.fields["proceeding"].initial = "criminal"
        self.fields["role"].initial = "suspect_or_defendant"
        self.fields["channel"].initial = "letter"
        self.fields["title"].initial = _("通知辩护")

    def to_data(self) -> RegistrationData:
        self.cleaned_data["service_type"] = legal_aid_type()
        return super().to_data()


# --- steps ------------------------------------------------------------------------------------------


class StepForm(forms.Form):
    note = forms.CharField(label=_("说明"), required=False, widget=forms.Textarea(attrs={"rows": 3}))

    def payload(self) -> dict[str, Any]:
        return {}


class MaterialsForm(StepForm):
    items = forms.CharField(
        label=_("需要补充的材料（一次性告知，每行一项）"), widget=forms.Textarea(attrs={"rows": 4})
    )
    due = forms.DateField(
        label=_("补充期限"),
        required=False,
        widget=DATE_INPUT,
        help_text=_("留空为十五日。"),
        validators=[validate_year_range],
    )

    def payload(self) -> dict[str, Any]:
        return {"items": self.cleaned_data["items"].splitlines(), "due": self.cleaned_data.get("due")}


class ProvisionalForm(StepForm):
    reason = forms.ChoiceField(label=_("先行提供的情形（第四十四条）"), choices=PROVISIONAL_REASONS)
    formalities_due = forms.DateField(
        label=_("补办手续期限"), required=False, widget=DATE_INPUT, validators=[validate_year_range]
    )

    def payload(self) -> dict[str, Any]:
        return {
            "reason": self.cleaned_data["reason"],
            "formalities_due": self.cleaned_data.get("formalities_due"),
        }


class AssigneeField(forms.ModelChoiceField):
    """Who may be assigned, with their firm and years of defence practice (第二十六条)."""

    def label_from_instance(self, obj: Person) -> str:
        return f"{obj.name}（{obj.org.name}，刑辩{obj.criminal_practice_years}年）"


class RosterField(forms.ModelChoiceField):
    """The published roster (点援制): name and firm only."""

    def label_from_instance(self, obj: Person) -> str:
        return f"{obj.name}（{obj.org.name}）"


class AssignForm(StepForm):
    person = AssigneeField(label=_("承办人员"), queryset=selectors.assignable_people())
    chosen_by_applicant = forms.BooleanField(label=_("受援人从名册中自选（点援）"), required=False)

    def payload(self) -> dict[str, Any]:
        return {
            "person": self.cleaned_data["person"],
            "chosen_by_applicant": self.cleaned_data["chosen_by_applicant"],
        }


ON_BEHALF_LABEL = _("代承办律师办理的理由")
ON_BEHALF_HELP = _(
    "承办律师本人办理时不填；律师事务所负责人或法律援助机构代为办理的，须写明理由，记入办理过程。"
)


class CloseForm(StepForm):
    materials = forms.MultipleChoiceField(
        label=_("提交的结案材料（第五十条）"), choices=CLOSING_MATERIALS, widget=forms.CheckboxSelectMultiple
    )
    on_behalf_reason = forms.CharField(
        label=ON_BEHALF_LABEL, required=False, max_length=500, help_text=ON_BEHALF_HELP
    )

    def payload(self) -> dict[str, Any]:
        return {
            "materials": list(self.cleaned_data["materials"]),
            "on_behalf_reason": self.cleaned_data.get("on_behalf_reason") or "",
        }


class TerminateForm(StepForm):
    reason = forms.ChoiceField(label=_("终止理由（第四十八条）"), choices=TERMINATION_REASONS)

    def payload(self) -> dict[str, Any]:
        return {"reason": self.cleaned_data["reason"]}


class ArchiveForm(StepForm):
    quality_score = forms.IntegerField(label=_("质量评查得分"), required=False, min_value=0, max_value=100)

    def payload(self) -> dict[str, Any]:
        return {"quality_score": self.cleaned_data.get("quality_score")}


STEP_FORMS: dict[str, type[StepForm]] = {
    "request_materials": MaterialsForm,
    "provide_provisionally": ProvisionalForm,
    "assign": AssignForm,
    "close": CloseForm,
    "terminate": TerminateForm,
    "archive": ArchiveForm,
}
NOTE_LABELS = {
    "refuse": _("不予法律援助的理由（书面告知申请人）"),
    "grant": _("决定理由（可留空，使用资格审查结论）"),
    "precheck_refer": _("应当向哪里的法律援助机构申请（第三十八条）"),
    "object": _("异议理由"),
    "uphold": _("审查意见"),
    "correct": _("责令改正的内容"),
    "close": _("办理情况报告"),
}


def step_form(code: str, data: Any = None) -> StepForm:
    form = STEP_FORMS.get(code, StepForm)(data, prefix=code)
    if code in NOTE_LABELS:
        form.fields["note"].label = NOTE_LABELS[code]
    return form


class ProgressForm(forms.Form):
    """第四十六条: the assigned lawyer's report of how the matter is going."""

    content = forms.CharField(
        label=_("办理进展"),
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=5000,
        help_text=_("通报受援人的内容会显示在查询页上，请用受援人看得懂的话，不要写他人的个人信息。"),
    )
    for_recipient = forms.BooleanField(
        label=_("向受援人通报（在查询页向申请人显示）"), required=False, initial=True
    )
    on_behalf_reason = forms.CharField(
        label=ON_BEHALF_LABEL, required=False, max_length=500, help_text=ON_BEHALF_HELP
    )


class PublicApplicationForm(FactsForm):
    """The citizen's own online application: fewer fields, plain words."""

    name = forms.CharField(label=_("您的姓名"), max_length=64)
    phone = forms.CharField(label=_("手机号码"), max_length=20)
    id_number = forms.CharField(label=_("身份证号"), max_length=18)
    address = forms.CharField(label=_("住址"), max_length=200, required=False)
    station = forms.ModelChoiceField(
        label=_("向哪个服务站申请"),
        queryset=Organization.objects.filter(
            kind__in=[OrgKind.STATION, OrgKind.CENTER], is_active=True
        ).order_by("kind", "name"),
        help_text=_("请选择您住所地或事由发生地的公共法律服务站，由其初审后转交法律援助中心。"),
    )
    title = forms.CharField(label=_("一句话说明您的事情"), max_length=100)
    story = forms.CharField(label=_("具体情况"), widget=forms.Textarea(attrs={"rows": 4}), max_length=5000)
    preferred_person = RosterField(
        label=_("希望由哪位律师承办（可选，点援）"),
        queryset=selectors.roster(),
        required=False,
        empty_label=_("由法律援助中心指派"),
        help_text=_("可以从公布的法律援助人员名册中选择，法律援助中心尽量满足。"),
    )
    consent = forms.BooleanField(label=_("我保证所填情况真实，知道虚假申请将被终止法律援助（第四十八条）"))
    # one-time: a refresh or a second click files nothing new (the case remembers the token)
    form_token = forms.RegexField(
        regex=r"^[A-Za-z0-9_-]{20,64}$",
        widget=forms.HiddenInput,
        error_messages={
            "required": _("页面已过期，请核对后重新提交。"),
            "invalid": _("页面已过期，请核对后重新提交。"),
        },
    )
