from django.urls import path

from yizhan.legalaid import views

app_name = "legalaid_public"

urlpatterns = [
    path("check/", views.self_check, name="check"),
    path("apply/", views.public_apply, name="apply"),
    path("apply/done/", views.public_applied, name="applied"),
    path("roster/", views.roster, name="roster"),
]
