"""EDTF dates: parsing, sorting, human labels and machine-readable values.

Supported (EDTF levels 0 and 1, the parts a news timeline needs):
  2023            a year            2023-07        a month        2023-09-04   a day
  2023-07?        uncertain         2023-07~       approximate    2023-07%     both
  2023-09-10/2023-09-13             an interval (each end any of the above)
  ../2023-09-13   open start        2023-09-10/..  open end (ongoing)
  /2023-09-13     unknown start     2023-09-10/    unknown end

Sorting rule: events sort by the earliest day they can have started (an open or
unknown start sorts by its end); on a tie, the longer (less precise) event comes
first, so "July 2023" heads the days of July; then a plain date before an uncertain or
approximate one with the same bounds; then by id.
"""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass
from datetime import date
from functools import cached_property

MONTHS = (
    "January", "February", "March", "April", "May", "June",
    "July", "August", "September", "October", "November", "December",
)

_DATE = re.compile(r"(?P<year>\d{4})(?:-(?P<month>\d{2})(?:-(?P<day>\d{2}))?)?(?P<qual>[?~%])?")


class DateError(ValueError):
    """An invalid EDTF string; `offset` is the 0-based character where the problem is."""

    def __init__(self, message: str, offset: int = 0) -> None:
        super().__init__(message)
        self.offset = offset


@dataclass(frozen=True)
class DatePart:
    """One calendar date at year, month or day precision, possibly qualified."""

    year: int
    month: int | None = None
    day: int | None = None
    uncertain: bool = False
    approximate: bool = False

    @property
    def precision(self) -> str:
        """'year', 'month' or 'day'."""
        return "day" if self.day else "month" if self.month else "year"

    @property
    def first_day(self) -> date:
        """The earliest calendar day this part covers."""
        return date(self.year, self.month or 1, self.day or 1)

    @property
    def last_day(self) -> date:
        """The latest calendar day this part covers."""
        month = self.month or 12
        day = self.day or calendar.monthrange(self.year, month)[1]
        return date(self.year, month, day)

    @property
    def iso(self) -> str:
        """The date without qualifiers: a valid HTML `datetime` value (YYYY, YYYY-MM or YYYY-MM-DD)."""
        text = f"{self.year:04d}"
        if self.month:
            text += f"-{self.month:02d}"
        if self.day:
            text += f"-{self.day:02d}"
        return text


@dataclass(frozen=True)
class EventDate:
    """A parsed EDTF value: a single date or an interval whose ends may be open or unknown."""

    edtf: str
    start: DatePart | None
    end: DatePart | None
    is_interval: bool = False
    open_start: bool = False  # "..": the event had begun long before
    open_end: bool = False  # "..": still going on

    @property
    def earliest(self) -> date:
        """The first day the event can have started (its end, if the start is not known)."""
        part = self.start or self.end
        assert part is not None
        return part.first_day

    @property
    def latest(self) -> date:
        """The last day the event can have ended (its start, if the end is not known)."""
        part = self.end or self.start
        assert part is not None
        return part.last_day

    @property
    def uncertain(self) -> bool:
        """True when any end is marked uncertain (`?` or `%`)."""
        return any(p.uncertain for p in (self.start, self.end) if p)

    @property
    def approximate(self) -> bool:
        """True when any end is marked approximate (`~` or `%`)."""
        return any(p.approximate for p in (self.start, self.end) if p)

    def sort_key(self) -> tuple[date, int, bool]:
        """Earliest start first; on a tie, the longer span, then the certain date (see the module docstring)."""
        return self._sort_key

    @cached_property
    def _sort_key(self) -> tuple[date, int, bool]:
        return (self.earliest, -(self.latest - self.earliest).days, self.uncertain or self.approximate)

    @property
    def label(self) -> str:
        """A human label showing precision and uncertainty, e.g. '10–13 September 2023'."""
        return label_for(self)

    @property
    def datetime_attr(self) -> str:
        """A valid HTML `datetime` value for the start (or the end when the start is unknown)."""
        part = self.start or self.end
        assert part is not None
        return part.iso


def _parse_part(text: str, offset: int) -> DatePart:
    match = _DATE.fullmatch(text)
    if not match:
        if re.fullmatch(r"\d{4}-\d{1}(-\d{1,2})?", text) or re.fullmatch(r"\d{4}-\d{2}-\d", text):
            raise DateError("months and days need two digits, e.g. 2023-07-04", offset)
        if re.fullmatch(r"\d{1,2}[./-]\d{1,2}[./-]\d{4}", text):
            raise DateError("write the year first, e.g. 2023-09-04", offset)
        raise DateError(
            f"'{text}' is not an EDTF date; use YYYY, YYYY-MM or YYYY-MM-DD, "
            "optionally followed by ? (uncertain), ~ (approximate) or % (both)",
            offset,
        )
    year = int(match["year"])
    month = int(match["month"]) if match["month"] else None
    day = int(match["day"]) if match["day"] else None
    if month is not None and not 1 <= month <= 12:
        raise DateError(f"there is no month {month:02d}; months run from 01 to 12", offset + 5)
    if day is not None and month is not None:
        days_in_month = calendar.monthrange(year, month)[1]
        if not 1 <= day <= days_in_month:
            raise DateError(
                f"there is no day {day:02d} in {MONTHS[month - 1]} {year} "
                f"(it has {days_in_month} days)",
                offset + 8,
            )
    qualifier = match["qual"]
    return DatePart(year, month, day, qualifier in ("?", "%"), qualifier in ("~", "%"))


