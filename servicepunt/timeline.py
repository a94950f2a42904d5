"""The servicepunt's part of the family timeline: contacts, referrals and provisions."""

from datetime import datetime, time
from functools import partial

from django.db.models import TimeField, Value
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from familieschool.models import Family
from familieschool.timeline import TimelineCursor, TimelineEntry, newest_entries

from .models import Contact, Provision, Referral


def _contact_text(contact: Contact) -> tuple[str, str, str]:
    themes = ", ".join(theme.name for theme in contact.themes.all())
    return (
        _("Contact (%(channel)s)") % {"channel": contact.get_channel_display()},
        f"{themes} · {contact.get_outcome_display()}",
        reverse("servicepunt:contact-detail", args=[contact.pk]),
    )


def _referral_text(referral: Referral) -> tuple[str, str, str]:
    return (
        _("Referral to %(partner)s") % {"partner": referral.partner.name},
        referral.get_status_display(),
        reverse("servicepunt:referral-detail", args=[referral.pk]),
    )


def _provision_text(provision: Provision) -> tuple[str, str, str]:
    detail = provision.get_status_display()
    if provision.child_id:
        detail += f" · {provision.child}"
    return (
        _("Provision: %(kind)s") % {"kind": provision.kind.name},
        detail,
        reverse("servicepunt:provision-update", args=[provision.pk]),
    )


def family_entries(
    family: Family, *, before: TimelineCursor | None = None, limit: int | None = None
) -> list[TimelineEntry]:
    """A family's contacts, referrals and provisions as timeline entries, newest first: at
    most ``limit`` of each kind after ``before``, in four queries."""
    contacts = (
        Contact.objects.filter(family=family)
        .only("occurred_at", "channel", "outcome")
        .prefetch_related("themes")
        .order_by("-occurred_at", "-pk")
    )
    entries = newest_entries(
        contacts,
        kind="contact",
        at="occurred_at",
        before=before,
        limit=limit,
        describe=_contact_text,
    )
    referrals = (
        Referral.objects.filter(family=family)
        .only("created_at", "status", "partner__name")
        .select_related("partner")
        .order_by("-created_at", "-pk")
    )
    entries += newest_entries(
        referrals,
        kind="referral",
        at="created_at",
        before=before,
        limit=limit,
        describe=_referral_text,
    )
    # A provision has a date, not a time: it sorts at the start of its day.
    provisions = (
        Provision.objects.filter(family=family)
        .select_related("kind", "child__family")
        .annotate(timeline_time=Value(time.min, output_field=TimeField()))
        .order_by("-occurred_on", "-pk")
    )
    if before:
        provisions = provisions.filter(
            before.older_local("provision", day="occurred_on", time="timeline_time")
        )
    entries += [
        TimelineEntry(
            at=timezone.make_aware(datetime.combine(provision.occurred_on, time.min)),
            kind="provision",
            pk=provision.pk,
            describe=partial(_provision_text, provision),
        )
        for provision in provisions[:limit]
    ]
    return entries
