"""The city-sized data set at one hundredth of its size, so that its generator cannot rot."""

from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse
from django.utils import timezone

from activiteiten.models import Attendance
from familieschool import largedata
from familieschool.constants import Role
from familieschool.models import School, User
from familieschool.schoolyear import SchoolYear
from servicepunt.models import Contact
from tests.servicepunt.factories import theme_link_schools

# COPY is PostgreSQL's; `make test` runs these, `make test-quick` (SQLite) leaves them out.
pytestmark = [pytest.mark.django_db, pytest.mark.integration]


@pytest.fixture
def small_city(db):
    call_command("loaddata_large", scale=0.01, stdout=StringIO())


def test_it_builds_schools_years_and_users_for_every_role(small_city):
    assert School.objects.count() == 2
    roles = set(User.objects.values_list("role", flat=True))
    assert roles == {Role.COORDINATOR, Role.PARTNER, Role.PROJECT_LEADER, Role.ADMINISTRATOR}
    assert User.objects.get(username="coordinator01").schools.get().name == "School 01"
    assert User.objects.get(username="partner03").organisation.name == "Partner 03"
    assert User.objects.filter(role=Role.PROJECT_LEADER, board__isnull=False).count() == 2


def test_today_and_this_school_year_have_data(small_city):
    today = timezone.localdate()
    year = SchoolYear.of(today)
    contacts = Contact.objects.filter(occurred_at__date=today)
    assert contacts.exists()
    assert Contact.objects.filter(occurred_at__date__lt=year.start).count() > 4 * contacts.count()
    assert not Contact.objects.filter(occurred_at__date__gt=today).exists()
    held = Attendance.objects.filter(session__date__gte=year.start)
    assert held.exists()
    assert not held.filter(session__date__gt=today).exists()
    years = {SchoolYear.of(d) for d in Contact.objects.dates("occurred_at", "month")}
    assert len(years) == largedata.YEARS


def test_a_coordinator_logs_in_and_sees_todays_walk_ins(client, small_city):
    # Through the login page: the lockout backend needs the request that client.login() omits.
    login = client.post(
        reverse("login"), {"username": "coordinator01", "password": largedata.PASSWORD}
    )
    assert login.status_code == 302
    response = client.get(reverse("servicepunt:walkin"))
    assert response.status_code == 200


def test_it_refuses_a_database_that_holds_schools(small_city):
    with pytest.raises(CommandError):
        call_command("loaddata_large", scale=0.01, stdout=StringIO())
    out = StringIO()
    call_command("loaddata_large", scale=0.01, reuse=True, stdout=out)
    assert "reusing" in out.getvalue()
    assert School.objects.count() == 2


def test_each_theme_link_carries_the_school_of_its_contact(small_city):
    links = theme_link_schools()

    assert {school for school, _ in links} == set(School.objects.values_list("pk", flat=True))
    assert all(school == contact_school for school, contact_school in links)


def test_prewarm_reads_every_table_and_index_of_the_portal(small_city):
    from django.db import connection

    out = StringIO()
    call_command("loaddata_large", scale=0.01, reuse=True, prewarm=True, stdout=out)
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT sum(pg_relation_size(c.oid)) FROM pg_class c "
            "WHERE c.relnamespace = 'public'::regnamespace AND c.relkind IN ('r', 'i', 'm')"
        )
        (size,) = cursor.fetchone()
    # The small city is a few MB: the figure printed is the whole of it, tables and indexes.
    assert size > 2**20
    assert f"Prewarmed {size / 2**20:,.0f} MB into " in out.getvalue()
