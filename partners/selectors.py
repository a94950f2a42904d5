"""Reads of spreekuren, their occurrences and appointments, scoped by the access policy.

Occurrences are computed, not stored: ``familieschool.recurrence.occurrences`` gives the dates,
the days ``familieschool.calendar`` says the school is closed are skipped, and a cancelled
date is kept but marked, so that lists can show it. Every function here runs a fixed number of
queries, however many schools, spreekuren or appointments there are.
"""

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from functools import reduce
from operator import or_
from typing import NamedTuple

from django.db.models import (
    Count,
    Exists,
    F,
    OuterRef,
    Q,
    QuerySet,
    TextChoices,
    Window,
)
from django.db.models.functions import RowNumber
from django.utils import timezone
from django.utils.translation import gettext as _

from familieschool.access import get_for_user, organisation_for
from familieschool.calendar import closed_days, closed_days_by_school
from familieschool.models import PartnerOrganisation, School
from familieschool.recurrence import occurrences
from servicepunt.constants import (
    AWAITING_APPOINTMENT_STATUSES,
    OPEN_REFERRAL_STATUSES,
    ReferralStatus,
)
from servicepunt.models import Referral, consent_stands, partner_name_label
from servicepunt.selectors import referrals_for_partner

from .constants import (
    BOOKING_HORIZON_DAYS,
    BOOKING_OCCURRENCES,
    WEEK_REFERRALS_PER_SCHOOL,
    AppointmentStatus,
)
from .models import Appointment, Spreekuur, SpreekuurCancellation
from .weeks import local_datetime

__all__ = [
    "Occurrence",
    "Day",
    "SlotOption",
    "OccurrenceCount",
    "PublicSpreekuur",
    "PartnerAppointmentRow",
    "PartnerReferralRow",
    "partner_appointment_row",
    "partner_referral_row",
    "APPOINTMENT_ROW_FIELDS",
    "REFERRAL_ROW_FIELDS",
    "status_labels",
    "spreekuren_for",
    "appointments_for",
    "appointment_get",
    "bookable_partner_get",
    "spreekuur_get",
    "cancellation_get",
    "active_spreekuren",
    "spreekuur_closed_days",
    "spreekuur_occurrences",
    "slot_times",
    "bookable_slots",
    "walk_in_occurrences",
    "bookable_partners",
    "partner_week",
    "school_week",
    "spreekuur_agenda",
    "referrals_awaiting_appointment",
    "calendar_occurrences",
    "occurrences_on",
    "public_spreekuren",
    "appointment_timeline",
]


@dataclass
class Occurrence:
    """One date of a spreekuur; ``cancellation`` is set when that date was called off."""

    spreekuur: Spreekuur
    date: date
    cancellation: SpreekuurCancellation | None = None
    appointments: list = field(default_factory=list)
    appointment_count: int = 0
    referrals: list = field(default_factory=list)
    more_referrals: int = 0
    # The school's open referrals as HTML, rendered once per school by ``partners.views.week``.
    referrals_table: str = ""

    @property
    def cancelled(self) -> bool:
        return self.cancellation is not None

    @property
    def starts_at(self) -> datetime:
        return local_datetime(self.date, self.spreekuur.start_time)

    @property
    def ends_at(self) -> datetime:
        return local_datetime(self.date, self.spreekuur.end_time)

    @property
    def sort_key(self):
        return (
            self.date,
            self.spreekuur.start_time,
            self.spreekuur.school.name,
            self.spreekuur.partner.name,
            self.spreekuur.pk,
        )


@dataclass
class Day:
    date: date
    occurrences: list[Occurrence]


@dataclass
class SlotOption:
    """The free times of one occurrence, for the booking form."""

    occurrence: Occurrence
    times: list[time]


class OccurrenceCount(NamedTuple):
    spreekuur: Spreekuur
    date: date
    appointment_count: int


@dataclass(frozen=True)
class PublicSpreekuur:
    """What the public school page may show: which partner is at school when. No staff names."""

    partner: str
    date: date
    weekday: int
    start: time
    end: time
    room: str


@dataclass(frozen=True)
class PartnerAppointmentRow:
    """An appointment as the partner sees it: only what the parent consented to."""

    id: int
    start_time: time
    status: str
    status_display: str
    label: str
    theme: str
    phone: str
    email: str
    via_referral: bool
    referral_id: int | None = None


