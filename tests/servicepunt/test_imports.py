import csv
import io
import time
from datetime import timedelta

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.urls import reverse
from django.utils import timezone
from openpyxl import Workbook

from familieschool.models import AuditLog, Family, Parent
from familieschool.tabular import ImportFailed
from servicepunt.constants import IMPORT_COLUMNS, Outcome, ReferralStatus
from servicepunt.imports import contacts_import
from servicepunt.models import Contact, Referral
from tests.familieschool.factories import FamilyFactory
from tests.servicepunt.factories import theme_link_schools

pytestmark = pytest.mark.django_db

ROW = {
    "datum": "2024-10-01",
    "school": "De Schakel",
    "gezin": "",
    "ouder": "",
    "kanaal": "",
    "themas": "geldzaken",
    "doorverwezen_naar": "",
    "toestemming": "",
    "notitie": "",
}


def make_csv(rows, columns=IMPORT_COLUMNS, delimiter=",") -> bytes:
    out = io.StringIO()
    writer = csv.writer(out, delimiter=delimiter)
    writer.writerow(columns)
    for row in rows:
        merged = {**ROW, **row}
        writer.writerow([merged.get(column, "") for column in columns])
    return out.getvalue().encode("utf-8")


def run(data: bytes, name="contacten.csv", **kwargs):
    return contacts_import(data=data, filename=name, **kwargs)


def errors_of(data: bytes, name="contacten.csv", **kwargs):
    with pytest.raises(ImportFailed) as info:
        run(data, name, **kwargs)
    return [(error.row, error.column, error.message) for error in info.value.errors]


@pytest.fixture
def world(school_a, school_b, partner_p, themes):
    return themes


def test_it_imports_contacts_families_and_referrals(world, school_a, partner_p, alice):
    FamilyFactory(school=school_a, code="A001")
    data = make_csv(
        [
            {"gezin": "A001", "ouder": "Fatima", "themas": "geldzaken|Wonen"},
            {
                "datum": "02-10-2024",
                "gezin": "N100",
                "kanaal": "Telefoon",
                "doorverwezen_naar": "werkwinkel",
                "toestemming": "ja",
                "notitie": "Brief Belastingdienst",
            },
            {},
        ]
    )

    summary = run(data, user=alice)

    assert (summary.created, summary.skipped, summary.families_created) == (3, 0, 1)
    assert Contact.objects.count() == 3
    known = Contact.objects.get(family__code="A001")
    assert known.parent.first_name == "Fatima"
    assert set(known.themes.values_list("code", flat=True)) == {"geldzaken", "wonen"}
    assert theme_link_schools() == [(school_a.pk, school_a.pk)] * 4
    assert timezone.localtime(known.occurred_at).date().isoformat() == "2024-10-01"
    referred = Contact.objects.get(family__code="N100")
    assert (referred.channel, referred.outcome) == ("telefoon", Outcome.REFERRED)
    referral = Referral.objects.get()
    assert (referral.partner, referral.status) == (partner_p, ReferralStatus.REGISTERED)
    assert referral.status_changes.count() == 1
    assert Contact.objects.filter(family=None).count() == 1
    assert AuditLog.objects.filter(object_type="servicepunt.contact").count() == 3


def test_a_missing_column_is_named(world):
    columns = [c for c in IMPORT_COLUMNS if c != "datum"]

    assert errors_of(make_csv([{}], columns=columns)) == [
        (1, "datum", "Deze kolom ontbreekt in de kopregel.")
    ]


def test_an_unknown_school_is_refused_with_its_row(world):
    errors = errors_of(make_csv([{}, {"school": "Nergensschool"}]))

    assert errors == [(3, "school", "Onbekende school: „Nergensschool”.")]
    assert not Contact.objects.exists()


def test_a_school_that_is_not_hers_counts_as_unknown(world, school_a, school_b):
    errors = errors_of(make_csv([{"school": school_b.name}]), schools=[school_a])

    assert errors[0][:2] == (2, "school")
    assert "niet een van uw scholen" in errors[0][2]


def test_a_bad_date_is_refused(world):
    errors = errors_of(make_csv([{"datum": "31-02-2024"}, {"datum": "gisteren"}]))

    assert [(row, column) for row, column, _ in errors] == [(2, "datum"), (3, "datum")]
    assert "geen datum" in errors[0][2]


def test_a_date_in_the_future_is_refused(world):
    tomorrow = (timezone.localdate() + timedelta(days=1)).isoformat()
    assert errors_of(make_csv([{"datum": tomorrow}]))[0][:2] == (2, "datum")


