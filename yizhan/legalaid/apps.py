from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class LegalaidConfig(AppConfig):
    name = "yizhan.legalaid"
    label = "legalaid"
    verbose_name = _("法律援助")
