"""Property-based tests of the three imports: whatever the cells hold, an import either succeeds
or raises ImportFailed (never another error), and a refused file writes nothing."""

import csv
import io

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

from activiteiten.imports import OPTIONAL as ATTENDANCE_OPTIONAL
from activiteiten.imports import REQUIRED as ATTENDANCE_REQUIRED
from activiteiten.imports import attendance_import
from activiteiten.models import Activity, Attendance, ImportedHeadcount, Session
from familieschool.imports import SCHOOL_COLUMNS, schools_import
from familieschool.models import AuditLog, Family, Parent, School, SchoolBoard, SchoolYearFigures
from familieschool.tabular import ImportFailed
from servicepunt.constants import IMPORT_COLUMNS
from servicepunt.imports import contacts_import
from servicepunt.models import Contact, Referral
from tests.activiteiten.factories import ActivityFactory
from tests.familieschool.factories import ChildFactory, ParentFactory
from tests.servicepunt.factories import default_themes

pytestmark = pytest.mark.django_db

PROPERTY = settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)

# Cells that mean something to one of the imports, so that some rows pass and a file can mix
# good rows with bad ones; the rest is any text at all.
MEANINGFUL = [
    "2024-10-01",
    "01-10-2024",
    "2999-01-01",
    "31-02-2024",
    "De Schakel",
    "de-schakel",
    "OBO Spoorzicht",
    "A001",
    "Fatima",
    "Yasmina",
    "geldzaken",
    "geldzaken|toeslagen",
    "Werkwinkel",
    "ja",
    "nee",
    "inloop",
    "Koffieochtend",
    "3",
    "0",
    "po",
    "2024/2025",
    "SOOO",
    '=HYPERLINK("http://x","y")',
    "-2+3",
    "99999999999",
    "N" * 250,
    "",
]
CELL = st.one_of(st.sampled_from(MEANINGFUL), st.text(max_size=40))


def rows_for(columns):
    return st.lists(st.lists(CELL, min_size=len(columns), max_size=len(columns)), max_size=6)


def as_csv(columns, rows) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(columns)
    writer.writerows(rows)
    return out.getvalue().encode("utf-8")


def as_xlsx(columns, rows) -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(columns)
    for row in rows:
        # openpyxl cannot store control characters; everything else goes in as typed.
        sheet.append([ILLEGAL_CHARACTERS_RE.sub("", cell) for cell in row])
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def counts(*models) -> dict:
    return {model.__name__: model.objects.count() for model in models}


def check(run, data: bytes, name: str, models) -> None:
    before = counts(*models)
    try:
        run(data, name)
    except ImportFailed as failure:
        assert failure.errors, "a refusal names at least one problem"
        assert all(len(error.message) <= 300 for error in failure.errors)
        assert counts(*models) == before, "a refused file wrote something"


FILE = st.sampled_from(["csv", "xlsx"])


@pytest.fixture
def contact_world(school_a, school_b, partner_p, family_a, parent_a):
    default_themes()


CONTACT_MODELS = (Contact, Referral, Family, Parent, AuditLog)


@PROPERTY
@given(rows=rows_for(IMPORT_COLUMNS), kind=FILE)
def test_contacts_import_never_breaks_and_a_refusal_writes_nothing(
    contact_world, alice, rows, kind
):
    data = as_csv(IMPORT_COLUMNS, rows) if kind == "csv" else as_xlsx(IMPORT_COLUMNS, rows)

    def run(data, name):
        return contacts_import(data=data, filename=name, user=alice)

    check(run, data, f"contacten.{kind}", CONTACT_MODELS)


ATTENDANCE_COLUMNS = ATTENDANCE_REQUIRED + ATTENDANCE_OPTIONAL
ATTENDANCE_MODELS = (Activity, Session, Attendance, ImportedHeadcount)


@pytest.fixture
def attendance_world(school_a, family_a, parent_a):
    ChildFactory(family=family_a, first_name="Yasmina")
    ParentFactory(family=family_a, first_name="Fatima", last_name="Tweede")
    ActivityFactory(school=school_a, title="Koffieochtend")


@PROPERTY
@given(rows=rows_for(ATTENDANCE_COLUMNS), kind=FILE)
def test_attendance_import_never_breaks_and_a_refusal_writes_nothing(attendance_world, rows, kind):
    columns = ATTENDANCE_COLUMNS
    data = as_csv(columns, rows) if kind == "csv" else as_xlsx(columns, rows)

    def run(data, name):
        return attendance_import(data=data, filename=name)

    check(run, data, f"aanwezig.{kind}", ATTENDANCE_MODELS)


SCHOOL_MODELS = (School, SchoolBoard, SchoolYearFigures)


@PROPERTY
@given(rows=rows_for(SCHOOL_COLUMNS), kind=FILE)
def test_schools_import_never_breaks_and_a_refusal_writes_nothing(school_a, rows, kind):
    data = as_csv(SCHOOL_COLUMNS, rows) if kind == "csv" else as_xlsx(SCHOOL_COLUMNS, rows)

    def run(data, name):
        return schools_import(data=data, filename=name)

    check(run, data, f"scholen.{kind}", SCHOOL_MODELS)


@PROPERTY
@given(data=st.binary(max_size=2000), name=st.sampled_from(["x.csv", "x.xlsx", "x.txt"]))
def test_any_bytes_are_imported_or_refused_never_an_error(contact_world, alice, data, name):
    check(
        lambda data, name: contacts_import(data=data, filename=name, user=alice),
        data,
        name,
        CONTACT_MODELS,
    )
    check(lambda data, name: attendance_import(data=data, filename=name), data, name, ())
    check(lambda data, name: schools_import(data=data, filename=name), data, name, SCHOOL_MODELS)
