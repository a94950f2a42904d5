"""Import of schools, boards and the figures of a school year from a spreadsheet.

Columns: naam, type, bestuur, gemeente, wijk, schooljaar, leerlingen, gezinnen, and optionally
the pupils per groep or klas (leerlingen_groep_1_2, leerlingen_groep_3 ... leerlingen_groep_8,
leerlingen_klas_1 ... leerlingen_klas_6). All rows or none; a school is found by its name, so
importing again updates it instead of adding a second one. A per-groep column the file has sets
that figure (an empty cell clears it); one the file lacks leaves it as it was.
"""

from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.text import slugify
from django.utils.translation import gettext as _

from .constants import PUPILS_PER_GROUP, SchoolType
from .models import School, SchoolBoard, SchoolYearFigures
from .schoolyear import SchoolYear
from .tabular import ImportFailed, ImportSummary, RowError, excerpt, read_table

__all__ = ["SchoolImportSummary", "schools_import"]


@dataclass
class SchoolImportSummary(ImportSummary):
    schools_created: int = 0
    schools_updated: int = 0
    figures: int = 0


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
PUPIL_GROUP_COLUMNS = {column: field for column, field, _groups in PUPILS_PER_GROUP}


# A school has fewer pupils and families than this; a bigger number is a typing error.
MAX_COUNT = 100_000
TEXT_LIMITS = {
    "naam": School._meta.get_field("name").max_length,
    "bestuur": SchoolBoard._meta.get_field("name").max_length,
    "gemeente": School._meta.get_field("municipality").max_length,
    "wijk": School._meta.get_field("district").max_length,
}


@transaction.atomic
def schools_import(*, data: bytes, filename: str, dry_run: bool = False) -> SchoolImportSummary:
    """Create or update schools, boards and year figures from a sheet; all rows or none."""
    table = read_table(data, filename, required=SCHOOL_COLUMNS, optional=list(PUPIL_GROUP_COLUMNS))
    group_columns = [column for column in PUPIL_GROUP_COLUMNS if column in table.header]
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
                    _("Use po, vo or so; found “%(value)s”.") % {"value": excerpt(row["type"])},
                )
            )
        if not row["bestuur"]:
            row_errors.append(RowError(number, "bestuur", _("The school board is empty.")))
        if not row["gemeente"]:
            row_errors.append(RowError(number, "gemeente", _("The municipality is empty.")))
        for column, max_length in TEXT_LIMITS.items():
            if len(row[column]) > max_length:
                row_errors.append(
                    RowError(
                        number,
                        column,
                        _("This is longer than %(max)s characters.") % {"max": max_length},
                    )
                )
        try:
            year = SchoolYear.parse(row["schooljaar"])
        except ValueError:
            year = None
            row_errors.append(
                RowError(
                    number,
                    "schooljaar",
                    _("Write the school year like 2024/2025; found “%(value)s”.")
                    % {"value": excerpt(row["schooljaar"])},
                )
            )
        counts = {}
        for column in ("leerlingen", "gezinnen"):
            value = row[column]
            # "²" is a digit to Python; a count beyond MAX_COUNT is a typing error.
            if not (value.isascii() and value.isdigit()) or int(value) > MAX_COUNT:
                row_errors.append(
                    RowError(
                        number,
                        column,
                        _("Enter a whole number of 0 or more; found “%(value)s”.")
                        % {"value": excerpt(value)},
                    )
                )
            else:
                counts[column] = int(value)
        per_group = {}
        for column in group_columns:
            value = row.get(column, "")
            if value and (not (value.isascii() and value.isdigit()) or int(value) > MAX_COUNT):
                row_errors.append(
                    RowError(
                        number,
                        column,
                        _(
                            "Enter a whole number of 0 or more, or leave it empty; "
                            "found “%(value)s”."
                        )
                        % {"value": excerpt(value)},
                    )
                )
            else:
                per_group[PUPIL_GROUP_COLUMNS[column]] = int(value) if value else None
        given = sum(value for value in per_group.values() if value)
        if "leerlingen" in counts and given > counts["leerlingen"]:
            row_errors.append(
                RowError(
                    number,
                    group_columns[0],
                    _("The pupils per groep add up to %(sum)s, more than leerlingen (%(total)s).")
                    % {"sum": given, "total": counts["leerlingen"]},
                )
            )
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
        parsed.append((number, row, school_type, year, counts, per_group))
    if errors:
        raise ImportFailed(errors)

    result = SchoolImportSummary(rows=len(parsed), dry_run=dry_run)
    for number, row, school_type, year, counts, per_group in parsed:
        board, _created = SchoolBoard.objects.get_or_create(name=row["bestuur"])
        school = School.objects.filter(name__iexact=row["naam"]).first()
        if school is None:
            slug = slugify(row["naam"])[:70] or "school"
            base, suffix = slug, 2
            while School.objects.filter(slug=slug).exists():
                slug, suffix = f"{base}-{suffix}", suffix + 1
            school = School(name=row["naam"], slug=slug)
            result.schools_created += 1
        else:
            result.schools_updated += 1
        school.type = school_type
        school.board = board
        school.municipality = row["gemeente"]
        school.district = row["wijk"]
        try:
            school.full_clean()
        except ValidationError as exc:
            raise ImportFailed([RowError(number, "naam", "; ".join(exc.messages))]) from exc
        school.save()
        SchoolYearFigures.objects.update_or_create(
            school=school,
            school_year=year.label,
            defaults={"pupils": counts["leerlingen"], "families": counts["gezinnen"], **per_group},
        )
        result.figures += 1
    if dry_run:
        transaction.set_rollback(True)
    return result
