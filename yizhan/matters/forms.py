"""Forms of the staff UI. They coerce types and render; business rules live in services, whose
``InvalidInput`` field errors are mapped back onto these forms (``yizhan.core.forms.apply_errors``)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from yizhan.accounts.models import User
from yizhan.core.forms import DATE_INPUT, DATETIME_INPUT
from yizhan.lib import pii
from yizhan.matters.models import (
    Channel,
    FeedbackMethod,
    Gender,
    LegalDomain,
    Outcome,
    PartyRole,
    Satisfaction,
    ServiceType,
    SpecialGroup,
)
from yizhan.matters.services import RegistrationData, RequesterData, TransferData
from yizhan.orgs.models import Organization, OrgCategory, Person


def _validate_id_number(value: str) -> None:
    """``pii.validate_id_number`` as a form validator (which returns nothing)."""
    pii.validate_id_number(value)


def _validate_phone(value: str) -> None:
    """``pii.validate_phone`` as a form validator (which returns nothing)."""
    pii.validate_phone(value)


def _model_choice(form: forms.Form, name: str) -> forms.ModelChoiceField:
    """The form's field ``name``, declared as a model choice field, to set its queryset."""
    field = form.fields[name]
    if not isinstance(field, forms.ModelChoiceField):
        raise TypeError(f"{type(form).__name__}.{name} is not a model choice field")
    return field


class OrgChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Organization) -> str:
        return f"{obj.name}（{obj.get_kind_display()}）"


class UserChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: User) -> str:
        return f"{obj.display_name}（{obj.unit}）"


