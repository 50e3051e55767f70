from django.urls import path

from yizhan.matters import views

app_name = "matters"

urlpatterns = [
    path("", views.queue, name="queue"),
    path("matters/", views.matter_list, name="list"),
    path("matters/new/", views.new, name="new"),
    path("matters/check-person/", views.check_person, name="check_person"),
    path("overdue/", views.overdue, name="overdue"),
    path("people/", views.history, name="history"),
    path("matters/<str:number>/", views.detail, name="detail"),
    path("matters/<str:number>/receipt/", views.receipt, name="receipt"),
    path("matters/<str:number>/act/<str:code>/", views.act, name="act"),
    path("matters/<str:number>/transfer/targets/", views.transfer_targets, name="transfer_targets"),
    path("matters/<str:number>/transfer/suggestion/", views.transfer_suggestion, name="transfer_suggestion"),
    path("matters/<str:number>/hand-over/", views.hand_over, name="hand_over"),
    path("matters/<str:number>/attachments/", views.upload, name="upload"),
    path("matters/<str:number>/attachments/<int:attachment_id>/", views.download, name="download"),
    path("matters/<str:number>/requesters/<int:requester_id>/reveal/", views.reveal, name="reveal"),
]
