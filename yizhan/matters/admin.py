"""Reference data the administrators maintain: domains, service types, time limits per region.

Matters themselves are not edited here: they change only through the services (and the staff UI)."""

from django.contrib import admin

from yizhan.matters.models import LegalDomain, ServiceType, TimeLimitRule


@admin.register(LegalDomain)
class LegalDomainAdmin(admin.ModelAdmin):
    list_display = ("name", "code", "order", "is_active")
    list_editable = ("order", "is_active")


@admin.register(ServiceType)
class ServiceTypeAdmin(admin.ModelAdmin):
    list_display = ("name", "code", "transfer_ledger", "order", "is_active")
    list_editable = ("order", "is_active")


@admin.register(TimeLimitRule)
class TimeLimitRuleAdmin(admin.ModelAdmin):
    list_display = ("service_type", "region", "working_days", "near_due_days", "basis")
    list_filter = ("service_type",)
    autocomplete_fields = ("region",)
