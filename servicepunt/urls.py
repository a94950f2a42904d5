from django.urls import path

from . import views

app_name = "servicepunt"

urlpatterns = [
    path("", views.walkin, name="walkin"),
]
