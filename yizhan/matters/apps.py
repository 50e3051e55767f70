from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MattersConfig(AppConfig):
    name = "yizhan.matters"
    label = "matters"
    verbose_name = _("服务事项")

    def ready(self) -> None:
        from yizhan.matters import signals  # noqa: F401 - cache invalidation
