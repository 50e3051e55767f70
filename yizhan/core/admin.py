from django.contrib import admin

from yizhan.core.models import CalendarOverride


@admin.register(CalendarOverride)
class CalendarOverrideAdmin(admin.ModelAdmin):
    list_display = ("date", "is_workday", "note", "source")
    list_filter = ("is_workday",)
    date_hierarchy = "date"
