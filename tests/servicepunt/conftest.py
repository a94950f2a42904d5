import pytest

from tests.servicepunt.factories import default_themes


@pytest.fixture
def themes(db):
    """The default themes by code (seeded by a migration; recreated after a flush)."""
    return default_themes()
