"""Reads of the servicepunt, scoped by the access policy."""

from collections import defaultdict
from collections.abc import Iterable
from datetime import date, datetime, time, timedelta

from django.db.models import Case, Count, Prefetch, Q, QuerySet, Value, When, Window
from django.db.models.fields import BooleanField
from django.utils import timezone

from familieschool.access import (
    COORDINATOR,
    PARTNER,
    families_for,
    get_for_user,
    organisation_for,
    record_schools_for,
    role_of,
)
from familieschool.constants import Role
from familieschool.models import Child, Family, Parent, PartnerOrganisation, School
from familieschool.selectors import family_search

from .constants import OPEN_REFERRAL_STATUSES, Channel, Outcome
from .models import (
    Contact,
    ContactSource,
    PartnerUpdatesSeen,
    Provision,
    ProvisionKind,
    Referral,
    ReferralStatusChange,
    Theme,
)

__all__ = [
    "themes_active",
    "provision_kinds_active",
    "contact_sources_active",
    "parent_get",
    "child_get",
    "provision_get",
    "provisions_for_partner",
    "contact_list_for_user",
    "contact_list_rows",
    "referral_list_rows",
    "contacts_for_user",
    "contacts_of_today",
    "contact_labels",
    "day_start",
    "partner_walkin_schools",
    "partner_contacts_of_today",
    "contact_get",
    "family_get",
    "family_lookup",
    "family_code_lookup",
    "referrals_for_coordinator",
    "open_referrals_for_coordinator",
    "referral_get",
    "referrals_for_partner",
    "partner_referrals",
    "partner_referral_get",
    "suggested_partners",
    "follow_up_counts",
    "partner_updates",
    "partner_updates_since",
    "partner_update_counts",
]

# A coordinator who never marked the partners' updates as seen is shown those of two weeks.
PARTNER_UPDATES_DEFAULT = timedelta(days=14)


def themes_active() -> QuerySet[Theme]:
    """The themes a coordinator can choose, in their configured order."""
    return Theme.objects.filter(active=True).order_by("sort_order", "name")


def provision_kinds_active() -> QuerySet[ProvisionKind]:
    """The kinds of provisions a coordinator can choose, in their configured order."""
    return ProvisionKind.objects.filter(active=True).order_by("sort_order", "name")


def contact_sources_active() -> QuerySet[ContactSource]:
    """Who may have brought a family ("aangemeld door"), in the configured order."""
    return ContactSource.objects.filter(active=True).order_by("sort_order", "name")


def parent_get(*, user, pk: int) -> Parent:
    """One parent of a family of the user's schools; else a 404."""
    return get_for_user(
        Parent.objects.filter(family__in=families_for(user)).select_related("family__school"),
        pk=pk,
    )


def child_get(*, user, pk: int) -> Child:
    """One child of a family of the user's schools; else a 404."""
    return get_for_user(
        Child.objects.filter(family__in=families_for(user)).select_related("family__school"),
        pk=pk,
    )


def provision_get(*, user, pk: int) -> Provision:
    """One provision of a family of the user's schools; else a 404."""
    return get_for_user(
        Provision.objects.filter(family__in=families_for(user)).select_related(
            "family__school", "kind", "child"
        ),
        pk=pk,
    )


def provisions_for_partner(user) -> QuerySet[Provision]:
    """Provisions a partner may see: those handled through her organisation's referral with
    standing consent; never any other."""
    return Provision.objects.filter(referral__in=referrals_for_partner(user)).select_related("kind")


# What a row of the contact list shows (``servicepunt/contact_list.html``).
CONTACT_LIST_FIELDS = (
    "occurred_at",
    "channel",
    "outcome",
    "follow_up_on",
    "school__name",
    "family__code",
    "parent__first_name",
)


def contacts_for_user(user) -> QuerySet[Contact]:
    """Contacts of the user's schools, with what a list shows."""
    return (
        Contact.objects.visible_to(user)
        .select_related("school", "family", "parent", "child", "answered_by_partner", "source")
        .prefetch_related("themes")
    )


