"""The reach figures as CSV or XLSX; the dashboard download and `export_reach` both call
``reach_export``.

CSV (a stable format for other programs): UTF-8, comma, the header
``schooljaar,school,indicator,categorie,waarde`` and one row per figure of the chosen year.
``school`` is the school's name, ``bestuur: <name>`` for a board or ``totaal``; ``categorie`` is
empty where it does not apply (for referrals, sessions and attendance the empty category is
the sum of the categories); ``waarde`` is a number with a dot as decimal mark, ``<K`` when it is
hidden to protect small counts, or empty for a percentage of an unknown pupil or family count.
A frozen year ends with one extra row ``<year>,totaal,vastgelegd,<date frozen>,1`` and its file
name ends in ``_vastgelegd``.

XLSX (for people): an overview sheet with the key figures per school and the change against the
previous year, then one sheet per group of figures, and the sheet "Aanbod" listing the activities
offered per building block and target group (``offer_rows``); a note on the overview sheet says
whether the figures are frozen.
"""

import functools
import hashlib
import io
import logging
from collections.abc import Callable
from dataclasses import astuple, dataclass
from pathlib import Path

from django.conf import settings
from django.utils import timezone, translation
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from activiteiten.constants import TargetGroup
from activiteiten.models import ActivityType, BuildingBlock
from familieschool.constants import Language
from familieschool.exports import csv_bytes, xlsx_bytes, xlsx_cell
from familieschool.models import School
from servicepunt.constants import ProvisionStatus
from servicepunt.models import ContactSource, ProvisionKind, Theme

from .constants import PROGRESS_ROWS_READ, PROGRESS_WRITTEN
from .reach import (
    BY_CODE,
    GROUPS,
    INDICATORS,
    LEVEL_SCHOOL,
    TOTAL,
    ReachReport,
    ReachRow,
    reach_report,
)
from .reach.counting import Period, offered_activities, school_infos, school_queryset
from .reach.definitions import (
    CONTACTS,
    CONTACTS_PER_LANGUAGE,
    CONTACTS_PER_SOURCE,
    CONTACTS_PER_THEME,
    FAMILIES_PER_PROVISION,
    FAMILIES_PER_PROVISION_STATUS,
    NO_BUILDING_BLOCK,
    OFFER_PER_BUILDING_BLOCK,
    PER_ACTIVITY_TYPE,
)
from .reach.partner import PARTNER_FIGURES, PartnerFigures
from .reach.report import kept_stamps

__all__ = [
    "CSV_HEADER",
    "FORMATS",
    "FROZEN_INDICATOR",
    "ReachExport",
    "partner_figures_export",
    "reach_export",
    "reach_export_fingerprint",
]

logger = logging.getLogger(__name__)

CSV_HEADER = ["schooljaar", "school", "indicator", "categorie", "waarde"]
FORMATS = ("csv", "xlsx")
FROZEN_INDICATOR = "vastgelegd"
CONTENT_TYPES = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


@dataclass(frozen=True)
class ReachExport:
    content: bytes
    filename: str
    content_type: str
    rows: int
    frozen: bool


def reach_export(
    *,
    school_year,
    schools=None,
    min_cell: int = 0,
    fmt: str = "csv",
    scope=None,
    kept: bool = False,
    period=None,
    breakdown: str | None = None,
    progress: Callable[[int], None] | None = None,
) -> ReachExport:
    """The figures of one school year as a CSV or XLSX file (from its snapshot when frozen;
    with ``kept``, from the kept count instead of counting now). With ``period`` (a
    ``rapportage.reach.Period``) the figures of that period instead, counted now. With
    ``breakdown`` (``soort``, ``gemeente``, ``wijk`` or ``startjaar``) the rows of its groups
    of schools follow the boards', named in the ``school`` column as the boards are.
    ``progress`` is told the percentage done once the rows are read and once the file is
    written (the background download's progress bar)."""
    if fmt not in FORMATS:
        raise ValueError(f"unknown format {fmt!r}")
    report = reach_report(
        school_year,
        schools=schools,
        min_cell=min_cell,
        previous=fmt == "xlsx",
        scope=scope,
        kept=kept,
        period=period,
        breakdown=breakdown,
    )
    if progress is not None:
        progress(PROGRESS_ROWS_READ)
    with translation.override("nl"):
        content = _csv(report) if fmt == "csv" else _xlsx(report, offer_rows(report, schools))
    if progress is not None:
        progress(PROGRESS_WRITTEN)
    stem = f"bereik_{report.label.replace('/', '-')}"
    if report.is_frozen:
        stem += "_vastgelegd"
    export = ReachExport(
        content=content,
        filename=f"{stem}.{fmt}",
        content_type=CONTENT_TYPES[fmt],
        rows=len(report.rows),
        frozen=report.is_frozen,
    )
    logger.info(
        "reach export %s %s: %d schools, %d rows, %d hidden, min_cell %d, frozen %s",
        report.label,
        fmt,
        sum(row.level == LEVEL_SCHOOL for row in report.rows if row.indicator == CONTACTS),
        export.rows,
        sum(row.hidden for row in report.rows),
        min_cell,
        export.frozen,
    )
    return export


