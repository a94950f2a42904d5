"""Demo activities: weekly koffieochtenden with attendance over two school years, extended
school day modules with enrolments and a waiting list, and active parents (seed 001 figures).
"""

import random
from collections import defaultdict
from datetime import date, datetime, time, timedelta

from django.db import transaction
from django.utils import timezone

from familieschool.calendar import closed_days
from familieschool.constants import ChildGroup, Recurrence, Role
from familieschool.demo import DemoContext
from familieschool.models import Child, Parent
from familieschool.recurrence import occurrences

from .constants import ActiveRole, EnrolmentStatus, Organiser, TargetGroup
from .models import (
    ActiveParentRole,
    Activity,
    ActivityFunding,
    ActivityType,
    Attendance,
    Enrolment,
    FundingBudget,
    FundingSource,
    Session,
)

KOFFIE = {
    "title": "Koffieochtend",
    "title_en": "Coffee morning",
    "title_ar": "صباح القهوة",
    "title_tr": "Kahve sabahı",
    "description": "Drink een kop koffie of thee met andere ouders. Elke week een ander thema, "
    "soms met een partner uit de wijk.",
    "description_en": "Have a cup of coffee or tea with other parents. A different theme every "
    "week, sometimes with a partner from the neighbourhood.",
    "description_ar": "اشرب فنجان قهوة أو شاي مع أولياء أمور آخرين. موضوع مختلف كل أسبوع، "
    "وأحيانًا مع شريك من الحي.",
    "description_tr": "Diğer velilerle bir fincan kahve veya çay için. Her hafta farklı bir konu, "
    "bazen mahalleden bir ortakla.",
}
TAALLES = {
    "title": "Taalles voor ouders",
    "title_en": "Dutch lessons for parents",
    "title_ar": "دروس اللغة الهولندية لأولياء الأمور",
    "title_tr": "Veliler için Hollandaca dersi",
    "description": "Nederlands leren en oefenen, in een kleine groep. Aanmelden bij de "
    "coördinator.",
    "description_en": "Learn and practise Dutch in a small group. Sign up with the coordinator.",
    "description_ar": "تعلّم اللغة الهولندية وتدرّب عليها في مجموعة صغيرة. سجّل لدى المنسّقة.",
    "description_tr": "Küçük bir grupta Hollandaca öğrenin ve pratik yapın. Koordinatöre kaydolun.",
}
GELDZAKEN = {
    "title": "Ouderbijeenkomst: rondkomen met je geld",
    "title_en": "Parents' meeting: making ends meet",
    "title_ar": "لقاء أولياء الأمور: كيف تدبّر أموالك",
    "title_tr": "Veli toplantısı: bütçeni yönetmek",
    "description": "Tips over toeslagen, de stadspas en je post, met de Werkwinkel.",
    "description_en": "Tips on benefits, the city pass and your mail, with the Werkwinkel.",
    "description_ar": "نصائح حول الإعانات وبطاقة المدينة والبريد، مع Werkwinkel.",
    "description_tr": "Yardımlar, şehir kartı ve postalarınız hakkında ipuçları, Werkwinkel ile.",
}
LOWER, UPPER = ["g1", "g2", "g3", "g4"], ["g5", "g6", "g7", "g8"]
# Seed 001: the WOW academie is Joannes XXIII's, Durf te dromen is De Schakel's; the other
# schools run modules of their own, so every school reaches 60-65% of its children.
OWN_MODULES = {"WOW academie": "Joannes XXIII", "Durf te dromen": "De Schakel"}
GENERIC_LOWER, GENERIC_UPPER = "Verlengde schooldag onderbouw", "Verlengde schooldag bovenbouw"


def modules_of(school_name: str) -> list[tuple]:
    """The two extended school day modules of a school: title, groups, weekday, start, end,
    funding source."""
    lower = "WOW academie" if OWN_MODULES["WOW academie"] == school_name else GENERIC_LOWER
    upper = "Durf te dromen" if OWN_MODULES["Durf te dromen"] == school_name else GENERIC_UPPER
    return [
        (lower, LOWER, 2, time(12, 30), time(14, 0), "Verrijkte Schooldag"),
        (upper, UPPER, 3, time(15, 0), time(16, 30), "Brede Talent"),
    ]


def _fix_module_schools(schools) -> None:
    """Earlier demo data ran both named modules at every school; rename the misplaced ones."""
    for title, owner in OWN_MODULES.items():
        generic = GENERIC_LOWER if title == "WOW academie" else GENERIC_UPPER
        Activity.objects.filter(school__in=schools, title=title).exclude(school__name=owner).update(
            title=generic, organiser=Organiser.SCHOOL, organiser_partner=None
        )


