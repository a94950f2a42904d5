"""The dashboard's tables and chart data, shaped from a report's rows (no queries but two
small lookups of theme, activity-type and building-block names)."""

import hashlib
from datetime import date

from django.conf import settings
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from activiteiten.models import ActivityType, BuildingBlock
from servicepunt.models import Theme

from .exports import offer_category_name
from .reach import (
    BY_CODE,
    INDICATORS,
    LEVEL_SCHOOL,
    TOTAL,
    ReachReport,
    ReachRow,
    month_labels,
)
from .reach.definitions import (
    ATTENDANCE,
    CONTACTS_PER_MONTH,
    CONTACTS_PER_THEME,
    FAMILIES_REACHED,
    OFFER_PER_BUILDING_BLOCK,
    PARTICIPANTS,
    PER_ACTIVITY_TYPE,
    REFERRALS,
    REFERRALS_COMPLETED,
    SESSIONS,
)
from .reach.rows import Remembered

KEY_INDICATORS = [indicator for indicator in INDICATORS if indicator.key]
DETAIL_INDICATORS = [
    CONTACTS_PER_THEME,
    REFERRALS,
    REFERRALS_COMPLETED,
    SESSIONS,
    ATTENDANCE,
    PARTICIPANTS,
    OFFER_PER_BUILDING_BLOCK,
]


def _chart_value(row: ReachRow | None):
    if row is None or row.shown is None:
        return None
    return float(row.shown) if row.is_percentage else int(row.shown)


def _previous(report: ReachReport, row: ReachRow | None) -> ReachRow | None:
    return report.previous(row) if row is not None else None


def _month_name(label: str) -> str:
    year, month = label.split("-")
    return date_format(date(int(year), int(month), 1), "M Y")


def months_so_far(year, today: date, period=None) -> list[str]:
    """The year's (or the period's) months up to this one: a month to come has nothing counted
    yet, and a line that drops to 0 there reads as a collapse."""
    this_month = f"{today.year}-{today.month:02d}"
    labels = period.month_labels() if period is not None else month_labels(year)
    return [label for label in labels if label <= this_month]


def previous_label(report: ReachReport) -> str:
    """Last year's name in the charts: "2025/2026 t/m 29 nov" while this year is under way."""
    label = report.school_year.previous().label
    if report.previous_until is None:
        return label
    day = date_format(report.previous_until, "j M Y")
    return _("%(year)s up to %(day)s") % {"year": label, "day": day}


def coded_names() -> dict[str, dict[str, str]]:
    """The names of themes, activity types and building blocks by code (three small lookups):
    a name changed in /beheer/ shows at once."""
    return {
        "themes": dict(Theme.objects.values_list("code", "name")),
        "types": dict(ActivityType.objects.values_list("code", "name")),
        "blocks": dict(BuildingBlock.objects.values_list("code", "name")),
    }


# The rendered tables of the last REACH_ROWS_CACHED reports of this process (see below).
TABLES = Remembered(settings.REACH_ROWS_CACHED)


def dashboard_tables(report: ReachReport) -> str:
    """The dashboard's tables and charts as HTML, remembered by everything they are made of.

    Rendering a city's key figures, detail tables and charts (10,000 cells) took about half of
    the dashboard's time, and the next reader of the same kept count gets the same HTML: it is
    made of the report's rows only (aggregates, after suppression; ``report.digest`` covers
    them, the schools shown and last year's), the names of the coded lists, today's date (the
    months so far) and the language. Any change in one of these is another key, so the HTML is
    never older than the figures; the request-bound parts of the page (form, links, "figures as
    of") are rendered on every view.
    """
    names = coded_names()
    key = hashlib.sha256(
        repr(
            (
                report.digest,
                sorted((kind, sorted(found.items())) for kind, found in names.items()),
                timezone.localdate(),
                get_language(),
            )
        ).encode()
    ).hexdigest()
    html = TABLES.get(key) if report.digest else None
    if html is None:
        html = render_to_string(
            "rapportage/_reach_tables.html",
            {**dashboard_data(report, names), "report": report, "period": report.period},
        )
        TABLES.put(key, html)
    return html


