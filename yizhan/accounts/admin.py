from django.contrib import admin
from django.contrib.auth.admin import UserAdmin

from yizhan.accounts.models import ApiToken, User


@admin.register(User)
class YizhanUserAdmin(UserAdmin):
    list_display = ("username", "full_name", "unit", "is_active", "is_integration", "last_login")
    list_filter = ("is_active", "is_integration", "groups")
    search_fields = ("username", "full_name")
    autocomplete_fields = ("unit",)
    fieldsets = (
        *(UserAdmin.fieldsets or ()),
        ("一站", {"fields": ("full_name", "unit", "is_integration")}),
    )


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin):
    list_display = ("name", "user", "prefix", "created_at", "last_used_at", "expires_at", "revoked_at")
    readonly_fields = ("prefix", "created_at", "last_used_at")
    exclude = ("digest",)

    def has_add_permission(self, request):
        return False
