from django.contrib import admin

from yizhan.orgs.models import AdviserContract, DutyShift, Organization, Person, Region, ServiceWindow


class WindowInline(admin.TabularInline):
    model = ServiceWindow
    extra = 0


@admin.register(Region)
class RegionAdmin(admin.ModelAdmin):
    list_display = ("code", "name", "level", "parent")
    list_filter = ("level",)
    search_fields = ("code", "name")
    autocomplete_fields = ("parent",)


@admin.register(Organization)
class OrganizationAdmin(admin.ModelAdmin):
    list_display = ("name", "kind", "category", "region", "parent", "phone", "is_active")
    list_filter = ("category", "kind", "is_active")
    search_fields = ("name", "address")
    autocomplete_fields = ("parent", "region")
    inlines = [WindowInline]


@admin.register(Person)
class PersonAdmin(admin.ModelAdmin):
    list_display = ("name", "role", "org", "title", "practice_since", "is_active")
    list_filter = ("role", "is_active")
    search_fields = ("name", "license_number")
    autocomplete_fields = ("org", "user")
    filter_horizontal = ("specialties",)


@admin.register(AdviserContract)
class AdviserContractAdmin(admin.ModelAdmin):
    list_display = ("village", "person", "contract_number", "start_date", "end_date")
    search_fields = ("village__name", "person__name", "contract_number")
    autocomplete_fields = ("village", "person")


@admin.register(DutyShift)
class DutyShiftAdmin(admin.ModelAdmin):
    list_display = ("org", "kind", "person", "window", "seat", "starts_at", "ends_at")
    list_filter = ("kind",)
    autocomplete_fields = ("org", "person")
