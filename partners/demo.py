"""Demo spreekuren: the five demo partners across the four schools, with holidays and bookings.

The Werkwinkel holds a spreekuur at three schools (the ``partner`` demo user staffs them all),
so that the partner's week shows three schools. Idempotent: nothing happens when the demo
spreekuren exist.
"""

from datetime import date, time, timedelta

from django.db import transaction

from familieschool.constants import HolidayRegion, Recurrence, Role, Weekday
from familieschool.demo import DemoContext
from familieschool.models import SchoolHoliday
from servicepunt.constants import ReferralStatus
from servicepunt.models import Referral
from servicepunt.services import referral_set_status

from .constants import AppointmentStatus
from .models import Appointment, Spreekuur, SpreekuurCancellation
from .selectors import slot_times, spreekuur_occurrences
from .weeks import monday_of

MON, TUE, WED, THU, FRI = (
    Weekday.MONDAY,
    Weekday.TUESDAY,
    Weekday.WEDNESDAY,
    Weekday.THURSDAY,
    Weekday.FRIDAY,
)
WEEKLY, BIWEEKLY, MONTHLY = Recurrence.WEEKLY, Recurrence.BIWEEKLY, Recurrence.MONTHLY_NTH

# (partner, school index, weekday, start, end, recurrence, nth, room, slot minutes)
SPREEKUREN = [
    ("Werkwinkel", 0, MON, time(9, 0), time(11, 0), WEEKLY, None, "Schakelloket", 20),
    ("Werkwinkel", 1, WED, time(13, 0), time(15, 0), WEEKLY, None, "Lokaal 12", 30),
    ("Werkwinkel", 2, THU, time(8, 30), time(10, 0), WEEKLY, None, "Ouderkamer", 15),
    ("Buurtteam Jeugd & Gezin", 0, TUE, time(8, 30), time(10, 0), WEEKLY, None, "Ouderkamer", None),
    ("Buurtteam Jeugd & Gezin", 3, THU, time(8, 30), time(10, 0), WEEKLY, None, "Familieloket", 30),
    ("Stichting Al Amal", 1, FRI, time(9, 0), time(11, 0), BIWEEKLY, None, "Ouderkamer", 30),
    ("Dock", 2, WED, time(14, 0), time(16, 0), MONTHLY, 1, "Aula", None),
    ("Dock", 3, TUE, time(13, 0), time(15, 0), MONTHLY, -1, "Familieloket", 20),
    ("JoU", 0, WED, time(14, 0), time(16, 0), WEEKLY, None, "Gymzaal", None),
    ("JoU", 3, FRI, time(14, 0), time(15, 30), WEEKLY, None, "Speellokaal", None),
]


def _saturday_before(day: date) -> date:
    return day - timedelta(days=(day.weekday() - 5) % 7 or 7)


def holidays_of(start_year: int) -> list[tuple[str, date, date]]:
    """Plausible school holidays (region middle) of the school year starting in ``start_year``.

    Close to the official dates, not a copy of them: the administrator enters the real ones.
    """
    autumn = _saturday_before(date.fromisocalendar(start_year, 43, 1))
    christmas = _saturday_before(date(start_year, 12, 25))
    spring = _saturday_before(date.fromisocalendar(start_year + 1, 8, 1))
    may = _saturday_before(date.fromisocalendar(start_year + 1, 17, 1))
    summer = _saturday_before(date.fromisocalendar(start_year + 1, 29, 1))
    return [
        ("Herfstvakantie", autumn, autumn + timedelta(days=8)),
        ("Kerstvakantie", christmas, christmas + timedelta(days=15)),
        ("Voorjaarsvakantie", spring, spring + timedelta(days=8)),
        ("Meivakantie", may, may + timedelta(days=15)),
        ("Zomervakantie", summer, summer + timedelta(days=43)),
    ]


