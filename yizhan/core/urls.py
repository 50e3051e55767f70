from django.urls import path

from yizhan.core import views

app_name = "core"

urlpatterns = [
    path("notifications/", views.notifications, name="notifications"),
    path("notifications/read/", views.mark_read, name="mark_read"),
    path("calendar/", views.calendar, name="calendar"),
    path("calendar/<int:year>/", views.holiday_notice, name="holiday_notice"),
]
