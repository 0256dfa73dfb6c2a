"""Normalizing recognized time expressions to EDTF against a publication date.

Tense and modality choose the direction: "had traveled ... in July" is the July before the
publication date, "would be scheduled ... September 10th" the one after; with no cue, the nearest
wins. Without a publication date the year is inferred from the text (a weekday with its date fixes
the year), and the publication day is taken to be the latest past day the article mentions.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from datetime import date, timedelta

from generator.timex import WEEKDAYS, Mention

_FUTURE_WORDS = (
    r"will|would|shall|plans?\s+to|planned|planning|intends?\s+to|intend|scheduled|"
    r"expected\s+to|(?:is|are)\s+(?:set\s+)?to|going\s+to|takes?\s+place|upcoming|to\s+be\s+held|"
    r"opens|begins|starts|closes|resumes")
_FUTURE = re.compile(rf"\b(?:{_FUTURE_WORDS})\b", re.IGNORECASE)
# Past tense: common irregular verbs, and any other word in -ed that is not a future cue or one of
# the adjectives in -ed that news text uses before nouns.
_PAST = re.compile(
    r"\b(?:had|has|have|was|were|did|said|told|met|held|went|came|took|fell|rose|won|lost|began|"
    r"left|spent|made|found|gave|sent|brought|saw|became|broke|ran|wrote|spoke|led|fled|struck|"
    r"ago|previously|(?P<ed>(?!(?:expected|scheduled|planned|proposed|needed|advanced|based|armed|"
    r"united|sanctioned|limited|detailed|related|concerned|interested|powered)\b)[a-z]{2,}ed))\b",
    re.IGNORECASE)
# An -ed word after these is a participle or an adjective ("would stay closed", "will be
# presented", "a revised budget"), which says nothing about the tense.
_NOT_PAST_AFTER = re.compile(
    r"\b(?:be|been|being|is|are|am|was|were|stay|stays|remain|remains|get|gets|would|will|to|a|an|"
    r"the|its|their|his|her|our|this|that|these|those|newly)\s+$", re.IGNORECASE)
_REPORTING = re.compile(r"\b(?:said|told|reported|announced|stated|added|wrote|claimed)\b",
                        re.IGNORECASE)
SEASON_MONTHS = {"spring": 3, "summer": 6, "autumn": 9, "winter": 12}
PART_DAYS = {"early": (1, 10), "mid": (11, 20), "late": (21, 31)}


@dataclass(frozen=True)
class TimeExpression:
    """A time expression as found in the article, with its EDTF value (None if unresolvable)."""

    text: str
    start: int
    end: int
    value: str | None
    kind: str
    direction: str = ""  # past, future, or "" when nothing in the text says
    note: str = ""


@dataclass(frozen=True)
class Publication:
    """The article's publication date as EDTF (None if unknown), the day if known, and how."""

    value: str | None
    day: date | None
    how: str


def day_value(day: date) -> str:
    """EDTF for one calendar day."""
    return day.isoformat()


def _month_value(index: int) -> str:
    return f"{index // 12:04d}-{index % 12 + 1:02d}"


def _month_index(day: date) -> int:
    return day.year * 12 + day.month - 1


def direction_of(text: str, start: int, end: int, sentence: tuple[int, int]) -> str:
    """'past' or 'future' from the tense cue nearest to text[start:end] in its sentence, else ''."""
    left, right = sentence
    best: tuple[int, str] | None = None
    for regex, name in ((_PAST, "past"), (_FUTURE, "future")):
        for match in regex.finditer(text, left, right):
            s, e = match.start(), match.end()
            if s < end and e > start:
                continue
            if name == "past" and match["ed"] and _NOT_PAST_AFTER.search(text, left, s):
                continue
            distance = start - e if e <= start else s - end
            if best is None or distance < best[0]:
                best = (distance, name)
    return best[1] if best else ""


def _choose(candidates: list[int], ref: int, direction: str) -> int:
    """The candidate (days or month indices) before, after or nearest to `ref`."""
    if direction == "past" and (before := [c for c in candidates if c <= ref]):
        return max(before)
    if direction == "future" and (after := [c for c in candidates if c >= ref]):
        return min(after)
    return min(candidates, key=lambda c: (abs(c - ref), c))


