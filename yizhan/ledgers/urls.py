from django.urls import path

from yizhan.ledgers import views

app_name = "ledgers"

urlpatterns = [
    path("", views.index, name="index"),
    path("<slug:key>/", views.ledger, name="ledger"),
    path("<slug:key>/export.<slug:fmt>", views.export, name="export"),
]