def test_an_unknown_theme_is_refused(world):
    errors = errors_of(make_csv([{"themas": "geldzaken|ruimtevaart"}]))

    assert errors == [(2, "themas", "Onbekend thema: „ruimtevaart”.")]


def test_a_referral_without_consent_is_refused(world):
    errors = errors_of(
        make_csv(
            [
                {"doorverwezen_naar": "Werkwinkel", "toestemming": "nee"},
                {"doorverwezen_naar": "Werkwinkel"},
            ]
        )
    )

    assert [(row, column) for row, column, _ in errors] == [
        (2, "toestemming"),
        (3, "toestemming"),
    ]
    assert errors[0][2].startswith("Geen toestemming, geen doorverwijzing")
    assert not Referral.objects.exists()


def test_an_unknown_partner_and_channel_are_refused(world):
    errors = errors_of(make_csv([{"doorverwezen_naar": "Onbekend", "toestemming": "ja"}]))
    assert errors[0][:2] == (2, "doorverwezen_naar")
    errors = errors_of(make_csv([{"kanaal": "postduif"}]))
    assert errors[0][:2] == (2, "kanaal")


def test_an_empty_file_is_refused(world):
    assert errors_of(b"")[0][0] == 1
    assert errors_of(make_csv([]))[0][:2] == (2, "")


def test_every_bad_row_is_listed_and_nothing_is_imported(world):
    data = make_csv(
        [
            {},
            {"school": "Nergens", "themas": "ruimtevaart"},
            {},
            {"datum": "1 oktober"},
        ]
    )

    errors = errors_of(data)

    assert [(row, column) for row, column, _ in errors] == [
        (3, "school"),
        (3, "themas"),
        (5, "datum"),
    ]
    assert not Contact.objects.exists()
    assert not Family.objects.filter(code="N100").exists()


def test_row_numbers_are_those_a_spreadsheet_shows(world):
    text = make_csv([{}]).decode() + "\n" + make_csv([{"school": "X"}]).decode().split("\n", 1)[1]

    assert errors_of(text.encode())[0][:2] == (4, "school")


def test_the_same_file_twice_adds_nothing(world):
    data = make_csv([{"gezin": "N1", "ouder": "Sara"}, {"themas": "werk"}])

    first = run(data)
    second = run(data)

    assert (first.created, second.created, second.skipped) == (2, 0, 2)
    assert Contact.objects.count() == 2
    assert Family.objects.filter(code="N1").count() == 1
    assert Parent.objects.filter(first_name="Sara").count() == 1


def test_identical_rows_within_a_file_are_separate_contacts(world):
    data = make_csv([{}, {}, {"themas": "werk"}])

    assert run(data).created == 3
    assert Contact.objects.filter(family=None).count() == 3
    assert run(data).created == 0
    bigger = make_csv([{}, {}, {}, {"themas": "werk"}])
    assert run(bigger).created == 1


def test_a_semicolon_csv_is_read(world):
    data = make_csv([{"themas": "geldzaken|werk", "notitie": "a, b"}], delimiter=";")

    run(data)

    contact = Contact.objects.get()
    assert contact.themes.count() == 2
    assert contact.note == "a, b"


def test_an_xlsx_file_is_read(world):
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(IMPORT_COLUMNS)
    sheet.append(["01-10-2024", "De Schakel", "X9", "Noor", "", "opvoeding", "", "", ""])
    from datetime import datetime

    sheet.append([datetime(2024, 10, 3), "De Schakel", "", "", "", "taal", "", "", ""])
    buffer = io.BytesIO()
    workbook.save(buffer)

    summary = run(buffer.getvalue(), name="contacten.xlsx")

    assert summary.created == 2
    dates = sorted(
        timezone.localtime(c.occurred_at).date().isoformat() for c in Contact.objects.all()
    )
    assert dates == ["2024-10-01", "2024-10-03"]


def test_a_dry_run_saves_nothing(world):
    summary = run(make_csv([{"gezin": "N5"}]), dry_run=True)

    assert (summary.created, summary.families_created) == (1, 1)
    assert not Contact.objects.exists()
    assert not Family.objects.filter(code="N5").exists()