def contact_list_for_user(user) -> QuerySet[Contact]:
    """The contacts of the user's schools, newest first, as bare rows to filter and page on.

    The school ids are read first (one small query) so that PostgreSQL plans each page on the
    ``(school, occurred_at, id)`` index of those schools. No joins: with the school, family and
    parent joined, PostgreSQL walked the whole city's newest contacts on the ``occurred_at``
    index to find a themed page; without them a page is an index-only scan of the school.
    ``contact_list_rows`` reads the page's rows.
    """
    ids = list(record_schools_for(user).values_list("pk", flat=True))
    return (
        Contact.objects.visible_to(user)
        .filter(school_id__in=ids)
        .only("id")
        .order_by("-occurred_at", "-id")
    )


def contact_list_rows(user) -> QuerySet[Contact]:
    """The contact list's rows of the user's schools with only what a row shows; read by id."""
    return (
        Contact.objects.visible_to(user)
        .select_related("school", "family", "parent")
        .only(*CONTACT_LIST_FIELDS)
        .prefetch_related(_theme_list())
    )


def day_start(day: date) -> datetime:
    """Midnight at the start of ``day`` in the portal's time zone (DST-aware)."""
    return timezone.make_aware(datetime.combine(day, time.min))


TODAY_FIELDS = (
    "school_id",
    "occurred_at",
    "channel",
    "outcome",
    "school__name",
    "family__code",
    "answered_by_partner__name",
)


def _theme_list() -> Prefetch:
    # Themes to a list (``theme_list``): a related manager per row cost more than the rows.
    return Prefetch("themes", queryset=Theme.objects.only("name"), to_attr="theme_list")


def contacts_of_today(
    *, user, schools: Iterable[School] | None = None, today: date | None = None
) -> QuerySet[Contact]:
    """The contacts registered today at the user's schools, newest first.

    ``schools``: the user's schools when the caller has read them already (else one query).
    """
    today = today or timezone.localdate()
    if schools is None:
        ids = list(record_schools_for(user).values_list("pk", flat=True))
    else:
        ids = [school.pk for school in schools]
    # A range on occurred_at itself, which the (school, occurred_at, id) index serves; a filter
    # on its local date would read every contact of the school. The school ids as numbers:
    # with only the scope's subquery PostgreSQL walked the city's contacts of the day and
    # hashed every family, parent and child of the city to join them (20-25 ms).
    return (
        Contact.objects.visible_to(user)
        .filter(
            school_id__in=ids,
            occurred_at__gte=day_start(today),
            occurred_at__lt=day_start(today + timedelta(days=1)),
        )
        .select_related("school", "family", "answered_by_partner")
        .only(*TODAY_FIELDS)
        .prefetch_related(_theme_list())
        .order_by("-occurred_at", "-id")
    )


def newest_with_total(contacts: QuerySet[Contact], limit: int) -> tuple[list[Contact], int]:
    """The first ``limit`` of ``contacts`` and how many there are in all, in one query (a
    count over the whole result, read with the rows): the walk-in page lists a day's newest
    contacts, not a busy day's hundreds, and says how many there were."""
    rows = list(contacts.annotate(total=Window(Count("pk")))[:limit])
    return rows, (rows[0].total if rows else 0)


def contact_labels(contacts: Iterable[Contact]) -> list[Contact]:
    """The contacts with ``channel_label`` and ``outcome_label`` in the active language.

    ``get_channel_display()`` hashes every lazy label of the field's choices, a gettext call
    each, on every call; here each label is translated once per page.
    """
    channels = {value: str(label) for value, label in Channel.choices}
    outcomes = {value: str(label) for value, label in Outcome.choices}
    rows = list(contacts)
    for contact in rows:
        contact.channel_label = channels.get(contact.channel, contact.channel)
        contact.outcome_label = outcomes.get(contact.outcome, contact.outcome)
    return rows


def partner_walkin_schools(user) -> QuerySet[School]:
    """Schools where the partner's organisation holds a spreekuur now: there her staff may
    log questions at the inloop."""
    organisation = organisation_for(user)
    if organisation is None:
        return School.objects.none()
    today = timezone.localdate()
    # Through the reverse name of partners.Spreekuur: the servicepunt does not import partners.
    return School.objects.filter(
        Q(spreekuren__valid_until__isnull=True) | Q(spreekuren__valid_until__gte=today),
        spreekuren__partner=organisation,
        spreekuren__valid_from__lte=today,
    ).distinct()