@transaction.atomic
def seed(ctx: DemoContext) -> None:
    """Spreekuren, school holidays, a cancelled date and this week's appointments."""
    # The Schakelloket is De Schakel's (seed 001); earlier demo data put it at De Klopvaart.
    Spreekuur.objects.filter(school__in=ctx.schools, room="Schakelloket").exclude(
        school__name="De Schakel"
    ).update(room="Ouderkamer")
    if Spreekuur.objects.filter(partner__in=ctx.partners.values()).exists():
        return
    for name, start, end in holidays_of(ctx.school_year.start_year):
        SchoolHoliday.objects.get_or_create(
            region=HolidayRegion.MIDDLE, name=name, start=start, defaults={"end": end}
        )

    staff = ctx.users.get(Role.PARTNER)
    spreekuren = []
    for partner, school, weekday, start, end, recurrence, nth, room, slot in SPREEKUREN:
        spreekuur = Spreekuur(
            partner=ctx.partners[partner],
            school=ctx.schools[school],
            weekday=weekday,
            start_time=start,
            end_time=end,
            recurrence=recurrence,
            nth=nth,
            valid_from=ctx.school_year.start,
            valid_until=ctx.school_year.end,
            room=room,
            slot_minutes=slot,
        )
        spreekuur.full_clean()
        spreekuur.save()
        if staff is not None and staff.organisation_id == spreekuur.partner_id:
            spreekuur.staff.add(staff)
        spreekuren.append(spreekuur)

    monday = monday_of(ctx.today)
    # A study day of the Buurtteam at De Schakel, some time in the coming weeks.
    buurtteam = spreekuren[3]
    coming = spreekuur_occurrences([buurtteam], monday + timedelta(days=7), monday + timedelta(60))
    if coming:
        SpreekuurCancellation.objects.create(
            spreekuur=buurtteam, date=coming[0].date, reason="Studiedag Buurtteam"
        )

    _book_this_week(ctx, [s for s in spreekuren if s.slot_minutes], monday)


def _book_this_week(ctx: DemoContext, spreekuren: list[Spreekuur], monday: date) -> None:
    """A few appointments in this week and the next (the current week may be a holiday)."""
    families_by_school = {}
    for family in ctx.families:
        families_by_school.setdefault(family.school_id, []).append(family)
    referrals = {
        (referral.partner_id, referral.school_id): referral
        for referral in Referral.objects.filter(status=ReferralStatus.REGISTERED).order_by(
            "created_at"
        )
    }
    found = spreekuur_occurrences(
        spreekuren, monday, monday + timedelta(days=13), include_cancelled=False
    )
    for occurrence in found:
        spreekuur = occurrence.spreekuur
        families = families_by_school.get(spreekuur.school_id, [])
        times = slot_times(spreekuur)
        for at in ctx.rng.sample(times, k=min(len(times), ctx.rng.choice((1, 2, 3)))):
            family = ctx.rng.choice(families) if families else None
            past = occurrence.date < ctx.today
            referral = referrals.pop((spreekuur.partner_id, spreekuur.school_id), None)
            if referral is not None:
                family, parent = referral.family, referral.parent
            else:
                parent = family.parents.first() if family else None
            appointment = Appointment(
                spreekuur=spreekuur,
                date=occurrence.date,
                start_time=at,
                family=family,
                parent=parent,
                referral=referral,
                contact=referral.contact if referral else None,
                theme=referral.themes.first() if referral else None,
                status=(
                    ctx.rng.choice((AppointmentStatus.ATTENDED, AppointmentStatus.NO_SHOW))
                    if past
                    else AppointmentStatus.PLANNED
                ),
                created_by=ctx.users.get(Role.COORDINATOR),
            )
            appointment.full_clean()
            appointment.save()
            if referral is not None:
                referral_set_status(
                    referral=referral,
                    status=ReferralStatus.APPOINTMENT_PLANNED,
                    user=ctx.users[Role.COORDINATOR],
                )
