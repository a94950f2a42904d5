"""Writes of the servicepunt: contacts, referrals and their status, the contact import."""

from collections.abc import Iterable
from datetime import date, datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from familieschool.constants import AuditAction
from familieschool.models import Child, Family, Parent, PartnerOrganisation, School
from familieschool.outbox import enqueue
from familieschool.services import audit_log_record, child_create, family_create, parent_create

from .constants import REFERRAL_TRANSITIONS, Channel, Outcome, ProvisionStatus, ReferralStatus
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
    "partner_updates_mark_seen",
    "contact_create",
    "contact_update",
    "contact_themes_set",
    "referral_create",
    "referral_set_status",
    "referral_withdraw_consent",
    "allowed_next_statuses",
    "provision_create",
    "provision_update",
]


# Imported records and records of deleted users have no creator: that stays valid on a change.
NOT_REVALIDATED = ["created_by"]


def _require_themes(themes) -> list[Theme]:
    themes = list(themes or [])
    if not themes:
        raise ValidationError({"themes": _("Choose at least one theme.")})
    return themes


@transaction.atomic
def contact_themes_set(*, contact: Contact, themes: Iterable[Theme]) -> None:
    """Give ``contact`` exactly these themes; each link carries the contact's school."""
    contact.themes.set(themes, through_defaults={"school_id": contact.school_id})


@transaction.atomic
def contact_create(
    *,
    user,
    school: School,
    themes: Iterable[Theme],
    occurred_at: datetime | None = None,
    channel: str = Channel.WALK_IN,
    family: Family | None = None,
    new_family_code: str = "",
    new_parent_first_name: str = "",
    new_child_first_name: str = "",
    new_child_group: str = "",
    parent: Parent | None = None,
    child: Child | None = None,
    language: str = "",
    interpreter: bool = False,
    note: str = "",
    outcome: str = Outcome.ANSWERED,
    follow_up_on: date | None = None,
    source: ContactSource | None = None,
    answered_by_partner: PartnerOrganisation | None = None,
    provision_kind: ProvisionKind | None = None,
    provision_status: str = ProvisionStatus.PROVIDED,
) -> Contact:
    """Register a question; a new family (code, a parent, a child) is created on the way,
    and a provision of ``provision_kind`` for the family when one is given."""
    themes = _require_themes(themes)
    if new_family_code:
        if family is not None:
            raise ValidationError(_("Choose a known family or a new one, not both."))
        try:
            family = family_create(school=school, code=new_family_code, user=user)
        except ValidationError as exc:
            raise ValidationError({"new_family_code": exc.messages}) from exc
        if new_parent_first_name.strip():
            parent = parent_create(family=family, first_name=new_parent_first_name.strip())
        if new_child_group:
            child = child_create(
                family=family, group=new_child_group, first_name=new_child_first_name.strip()
            )
    contact = Contact(
        school=school,
        occurred_at=occurred_at or timezone.now(),
        channel=channel,
        family=family,
        parent=parent,
        child=child,
        language=language,
        interpreter=interpreter,
        note=note.strip(),
        outcome=outcome,
        follow_up_on=follow_up_on if outcome == Outcome.FOLLOW_UP else None,
        source=source,
        answered_by_partner=answered_by_partner,
        created_by=user,
    )
    contact.full_clean()
    contact.save()
    contact_themes_set(contact=contact, themes=themes)
    audit_log_record(user=user, action=AuditAction.CREATE, obj=contact, family=family)
    if provision_kind is not None:
        if family is None:
            raise ValidationError(
                {"provision_kind": _("A provision is registered for a family, not anonymously.")}
            )
        provision_create(
            family=family,
            user=user,
            kind=provision_kind,
            status=provision_status,
            occurred_on=timezone.localtime(contact.occurred_at).date(),
            child=child,
            contact=contact,
        )
    return contact


