"""The contact and provision imports: check every row first, then write in one transaction.

The upload page and ``import_contacts`` both call ``contacts_import``. A row's ``import_key``
is the sha256 of its normalised content plus how many identical rows came before it in the
same file: importing a file twice adds nothing, while two identical rows in one file stay two
contacts.
"""

import hashlib
import json
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, time

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from familieschool.constants import AuditAction
from familieschool.models import Family, Parent, PartnerOrganisation, School
from familieschool.services import audit_log_entry, audit_log_record_many
from familieschool.tabular import (
    ImportFailed,
    ImportSummary,
    RowError,
    excerpt,
    parse_date,
    read_table,
)

from .constants import (
    IMPORT_OPTIONAL_COLUMNS,
    IMPORT_REQUIRED_COLUMNS,
    PROVISION_IMPORT_COLUMNS,
    Channel,
    ConsentMethod,
    Outcome,
    ProvisionStatus,
    ReferralStatus,
)
from .models import (
    Contact,
    ContactTheme,
    Provision,
    ProvisionKind,
    Referral,
    ReferralStatusChange,
    Theme,
)

CHUNK = 500
NOTE_MAX = Contact._meta.get_field("note").max_length
CODE_MAX = Family._meta.get_field("code").max_length
NAME_MAX = Parent._meta.get_field("first_name").max_length
YES = {"ja", "j", "yes", "y", "1", "x"}
NO = {"nee", "n", "no", "0", ""}


@dataclass
class PlannedRow:
    number: int
    day: date
    school: School
    family_code: str
    parent_name: str
    channel: str
    themes: list[Theme]
    partner: PartnerOrganisation | None
    note: str
    import_key: str


__all__ = [
    "ContactImportSummary",
    "contacts_import",
    "ProvisionImportSummary",
    "provisions_import",
]


@dataclass
class ContactImportSummary(ImportSummary):
    created: int = 0
    skipped: int = 0
    families_created: int = 0
    parents_created: int = 0
    referrals_created: int = 0
    preview: list[PlannedRow] = field(default_factory=list)


def _fold(value: str) -> str:
    return " ".join((value or "").split()).casefold()


def _channel_lookup() -> dict[str, str]:
    lookup = {}
    for value, label in Channel.choices:
        lookup[_fold(value)] = value
        lookup[_fold(str(label))] = value
        lookup[_fold(_(str(label)))] = value
    lookup.update({"e-mail/app": Channel.EMAIL_APP, "e-mail": Channel.EMAIL_APP})
    lookup.update({"email": Channel.EMAIL_APP, "app": Channel.EMAIL_APP})
    return lookup


def _theme_lookup() -> dict[str, Theme]:
    lookup = {}
    for theme in Theme.objects.all():
        lookup[_fold(theme.name)] = theme
        lookup[_fold(theme.code)] = theme
    return lookup


