from django.urls import path

from . import views

app_name = "rapportage"

urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("download/", views.export, name="export"),
    path("vastgelegd/", views.snapshots, name="snapshots"),
    path("vastgelegd/nieuw/", views.snapshot_create, name="snapshot-create"),
]
