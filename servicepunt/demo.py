"""Demo contacts and referrals for the previous and the current school year.

Every demo school reaches at least 50 different parents per school year through the servicepunt
(seed 001), with anonymous questions, questions on several themes at once and referrals in all
statuses; the Werkwinkel (the ``partner`` demo user) gets its share.
"""

import random
from collections import defaultdict
from datetime import datetime, time, timedelta

from django.utils import timezone

from familieschool.constants import Language, Role
from familieschool.demo import DemoContext
from familieschool.models import Family

from .constants import Channel, ConsentMethod, Outcome, ProvisionStatus, ReferralStatus
from .models import (
    Contact,
    ContactSource,
    ContactTheme,
    Provision,
    ProvisionKind,
    Referral,
    ReferralStatusChange,
    Theme,
)
from .services import contact_themes_set

# Which partners a theme suggests; the administrator can change this in admin.
SUGGESTIONS = {
    "geldzaken": ["Werkwinkel", "Buurtteam Jeugd & Gezin"],
    "toeslagen": ["Werkwinkel"],
    "werk": ["Werkwinkel"],
    "formulieren": ["Werkwinkel", "Stichting Al Amal"],
    "opvoeding": ["Buurtteam Jeugd & Gezin"],
    "veiligheid": ["Buurtteam Jeugd & Gezin"],
    "gezondheid": ["Buurtteam Jeugd & Gezin"],
    "netwerk": ["Stichting Al Amal", "Dock"],
    "taal": ["Stichting Al Amal"],
    "wonen": ["Dock"],
    "vrijetijd": ["JoU"],
}
CHANNELS = [Channel.WALK_IN] * 6 + [
    Channel.PHONE,
    Channel.COFFEE_MORNING,
    Channel.SCHOOLYARD,
    Channel.EMAIL_APP,
    Channel.SPREEKUUR,
]
COMMON_THEMES = ["geldzaken", "toeslagen", "formulieren", "opvoeding", "werk", "taal"]
NOTES = [
    "",
    "",
    "",
    "Hulp bij aanvraag stadspas.",
    "Vraag over brief van de Belastingdienst.",
    "Aanmelden Jeugdfonds Sport & Cultuur.",
    "Zoekt een taalcursus.",
    "Vraag over huiswerkbegeleiding.",
]
FINAL = [
    ReferralStatus.COMPLETED,
    ReferralStatus.COMPLETED,
    ReferralStatus.COMPLETED,
    ReferralStatus.NOT_REACHED,
    ReferralStatus.DECLINED,
    ReferralStatus.WITHDRAWN,
]
PATHS = {
    ReferralStatus.REGISTERED: [],
    ReferralStatus.APPOINTMENT_PLANNED: [ReferralStatus.APPOINTMENT_PLANNED],
    ReferralStatus.IN_PROGRESS: [ReferralStatus.APPOINTMENT_PLANNED, ReferralStatus.IN_PROGRESS],
    ReferralStatus.COMPLETED: [
        ReferralStatus.APPOINTMENT_PLANNED,
        ReferralStatus.IN_PROGRESS,
        ReferralStatus.COMPLETED,
    ],
    ReferralStatus.NOT_REACHED: [ReferralStatus.APPOINTMENT_PLANNED, ReferralStatus.NOT_REACHED],
    ReferralStatus.DECLINED: [ReferralStatus.DECLINED],
    ReferralStatus.WITHDRAWN: [ReferralStatus.WITHDRAWN],
}


def _school_days(start, end) -> list:
    days = [start + timedelta(days=n) for n in range((end - start).days + 1)]
    weekdays = [day for day in days if day.weekday() < 5]
    return weekdays or days


def _theme_mix(rng: random.Random, themes: dict) -> list[Theme]:
    first = rng.choice(COMMON_THEMES) if rng.random() < 0.7 else rng.choice(list(themes))
    chosen = [themes[first]]
    if rng.random() < 0.35:
        chosen.append(themes[rng.choice([code for code in themes if code != first])])
    return chosen


