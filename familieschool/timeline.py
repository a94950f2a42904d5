"""The family timeline is assembled from the apps that know a family's history.

The core cannot import the apps (they depend on it), so each app registers a provider in its
``AppConfig.ready()``. A provider takes a family and returns ``TimelineEntry`` rows, with a
constant number of queries whatever the size of the family's history.
"""

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime

from .models import Family


@dataclass(frozen=True)
class TimelineEntry:
    at: datetime
    kind: str  # e.g. "contact", "referral", "appointment", "activity"
    title: str
    detail: str = ""
    url: str = ""


Provider = Callable[[Family], Iterable[TimelineEntry]]
_providers: list[Provider] = []


def register(provider: Provider) -> Provider:
    if provider not in _providers:
        _providers.append(provider)
    return provider


def family_timeline(family: Family) -> list[TimelineEntry]:
    """All registered providers' entries for ``family``, newest first."""
    entries = [entry for provider in _providers for entry in provider(family)]
    return sorted(entries, key=lambda entry: entry.at, reverse=True)
