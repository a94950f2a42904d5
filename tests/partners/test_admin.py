from datetime import date

from django.urls import reverse

from familieschool.constants import Weekday
from familieschool.models import SchoolHoliday
from partners.models import Spreekuur
from tests.partners.factories import SpreekuurCancellationFactory


def spreekuur_form(partner, school, staff, **extra):
    return {
        "partner": partner.pk,
        "school": school.pk,
        "room": "Ouderkamer",
        "staff": [user.pk for user in staff],
        "weekday": Weekday.MONDAY,
        "start_time": "09:00",
        "end_time": "10:00",
        "recurrence": "weekly",
        "nth": "",
        "valid_from": "2026-08-01",
        "valid_until": "",
        "slot_minutes": "20",
        "cancellations-TOTAL_FORMS": "0",
        "cancellations-INITIAL_FORMS": "0",
        "cancellations-MIN_NUM_FORMS": "0",
        "cancellations-MAX_NUM_FORMS": "1000",
        **extra,
    }


def test_the_administrator_manages_spreekuren_with_their_cancelled_dates(adam_client, werkwinkel_a):
    SpreekuurCancellationFactory(
        spreekuur=werkwinkel_a, date=date(2026, 11, 30), reason="Studiedag"
    )
    assert adam_client.get(reverse("admin:partners_spreekuur_changelist")).status_code == 200
    change = adam_client.get(reverse("admin:partners_spreekuur_change", args=[werkwinkel_a.pk]))
    assert change.status_code == 200
    assert "Studiedag" in change.content.decode()


def test_the_administrator_adds_a_spreekuur_with_a_cancelled_date(
    adam_client, partner_p, school_a, pam
):
    data = spreekuur_form(
        partner_p,
        school_a,
        [pam],
        **{
            "cancellations-TOTAL_FORMS": "1",
            "cancellations-0-date": "2026-11-30",
            "cancellations-0-reason": "Studiedag",
        },
    )
    response = adam_client.post(reverse("admin:partners_spreekuur_add"), data)
    assert response.status_code == 302
    spreekuur = Spreekuur.objects.get()
    assert list(spreekuur.staff.all()) == [pam]
    assert spreekuur.cancellations.get().reason == "Studiedag"


def test_staff_of_another_organisation_cannot_hold_the_spreekuur(
    adam_client, partner_p, school_a, otto
):
    response = adam_client.post(
        reverse("admin:partners_spreekuur_add"), spreekuur_form(partner_p, school_a, [otto])
    )
    assert response.status_code == 200
    assert "Alleen medewerkers van Werkwinkel kunnen dit spreekuur houden" in (
        response.content.decode()
    )
    assert not Spreekuur.objects.exists()


def test_the_administrator_enters_school_holidays(adam_client):
    url = reverse("admin:familieschool_schoolholiday_add")
    response = adam_client.post(
        url,
        {"region": "midden", "name": "Kerstvakantie", "start": "2027-01-03", "end": "2026-12-19"},
    )
    assert "De laatste dag mag niet voor de eerste dag liggen." in response.content.decode()
    adam_client.post(
        url,
        {"region": "midden", "name": "Kerstvakantie", "start": "2026-12-19", "end": "2027-01-03"},
    )
    assert SchoolHoliday.objects.get().end == date(2027, 1, 3)
    assert (
        adam_client.get(reverse("admin:familieschool_schoolholiday_changelist")).status_code == 200
    )
