from django.urls import path

from yizhan.orgs import views

app_name = "orgs"

urlpatterns = [
    path("", views.directory, name="directory"),
    path("<int:org_id>/", views.org_detail, name="detail"),
    path("rosters/", views.rosters, name="rosters"),
    path("rosters/<int:org_id>/", views.roster, name="roster"),
    path("rosters/<int:org_id>/copy/", views.roster_copy, name="roster_copy"),
    path("rosters/<int:org_id>/shifts/<int:shift_id>/remove/", views.roster_remove, name="roster_remove"),
]
