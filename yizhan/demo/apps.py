from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DemoConfig(AppConfig):
    """The demo district, demo matters and the test personas: the top layer, it may use every app."""

    name = "yizhan.demo"
    label = "demo"
    verbose_name = _("演示数据")