def _safe_date(year: int, month: int, day: int) -> date | None:
    try:
        return date(year, month, day)
    except ValueError:
        return None


class Resolver:
    """Resolves mentions against a publication day (`ref`) or, failing that, a known year."""

    def __init__(self, ref: date | None, year: int | None) -> None:
        self.ref, self.year = ref, year if ref is None else ref.year

    def _day_year(self, month: int, day: int, direction: str) -> int | None:
        if self.ref is None:
            return self.year
        ref = self.ref
        options = {d.toordinal(): y for y in (ref.year - 1, ref.year, ref.year + 1)
                   if (d := _safe_date(y, month, day))}
        return options[_choose(list(options), ref.toordinal(), direction)] if options else None

    def _month_year(self, month: int, direction: str, amount: int = 0) -> int | None:
        if self.ref is None:
            return self.year
        ref = _month_index(self.ref)
        years = (self.ref.year - 1, self.ref.year, self.ref.year + 1)
        options = [y * 12 + month - 1 for y in years]
        if amount < 0:
            options = [o for o in options if o < ref]
        elif amount > 0:
            options = [o for o in options if o > ref]
        return _choose(options, ref, direction) // 12

    def resolve(self, m: Mention, direction: str) -> tuple[str | None, str]:
        """The EDTF value of `m` and a note (why it is None, or what was assumed)."""
        handler = getattr(self, f"_{m.kind}")
        result: tuple[str | None, str] = handler(m, direction)
        return result

    def _date(self, m: Mention, direction: str) -> tuple[str | None, str]:
        assert m.month is not None and m.day is not None
        year = m.year or self._day_year(m.month, m.day, direction)
        if year is None:
            return None, "no year: give --published YYYY-MM-DD"
        day = _safe_date(year, m.month, m.day)
        if day is None:
            return None, f"there is no such day in {year}"
        if m.weekday is not None and day.weekday() != m.weekday:
            actual = WEEKDAYS[day.weekday()].title()
            return (day_value(day) + "?", f"weekday contradicts the date: {day} is a {actual}, "
                    f"not a {WEEKDAYS[m.weekday].title()}")
        return day_value(day), ""

    def _range(self, m: Mention, direction: str) -> tuple[str | None, str]:
        assert m.month and m.day and m.end_month and m.end_day
        wraps = (m.end_month, m.end_day) < (m.month, m.day)
        if m.year is not None:
            year: int | None = m.year - 1 if wraps else m.year
        else:
            year = self._day_year(m.month, m.day, direction)
        if year is None:
            return None, "no year: give --published YYYY-MM-DD"
        first = _safe_date(year, m.month, m.day)
        last = _safe_date(year + wraps, m.end_month, m.end_day)
        if first is None or last is None:
            return None, "the range names a day that does not exist"
        note = ""
        if m.weekday is not None and first.weekday() != m.weekday:
            note = f"weekday contradicts the date: {first} is a {WEEKDAYS[first.weekday()].title()}"
        return f"{day_value(first)}/{day_value(last)}", note

    def _month(self, m: Mention, direction: str) -> tuple[str | None, str]:
        assert m.month is not None
        year = m.year or self._month_year(m.month, direction, m.amount)
        if year is None:
            return None, "no year: give --published YYYY-MM-DD"
        return f"{year:04d}-{m.month:02d}", ""

    def _part(self, m: Mention, direction: str) -> tuple[str | None, str]:
        value, note = self._month(m, direction)
        if value is None:
            return value, note
        first, last = PART_DAYS[m.part]
        year, month = (int(x) for x in value.split("-"))
        last = min(last, (date(year + month // 12, month % 12 + 1, 1) - timedelta(days=1)).day)
        return f"{value}-{first:02d}~/{value}-{last:02d}~", "approximate: a third of the month"

    def _season(self, m: Mention, direction: str) -> tuple[str | None, str]:
        first_month = SEASON_MONTHS[m.season]
        if m.year is not None:
            start = m.year * 12 + first_month - 1
        elif self.ref is None:
            if self.year is None:
                return None, "no year: give --published YYYY-MM-DD"
            start = self.year * 12 + first_month - 1
        else:
            ref = _month_index(self.ref)
            years = range(self.ref.year - 2, self.ref.year + 2)
            options = [y * 12 + first_month - 1 for y in years]
            if m.shift == "past":
                options = [o for o in options if o + 2 < ref]
            elif m.shift == "future":
                options = [o for o in options if o > ref]
            start = _choose(options, ref, m.shift or direction)
        if m.part:
            offset = {"early": 0, "mid": 1, "late": 2}[m.part]
            return _month_value(start + offset), f"{m.part} {m.season} taken as one month"
        return f"{_month_value(start)}/{_month_value(start + 2)}", "meteorological season"

    def _year(self, m: Mention, direction: str) -> tuple[str | None, str]:
        return f"{m.year:04d}", ""

    def _yearrange(self, m: Mention, direction: str) -> tuple[str | None, str]:
        return f"{m.year:04d}/{m.end_year:04d}", ""

    def _yearpart(self, m: Mention, direction: str) -> tuple[str | None, str]:
        year = m.year
        if year is None:
            if self.ref is None and self.year is None:
                return None, "no year: give --published YYYY-MM-DD"
            year = (self.ref.year if self.ref else self.year or 0) + m.amount
        first = {"early": 1, "mid": 5, "late": 9}[m.part]
        return (f"{year:04d}-{first:02d}~/{year:04d}-{first + 3:02d}~",
                f"approximate: {m.part} {year} taken as a third of the year")

    def _weekday(self, m: Mention, direction: str) -> tuple[str | None, str]:
        if self.ref is None or m.weekday is None:
            return None, "a weekday needs a publication date: give --published YYYY-MM-DD"
        ref = self.ref
        if m.amount == 0 and m.text.casefold().startswith("this"):
            return day_value(ref + timedelta(days=m.weekday - ref.weekday())), ""
        note = "" if (m.shift or direction) else "no tense cue: taken as the past weekday"
        if (m.shift or direction) == "future":
            ahead = (m.weekday - ref.weekday()) % 7 or (7 if m.amount > 0 else 0)
            return day_value(ref + timedelta(days=ahead)), note
        back = (ref.weekday() - m.weekday) % 7 or (7 if m.amount < 0 else 0)
        return day_value(ref - timedelta(days=back)), note

    def _relative(self, m: Mention, direction: str) -> tuple[str | None, str]:
        if self.ref is None:
            return None, "a relative date needs a publication date: give --published YYYY-MM-DD"
        ref, amount = self.ref, m.amount
        if m.unit == "day":
            return day_value(ref + timedelta(days=amount)), ""
        if m.unit == "week":
            if abs(amount) <= 1 and "week" in m.text.casefold().split()[-1]:
                monday = ref - timedelta(days=ref.weekday()) + timedelta(weeks=amount)
                return f"{day_value(monday)}/{day_value(monday + timedelta(days=6))}", ""
            return day_value(ref + timedelta(weeks=amount)) + "~", "approximate: counted in weeks"
        if m.unit == "month":
            return _month_value(_month_index(ref) + amount), ""
        return f"{ref.year + amount:04d}", ""

    def _present(self, m: Mention, direction: str) -> tuple[str | None, str]:
        if self.ref is not None:
            return day_value(self.ref), "the publication date"
        if self.year is not None:
            return f"{self.year:04d}", "the publication year"
        return None, "needs a publication date: give --published YYYY-MM-DD"


def _sentence(sentences: list[tuple[int, int]], m: Mention | TimeExpression) -> tuple[int, int]:
    for span in sentences:
        if span[0] <= m.start < span[1]:
            return span
    return (m.start, m.end)


def _infer_year(mentions: list[Mention], today: date) -> tuple[int | None, str]:
    for m in mentions:
        if m.kind in ("date", "range") and m.weekday is not None and m.year is None:
            assert m.month is not None and m.day is not None
            for year in range(today.year, today.year - 29, -1):
                day = _safe_date(year, m.month, m.day)
                if day and day <= today and day.weekday() == m.weekday:
                    return year, (f"year {year} from '{m.text}': the latest year up to {today} "
                                  f"in which {day:%B} {day.day} is a {day:%A}")
    years = [y for m in mentions for y in (m.year, m.end_year) if y is not None]
    if years:
        return max(years), f"year {max(years)}: the latest year the article names"
    return None, ""


def infer_publication(mentions: list[Mention], text: str, sentences: list[tuple[int, int]],
                      today: date) -> Publication:
    """Infer the publication date from the text alone, saying how."""
    year, how = _infer_year(mentions, today)
    if year is None:
        return Publication(None, None, "no publication date given, and the article names no year "
                           "and no weekday with its date; give --published YYYY-MM-DD")
    resolver = Resolver(None, year)
    latest: tuple[date, str] | None = None
    for m in mentions:
        sentence = _sentence(sentences, m)
        if m.kind != "date" or direction_of(text, m.start, m.end, sentence) != "past":
            continue
        value, _ = resolver.resolve(m, "past")
        day = date.fromisoformat(value.rstrip("?")) if value else None
        if day and (latest is None or day > latest[0]):
            latest = (day, m.text)
    if latest is None:
        return Publication(f"{year:04d}", None,
                           f"no publication date given; {how}; no dated past event, so only the "
                           "year is known")
    return Publication(day_value(latest[0]), latest[0],
                       f"no publication date given; {how}; the latest past day the article "
                       f"mentions is '{latest[1]}', so it was published on or after {latest[0]}")


_YEARLESS = ("date", "range", "month", "part")
_YEAR_NAMING = ("date", "range", "month", "part", "season", "yearpart")


def _narrative_year(m: Mention, mentions: list[Mention], span: tuple[int, int]) -> int | None:
    """The year an earlier expression in the same sentence names ('the summer of 2021, ... 14 July')."""
    if m.kind not in _YEARLESS or m.year is not None:
        return None
    years = {o.year for o in mentions if o is not m and o.kind in _YEAR_NAMING and o.year
             and span[0] <= o.start < m.start}
    return years.pop() if len(years) == 1 else None


def _quoted(text: str, span: tuple[int, int], offset: int) -> bool:
    before = text[span[0]:offset]
    return before.count("\u201c") > before.count("\u201d") or before.count('"') % 2 == 1


def _statement_time(e: TimeExpression, found: list[TimeExpression], text: str,
                    span: tuple[int, int]) -> TimeExpression:
    """'currently' in what someone said on a given day is that day, not the publication date."""
    if e.kind != "present" or not _REPORTING.search(text, *span):
        return e
    for other in found:
        if (other is not e and span[0] <= other.start < span[1] and other.value
                and re.fullmatch(r"\d{4}-\d{2}-\d{2}", other.value) and other.direction == "past"
                and not _quoted(text, span, other.start)):
            return TimeExpression(e.text, e.start, e.end, other.value, e.kind, e.direction,
                                  f"the time of the statement ('{other.text}')")
    return e


def resolve_mentions(mentions: list[Mention], text: str, sentences: list[tuple[int, int]],
                     publication: Publication) -> list[TimeExpression]:
    """Every mention with its EDTF value, resolved against the publication date."""
    year = int(publication.value[:4]) if publication.value else None
    resolver = Resolver(publication.day, year)
    found = []
    for m in mentions:
        span = _sentence(sentences, m)
        direction = m.shift or direction_of(text, m.start, m.end, span)
        narrative = _narrative_year(m, mentions, span)
        if narrative is not None and narrative != year:
            value, note = resolver.resolve(replace(m, year=narrative), direction)
            note = f"year {narrative} from the same sentence" + (f"; {note}" if note else "")
        else:
            value, note = resolver.resolve(m, direction)
        found.append(TimeExpression(m.text, m.start, m.end, value, m.kind, direction, note))
    return [_statement_time(e, found, text, _sentence(sentences, e)) for e in found]
