from django.urls import path

from . import views

app_name = "servicepunt"

urlpatterns = [
    path("", views.walkin, name="walkin"),
    path("gezinnen/zoeken/", views.family_search, name="family-search"),
    path("gezinnen/codes/", views.family_codes, name="family-codes"),
    path("gezinnen/<int:pk>/", views.family_detail, name="family-detail"),
    path("gezinnen/<int:pk>/tijdlijn/", views.family_timeline_older, name="family-timeline"),
    path("gezinnen/<int:pk>/wijzigen/", views.family_update, name="family-update"),
    path("gezinnen/<int:pk>/samenvoegen/", views.family_merge, name="family-merge"),
    path("gezinnen/<int:pk>/ouders/nieuw/", views.parent_create, name="parent-create"),
    path("gezinnen/<int:pk>/kinderen/nieuw/", views.child_create, name="child-create"),
    path(
        "gezinnen/<int:pk>/voorzieningen/nieuw/",
        views.provision_create,
        name="provision-create",
    ),
    path("ouders/<int:pk>/wijzigen/", views.parent_update, name="parent-update"),
    path("ouders/<int:pk>/verwijderen/", views.parent_delete, name="parent-delete"),
    path("kinderen/<int:pk>/wijzigen/", views.child_update, name="child-update"),
    path("kinderen/<int:pk>/verwijderen/", views.child_delete, name="child-delete"),
    path("voorzieningen/<int:pk>/wijzigen/", views.provision_update, name="provision-update"),
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
