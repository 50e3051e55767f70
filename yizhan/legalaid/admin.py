"""Administration of the legal-aid configuration: the dated hardship standards (第三十四条) and the
regional scope extensions, editable by whoever holds ``legalaid.configure_standards`` (the district
manager). Cases are worked in the staff pages, not here."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from yizhan.legalaid.models import HardshipStandard, ScopeExtension

CONFIGURE = "legalaid.configure_standards"


class ConfigurationAdmin(admin.ModelAdmin):
    """Every change to the configuration is audited with its before/after values by the admin site
    itself (``core.admin_site``), as every admin change is."""

    def has_module_permission(self, request: HttpRequest) -> bool:
        return request.user.has_perm(CONFIGURE)

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return request.user.has_perm(CONFIGURE)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return request.user.has_perm(CONFIGURE)

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return request.user.has_perm(CONFIGURE)

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return request.user.has_perm(CONFIGURE)


@admin.register(HardshipStandard)
class HardshipStandardAdmin(ConfigurationAdmin):
    list_display = (
        "region_code",
        "effective_from",
        "kind",
        "amount",
        "multiple",
        "minimum_living_standard",
        "source",
    )
    list_filter = ("kind",)
    search_fields = ("region_code", "source")
    readonly_fields = ("created_by", "created_at")

    def save_model(self, request: HttpRequest, obj: HardshipStandard, form: Any, change: bool) -> None:
        if obj.created_by_id is None:
            obj.created_by = request.user  # type: ignore[assignment]
        super().save_model(request, obj, form, change)


@admin.register(ScopeExtension)
class ScopeExtensionAdmin(ConfigurationAdmin):
    list_display = ("region_code", "article", "key", "label", "effective_from", "source")
    list_filter = ("article",)
    search_fields = ("region_code", "key", "label", "source")
