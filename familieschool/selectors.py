"""Reads of the core directory, always scoped by the access policy."""

from django.db.models import Q, QuerySet

from .access import families_for
from .models import Family

__all__ = ["family_search"]


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