@functools.cache
def _export_version() -> str:
    """A digest of the code and the Dutch wording that shape a file (this module, the reach
    package, the translations, Django's and openpyxl's versions): a file made before a deploy
    that changes any of them is not the file made after it."""
    import openpyxl
    from django import get_version

    root = Path(settings.BASE_DIR)
    parts = [Path(__file__), *sorted((root / "rapportage" / "reach").glob("*.py"))]
    parts += sorted(root.glob("*/locale/nl/LC_MESSAGES/django.mo"))
    digest = hashlib.sha256(f"{get_version()} {openpyxl.__version__}".encode())
    for path in parts:
        digest.update(path.read_bytes())
    return digest.hexdigest()


def _stamp(value) -> str:
    return value.isoformat() if hasattr(value, "isoformat") else repr(value)


def reach_export_fingerprint(
    *,
    period: Period,
    fmt: str,
    school_ids: list[int],
    scope_ids: list[int],
    min_cell: int,
    breakdown: str | None = None,
) -> str | None:
    """A digest of everything the file of ``reach_export`` with these parameters (kept figures)
    is made of, read without building it: equal fingerprints, the same file (the XLSX's own
    creation time in ``docProps/core.xml`` apart). The figures stand in by their stamps (when
    their kept count was counted or their snapshot frozen: ``kept_stamps``), next to what is
    read live: the schools' names, boards, pupils and families, and for the XLSX the names of the
    coded categories and the activities offered. None when part of the figures would be counted
    while building (then no two files are known to be equal). 5-12 queries, none over the
    records but the offer's."""
    previous = fmt == "xlsx"
    ids = sorted(set(school_ids) | set(scope_ids))
    stamps = kept_stamps(period, schools=School.objects.filter(pk__in=ids), previous=previous)
    if stamps is None:
        return None
    years = [period.school_year]
    if previous and period == Period.of(period.school_year):
        years.append(period.school_year.previous())
    parts = [
        _export_version(),
        fmt,
        period.first.isoformat(),
        period.last.isoformat(),
        breakdown or "",
        sorted(school_ids),
        ids,
        min_cell,
        [tuple(_stamp(value) for value in stamp) for stamp in stamps],
        [
            astuple(info)
            for year in years
            for info in school_infos(year, School.objects.filter(pk__in=ids))
        ],
    ]
    if fmt == "xlsx":
        parts.append([sorted(names.items()) for names in _code_names()])
        parts.append(period_offer_rows(period, School.objects.filter(pk__in=school_ids)))
    return hashlib.sha256(repr(parts).encode()).hexdigest()


def partner_figures_export(figures: PartnerFigures, fmt: str = "csv") -> ReachExport:
    """A partner organisation's own figures (``reach.partner``) as CSV or XLSX. The CSV keeps
    the reach contract: the period in ``schooljaar``, the organisation in ``categorie``, the
    total row as ``totaal``; the XLSX is the page's table."""
    if fmt not in FORMATS:
        raise ValueError(f"unknown format {fmt!r}")
    with translation.override("nl"):
        if fmt == "csv":
            rows = [
                [
                    figures.label,
                    TOTAL if row.is_total else row.school,
                    cell.code,
                    figures.organisation,
                    cell.waarde,
                ]
                for row in figures.rows
                for cell in row.cells
            ]
            content = csv_bytes(rows, header=CSV_HEADER)
        else:
            header = [_("School"), *[str(label) for _code, label in PARTNER_FIGURES]]
            table = [
                [row.school, *[cell.waarde if cell.hidden else cell.value for cell in row.cells]]
                for row in figures.rows
            ]
            content = xlsx_bytes({_("Figures"): (header, table)})
    stem = f"cijfers_{figures.label.replace('/', '-')}"
    logger.info(
        "partner figures export %s %s: %d rows, %d hidden, min_cell %d",
        figures.label,
        fmt,
        len(figures.rows),
        sum(cell.hidden for row in figures.rows for cell in row.cells),
        figures.min_cell,
    )
    return ReachExport(
        content=content,
        filename=f"{stem}.{fmt}",
        content_type=CONTENT_TYPES[fmt],
        rows=len(figures.rows),
        frozen=False,
    )


