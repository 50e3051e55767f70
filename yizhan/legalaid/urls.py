from django.urls import path

from yizhan.legalaid import views

app_name = "legalaid"

urlpatterns = [
    path("", views.case_list, name="list"),
    path("apply/", views.apply, name="apply"),
    path("check/", views.check, name="check"),
    path("notify/", views.notify, name="notify"),
    path("from-matter/<str:number>/", views.from_matter, name="from_matter"),
    path("<str:number>/", views.case_page, name="case"),
    path("<str:number>/step/<str:code>/", views.step, name="step"),
    path("<str:number>/report/", views.report, name="report"),
    path("<str:number>/formalities/", views.formalities, name="formalities"),
    path("<str:number>/decision.pdf", views.decision_pdf, name="decision_pdf"),
]
