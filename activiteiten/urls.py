from datetime import date

from django.urls import path, register_converter

from . import views


class IsoDateConverter:
    regex = r"\d{4}-\d{2}-\d{2}"

    def to_python(self, value: str) -> date:
        return date.fromisoformat(value)

    def to_url(self, value) -> str:
        return value.isoformat() if isinstance(value, date) else str(value)


register_converter(IsoDateConverter, "activity_date")

app_name = "activiteiten"

urlpatterns = [
    path("", views.activity_list, name="activity-list"),
    path("nieuw/", views.activity_create, name="activity-create"),
    path("<int:pk>/", views.activity_detail, name="activity-detail"),
    path("<int:pk>/wijzigen/", views.activity_update, name="activity-update"),
    path("<int:pk>/sessie/nieuw/", views.session_create, name="session-create"),
    path("<int:pk>/aanwezig/<activity_date:day>/", views.attendance, name="attendance"),
    path(
        "<int:pk>/aanwezig/<activity_date:day>/zoek/",
        views.attendance_search,
        name="attendance-search",
    ),
    path("<int:pk>/inschrijvingen/", views.enrolment_list, name="enrolment-list"),
    path("budgetten/", views.budget_list, name="budget-list"),
    path("budgetten/nieuw/", views.budget_create, name="budget-create"),
    path("budgetten/<int:pk>/", views.budget_update, name="budget-update"),
    path("budgetten/<int:pk>/verwijderen/", views.budget_delete, name="budget-delete"),
    path("sessie/<int:pk>/wijzigen/", views.session_update, name="session-update"),
    path("inschrijving/<int:pk>/", views.enrolment_update, name="enrolment-update"),
    path("inschrijving/<int:pk>/afmelden/", views.enrolment_withdraw, name="enrolment-withdraw"),
    path("ouderrollen/", views.role_home, name="role-home"),
    path("ouderrollen/<slug:school>/", views.role_list, name="role-list"),
    path("ouderrollen/rol/<int:pk>/verwijderen/", views.role_delete, name="role-delete"),
    path("publiek/<slug:slug>/", views.public_school, name="public-school"),
    path("publiek/<slug:slug>/poster/", views.public_poster, name="public-poster"),
]
