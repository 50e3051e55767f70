from django.urls import path

from yizhan.orgs import views

app_name = "orgs"

urlpatterns = [
    path("", views.directory, name="directory"),
    path("<int:org_id>/", views.org_detail, name="detail"),
]