def seed(ctx: DemoContext) -> None:
    if Contact.objects.filter(school__in=ctx.schools).exists():
        _seed_extras(ctx)
        return
    rng = random.Random(1001)
    themes = {theme.code: theme for theme in Theme.objects.filter(active=True)}
    for code, names in SUGGESTIONS.items():
        if code in themes:
            themes[code].suggested_partners.add(
                *[ctx.partners[name] for name in names if name in ctx.partners]
            )
    families_by_school = defaultdict(list)
    for family in Family.objects.filter(pk__in=[f.pk for f in ctx.families]).prefetch_related(
        "parents", "children"
    ):
        families_by_school[family.school_id].append(family)
    coordinator = ctx.users.get(Role.COORDINATOR)
    tz = timezone.get_current_timezone()
    now = timezone.now()

    planned = []  # (contact, themes, referral partner or None)
    for year in (ctx.school_year.previous(), ctx.school_year):
        days = _school_days(year.start, min(year.end, ctx.today))
        for school in ctx.schools:
            families = [f for f in families_by_school[school.pk] if f.parents.all()]
            reached = rng.sample(families, k=min(len(families), rng.randint(56, 66)))
            visits = [(family, n) for family in reached for n in range(rng.choice((1, 1, 2, 3)))]
            visits += [(None, n) for n in range(rng.randint(15, 25))]
            for family, _n in visits:
                day = rng.choice(days)
                at = timezone.make_aware(
                    datetime.combine(day, time(rng.randint(8, 15), rng.choice((0, 15, 30, 45)))),
                    tz,
                )
                at = min(at, now)
                contact_themes = _theme_mix(rng, themes)
                parents = list(family.parents.all()) if family else []
                children = list(family.children.all()) if family else []
                outcome = Outcome.ANSWERED
                partner = None
                roll = rng.random()
                if family and roll < 0.3:
                    outcome = Outcome.REFERRED
                    suggested = SUGGESTIONS.get(contact_themes[0].code) or ["Werkwinkel"]
                    partner = ctx.partners.get(rng.choice(suggested)) or ctx.partners["Werkwinkel"]
                elif roll < 0.4:
                    outcome = Outcome.FOLLOW_UP
                language = rng.choice([""] * 5 + [Language.ARABIC, Language.TURKISH])
                contact = Contact(
                    school=school,
                    occurred_at=at,
                    channel=rng.choice(CHANNELS),
                    family=family,
                    parent=rng.choice(parents) if parents else None,
                    child=rng.choice(children) if children and rng.random() < 0.5 else None,
                    language=language,
                    interpreter=bool(language) and rng.random() < 0.3,
                    note=rng.choice(NOTES),
                    outcome=outcome,
                    follow_up_on=at.date() + timedelta(days=7)
                    if outcome == Outcome.FOLLOW_UP
                    else None,
                    follow_up_done=outcome == Outcome.FOLLOW_UP
                    and at.date() + timedelta(days=7) < ctx.today,
                    created_by=coordinator,
                )
                planned.append((contact, contact_themes, partner))

    contacts = Contact.objects.bulk_create([contact for contact, _t, _p in planned])
    ContactTheme.objects.bulk_create(
        [
            ContactTheme.link(contact, theme)
            for contact, (_c, contact_themes, _p) in zip(contacts, planned, strict=True)
            for theme in contact_themes
        ]
    )
    _seed_referrals(ctx, rng, planned, coordinator, now)
    _seed_extras(ctx)


def _seed_referrals(ctx, rng, planned, coordinator, now) -> None:
    referrals, histories, referral_themes = [], [], []
    for contact, contact_themes, partner in planned:
        if partner is None:
            continue
        age = (ctx.today - contact.occurred_at.date()).days
        if age > 45:
            status = rng.choice(FINAL)
        else:
            status = rng.choice(
                [
                    ReferralStatus.REGISTERED,
                    ReferralStatus.APPOINTMENT_PLANNED,
                    ReferralStatus.IN_PROGRESS,
                    ReferralStatus.COMPLETED,
                ]
            )
        steps = PATHS[status]
        times = [contact.occurred_at]
        for _step in steps:
            times.append(min(times[-1] + timedelta(days=rng.randint(1, 10)), now))
        consent_name = contact.parent.first_name if contact.parent else "ouder"
        referral = Referral(
            contact=contact,
            school=contact.school,
            family=contact.family,
            parent=contact.parent,
            partner=partner,
            consent_given_by=consent_name,
            consent_method=rng.choice([ConsentMethod.VERBAL] * 3 + [ConsentMethod.WRITTEN]),
            consent_date=contact.occurred_at.date(),
            share_contact_details=rng.random() < 0.7,
            warm_handover=rng.random() < 0.5,
            status=status,
            status_changed_at=times[-1],
            follow_up_on=contact.occurred_at.date() + timedelta(days=14),
            outcome_note="Ouder is geholpen." if status == ReferralStatus.COMPLETED else "",
            created_by=coordinator,
        )
        referrals.append(referral)
        referral_themes.append(contact_themes)
        histories.append(
            [(ReferralStatus.REGISTERED, times[0])] + list(zip(steps, times[1:], strict=True))
        )
    Referral.objects.bulk_create(referrals)
    # created_at is auto_now_add: back-date it to the contact, as if referred back then.
    for referral in referrals:
        referral.created_at = referral.contact.occurred_at
    Referral.objects.bulk_update(referrals, ["created_at"], batch_size=500)
    Link = Referral.themes.through
    Link.objects.bulk_create(
        [
            Link(referral_id=referral.pk, theme_id=theme.pk)
            for referral, themes in zip(referrals, referral_themes, strict=True)
            for theme in themes
        ]
    )
    ReferralStatusChange.objects.bulk_create(
        [
            ReferralStatusChange(
                referral=referral, status=status, changed_by=coordinator, changed_at=at
            )
            for referral, history in zip(referrals, histories, strict=True)
            for status, at in history
        ]
    )


