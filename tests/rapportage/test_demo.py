"""The demo: last year frozen once, and its export opens as a workbook matching the dashboard."""

import io

import pytest
from django.core.management import call_command
from django.test import Client
from django.urls import reverse
from openpyxl import load_workbook

from familieschool.models import User
from familieschool.schoolyear import SchoolYear
from rapportage.models import ReachSnapshot
from tests.login import force_login_verified
from tests.rapportage.downloads import download as download_file

pytestmark = pytest.mark.django_db


def test_the_demo_freezes_last_year_once_and_its_export_matches_the_dashboard():
    call_command("seed_demo", verbosity=0)
    call_command("seed_demo", verbosity=0)

    previous = SchoolYear.current().previous().label
    assert list(ReachSnapshot.objects.values_list("school_year", flat=True)) == [previous]
    client = Client()
    force_login_verified(client, User.objects.get(username="projectleider"))
    for year in (previous, SchoolYear.current().label):
        dashboard = client.get(reverse("rapportage:dashboard"), {"schooljaar": year})
        download = download_file(client, {"schooljaar": year, "formaat": "xlsx"})
        overview = load_workbook(io.BytesIO(download.content))["Overzicht"]
        header = next(row for row in overview.iter_rows() if row[0].value == "School")
        columns = {cell.value: cell.column for cell in header if cell.value}
        sheet_rows = {
            row[0].value: row
            for row in overview.iter_rows(min_row=header[0].row + 1)
            if row[0].value
        }
        assert [row["name"] for row in dashboard.context["key_rows"]] == list(sheet_rows)
        reached = dashboard.context["key_indicators"][0]
        column = columns[str(reached.label)] - 1
        for entity in dashboard.context["key_rows"]:
            row = entity["cells"][0]["row"]
            cell = sheet_rows[entity["name"]][column].value
            assert cell == (row.waarde if row.hidden else row.value)
        assert sum(row["cells"][0]["row"].value for row in dashboard.context["key_rows"][:4]) > 0