def _csv(report: ReachReport) -> bytes:
    rows = [
        [row.school_year, row.school, row.indicator, row.category, row.waarde]
        for row in report.rows
    ]
    if report.is_frozen:
        frozen_on = timezone.localtime(report.frozen_at).date().isoformat()
        rows.append([report.label, TOTAL, FROZEN_INDICATOR, frozen_on, 1])
    return csv_bytes(rows, header=CSV_HEADER)


# --- XLSX --------------------------------------------------------------------------------

COUNT_FORMAT = "#,##0"
CHANGE_FORMAT = "+#,##0;-#,##0;0"
PERCENT_FORMAT = "0.0%"
POINTS_FORMAT = '+0.0" pp";-0.0" pp";0.0" pp"'


def _cell_value(row: ReachRow | None, value):
    """What goes into a cell: a number, the ``<K`` text, or nothing."""
    if row is None:
        return None
    if row.hidden:
        return row.waarde
    if value is None:
        return None
    if row.is_percentage:
        return float(value) / 100
    return int(value)


class _Styles:
    """The few style objects of the workbook, made once: openpyxl hashes every style it is
    given, so a new Font per cell costs more than writing the cell."""

    def __init__(self):
        from openpyxl.styles import Alignment, Font

        self.bold = Font(bold=True)
        self.right = Alignment(horizontal="right")


def _write(sheet, row_number: int, column: int, value, number_format: str, styles, bold=False):
    cell = xlsx_cell(sheet, row_number, column, value)
    if isinstance(value, str):
        cell.alignment = styles.right
    else:
        cell.number_format = number_format
    if bold:
        cell.font = styles.bold
    return cell


def _header(sheet, row_number: int, labels: list[str]) -> None:
    from openpyxl.styles import Alignment, Font, PatternFill

    fill = PatternFill("solid", fgColor="DDEBF7")
    for column, label in enumerate(labels, start=1):
        cell = xlsx_cell(sheet, row_number, column, label)
        cell.font = Font(bold=True)
        cell.fill = fill
        cell.alignment = Alignment(wrap_text=True, vertical="top")


def _widths(sheet, widths: dict[int, float]) -> None:
    from openpyxl.utils import get_column_letter

    for column, width in widths.items():
        sheet.column_dimensions[get_column_letter(column)].width = width


def offer_rows(report: ReachReport, schools=None) -> list[tuple[str, str, str, str, str]]:
    """The activities offered in the report's period at ``schools`` (all when None), as
    ``aanbod_per_bouwsteen`` counts them, from the records now (also for a frozen year): one
    (school, building block, target group, activity type, activity title) per activity, in the
    order of the building blocks, then by school, target group and title: 1 query."""
    return period_offer_rows(report.period or Period.of(report.school_year), schools)


def period_offer_rows(period: Period, schools=None) -> list[tuple[str, str, str, str, str]]:
    """``offer_rows`` of ``period``."""
    ids = school_queryset(schools).values("pk")
    groups = {code: str(label) for code, label in TargetGroup.choices}
    rows = offered_activities(period, ids).values_list(
        "school__name", "type__building_block__name", "audience", "type__name", "title"
    )
    return [
        (school, block or _("No building block"), groups.get(audience, audience), kind, title)
        for school, block, audience, kind, title in rows
    ]


def offer_category_name(category: str, blocks: dict[str, str]) -> str:
    """``<building block> / <target group>`` for a category ``<block code>:<target group>``."""
    block, _sep, audience = category.partition(":")
    groups = {code: str(label) for code, label in TargetGroup.choices}
    block_name = _("No building block") if block == NO_BUILDING_BLOCK else blocks.get(block, block)
    return f"{block_name} / {groups.get(audience, audience)}"


