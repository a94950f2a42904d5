"""Reads of the core directory, always scoped by the access policy."""

import re

from django.db.models import Q, QuerySet

from .access import families_for
from .models import Family, School

__all__ = ["family_code_prefix", "family_code_suggest", "family_search"]


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
