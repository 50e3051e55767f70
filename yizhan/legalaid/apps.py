from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class LegalaidConfig(AppConfig):
    name = "yizhan.legalaid"
    label = "legalaid"
    verbose_name = _("法律援助")

    def ready(self) -> None:
        from yizhan.legalaid import signals  # noqa: F401 - cache invalidation