def dashboard_data(report: ReachReport, names: dict | None = None) -> dict:
    """Key figures per school with their change, detail tables and the three charts."""
    names = names or coded_names()
    year = report.school_year
    by_key = {row.key: row for row in report.rows}
    previous = {row.key: row for row in report.previous_rows}
    entities = list(dict.fromkeys((row.school, row.level) for row in report.rows))
    school_names = [name for name, level in entities if level == LEVEL_SCHOOL]

    key_rows = []
    for name, level in entities:
        cells = []
        for indicator in KEY_INDICATORS:
            row = by_key.get((name, indicator.code, ""))
            cells.append({"row": row, "change": report.change(row) if row else None})
        key_rows.append({"name": name, "level": level, "cells": cells})

    themes, types, blocks = names["themes"], names["types"], names["blocks"]
    names = {CONTACTS_PER_THEME: themes} | dict.fromkeys(PER_ACTIVITY_TYPE, types)
    names[OFFER_PER_BUILDING_BLOCK] = {
        row.category: offer_category_name(row.category, blocks)
        for row in report.rows
        if row.indicator == OFFER_PER_BUILDING_BLOCK and row.category
    }

    details = []
    for code in DETAIL_INDICATORS:
        categories = list(
            dict.fromkeys(
                row.category
                for row in report.rows
                if row.indicator == code and row.school == TOTAL and row.category
            )
        )
        details.append(
            {
                "indicator": BY_CODE[code],
                "columns": [name for name, _level in entities],
                "rows": [
                    {
                        "category": names.get(code, {}).get(category, category),
                        "cells": [by_key.get((name, code, category)) for name, _level in entities],
                    }
                    for category in categories
                ],
            }
        )

    this_months = months_so_far(year, timezone.localdate(), report.period)
    theme_rows = [
        row for row in report.rows if row.indicator == CONTACTS_PER_THEME and row.school == TOTAL
    ]

    def chart(labels, datasets):
        return {
            "labels": labels,
            "datasets": [{"label": label, "cells": cells} for label, cells in datasets],
            "rows": [
                {"label": text, "cells": [cells[i] for _label, cells in datasets]}
                for i, text in enumerate(labels)
            ],
        }

    # A calendar year or from-to period has no last year to compare with: one series, named
    # after the period (never after a school year).
    with_previous = report.period is None
    charts = {
        "schools": chart(
            school_names,
            [(report.label, [by_key.get((n, FAMILIES_REACHED, "")) for n in school_names])]
            + (
                [
                    (
                        previous_label(report),
                        [previous.get((n, FAMILIES_REACHED, "")) for n in school_names],
                    )
                ]
                if with_previous
                else []
            ),
        ),
        "themes": chart(
            [themes.get(row.category, row.category) for row in theme_rows],
            [(report.label, theme_rows)],
        ),
        "months": chart(
            [_month_name(label) for label in this_months],
            [(report.label, [by_key.get((TOTAL, CONTACTS_PER_MONTH, m)) for m in this_months])]
            + (
                [
                    (
                        previous_label(report),
                        [
                            _previous(report, by_key.get((TOTAL, CONTACTS_PER_MONTH, m)))
                            for m in this_months
                        ],
                    )
                ]
                if with_previous
                else []
            ),
        ),
    }
    chart_json = {
        name: {
            "labels": data["labels"],
            "datasets": [
                {"label": d["label"], "data": [_chart_value(cell) for cell in d["cells"]]}
                for d in data["datasets"]
            ],
        }
        for name, data in charts.items()
    }
    return {
        "key_indicators": KEY_INDICATORS,
        "key_rows": key_rows,
        "details": details,
        "charts": charts,
        "chart_json": chart_json,
    }
