"""Reads of the core directory, always scoped by the access policy."""

import re
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from django.db.models import Q, QuerySet
from django.utils import timezone

from .access import families_for, get_for_user, privacy_families_for
from .models import AuditLog, Child, Family, Parent, School

__all__ = [
    "DataSection",
    "audit_log_list",
    "child_get",
    "family_code_prefix",
    "family_code_suggest",
    "family_data",
    "family_privacy_get",
    "family_search",
    "parent_get",
]


def child_get(*, user, pk: int) -> Child:
    """One child of a family at the user's schools; anything else is a 404."""
    return get_for_user(Child.objects.visible_to(user).select_related("family"), pk=pk)


def family_privacy_get(*, user, pk: int) -> Family:
    """A family whose data an administrator shows, hands over or erases; else a 404."""
    return get_for_user(privacy_families_for(user).select_related("school"), pk=pk)


def parent_get(*, user, pk: int) -> Parent:
    """One parent of a family at the user's schools; anything else is a 404."""
    return get_for_user(Parent.objects.visible_to(user).select_related("family"), pk=pk)


def family_search(*, user, term: str, school=None, limit: int = 10) -> QuerySet[Family]:
    """Families of the user's schools whose code or a parent's name starts with ``term``."""
    term = (term or "").strip()
    qs = families_for(user).filter(anonymised_at__isnull=True)
    if school is not None:
        qs = qs.filter(school=school)
    if not term:
        return qs.none()
    match = (
        Q(code__istartswith=term)
        | Q(parents__first_name__istartswith=term)
        | Q(parents__last_name__istartswith=term)
    )
    ids = qs.filter(match).values("id").distinct()
    return Family.objects.filter(id__in=ids).select_related("school").order_by("code")[:limit]


def family_code_prefix(school: School) -> str:
    """The initials of the school's capitalised words (``OBO De Klopvaart``: ``ODK``)."""
    initials = "".join(word[0] for word in school.name.split() if word[:1].isupper())[:3]
    return initials or school.slug[:2].upper()


def family_code_suggest(*, school: School) -> str:
    """A free code for a new family: the school's prefix and the number after the highest."""
    prefix = family_code_prefix(school)
    pattern = re.compile(rf"^{re.escape(prefix)}(\d+)$", re.IGNORECASE)
    codes = Family.objects.filter(school=school, code__istartswith=prefix).values_list(
        "code", flat=True
    )
    numbers = [int(match[1]) for code in codes if (match := pattern.match(code))]
    return f"{prefix}{max(numbers, default=0) + 1:03d}"


# --- the audit log and a family's data (AVG) ----------------------------------------------


def audit_log_list(
    *,
    user=None,
    school=None,
    family_id: int | None = None,
    action: str = "",
    since=None,
    until=None,
) -> QuerySet[AuditLog]:
    """Audit rows, newest first, filtered; ``since``/``until`` are dates, both inclusive."""
    qs = AuditLog.objects.select_related("user", "family", "family__school")
    if user is not None:
        qs = qs.filter(user=user)
    if school is not None:
        qs = qs.filter(family__school=school)
    if family_id is not None:
        qs = qs.filter(family_id=family_id)
    if action:
        qs = qs.filter(action=action)
    if since is not None:
        qs = qs.filter(at__gte=_day_start(since))
    if until is not None:
        qs = qs.filter(at__lt=_day_start(until + timedelta(days=1)))
    return qs.order_by("-at", "-id")


def _day_start(day) -> datetime:
    return timezone.make_aware(datetime.combine(day, time.min))


@dataclass
class DataSection:
    """One kind of record held about a family: a table with named columns."""

    key: str
    label: str
    columns: list[tuple[str, str]]
    rows: list[list] = field(default_factory=list)


# Reached from a family but not about it: the family's own audit trail is added separately.
_NOT_FAMILY_DATA = {"familieschool.auditlog"}


def _value(obj, model_field):
    if model_field.choices and not model_field.is_relation:
        return str(getattr(obj, f"get_{model_field.name}_display")())
    value = getattr(obj, model_field.name)
    if value is None:
        return None
    if model_field.is_relation:
        return str(value)
    if isinstance(value, datetime):
        return timezone.localtime(value).isoformat(timespec="seconds")
    if isinstance(value, date | time):
        return value.isoformat()
    if isinstance(value, bool | int | str):
        return value
    return str(value)


def _section(model, objects) -> DataSection:
    fields = list(model._meta.concrete_fields)
    many = list(model._meta.many_to_many)
    section = DataSection(
        key=model._meta.label_lower,
        label=str(model._meta.verbose_name_plural),
        columns=[(f.name, str(f.verbose_name)) for f in [*fields, *many]],
    )
    for obj in objects:
        row = [_value(obj, f) for f in fields]
        row += [", ".join(str(item) for item in getattr(obj, f.name).all()) for f in many]
        section.rows.append(row)
    return section


def _rows(model, lookup: dict):
    relations = [f.name for f in model._meta.concrete_fields if f.is_relation]
    many = [f.name for f in model._meta.many_to_many]
    return list(
        model._default_manager.filter(**lookup)
        .select_related(*relations)
        .prefetch_related(*many)
        .order_by("pk")
    )


def family_data(family: Family) -> list[DataSection]:
    """Everything the portal holds about ``family`` (AVG art. 15), found from the data model.

    The family, its parents and children, every record that points at one of them, and every
    record that points at those (a referral's status changes), whatever app holds it: a new
    app's records are included without changing this function. Then the family's audit trail:
    who opened, changed, exported or erased it.
    """
    held: dict[type, list] = {
        Family: _rows(Family, {"pk": family.pk}),
        Parent: _rows(Parent, {"family": family}),
        Child: _rows(Child, {"family": family}),
    }
    sections = [_section(model, objects) for model, objects in held.items()]
    seen = {Family, Parent, Child}
    frontier = [Family, Parent, Child]
    for _depth in range(2):
        found: dict[type, dict[int, object]] = {}
        for model in frontier:
            if not held.get(model):
                continue
            for relation in model._meta.related_objects:
                related = relation.related_model
                if (
                    relation.many_to_many
                    or related in seen
                    or related._meta.label_lower in _NOT_FAMILY_DATA
                ):
                    continue
                lookup = {f"{relation.field.name}__in": held[model]}
                for obj in _rows(related, lookup):
                    found.setdefault(related, {})[obj.pk] = obj
        frontier = []
        for model, objects in sorted(found.items(), key=lambda item: item[0]._meta.label):
            seen.add(model)
            held[model] = list(objects.values())
            sections.append(_section(model, held[model]))
            frontier.append(model)
    trail = DataSection(
        key="familieschool.auditlog",
        label=str(AuditLog._meta.verbose_name_plural),
        columns=[
            ("at", str(AuditLog._meta.get_field("at").verbose_name)),
            ("user", str(AuditLog._meta.get_field("user").verbose_name)),
            ("role", str(AuditLog._meta.get_field("role").verbose_name)),
            ("action", str(AuditLog._meta.get_field("action").verbose_name)),
            ("object_type", str(AuditLog._meta.get_field("object_type").verbose_name)),
        ],
    )
    for entry in AuditLog.objects.filter(family=family).select_related("user").order_by("at"):
        trail.rows.append(
            [
                timezone.localtime(entry.at).isoformat(timespec="seconds"),
                str(entry.user),
                entry.get_role_display(),
                entry.get_action_display(),
                entry.object_type,
            ]
        )
    sections.append(trail)
    return sections