def test_five_thousand_rows_import_in_reasonable_time(world, alice):
    rows = []
    for n in range(5000):
        row = {"datum": f"2024-{(n % 9) + 1:02d}-{(n % 27) + 1:02d}", "notitie": f"vraag {n}"}
        if n % 3:
            row.update(gezin=f"G{n % 400:03d}", ouder=f"Ouder{n % 7}")
        if n % 10 == 0:
            row.update(doorverwezen_naar="Werkwinkel", toestemming="ja", themas="werk|geldzaken")
        rows.append(row)
    data = make_csv(rows)

    started = time.perf_counter()
    summary = run(data, user=alice)
    elapsed = time.perf_counter() - started
    print(f"\nImported 5,000 rows in {elapsed:.2f} s")

    assert summary.created == 5000
    assert Contact.objects.count() == 5000
    assert Referral.objects.count() == 500
    assert Family.objects.filter(code__startswith="G").count() == 400
    assert elapsed < 60

    started = time.perf_counter()
    assert run(data).created == 0
    print(
        f"Re-importing the same 5,000 rows added nothing in {time.perf_counter() - started:.2f} s"
    )


# --- the management command ------------------------------------------------------------


def test_the_command_imports_and_its_dry_run_does_not(world, tmp_path):
    path = tmp_path / "contacten.csv"
    path.write_bytes(make_csv([{}, {"gezin": "C1"}]))
    out = io.StringIO()

    call_command("import_contacts", str(path), "--dry-run", stdout=out)
    assert not Contact.objects.exists()
    assert "niets opgeslagen: 2 contacten zouden worden geïmporteerd" in out.getvalue()

    call_command("import_contacts", str(path), stdout=out)
    assert Contact.objects.count() == 2


def test_the_command_lists_every_bad_row(world, tmp_path):
    path = tmp_path / "contacten.csv"
    path.write_bytes(make_csv([{"datum": "x"}, {"themas": "y"}]))
    err = io.StringIO()

    with pytest.raises(CommandError):
        call_command("import_contacts", str(path), stderr=err)

    assert "Rij 2, kolom datum" in err.getvalue()
    assert "Rij 3, kolom themas" in err.getvalue()
    assert not Contact.objects.exists()


# --- the upload page -------------------------------------------------------------------


def upload(client, data: bytes, name="contacten.csv"):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return client.post(
        reverse("servicepunt:import"), {"file": SimpleUploadedFile(name, data, "text/csv")}
    )


def test_the_upload_page_previews_before_saving(alice_client, world):
    response = upload(alice_client, make_csv([{}, {"gezin": "P1"}]))

    assert response.status_code == 200
    assert response.context["summary"].created == 2
    assert not Contact.objects.exists()
    assert "Deze contacten importeren" in response.content.decode()

    response = alice_client.post(reverse("servicepunt:import-confirm"))

    assert response.url == reverse("servicepunt:contact-list")
    assert Contact.objects.count() == 2
    assert Contact.objects.filter(created_by__username="alice").count() == 2
    assert alice_client.post(reverse("servicepunt:import-confirm")).status_code == 302
    assert Contact.objects.count() == 2


def test_the_upload_page_lists_the_bad_rows(alice_client, world):
    response = upload(alice_client, make_csv([{"datum": "morgen"}]))

    html = response.content.decode()
    assert 'id="import-errors"' in html
    assert "geen datum" in html
    assert "Deze contacten importeren" not in html


def test_the_upload_page_accepts_only_her_schools(alice_client, world, school_b):
    response = upload(alice_client, make_csv([{"school": school_b.name}]))

    assert "niet een van uw scholen" in response.content.decode()
    assert alice_client.post(reverse("servicepunt:import-confirm")).status_code == 302
    assert not Contact.objects.exists()


def test_the_template_can_be_downloaded(alice_client, world):
    response = alice_client.get(reverse("servicepunt:import-template"))

    assert response["Content-Type"].startswith("text/csv")
    header = response.content.decode().splitlines()[0]
    assert header.split(",") == IMPORT_COLUMNS
    assert run(response.content).created == 1


def test_the_upload_page_refuses_a_big_file_next_to_the_field(alice_client, world, settings):
    settings.IMPORT_MAX_UPLOAD_BYTES = 200
    response = upload(alice_client, make_csv([{}] * 10))

    assert response.context["form"].errors["file"] == [
        "Het bestand is te groot: er kan maximaal 200\xa0bytes tegelijk worden geïmporteerd."
    ]
    assert "summary" not in response.context
    assert not Contact.objects.exists()


def test_the_upload_page_caps_the_report_and_quotes_no_whole_cell(alice_client, world):
    long_value = "9" * 900
    response = upload(alice_client, make_csv([{"datum": long_value}] * 150))

    html = response.content.decode()
    assert len(response.context["errors"]) == 100
    assert "en nog 50 problemen die hier niet staan" in html
    assert "9" * 60 not in html
    assert not Contact.objects.exists()
