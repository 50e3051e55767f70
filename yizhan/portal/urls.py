from django.urls import path

from yizhan.portal import views

app_name = "portal"

urlpatterns = [
    path("", views.home, name="home"),
    path("track/", views.track, name="track"),
    path("track/<str:code>/", views.status, name="status"),
    path("track/<str:code>/rate/", views.rate, name="rate"),
    path("t/<str:code>", views.short, name="short"),
]