@dataclass(frozen=True)
class PartnerReferralRow:
    """An open referral as the partner sees it: only what the parent consented to."""

    id: int
    label: str
    themes: list[str]
    status_display: str
    referred_on: date
    follow_up_on: date | None
    phone: str
    email: str
    walk_in_on: date | None = None


# --- scope -------------------------------------------------------------------------------


def spreekuren_for(user) -> QuerySet[Spreekuur]:
    """Spreekuren the user may see: a coordinator's schools', or a partner's organisation's."""
    return Spreekuur.objects.visible_to(user).select_related("partner", "school")


def spreekuur_get(*, user, pk: int) -> Spreekuur:
    """One spreekuur the user may see, with its staff; anything else is a 404."""
    return get_for_user(spreekuren_for(user).prefetch_related("staff"), pk=pk)


def cancellation_get(*, user, pk: int) -> SpreekuurCancellation:
    """One cancelled date of a spreekuur the user may see; anything else is a 404."""
    return get_for_user(SpreekuurCancellation.objects.visible_to(user), pk=pk)


def appointments_for(user) -> QuerySet[Appointment]:
    """Appointments the user may see and update: own schools (coordinator) or organisation."""
    return Appointment.objects.visible_to(user).select_related(
        "spreekuur__partner", "spreekuur__school", "parent", "family", "referral", "theme"
    )


def appointment_get(*, user, pk: int) -> Appointment:
    """One appointment the user may see; anything else is a 404."""
    return get_for_user(appointments_for(user), pk=pk)


def active_spreekuren(qs: QuerySet[Spreekuur], start: date, end: date) -> QuerySet[Spreekuur]:
    """Spreekuren whose validity overlaps ``start``..``end``."""
    return qs.filter(valid_from__lte=end).filter(
        Q(valid_until__isnull=True) | Q(valid_until__gte=start)
    )


# --- occurrences -------------------------------------------------------------------------


def spreekuur_closed_days(spreekuur: Spreekuur, start: date, end: date) -> set[date]:
    """Days without this spreekuur: its school's closed days and its own cancelled dates."""
    cancelled = spreekuur.cancellations.filter(date__range=(start, end))
    return closed_days(spreekuur.school, start, end) | set(cancelled.values_list("date", flat=True))


def spreekuur_occurrences(
    spreekuren: Iterable[Spreekuur], start: date, end: date, *, include_cancelled: bool = True
) -> list[Occurrence]:
    """The occurrences of ``spreekuren`` (with partner and school loaded) between two dates.

    Holidays are skipped; cancelled dates are included and marked unless ``include_cancelled``
    is false. Sorted by date, time, school and partner.
    """
    spreekuren = list(spreekuren)
    if not spreekuren:
        return []
    closed = closed_days_by_school({s.school for s in spreekuren}, start, end)
    cancellations = {
        (c.spreekuur_id, c.date): c
        for c in SpreekuurCancellation.objects.filter(
            spreekuur__in=[s.pk for s in spreekuren], date__range=(start, end)
        )
    }
    result = []
    for spreekuur in spreekuren:
        for day in occurrences(spreekuur, start, end, skip=closed[spreekuur.school_id]):
            cancellation = cancellations.get((spreekuur.pk, day))
            if cancellation is not None and not include_cancelled:
                continue
            result.append(Occurrence(spreekuur=spreekuur, date=day, cancellation=cancellation))
    result.sort(key=lambda occurrence: occurrence.sort_key)
    return result


def _booked(occurrences_: list[Occurrence]) -> QuerySet[Appointment]:
    if not occurrences_:
        return Appointment.objects.none()
    return Appointment.objects.filter(
        spreekuur__in={o.spreekuur.pk for o in occurrences_},
        date__range=(min(o.date for o in occurrences_), max(o.date for o in occurrences_)),
    )


def _attach_counts(occurrences_: list[Occurrence]) -> list[Occurrence]:
    """Fill ``appointment_count`` (not counting cancelled appointments) with one query."""
    counts = {
        (row["spreekuur_id"], row["date"]): row["n"]
        for row in _booked(occurrences_)
        .exclude(status=AppointmentStatus.CANCELLED)
        .values("spreekuur_id", "date")
        .annotate(n=Count("id"))
        .order_by()
    }
    for occurrence in occurrences_:
        occurrence.appointment_count = counts.get((occurrence.spreekuur.pk, occurrence.date), 0)
    return occurrences_


