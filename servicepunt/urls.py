from django.urls import path

from . import views

app_name = "servicepunt"

urlpatterns = [
    path("", views.walkin, name="walkin"),
    path("gezinnen/zoeken/", views.family_search, name="family-search"),
    path("gezinnen/codes/", views.family_codes, name="family-codes"),
    path("gezinnen/<int:pk>/", views.family_detail, name="family-detail"),
    path("contacten/", views.contact_list, name="contact-list"),
    path("contacten/<int:pk>/", views.contact_detail, name="contact-detail"),
    path("contacten/<int:pk>/wijzigen/", views.contact_update, name="contact-update"),
    path("contacten/<int:pk>/doorverwijzen/", views.referral_create, name="referral-create"),
    path("doorverwijzingen/", views.referral_list, name="referral-list"),
    path("doorverwijzingen/<int:pk>/", views.referral_detail, name="referral-detail"),
    path(
        "doorverwijzingen/updates-gezien/",
        views.partner_updates_seen,
        name="partner-updates-seen",
    ),
    path("doorverwijzingen/<int:pk>/status/", views.referral_status, name="referral-status"),
    path(
        "doorverwijzingen/<int:pk>/toestemming-intrekken/",
        views.referral_withdraw,
        name="referral-withdraw",
    ),
    path("partner/", views.partner_referral_list, name="partner-referral-list"),
    path("partner/<int:pk>/", views.partner_referral_detail, name="partner-referral-detail"),
    path(
        "partner/<int:pk>/bijwerken/",
        views.partner_referral_update,
        name="partner-referral-update",
    ),
    path("importeren/", views.import_upload, name="import"),
    path("importeren/bevestigen/", views.import_confirm, name="import-confirm"),
    path("importeren/sjabloon.csv", views.import_template, name="import-template"),
]
