"""python manage.py import_provisions FILE [--dry-run]"""

import datetime
import io

import pytest
from django.core.management import CommandError, call_command

from familieschool.constants import AuditAction
from familieschool.models import AuditLog, Family
from familieschool.tabular import ImportFailed
from servicepunt.imports import provisions_import
from servicepunt.models import Provision
from tests.servicepunt.factories import default_provision_kinds

pytestmark = pytest.mark.django_db

HEADER = "datum,school,gezin,voorziening,status,notitie\n"
GOOD = (
    HEADER
    + "2024-12-10,De Schakel,A001,Boodschappenkaart,verstrekt,\n"
    + "10-12-2024,de-schakel,a001,boodschappenkaart,Verstrekt,\n"
    + "2025-01-15,De Schakel,N100,jeugdfonds,aangevraagd,via IB\n"
)


@pytest.fixture
def kinds(db):
    return default_provision_kinds()


def _run(tmp_path, text, *args):
    path = tmp_path / "voorzieningen.csv"
    path.write_text(text, encoding="utf-8")
    out = io.StringIO()
    call_command("import_provisions", str(path), *args, stdout=out, stderr=io.StringIO())
    return out.getvalue()


def test_it_imports_provisions_and_creates_an_unknown_family(tmp_path, family_a, kinds, alice):
    out = _run(tmp_path, GOOD, "--user", "alice")

    assert Provision.objects.filter(family=family_a, kind=kinds["boodschappenkaart"]).count() == 2
    new = Family.objects.get(code="N100")
    provision = Provision.objects.get(family=new)
    assert (provision.kind, provision.status, provision.note, provision.occurred_on) == (
        kinds["jeugdfonds"],
        "aangevraagd",
        "via IB",
        datetime.date(2025, 1, 15),
    )
    assert provision.created_by == alice
    assert (
        AuditLog.objects.filter(
            user=alice, action=AuditAction.CREATE, object_type="servicepunt.provision"
        ).count()
        == 3
    )
    assert "3 voorzieningen geïmporteerd" in out and "1 nieuwe gezinnen" in out


def test_importing_the_same_file_twice_adds_nothing(tmp_path, family_a, kinds):
    _run(tmp_path, GOOD)
    out = _run(tmp_path, GOOD)

    assert Provision.objects.count() == 3
    assert Family.objects.filter(code="N100").count() == 1
    assert "0 voorzieningen geïmporteerd (3 waren al eerder geïmporteerd" in out


def test_a_dry_run_saves_nothing(tmp_path, family_a, kinds):
    out = _run(tmp_path, GOOD, "--dry-run")

    assert not Provision.objects.exists()
    assert not Family.objects.filter(code="N100").exists()
    assert "3 voorzieningen zouden worden geïmporteerd" in out


@pytest.mark.parametrize(
    "row,column,message",
    [
        ("2024-13-01,De Schakel,A001,Fiets,verstrekt,", "datum", "Geen geldige datum"),
        ("2999-01-01,De Schakel,A001,Fiets,verstrekt,", "datum", "in de toekomst"),
        ("2024-12-01,Onbekend,A001,Fiets,verstrekt,", "school", "geen school"),
        ("2024-12-01,De Schakel,,Fiets,verstrekt,", "gezin", "Vul de gezinscode in"),
        ("2024-12-01,De Schakel,A001,Scooter,verstrekt,", "voorziening", "Onbekende voorziening"),
        ("2024-12-01,De Schakel,A001,Fiets,gegeven,", "status", "aangevraagd, toegekend"),
        ("2024-12-01,De Schakel,A001,Fiets,verstrekt," + "x" * 301, "notitie", "te lang"),
    ],
)
def test_a_bad_row_is_reported_in_dutch_and_nothing_is_imported(
    tmp_path, family_a, kinds, row, column, message
):
    path = tmp_path / "fout.csv"
    path.write_text(GOOD + row + "\n", encoding="utf-8")

    with pytest.raises(CommandError) as failed:
        call_command("import_provisions", str(path), stdout=io.StringIO(), stderr=io.StringIO())
    with pytest.raises(ImportFailed) as refused:
        provisions_import(data=path.read_bytes(), filename="fout.csv")

    assert "Er is niets geïmporteerd" in str(failed.value)
    listed = [str(error) for error in refused.value.errors]
    assert len(listed) == 1
    assert listed[0].startswith(f"Rij 5, kolom {column}: ") and message in listed[0], listed
    assert not Provision.objects.exists()
    assert not Family.objects.filter(code="N100").exists()


def test_an_anonymised_family_gets_no_provision(tmp_path, family_a, kinds):
    from django.utils import timezone

    Family.objects.filter(pk=family_a.pk).update(anonymised_at=timezone.now())

    with pytest.raises(ImportFailed) as failed:
        provisions_import(data=GOOD.encode(), filename="v.csv")

    assert "geanonimiseerd" in str(failed.value.errors[0])
    assert not Provision.objects.exists()
