"""The servicepunt's part of the family timeline: contacts and referrals."""

from django.urls import reverse
from django.utils.translation import gettext as _

from familieschool.models import Family
from familieschool.timeline import TimelineEntry

from .models import Contact, Referral


def family_entries(family: Family) -> list[TimelineEntry]:
    """A family's contacts and referrals as timeline entries, in three queries."""
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
    return entries