@transaction.atomic
def contact_update(
    *,
    contact: Contact,
    user,
    occurred_at: datetime,
    channel: str,
    themes: Iterable[Theme],
    language: str,
    interpreter: bool,
    source: ContactSource | None,
    note: str,
    outcome: str,
    follow_up_on: date | None,
    follow_up_done: bool,
    parent: Parent | None = None,
    child: Child | None = None,
) -> Contact:
    """Change a contact's details (not its school or family) and log the change."""
    contact.occurred_at = occurred_at
    contact.channel = channel
    contact.parent = parent
    contact.child = child
    contact.language = language
    contact.interpreter = interpreter
    contact.source = source
    contact.note = note.strip()
    contact.outcome = outcome
    contact.follow_up_on = follow_up_on if outcome == Outcome.FOLLOW_UP else None
    contact.follow_up_done = follow_up_done
    contact.full_clean(exclude=NOT_REVALIDATED)
    contact.save()
    contact_themes_set(contact=contact, themes=_require_themes(themes))
    audit_log_record(user=user, action=AuditAction.CHANGE, obj=contact, family=contact.family)
    return contact


def _record_status(referral: Referral, status: str, user) -> ReferralStatusChange:
    now = timezone.now()
    referral.status = status
    referral.status_changed_at = now
    return ReferralStatusChange.objects.create(
        referral=referral, status=status, changed_by=user, changed_at=now
    )


@transaction.atomic
def referral_create(
    *,
    contact: Contact,
    partner: PartnerOrganisation,
    user,
    consent_given_by: str,
    consent_method: str,
    consent_date: date | None,
    themes: Iterable[Theme] | None = None,
    parent: Parent | None = None,
    share_contact_details: bool = False,
    warm_handover: bool = False,
    follow_up_on: date | None = None,
) -> Referral:
    """Refer the parent of ``contact`` to ``partner``; without recorded consent, no referral."""
    missing = {}
    if not (consent_given_by or "").strip():
        missing["consent_given_by"] = _("Record who gave consent.")
    if not consent_method:
        missing["consent_method"] = _("Record how consent was given.")
    if not consent_date:
        missing["consent_date"] = _("Record the date of consent.")
    if missing:
        missing["__all__"] = _(
            "No consent, no referral: a partner may only receive a referral when the parent "
            "has agreed to it."
        )
        raise ValidationError(missing)
    if consent_date > timezone.localdate():
        raise ValidationError({"consent_date": _("The date of consent cannot be in the future.")})
    if parent is not None and parent.family_id != contact.family_id:
        raise ValidationError({"parent": _("This parent is not part of the chosen family.")})
    referral = Referral(
        contact=contact,
        school=contact.school,
        family=contact.family,
        parent=parent or contact.parent,
        partner=partner,
        consent_given_by=consent_given_by.strip(),
        consent_method=consent_method,
        consent_date=consent_date,
        share_contact_details=share_contact_details,
        warm_handover=warm_handover,
        follow_up_on=follow_up_on,
        status=ReferralStatus.REGISTERED,
        created_by=user,
    )
    referral.full_clean()
    referral.save()
    referral.themes.set(list(themes) if themes is not None else contact.themes.all())
    _record_status(referral, ReferralStatus.REGISTERED, user)
    if contact.outcome != Outcome.REFERRED:
        contact.outcome = Outcome.REFERRED
        contact.follow_up_on = None
        contact.save(update_fields=["outcome", "follow_up_on"])
    audit_log_record(user=user, action=AuditAction.CREATE, obj=referral, family=referral.family)
    # The partner hears of it once this transaction commits; Redis being down delays, never fails.
    enqueue("servicepunt.tasks.notify_referral_created", referral_id=referral.pk)
    return referral


def allowed_next_statuses(*, referral: Referral) -> tuple[str, ...]:
    """The statuses a referral may move to from its current status."""
    return REFERRAL_TRANSITIONS.get(referral.status, ())


