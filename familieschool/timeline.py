"""The family timeline is assembled from the apps that know a family's history.

The core cannot import the apps (they depend on it), so each app registers a provider in
``registry.timeline_providers`` from its ``plugins.py``. A provider is called as
``provider(family, before=cursor, limit=n)`` and returns a ``TimelineSource`` per kind of
entry (``timeline_source`` builds one): the newest ``n`` of its rows that sort after ``cursor``
(all of them when ``before`` is None), in the columns every source shares. The sources of all
providers are read in one query (a ``UNION ALL``), whatever the size of the family's history
(seven queries, one per kind, cost more in round trips and planning than the rows they read);
only the entries a page shows are described. A kind may have several sources (the attendance of
the parents and of the children, each read by its own index); they describe alike.

That query is built and compiled once per process for each shape (page size, whether and at
which kind a cursor stands), not on every request: building and compiling six kinds' querysets
cost more than the query itself. So a provider is called with stand-ins: ``family`` is what
its rows are filtered on (``filter(family=family)``, ``filter(parent__family=family)``), a
parameter that each request binds to its family's id, and the cursor's moment and id are
parameters too; a provider reads nothing else of them. Only the SQL is kept, never rows: every
request reads the family's entries as they are then.

The family page shows one page of the newest entries; "show older" pages on by the sort key
(``TimelineCursor``), as the contact list does, so that every entry stays reachable and a page
costs the same after ten years as after one.
"""

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from functools import lru_cache, partial

from django.db import connections
from django.db.models import (
    BigIntegerField,
    CharField,
    DateField,
    DateTimeField,
    Expression,
    F,
    Field,
    Model,
    Q,
    QuerySet,
    TimeField,
    Value,
)
from django.db.models.functions import Cast, JSONObject
from django.utils import timezone

from .models import Family
from .registry import timeline_providers

__all__ = [
    "TIMELINE_PAGE",
    "TimelineCursor",
    "TimelineEntry",
    "TimelinePage",
    "TimelineSource",
    "choice_label",
    "family_timeline",
    "timeline_source",
]

# Entries per page of the timeline: the family page shows the newest this many.
TIMELINE_PAGE = 20

_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
_MICROSECOND = timedelta(microseconds=1)

# The columns every source's rows have, in this order (a UNION matches columns by position).
_COLUMNS = ("timeline_kind", "timeline_pk", "timeline_at", "timeline_day", "timeline_time")
_DATA = "timeline_data"


