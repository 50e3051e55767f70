from django.urls import path

from yizhan.knowledge import views

app_name = "knowledge"

urlpatterns = [
    path("", views.search, name="search"),
    path("all/", views.law_index, name="laws"),
    path("check/", views.citations, name="citations"),
    path("law/<str:law_id>/", views.law_detail, name="law"),
    path("article/<int:source_id>/", views.article_detail, name="article"),
    path("cases/<int:pk>/", views.public_case, name="case"),
]
