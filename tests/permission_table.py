"""Shared parts of the permission table: one row per URL name, every role on every URL.

Each app lists its rows in ``tests/<app>/url_permissions.py`` as ``ROWS``;
``tests/test_url_permissions.py`` gathers them and fails for a URL without a row, and for a URL
with an object in its path whose row leaves ``elsewhere`` or ``audited`` open.
"""

from collections.abc import Callable
from dataclasses import dataclass, field
from types import SimpleNamespace

from familieschool.constants import Role

C, P, L, A = Role.COORDINATOR, Role.PARTNER, Role.PROJECT_LEADER, Role.ADMINISTRATOR
ROLES = (C, P, L, A)


def only(*roles: Role, ok: int = 200) -> dict[Role, int]:
    """``ok`` for the given roles, 403 for every other role."""
    return {role: ok if role in roles else 403 for role in ROLES}


@dataclass
class Row:
    name: str
    expect: dict[Role, int]
    # Builds the URL kwargs from the world (objects belonging to the users in the table).
    kwargs: Callable[[SimpleNamespace], dict] | None = None
    method: str = "get"
    data: Callable[[SimpleNamespace], dict] | None = None
    # Public pages answer anonymous users themselves instead of the login redirect.
    anonymous: int | None = None
    query: str | Callable[[SimpleNamespace], str] = ""
    # For a URL with an object in its path. True: ``kwargs`` built from the world's other
    # school and organisation (``World.others``) answer 404 to every role the row admits;
    # or the reason there is no such object.
    elsewhere: bool | str | None = None
    # For a URL with an object in its path. True: the request writes an audit row naming the
    # family, for every role the row admits; or the reason it is not a family record.
    audited: bool | str | None = None

    def __post_init__(self):
        missing = set(ROLES) - set(self.expect)
        assert not missing, f"{self.name}: no expectation for {sorted(missing)}"


@dataclass
class World:
    """Objects owned by the table's users, for URLs that take an object."""

    users: dict[Role, object]
    objects: SimpleNamespace = field(default_factory=SimpleNamespace)
    # The same kinds of object at another school, of another organisation.
    others: SimpleNamespace = field(default_factory=SimpleNamespace)
