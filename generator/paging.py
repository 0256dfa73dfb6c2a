"""The building blocks of a site plan: a page to render, events grouped by year and month, numbered pages."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any, TypeVar

from generator.dates import MONTHS
from generator.model import Event

T = TypeVar("T")


@dataclass(frozen=True)
class Page:
    """One output file to render: where it goes, which template, and what the template sees."""

    path: str  # relative to the output folder, e.g. events/x/index.html
    template: str
    context: dict[str, Any] = field(default_factory=dict)

    @property
    def url_path(self) -> str:
        """The page's site path as linked, e.g. 'events/x/' ('' for the home page)."""
        return self.path.removesuffix("index.html")


@dataclass(frozen=True)
class MonthGroup:
    """Events of one month (month 0: known only to the year)."""

    year: int
    month: int
    events: list[Event]

    @property
    def label(self) -> str:
        """'September 2023', or '2023 (month unknown)'."""
        return f"{MONTHS[self.month - 1]} {self.year}" if self.month else f"{self.year} (month unknown)"

    @property
    def anchor(self) -> str:
        """A fragment id for the jump menu, e.g. 'y2023-09'."""
        return f"y{self.year:04d}-{self.month:02d}"


@dataclass(frozen=True)
class YearGroup:
    """Events of one year, grouped by month."""

    year: int
    months: list[MonthGroup]

    @property
    def anchor(self) -> str:
        """A fragment id for the year heading."""
        return f"y{self.year:04d}"

    @property
    def count(self) -> int:
        """How many events the year has."""
        return sum(len(month.events) for month in self.months)


def group_by_year_and_month(events: Sequence[Event]) -> list[YearGroup]:
    """Group events (already in timeline order) by the year and month of their earliest start."""
    years: dict[int, dict[int, list[Event]]] = defaultdict(lambda: defaultdict(list))
    for event in events:
        part = event.date.start or event.date.end
        assert part is not None
        years[part.year][part.month or 0].append(event)
    return [
        YearGroup(year, [MonthGroup(year, month, evs) for month, evs in sorted(months.items())])
        for year, months in sorted(years.items())
    ]


def paginate(base: str, items: list[T], size: int) -> list[tuple[str, list[T], dict[str, Any]]]:
    """`items` cut into pages of `size`: (site path, items, pager) for each; one empty page if none.

    The first page is `base` itself, the next ones `base` + 'page/2/' and so on; `pager` is what
    partials/pager.html shows: {"number": this page's number, "paths": every page's path}.
    """
    chunks = [items[i:i + size] for i in range(0, len(items), size)] or [[]]
    paths = [base + (f"page/{n}/" if n > 1 else "") for n in range(1, len(chunks) + 1)]
    return [(path, chunk, {"number": number, "paths": paths})
            for number, (path, chunk) in enumerate(zip(paths, chunks, strict=True), start=1)]
