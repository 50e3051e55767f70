from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "yizhan.core"
    label = "core"
    verbose_name = _("核心")

    def ready(self) -> None:
        from django.db.backends.signals import connection_created
        from django.db.models.signals import post_delete, post_save

        from yizhan.core.append_only import register_purge_function
        from yizhan.core.cache import bump_on_change
        from yizhan.core.models import CalendarOverride, HolidayNotice

        # the DELETE trigger of append-only tables asks this function (SQLite)
        connection_created.connect(register_purge_function, dispatch_uid="yz-append-only-purge")

        # the working-day calendar is cached by every process: any change of a day or a notice bumps it
        for model in (CalendarOverride, HolidayNotice):
            receiver = bump_on_change("calendar")
            uid = f"yz-bump-{model.__name__}"
            post_save.connect(receiver, sender=model, weak=False, dispatch_uid=f"{uid}-save")
            post_delete.connect(receiver, sender=model, weak=False, dispatch_uid=f"{uid}-delete")