TOPICS = [
    "Kennismaken",
    "Opvoeden in twee culturen",
    "Toeslagen en de stadspas",
    "Gezond ontbijt",
    "Schermtijd",
    "Voorlezen thuis",
    "Naar de middelbare school",
    "Werk zoeken",
    "Ramadan en school",
    "Zomervakantie: wat te doen?",
]
ROLE_WEIGHTS = [
    (ActiveRole.CLASS_PARENT, 5),
    (ActiveRole.AMBASSADOR, 2),
    (ActiveRole.BREAKFAST, 2),
    (ActiveRole.LIBRARY, 2),
    (ActiveRole.HOMEWORK, 1),
]
# Seed 001: 60-65% of the children in the extended school day, 15-20% active families.
EXTENDED_DAY_SHARE = (0.60, 0.65)
ACTIVE_FAMILY_SHARE = (0.15, 0.20)


def _closed(school, start: date, end: date) -> set[date]:
    """Holidays to skip, also for last year (the partners' demo stores this year's only)."""
    from partners.demo import holidays_of

    days = closed_days(school, start, end)
    for year in range(start.year - 1, end.year + 1):
        for _name, first, last in holidays_of(year):
            day = first
            while day <= last:
                days.add(day)
                day += timedelta(days=1)
    return days


def _activity(school, type_code, funding, **fields) -> Activity:
    """An activity paid by ``funding``: the start of a source's name, or pairs of such a start
    and its share (%) for an activity that combines sources."""
    activity = Activity(school=school, type=ActivityType.objects.get(code=type_code), **fields)
    activity.full_clean()
    activity.save()
    shares = [(funding, None)] if isinstance(funding, str) else funding
    for name, share in shares:
        source = FundingSource.objects.filter(name__startswith=name).first()
        if source is not None:
            ActivityFunding.objects.create(activity=activity, source=source, share_pct=share)
    return activity


# Seed 001: a budget of about EUR 5,000 per location; the coordinator's hours come from the
# regeling brugfunctionaris.
DEMO_BUDGET = 5000


def _budgets(ctx) -> None:
    source = FundingSource.objects.filter(name__startswith="Regeling brugfunctionaris").first()
    if source is None:
        return
    for year in (ctx.school_year.previous(), ctx.school_year):
        for school in ctx.schools:
            FundingBudget.objects.get_or_create(
                school=school,
                source=source,
                school_year=year.label,
                activity=None,
                defaults={"amount": DEMO_BUDGET},
            )


def _sessions(activity, start, end, skip, rng, *, topics=False, partners=()) -> list[Session]:
    sessions = []
    for day in occurrences(activity, start, end, skip=skip):
        session = Session(activity=activity, date=day)
        if topics and rng.random() < 0.7:
            session.topic = rng.choice(TOPICS)
        if partners and rng.random() < 0.25:
            session.partner_present = rng.choice(partners)
        sessions.append(session)
    return Session.objects.bulk_create(sessions)


def _koffieochtenden(ctx, school, weekday, parents, rng, start, skip) -> list[Attendance]:
    activity = _activity(
        school,
        "koffieochtend",
        "Regeling brugfunctionaris",
        weekday=weekday,
        start_time=time(8, 30),
        end_time=time(10, 0),
        recurrence=Recurrence.WEEKLY,
        valid_from=start,
        location="Ouderkamer",
        public=True,
        **KOFFIE,
    )
    partners = list(ctx.partners.values())
    sessions = _sessions(activity, start, ctx.today, skip, rng, topics=True, partners=partners)
    regulars = rng.sample(parents, min(len(parents), 28))
    seen: set[int] = set()
    rows = []
    for session in sessions:
        came = {p for p in regulars if rng.random() < 0.45}
        came |= set(rng.sample(parents, rng.randint(0, 3)))
        for parent in came:
            rows.append(
                Attendance(session=session, parent=parent, first_time=parent.pk not in seen)
            )
            seen.add(parent.pk)
        session.anonymous_count = rng.choice((0, 0, 1, 2, 2, 3, 4))
    Session.objects.bulk_update(sessions, ["anonymous_count"])
    return rows