# Seed 001: families that got a boodschappentas (Spoorzicht 23, Klopvaart 45) or a
# boodschappenkaart (Joannes 60); De Schakel applies to funds for its children.
MATERIAL_AID = {
    "OBO Spoorzicht": ("boodschappentas", 23),
    "OBO De Klopvaart": ("boodschappentas", 45),
    "Joannes XXIII": ("boodschappenkaart", 60),
}
FUNDS = ["jeugdfonds", "jeugdeducatiefonds", "leergeld", "stadspas", "laptop", "kleding"]


def _seed_extras(ctx: DemoContext) -> None:
    """Who brought the families, provisions, and a partner's own inloop entries; each step
    runs once, also on demo data made before these existed."""
    rng = random.Random(1313)
    contacts = Contact.objects.filter(school__in=ctx.schools)
    sources = list(ContactSource.objects.filter(active=True).order_by("sort_order"))
    if sources and not contacts.filter(source__isnull=False).exists():
        weights = [6 if source.code in ("ouder", "leerkracht") else 1 for source in sources]
        chosen = list(contacts.filter(family__isnull=False).order_by("id"))
        for contact in chosen:
            contact.source = rng.choices(sources, weights)[0] if rng.random() < 0.6 else None
        Contact.objects.bulk_update(chosen, ["source"], batch_size=500)
    if not Provision.objects.filter(family__school__in=ctx.schools).exists():
        _seed_provisions(ctx, rng)
    _seed_partner_inloop(ctx, rng)


def _seed_provisions(ctx: DemoContext, rng: random.Random) -> None:
    kinds = {kind.code: kind for kind in ProvisionKind.objects.all()}
    coordinator = ctx.users.get(Role.COORDINATOR)
    provisions = []
    for school in ctx.schools:
        families = list(
            Family.objects.filter(school=school, contacts__isnull=False)
            .distinct()
            .order_by("code")
            .prefetch_related("children")
        )
        if not families:
            continue
        aid = MATERIAL_AID.get(school.name)
        if aid and aid[0] in kinds:
            for family in rng.sample(families, min(aid[1], len(families))):
                provisions.append(
                    Provision(
                        family=family,
                        kind=kinds[aid[0]],
                        status=ProvisionStatus.PROVIDED,
                        occurred_on=ctx.today - timedelta(days=rng.randint(1, 200)),
                        provided_by="Voedselbank" if aid[0] == "boodschappentas" else "",
                        created_by=coordinator,
                    )
                )
        for family in rng.sample(families, min(12, len(families))):
            children = list(family.children.all())
            kind = kinds.get(rng.choice(FUNDS))
            if kind is None:
                continue
            status = rng.choice(list(ProvisionStatus.values))
            provisions.append(
                Provision(
                    family=family,
                    child=rng.choice(children) if children and rng.random() < 0.7 else None,
                    kind=kind,
                    status=status,
                    occurred_on=ctx.today - timedelta(days=rng.randint(1, 300)),
                    status_changed_on=None
                    if status == ProvisionStatus.REQUESTED
                    else ctx.today - timedelta(days=rng.randint(0, 20)),
                    created_by=coordinator,
                )
            )
    # Some fund applications go through the Werkwinkel with consent, so its staff see them.
    werkwinkel = ctx.partners.get("Werkwinkel")
    referrals = {
        referral.family_id: referral
        for referral in Referral.objects.consent_standing()
        .filter(partner=werkwinkel, family__isnull=False)
        .order_by("id")
    }
    for provision in provisions:
        if provision.kind.code in FUNDS and provision.family_id in referrals:
            provision.referral = referrals[provision.family_id]
    Provision.objects.bulk_create(provisions)


def _seed_partner_inloop(ctx: DemoContext, rng: random.Random) -> None:
    """The Werkwinkel's demo user answered questions at the inloop herself, some of them today."""
    partner_user = ctx.users.get(Role.PARTNER)
    werkwinkel = ctx.partners.get("Werkwinkel")
    if partner_user is None or werkwinkel is None or not ctx.schools:
        return
    today_at = timezone.make_aware(datetime.combine(ctx.today, time(9, 15)))
    if Contact.objects.filter(created_by=partner_user, occurred_at__date=ctx.today).exists():
        return
    themes = list(Theme.objects.filter(code__in=["werk", "geldzaken", "formulieren"]))
    if not themes:
        return
    moments = [today_at, today_at + timedelta(minutes=25)]
    if not Contact.objects.filter(answered_by_partner=werkwinkel).exists():
        moments += [today_at - timedelta(days=days) for days in (7, 14, 21, 35, 49)]
    for at in moments:
        contact = Contact.objects.create(
            school=ctx.schools[0],
            occurred_at=min(at, timezone.now()),
            channel=Channel.WALK_IN,
            answered_by_partner=werkwinkel,
            created_by=partner_user,
            note="",
        )
        contact_themes_set(contact=contact, themes=[rng.choice(themes)])
