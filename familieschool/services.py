"""Writes of the core: the audit log and the family directory."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from .access import role_of
from .constants import AuditAction
from .models import AuditLog, Child, Family, Parent, School

__all__ = [
    "audit_log_entry",
    "audit_log_record",
    "audit_log_record_many",
    "audit_log_record_export",
    "family_erase",
    "family_create",
    "parent_create",
    "child_create",
]


def audit_log_entry(*, user, action: AuditAction, obj, family: Family | None = None) -> AuditLog:
    """An unsaved audit row: who did ``action`` to ``obj`` (a family record); never its content."""
    if family is None and isinstance(obj, Family):
        family = obj
    return AuditLog(
        user=user,
        role=role_of(user) or "",
        action=action,
        family=family,
        object_type=obj._meta.label_lower,
        object_id=obj.pk,
    )


def audit_log_record(*, user, action: AuditAction, obj, family: Family | None = None) -> AuditLog:
    """Append who did ``action`` to ``obj`` (a family record) and when."""
    entry = audit_log_entry(user=user, action=action, obj=obj, family=family)
    entry.save()
    return entry


def audit_log_record_many(*, entries: list[AuditLog]) -> None:
    """Append many audit rows in one insert, for pages and imports that touch many families."""
    AuditLog.objects.bulk_create(entries, batch_size=500)


def audit_log_record_export(*, user, object_type: str, family: Family | None = None) -> AuditLog:
    """Append that ``user`` downloaded records of ``object_type`` (of one family, if given)."""
    entry = AuditLog(
        user=user,
        role=role_of(user) or "",
        action=AuditAction.EXPORT,
        family=family,
        object_type=object_type,
        object_id=family.pk if family is not None else None,
    )
    entry.save()
    return entry


@transaction.atomic
def family_erase(*, family: Family, user) -> dict[str, int]:
    """Erase a family's personal data on request (AVG art. 17), the way retention does.

    Names, contact details, notes and consent names go at once; every registration stays, so
    the figures do not change. The request is recorded in the audit log.
    """
    from .retention import families_anonymise

    locked = Family.objects.select_for_update().get(pk=family.pk)
    if locked.anonymised_at is not None:
        raise ValidationError(_("The personal data of this family has already been erased."))
    counts = families_anonymise(ids=[locked.pk])
    audit_log_record(user=user, action=AuditAction.ERASE, obj=locked)
    family.refresh_from_db()
    return counts


@transaction.atomic
def family_create(
    *, school: School, code: str, languages: str = "", interpreter_needed: bool = False, user=None
) -> Family:
    """Create a family at ``school``; the code must be unique within the school."""
    family = Family(
        school=school,
        code=code.strip(),
        languages=languages,
        interpreter_needed=interpreter_needed,
    )
    family.full_clean()
    family.save()
    if user is not None:
        audit_log_record(user=user, action=AuditAction.CREATE, obj=family)
    return family


@transaction.atomic
def parent_create(*, family: Family, **fields) -> Parent:
    """Add a parent or guardian to a family."""
    parent = Parent(family=family, **fields)
    parent.full_clean()
    parent.save()
    return parent


@transaction.atomic
def child_create(*, family: Family, group: str, first_name: str = "") -> Child:
    """Add a child to a family."""
    child = Child(family=family, group=group, first_name=first_name)
    child.full_clean()
    child.save()
    return child
