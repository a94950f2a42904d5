"""Paging long lists so that a page costs the same after ten years of history as after one.

``CappedPaginator`` numbers pages (``?page=N``) and counts at most ``COUNT_CAP`` rows; it still
skips rows with ``OFFSET``, which reads every row before the page. ``seek_page`` pages the
contact list by its sort key instead (keyset or "seek" paging): the next page is the rows that
sort after the last row shown (``?na=<id>``), the previous page the rows before the first row
shown (``?voor=<id>``), so page 200 reads 26 rows from the index, as page 1 does.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.core.paginator import Paginator
from django.db.models import Q, QuerySet
from django.utils.functional import cached_property

__all__ = [
    "AFTER",
    "BEFORE",
    "NUMBER",
    "CappedPaginator",
    "SeekPage",
    "rows_of_page",
    "seek_page",
]

# The query parameters of a seek page: the id of the row the page starts after (or before).
AFTER = "na"
BEFORE = "voor"
NUMBER = "page"


class CappedPaginator(Paginator):
    """Counts at most ``COUNT_CAP`` rows, so a list costs the same after ten years as after one.

    Beyond the cap the list says "more than ..." and the date filters reach older rows.
    """

    COUNT_CAP = 1000

    def __init__(self, object_list, per_page, *args, count_list=None, **kwargs):
        super().__init__(object_list, per_page, *args, **kwargs)
        # The same rows in a shape that is cheaper to count (a filter set's ``qs_to_count``).
        self.count_list = object_list if count_list is None else count_list

    @cached_property
    def _counted(self) -> int:
        # Without the ordering PostgreSQL may stop at the first COUNT_CAP + 1 rows it finds.
        return self.count_list.order_by()[: self.COUNT_CAP + 1].count()

    @cached_property
    def count(self) -> int:
        return min(self._counted, self.COUNT_CAP)

    @property
    def capped(self) -> bool:
        return self._counted > self.COUNT_CAP


def rows_of_page(page, read):
    """Turn a page of ids (or of bare rows with their ``pk``) into the rows ``read(ids)``
    returns (a dict by id, e.g. a queryset's ``in_bulk``), in the page's order.

    For a list sorted on its own table but shown with its joins: paging the ids sorts and
    cuts the table alone, and only the page's 25 rows are joined, instead of joining every
    matching row of every year to sort and keep 25.
    """
    ids = [getattr(row, "pk", row) for row in page.object_list]
    rows = read(ids)
    # A row removed between the two queries (a family erased a moment ago) is left out.
    page.object_list = [rows[pk] for pk in ids if pk in rows]
    return page


@dataclass
class SeekPage:
    """One page of a list paged by its sort key, with what the pager links need."""

    object_list: list
    number: int
    paginator: CappedPaginator
    next_after: int | None  # the id to page on from; None on the last page
    previous_before: int | None  # the id to page back from; None on the first page

    def __iter__(self):
        return iter(self.object_list)

    def __len__(self):
        return len(self.object_list)

    def has_next(self) -> bool:
        return self.next_after is not None

    def has_previous(self) -> bool:
        return self.previous_before is not None

    def has_other_pages(self) -> bool:
        return self.has_next() or self.has_previous()

    @property
    def num_pages(self) -> int | None:
        """The number of pages; None when the count stopped at the cap."""
        return None if self.paginator.capped else self.paginator.num_pages


def _number(value) -> int:
    try:
        return max(1, int(value))
    except (TypeError, ValueError):
        return 1


def _anchor_id(value) -> int | None:
    try:
        number = int(value)
    except (TypeError, ValueError):
        return None
    return number if number > 0 else None


def seek_page(
    params, queryset: QuerySet, *, anchors: QuerySet, size: int, counted: QuerySet | None = None
) -> SeekPage:
    """The page of ``queryset`` (sorted newest first by ``occurred_at``, then id) that
    ``params`` (the request's GET) asks for; ``counted``, when given, is the same rows in the
    shape the capped count reads.

    The row named by ``na`` or ``voor`` is looked up in ``anchors`` (the rows the user may see,
    without the filters, so that a row edited out of the filter still marks the place); an id
    that is unknown there, or no id, gives the first page. ``page`` only carries the page's
    number for the pager; ``?page=N`` alone (an old link) gives the first page.
    """
    paginator = CappedPaginator(queryset, size, count_list=counted)
    after, before = _anchor_id(params.get(AFTER)), _anchor_id(params.get(BEFORE))
    anchor_id = after or before
    anchor = None
    if anchor_id is not None:
        anchor = anchors.order_by().filter(pk=anchor_id).values("occurred_at", "pk").first()
    if anchor is None:
        return _first_page(queryset, paginator, size)

    at, pk = anchor["occurred_at"], anchor["pk"]
    number = _number(params.get(NUMBER))
    if after:
        older = Q(occurred_at__lt=at) | Q(occurred_at=at, pk__lt=pk)
        # The redundant bound lets the (school, occurred_at) index start at the anchor.
        rows = list(queryset.filter(older, occurred_at__lte=at)[: size + 1])
        more = len(rows) > size
        rows = rows[:size]
        return SeekPage(
            rows,
            max(number, 2),
            paginator,
            next_after=rows[-1].pk if more else None,
            previous_before=rows[0].pk if rows else None,
        )
    newer = Q(occurred_at__gt=at) | Q(occurred_at=at, pk__gt=pk)
    rows = list(
        queryset.filter(newer, occurred_at__gte=at).order_by("occurred_at", "id")[: size + 1]
    )
    if len(rows) <= size:
        # Back at the top: the first page, full even when rows were added since.
        return _first_page(queryset, paginator, size)
    rows = list(reversed(rows[:size]))
    return SeekPage(
        rows,
        max(number, 2),
        paginator,
        next_after=rows[-1].pk,
        previous_before=rows[0].pk,
    )


def _first_page(queryset: QuerySet, paginator: CappedPaginator, size: int) -> SeekPage:
    rows = list(queryset[: size + 1])
    more = len(rows) > size
    rows = rows[:size]
    return SeekPage(
        rows, 1, paginator, next_after=rows[-1].pk if more else None, previous_before=None
    )
