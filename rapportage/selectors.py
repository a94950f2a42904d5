"""Reads of the reporting app, scoped by the access policy; the figures are in ``reach``."""

from dataclasses import dataclass

from django.conf import settings
from django.db.models import Count, Q, QuerySet
from django.http import Http404

from familieschool.access import (
    COORDINATOR,
    boards_for,
    get_for_user,
    organisation_for,
    role_of,
    schools_for,
)
from familieschool.models import PartnerOrganisation, School, SchoolBoard
from familieschool.schoolyear import SchoolYear
from partners.models import Appointment, Spreekuur
from servicepunt.models import Referral

from .models import ReachExportJob, ReachSnapshot

__all__ = [
    "PartnerScope",
    "min_cell_for",
    "partner_figures_scope",
    "reach_export_job_get",
    "report_scope",
    "school_year_choices",
    "snapshot_list",
    "snapshot_years",
]

YEARS_BACK = 5
# The largest primary key (a bigint); a larger number in a URL is an unknown object, not a 500.
MAX_ID = 2**63 - 1


def _id(value) -> int:
    text = str(value)
    if not text.isdigit() or int(text) > MAX_ID:
        raise Http404
    return int(text)


def min_cell_for(user) -> int:
    """0 (exact figures) for coordinators, who see their own schools; else MIN_CELL_COUNT."""
    if role_of(user) == COORDINATOR:
        return 0
    return settings.MIN_CELL_COUNT


def report_scope(
    user, *, board_id: str | None = None, school_ids=()
) -> tuple[QuerySet[School], SchoolBoard | None]:
    """The user's schools, narrowed to one board and/or some schools; others are a 404."""
    schools = schools_for(user)
    board = None
    if board_id:
        board = get_for_user(boards_for(user), pk=_id(board_id))
        schools = schools.filter(board=board)
    wanted = {_id(pk) for pk in school_ids if pk != ""}
    if wanted:
        chosen = schools.filter(pk__in=wanted)
        if chosen.count() != len(wanted):
            raise Http404
        schools = chosen
    return schools, board


@dataclass(frozen=True)
class PartnerScope:
    organisation: PartnerOrganisation
    # Every school of the organisation's figures, by name; and the ids of those the user sees.
    schools: list[School]
    shown: set[int]
    is_lead: bool


def partner_figures_scope(user) -> PartnerScope:
    """The schools of the user's organisation's figures: where it holds (or held) a consultation
    hour, received a referral from, or saw a parent of. Its lead sees every one; other staff
    the schools where they staff one of its consultation hours. No organisation: a 404."""
    organisation = organisation_for(user)
    if organisation is None:
        raise Http404
    spreekuren = Spreekuur.objects.visible_to(user)
    schools = list(
        School.objects.filter(
            Q(pk__in=spreekuren.values("school_id"))
            | Q(pk__in=Referral.objects.visible_to(user).values("school_id"))
            | Q(pk__in=Appointment.objects.visible_to(user).values("parent__family__school_id"))
        )
        .annotate(
            staffed=Count("spreekuren", filter=Q(spreekuren__in=spreekuren.filter(staff=user)))
        )
        .order_by("name", "pk")
    )
    is_lead = bool(user.is_organisation_lead)
    shown = {school.pk for school in schools if is_lead or school.staffed}
    return PartnerScope(organisation, schools, shown, is_lead)


def snapshot_years() -> list[str]:
    """The labels of the frozen school years."""
    return list(ReachSnapshot.objects.values_list("school_year", flat=True))


def school_year_choices(frozen=()) -> list[str]:
    """The current school year, the five before it and any frozen year; newest first."""
    current = SchoolYear.current()
    labels = {SchoolYear(current.start_year - back).label for back in range(YEARS_BACK + 1)}
    return sorted(labels | set(frozen), reverse=True)


def snapshot_list() -> QuerySet[ReachSnapshot]:
    """Every frozen year with who froze it and how many schools it holds."""
    return ReachSnapshot.objects.select_related("frozen_by").annotate(school_count=Count("schools"))


def reach_export_job_get(*, user, public_id, with_content: bool = False) -> ReachExportJob:
    """A prepared reach download of ``user``'s own; anyone else's (or an unknown one) is a 404.
    The file itself is only read ``with_content``."""
    jobs = ReachExportJob.objects.filter(user=user, public_id=public_id)
    if not with_content:
        jobs = jobs.defer("content")
    job = jobs.first()
    if job is None:
        raise Http404
    return job
