"""The family timeline is assembled from the apps that know a family's history.

The core cannot import the apps (they depend on it), so each app registers a provider in
``registry.timeline_providers`` from its ``plugins.py``. A provider takes a family and returns
``TimelineEntry`` rows, with a constant number of queries whatever the size of the family's
history.
"""

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime

from .models import Family
from .registry import timeline_providers


@dataclass(frozen=True)
class TimelineEntry:
    at: datetime
    kind: str  # e.g. "contact", "referral", "appointment", "activity"
    title: str
    detail: str = ""
    url: str = ""


Provider = Callable[[Family], Iterable[TimelineEntry]]


def family_timeline(family: Family) -> list[TimelineEntry]:
    """All registered providers' entries for ``family``, newest first."""
    entries = [entry for provider in timeline_providers for entry in provider(family)]
    return sorted(entries, key=lambda entry: entry.at, reverse=True)
