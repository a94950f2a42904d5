from django.urls import path

from . import views

app_name = "rapportage"

urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("download/", views.export, name="export"),
    path("download/<uuid:public_id>/", views.export_job, name="export-job"),
    path("download/<uuid:public_id>/status/", views.export_job_status, name="export-job-status"),
    path("download/<uuid:public_id>/bestand/", views.export_job_file, name="export-job-file"),
    path("download/<uuid:public_id>/opnieuw/", views.export_job_retry, name="export-job-retry"),
    path("financiers/", views.funding_export, name="funding-export"),
    path("vastgelegd/", views.snapshots, name="snapshots"),
    path("partner/", views.partner_figures_page, name="partner-figures"),
    path("partner/download/", views.partner_figures_download, name="partner-figures-export"),
    path("vastgelegd/nieuw/", views.snapshot_create, name="snapshot-create"),
]
