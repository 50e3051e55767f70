from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from yizhan.matters.models import Satisfaction


class TrackForm(forms.Form):
    code = forms.CharField(
        label=_("查询码"),
        max_length=20,
        widget=forms.TextInput(
            attrs={"inputmode": "numeric", "autocomplete": "off", "placeholder": "1234 5678 9012"}
        ),
    )


class RateForm(forms.Form):
    satisfaction = forms.ChoiceField(
        label=_("您对这次服务满意吗？"), choices=Satisfaction.choices, widget=forms.RadioSelect
    )
    advice_adopted = forms.ChoiceField(
        label=_("工作人员给您的建议，您采纳了吗？"),
        choices=[("yes", _("采纳了")), ("no", _("没有采纳")), ("", _("不好说"))],
        required=False,
        widget=forms.RadioSelect,
    )
    comment = forms.CharField(
        label=_("还有什么想说的？（选填）"),
        required=False,
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
