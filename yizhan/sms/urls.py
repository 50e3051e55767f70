from django.urls import path

from yizhan.sms import views

app_name = "sms"

urlpatterns = [
    path("", views.index, name="index"),
    path("templates/<slug:code>/", views.template_edit, name="template"),
    path("signature/", views.signature, name="signature"),
    path("log/", views.log, name="log"),
    path("opt-outs/", views.opt_outs, name="opt_outs"),
    path("opt-outs/<int:pk>/remove/", views.opt_out_remove, name="opt_out_remove"),
]