def _modules(ctx, school, children, rng, user, skip) -> list[Attendance]:
    """Two extended school day modules per school year; 60-65% of the children take part."""
    rows = []
    for year in (ctx.school_year.previous(), ctx.school_year):
        share = rng.uniform(*EXTENDED_DAY_SHARE)
        shuffled = rng.sample(children, len(children))
        taking_part = shuffled[: round(share * len(children))]
        waiting_pool = shuffled[len(taking_part) :]
        for title, groups, weekday, start, end, funding in modules_of(school.name):
            in_groups = [child for child in taking_part if child.current_group in groups]
            waiting = [child for child in waiting_pool if child.current_group in groups][:4]
            first = year.start + timedelta(days=(weekday - year.start.weekday()) % 7 + 28)
            activity = _activity(
                school,
                "verlengde_schooldag",
                funding,
                title=title,
                description="Een module van de verlengde schooldag.",
                target_group=TargetGroup.CHILDREN,
                organiser=Organiser.PARTNER if title == "WOW academie" else Organiser.SCHOOL,
                organiser_partner=ctx.partners.get("JoU") if title == "WOW academie" else None,
                groups=groups,
                weekday=weekday,
                start_time=start,
                end_time=end,
                recurrence=Recurrence.WEEKLY,
                valid_from=first,
                valid_until=year.end,
                capacity=len(in_groups),
                signup_required=True,
                public=False,
            )
            enrolments = [
                Enrolment(
                    activity=activity,
                    child=child,
                    status=EnrolmentStatus.ENROLLED
                    if i < len(in_groups)
                    else EnrolmentStatus.WAITING,
                    free_of_charge=rng.random() < 0.3,
                    enrolled_by=user,
                )
                for i, child in enumerate(in_groups + waiting)
            ]
            enrolments = Enrolment.objects.bulk_create(enrolments)
            moment = timezone.make_aware(datetime.combine(year.start + timedelta(days=20), time(9)))
            for i, enrolment in enumerate(enrolments):
                enrolment.requested_at = moment + timedelta(hours=3 * i)
            Enrolment.objects.bulk_update(enrolments, ["requested_at"])
            for session in _sessions(activity, first, min(year.end, ctx.today), skip, rng):
                rows += [
                    Attendance(session=session, child=child)
                    for child in in_groups
                    if rng.random() < 0.85
                ]
    return rows


def _taalles(ctx, school, parents, rng, user, skip) -> list[Attendance]:
    year = ctx.school_year
    activity = _activity(
        school,
        "taalles",
        (("School en Omgeving", 60), ("Fondsen", 40)),
        weekday=0,
        start_time=time(13, 0),
        end_time=time(15, 0),
        recurrence=Recurrence.WEEKLY,
        valid_from=year.start,
        valid_until=year.end,
        capacity=12,
        signup_required=True,
        location="Lokaal 4",
        public=True,
        **TAALLES,
    )
    chosen = rng.sample(parents, 14)
    enrolments = Enrolment.objects.bulk_create(
        [
            Enrolment(
                activity=activity,
                parent=parent,
                status=EnrolmentStatus.ENROLLED if i < 12 else EnrolmentStatus.WAITING,
                enrolled_by=user,
            )
            for i, parent in enumerate(chosen)
        ]
    )
    moment = timezone.make_aware(datetime.combine(year.start + timedelta(days=25), time(10)))
    for i, enrolment in enumerate(enrolments):
        enrolment.requested_at = moment + timedelta(days=i)
    Enrolment.objects.bulk_update(enrolments, ["requested_at"])
    rows = []
    for session in _sessions(activity, year.start, ctx.today, skip, rng):
        rows += [
            Attendance(session=session, parent=parent)
            for parent in chosen[:12]
            if rng.random() < 0.75
        ]
    return rows


