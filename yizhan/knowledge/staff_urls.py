from django.urls import path

from yizhan.knowledge import views

app_name = "knowledge_staff"

urlpatterns = [
    path("", views.staff_search, name="search"),
    path("triage/", views.intake_triage, name="triage"),
    path("cases/", views.case_list, name="cases"),
    path("cases/new/", views.case_new, name="case_new"),
    path("cases/monthly/", views.monthly, name="monthly"),
    path("cases/from-matter/<str:number>/", views.case_from_matter, name="case_from_matter"),
    path("cases/<int:pk>/", views.case_detail, name="case"),
    path("faq/", views.faq_list, name="faqs"),
    path("faq/new/", views.faq_edit, name="faq_new"),
    path("faq/<int:pk>/", views.faq_edit, name="faq"),
]
