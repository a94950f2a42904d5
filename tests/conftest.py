"""The fixed cast of the test suite.

alice coordinates school A, bob coordinates school B, pam works for partner P (Werkwinkel),
otto for partner O (Buurtteam), lisa is a project leader for all schools, adam is the
administrator. Objects of school A are alice's; school B is the "other school".
"""

import pytest
from django.test import Client

from familieschool.constants import Role
from tests.familieschool.factories import (
    FamilyFactory,
    ParentFactory,
    PartnerOrganisationFactory,
    SchoolBoardFactory,
    SchoolFactory,
    UserFactory,
)
from tests.login import force_login_verified


@pytest.fixture(autouse=True)
def _fast_and_dutch(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.LANGUAGE_CODE = "nl"
    settings.CELERY_TASK_ALWAYS_EAGER = True
    settings.SECURE_SSL_REDIRECT = False
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }


@pytest.fixture
def board(db):
    return SchoolBoardFactory(name="Stichting Overvecht Onderwijs")


@pytest.fixture
def school_a(board):
    return SchoolFactory(name="De Schakel", slug="de-schakel", board=board)


@pytest.fixture
def school_b(board):
    return SchoolFactory(name="OBO Spoorzicht", slug="obo-spoorzicht", board=board)


@pytest.fixture
def partner_p(db):
    return PartnerOrganisationFactory(name="Werkwinkel")


@pytest.fixture
def partner_o(db):
    return PartnerOrganisationFactory(name="Buurtteam Jeugd & Gezin")


@pytest.fixture
def alice(school_a):
    return UserFactory(
        username="alice", first_name="Alice", role=Role.COORDINATOR, schools=[school_a]
    )


@pytest.fixture
def bob(school_b):
    return UserFactory(username="bob", first_name="Bob", role=Role.COORDINATOR, schools=[school_b])


@pytest.fixture
def pam(partner_p):
    return UserFactory(
        username="pam", first_name="Pamela", role=Role.PARTNER, organisation=partner_p
    )


@pytest.fixture
def otto(partner_o):
    return UserFactory(
        username="otto", first_name="Otto", role=Role.PARTNER, organisation=partner_o
    )


@pytest.fixture
def lisa(db):
    return UserFactory(username="lisa", first_name="Lisa", role=Role.PROJECT_LEADER)


@pytest.fixture
def adam(db):
    return UserFactory(
        username="adam",
        first_name="Adam",
        role=Role.ADMINISTRATOR,
        is_staff=True,
        is_superuser=True,
    )


@pytest.fixture
def family_a(school_a):
    return FamilyFactory(school=school_a, code="A001")


@pytest.fixture
def parent_a(family_a):
    return ParentFactory(family=family_a, first_name="Fatima", last_name="El Amrani")


@pytest.fixture
def family_b(school_b):
    return FamilyFactory(school=school_b, code="B001")


def _client_for(user):
    client = Client()
    force_login_verified(client, user)
    return client


@pytest.fixture
def alice_client(alice):
    return _client_for(alice)


@pytest.fixture
def bob_client(bob):
    return _client_for(bob)


@pytest.fixture
def pam_client(pam):
    return _client_for(pam)


@pytest.fixture
def otto_client(otto):
    return _client_for(otto)


@pytest.fixture
def lisa_client(lisa):
    return _client_for(lisa)


@pytest.fixture
def adam_client(adam):
    return _client_for(adam)


@pytest.fixture(scope="session", autouse=True)
def _close_stray_connections(django_db_setup, django_db_blocker):
    """The live server's thread keeps a PostgreSQL session open; end it so the test DB drops."""
    yield
    with django_db_blocker.unblock():
        from django.db import connection

        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute(
                    "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                    "WHERE datname = current_database() AND pid <> pg_backend_pid()"
                )


@pytest.fixture
def open_page(live_server, settings):
    """For browser tests: ``open_page(user)`` gives a Chromium page logged in as ``user``."""
    from tests.browser import chromium

    with chromium(live_server, settings) as open_page:
        yield open_page