def _key(values: list, occurrence: int) -> str:
    payload = json.dumps([*values, occurrence], ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(payload.encode("utf-8")).hexdigest()


def _plan(table, schools: Iterable[School] | None) -> tuple[list[PlannedRow], list[RowError]]:
    restricted = schools is not None
    school_list = list(schools) if restricted else list(School.objects.all())
    schools_by_name = {_fold(school.name): school for school in school_list}
    themes = _theme_lookup()
    partners = {_fold(partner.name): partner for partner in PartnerOrganisation.objects.all()}
    channels = _channel_lookup()
    today = timezone.localdate()
    seen: Counter = Counter()
    planned, errors = [], []

    for number, row in table.rows:
        row_errors = []

        def bad(column, message, _errors=row_errors, _number=number):
            _errors.append(RowError(_number, column, message))

        day = None
        raw_date = row.get("datum", "")
        if not raw_date:
            bad("datum", _("The date is empty."))
        else:
            try:
                day = parse_date(raw_date)
            except ValueError:
                bad(
                    "datum",
                    _("“%(value)s” is not a date; use YYYY-MM-DD or DD-MM-YYYY.")
                    % {"value": excerpt(raw_date)},
                )
            else:
                if day > today:
                    bad("datum", _("The date lies in the future."))

        school_name = row.get("school", "")
        school = schools_by_name.get(_fold(school_name))
        if not school_name:
            bad("school", _("The school is empty."))
        elif school is None:
            if restricted:
                bad(
                    "school",
                    _("Unknown school, or not one of your schools: “%(name)s”.")
                    % {"name": excerpt(school_name)},
                )
            else:
                bad("school", _("Unknown school: “%(name)s”.") % {"name": excerpt(school_name)})

        code = row.get("gezin", "").strip()
        if len(code) > CODE_MAX:
            bad(
                "gezin", _("The family code is longer than %(max)s characters.") % {"max": CODE_MAX}
            )
        parent_name = " ".join(row.get("ouder", "").split())
        if parent_name and not code:
            bad("ouder", _("A parent can only be named with a family code in the column gezin."))
        elif len(parent_name) > NAME_MAX:
            bad("ouder", _("The name is longer than %(max)s characters.") % {"max": NAME_MAX})

        raw_channel = row.get("kanaal", "")
        channel = channels.get(_fold(raw_channel)) if raw_channel else Channel.WALK_IN
        if channel is None:
            bad(
                "kanaal",
                _("Unknown channel “%(value)s”; use one of: %(choices)s.")
                % {"value": excerpt(raw_channel), "choices": ", ".join(Channel.values)},
            )

        row_themes = []
        names = [part.strip() for part in row.get("themas", "").split("|") if part.strip()]
        if not names:
            bad("themas", _("Fill in at least one theme."))
        for name in names:
            theme = themes.get(_fold(name))
            if theme is None:
                bad("themas", _("Unknown theme: “%(name)s”.") % {"name": excerpt(name)})
            elif theme not in row_themes:
                row_themes.append(theme)

        partner_name = row.get("doorverwezen_naar", "")
        partner = partners.get(_fold(partner_name)) if partner_name else None
        if partner_name and partner is None:
            bad(
                "doorverwezen_naar",
                _("Unknown partner organisation: “%(name)s”.") % {"name": excerpt(partner_name)},
            )

        consent = _fold(row.get("toestemming", ""))
        if consent not in YES and consent not in NO:
            bad("toestemming", _("Fill in ja or nee."))
        elif partner_name and consent not in YES:
            bad("toestemming", _("No consent, no referral: a referral needs “ja” here."))

        note = row.get("notitie", "").strip()
        if len(note) > NOTE_MAX:
            bad("notitie", _("The note is longer than %(max)s characters.") % {"max": NOTE_MAX})

        if row_errors:
            errors += row_errors
            continue
        normalised = [
            day.isoformat(),
            school.pk,
            _fold(code),
            _fold(parent_name),
            channel,
            sorted(theme.code for theme in row_themes),
            partner.pk if partner else None,
            consent in YES,
            note,
        ]
        signature = json.dumps(normalised, ensure_ascii=False)
        occurrence = seen[signature]
        seen[signature] += 1
        planned.append(
            PlannedRow(
                number=number,
                day=day,
                school=school,
                family_code=code,
                parent_name=parent_name,
                channel=channel,
                themes=row_themes,
                partner=partner,
                note=note,
                import_key=_key(normalised, occurrence),
            )
        )
    return planned, errors


def _chunks(items: list, size: int = CHUNK):
    for start in range(0, len(items), size):
        yield items[start : start + size]


def _existing_keys(keys: list[str]) -> set[str]:
    found = set()
    for chunk in _chunks(keys):
        found.update(
            Contact.objects.filter(import_key__in=chunk).values_list("import_key", flat=True)
        )
    return found


def _families_of(rows: list[PlannedRow]) -> dict[tuple[int, str], Family]:
    school_ids = {row.school.pk for row in rows if row.family_code}
    families = {}
    for family in Family.objects.filter(school_id__in=school_ids):
        families.setdefault((family.school_id, _fold(family.code)), family)
    return families


def _check_families(rows, families) -> list[RowError]:
    return [
        RowError(
            row.number,
            "gezin",
            _("This family has been anonymised; nothing can be added to it."),
        )
        for row in rows
        if row.family_code
        and (family := families.get((row.school.pk, _fold(row.family_code))))
        and family.anonymised_at is not None
    ]


def contacts_import(
    *,
    data: bytes,
    filename: str,
    user=None,
    schools: Iterable[School] | None = None,
    dry_run: bool = False,
) -> ContactImportSummary:
    """Import contacts from a CSV/XLSX file, all or nothing; raises ImportFailed with every bad row.

    ``schools`` limits the schools a file may name (a coordinator's own); None admits all.
    Rows imported before (same content, same occurrence within the file) are skipped.
    """
    table = read_table(data, filename, IMPORT_REQUIRED_COLUMNS, IMPORT_OPTIONAL_COLUMNS)
    planned, errors = _plan(table, schools)
    families = _families_of(planned)
    errors += _check_families(planned, families)
    if errors:
        raise ImportFailed(sorted(errors, key=lambda error: error.row))

    existing = _existing_keys([row.import_key for row in planned])
    new_rows = [row for row in planned if row.import_key not in existing]
    summary = ContactImportSummary(
        rows=len(planned),
        created=len(new_rows),
        skipped=len(planned) - len(new_rows),
        referrals_created=sum(1 for row in new_rows if row.partner),
        dry_run=dry_run,
        preview=new_rows[:20],
    )
    new_family_keys = {
        (row.school.pk, _fold(row.family_code))
        for row in new_rows
        if row.family_code and (row.school.pk, _fold(row.family_code)) not in families
    }
    summary.families_created = len(new_family_keys)
    if dry_run or not new_rows:
        return summary
    try:
        _write(new_rows, families, user, summary)
    except IntegrityError as exc:
        # Someone imported the same rows at the same moment; the unique key kept them single.
        raise ImportFailed(
            [RowError(1, "", _("This file is being imported by someone else; try again."))]
        ) from exc
    return summary


@transaction.atomic
def _write(rows: list[PlannedRow], families: dict, user, summary: ContactImportSummary) -> None:
    audit = []

    def log(obj, family):
        if user is not None:
            audit.append(
                audit_log_entry(user=user, action=AuditAction.CREATE, obj=obj, family=family)
            )

    new_families = []
    for row in rows:
        key = (row.school.pk, _fold(row.family_code))
        if row.family_code and key not in families:
            family = Family(school=row.school, code=row.family_code)
            _clean(family, row.number, "gezin")
            families[key] = family
            new_families.append(family)
    Family.objects.bulk_create(new_families)
    for family in new_families:
        log(family, family)

    family_ids = {
        families[(row.school.pk, _fold(row.family_code))].pk for row in rows if row.family_code
    }
    parents = {}
    for parent in Parent.objects.filter(family_id__in=family_ids).order_by("id"):
        parents.setdefault((parent.family_id, _fold(parent.first_name)), parent)
    new_parents = []
    for row in rows:
        if not row.parent_name:
            continue
        family = families[(row.school.pk, _fold(row.family_code))]
        key = (family.pk, _fold(row.parent_name))
        if key not in parents:
            parents[key] = Parent(family=family, first_name=row.parent_name)
            new_parents.append(parents[key])
    Parent.objects.bulk_create(new_parents)
    summary.parents_created = len(new_parents)

    tz = timezone.get_current_timezone()
    contacts = []
    for row in rows:
        family = families[(row.school.pk, _fold(row.family_code))] if row.family_code else None
        parent = parents[(family.pk, _fold(row.parent_name))] if row.parent_name else None
        contact = Contact(
            school=row.school,
            # Spreadsheets hold a date only; noon keeps it on that date in every time zone.
            occurred_at=timezone.make_aware(datetime.combine(row.day, time(12)), tz),
            channel=row.channel,
            family=family,
            parent=parent,
            note=row.note,
            outcome=Outcome.REFERRED if row.partner else Outcome.ANSWERED,
            created_by=user,
            import_key=row.import_key,
        )
        _clean(contact, row.number, "")
        contacts.append(contact)
    Contact.objects.bulk_create(contacts, batch_size=CHUNK)
    ContactTheme.objects.bulk_create(
        [
            ContactTheme.link(contact, theme)
            for contact, row in zip(contacts, rows, strict=True)
            for theme in row.themes
        ],
        batch_size=CHUNK,
    )
    for contact in contacts:
        log(contact, contact.family)

    referrals, referral_rows = [], []
    for contact, row in zip(contacts, rows, strict=True):
        if row.partner is None:
            continue
        referral = Referral(
            contact=contact,
            school=row.school,
            family=contact.family,
            parent=contact.parent,
            partner=row.partner,
            consent_given_by=row.parent_name or _("parent"),
            consent_method=ConsentMethod.VERBAL,
            consent_date=row.day,
            status=ReferralStatus.REGISTERED,
            status_changed_at=contact.occurred_at,
            created_by=user,
        )
        _clean(referral, row.number, "doorverwezen_naar")
        referrals.append(referral)
        referral_rows.append(row)
    Referral.objects.bulk_create(referrals, batch_size=CHUNK)
    ReferralLink = Referral.themes.through
    ReferralLink.objects.bulk_create(
        [
            ReferralLink(referral_id=referral.pk, theme_id=theme.pk)
            for referral, row in zip(referrals, referral_rows, strict=True)
            for theme in row.themes
        ],
        batch_size=CHUNK,
    )
    ReferralStatusChange.objects.bulk_create(
        [
            ReferralStatusChange(
                referral=referral,
                status=ReferralStatus.REGISTERED,
                changed_by=user,
                changed_at=referral.status_changed_at,
            )
            for referral in referrals
        ],
        batch_size=CHUNK,
    )
    for referral in referrals:
        log(referral, referral.family)
    audit_log_record_many(entries=audit)


def _clean(obj, number: int, column: str) -> None:
    # The related objects were loaded or created above, and uniqueness was checked in bulk:
    # leaving those checks out saves several queries per row.
    relations = [f.name for f in obj._meta.concrete_fields if f.is_relation]
    try:
        obj.full_clean(exclude=relations, validate_unique=False, validate_constraints=False)
    except ValidationError as exc:
        messages = "; ".join(exc.messages)
        raise ImportFailed([RowError(number, column, messages)]) from exc


# --- provisions ------------------------------------------------------------------------------
# Columns: datum, school, gezin, voorziening, status, notitie. An unknown family code creates
# the family, as the contact import does. The import key works as for contacts.


@dataclass
class ProvisionImportSummary(ImportSummary):
    created: int = 0
    skipped: int = 0
    families_created: int = 0


@dataclass
class _ProvisionRow:
    number: int
    day: date
    school: School
    family_code: str
    kind: ProvisionKind
    status: str
    note: str
    import_key: str


def _plan_provisions(table) -> tuple[list[_ProvisionRow], list[RowError]]:
    schools = {}
    for school in School.objects.all():
        schools[_fold(school.name)] = school
        schools[_fold(school.slug)] = school
    kinds = {}
    for kind in ProvisionKind.objects.all():
        kinds[_fold(kind.name)] = kind
        kinds[_fold(kind.code)] = kind
    statuses = {_fold(value): value for value in ProvisionStatus.values}
    statuses.update({_fold(str(label)): value for value, label in ProvisionStatus.choices})
    note_max = Provision._meta.get_field("note").max_length
    today = timezone.localdate()
    seen: Counter = Counter()
    planned, errors = [], []
    for number, row in table.rows:
        row_errors = []

        def bad(column, message, _errors=row_errors, _number=number):
            _errors.append(RowError(_number, column, message))

        try:
            day = parse_date(row.get("datum", ""))
        except ValueError:
            day = None
            bad("datum", _("Not a valid date; use YYYY-MM-DD or DD-MM-YYYY."))
        if day and day > today:
            bad("datum", _("The date lies in the future."))
        school = schools.get(_fold(row.get("school", "")))
        if school is None:
            bad("school", _("No school with this name is known."))
        code = row.get("gezin", "").strip()
        if not code:
            bad("gezin", _("Fill in the family code: a provision is for a family."))
        elif len(code) > CODE_MAX:
            bad("gezin", _("The family code is too long (at most 30 characters)."))
        kind = kinds.get(_fold(row.get("voorziening", "")))
        if kind is None:
            bad(
                "voorziening",
                _(
                    "Unknown provision “%(value)s”; use a name from the list, "
                    "e.g. Boodschappenkaart."
                )
                % {"value": excerpt(row.get("voorziening", ""))},
            )
        status = statuses.get(_fold(row.get("status", "")))
        if status is None:
            bad(
                "status",
                _("Use aangevraagd, toegekend, afgewezen or verstrekt; found “%(value)s”.")
                % {"value": excerpt(row.get("status", ""))},
            )
        note = " ".join(row.get("notitie", "").split())
        if len(note) > note_max:
            bad(
                "notitie",
                _("The note is too long (at most %(max)s characters).") % {"max": note_max},
            )
        if row_errors:
            errors += row_errors
            continue
        normalised = [day.isoformat(), school.pk, _fold(code), kind.pk, status, note]
        seen[tuple(normalised)] += 1
        planned.append(
            _ProvisionRow(
                number,
                day,
                school,
                code,
                kind,
                status,
                note,
                _key(normalised, seen[tuple(normalised)]),
            )
        )
    return planned, errors


@transaction.atomic
def provisions_import(
    *, data: bytes, filename: str, user=None, dry_run: bool = False
) -> ProvisionImportSummary:
    """Import provisions; raises ImportFailed with every bad row and imports nothing."""
    table = read_table(data, filename, PROVISION_IMPORT_COLUMNS[:5], PROVISION_IMPORT_COLUMNS[5:])
    planned, errors = _plan_provisions(table)
    families = {
        (family.school_id, _fold(family.code)): family
        for family in Family.objects.filter(school__in={row.school for row in planned})
    }
    for row in planned:
        family = families.get((row.school.pk, _fold(row.family_code)))
        if family is not None and family.anonymised_at is not None:
            errors.append(RowError(row.number, "gezin", _("This family has been anonymised.")))
    if errors:
        raise ImportFailed(errors)
    existing = _existing_provision_keys([row.import_key for row in planned])
    new_rows = [row for row in planned if row.import_key not in existing]
    summary = ProvisionImportSummary(
        rows=len(planned), dry_run=dry_run, skipped=len(planned) - len(new_rows)
    )
    audit = []
    provisions = []
    for row in new_rows:
        key = (row.school.pk, _fold(row.family_code))
        if key not in families:
            families[key] = Family.objects.create(school=row.school, code=row.family_code)
            summary.families_created += 1
            if user is not None:
                audit.append(
                    audit_log_entry(
                        user=user,
                        action=AuditAction.CREATE,
                        obj=families[key],
                        family=families[key],
                    )
                )
        provisions.append(
            Provision(
                family=families[key],
                kind=row.kind,
                status=row.status,
                occurred_on=row.day,
                note=row.note,
                created_by=user,
                import_key=row.import_key,
            )
        )
    Provision.objects.bulk_create(provisions)
    summary.created = len(provisions)
    if user is not None:
        audit += [
            audit_log_entry(user=user, action=AuditAction.CREATE, obj=p, family=p.family)
            for p in provisions
        ]
        audit_log_record_many(entries=audit)
    if dry_run:
        transaction.set_rollback(True)
    return summary


def _existing_provision_keys(keys: list[str]) -> set[str]:
    found = set()
    for chunk in _chunks(keys):
        found.update(
            Provision.objects.filter(import_key__in=chunk).values_list("import_key", flat=True)
        )
    return found
