from django.urls import path

from yizhan.ledgers import views

app_name = "ledgers"

urlpatterns = [
    path("", views.index, name="index"),
    path("exports/", views.my_exports, name="exports"),
    path("exports/<int:export_id>/", views.export_row, name="export_row"),
    path("exports/<int:export_id>/download", views.download_export, name="download_export"),
    path("<slug:key>/", views.ledger, name="ledger"),
    path("<slug:key>/export.<slug:fmt>", views.export, name="export"),
]