def _attach_appointments(
    occurrences_: list[Occurrence], *, referral_themes: bool = True
) -> list[Occurrence]:
    """Fill ``appointments`` (all, cancelled ones included) and the count, with one query (and
    one for the referrals' themes, unless ``referral_themes`` is false: the caller reads them)."""
    by_key = defaultdict(list)
    appointments = _booked(occurrences_).select_related("parent", "family", "referral", "theme")
    if referral_themes:
        appointments = appointments.prefetch_related("referral__themes")
    for appointment in appointments.order_by("date", "start_time", "id"):
        by_key[(appointment.spreekuur_id, appointment.date)].append(appointment)
    for occurrence in occurrences_:
        occurrence.appointments = by_key.get((occurrence.spreekuur.pk, occurrence.date), [])
        occurrence.appointment_count = sum(
            1 for a in occurrence.appointments if a.status != AppointmentStatus.CANCELLED
        )
    return occurrences_


def _by_day(monday: date, occurrences_: list[Occurrence]) -> list[Day]:
    days = [Day(date=monday + timedelta(days=n), occurrences=[]) for n in range(7)]
    for occurrence in occurrences_:
        days[(occurrence.date - monday).days].occurrences.append(occurrence)
    return days


# --- booking -----------------------------------------------------------------------------


def slot_times(spreekuur: Spreekuur) -> list[time]:
    """The bookable start times of a spreekuur: every ``slot_minutes`` that ends in time."""
    if not spreekuur.slot_minutes:
        return []
    length = timedelta(minutes=spreekuur.slot_minutes)
    day = date(2000, 1, 3)  # any day: slots are wall-clock times
    at = datetime.combine(day, spreekuur.start_time)
    end = datetime.combine(day, spreekuur.end_time)
    times = []
    while at + length <= end:
        times.append(at.time())
        at += length
    return times


def bookable_partners(school: School, *, today: date | None = None) -> QuerySet:
    """Partners with a spreekuur at ``school`` that parents can book, now or later."""
    today = today or timezone.localdate()
    bookable = active_spreekuren(
        Spreekuur.objects.filter(partner=OuterRef("pk"), school=school, slot_minutes__isnull=False),
        today,
        today + timedelta(days=BOOKING_HORIZON_DAYS),
    )
    return PartnerOrganisation.objects.filter(Exists(bookable)).order_by("name")


def bookable_partner_get(*, school: School, pk: int) -> PartnerOrganisation:
    """One partner with a bookable spreekuur at ``school``; anything else is a 404."""
    return get_for_user(bookable_partners(school), pk=pk)


def bookable_slots(
    *,
    partner: PartnerOrganisation,
    school: School,
    now: datetime | None = None,
    limit: int = BOOKING_OCCURRENCES,
) -> list[SlotOption]:
    """The next occurrences of ``partner`` at ``school`` that still have a free time."""
    now = timezone.localtime(now)
    today = now.date()
    end = today + timedelta(days=BOOKING_HORIZON_DAYS)
    spreekuren = active_spreekuren(
        Spreekuur.objects.filter(
            partner=partner, school=school, slot_minutes__isnull=False
        ).select_related("partner", "school"),
        today,
        end,
    )
    found = spreekuur_occurrences(spreekuren, today, end, include_cancelled=False)
    taken = set(
        _booked(found)
        .exclude(status=AppointmentStatus.CANCELLED)
        .values_list("spreekuur_id", "date", "start_time")
    )
    options = []
    for occurrence in found:
        times = [
            at
            for at in slot_times(occurrence.spreekuur)
            if (occurrence.spreekuur.pk, occurrence.date, at) not in taken
            and (occurrence.date > today or at > now.time())
        ]
        if times:
            options.append(SlotOption(occurrence=occurrence, times=times))
        if len(options) >= limit:
            break
    return options


def walk_in_occurrences(
    *,
    partner: PartnerOrganisation,
    school: School,
    today: date | None = None,
    limit: int = BOOKING_OCCURRENCES,
) -> list[Occurrence]:
    """The next dates of ``partner``'s spreekuren at ``school`` without bookable times."""
    today = today or timezone.localdate()
    end = today + timedelta(days=BOOKING_HORIZON_DAYS)
    spreekuren = active_spreekuren(
        Spreekuur.objects.filter(
            partner=partner, school=school, slot_minutes__isnull=True
        ).select_related("partner", "school"),
        today,
        end,
    )
    return spreekuur_occurrences(spreekuren, today, end, include_cancelled=False)[:limit]


