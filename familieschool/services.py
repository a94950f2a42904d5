"""Writes of the core: the audit log and the family directory."""

from datetime import date

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from .access import role_of
from .constants import AuditAction, Language
from .models import AuditLog, Child, Family, Parent, School
from .schoolyear import SchoolYear

__all__ = [
    "audit_log_entry",
    "audit_log_record",
    "audit_log_record_many",
    "audit_log_record_export",
    "family_erase",
    "family_create",
    "family_update",
    "family_merge",
    "parent_create",
    "parent_update",
    "parent_delete",
    "child_create",
    "child_update",
    "child_delete",
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
def family_update(
    *, family: Family, user, code: str, languages: str = "", interpreter_needed: bool = False
) -> Family:
    """Change a family's code, languages and whether an interpreter is needed."""
    family.code = code.strip()
    family.languages = languages
    family.interpreter_needed = interpreter_needed
    family.full_clean()
    family.save()
    audit_log_record(user=user, action=AuditAction.CHANGE, obj=family)
    return family


@transaction.atomic
def parent_create(
    *,
    family: Family,
    user=None,
    first_name: str = "",
    last_name: str = "",
    relation: str = "",
    phone: str = "",
    email: str = "",
    preferred_language: str = Language.DUTCH,
    reminders_consent_on: date | None = None,
) -> Parent:
    """Add a parent or guardian to a family."""
    parent = Parent(
        family=family,
        first_name=first_name,
        last_name=last_name,
        relation=relation,
        phone=phone,
        email=email,
        preferred_language=preferred_language,
        reminders_consent_on=reminders_consent_on,
    )
    parent.full_clean()
    parent.save()
    if user is not None:
        audit_log_record(user=user, action=AuditAction.CREATE, obj=parent, family=family)
    return parent


@transaction.atomic
def parent_update(
    *,
    parent: Parent,
    user,
    first_name: str,
    last_name: str,
    relation: str,
    phone: str,
    email: str,
    preferred_language: str,
    reminders_consent_on: date | None,
) -> Parent:
    """Change a parent's name, relation, contact details, language or reminder consent."""
    parent.first_name = first_name
    parent.last_name = last_name
    parent.relation = relation
    parent.phone = phone
    parent.email = email
    parent.preferred_language = preferred_language
    parent.reminders_consent_on = reminders_consent_on
    parent.full_clean()
    parent.save()
    audit_log_record(user=user, action=AuditAction.CHANGE, obj=parent, family=parent.family)
    return parent


def _registrations(obj) -> int:
    """How many rows of other apps point at ``obj`` (contacts, attendance, enrolments...)."""
    total = 0
    for relation in obj._meta.related_objects:
        if relation.one_to_many and not relation.hidden:
            total += relation.related_model._base_manager.filter(
                **{relation.field.name: obj}
            ).count()
    return total


@transaction.atomic
def parent_delete(*, parent: Parent, user) -> None:
    """Remove a parent entered by mistake; one with registrations stays (nothing is lost)."""
    if _registrations(parent):
        raise ValidationError(
            _(
                "This parent has contacts, appointments or attendance registered and cannot "
                "be removed. Merge duplicate families instead."
            )
        )
    audit_log_record(user=user, action=AuditAction.DELETE, obj=parent, family=parent.family)
    parent.delete()


@transaction.atomic
def child_create(
    *,
    family: Family,
    group: str,
    first_name: str = "",
    birth_year: int | None = None,
    user=None,
) -> Child:
    """Add a child to a family; ``group`` is her groep in the current school year."""
    child = Child(
        family=family,
        group=group,
        group_year=SchoolYear.current().start_year,
        first_name=first_name,
        birth_year=birth_year,
    )
    child.full_clean()
    child.save()
    if user is not None:
        audit_log_record(user=user, action=AuditAction.CREATE, obj=child, family=family)
    return child


@transaction.atomic
def child_update(
    *, child: Child, user, first_name: str, group: str, birth_year: int | None = None
) -> Child:
    """Change a child; a different ``group`` is her groep in the current school year."""
    child.first_name = first_name
    child.birth_year = birth_year
    if group != child.current_group:
        child.group = group
        child.group_year = SchoolYear.current().start_year
    child.full_clean()
    child.save()
    audit_log_record(user=user, action=AuditAction.CHANGE, obj=child, family=child.family)
    return child


@transaction.atomic
def child_delete(*, child: Child, user) -> None:
    """Remove a child entered by mistake; one with registrations stays (nothing is lost)."""
    if _registrations(child):
        raise ValidationError(
            _(
                "This child has contacts, enrolments or attendance registered and cannot be "
                "removed. Merge duplicate families instead."
            )
        )
    audit_log_record(user=user, action=AuditAction.DELETE, obj=child, family=child.family)
    child.delete()


@transaction.atomic
def family_merge(*, source: Family, target: Family, user) -> Family:
    """Merge ``source`` into ``target`` (two records of one family) and remove ``source``.

    Every row that points at the source family moves to the target, whichever app it belongs
    to (contacts, referrals, appointments, provisions, parents and children with their
    attendance and enrolments), so nothing registered is lost and every count stays the same.
    """
    if source.pk == target.pk:
        raise ValidationError({"other": _("Choose another family than this one.")})
    if source.school_id != target.school_id:
        raise ValidationError({"other": _("Only families of the same school can be merged.")})
    if source.anonymised_at or target.anonymised_at:
        raise ValidationError({"other": _("An anonymised family cannot be merged.")})
    source, target = (
        Family.objects.select_for_update().get(pk=source.pk),
        Family.objects.select_for_update().get(pk=target.pk),
    )
    for relation in Family._meta.related_objects:
        if relation.one_to_many:
            relation.related_model._base_manager.filter(**{relation.field.name: source}).update(
                **{relation.field.name: target}
            )
    languages = [part.strip() for part in target.languages.split(",") if part.strip()]
    for part in source.languages.split(","):
        if part.strip() and part.strip().lower() not in {lang.lower() for lang in languages}:
            languages.append(part.strip())
    target.languages = ", ".join(languages)[: Family._meta.get_field("languages").max_length]
    target.interpreter_needed = target.interpreter_needed or source.interpreter_needed
    target.save(update_fields=["languages", "interpreter_needed"])
    # The merge row names the removed record, so its earlier audit rows can still be traced.
    audit_log_record(user=user, action=AuditAction.MERGE, obj=source, family=target)
    source.delete()
    return target