def _offer(ctx, school, index, rng, skip) -> None:
    """The rest of a school's offer (seed 003, tables 3.1, 5.1 and 6.1): sport and culture for
    the children, a celebration, a training for the school team, and interventions without
    sessions (an ouderkamer, and a startgesprek or a buddy system)."""
    year = ctx.school_year
    weekly = {"recurrence": Recurrence.WEEKLY, "valid_from": year.start, "valid_until": year.end}
    sport = _activity(
        school,
        "sport_cultuur",
        "Brede Talent",
        title="Sport en cultuur na school",
        description="Voetbal, dans en theater met SportUtrecht en ZIMIHC.",
        target_group=TargetGroup.CHILDREN,
        organiser=Organiser.PARTNER if ctx.partners.get("JoU") else Organiser.SCHOOL,
        organiser_partner=ctx.partners.get("JoU"),
        weekday=4,
        start_time=time(14, 30),
        end_time=time(16, 0),
        location="Gymzaal",
        **weekly,
    )
    sessions = _sessions(sport, year.start, min(year.end, ctx.today), skip, rng)
    for session in sessions:
        session.anonymous_count = rng.randint(8, 20)
    Session.objects.bulk_update(sessions, ["anonymous_count"])
    _activity(
        school,
        "ouderkamer",
        "Eigen middelen",
        title="Ouderkamer",
        description="Een eigen plek voor ouders in de school, elke ochtend open.",
        weekday=0,
        start_time=time(8, 30),
        end_time=time(12, 0),
        location="Ouderkamer",
        **weekly,
    )
    _activity(
        school,
        "startgesprek" if index % 2 else "buddysysteem",
        "Eigen middelen",
        title="Startgesprek met nieuwe ouders" if index % 2 else "Buddy voor nieuwe ouders",
        weekday=1,
        start_time=time(13, 0),
        end_time=time(14, 0),
        public=False,
        **weekly,
    )
    for type_code, title, day, headcount in (
        ("vieringen", "Suikerfeest op school", date(year.end.year, 3, 31), 60),
        ("teamtraining", "Training armoede herkennen", year.start + timedelta(days=40), 25),
    ):
        if day > ctx.today:
            continue
        activity = _activity(
            school,
            type_code,
            "School en Omgeving",
            title=title,
            weekday=day.weekday(),
            start_time=time(14, 0),
            end_time=time(16, 0),
            recurrence=Recurrence.ONCE,
            valid_from=day,
            valid_until=day,
            public=type_code == "vieringen",
        )
        Session.objects.create(activity=activity, date=day, anonymous_count=headcount)


def _active_roles(ctx, school_families, rng) -> None:
    roles, weights = zip(*ROLE_WEIGHTS, strict=True)
    rows = []
    for year in (ctx.school_year.previous(), ctx.school_year):
        for families in school_families.values():
            with_parents = [family for family in families if family]
            share = rng.uniform(*ACTIVE_FAMILY_SHARE)
            for parents in rng.sample(with_parents, round(share * len(with_parents))):
                parent = rng.choice(parents)
                for role in set(rng.choices(roles, weights, k=rng.choice((1, 1, 1, 2)))):
                    rows.append(ActiveParentRole(parent=parent, school_year=year.label, role=role))
    ActiveParentRole.objects.bulk_create(rows)


@transaction.atomic
def seed(ctx: DemoContext) -> None:
    """Activities, sessions with attendance, enrolments and active parents at the demo schools."""
    _fix_module_schools(ctx.schools)
    _budgets(ctx)
    if Activity.objects.filter(school__in=ctx.schools, type__code="koffieochtend").exists():
        return
    rng = random.Random(f"activiteiten-{ctx.school_year.label}")
    user = ctx.users.get(Role.COORDINATOR)
    start = ctx.school_year.previous().start
    parents_by_school = defaultdict(list)
    parents_by_family = defaultdict(list)
    for parent in Parent.objects.filter(family__in=ctx.families).select_related("family"):
        parents_by_school[parent.family.school_id].append(parent)
        parents_by_family[parent.family_id].append(parent)
    children_by_school = defaultdict(list)
    for child in (
        Child.objects.filter(family__in=ctx.families)
        .in_groups(ChildGroup.values[:8])
        .select_related("family")
    ):
        children_by_school[child.family.school_id].append(child)

    attendance = []
    for index, school in enumerate(ctx.schools):
        skip = _closed(school, start, ctx.today)
        parents = parents_by_school[school.pk]
        attendance += _koffieochtenden(ctx, school, 1 + index % 4, parents, rng, start, skip)
        attendance += _modules(ctx, school, children_by_school[school.pk], rng, user, skip)
        if index % 2 == 0:
            attendance += _taalles(ctx, school, parents, rng, user, skip)
        _offer(ctx, school, index, rng, skip)
    werkwinkel = ctx.partners.get("Werkwinkel")
    if ctx.schools:
        school = ctx.schools[0]
        _activity(
            school,
            "themabijeenkomst",
            "School en Omgeving",
            weekday=3,
            start_time=time(9, 0),
            end_time=time(10, 30),
            recurrence=Recurrence.MONTHLY_NTH,
            nth=2,
            valid_from=ctx.school_year.start,
            valid_until=ctx.school_year.end,
            organiser=Organiser.PARTNER if werkwinkel else Organiser.SCHOOL,
            organiser_partner=werkwinkel,
            location="Aula",
            public=True,
            **GELDZAKEN,
        )
    Attendance.objects.bulk_create(attendance, batch_size=2000)
    families_by_school = defaultdict(list)
    for family in ctx.families:
        families_by_school[family.school_id].append(parents_by_family[family.pk])
    _active_roles(ctx, families_by_school, rng)
