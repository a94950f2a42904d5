"""What the apps plug into the core: one registry kind, filled once at start-up.

The core imports no app. Each app that adds to the core says so in its ``plugins.py``
(menu items, family-timeline providers, retention rules, demo seeders); ``autodiscover`` imports
every app's ``plugins`` module once, from ``FamilieschoolConfig.ready()``. An app without one is
skipped; an app whose ``plugins`` module (or anything it imports) is broken stops the start-up
with its own error, instead of a menu or a retention rule silently going missing.
"""

from collections.abc import Iterator
from typing import Generic, TypeVar

from django.utils.module_loading import autodiscover_modules

__all__ = [
    "Registry",
    "autodiscover",
    "demo_seeders",
    "menus",
    "retention_rules",
    "timeline_providers",
]

T = TypeVar("T")


class Registry(Generic[T]):
    """An ordered set of what the apps registered, in the order of ``INSTALLED_APPS``."""

    def __init__(self, name: str):
        self.name = name
        self._items: list[T] = []

    def register(self, item: T) -> T:
        """Add ``item`` once; returns it, so that it works as a decorator."""
        if item not in self._items:
            self._items.append(item)
        return item

    def __iter__(self) -> Iterator[T]:
        return iter(tuple(self._items))

    def __len__(self) -> int:
        return len(self._items)

    def __repr__(self) -> str:
        return f"<Registry {self.name}: {len(self)}>"


# {role: [(label, url name), ...]} per app, merged into the navigation (context_processors).
menus: Registry[dict] = Registry("menus")
# provider(family, before=cursor, limit=n) -> list of TimelineSource (familieschool.timeline).
timeline_providers: Registry = Registry("timeline providers")
# RetentionRule (familieschool.retention).
retention_rules: Registry = Registry("retention rules")
# seed(ctx: DemoContext) -> None, run by ``manage.py seed_demo`` after the core's demo data.
demo_seeders: Registry = Registry("demo seeders")


def autodiscover() -> None:
    """Import every installed app's ``plugins`` module; a broken one raises."""
    autodiscover_modules("plugins")