class TimelineEntry:
    """One line of a family's timeline: when, what kind, which row, and what it says.

    What it says can be given as ``describe``, a function returning (title, detail, url) that
    runs only when the entry is read: sources return up to a page of entries of each kind,
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


@dataclass(frozen=True)
class TimelineSource:
    """One kind of entry a provider adds to a family's timeline (``timeline_source`` builds it).

    ``parts`` read the kind's newest rows after the cursor, and the lists their entries hold,
    in the columns all sources share; ``describe(pk, data)`` returns (title, detail, url) of an
    entry the page shows, from the ``data`` its row carries (with a list of dicts under each
    name in ``lists``).
    """

    kind: str
    parts: list[QuerySet]
    describe: Callable[[int, dict], tuple[str, str, str]]
    lists: tuple[str, ...] = ()


def _nothing(field) -> Cast:
    # Typed: PostgreSQL matches a UNION's columns pair by pair, and two untyped NULLs would
    # make a text column that a date cannot join.
    return Cast(Value(None), field)


def _shaped(rows: QuerySet, kind: str, moment: dict, data: dict) -> QuerySet:
    return rows.annotate(
        timeline_kind=Value(kind, output_field=CharField()),
        timeline_pk=F("pk"),
        **moment,
        **{_DATA: JSONObject(**data)},
    ).values_list(*_COLUMNS, _DATA)


def timeline_source(
    rows: QuerySet,
    *,
    kind: str,
    before: "TimelineCursor | None",
    limit: int | None,
    data: dict[str, str | Expression],
    describe: Callable[[int, dict], tuple[str, str, str]],
    lists: dict[str, tuple[str, dict[str, str]]] | None = None,
    at: str | None = None,
    day: str | None = None,
    time: str | Expression | None = None,
) -> TimelineSource:
    """The newest ``limit`` of ``rows`` (ordered newest first) that sort after ``before``, as
    the source of ``kind``. Their moment is the datetime field ``at``, or a local ``day`` and
    wall-clock ``time`` (a field or an expression); ``data`` names what ``describe`` reads of a
    row (field paths or expressions, as in ``values()``), and ``lists`` what it reads of the
    rows of a to-many relation: ``{name: (relation, {key: field of the related row})}``."""
    if at:
        moment = {
            "timeline_at": F(at),
            "timeline_day": _nothing(DateField()),
            "timeline_time": _nothing(TimeField()),
        }
        if before:
            rows = rows.filter(before.older(kind, at=at))
    else:
        moment = {
            "timeline_at": _nothing(DateTimeField()),
            "timeline_day": F(day),
            "timeline_time": F(time) if isinstance(time, str) else time,
        }
        if before:
            if not isinstance(time, str):
                rows, time = rows.annotate(timeline_moment=time), "timeline_moment"
            rows = rows.filter(before.older_local(kind, day=day, time=time))

    def newest() -> QuerySet:
        ids = rows.values("pk")[:limit] if limit else rows.values("pk")
        return rows.model._default_manager.filter(pk__in=ids).order_by()

    if limit and connections[rows.db].features.supports_slicing_ordering_in_compound:
        # PostgreSQL reads each part of the UNION with its own ORDER BY and LIMIT.
        parts = [_shaped(rows, kind, moment, data)[:limit]]
    else:
        # SQLite allows neither in the parts of a UNION, but does in a subquery: the newest
        # ids there, their rows by primary key.
        parts = [_shaped(newest(), kind, moment, data)]
    for name, (relation, fields) in (lists or {}).items():
        related = {key: f"{relation}__{field}" for key, field in fields.items()}
        linked = newest().filter(**{f"{relation}__isnull": False})
        parts.append(_shaped(linked, f"{kind}.{name}", moment, related))
    return TimelineSource(kind=kind, parts=parts, describe=describe, lists=tuple(lists or ()))


@lru_cache(maxsize=256)
def _choice_labels(model: type[Model], field: str) -> dict:
    return dict(model._meta.get_field(field).flatchoices)


def choice_label(model: type[Model], field: str, value) -> str:
    """What ``get_<field>_display()`` shows for ``value`` (the value itself when it is not among
    the choices), for rows read as values and through the ``choice_label`` template filter.
    Django's method rebuilds the choices on every call, hashing each lazy label, which
    translates it; here the choices are read once per field and one label is translated."""
    return str(_choice_labels(model, field).get(value, value))


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

    def _local(self) -> tuple:
        """The cursor's local day and wall-clock time."""
        local = timezone.localtime(self.at)
        return local.date(), local.time()

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
        on, at = self._local()
        condition = Q(**{f"{day}__lt": on}) | Q(**{day: on, f"{time}__lt": at})
        tie = self._same_moment(kind)
        if tie is not None:
            condition |= Q(**{day: on, time: at}) & tie
        return condition


class _Bound(Expression):
    """A value of one request in the timeline's query, which is compiled once per process:
    a parameter of the SQL, bound to the request's value by ``name`` when the query runs."""

    def __init__(self, name: str, output_field: Field):
        super().__init__(output_field=output_field)
        self.name = name

    def as_sql(self, compiler, connection):
        return "%s", [self]

    def bind(self, values: dict, connection):
        return self.output_field.get_db_prep_value(values[self.name], connection)


# The family whose entries a compiled timeline query reads.
_FAMILY = _Bound("family", BigIntegerField())


