from django.contrib import admin

from yizhan.audit.models import AuditLog


@admin.register(AuditLog)
class AuditLogAdmin(admin.ModelAdmin):
    """Read-only: the log is append-only."""

    list_display = ("at", "action", "actor_label", "object_type", "object_repr", "ip")
    list_filter = ("action", "object_type")
    search_fields = ("actor_label", "object_repr", "object_id")
    date_hierarchy = "at"

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def has_view_permission(self, request, obj=None):
        return request.user.has_perm("audit.view_audit_log")
