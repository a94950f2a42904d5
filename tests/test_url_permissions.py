"""Every URL pattern has a row in the permission table, and every row holds for every role."""

import importlib
import pkgutil
from pathlib import Path
from types import SimpleNamespace

import pytest
from django.urls import URLPattern, URLResolver, get_resolver, reverse

import tests
from familieschool.constants import Role
from familieschool.models import AuditLog
from familieschool.schoolyear import SchoolYear
from tests.familieschool.factories import ParentFactory, UserFactory
from tests.login import force_login_verified
from tests.permission_table import Row, only

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


def url_names_without_row(resolver=None, table=None) -> list[str]:
    """URL names without a row, and URLs with an object in the path whose row lacks a column."""
    table = TABLE if table is None else table
    missing = []
    for name, pattern in walk(resolver or get_resolver()):
        if pattern.lookup_str in UNWALKED_NAMES:
            continue
        if name is None:
            missing.append(f"<unnamed {pattern.pattern}>")
        elif name not in table:
            missing.append(name)
        elif pattern.pattern.regex.groups:
            row = table[name]
            missing += [
                f"{name}.{column}" for column in OBJECT_COLUMNS if getattr(row, column) is None
            ]
    return missing


# Columns every URL with an object in its path must fill in.
OBJECT_COLUMNS = ("elsewhere", "audited")


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


def test_a_new_url_with_an_object_needs_the_two_object_columns():
    from django.urls import path

    from familieschool import urls as root_urls

    class ExtraUrls:
        urlpatterns = [
            *root_urls.urlpatterns,
            path("nieuw/<int:pk>/", lambda r, pk: None, name="new-object"),
            path("ander/<int:pk>/", lambda r, pk: None, name="other-object"),
        ]

    table = {
        **TABLE,
        "new-object": Row("new-object", only(Role.COORDINATOR), kwargs=lambda w: {"pk": 1}),
        "other-object": Row(
            "other-object",
            only(Role.COORDINATOR),
            kwargs=lambda w: {"pk": 1},
            elsewhere=True,
            audited="a test page",
        ),
    }
    assert url_names_without_row(get_resolver(ExtraUrls), table) == [
        "new-object.elsewhere",
        "new-object.audited",
    ]


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
    family_b = request.getfixturevalue("family_b")
    others = SimpleNamespace(
        school=request.getfixturevalue("school_b"),
        family=family_b,
        parent=ParentFactory(family=family_b, first_name="Bea"),
        partner=request.getfixturevalue("partner_o"),
    )
    users = {
        Role.COORDINATOR: alice,
        Role.PARTNER: pam,
        Role.PROJECT_LEADER: lisa,
        Role.ADMINISTRATOR: adam,
    }
    return SimpleNamespace(users=users, objects=objects, others=others, request=request)


def _elsewhere(world):
    """The same world with another school's and organisation's objects in place of its own."""
    return SimpleNamespace(**{**vars(world), "objects": world.others})


def _call(client, row, world):
    kwargs = row.kwargs(world) if row.kwargs else {}
    query = row.query(world) if callable(row.query) else row.query
    url = reverse(row.name, kwargs=kwargs) + (f"?{query}" if query else "")
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


ELSEWHERE = [row for row in ROWS if row.elsewhere is True]
# (row, role) for every role a row with audited=True admits.
AUDITED = [
    (row, role) for row in ROWS if row.audited is True for role in Role if row.expect[role] != 403
]


@pytest.mark.parametrize("row", ELSEWHERE, ids=[row.name for row in ELSEWHERE])
@pytest.mark.parametrize("role", list(Role), ids=[role.value for role in Role])
def test_another_schools_object_answers_404(client, world, row, role):
    force_login_verified(client, world.users[role])
    response = _call(client, row, _elsewhere(world))
    expected = 403 if row.expect[role] == 403 else 404
    assert response.status_code == expected, f"{role} on {row.name}: {response.status_code}"


@pytest.mark.parametrize(("row", "role"), AUDITED, ids=[f"{r.value}-{w.name}" for w, r in AUDITED])
def test_opening_a_family_record_writes_an_audit_row(client, world, row, role):
    user = world.users[role]
    force_login_verified(client, user)
    before = set(AuditLog.objects.filter(user=user).values_list("pk", flat=True))
    _call(client, row, world)
    written = AuditLog.objects.filter(user=user).exclude(pk__in=before)
    assert written.filter(family__isnull=False).exists(), f"{role} on {row.name}: no audit row"


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


def test_a_project_leader_of_a_municipality_gets_a_404_for_a_school_outside_it(client, world):
    """The permission walk's project-leader rows, for a leader of the own school's municipality:
    what lies in it answers as for every project leader, the other school (moved to another
    municipality) is a 404, on the dashboard and the download."""
    other = world.others.school
    other.municipality = "Amsterdam"
    other.save()
    leader = UserFactory(
        username="gerda", role=Role.PROJECT_LEADER, municipality=world.objects.school.municipality
    )
    force_login_verified(client, leader)
    query = {"schooljaar": SchoolYear.current().label, "formaat": "csv"}
    # The download answers with the redirect to the page where it is prepared.
    for name, ok in (("rapportage:dashboard", 200), ("rapportage:export", 302)):
        url = reverse(name)
        own = client.get(url, {**query, "school": world.objects.school.pk})
        assert own.status_code == ok, name
        assert client.get(url, {**query, "school": other.pk}).status_code == 404, name
