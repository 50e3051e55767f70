"""Forms of the staff UI. They coerce types and render; business rules live in services, whose
``InvalidInput`` field errors are mapped back onto these forms (``yizhan.core.forms.apply_errors``)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from yizhan.accounts.models import User
from yizhan.core.forms import DATE_INPUT, DATETIME_INPUT
from yizhan.core.http.fields import validate_year_range
from yizhan.lib import pii
from yizhan.matters import selectors
from yizhan.matters.models import (
    Channel,
    FeedbackMethod,
    Gender,
    LegalDomain,
    Matter,
    Outcome,
    PartyRole,
    Satisfaction,
    ServiceType,
    SpecialGroup,
)
from yizhan.matters.selectors import TransferHint
from yizhan.matters.services import RegistrationData, RequesterData, TransferData
from yizhan.orgs.models import Organization, OrgCategory, OrgKind, Person


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
    appointment_at = forms.DateTimeField(
        label=_("预约时间"), required=False, widget=DATETIME_INPUT, validators=[validate_year_range]
    )

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
        # validate the ID number and phone and show the person's earlier matters
        from django.urls import reverse

        # the ID number is checked as it is typed: a wrong check digit (GB 11643) shows at the 18th character
        triggers = {"id_number": "input changed delay:400ms", "phone": "change"}
        for name, trigger in triggers.items():
            self.fields[name].widget.attrs.update(
                {
                    "hx-post": reverse("matters:check_person"),
                    "hx-trigger": trigger,
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
    """分流: the receiving unit is picked from a searchable list with the units suggested for the matter
    first (the triage's and the service type's kind of unit, nearest to the matter's place); the triage
    may also correct the legal domain (法律领域)."""

    domain = forms.ModelChoiceField(
        label=_("法律领域"),
        queryset=LegalDomain.objects.filter(is_active=True),
        required=False,
        help_text=_("登记时选错的，可在分流时更正。"),
    )
    service_type = forms.ModelChoiceField(
        label=_("事项类型"), queryset=ServiceType.objects.filter(is_active=True)
    )
    to_org = OrgChoiceField(label=_("接收单位"), queryset=Organization.objects.none())
    to_person = forms.ModelChoiceField(
        label=_("指定承办人员（可选）"), queryset=Person.objects.none(), required=False
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
        validators=[validate_year_range],
        label=_("办结期限（可选）"),
        required=False,
        widget=DATE_INPUT,
        help_text=_("留空按服务类型的办结时限计算。"),
    )

    def __init__(self, *args: Any, matter: Matter | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        from yizhan.orgs.selectors import transfer_targets

        self.matter = matter
        self.hint: TransferHint | None = None  # the triage's suggestion, once asked for
        self.targets = transfer_targets(None)
        _model_choice(self, "to_org").queryset = self.targets
        people = Person.objects.filter(is_active=True).select_related("org")
        _model_choice(self, "to_person").queryset = people
        if matter is not None:
            self.fields["domain"].initial = matter.domain_id
            self.fields["service_type"].initial = matter.service_type_id
            from django.urls import reverse

            # a changed domain or service type re-ranks the receiving units
            for name in ("domain", "service_type"):
                self.fields[name].widget.attrs.update(
                    {
                        "hx-get": reverse("matters:transfer_targets", args=[matter.number]),
                        "hx-trigger": "change",
                        "hx-target": "#transfer-targets",
                        "hx-swap": "outerHTML",
                        "hx-include": "closest form",
                    }
                )

    def payload(self) -> dict[str, Any]:
        data = self.cleaned_data
        return {
            "transfer": TransferData(
                to_org=data["to_org"],
                service_type=data["service_type"],
                domain=data.get("domain"),
                to_person=data["to_person"],
                instructions=data["instructions"],
                where_to_go=data["where_to_go"],
                due_date=data["due_date"],
            )
        }

    def _chosen(self, name: str, model: type[LegalDomain] | type[ServiceType] | type[Organization]) -> Any:
        """The value of field ``name`` as submitted (bound) or preset (initial), as an object or None."""
        raw = self[name].value()
        if raw in (None, ""):
            return None
        text = str(raw)
        return (
            model.objects.filter(pk=int(text)).first()
            if text.isascii() and text.isdigit() and len(text) < 10
            else None
        )

    def target_choices(self, text: str = "") -> dict[str, Any]:
        """The receiving units to offer: the selected one, the suggested ones, then every unit by kind
        (all narrowed by ``text``), for ``matters/_transfer_targets.html``."""
        if self.matter is None:
            return {"field": self["to_org"], "count": 0, "selected": None, "suggestions": [], "groups": []}
        selected = self._chosen("to_org", Organization)
        domain = self._chosen("domain", LegalDomain)
        service_type = self._chosen("service_type", ServiceType)
        offered = selectors.search_transfer_targets(self.targets, text)
        suggestions = selectors.rank_transfer_targets(
            self.matter, offered, domain=domain, service_type=service_type, hint=self.hint
        )
        shown = {s.org.pk for s in suggestions}
        groups: dict[str, list[Organization]] = {}
        labels = dict(OrgKind.choices)
        for org in sorted(offered, key=lambda o: (o.category, o.kind, o.path)):
            if org.pk not in shown:
                groups.setdefault(str(labels.get(org.kind, org.kind)), []).append(org)
                shown.add(org.pk)
        return {
            "field": self["to_org"],
            "count": len(shown),
            "selected": selected if selected is not None and selected.pk not in shown else None,
            "selected_id": selected.pk if selected is not None else None,
            "suggestions": suggestions,
            "groups": list(groups.items()),
            "text": text,
        }

    @property
    def targets_view(self) -> dict[str, Any]:
        return self.target_choices()


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


def transition_form(
    code: str,
    data: Any = None,
    *,
    prefix: str | None = None,
    matter: Matter | None = None,
    initial: Any = None,
) -> NoteForm:
    from yizhan.matters.states import TRANSITIONS

    t = TRANSITIONS[code]
    form_class = TRANSITION_FORMS.get(code, NoteForm)
    extra: dict[str, Any] = {"matter": matter} if form_class is TransferForm else {}
    return form_class(
        data,
        prefix=prefix or code,
        note_label=t.note_label,
        note_required=t.needs_note,
        initial=initial,
        **extra,
    )


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
