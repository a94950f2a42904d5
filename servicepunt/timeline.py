"""The servicepunt's part of the family timeline: contacts, referrals and provisions."""

from datetime import datetime, time

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from familieschool.models import Family
from familieschool.timeline import TimelineEntry

from .models import Contact, Provision, Referral


def family_entries(family: Family) -> list[TimelineEntry]:
    """A family's contacts, referrals and provisions as timeline entries, in four queries."""
    entries = []
    contacts = Contact.objects.filter(family=family).prefetch_related("themes")
    for contact in contacts:
        themes = ", ".join(theme.name for theme in contact.themes.all())
        entries.append(
            TimelineEntry(
                at=contact.occurred_at,
                kind="contact",
                title=_("Contact (%(channel)s)") % {"channel": contact.get_channel_display()},
                detail=f"{themes} · {contact.get_outcome_display()}",
                url=reverse("servicepunt:contact-detail", args=[contact.pk]),
            )
        )
    for referral in Referral.objects.filter(family=family).select_related("partner"):
        entries.append(
            TimelineEntry(
                at=referral.created_at,
                kind="referral",
                title=_("Referral to %(partner)s") % {"partner": referral.partner.name},
                detail=referral.get_status_display(),
                url=reverse("servicepunt:referral-detail", args=[referral.pk]),
            )
        )
    provisions = Provision.objects.filter(family=family).select_related("kind", "child")
    for provision in provisions:
        detail = provision.get_status_display()
        if provision.child_id:
            detail += f" · {provision.child}"
        entries.append(
            TimelineEntry(
                # A provision has a date, not a time: it sorts at the start of its day.
                at=timezone.make_aware(datetime.combine(provision.occurred_on, time.min)),
                kind="provision",
                title=_("Provision: %(kind)s") % {"kind": provision.kind.name},
                detail=detail,
                url=reverse("servicepunt:provision-update", args=[provision.pk]),
            )
        )
    return entries