def _code_names() -> tuple[dict[str, str], ...]:
    """The names of the themes, activity types, sources, provision kinds and building blocks by
    their codes, read now (a rename shows in the next file): 5 queries."""
    return (
        dict(Theme.objects.values_list("code", "name")),
        dict(ActivityType.objects.values_list("code", "name")),
        dict(ContactSource.objects.values_list("code", "name")),
        dict(ProvisionKind.objects.values_list("code", "name")),
        dict(BuildingBlock.objects.values_list("code", "name")),
    )


def _category_names(report: ReachReport) -> dict[tuple[str, str], str]:
    """Readable names for the codes of themes, activity types, sources, provision kinds (with
    their status) and languages (5 queries); the code column keeps the indicator's code."""
    themes, types, sources, kinds, blocks = _code_names()
    languages = {code: str(label) for code, label in Language.choices}
    statuses = {code: str(label) for code, label in ProvisionStatus.choices}
    names = {}
    for row in report.rows:
        key, category = (row.indicator, row.category), row.category
        if row.indicator == CONTACTS_PER_THEME:
            names[key] = themes.get(category, category)
        elif row.indicator in PER_ACTIVITY_TYPE:
            names[key] = types.get(category, category)
        elif row.indicator == CONTACTS_PER_SOURCE:
            names[key] = sources.get(category, category)
        elif row.indicator == CONTACTS_PER_LANGUAGE:
            names[key] = languages.get(category, category)
        elif row.indicator == FAMILIES_PER_PROVISION:
            names[key] = kinds.get(category, category)
        elif row.indicator == FAMILIES_PER_PROVISION_STATUS and ":" in category:
            kind, status = category.split(":", 1)
            names[key] = f"{kinds.get(kind, kind)}: {statuses.get(status, status)}"
        elif row.indicator == OFFER_PER_BUILDING_BLOCK and category:
            names[key] = offer_category_name(category, blocks)
    return names


def _notes(report: ReachReport) -> list[str]:
    notes = []
    if report.min_cell > 1:
        notes.append(
            _(
                "Counts from 1 to %(below)s are shown as <%(k)s; a second count or a total can be "
                "hidden the same way, so that no small count can be worked out."
            )
            % {"below": report.min_cell - 1, "k": report.min_cell}
        )
    else:
        notes.append(_("Exact counts: small counts are not hidden."))
    if report.is_frozen:
        notes.append(
            _(
                "Frozen on %(date)s: these figures come from the snapshot of that day and no "
                "longer change."
            )
            % {"date": date_format(timezone.localtime(report.frozen_at), "DATETIME_FORMAT")}
        )
    else:
        notes.append(
            _("Not frozen: the current figures of %(date)s.")
            % {
                "date": date_format(
                    timezone.localtime(report.counted_at or timezone.now()), "DATETIME_FORMAT"
                )
            }
        )
    notes.append(
        _(
            "Offer: the activities offered in the period, with a session held or, for a type "
            "offered without sessions, running. Listed from the records now, also for a frozen "
            "year."
        )
    )
    if report.previous_label:
        notes.append(
            _(
                "Change: against school year %(year)s (in percentage points for percentages). "
                "Empty categories mean: all categories together."
            )
            % {"year": report.previous_label}
        )
    return notes


def _offer_sheet(workbook, offer: list[tuple[str, str, str, str, str]]) -> None:
    """The "Aanbod" sheet: one row per activity offered (activity names are not personal)."""
    sheet = workbook.create_sheet(_("Offer")[:31])
    _header(
        sheet, 1, [_("School"), _("Building block"), _("Target group"), _("Type"), _("Activity")]
    )
    longest = dict.fromkeys(range(1, 6), 10)
    for number, row in enumerate(offer, start=2):
        for column, value in enumerate(row, start=1):
            xlsx_cell(sheet, number, column, value)
            longest[column] = max(longest[column], len(value))
    sheet.freeze_panes = "A2"
    if offer:
        sheet.auto_filter.ref = f"A1:E{len(offer) + 1}"
    _widths(sheet, {column: min(width + 2, 50) for column, width in longest.items()})


