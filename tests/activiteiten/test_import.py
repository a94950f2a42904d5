"""python manage.py import_attendance FILE [--dry-run]"""

import datetime
import io

import pytest
from django.core.management import CommandError, call_command

from activiteiten.imports import attendance_import
from activiteiten.models import Activity, Attendance, ImportedHeadcount, Session
from familieschool.tabular import ImportFailed
from tests.activiteiten.factories import ActivityFactory, AttendanceFactory
from tests.familieschool.factories import ChildFactory, FamilyFactory, ParentFactory

HEADER = "datum,school,activiteit,gezin,ouder,kind,aantal_anoniem\n"


@pytest.fixture
def people(school_a, family_a, parent_a):
    ParentFactory(family=family_a, first_name="Omar", last_name="El Amrani")
    child = ChildFactory(family=family_a, first_name="Yasmina")
    koffie = ActivityFactory(school=school_a, title="Koffieochtend")
    return {"koffie": koffie, "parent": parent_a, "child": child}


def _run(tmp_path, text, *args, name="aanwezig.csv"):
    path = tmp_path / name
    path.write_bytes(text.encode("utf-8") if isinstance(text, str) else text)
    out, err = io.StringIO(), io.StringIO()
    call_command("import_attendance", str(path), *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def _fails(tmp_path, text):
    err = io.StringIO()
    path = tmp_path / "fout.csv"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(CommandError) as failed:
        call_command("import_attendance", str(path), stdout=io.StringIO(), stderr=err)
    return str(failed.value), err.getvalue()


GOOD = (
    HEADER
    + "2024-10-08,De Schakel,Koffieochtend,A001,Fatima El Amrani,,\n"
    + "08-10-2024,de-schakel,koffieochtend,a001,omar,,\n"
    + "2024-10-08,De Schakel,Koffieochtend,,,,3\n"
    + "2024-10-09,De Schakel,Huiswerkklas,A001,,Yasmina,\n"
    + "2024-10-09,De Schakel,Huiswerkklas,,,,2\n"
    + "2024-10-09,De Schakel,Huiswerkklas,,,,2\n"
)


def test_it_imports_named_and_anonymous_attendance(tmp_path, people):
    out, _err = _run(tmp_path, GOOD)

    koffie = Session.objects.get(activity=people["koffie"], date=datetime.date(2024, 10, 8))
    assert koffie.anonymous_count == 3
    assert koffie.attendances.count() == 2
    assert koffie.attendances.filter(first_time=True).count() == 2
    huiswerk = Activity.objects.get(title="Huiswerkklas")
    assert (huiswerk.type.code, huiswerk.public) == ("huiswerkklas", False)
    session = huiswerk.sessions.get()
    assert session.anonymous_count == 4
    assert session.attendances.get().child == people["child"]
    assert "Nieuwe activiteit: De Schakel: Huiswerkklas" in out
    assert "De aanwezigheid is geïmporteerd." in out


def test_importing_the_same_file_twice_adds_nothing(tmp_path, people):
    _run(tmp_path, GOOD)
    before = (
        Attendance.objects.count(),
        Session.objects.count(),
        Activity.objects.count(),
        sorted(Session.objects.values_list("anonymous_count", flat=True)),
    )

    out, _err = _run(tmp_path, GOOD)

    after = (
        Attendance.objects.count(),
        Session.objects.count(),
        Activity.objects.count(),
        sorted(Session.objects.values_list("anonymous_count", flat=True)),
    )
    assert after == before == (3, 2, 2, [3, 4])
    assert ImportedHeadcount.objects.count() == 3
    assert "Nieuwe aanwezigheid: 0 (al bekend: 3)" in out


def test_a_headcount_entered_on_the_tablet_is_kept_and_the_import_adds_to_it(tmp_path, people):
    Session.objects.create(
        activity=people["koffie"], date=datetime.date(2024, 10, 8), anonymous_count=5
    )

    _run(tmp_path, HEADER + "2024-10-08,De Schakel,Koffieochtend,,,,3\n")
    _run(tmp_path, HEADER + "2024-10-08,De Schakel,Koffieochtend,,,,3\n")

    assert Session.objects.get().anonymous_count == 8


def test_an_earlier_visit_means_it_is_not_a_first_time(tmp_path, people):
    AttendanceFactory(
        session__activity=people["koffie"],
        session__date=datetime.date(2024, 9, 1),
        parent=people["parent"],
    )

    _run(tmp_path, HEADER + "2024-10-08,De Schakel,Koffieochtend,A001,Fatima,,\n")

    later = Attendance.objects.get(session__date=datetime.date(2024, 10, 8))
    assert later.first_time is False


def test_a_dry_run_saves_nothing(tmp_path, people):
    out, _err = _run(tmp_path, GOOD, "--dry-run")

    assert "Proefimport: er is niets opgeslagen." in out
    assert "Nieuwe aanwezigheid: 3" in out
    assert not Session.objects.exists()
    assert Activity.objects.count() == 1


def test_it_reads_xlsx(tmp_path, people):
    from openpyxl import Workbook

    workbook = Workbook()
    sheet = workbook.active
    sheet.append(HEADER.strip().split(","))
    sheet.append(
        [
            datetime.datetime(2024, 10, 8),
            "De Schakel",
            "Koffieochtend",
            "A001",
            "Fatima",
            None,
            None,
        ]
    )
    sheet.append(
        [datetime.datetime(2024, 10, 8), "De Schakel", "Koffieochtend", None, None, None, 2]
    )
    buffer = io.BytesIO()
    workbook.save(buffer)

    _run(tmp_path, buffer.getvalue(), name="aanwezig.xlsx")

    session = Session.objects.get()
    assert (session.attendances.count(), session.anonymous_count) == (1, 2)


@pytest.mark.parametrize(
    "row,column,message",
    [
        ("2024-13-01,De Schakel,Koffieochtend,A001,Fatima,,", "datum", "Geen geldige datum"),
        ("2999-01-01,De Schakel,Koffieochtend,A001,Fatima,,", "datum", "in de toekomst"),
        ("2024-10-08,Onbekende School,Koffieochtend,A001,Fatima,,", "school", "geen school"),
        ("2024-10-08,De Schakel,,A001,Fatima,,", "activiteit", "Vul de activiteit in"),
        ("2024-10-08,De Schakel,Koffieochtend," + "Z" * 31 + ",Fatima,,", "gezin", "te lang"),
        ("2024-10-08,De Schakel,Koffieochtend,Z999,," + "N" * 101 + ",", "kind", "te lang"),
        ("2024-10-08,De Schakel,Koffieochtend,A001,Fatima,Yasmina,", "ouder", "niet allebei"),
        ("2024-10-08,De Schakel,Koffieochtend,A001,,,", "ouder", "niet allebei"),
        ("2024-10-08,De Schakel,Koffieochtend,,Fatima,,", "gezin", "Vul de gezinscode in"),
        ("2024-10-08,De Schakel,Koffieochtend,A001,Fatima,,2", "aantal_anoniem", "niemand"),
        ("2024-10-08,De Schakel,Koffieochtend,,,,drie", "aantal_anoniem", "heel getal"),
        ("2024-10-08,De Schakel,Koffieochtend,,,,0", "aantal_anoniem", "heel getal"),
        ("2024-10-08,De Schakel,Koffieochtend,A001,El Amrani,,", "ouder", "Meer dan één ouder"),
    ],
)
def test_a_bad_row_is_reported_in_dutch_and_nothing_is_imported(
    tmp_path, people, row, column, message
):
    ParentFactory(family=people["parent"].family, first_name="El Amrani", last_name="")
    ParentFactory(family=people["parent"].family, first_name="El Amrani", last_name="")
    text = HEADER + "2024-10-08,De Schakel,Koffieochtend,,,,3\n" + row + "\n"

    summary, errors = _fails(tmp_path, text)

    assert "Er is niets geïmporteerd" in summary
    assert "3" in errors and column in errors
    assert message in errors
    assert not Session.objects.exists()
    assert Activity.objects.count() == 1


def test_every_bad_row_is_reported_at_once(tmp_path, people):
    text = HEADER + "gisteren,De Schakel,Koffieochtend,,,,3\n" + "2024-10-08,X,Y,,,,1\n"

    with pytest.raises(ImportFailed) as failed:
        attendance_import(data=text.encode(), filename="a.csv")

    assert [(error.row, error.column) for error in failed.value.errors] == [
        (2, "datum"),
        (3, "school"),
    ]


def test_a_missing_column_is_reported(tmp_path, people):
    summary, errors = _fails(tmp_path, "datum,school,gezin\n2024-10-08,De Schakel,A001\n")

    assert "activiteit" in errors
    assert not Session.objects.exists()


def test_an_unknown_column_is_reported(tmp_path, people):
    summary, errors = _fails(
        tmp_path, "datum,school,activiteit,bsn\n2024-10-08,De Schakel,Koffieochtend,123\n"
    )

    assert "bsn" in errors


def test_an_empty_file_is_reported(tmp_path, db):
    summary, errors = _fails(tmp_path, "")

    assert "Er is niets geïmporteerd: 1 fouten." in summary


def test_a_missing_file_is_reported(tmp_path, db):
    with pytest.raises(CommandError) as failed:
        call_command("import_attendance", str(tmp_path / "bestaat-niet.csv"))

    assert "kan niet worden gelezen" in str(failed.value)


def test_an_anonymised_family_cannot_be_imported(tmp_path, people):
    from django.utils import timezone

    FamilyFactory(school=people["koffie"].school, code="OUD1", anonymised_at=timezone.now())

    _summary, errors = _fails(
        tmp_path, HEADER + "2024-10-08,De Schakel,Koffieochtend,OUD1,Fatima,,\n"
    )

    assert "geanonimiseerd" in errors
    assert not FamilyFactory._meta.model.objects.filter(code="OUD1", parents__isnull=False).exists()


# --- unknown families, parents and children are created, as the contact import does -------

NEW_PEOPLE = (
    "datum,school,activiteit,gezin,ouder,kind,groep,aantal_anoniem\n"
    + "2024-10-08,De Schakel,Koffieochtend,Z999,Karim Bakkali,,,\n"
    + "2024-10-08,De Schakel,Koffieochtend,z999,,Noah,5,\n"
    + "2024-10-15,De Schakel,Koffieochtend,Z999,karim bakkali,,,\n"
    + "2024-10-08,De Schakel,Koffieochtend,A001,Leila,,,\n"
    + "2024-10-08,De Schakel,Koffieochtend,A001,,Yasmina,,\n"
)


def test_unknown_families_parents_and_children_are_created(tmp_path, people):
    from familieschool.models import Child, Family, Parent

    out, _err = _run(tmp_path, NEW_PEOPLE)

    family = Family.objects.get(school=people["koffie"].school, code="Z999")
    karim = Parent.objects.get(family=family)
    assert (karim.first_name, karim.last_name) == ("Karim", "Bakkali")
    noah = Child.objects.get(family=family)
    # Groep 5 in 2024/2025 is groep 6 a year later: the groep belongs to the row's school year.
    assert (noah.first_name, noah.group, noah.group_year) == ("Noah", "g5", 2024)
    assert Parent.objects.filter(family=people["parent"].family, first_name="Leila").exists()
    assert Child.objects.filter(first_name="Yasmina").count() == 1
    assert Attendance.objects.filter(parent=karim).count() == 2
    assert Attendance.objects.filter(child=noah).count() == 1
    assert "Nieuwe gezinnen: 1, ouders: 2, kinderen: 1" in out


def test_a_dry_run_says_how_many_would_be_created_and_creates_none(tmp_path, people):
    from familieschool.models import Child, Family, Parent

    counts = (Family.objects.count(), Parent.objects.count(), Child.objects.count())

    out, _err = _run(tmp_path, NEW_PEOPLE, "--dry-run")

    assert "Nieuwe gezinnen: 1, ouders: 2, kinderen: 1" in out
    assert (Family.objects.count(), Parent.objects.count(), Child.objects.count()) == counts
    assert not Attendance.objects.exists()


def test_importing_new_people_twice_creates_them_once(tmp_path, people):
    from familieschool.models import Child, Family, Parent

    _run(tmp_path, NEW_PEOPLE)
    counts = (
        Family.objects.count(),
        Parent.objects.count(),
        Child.objects.count(),
        Attendance.objects.count(),
    )
    out, _err = _run(tmp_path, NEW_PEOPLE)

    assert (
        Family.objects.count(),
        Parent.objects.count(),
        Child.objects.count(),
        Attendance.objects.count(),
    ) == counts
    assert "Nieuwe gezinnen: 0, ouders: 0, kinderen: 0" in out


def test_a_bad_row_after_new_people_creates_nobody(tmp_path, people):
    from familieschool.models import Family

    text = NEW_PEOPLE + "2024-10-08,De Schakel,Koffieochtend,Z998,,Sara,groep 9,\n"

    _summary, errors = _fails(tmp_path, text)

    assert "groep" in errors and "7" in errors
    assert not Family.objects.filter(code__in=["Z999", "Z998"]).exists()
