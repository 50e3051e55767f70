from django.urls import path

from yizhan.knowledge import views

app_name = "knowledge_staff"

urlpatterns = [
    path("triage/", views.intake_triage, name="triage"),
]
