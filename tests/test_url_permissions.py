"""Every URL pattern has a row in the permission table, and every row holds for every role."""

import importlib
import pkgutil
from pathlib import Path
from types import SimpleNamespace

import pytest
from django.urls import URLPattern, URLResolver, get_resolver, reverse

import tests
from familieschool.constants import Role
from tests.familieschool.factories import UserFactory
from tests.login import force_login_verified

# Django's admin guards its own pages with is_staff; its index stands for all of them.
UNWALKED_NAMESPACES = {"admin"}
UNWALKED_NAMES = {"django.views.static.serve"}


def table_rows():
    rows = []
    root = Path(tests.__file__).parent
    for module in pkgutil.iter_modules([str(root)]):
        if module.ispkg and (root / module.name / "url_permissions.py").exists():
            rows += importlib.import_module(f"tests.{module.name}.url_permissions").ROWS
    return rows


ROWS = table_rows()
TABLE = {row.name: row for row in ROWS}


def walk(resolver: URLResolver, namespace: str = ""):
    for entry in resolver.url_patterns:
        if isinstance(entry, URLResolver):
            ns = entry.namespace
            if ns in UNWALKED_NAMESPACES:
                continue
            prefix = f"{namespace}{ns}:" if ns else namespace
            yield from walk(entry, prefix)
        elif isinstance(entry, URLPattern):
            yield f"{namespace}{entry.name}" if entry.name else None, entry


def url_names_without_row(resolver=None) -> list[str]:
    missing = []
    for name, pattern in walk(resolver or get_resolver()):
        if pattern.lookup_str in UNWALKED_NAMES:
            continue
        if name is None:
            missing.append(f"<unnamed {pattern.pattern}>")
        elif name not in TABLE:
            missing.append(name)
    return missing


def test_every_url_has_a_row_in_the_permission_table():
    assert url_names_without_row() == []


def test_a_new_url_without_a_row_fails_the_walk():
    from django.urls import include, path

    from familieschool import urls as root_urls

    class NewAppUrls:
        app_name = "nieuw"
        urlpatterns = [path("pagina/", lambda r: None, name="page")]

    class ExtraUrls:
        urlpatterns = [
            *root_urls.urlpatterns,
            path("nieuw/", lambda r: None, name="new-page"),
            path("app/", include(NewAppUrls)),
        ]

    assert url_names_without_row(get_resolver(ExtraUrls)) == ["new-page", "nieuw:page"]


def test_every_view_declares_its_roles():
    undeclared = []
    for name, pattern in walk(get_resolver()):
        if pattern.lookup_str in UNWALKED_NAMES:
            continue
        view = pattern.callback
        view_class = getattr(view, "view_class", None)
        declared = getattr(view, "allowed_roles", None) or getattr(
            view_class, "allowed_roles", None
        )
        if not declared and name not in ("login", "logout"):
            undeclared.append(name)
    assert undeclared == []


def test_every_row_names_a_real_url():
    known = {name for name, _ in walk(get_resolver())} | {"admin:index"}
    assert sorted(set(TABLE) - known) == []


@pytest.fixture
def world(db, request):
    """One user per role and the objects the rows ask for, all within their scope."""
    alice = request.getfixturevalue("alice")
    pam = request.getfixturevalue("pam")
    lisa = request.getfixturevalue("lisa")
    adam = request.getfixturevalue("adam")
    objects = SimpleNamespace(
        school=request.getfixturevalue("school_a"),
        family=request.getfixturevalue("family_a"),
        parent=request.getfixturevalue("parent_a"),
        partner=request.getfixturevalue("partner_p"),
    )
    users = {
        Role.COORDINATOR: alice,
        Role.PARTNER: pam,
        Role.PROJECT_LEADER: lisa,
        Role.ADMINISTRATOR: adam,
    }
    return SimpleNamespace(users=users, objects=objects, request=request)


def _call(client, row, world):
    kwargs = row.kwargs(world) if row.kwargs else {}
    url = reverse(row.name, kwargs=kwargs) + (f"?{row.query}" if row.query else "")
    data = row.data(world) if row.data else {}
    if row.method == "post":
        return client.post(url, data)
    return client.get(url, data)


@pytest.mark.parametrize("row", ROWS, ids=[row.name for row in ROWS])
@pytest.mark.parametrize("role", list(Role), ids=[role.value for role in Role])
def test_role_gets_expected_status(client, world, row, role):
    force_login_verified(client, world.users[role])
    response = _call(client, row, world)
    assert response.status_code == row.expect[role], f"{role} on {row.name}: {response.status_code}"


@pytest.mark.parametrize("row", ROWS, ids=[row.name for row in ROWS])
def test_anonymous_user_is_sent_to_login(client, world, row):
    response = _call(client, row, world)
    if row.anonymous is not None:
        assert response.status_code == row.anonymous
    else:
        assert response.status_code == 302
        assert response.url.startswith(reverse("login"))


def test_user_without_a_role_is_refused(client, db):
    nobody = UserFactory(username="nobody", role="")
    client.force_login(nobody)
    assert client.get(reverse("home")).status_code == 403