def referrals_awaiting_appointment(*, user, today: date | None = None) -> QuerySet[Referral]:
    """Referrals of the coordinator's schools still without appointment or walk-in date, to a
    partner with a spreekuur there (booked in a slot, or told a date of its walk-in hour)."""
    today = today or timezone.localdate()
    # The partners with a spreekuur at each of her schools, read first: as an EXISTS beside the
    # scope's subquery and four joins, PostgreSQL spent 10-30 ms planning the query, or ran
    # it by reading every referral of the school. One condition per school (its partners as
    # a list), not one per (partner, school) pair: the index of waiting referrals
    # ``referral_awaiting`` (school, partner, created_at) reads each school's range once.
    partners_at = defaultdict(set)
    for partner, school in active_spreekuren(
        Spreekuur.objects.visible_to(user).order_by(),
        today,
        today + timedelta(days=BOOKING_HORIZON_DAYS),
    ).values_list("partner_id", "school_id"):
        partners_at[school].add(partner)
    if not partners_at:
        return Referral.objects.none()
    held_here = reduce(
        or_,
        (
            Q(school_id=school, partner_id__in=sorted(partners))
            for school, partners in sorted(partners_at.items())
        ),
    )
    return (
        Referral.objects.visible_to(user)
        .filter(status__in=AWAITING_APPOINTMENT_STATUSES)
        .filter(Q(walk_in_on__isnull=True) | Q(walk_in_on__lt=today))
        .filter(held_here)
        .select_related("school", "partner", "family", "parent")
        # What the list of waiting referrals shows, not the five rows' every column.
        .only(
            "created_at",
            "school__name",
            "partner__name",
            "family__code",
            "parent__first_name",
            "parent__last_name",
        )
        .order_by("created_at", "id")
    )


# --- the partner's week ------------------------------------------------------------------


def _parent_label(values: dict, *, details_shared: bool) -> str:
    """The parent of a row's values (``parent_id``, ``parent__first_name``, ...) as the
    partner sees them."""
    if values["parent_id"] is None:
        return _("Parent (no name recorded)")
    return partner_name_label(
        values["parent__first_name"], values["parent__last_name"], details_shared=details_shared
    )


def status_labels(choices: type[TextChoices]) -> dict[str, str]:
    """The labels of ``choices`` in the active language, for the rows of one page.

    ``get_status_display()`` hashes every lazy label of the field's choices, a gettext call
    each, on every call: a page of a hundred rows spent a few ms on that alone.
    """
    return {value: str(label) for value, label in choices.choices}


# What the partner's week reads of an appointment, as values: ``partner_appointment_row``.
APPOINTMENT_ROW_FIELDS = (
    "id",
    "spreekuur_id",
    "date",
    "start_time",
    "status",
    "theme__name",
    "parent_id",
    "parent__first_name",
    "parent__last_name",
    "parent__phone",
    "parent__email",
    "referral_id",
    "referral__partner_id",
    "referral__status",
    "referral__share_contact_details",
)


def _values_of(instance, fields: Iterable[str]) -> dict:
    """``instance``'s values of ``fields`` as ``QuerySet.values(*fields)`` gives them
    (``"parent__first_name"`` follows the relation; ``None`` where it is empty)."""
    values = {}
    for name in fields:
        value = instance
        for part in name.split("__"):
            value = None if value is None else getattr(value, part)
        values[name] = value
    return values


def partner_appointment_row(
    appointment: Appointment | dict,
    organisation,
    *,
    labels: dict[str, str] | None = None,
    referral_themes: list[str] | None = None,
) -> PartnerAppointmentRow:
    """An appointment reduced to what the partner may see (see ``PartnerAppointmentRow``).

    ``appointment``: a model, or its ``APPOINTMENT_ROW_FIELDS`` values (the week reads values:
    a few dozen appointments with four related rows each cost ms as model instances).
    ``referral_themes``: the names of its referral's themes where the caller read them already.
    """
    values, model = appointment, None
    if isinstance(appointment, Appointment):
        values, model = _values_of(appointment, APPOINTMENT_ROW_FIELDS), appointment
    labels = labels or status_labels(AppointmentStatus)
    consent = (
        values["referral_id"] is not None
        and values["referral__partner_id"] == organisation.pk
        and consent_stands(values["referral__status"])
    )
    share = consent and values["referral__share_contact_details"] and values["parent_id"]
    theme = ""
    if consent:
        # An appointment booked without a theme comes for what it was referred for.
        theme = values["theme__name"]
        if theme is None:
            if referral_themes is None and model is not None:
                referral_themes = [str(t) for t in model.referral.themes.all()]
            theme = ", ".join(referral_themes or [])
    return PartnerAppointmentRow(
        id=values["id"],
        start_time=values["start_time"],
        status=values["status"],
        status_display=labels[values["status"]],
        label=_parent_label(values, details_shared=bool(share)),
        theme=theme,
        phone=values["parent__phone"] if share else "",
        email=values["parent__email"] if share else "",
        via_referral=consent,
        referral_id=values["referral_id"] if consent else None,
    )


