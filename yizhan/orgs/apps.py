from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OrgsConfig(AppConfig):
    name = "yizhan.orgs"
    label = "orgs"
    verbose_name = _("组织机构")

    def ready(self) -> None:
        from yizhan.orgs import signals  # noqa: F401 - cache invalidation
