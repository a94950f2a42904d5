"""The servicepunt's part of the family timeline: contacts, referrals and provisions."""

from datetime import time
from functools import partial

from django.db.models import TimeField, Value
from django.urls import reverse
from django.utils.translation import gettext as _

from familieschool.models import Child, Family
from familieschool.timeline import TimelineCursor, TimelineSource, choice_label, timeline_source

from .models import Contact, Provision, Referral


def _names(themes: list[dict]) -> str:
    """The themes in their configured order, as the contact's ``themes`` are sorted."""
    ordered = sorted(themes, key=lambda theme: (theme["order"], theme["name"]))
    return ", ".join(theme["name"] for theme in ordered)


def _contact_text(pk: int, data: dict) -> tuple[str, str, str]:
    channel = choice_label(Contact, "channel", data["channel"])
    outcome = choice_label(Contact, "outcome", data["outcome"])
    return (
        _("Contact (%(channel)s)") % {"channel": channel},
        f"{_names(data['themes'])} · {outcome}",
        reverse("servicepunt:contact-detail", args=[pk]),
    )


def _referral_text(pk: int, data: dict) -> tuple[str, str, str]:
    return (
        _("Referral to %(partner)s") % {"partner": data["partner"]},
        choice_label(Referral, "status", data["status"]),
        reverse("servicepunt:referral-detail", args=[pk]),
    )


def _provision_text(pk: int, data: dict) -> tuple[str, str, str]:
    detail = choice_label(Provision, "status", data["status"])
    if data["child"]:
        child = Child(
            first_name=data["child_first_name"],
            group=data["child_group"],
            group_year=data["child_group_year"],
            family=Family(code=data["child_family_code"]),
        )
        detail += f" · {child}"
    return (
        _("Provision: %(kind)s") % {"kind": data["kind"]},
        detail,
        reverse("servicepunt:provision-update", args=[pk]),
    )


def family_entries(
    family: Family, *, before: TimelineCursor | None = None, limit: int | None = None
) -> list[TimelineSource]:
    """A family's contacts, referrals and provisions for its timeline, newest first: at most
    ``limit`` of each after ``before``."""
    source = partial(timeline_source, before=before, limit=limit)
    return [
        source(
            Contact.objects.filter(family=family).order_by("-occurred_at", "-pk"),
            kind="contact",
            at="occurred_at",
            data={"channel": "channel", "outcome": "outcome"},
            lists={"themes": ("themes", {"name": "name", "order": "sort_order"})},
            describe=_contact_text,
        ),
        source(
            Referral.objects.filter(family=family).order_by("-created_at", "-pk"),
            kind="referral",
            at="created_at",
            data={"status": "status", "partner": "partner__name"},
            describe=_referral_text,
        ),
        # A provision has a date, not a time: it sorts at the start of its day.
        source(
            Provision.objects.filter(family=family).order_by("-occurred_on", "-pk"),
            kind="provision",
            day="occurred_on",
            time=Value(time.min, output_field=TimeField()),
            data={
                "status": "status",
                "kind": "kind__name",
                "child": "child_id",
                "child_first_name": "child__first_name",
                "child_group": "child__group",
                "child_group_year": "child__group_year",
                "child_family_code": "child__family__code",
            },
            describe=_provision_text,
        ),
    ]