def _xlsx(report: ReachReport, offer: list[tuple[str, str, str, str, str]]) -> bytes:
    from openpyxl import Workbook
    from openpyxl.styles import Font

    year = report.label
    previous_year = report.previous_label or ""
    styles = _Styles()
    indicator_labels = {indicator.code: str(indicator.label) for indicator in INDICATORS}
    workbook = Workbook()
    overview = workbook.active
    overview.title = _("Overview")[:31]
    xlsx_cell(overview, 1, 1, _("Reach figures %(year)s") % {"year": year}).font = Font(
        bold=True, size=14
    )
    notes = _notes(report)
    for offset, note in enumerate(notes, start=2):
        xlsx_cell(overview, offset, 1, note)
    header_row = len(notes) + 3

    key_indicators = [indicator for indicator in INDICATORS if indicator.key]
    labels = [_("School")]
    for indicator in key_indicators:
        labels += [str(indicator.label), _("Difference")]
    _header(overview, header_row, labels)
    by_key = {row.key: row for row in report.rows}
    entities = list(dict.fromkeys((row.school, row.level) for row in report.rows))
    for offset, (name, level) in enumerate(entities, start=1):
        row_number = header_row + offset
        if level != LEVEL_SCHOOL:
            xlsx_cell(overview, row_number, 1, name).font = styles.bold
        else:
            xlsx_cell(overview, row_number, 1, name)
        for index, indicator in enumerate(key_indicators):
            row = by_key.get((name, indicator.code, ""))
            column = 2 + 2 * index
            _write(
                overview,
                row_number,
                column,
                _cell_value(row, row.value if row else None),
                PERCENT_FORMAT if indicator.is_percentage else COUNT_FORMAT,
                styles,
                bold=level != LEVEL_SCHOOL,
            )
            change = report.change(row) if row else None
            if change is not None:
                _write(
                    overview,
                    row_number,
                    column + 1,
                    float(change) if indicator.is_percentage else int(change),
                    POINTS_FORMAT if indicator.is_percentage else CHANGE_FORMAT,
                    styles,
                )
    overview.freeze_panes = overview.cell(row=header_row + 1, column=2)
    overview.row_dimensions[header_row].height = 60
    _widths(
        overview,
        {1: max(12, *(len(name) + 2 for name, _level in entities))}
        | {column: 14 if column % 2 == 0 else 10 for column in range(2, len(labels) + 1)},
    )

    names = _category_names(report)
    for group, group_label in GROUPS.items():
        sheet = workbook.create_sheet(str(group_label)[:31])
        _header(
            sheet,
            1,
            [
                _("School"),
                _("Figure"),
                _("Category"),
                year,
                previous_year,
                _("Difference"),
                _("Code"),
            ],
        )
        number = 1
        longest = {1: 10, 2: 10, 3: 10}
        for row in report.rows:
            indicator = BY_CODE[row.indicator]
            if indicator.group != group:
                continue
            number += 1
            category = names.get((row.indicator, row.category), row.category)
            before = report.previous(row)
            value_format = PERCENT_FORMAT if indicator.is_percentage else COUNT_FORMAT
            label = indicator_labels[row.indicator]
            school = xlsx_cell(sheet, number, 1, row.school)
            if row.level != LEVEL_SCHOOL:
                school.font = styles.bold
            xlsx_cell(sheet, number, 2, label)
            xlsx_cell(sheet, number, 3, category or None)
            _write(sheet, number, 4, _cell_value(row, row.value), value_format, styles)
            _write(
                sheet,
                number,
                5,
                _cell_value(before, before.value if before else None),
                value_format,
                styles,
            )
            change = report.change(row)
            if change is not None:
                _write(
                    sheet,
                    number,
                    6,
                    float(change) if indicator.is_percentage else int(change),
                    POINTS_FORMAT if indicator.is_percentage else CHANGE_FORMAT,
                    styles,
                )
            xlsx_cell(sheet, number, 7, row.indicator)
            longest[1] = max(longest[1], len(row.school))
            longest[2] = max(longest[2], len(label))
            longest[3] = max(longest[3], len(category))
        sheet.freeze_panes = "A2"
        if number > 1:
            sheet.auto_filter.ref = f"A1:G{number}"
        _widths(
            sheet,
            {
                1: min(longest[1] + 2, 45),
                2: min(longest[2] + 2, 60),
                3: min(longest[3] + 2, 45),
                4: 12,
                5: 12,
                6: 12,
                7: 30,
            },
        )
    _offer_sheet(workbook, offer)

    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()
