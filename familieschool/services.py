"""Writes of the core: the audit log and the family directory."""

from django.db import transaction

from .access import role_of
from .constants import AuditAction
from .models import AuditLog, Child, Family, Parent, School

__all__ = [
    "audit_log_entry",
    "audit_log_record",
    "audit_log_record_many",
    "family_create",
    "parent_create",
    "child_create",
    "schools_import",
]


def audit_log_entry(*, user, action: AuditAction, obj, family: Family | None = None) -> AuditLog:
    """An unsaved audit row: who did ``action`` to ``obj`` (a family record); never its content."""
    if family is None and isinstance(obj, Family):
        family = obj
    return AuditLog(
        user=user,
        role=role_of(user) or "",
        action=action,
        family=family,
        object_type=obj._meta.label_lower,
        object_id=obj.pk,
    )


def audit_log_record(*, user, action: AuditAction, obj, family: Family | None = None) -> AuditLog:
    """Append who did ``action`` to ``obj`` (a family record) and when."""
    entry = audit_log_entry(user=user, action=action, obj=obj, family=family)
    entry.save()
    return entry


def audit_log_record_many(*, entries: list[AuditLog]) -> None:
    """Append many audit rows in one insert, for pages and imports that touch many families."""
    AuditLog.objects.bulk_create(entries, batch_size=500)


@transaction.atomic
def family_create(
    *, school: School, code: str, languages: str = "", interpreter_needed: bool = False, user=None
) -> Family:
    """Create a family at ``school``; the code must be unique within the school."""
    family = Family(
        school=school,
        code=code.strip(),
        languages=languages,
        interpreter_needed=interpreter_needed,
    )
    family.full_clean()
    family.save()
    if user is not None:
        audit_log_record(user=user, action=AuditAction.CREATE, obj=family)
    return family


@transaction.atomic
def parent_create(*, family: Family, **fields) -> Parent:
    """Add a parent or guardian to a family."""
    parent = Parent(family=family, **fields)
    parent.full_clean()
    parent.save()
    return parent


@transaction.atomic
def child_create(*, family: Family, group: str, first_name: str = "") -> Child:
    """Add a child to a family."""
    child = Child(family=family, group=group, first_name=first_name)
    child.full_clean()
    child.save()
    return child


SCHOOL_COLUMNS = [
    "naam",
    "type",
    "bestuur",
    "gemeente",
    "wijk",
    "schooljaar",
    "leerlingen",
    "gezinnen",
]


@transaction.atomic
def schools_import(*, data: bytes, filename: str, dry_run: bool = False) -> dict[str, int]:
    """Create or update schools, boards and year figures from a sheet; all rows or none."""
    from django.utils.text import slugify
    from django.utils.translation import gettext as _

    from .constants import SchoolType
    from .models import SchoolBoard, SchoolYearFigures
    from .schoolyear import SchoolYear
    from .tabular import ImportFailed, RowError, read_table

    table = read_table(data, filename, required=SCHOOL_COLUMNS)
    errors: list[RowError] = []
    parsed = []
    seen: dict[tuple[str, str], int] = {}
    for number, row in table.rows:
        row_errors = []
        name = row["naam"]
        if not name:
            row_errors.append(RowError(number, "naam", _("The school name is empty.")))
        school_type = row["type"].lower()
        if school_type not in SchoolType.values:
            row_errors.append(
                RowError(
                    number,
                    "type",
                    _("Use po, vo or so; found “%(value)s”.") % {"value": row["type"]},
                )
            )
        if not row["bestuur"]:
            row_errors.append(RowError(number, "bestuur", _("The school board is empty.")))
        if not row["gemeente"]:
            row_errors.append(RowError(number, "gemeente", _("The municipality is empty.")))
        try:
            year = SchoolYear.parse(row["schooljaar"])
        except ValueError:
            year = None
            row_errors.append(
                RowError(
                    number,
                    "schooljaar",
                    _("Write the school year like 2024/2025; found “%(value)s”.")
                    % {"value": row["schooljaar"]},
                )
            )
        counts = {}
        for column in ("leerlingen", "gezinnen"):
            value = row[column]
            if not value.isdigit():
                row_errors.append(
                    RowError(
                        number,
                        column,
                        _("Enter a whole number of 0 or more; found “%(value)s”.")
                        % {"value": value},
                    )
                )
            else:
                counts[column] = int(value)
        if name and year:
            key = (name.lower(), year.label)
            if key in seen:
                row_errors.append(
                    RowError(
                        number,
                        "naam",
                        _("This school and school year are already on row %(row)s.")
                        % {"row": seen[key]},
                    )
                )
            seen.setdefault(key, number)
        if row_errors:
            errors += row_errors
            continue
        parsed.append((row, school_type, year, counts))
    if errors:
        raise ImportFailed(errors)

    result = {"schools_created": 0, "schools_updated": 0, "figures": 0}
    for row, school_type, year, counts in parsed:
        board, _created = SchoolBoard.objects.get_or_create(name=row["bestuur"])
        school = School.objects.filter(name__iexact=row["naam"]).first()
        if school is None:
            slug = slugify(row["naam"])[:70] or "school"
            base, suffix = slug, 2
            while School.objects.filter(slug=slug).exists():
                slug, suffix = f"{base}-{suffix}", suffix + 1
            school = School(name=row["naam"], slug=slug)
            result["schools_created"] += 1
        else:
            result["schools_updated"] += 1
        school.type = school_type
        school.board = board
        school.municipality = row["gemeente"]
        school.district = row["wijk"]
        school.full_clean()
        school.save()
        SchoolYearFigures.objects.update_or_create(
            school=school,
            school_year=year.label,
            defaults={"pupils": counts["leerlingen"], "families": counts["gezinnen"]},
        )
        result["figures"] += 1
    if dry_run:
        transaction.set_rollback(True)
    return result