def partner_contacts_of_today(*, user, today: date | None = None) -> QuerySet[Contact]:
    """The contacts this partner staff member logged herself today; nothing else."""
    today = today or timezone.localdate()
    return (
        Contact.objects.filter(
            created_by=user,
            occurred_at__gte=day_start(today),
            occurred_at__lt=day_start(today + timedelta(days=1)),
        )
        .select_related("school")
        .prefetch_related(_theme_list())
        .order_by("-occurred_at", "-id")
    )


def contact_get(*, user, pk: int) -> Contact:
    """One contact of the user's schools with its referrals; anything else is a 404."""
    referrals = Referral.objects.select_related("partner").order_by("-created_at", "-id")
    return get_for_user(
        contacts_for_user(user).prefetch_related(Prefetch("referrals", queryset=referrals)),
        pk=pk,
    )


def family_get(*, user, pk: int, members: bool = True) -> Family:
    """One family of the user's schools, with its parents and children unless ``members`` is
    False; else a 404."""
    families = families_for(user).select_related("school")
    if members:
        # In the models' order within one family, without their join through the school.
        families = families.prefetch_related(
            Prefetch("parents", queryset=Parent.objects.order_by("id")),
            Prefetch("children", queryset=Child.objects.order_by("group", "id")),
        )
    return get_for_user(families, pk=pk)


def family_lookup(*, user, term: str, school: School | None = None, limit: int = 10) -> list:
    """Type-ahead: families of the user's schools matching ``term``, with parents and children."""
    families = family_search(user=user, term=term, school=school, limit=limit)
    return list(
        families.prefetch_related(
            Prefetch("parents", queryset=Parent.objects.order_by("id")),
            Prefetch("children", queryset=Child.objects.order_by("group", "id")),
        )
    )


def family_code_lookup(*, user, term: str, limit: int = 10) -> list[Family]:
    """Type-ahead for a family filter: families of the user's schools matching ``term``."""
    return list(family_search(user=user, term=term, limit=limit))


def _with_overdue(qs: QuerySet[Referral], today: date) -> QuerySet[Referral]:
    return qs.annotate(
        is_overdue=Case(
            When(
                Q(follow_up_on__lt=today) & Q(status__in=OPEN_REFERRAL_STATUSES),
                then=Value(True),
            ),
            default=Value(False),
            output_field=BooleanField(),
        )
    )


def referrals_for_coordinator(user, *, today: date | None = None) -> QuerySet[Referral]:
    """Referrals of the user's schools, with the overdue flag a list needs."""
    today = today or timezone.localdate()
    if role_of(user) != COORDINATOR:
        return Referral.objects.none()
    qs = (
        Referral.objects.visible_to(user)
        .select_related("school", "family", "parent", "partner", "contact")
        .prefetch_related("themes")
    )
    return _with_overdue(qs, today)


REFERRAL_LIST_FIELDS = (
    "created_at",
    "status",
    "follow_up_on",
    "warm_handover",
    "school__name",
    "family__code",
    "partner__name",
)


def referral_list_rows(user, *, today: date | None = None) -> QuerySet[Referral]:
    """The referral list's rows of the user's schools with only what a row shows; read by id.

    Three joins and a dozen columns instead of ``referrals_for_coordinator``'s five joins of
    whole rows (the contact's note among them): building those rows was a third of the page.
    """
    today = today or timezone.localdate()
    if role_of(user) != COORDINATOR:
        return Referral.objects.none()
    qs = (
        Referral.objects.visible_to(user)
        .select_related("school", "family", "partner")
        .only(*REFERRAL_LIST_FIELDS)
        .prefetch_related("themes")
    )
    return _with_overdue(qs, today)


def open_referrals_for_coordinator(user, *, today: date | None = None) -> QuerySet[Referral]:
    """Open referrals of the user's schools; overdue follow-ups first."""
    return (
        referrals_for_coordinator(user, today=today)
        .filter(status__in=OPEN_REFERRAL_STATUSES)
        .order_by("-is_overdue", "follow_up_on", "-created_at", "-id")
    )


def referral_get(*, user, pk: int) -> Referral:
    """One referral of the user's schools with its status history; anything else is a 404."""
    history = ReferralStatusChange.objects.select_related("changed_by").order_by("changed_at", "id")
    return get_for_user(
        referrals_for_coordinator(user).prefetch_related(
            Prefetch("status_changes", queryset=history)
        ),
        pk=pk,
    )