def parse_date(text: str) -> EventDate:
    """Parse an EDTF string, or raise DateError saying what is wrong and where."""
    text = text.strip()
    if not text:
        raise DateError("the date is empty; write it as YYYY, YYYY-MM or YYYY-MM-DD")
    if re.fullmatch(r"\d{1,2}[./-]\d{1,2}[./-]\d{4}", text):
        raise DateError("write the year first, e.g. 2023-09-04")
    if "/" not in text:
        if text == "..":
            raise DateError("'..' is only allowed as one end of an interval, e.g. ../2023-09-13")
        part = _parse_part(text, 0)
        return EventDate(text, part, None)
    if text.count("/") > 1:
        raise DateError("an interval has exactly one '/', e.g. 2023-09-10/2023-09-13", text.rindex("/"))
    left, right = text.split("/")
    starts = {"..": "open", "": "unknown"}
    start = None if left in starts else _parse_part(left, 0)
    end = None if right in starts else _parse_part(right, len(left) + 1)
    if start is None and end is None:
        raise DateError("an interval needs at least one known end, e.g. ../2023-09-13")
    if start and end and end.last_day < start.first_day:
        raise DateError(
            f"the interval ends ({end.iso}) before it starts ({start.iso}); swap the two dates",
            len(left) + 1,
        )
    return EventDate(text, start, end, True, left == "..", right == "..")


@dataclass(frozen=True)
class DateWords:
    """How one language writes date labels; every pattern is a str.format template.

    The defaults are English (the labels `EventDate.label` gives); generator.i18n builds the others.
    Patterns keyed `_day` apply when the date inside is exact to the day, `_month` otherwise.
    """

    months: tuple[str, ...] = MONTHS  # with a day or a year: "4 September 2023", "July 2023"
    months_alone: tuple[str, ...] = MONTHS  # on their own, as in the month jump menu
    day_one: str = "1"  # how the first day of a month is written ("1er" in French)
    day_month_year: str = "{day} {month} {year}"
    day_month: str = "{day} {month}"
    month_year: str = "{month} {year}"
    year: str = "{year}"
    day_span: str = "{first}–{last}"  # days of one month: first is a day number, last a full label
    span: str = "{start} – {end}"
    approximate: str = "c. {date}"
    uncertain: str = "{date} (uncertain)"
    until_day: str = "until {date}"
    until_month: str = "until {date}"
    since_day: str = "since {date}"
    since_month: str = "since {date}"
    from_day: str = "from {date} (end unknown)"
    from_month: str = "from {date} (end unknown)"
    unknown_start: str = "unknown start – {date}"
    month_unknown: str = "{year} (month unknown)"


ENGLISH = DateWords()


def _day(part: DatePart, words: DateWords) -> str:
    return words.day_one if part.day == 1 else str(part.day)


def _part_label(part: DatePart, words: DateWords, with_year: bool = True) -> str:
    year = str(part.year)
    if part.day and part.month:
        day, month = _day(part, words), words.months[part.month - 1]
        if with_year:
            return words.day_month_year.format(day=day, month=month, year=year)
        return words.day_month.format(day=day, month=month)
    if part.month:
        month = words.months[part.month - 1]
        return words.month_year.format(month=month, year=year) if with_year else month
    return words.year.format(year=year)


def _qualified(part: DatePart, text: str, words: DateWords) -> str:
    if part.approximate:
        text = words.approximate.format(date=text)
    if part.uncertain:
        text = words.uncertain.format(date=text)
    return text


def _full(part: DatePart, words: DateWords) -> str:
    return _qualified(part, _part_label(part, words), words)


def _by_precision(part: DatePart, day_pattern: str, other_pattern: str) -> str:
    return day_pattern if part.precision == "day" else other_pattern


def label_for(value: EventDate, words: DateWords = ENGLISH) -> str:
    """A label in `words`' language: '4 September 2023', 'c. July 2023', '10–13 September 2023', 'until …'."""
    start, end = value.start, value.end
    if not value.is_interval:
        assert start is not None
        return _full(start, words)
    if start is None:
        assert end is not None
        if value.open_start:
            return _by_precision(end, words.until_day, words.until_month).format(date=_full(end, words))
        return words.unknown_start.format(date=_full(end, words))
    if end is None:
        if value.open_end:
            return _by_precision(start, words.since_day, words.since_month).format(date=_full(start, words))
        return _by_precision(start, words.from_day, words.from_month).format(date=_full(start, words))
    plain = not (start.uncertain or start.approximate or end.uncertain or end.approximate)
    if plain and start.precision == end.precision and start.year == end.year:
        if start.precision == "day" and start.month == end.month:
            return words.day_span.format(first=_day(start, words), last=_part_label(end, words))
        if start.precision != "year":
            return words.span.format(start=_part_label(start, words, with_year=False), end=_part_label(end, words))
    return words.span.format(start=_full(start, words), end=_full(end, words))


def month_label(year: int, month: int, words: DateWords = ENGLISH) -> str:
    """A month heading: 'September 2023', or '2023 (month unknown)' for month 0."""
    if not month:
        return words.month_unknown.format(year=year)
    return words.month_year.format(month=words.months[month - 1], year=year)
