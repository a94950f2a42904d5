"""The apps plug into the core through one registry, found once at start-up."""

import importlib
import sys
from types import SimpleNamespace

import pytest
from django.apps import apps

import activiteiten.plugins
import activiteiten.tasks
import partners.plugins
import partners.tasks
import rapportage.plugins
import servicepunt.plugins
import servicepunt.tasks
from activiteiten.timeline import activity_entries
from familieschool import registry
from partners.selectors import appointment_timeline
from servicepunt.timeline import family_entries


def test_each_app_registered_its_parts_in_the_order_of_installed_apps():
    assert list(registry.menus) == [
        servicepunt.plugins.MENU,
        partners.plugins.MENU,
        activiteiten.plugins.MENU,
        rapportage.plugins.MENU,
    ]
    assert list(registry.timeline_providers) == [
        family_entries,
        appointment_timeline,
        activity_entries,
    ]
    assert list(registry.retention_rules) == [
        servicepunt.tasks.RETENTION,
        partners.tasks.RETENTION,
        activiteiten.tasks.RETENTION,
    ]
    assert [seed.__module__ for seed in registry.demo_seeders] == [
        "servicepunt.demo",
        "partners.demo",
        "activiteiten.demo",
        "rapportage.demo",
    ]


def test_registering_twice_keeps_one():
    found = registry.Registry("things")
    found.register(len)
    found.register(len)
    assert list(found) == [len]


@pytest.fixture
def extra_app(tmp_path, monkeypatch):
    """An installed app ``extra`` whose files the test writes."""
    package = tmp_path / "extra"
    package.mkdir()
    (package / "__init__.py").write_text("")
    monkeypatch.syspath_prepend(str(tmp_path))
    module = importlib.import_module("extra")
    configs = [*apps.get_app_configs(), SimpleNamespace(name="extra", module=module)]
    monkeypatch.setattr(apps, "get_app_configs", lambda: configs)
    yield package
    for name in ("extra.plugins", "extra"):
        sys.modules.pop(name, None)


def test_an_app_without_plugins_is_skipped(extra_app):
    registry.autodiscover()


def test_a_broken_plugins_module_stops_the_start_up(extra_app):
    (extra_app / "plugins.py").write_text("from extra.missing import MENU\n")
    importlib.invalidate_caches()
    with pytest.raises(ModuleNotFoundError, match="extra.missing"):
        registry.autodiscover()
