"""A partner organisation's own figures (issue 14, point 3): the page "Cijfers" of partner staff,
its download, what the organisation's lead sees more than other staff, and the small counts.

The cast: pam works for the Werkwinkel (P) and staffs its consultation hour at De Schakel (A);
lena leads the Werkwinkel; otto works for the Buurtteam (O), which is at De Schakel too.
"""

import csv
import io
import re
from datetime import date, datetime, time
from zoneinfo import ZoneInfo

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from familieschool.constants import Role
from familieschool.schoolyear import SchoolYear
from rapportage.reach import Period
from rapportage.reach.partner import partner_figures
from rapportage.selectors import partner_figures_scope
from tests.conftest import _client_for
from tests.familieschool.factories import (
    FamilyFactory,
    ParentFactory,
    SchoolFactory,
    UserFactory,
)
from tests.partners.factories import (
    AppointmentFactory,
    SpreekuurCancellationFactory,
    SpreekuurFactory,
)
from tests.servicepunt.factories import ReferralFactory

PAGE = reverse("rapportage:partner-figures")
DOWNLOAD = reverse("rapportage:partner-figures-export")
SCHOOL_YEAR = {"periode": "schooljaar", "schooljaar": "2024/2025"}
OCTOBER = datetime(2024, 10, 1, 10, tzinfo=ZoneInfo("Europe/Amsterdam"))
COLUMNS = [
    "doorverwijzingen",
    "doorverwijzingen_afgerond",
    "ouders_per_partner",
    "afspraken_verschenen",
    "afspraken_niet_verschenen",
    "spreekuren_gehouden",
    "spreekuren_geannuleerd",
]


@pytest.fixture
def lena(partner_p):
    return UserFactory(
        username="lena",
        first_name="Lena",
        role=Role.PARTNER,
        organisation=partner_p,
        is_organisation_lead=True,
    )


@pytest.fixture
def lena_client(lena):
    return _client_for(lena)