def referrals_for_partner(user) -> QuerySet[Referral]:
    """Referrals a partner's staff may see: addressed to their organisation, consent standing."""
    if role_of(user) != PARTNER:
        return Referral.objects.none()
    return Referral.objects.visible_to(user)


def partner_referrals(user) -> QuerySet[Referral]:
    """The partner's referrals with only what their list shows: school, parent, themes."""
    return (
        referrals_for_partner(user)
        .select_related("school", "parent")
        .prefetch_related("themes")
        .order_by("-created_at", "-id")
    )


def partner_referral_get(*, user, pk: int) -> Referral:
    """One referral addressed to the partner's organisation; anything else is a 404."""
    return get_for_user(partner_referrals(user), pk=pk)


def suggested_partners(themes) -> QuerySet[PartnerOrganisation]:
    """Partners suggested for any of ``themes``, those matching the most themes first."""
    theme_ids = [theme.pk for theme in themes]
    # The annotation follows the filter, so it counts only the matching themes.
    return (
        PartnerOrganisation.objects.filter(suggested_for_themes__in=theme_ids)
        .annotate(matches=Count("suggested_for_themes"))
        .order_by("-matches", "name")
    )


def follow_up_counts(
    *, today: date, stale_before: datetime, schools: Iterable[School] | None = None
) -> dict[int, dict[str, int]]:
    """Per school id with work: open referrals past follow-up or unchanged, contacts due."""
    referrals = Referral.objects.filter(status__in=OPEN_REFERRAL_STATUSES)
    contacts = Contact.objects.filter(follow_up_done=False, follow_up_on__lte=today)
    if schools is not None:
        referrals = referrals.filter(school__in=schools)
        contacts = contacts.filter(school__in=schools)
    counts: dict[int, dict[str, int]] = defaultdict(
        lambda: {"overdue_referrals": 0, "stale_referrals": 0, "due_contacts": 0}
    )
    for row in (
        referrals.values("school")
        .annotate(
            overdue=Count("id", filter=Q(follow_up_on__lt=today)),
            stale=Count("id", filter=Q(status_changed_at__lt=stale_before)),
        )
        .order_by()
    ):
        counts[row["school"]]["overdue_referrals"] = row["overdue"]
        counts[row["school"]]["stale_referrals"] = row["stale"]
    for row in contacts.values("school").annotate(n=Count("id")).order_by():
        counts[row["school"]]["due_contacts"] = row["n"]
    return {pk: values for pk, values in counts.items() if any(values.values())}


def _by_partners() -> QuerySet[ReferralStatusChange]:
    return ReferralStatusChange.objects.filter(changed_by__role=Role.PARTNER)


def partner_updates_since(*, user) -> datetime:
    """When the coordinator last marked the partners' updates as seen (else two weeks ago)."""
    seen = PartnerUpdatesSeen.objects.filter(user=user).values_list("seen_at", flat=True).first()
    return seen or timezone.now() - PARTNER_UPDATES_DEFAULT


def partner_updates(*, user, since: datetime) -> QuerySet[ReferralStatusChange]:
    """Status changes partners made since ``since`` to referrals of the user's schools."""
    return (
        _by_partners()
        .visible_to(user)
        .filter(changed_at__gt=since)
        .select_related("referral__partner", "referral__family")
        .only("changed_at", "status", "referral__partner__name", "referral__family__code")
        .order_by("-changed_at", "-id")
    )


def partner_update_counts(*, since: datetime, schools: Iterable[School] | None = None) -> dict:
    """Per school id: how many status changes partners made since ``since``."""
    changes = _by_partners().filter(changed_at__gt=since)
    if schools is not None:
        changes = changes.filter(referral__school__in=schools)
    return dict(
        changes.values("referral__school")
        .annotate(n=Count("id"))
        .order_by()
        .values_list("referral__school", "n")
    )


def digest_counts(*, today, stale_before, updates_since, schools=None) -> dict[int, dict[str, int]]:
    """Per school, what the coordinator's digest reports: follow-ups due and partners' updates."""
    counts = follow_up_counts(today=today, stale_before=stale_before, schools=schools)
    updates = partner_update_counts(since=updates_since, schools=schools)
    return {
        school_id: {
            "overdue_referrals": 0,
            "stale_referrals": 0,
            "due_contacts": 0,
            **counts.get(school_id, {}),
            "partner_updates": updates.get(school_id, 0),
        }
        for school_id in counts.keys() | updates.keys()
    }