# What the partner's week reads of an open referral, as values: ``partner_referral_row``.
REFERRAL_ROW_FIELDS = (
    "id",
    "school_id",
    "status",
    "created_at",
    "follow_up_on",
    "walk_in_on",
    "share_contact_details",
    "parent_id",
    "parent__first_name",
    "parent__last_name",
    "parent__phone",
    "parent__email",
)


def partner_referral_row(
    values: dict, *, themes: list[str], labels: dict[str, str] | None = None
) -> PartnerReferralRow:
    """A referral (its ``REFERRAL_ROW_FIELDS`` values and theme names) reduced to what the
    partner may see (see ``PartnerReferralRow``). Values, not models: a hundred referrals with
    their parents cost a few ms more as model instances, for the handful of fields shown."""
    labels = labels or status_labels(ReferralStatus)
    share = values["share_contact_details"] and values["parent_id"] is not None
    return PartnerReferralRow(
        id=values["id"],
        label=_parent_label(values, details_shared=share),
        themes=themes,
        status_display=labels[values["status"]],
        referred_on=timezone.localdate(values["created_at"]),
        follow_up_on=values["follow_up_on"],
        phone=values["parent__phone"] if share else "",
        email=values["parent__email"] if share else "",
        walk_in_on=values["walk_in_on"],
    )


def _theme_names(referral_ids: list[int]) -> dict[int, list[str]]:
    """The names of the themes of each referral, in the themes' order (one query)."""
    names = defaultdict(list)
    rows = (
        Referral.themes.through.objects.filter(referral_id__in=referral_ids)
        .order_by("theme__sort_order", "theme__name")
        .values_list("referral_id", "theme__name")
    )
    for referral_id, name in rows:
        names[referral_id].append(name)
    return names


def partner_week(*, user, monday: date) -> list[Day]:
    """The partner's spreekuren of one week across schools, seven days from ``monday``.

    Each occurrence carries its appointments and the open referrals for its school, as rows
    holding only what the parent consented to (``PartnerAppointmentRow``/``PartnerReferralRow``).
    """
    organisation = organisation_for(user)
    if organisation is None:
        return _by_day(monday, [])
    sunday = monday + timedelta(days=6)
    spreekuren = active_spreekuren(spreekuren_for(user), monday, sunday)
    found = spreekuur_occurrences(spreekuren, monday, sunday)
    appointments = defaultdict(list)
    for values in (
        _booked(found).order_by("date", "start_time", "id").values(*APPOINTMENT_ROW_FIELDS)
    ):
        appointments[(values["spreekuur_id"], values["date"])].append(values)
    # The themes of the appointments' referrals and of the referrals shown: one query.
    theme_ids = [a["referral_id"] for rows in appointments.values() for a in rows]
    theme_ids = [pk for pk in theme_ids if pk is not None]
    school_ids = {o.spreekuur.school_id for o in found}
    referrals = defaultdict(list)
    more = {}
    themes = {}
    if school_ids:
        open_ = referrals_for_partner(user).filter(
            status__in=OPEN_REFERRAL_STATUSES, school__in=school_ids
        )
        # The newest few per school, not every open referral of every year; the full list is
        # the partner's (paginated) referral list. Ranked on ids alone, which the index of
        # open referrals (``referral_partner_school_open``) holds: PostgreSQL reads the index
        # instead of every referral of the partner's schools, then fetches the few rows shown.
        ranked = (
            open_.annotate(
                rank=Window(
                    RowNumber(),
                    partition_by=[F("school_id")],
                    order_by=[F("created_at").desc(), F("id").desc()],
                ),
                total=Window(Count("id"), partition_by=[F("school_id")]),
            )
            .filter(rank__lte=WEEK_REFERRALS_PER_SCHOOL)
            .order_by()
            .values_list("id", "school_id", "total")
        )
        shown = []
        for pk, school_id, total in ranked:
            shown.append(pk)
            more[school_id] = total - WEEK_REFERRALS_PER_SCHOOL
        themes = _theme_names(theme_ids + shown)
        labels = status_labels(ReferralStatus)
        newest = open_.filter(pk__in=shown).order_by("created_at", "id")
        for values in newest.values(*REFERRAL_ROW_FIELDS):
            row = partner_referral_row(values, themes=themes.get(values["id"], []), labels=labels)
            referrals[values["school_id"]].append(row)
    labels = status_labels(AppointmentStatus)
    for occurrence in found:
        occurrence.appointments = [
            partner_appointment_row(
                a, organisation, labels=labels, referral_themes=themes.get(a["referral_id"], [])
            )
            for a in appointments.get((occurrence.spreekuur.pk, occurrence.date), [])
        ]
        occurrence.appointment_count = sum(
            1 for row in occurrence.appointments if row.status != AppointmentStatus.CANCELLED
        )
        occurrence.referrals = referrals.get(occurrence.spreekuur.school_id, [])
        occurrence.more_referrals = max(0, more.get(occurrence.spreekuur.school_id, 0))
    return _by_day(monday, found)


