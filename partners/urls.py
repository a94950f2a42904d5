from django.urls import path

from . import views

app_name = "partners"

urlpatterns = [
    path("", views.week, name="week"),
    path("agenda/", views.calendar, name="calendar"),
    path("agenda/<str:token>.ics", views.calendar_feed, name="calendar-feed"),
    path("op-school/", views.school_week, name="school-week"),
    path("spreekuur/<int:pk>/", views.spreekuur_detail, name="spreekuur-detail"),
    path("spreekuur/<int:pk>/annuleren/", views.spreekuur_cancel, name="spreekuur-cancel"),
    path(
        "annulering/<int:pk>/herstellen/",
        views.cancellation_restore,
        name="cancellation-restore",
    ),
    path(
        "afspraak/contact/<int:contact_id>/",
        views.book_from_contact,
        name="book-from-contact",
    ),
    path(
        "afspraak/doorverwijzing/<int:referral_id>/",
        views.book_from_referral,
        name="book-from-referral",
    ),
    path("afspraak/<int:pk>/status/", views.appointment_status, name="appointment-status"),
]