@dataclass(frozen=True)
class _BoundCursor(TimelineCursor):
    """A cursor at ``kind`` whose moment and id are bound per request (``_values``)."""

    def _local(self) -> tuple:
        return _Bound("day", DateField()), _Bound("time", TimeField())

    @classmethod
    def at_kind(cls, kind: str) -> "_BoundCursor":
        return cls(_Bound("at", DateTimeField()), kind, _Bound("pk", BigIntegerField()))

    @staticmethod
    def values(cursor: TimelineCursor) -> dict:
        day, wall = cursor._local()
        return {"at": cursor.at, "pk": cursor.pk, "day": day, "time": wall}


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


def _moment(at: datetime | None, day: date | None, wall: time | None) -> datetime:
    return at if at is not None else timezone.make_aware(datetime.combine(day, wall))


class _TimelineQuery:
    """The timeline's ``UNION ALL`` of one shape, compiled once: the SQL, its parameters (the
    request's values still ``_Bound``), the columns whose values the database backend converts,
    and the sources that describe its rows."""

    def __init__(self, sources: list[TimelineSource]):
        self.sources = {source.kind: source for source in sources}
        parts = [part for source in sources for part in source.parts]
        self.query = parts[0].union(*parts[1:], all=True).query if parts else None
        if self.query is not None:
            compiler = self.query.get_compiler(parts[0].db)
            self.sql, self.params = compiler.as_sql()
            self.using = parts[0].db
            # What Django's results_iter converts (JSON text, and dates and times on SQLite).
            self.columns = [column for column, *_ in compiler.select[: compiler.col_count]]

    def rows(self, values: dict) -> list:
        if self.query is None:
            return []
        connection = connections[self.using]
        params = [p.bind(values, connection) if isinstance(p, _Bound) else p for p in self.params]
        with connection.cursor() as cursor:
            cursor.execute(self.sql, params)
            rows = cursor.fetchall()
        compiler = self.query.get_compiler(connection=connection)
        converters = compiler.get_converters(self.columns)
        return list(compiler.apply_converters(rows, converters)) if converters else rows


@lru_cache(maxsize=32)
def _timeline_query(providers: tuple, size: int, kind: str | None) -> _TimelineQuery:
    """The query of the ``size`` newest entries, after a cursor at ``kind`` (the newest page
    when None), of the ``providers``' sources (each reads its newest ``size`` + 1, which hold
    the page's entries and say whether more follow)."""
    before = _BoundCursor.at_kind(kind) if kind is not None else None
    return _TimelineQuery(
        [
            source
            for provider in providers
            for source in provider(_FAMILY, before=before, limit=size + 1)
        ]
    )


def family_timeline(
    family: Family, *, before: TimelineCursor | None = None, size: int | None = None
) -> TimelinePage:
    """The ``size`` (``TIMELINE_PAGE``) newest entries of ``family`` that sort after
    ``before`` (the newest page without it), from every registered provider, in one query."""
    size = size or TIMELINE_PAGE
    query = _timeline_query(tuple(timeline_providers), size, before.kind if before else None)
    values = {"family": family.pk, **(_BoundCursor.values(before) if before else {})}
    sources = query.sources
    found, listed = {}, {}
    for kind, pk, at, day, wall, data in query.rows(values):
        if kind in sources:
            found[kind, pk] = (_moment(at, day, wall), data)
        else:
            listed.setdefault((kind, pk), []).append(data)
    entries = []
    for (kind, pk), (at, data) in found.items():
        for name in sources[kind].lists:
            data[name] = listed.get((f"{kind}.{name}", pk), [])
        describe = partial(sources[kind].describe, pk, data)
        entries.append(TimelineEntry(at=at, kind=kind, pk=pk, describe=describe))
    entries.sort(key=lambda entry: entry.sort_key, reverse=True)
    page = entries[:size]
    older = TimelineCursor.of(page[-1]) if len(entries) > size else None
    return TimelinePage(page, older, first=before is None)
