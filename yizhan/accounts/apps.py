from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "yizhan.accounts"
    label = "accounts"
    verbose_name = _("账号与权限")

    def ready(self) -> None:
        from django.conf import settings
        from django.core.exceptions import ImproperlyConfigured
        from django.db.models.signals import post_migrate

        from yizhan.accounts.roles import ROLE_BY_CODE

        unknown = set(settings.TOTP_REQUIRED_ROLES) - set(ROLE_BY_CODE)
        if unknown:
            raise ImproperlyConfigured(
                f"YIZHAN_TOTP_REQUIRED_ROLES names unknown roles {sorted(unknown)};"
                f" known: {sorted(ROLE_BY_CODE)}"
            )
        post_migrate.connect(_sync_roles, dispatch_uid="yizhan_sync_roles")
        from yizhan.accounts import signals  # noqa: F401 - connects the login audit receivers


def _sync_roles(app_config: AppConfig, **kwargs: object) -> None:
    """Runs after the last app's permissions exist (post_migrate is sent app by app)."""
    from django.apps import apps

    from yizhan.accounts.roles import sync_roles

    with_models = [config for config in apps.get_app_configs() if config.models_module is not None]
    if app_config is with_models[-1]:
        sync_roles()
