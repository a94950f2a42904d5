"""The access policy, in one place.

Every view declares the roles it admits (``RoleRequiredMixin.allowed_roles`` or
``@role_required``). What a user may see is a queryset function here; fetching an object
through such a queryset turns an object of another school or organisation into a 404.
"""

from collections.abc import Iterable
from functools import wraps

from django.conf import settings
from django.contrib.auth.mixins import AccessMixin
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.db.models import Model, QuerySet
from django.shortcuts import get_object_or_404

from .constants import Role
from .models import Family, PartnerOrganisation, School, SchoolBoard

COORDINATOR = Role.COORDINATOR
PARTNER = Role.PARTNER
PROJECT_LEADER = Role.PROJECT_LEADER
ADMINISTRATOR = Role.ADMINISTRATOR
ALL_ROLES = (COORDINATOR, PARTNER, PROJECT_LEADER, ADMINISTRATOR)

START_PAGES = {
    COORDINATOR: "servicepunt:walkin",
    PARTNER: "partners:week",
    PROJECT_LEADER: "rapportage:dashboard",
    ADMINISTRATOR: "admin:index",
}


def role_of(user) -> Role | None:
    """The user's role; superusers count as administrators."""
    if not user.is_authenticated or not user.is_active:
        return None
    if user.role:
        return Role(user.role)
    if user.is_superuser:
        return ADMINISTRATOR
    return None


def second_factor_required(user) -> bool:
    """Administrators and project leaders always need a second factor; others when configured."""
    role = role_of(user)
    if role is None:
        return False
    return role in (ADMINISTRATOR, PROJECT_LEADER) or settings.OTP_REQUIRED_FOR_ALL


def _check(request, roles: Iterable[Role]):
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    if role_of(request.user) not in roles:
        raise PermissionDenied
    return None


def role_required(*roles: Role):
    """Admit only users with one of ``roles``; anonymous users go to the login page."""

    def decorator(view):
        @wraps(view)
        def wrapper(request, *args, **kwargs):
            denied = _check(request, roles)
            if denied is not None:
                return denied
            return view(request, *args, **kwargs)

        wrapper.allowed_roles = tuple(roles)
        return wrapper

    return decorator


class RoleRequiredMixin(AccessMixin):
    """Class-based views declare ``allowed_roles``; there is no default."""

    allowed_roles: tuple[Role, ...] = ()

    def dispatch(self, request, *args, **kwargs):
        if not self.allowed_roles:
            raise PermissionDenied
        denied = _check(request, self.allowed_roles)
        if denied is not None:
            return denied
        return super().dispatch(request, *args, **kwargs)


def public(view):
    """Mark a view that is meant to be reached without logging in."""
    view.allowed_roles = "public"
    return view


# --- what may this user see -------------------------------------------------------------


def schools_for(user) -> QuerySet[School]:
    """Schools whose records (coordinator) or aggregates (project leader) the user may see."""
    role = role_of(user)
    if role == COORDINATOR:
        return School.objects.filter(coordinators=user)
    if role == PROJECT_LEADER:
        if user.board_id:
            return School.objects.filter(board_id=user.board_id)
        return School.objects.all()
    if role == ADMINISTRATOR:
        return School.objects.all()
    return School.objects.none()


def record_schools_for(user) -> QuerySet[School]:
    """Schools whose personal records the user may open: only a coordinator's own schools."""
    if role_of(user) == COORDINATOR:
        return School.objects.filter(coordinators=user)
    return School.objects.none()


def boards_for(user) -> QuerySet[SchoolBoard]:
    """Boards whose aggregates the user may see."""
    return SchoolBoard.objects.filter(schools__in=schools_for(user)).distinct()


def families_for(user) -> QuerySet[Family]:
    """Families the user may open: those of a coordinator's schools."""
    return Family.objects.filter(school__in=record_schools_for(user))


def may_freeze_figures(user) -> bool:
    """A snapshot freezes a school year for every school at once, so only those who see every
    school may take one: administrators and project leaders of all schools (no board)."""
    role = role_of(user)
    return role == ADMINISTRATOR or (role == PROJECT_LEADER and not user.board_id)


def organisation_for(user) -> PartnerOrganisation | None:
    """The partner organisation a partner staff member works for."""
    if role_of(user) == PARTNER:
        return user.organisation
    return None


def in_user_schools(queryset: QuerySet, user, path: str = "school") -> QuerySet:
    """Restrict any queryset with a school relation to the user's record schools."""
    return queryset.filter(**{f"{path}__in": record_schools_for(user)})


def get_for_user(queryset: QuerySet, **lookup) -> Model:
    """Fetch one object from an already scoped queryset; anything else is a 404."""
    return get_object_or_404(queryset, **lookup)
