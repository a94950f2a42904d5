"""The family timeline is assembled from the apps that know a family's history.

The core cannot import the apps (they depend on it), so each app registers a provider in
``registry.timeline_providers`` from its ``plugins.py``. A provider is called as
``provider(family, before=cursor, limit=n)`` and returns at most ``n`` of its
``TimelineEntry`` rows that sort after ``cursor`` (all of them when ``before`` is None), newest
first, with a constant number of queries whatever the size of the family's history.

The family page shows one page of the newest entries; "show older" pages on by the sort key
(``TimelineCursor``), as the contact list does, so that every entry stays reachable and a page
costs the same after ten years as after one.
"""

from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from functools import partial

from django.db.models import Q, QuerySet
from django.utils import timezone

from .models import Family
from .registry import timeline_providers

__all__ = [
    "TIMELINE_PAGE",
    "TimelineCursor",
    "TimelineEntry",
    "TimelinePage",
    "family_timeline",
    "newest_entries",
]

# Entries per page of the timeline: the family page shows the newest this many.
TIMELINE_PAGE = 20

_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
_MICROSECOND = timedelta(microseconds=1)


class TimelineEntry:
    """One line of a family's timeline: when, what kind, which row, and what it says.

    What it says can be given as ``describe``, a function returning (title, detail, url) that
    runs only when the entry is read: providers return up to a page of entries of each kind,
    and a page keeps only a page of them all.
    """

    __slots__ = ("at", "kind", "pk", "_describe", "_text")

    def __init__(
        self,
        *,
        at: datetime,
        kind: str,  # e.g. "contact", "referral", "appointment", "activity"
        pk: int = 0,  # of the row the entry shows; orders entries of a kind at one moment
        title: str = "",
        detail: str = "",
        url: str = "",
        describe: Callable[[], tuple[str, str, str]] | None = None,
    ):
        self.at, self.kind, self.pk = at, kind, pk
        self._describe = describe
        self._text = None if describe else (title, detail, url)

    def _said(self) -> tuple[str, str, str]:
        if self._text is None:
            self._text = self._describe()
        return self._text

    @property
    def title(self) -> str:
        return self._said()[0]

    @property
    def detail(self) -> str:
        return self._said()[1]

    @property
    def url(self) -> str:
        return self._said()[2]

    @property
    def sort_key(self) -> tuple:
        return (self.at, self.kind, self.pk)

    def __eq__(self, other) -> bool:
        if not isinstance(other, TimelineEntry):
            return NotImplemented
        return (self.sort_key, self._said()) == (other.sort_key, other._said())

    def __hash__(self) -> int:
        return hash(self.sort_key)

    def __repr__(self) -> str:
        return f"<TimelineEntry {self.kind} {self.pk} {self.at:%Y-%m-%d %H:%M}>"


Provider = Callable[..., Iterable[TimelineEntry]]


def newest_entries(
    rows: QuerySet,
    *,
    kind: str,
    at: str,
    before: "TimelineCursor | None",
    limit: int,
    describe: Callable,
) -> list[TimelineEntry]:
    """The newest ``limit`` of ``rows`` (ordered newest first) that sort after ``before``, as
    entries of ``kind``; ``at`` names the rows' datetime field and ``describe(row)`` returns
    (title, detail, url), called only for the entries a page shows. For providers whose rows
    have a datetime; rows with a local day and time use ``TimelineCursor.older_local``."""
    if before:
        rows = rows.filter(before.older(kind, at=at))
    return [
        TimelineEntry(at=getattr(row, at), kind=kind, pk=row.pk, describe=partial(describe, row))
        for row in rows[:limit]
    ]


@dataclass(frozen=True)
class TimelineCursor:
    """The last entry of a page: the next page holds the entries that sort after it.

    Entries sort newest first by (moment, kind, id), so entries at the same moment (a parent
    and a child at one session) have an order too, and none is skipped or shown twice.
    """

    at: datetime
    kind: str
    pk: int

    @classmethod
    def of(cls, entry: TimelineEntry) -> "TimelineCursor":
        return cls(entry.at, entry.kind, entry.pk)

    @property
    def token(self) -> str:
        """The cursor in a URL: microseconds since 1970, kind and id (nothing personal)."""
        return f"{(self.at - _EPOCH) // _MICROSECOND}.{self.kind}.{self.pk}"

    @classmethod
    def parse(cls, token: str | None) -> "TimelineCursor | None":
        """The cursor of ``token``; None for anything else (the newest page then)."""
        parts = (token or "").split(".")
        if len(parts) != 3 or not parts[1].isalpha():
            return None
        try:
            micros, pk = int(parts[0]), int(parts[2])
            at = _EPOCH + micros * _MICROSECOND
        except (ValueError, OverflowError):
            return None
        return cls(at, parts[1], pk)

    def _same_moment(self, kind: str) -> Q | None:
        """Of the rows of ``kind`` at the cursor's moment, those that sort after it."""
        if kind < self.kind:
            return Q()
        if kind == self.kind:
            return Q(pk__lt=self.pk)
        return None

    def older(self, kind: str, *, at: str) -> Q:
        """The rows of ``kind``, whose moment is the datetime ``at``, that sort after the
        cursor."""
        condition = Q(**{f"{at}__lt": self.at})
        tie = self._same_moment(kind)
        if tie is not None:
            condition |= Q(**{at: self.at}) & tie
        return condition

    def older_local(self, kind: str, *, day: str, time: str) -> Q:
        """The same for rows whose moment is a local day and wall-clock time (``day`` and
        ``time`` name fields or annotations), as ``timezone.make_aware`` turns them into."""
        local = timezone.localtime(self.at)
        on, at = local.date(), local.time()
        condition = Q(**{f"{day}__lt": on}) | Q(**{day: on, f"{time}__lt": at})
        tie = self._same_moment(kind)
        if tie is not None:
            condition |= Q(**{day: on, time: at}) & tie
        return condition


@dataclass(frozen=True)
class TimelinePage:
    """One page of a family's timeline, newest first."""

    entries: list[TimelineEntry]
    older: TimelineCursor | None  # where the next, older page starts; None on the last page
    first: bool  # the newest entries (no cursor asked for)

    def __iter__(self) -> Iterator[TimelineEntry]:
        return iter(self.entries)

    def __len__(self) -> int:
        return len(self.entries)


def family_timeline(
    family: Family, *, before: TimelineCursor | None = None, size: int | None = None
) -> TimelinePage:
    """The ``size`` (``TIMELINE_PAGE``) newest entries of ``family`` that sort after
    ``before`` (the newest page without it), from every registered provider."""
    size = size or TIMELINE_PAGE
    # Each provider's newest size + 1 hold the page's entries and say whether more follow.
    entries = [
        entry
        for provider in timeline_providers
        for entry in provider(family, before=before, limit=size + 1)
    ]
    entries.sort(key=lambda entry: entry.sort_key, reverse=True)
    page = entries[:size]
    older = TimelineCursor.of(page[-1]) if len(entries) > size else None
    return TimelinePage(page, older, first=before is None)
