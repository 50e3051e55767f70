"""Forms of the SMS staff pages; the services validate the content (placeholders, signature, phone)."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from yizhan.sms.models import PLACEHOLDERS, TEXT_MAX_LENGTH, OptOutSource, SmsStatus


def _placeholder_help() -> str:
    return "、".join(f"{{{name}}} {label}" for name, label in PLACEHOLDERS.items())


class SmsTemplateForm(forms.Form):
    name = forms.CharField(label=_("名称"), max_length=64)
    text = forms.CharField(
        label=_("短信内容"),
        max_length=TEXT_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 4}),
    )
    provider_template_id = forms.CharField(
        label=_("短信模板ID"),
        max_length=64,
        required=False,
        help_text=_("服务商审核通过后给出的模板ID或模板CODE（如阿里云 SMS_123456789、腾讯云 1234567）。"),
    )
    active = forms.BooleanField(label=_("启用（停用后该节点不再发送短信）"), required=False)
    approved = forms.BooleanField(
        label=_("服务商已审核通过此内容和模板ID（登记审核人和时间）"), required=False
    )

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.fields["text"].help_text = _(
            "不含签名，不超过%(max)d个字；可用的占位符：%(names)s。服务商的模板须与此内容一致，"
            "腾讯云模板的 {1}、{2}… 依次对应此处占位符出现的顺序。"
        ) % {"max": TEXT_MAX_LENGTH, "names": _placeholder_help()}


class SignatureForm(forms.Form):
    sign_name = forms.CharField(
        label=_("短信签名"),
        max_length=14,
        help_text=_("服务商审核通过的签名，不含【】，如“一站”。发送时显示为【一站】。"),
    )


class OptOutForm(forms.Form):
    phone = forms.CharField(label=_("手机号码"), max_length=20)
    source = forms.ChoiceField(
        label=_("退订方式"), choices=OptOutSource.choices, initial=OptOutSource.CITIZEN_REQUEST
    )
    note = forms.CharField(label=_("说明"), max_length=200, required=False)


class LogFilterForm(forms.Form):
    status = forms.ChoiceField(label=_("状态"), choices=[("", _("全部")), *SmsStatus.choices], required=False)
    related = forms.CharField(label=_("关联事项"), max_length=64, required=False)