class RegistrationForm(forms.Form):
    """Window intake: the primary requester first (that is who stands at the window), then the matter."""

    name = forms.CharField(
        label=_("姓名"), max_length=64, widget=forms.TextInput(attrs={"data-autofocus": "1"})
    )
    id_number = forms.CharField(
        label=_("身份证号"), max_length=18, required=False, validators=[_validate_id_number]
    )
    phone = forms.CharField(label=_("联系电话"), max_length=20, required=False, validators=[_validate_phone])
    gender = forms.ChoiceField(label=_("性别"), choices=Gender.choices, initial=Gender.UNKNOWN)
    age = forms.IntegerField(label=_("年龄"), required=False, min_value=0, max_value=150)
    address = forms.CharField(label=_("住址"), max_length=200, required=False)
    groups = forms.MultipleChoiceField(
        label=_("特殊群体"), choices=SpecialGroup.choices, required=False, widget=forms.CheckboxSelectMultiple
    )
    other_party = forms.CharField(label=_("对方当事人"), max_length=64, required=False)
    other_party_phone = forms.CharField(
        label=_("对方电话"), max_length=20, required=False, validators=[_validate_phone]
    )

    channel = forms.ChoiceField(label=_("渠道"), choices=Channel.choices, initial=Channel.WINDOW)
    receiving_org = OrgChoiceField(label=_("受理单位"), queryset=Organization.objects.none(), required=False)
    domain = forms.ModelChoiceField(label=_("法律领域"), queryset=LegalDomain.objects.filter(is_active=True))
    service_type = forms.ModelChoiceField(
        label=_("服务类型"), queryset=ServiceType.objects.filter(is_active=True), initial=None
    )
    title = forms.CharField(label=_("事项摘要"), max_length=100)
    facts = forms.CharField(
        label=_("基本情况及诉求"), required=False, widget=forms.Textarea(attrs={"rows": 4})
    )
    risk_escalation = forms.BooleanField(label=_("易激化"), required=False)
    risk_group = forms.BooleanField(label=_("群体性"), required=False)
    risk_stability = forms.BooleanField(label=_("涉稳"), required=False)
    urgent = forms.BooleanField(label=_("紧急"), required=False)
    by_proxy = forms.BooleanField(label=_("代办（最多跑一次）"), required=False)
    home_service = forms.BooleanField(label=_("上门服务"), required=False)
    appointment_at = forms.DateTimeField(label=_("预约时间"), required=False, widget=DATETIME_INPUT)

    FIELD_MAP = {
        "requesters[0].name": "name",
        "requesters[0].id_number": "id_number",
        "requesters[0].phone": "phone",
        "requesters[0].address": "address",
        "requesters[0].age": "age",
        "requesters[0].gender": "gender",
        "requesters[0].groups": "groups",
        "requesters[1].name": "other_party",
        "requesters[1].phone": "other_party_phone",
    }

    def __init__(self, *args: Any, user: User, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        units = Organization.objects.filter(pk__in=user.scope_org_ids).order_by("path")
        field = _model_choice(self, "receiving_org")
        field.queryset = units
        field.initial = user.unit_id
        if units.count() <= 1:
            field.widget = forms.HiddenInput()
        self.fields["service_type"].initial = ServiceType.objects.filter(code="consultation").first()
        # as the clerk leaves the ID or phone field: validate it and show the person's earlier matters
        from django.urls import reverse

        for name in ("id_number", "phone"):
            self.fields[name].widget.attrs.update(
                {
                    "hx-post": reverse("matters:check_person"),
                    "hx-trigger": "change",
                    "hx-target": "#person-check",
                    "hx-include": "[name=id_number],[name=phone]",
                    "autocomplete": "off",
                }
            )
        self.fields["id_number"].widget.attrs["inputmode"] = "text"
        self.fields["phone"].widget.attrs["inputmode"] = "tel"

    def to_data(self) -> RegistrationData:
        data = self.cleaned_data
        requesters = [
            RequesterData(
                name=data["name"],
                id_number=data["id_number"] or "",
                phone=data["phone"] or "",
                gender=data["gender"],
                age=data["age"],
                address=data["address"] or "",
                groups=list(data["groups"]),
                is_primary=True,
            )
        ]
        if data["other_party"]:
            requesters.append(
                RequesterData(
                    name=data["other_party"],
                    phone=data["other_party_phone"] or "",
                    role=PartyRole.OTHER_PARTY,
                )
            )
        return RegistrationData(
            channel=data["channel"],
            domain=data["domain"],
            service_type=data["service_type"],
            title=data["title"],
            facts=data["facts"],
            requesters=requesters,
            receiving_org=data["receiving_org"],
            risk_escalation=data["risk_escalation"],
            risk_group=data["risk_group"],
            risk_stability=data["risk_stability"],
            urgent=data["urgent"],
            by_proxy=data["by_proxy"],
            home_service=data["home_service"],
            appointment_at=data["appointment_at"],
        )


# --- transition forms: each returns (note, payload) for services.transition -------------------------


class NoteForm(forms.Form):
    note = forms.CharField(label=_("说明"), required=False, widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(
        self, *args: Any, note_label: Any = None, note_required: bool = False, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        if note_label:
            self.fields["note"].label = note_label
        self.fields["note"].required = note_required

    def payload(self) -> dict[str, Any]:
        return {}

    def result(self) -> tuple[str, dict[str, Any]]:
        return self.cleaned_data.get("note", ""), self.payload()


class AnswerForm(NoteForm):
    outcome = forms.ChoiceField(
        label=_("结果类别"),
        choices=[
            (Outcome.ADVICE_GIVEN, Outcome.ADVICE_GIVEN.label),
            (Outcome.RESOLVED, Outcome.RESOLVED.label),
        ],
    )

    def payload(self) -> dict[str, Any]:
        return {"outcome": self.cleaned_data["outcome"]}


class TransferForm(NoteForm):
    to_org = OrgChoiceField(label=_("接收单位"), queryset=Organization.objects.none())
    to_person = forms.ModelChoiceField(
        label=_("指定承办人员（可选）"), queryset=Person.objects.none(), required=False
    )
    service_type = forms.ModelChoiceField(
        label=_("事项类型"), queryset=ServiceType.objects.filter(is_active=True)
    )
    instructions = forms.CharField(
        label=_("告知群众需携带的材料"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    where_to_go = forms.CharField(
        label=_("办理地点及联系方式"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("留空则使用接收单位登记的地址和电话。"),
    )
    due_date = forms.DateField(
        label=_("办结期限（可选）"),
        required=False,
        widget=DATE_INPUT,
        help_text=_("留空按服务类型的办结时限计算。"),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        from yizhan.orgs.selectors import transfer_targets

        self.targets = transfer_targets(None)
        _model_choice(self, "to_org").queryset = self.targets
        people = Person.objects.filter(is_active=True).select_related("org")
        _model_choice(self, "to_person").queryset = people

    def payload(self) -> dict[str, Any]:
        data = self.cleaned_data
        return {
            "transfer": TransferData(
                to_org=data["to_org"],
                service_type=data["service_type"],
                to_person=data["to_person"],
                instructions=data["instructions"],
                where_to_go=data["where_to_go"],
                due_date=data["due_date"],
            )
        }

    def grouped_targets(self) -> list[tuple[str, list[Organization]]]:
        groups: dict[str, list[Organization]] = {}
        labels = dict(OrgCategory.choices)
        for org in self.targets:
            groups.setdefault(str(labels[org.category]), []).append(org)
        return list(groups.items())


class ReferOutForm(NoteForm):
    referral_org = OrgChoiceField(
        label=_("引导至（外部门）"),
        queryset=Organization.objects.filter(category=OrgCategory.EXTERNAL, is_active=True),
        required=False,
    )

    def payload(self) -> dict[str, Any]:
        return {"referral_org": self.cleaned_data["referral_org"]}


class ConcludeForm(NoteForm):
    outcome = forms.ChoiceField(label=_("办理结果类别"), choices=[("", "——"), *Outcome.choices])

    def payload(self) -> dict[str, Any]:
        return {"outcome": self.cleaned_data["outcome"]}


class FeedBackForm(NoteForm):
    method = forms.ChoiceField(
        label=_("反馈方式"), choices=FeedbackMethod.choices, initial=FeedbackMethod.PHONE
    )

    def payload(self) -> dict[str, Any]:
        return {"method": self.cleaned_data["method"]}


ADOPTED_CHOICES = [("", _("未询问")), ("yes", _("已采纳")), ("no", _("未采纳"))]


class FollowUpForm(NoteForm):
    satisfaction = forms.ChoiceField(
        label=_("满意度"), choices=Satisfaction.choices, widget=forms.RadioSelect
    )
    advice_adopted = forms.ChoiceField(label=_("意见是否采纳"), choices=ADOPTED_CHOICES, required=False)

    def payload(self) -> dict[str, Any]:
        adopted = {"yes": True, "no": False}.get(self.cleaned_data.get("advice_adopted") or "")
        return {"satisfaction": self.cleaned_data["satisfaction"], "advice_adopted": adopted}


TRANSITION_FORMS: dict[str, type[NoteForm]] = {
    "answer": AnswerForm,
    "transfer": TransferForm,
    "refer_out": ReferOutForm,
    "conclude": ConcludeForm,
    "feed_back": FeedBackForm,
    "follow_up": FollowUpForm,
}


def transition_form(code: str, data: Any = None, *, prefix: str | None = None) -> NoteForm:
    from yizhan.matters.states import TRANSITIONS

    t = TRANSITIONS[code]
    form_class = TRANSITION_FORMS.get(code, NoteForm)
    return form_class(data, prefix=prefix or code, note_label=t.note_label, note_required=t.needs_note)


class HandOverForm(forms.Form):
    to_user = UserChoiceField(label=_("交接给"), queryset=User.objects.none())
    note = forms.CharField(label=_("交接说明"), widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args: Any, user: User, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _model_choice(self, "to_user").queryset = (
            User.objects.filter(unit_id__in=user.scope_org_ids, is_active=True, is_integration=False)
            .exclude(pk=user.pk)
            .order_by("unit__path", "username")
        )


class AttachmentForm(forms.Form):
    file = forms.FileField(label=_("附件"))


class HistoryForm(forms.Form):
    q = forms.CharField(label=_("身份证号或电话"), max_length=24)
