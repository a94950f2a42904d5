"""Shared parts of the permission table: one row per URL name, every role on every URL.

Each app lists its rows in ``tests/<app>/url_permissions.py`` as ``ROWS``;
``tests/test_url_permissions.py`` gathers them and fails for a URL without a row.
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
    query: str = ""

    def __post_init__(self):
        missing = set(ROLES) - set(self.expect)
        assert not missing, f"{self.name}: no expectation for {sorted(missing)}"


@dataclass
class World:
    """Objects owned by the table's users, for URLs that take an object."""

    users: dict[Role, object]
    objects: SimpleNamespace = field(default_factory=SimpleNamespace)