# --- the coordinator's view --------------------------------------------------------------


def school_week(*, user, monday: date) -> list[Day]:
    """All partners' spreekuren at the coordinator's schools in one week, with their staff."""
    sunday = monday + timedelta(days=6)
    spreekuren = active_spreekuren(spreekuren_for(user), monday, sunday).prefetch_related("staff")
    return _by_day(monday, _attach_counts(spreekuur_occurrences(spreekuren, monday, sunday)))


def spreekuur_agenda(*, spreekuur: Spreekuur, start: date, end: date) -> list[Occurrence]:
    """The dates of one spreekuur between two dates with their appointments."""
    return _attach_appointments(spreekuur_occurrences([spreekuur], start, end))


# --- calendar feed, reminders, public page -----------------------------------------------


def calendar_occurrences(*, user, start: date, end: date) -> list[Occurrence]:
    """Occurrences for a staff member's calendar: the spreekuren they staff, else their org's."""
    organisation = organisation_for(user)
    if organisation is None:
        return []
    base = active_spreekuren(
        Spreekuur.objects.filter(partner=organisation).select_related("partner", "school"),
        start,
        end,
    )
    spreekuren = list(base.filter(staff=user))
    if not spreekuren:
        spreekuren = list(base)
    return _attach_counts(spreekuur_occurrences(spreekuren, start, end))


def occurrences_on(day: date) -> list[OccurrenceCount]:
    """Every spreekuur taking place on ``day`` (not cancelled), with its staff loaded and the
    number of booked appointments: (spreekuur, date, appointment_count) rows for reminders."""
    spreekuren = active_spreekuren(
        Spreekuur.objects.filter(weekday=day.weekday())
        .select_related("partner", "school")
        .prefetch_related("staff"),
        day,
        day,
    )
    found = _attach_counts(spreekuur_occurrences(spreekuren, day, day, include_cancelled=False))
    return [OccurrenceCount(o.spreekuur, o.date, o.appointment_count) for o in found]


def public_spreekuren(school: School, start: date, end: date) -> list[PublicSpreekuur]:
    """Which partner is at ``school`` when (cancelled dates left out), for the public page."""
    spreekuren = active_spreekuren(
        Spreekuur.objects.filter(school=school).select_related("partner", "school"), start, end
    )
    return [
        PublicSpreekuur(
            partner=o.spreekuur.partner.name,
            date=o.date,
            weekday=o.date.weekday(),
            start=o.spreekuur.start_time,
            end=o.spreekuur.end_time,
            room=o.spreekuur.room,
        )
        for o in spreekuur_occurrences(spreekuren, start, end, include_cancelled=False)
    ]


def appointment_timeline(family, *, before=None, limit: int | None = None) -> list:
    """The family's appointments for its timeline, newest first: at most ``limit`` after the
    cursor ``before``."""
    from familieschool.timeline import timeline_source

    appointments = Appointment.objects.filter(family=family).order_by("-date", "-start_time", "-pk")
    return [
        timeline_source(
            appointments,
            kind="appointment",
            day="date",
            time="start_time",
            data={"status": "status", "partner": "spreekuur__partner__name"},
            describe=_appointment_text,
            before=before,
            limit=limit,
        )
    ]


def _appointment_text(pk: int, data: dict) -> tuple[str, str, str]:
    from familieschool.timeline import choice_label

    title = _("Appointment with %(partner)s") % {"partner": data["partner"]}
    return title, choice_label(Appointment, "status", data["status"]), ""