def _appointments(spreekuur, day: date, status: str, count: int):
    """``count`` appointments on ``day``, each of another parent of the spreekuur's school."""
    for index in range(count):
        family = FamilyFactory(school=spreekuur.school)
        AppointmentFactory(
            spreekuur=spreekuur,
            date=day,
            start_time=time(8 + index // 4, index % 4 * 15),
            family=family,
            parent=ParentFactory(family=family),
            status=status,
        )


def _referrals(school, partner, when, status: str, count: int):
    for _ in range(count):
        family = FamilyFactory(school=school)
        ReferralFactory(
            contact__school=school,
            contact__occurred_at=when,
            contact__family=family,
            contact__parent=ParentFactory(family=family),
            partner=partner,
            status=status,
        )


@pytest.fixture
def world(school_a, school_b, partner_p, partner_o, pam, otto):
    """The Werkwinkel at A (staffed by pam) and at B, the Buurtteam at A, in 2024/2025."""
    at_a = SpreekuurFactory(school=school_a, partner=partner_p, staff=[pam])
    at_b = SpreekuurFactory(school=school_b, partner=partner_p)
    buurtteam = SpreekuurFactory(school=school_a, partner=partner_o, staff=[otto])
    _appointments(at_a, date(2025, 3, 3), "verschenen", 6)
    _appointments(at_a, date(2025, 3, 10), "niet_verschenen", 2)
    # The last day of the school year and the first of the next.
    _appointments(at_b, date(2025, 7, 31), "verschenen", 1)
    _appointments(at_b, date(2025, 8, 1), "verschenen", 1)
    _appointments(buurtteam, date(2025, 3, 3), "verschenen", 7)
    _referrals(school_a, partner_p, OCTOBER, "afgerond", 5)
    _referrals(school_a, partner_o, OCTOBER, "aangemeld", 9)
    SpreekuurCancellationFactory(spreekuur=at_a, date=date(2025, 1, 13))
    return {"at_a": at_a, "at_b": at_b, "buurtteam": buurtteam}


def _table(response) -> dict:
    """{school: {indicator code: shown text}} of the page's table."""
    from html.parser import HTMLParser

    class Table(HTMLParser):
        def __init__(self):
            super().__init__()
            self.rows, self.cell, self.code = [], None, None

        def handle_starttag(self, tag, attrs):
            attrs = dict(attrs)
            if tag == "tr":
                self.rows.append([None, {}])
            elif tag == "th" and attrs.get("scope") == "row":
                self.cell, self.code = "", "school"
            elif tag == "td":
                self.cell, self.code = "", attrs.get("data-code")

        def handle_data(self, data):
            if self.cell is not None:
                self.cell += data

        def handle_endtag(self, tag):
            if tag in ("th", "td") and self.cell is not None:
                if self.code == "school":
                    self.rows[-1][0] = self.cell.strip()
                else:
                    self.rows[-1][1][self.code] = self.cell.strip()
                self.cell = None

    html = response.content.decode()
    start = html.index('id="partner-figures"')
    parser = Table()
    parser.feed(html[start : html.index("</table>", start)])
    return {school: cells for school, cells in parser.rows if school}


TOTAL = "Alle scholen van de organisatie"


# --- scope ------------------------------------------------------------------------------------


def test_the_lead_sees_every_school_of_the_organisation(lena_client, world, settings):
    settings.MIN_CELL_COUNT = 0
    table = _table(lena_client.get(PAGE, SCHOOL_YEAR))

    assert list(table) == ["De Schakel", "OBO Spoorzicht", TOTAL]
    assert table["De Schakel"]["afspraken_verschenen"] == "6"
    assert table["De Schakel"]["afspraken_niet_verschenen"] == "2"
    assert table["De Schakel"]["doorverwijzingen"] == "5"
    assert table["De Schakel"]["doorverwijzingen_afgerond"] == "5"
    # Six parents at the appointments and five referred: eleven parents of De Schakel.
    assert table["De Schakel"]["ouders_per_partner"] == "11"
    assert table["OBO Spoorzicht"]["afspraken_verschenen"] == "1"
    assert table[TOTAL]["afspraken_verschenen"] == "7"


def test_staff_see_the_schools_where_they_staff_a_consultation_hour(pam_client, world, settings):
    settings.MIN_CELL_COUNT = 0
    table = _table(pam_client.get(PAGE, SCHOOL_YEAR))

    assert list(table) == ["De Schakel", TOTAL]
    assert table["De Schakel"]["afspraken_verschenen"] == "6"
    # The total is the organisation's, B included.
    assert table[TOTAL]["afspraken_verschenen"] == "7"


def test_another_organisations_figures_never_show(pam_client, otto_client, world, settings):
    settings.MIN_CELL_COUNT = 0
    mine = _table(pam_client.get(PAGE, SCHOOL_YEAR))
    theirs = _table(otto_client.get(PAGE, SCHOOL_YEAR))

    # The Buurtteam's seven appointments and nine referrals at De Schakel are not the Werkwinkel's.
    assert mine["De Schakel"]["afspraken_verschenen"] == "6"
    assert mine["De Schakel"]["doorverwijzingen"] == "5"
    assert list(theirs) == ["De Schakel", TOTAL]
    assert theirs["De Schakel"]["afspraken_verschenen"] == "7"
    assert theirs["De Schakel"]["doorverwijzingen"] == "9"
    assert theirs["De Schakel"]["afspraken_niet_verschenen"] == "0"
    response = otto_client.get(DOWNLOAD, {**SCHOOL_YEAR, "formaat": "csv"})
    assert "Werkwinkel" not in response.content.decode()


def test_a_partner_without_any_school_sees_an_empty_page(pam_client, settings):
    response = pam_client.get(PAGE)

    assert response.status_code == 200
    assert 'id="partner-figures"' not in response.content.decode()


def test_the_figures_are_the_reach_reports_for_the_partner(lena, world):
    from rapportage.reach import reach_rows

    scope = partner_figures_scope(lena)
    figures = partner_figures(
        organisation=scope.organisation,
        schools=scope.schools,
        shown=scope.shown,
        period=Period(date(2024, 8, 1), date(2025, 7, 31)),
        min_cell=0,
    )
    report = {row.key: row.value for row in reach_rows("2024/2025")}
    for row in figures.rows[:-1]:
        for cell in row.cells:
            assert cell.value == report.get((row.school, cell.code, "Werkwinkel"), 0), (
                row.school,
                cell.code,
            )


# --- small counts -----------------------------------------------------------------------------


def test_small_counts_are_hidden_and_the_total_does_not_reveal_them(lena_client, world):
    table = _table(lena_client.get(PAGE, SCHOOL_YEAR))

    # B's one appointment is <5; then A's six are hidden as well, or the total minus A shows it.
    assert table["OBO Spoorzicht"]["afspraken_verschenen"] == "<5"
    assert table["De Schakel"]["afspraken_verschenen"] == "<5"
    assert table[TOTAL]["afspraken_verschenen"] == "7"
    assert table["De Schakel"]["afspraken_niet_verschenen"] == "<5"
    assert table["De Schakel"]["doorverwijzingen"] == "5"


def test_staff_see_hidden_what_the_lead_sees_hidden(pam_client, world):
    table = _table(pam_client.get(PAGE, SCHOOL_YEAR))

    # Six is no small count, but with the organisation's total and B's row (the lead's table) it
    # would give B's one away: hidden for pam as for the lead.
    assert table["De Schakel"]["afspraken_verschenen"] == "<5"
    assert table[TOTAL]["afspraken_verschenen"] == "7"


# --- periods ----------------------------------------------------------------------------------


def test_the_school_year_ends_on_31_july_and_a_calendar_year_spans_both(
    lena_client, world, settings
):
    settings.MIN_CELL_COUNT = 0

    def spoorzicht(query) -> str:
        return _table(lena_client.get(PAGE, query))["OBO Spoorzicht"]["afspraken_verschenen"]

    assert spoorzicht(SCHOOL_YEAR) == "1"
    assert spoorzicht({"periode": "schooljaar", "schooljaar": "2025/2026"}) == "1"
    assert spoorzicht({"periode": "kalenderjaar", "kalenderjaar": "2025"}) == "2"
    assert spoorzicht({"periode": "van_tot", "van": "2025-07-31", "tot": "2025-07-31"}) == "1"
    assert spoorzicht({"periode": "van_tot", "van": "2025-08-01", "tot": "2025-08-31"}) == "1"
    assert spoorzicht({"periode": "van_tot", "van": "2025-07-01", "tot": "2025-07-30"}) == "0"


def test_consultation_hours_held_and_cancelled_in_a_from_to_period(lena_client, world, settings):
    settings.MIN_CELL_COUNT = 0
    # January 2025 at De Schakel: Mondays 6 (Christmas holidays are not entered here), 13
    # (cancelled), 20 and 27.
    table = _table(
        lena_client.get(PAGE, {"periode": "van_tot", "van": "2025-01-01", "tot": "2025-01-31"})
    )

    assert table["De Schakel"]["spreekuren_gehouden"] == "3"
    assert table["De Schakel"]["spreekuren_geannuleerd"] == "1"
    assert table["OBO Spoorzicht"]["spreekuren_gehouden"] == "4"


def test_a_period_ending_before_it_starts_gets_an_error_next_to_the_field(lena_client, world):
    response = lena_client.get(
        PAGE, {"periode": "van_tot", "van": "2025-02-01", "tot": "2025-01-31"}
    )
    html = response.content.decode()

    assert response.status_code == 200
    assert 'id="id_tot_error"' in html
    assert "De laatste dag mag niet voor de eerste dag liggen." in html
    assert 'id="partner-figures"' not in html


def test_a_from_to_period_needs_both_days(lena_client, world):
    html = lena_client.get(PAGE, {"periode": "van_tot", "van": "2025-02-01"}).content.decode()

    assert 'id="id_tot_error"' in html
    assert "Vul de laatste dag in." in html


# --- download ---------------------------------------------------------------------------------


def test_the_csv_holds_the_pages_figures_in_the_reach_columns(lena_client, world):
    response = lena_client.get(DOWNLOAD, {**SCHOOL_YEAR, "formaat": "csv"})
    rows = list(csv.reader(io.StringIO(response.content.decode())))

    assert response["Content-Disposition"] == 'attachment; filename="cijfers_2024-2025.csv"'
    assert rows[0] == ["schooljaar", "school", "indicator", "categorie", "waarde"]
    got = {(school, code): value for _year, school, code, _org, value in rows[1:]}
    assert got[("OBO Spoorzicht", "afspraken_verschenen")] == "<5"
    assert got[("totaal", "afspraken_verschenen")] == "7"
    assert {code for _school, code in got} == set(COLUMNS)
    assert {org for *_rest, org, _value in rows[1:]} == {"Werkwinkel"}


def test_the_xlsx_is_the_pages_table(lena_client, world, settings):
    from openpyxl import load_workbook

    settings.MIN_CELL_COUNT = 0
    response = lena_client.get(
        DOWNLOAD, {"periode": "kalenderjaar", "kalenderjaar": "2025", "formaat": "xlsx"}
    )
    sheet = load_workbook(io.BytesIO(response.content))["Cijfers"]
    rows = list(sheet.iter_rows(values_only=True))

    assert rows[0][0] == "School" and rows[0][4] == "Afspraken nagekomen"
    assert rows[2] == ("OBO Spoorzicht", 0, 0, 2, 2, 0, rows[2][6], 0)


def test_the_download_link_of_the_first_page_gives_the_current_school_year(lena_client, world):
    html = lena_client.get(PAGE).content.decode()
    link = re.search(r'href="(/rapportage/partner/download/\?[^"]*formaat=csv)"', html)
    response = lena_client.get(link.group(1).replace("&amp;", "&"))

    assert response.status_code == 200
    rows = list(csv.reader(io.StringIO(response.content.decode())))
    assert rows[1][0] == SchoolYear.current().label


def test_a_bad_download_request_goes_back_with_the_error(lena_client, world):
    response = lena_client.get(DOWNLOAD, {**SCHOOL_YEAR, "formaat": "pdf"})

    assert response.status_code == 302
    assert response["Location"] == PAGE


# --- queries ----------------------------------------------------------------------------------


def _queries(client) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert client.get(PAGE, SCHOOL_YEAR).status_code == 200
    return len(captured)


def test_the_page_runs_the_same_number_of_queries_with_ten_times_the_data(
    lena_client, world, partner_p, board
):
    once = _queries(lena_client)
    for number in range(10):
        school = SchoolFactory(name=f"School {number}", board=board)
        spreekuur = SpreekuurFactory(school=school, partner=partner_p, recurrence="biweekly")
        _appointments(spreekuur, date(2025, 3, 3), "verschenen", 3)
        _appointments(spreekuur, date(2025, 3, 10), "niet_verschenen", 2)
        SpreekuurCancellationFactory(spreekuur=spreekuur, date=date(2025, 3, 17))
        _referrals(school, partner_p, OCTOBER, "afgerond", 2)

    assert _queries(lena_client) == once
    assert once < 25


# --- the lead -----------------------------------------------------------------------------------


def test_only_partner_staff_can_lead_an_organisation(lisa):
    from django.core.exceptions import ValidationError

    lisa.is_organisation_lead = True
    with pytest.raises(ValidationError) as error:
        lisa.full_clean()
    assert "is_organisation_lead" in error.value.message_dict


def test_the_administrator_sets_the_lead_on_the_user_page(adam_client, lena):
    html = adam_client.get(reverse("admin:familieschool_user_change", args=[lena.pk])).content

    field = re.search(rb'<input[^>]*name="is_organisation_lead"[^>]*>', html)
    assert field is not None
    assert b"checked" in field.group(0)