def _locked(referral: Referral) -> Referral:
    # Two people may update the same referral at once (coordinator and partner); the row lock
    # makes the second one see the first one's status before checking its transition.
    return Referral.objects.select_for_update().get(pk=referral.pk)


@transaction.atomic
def referral_set_status(
    *, referral: Referral, status: str, user, outcome_note: str | None = None
) -> Referral:
    """Move a referral to ``status`` if the lifecycle allows it, with the change recorded."""
    current = _locked(referral)
    if status == ReferralStatus.WITHDRAWN:
        raise ValidationError(
            {"status": _("A referral is withdrawn by withdrawing the parent's consent.")}
        )
    if status != current.status and status not in allowed_next_statuses(referral=current):
        raise ValidationError(
            {
                "status": _("A referral cannot go from “%(old)s” to “%(new)s”.")
                % {
                    "old": current.get_status_display(),
                    "new": ReferralStatus(status).label if status in ReferralStatus else status,
                }
            }
        )
    if status != current.status:
        _record_status(current, status, user)
    if outcome_note is not None:
        current.outcome_note = outcome_note.strip()
    current.full_clean(exclude=NOT_REVALIDATED)
    current.save()
    audit_log_record(user=user, action=AuditAction.CHANGE, obj=current, family=current.family)
    referral.refresh_from_db()
    return current


@transaction.atomic
def referral_withdraw_consent(*, referral: Referral, user) -> Referral:
    """The parent withdrew consent: the referral is withdrawn and leaves the partner's sight."""
    current = _locked(referral)
    if not current.consent_stands:
        raise ValidationError(_("The consent for this referral was already withdrawn."))
    _record_status(current, ReferralStatus.WITHDRAWN, user)
    current.full_clean(exclude=NOT_REVALIDATED)
    current.save()
    audit_log_record(user=user, action=AuditAction.CHANGE, obj=current, family=current.family)
    referral.refresh_from_db()
    return current


@transaction.atomic
def partner_updates_mark_seen(*, user, at: datetime | None = None) -> PartnerUpdatesSeen:
    """The coordinator has seen what partners changed on her referrals up to ``at`` (now)."""
    seen, _created = PartnerUpdatesSeen.objects.update_or_create(
        user=user, defaults={"seen_at": at or timezone.now()}
    )
    return seen


# --- provisions ---------------------------------------------------------------------------


@transaction.atomic
def provision_create(
    *,
    family: Family,
    user,
    kind: ProvisionKind,
    status: str = ProvisionStatus.PROVIDED,
    occurred_on: date | None = None,
    child: Child | None = None,
    provided_by: str = "",
    note: str = "",
    contact: Contact | None = None,
    referral: Referral | None = None,
) -> Provision:
    """Register material aid or a fund application for a family (and maybe one child)."""
    provision = Provision(
        family=family,
        kind=kind,
        status=status,
        occurred_on=occurred_on or timezone.localdate(),
        child=child,
        provided_by=provided_by,
        note=note,
        contact=contact,
        referral=referral,
        created_by=user,
    )
    provision.full_clean()
    provision.save()
    audit_log_record(user=user, action=AuditAction.CREATE, obj=provision, family=family)
    return provision


@transaction.atomic
def provision_update(
    *,
    provision: Provision,
    user,
    kind: ProvisionKind,
    status: str,
    occurred_on: date,
    child: Child | None = None,
    provided_by: str = "",
    note: str = "",
    referral: Referral | None = None,
) -> Provision:
    """Change a provision; a new status is dated today."""
    if status != provision.status:
        provision.status_changed_on = timezone.localdate()
    provision.kind = kind
    provision.status = status
    provision.occurred_on = occurred_on
    provision.child = child
    provision.provided_by = provided_by
    provision.note = note
    provision.referral = referral
    provision.full_clean()
    provision.save()
    audit_log_record(user=user, action=AuditAction.CHANGE, obj=provision, family=provision.family)
    return provision
