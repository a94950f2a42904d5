"""A partner organisation's own figures: per school, its category of the referral and partner
indicators, counted as the reach report counts them (``counting.count_partner_values``), with
the same small-count rule (``suppression.table_hidden``).

The table is always counted and suppressed over every school of the organisation; a staff
member who is not the organisation's lead gets the rows of their own schools cut from it (what
is hidden there stays hidden) and the organisation's total, so that no two views can be
subtracted to read a small count. See docs/indicators.md, "Partners' own figures".
"""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _

from . import definitions as d
from .counting import Period, count_partner_values
from .suppression import table_hidden

__all__ = ["PARTNER_FIGURES", "PartnerCell", "PartnerFigures", "PartnerRow", "partner_figures"]

# The columns of the partner's table: (indicator code, the partner's own label).
PARTNER_FIGURES = [
    (d.REFERRALS, _("Referrals received")),
    (d.REFERRALS_COMPLETED, _("Referrals completed")),
    (d.PARENTS_PER_PARTNER, _("Unique parents (referral or appointment)")),
    (d.APPOINTMENTS_ATTENDED, _("Appointments kept")),
    (d.APPOINTMENTS_MISSED, _("Appointments missed")),
    (d.SPREEKUREN_HELD, _("Consultation hours held")),
    (d.SPREEKUREN_CANCELLED, _("Consultation hours cancelled")),
]


@dataclass(frozen=True)
class PartnerCell:
    code: str
    value: int
    hidden: bool
    min_cell: int

    @property
    def waarde(self) -> str:
        """The text a reader may see: the count, or ``<K`` when it is hidden."""
        return f"<{self.min_cell}" if self.hidden else str(self.value)


@dataclass(frozen=True)
class PartnerRow:
    school: str
    cells: list[PartnerCell]
    is_total: bool = False


@dataclass(frozen=True)
class PartnerFigures:
    organisation: str
    period: Period
    rows: list[PartnerRow]
    min_cell: int

    @property
    def label(self) -> str:
        return self.period.label


def partner_figures(
    *, organisation, schools: list, shown: set[int], period: Period, min_cell: int
) -> PartnerFigures:
    """The organisation's figures at ``schools`` (all of its schools, by name) in ``period``:
    the rows of the schools in ``shown`` and the total over all of them, hidden as in the
    table of every school."""
    values = count_partner_values(period, [school.pk for school in schools], organisation.pk)
    name = organisation.name
    counts: dict[tuple, int] = {}
    for school in schools:
        for code, _label in PARTNER_FIGURES:
            counts[(school.pk, code)] = values.get((school.pk, code, name), 0)
    for code, _label in PARTNER_FIGURES:
        counts[(d.TOTAL, code)] = sum(counts[(school.pk, code)] for school in schools)
    hidden = table_hidden(
        counts, min_cell=min_cell, row_sums=[(d.TOTAL, [school.pk for school in schools])]
    )

    def row(key, school_name: str, is_total: bool = False) -> PartnerRow:
        cells = [
            PartnerCell(code, counts[(key, code)], (key, code) in hidden, min_cell)
            for code, _label in PARTNER_FIGURES
        ]
        return PartnerRow(school_name, cells, is_total)

    rows = [row(school.pk, school.name) for school in schools if school.pk in shown]
    if schools:
        rows.append(row(d.TOTAL, str(_("All schools of the organisation")), is_total=True))
    return PartnerFigures(organisation=name, period=period, rows=rows, min_cell=min_cell)
