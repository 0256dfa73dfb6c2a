"""Finding time expressions in English news text: hand-written patterns, longest match first.

This module only *recognizes*: each match becomes a `Mention` holding what the words say
(month, day, weekday, "last week", ...) and its character offsets. Turning a mention into an
EDTF value needs the publication date and the tense around it; see `generator.timeresolve`.
A bare ordinal or a two-digit number is never read as a year.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass

MONTH_NUMBERS: dict[str, int] = {
    "january": 1, "february": 2, "march": 3, "april": 4, "may": 5, "june": 6, "july": 7,
    "august": 8, "september": 9, "october": 10, "november": 11, "december": 12,
    "jan.": 1, "feb.": 2, "mar.": 3, "apr.": 4, "jun.": 6, "jul.": 7, "aug.": 8,
    "sep.": 9, "sept.": 9, "oct.": 10, "nov.": 11, "dec.": 12,
}
WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
SEASONS = ("spring", "summer", "autumn", "fall", "winter")
NUMBER_WORDS: dict[str, int] = {
    "a": 1, "an": 1, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6,
    "seven": 7, "eight": 8, "nine": 9, "ten": 10, "eleven": 11, "twelve": 12,
}

# Month and weekday names must be capitalized ("may" and "march" are also verbs).
_MONTH = (r"(?:January|February|March|April|May|June|July|August|September|October|November"
          r"|December|(?:Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sept?|Oct|Nov|Dec)\.)")
_WEEKDAY = r"(?:Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday)"
_DAY = r"(?:[12]\d|3[01]|0?[1-9])(?:st|nd|rd|th)?(?![\d:])"
_YEAR = r"(?:1[6-9]|20)\d{2}(?!\d|,\d)"
_TO = r"(?:\s*[-\u2013\u2014]\s*|\s+(?:to|until|till|through|and)\s+)"
_NUMBER = r"(?:\d{1,3}|" + "|".join(NUMBER_WORDS) + ")"
_UNIT = r"(?:day|week|month|year)s?"


@dataclass(frozen=True)
class Mention:
    """A recognized time expression: its span and what it literally says, before resolution."""

    text: str
    start: int
    end: int
    kind: str  # date, range, month, part, season, year, yearpart, yearrange, weekday,
    #   relative, present
    year: int | None = None
    month: int | None = None
    day: int | None = None
    end_year: int | None = None
    end_month: int | None = None
    end_day: int | None = None
    weekday: int | None = None  # 0 = Monday
    part: str = ""  # early, mid or late (of a month or season)
    season: str = ""
    unit: str = ""  # day, week, month, year (relative expressions)
    amount: int = 0  # signed offset in `unit`s: last week = -1, in two weeks = +2
    shift: str = ""  # past or future when the words themselves say so ("last", "earlier", "next")


def _number(word: str) -> int:
    return int(word) if word.isdigit() else NUMBER_WORDS[word.casefold()]


def _day(text: str | None) -> int | None:
    return int(re.sub(r"\D", "", text)) if text else None


def _month(text: str | None) -> int | None:
    return MONTH_NUMBERS[text.casefold()] if text else None


def _year(text: str | None) -> int | None:
    return int(text) if text else None


def _weekday(text: str | None) -> int | None:
    return WEEKDAYS.index(text.casefold()) if text else None


def _shift(word: str | None) -> str:
    word = (word or "").casefold().split(" ")[0]
    return {"last": "past", "earlier": "past", "past": "past", "previous": "past",
            "next": "future", "coming": "future", "later": "future"}.get(word, "")


Builder = Callable[[re.Match[str]], dict[str, object] | None]
_PATTERNS: list[tuple[re.Pattern[str], Builder]] = []


def _pattern(regex: str) -> Callable[[Builder], Builder]:
    def register(builder: Builder) -> Builder:
        """Add `builder` with its compiled pattern to the list `find_mentions` runs."""
        _PATTERNS.append((re.compile(regex), builder))
        return builder
    return register


@_pattern(r"(?<![\d-])(?P<y>\d{4})-(?P<m>0[1-9]|1[0-2])-(?P<d>0[1-9]|[12]\d|3[01])(?![\d-])")
def _iso(m: re.Match[str]) -> dict[str, object] | None:
    return {"kind": "date", "year": int(m["y"]), "month": int(m["m"]), "day": int(m["d"])}


def _range(m: re.Match[str]) -> dict[str, object] | None:
    connector = m["to"].strip().casefold()
    if connector == "and" and not (m["intro"] or "").casefold().startswith("between"):
        return None
    month = _month(m["m"]) or _month(m["m2"])
    return {"kind": "range", "year": _year(m["y"]), "month": month, "day": _day(m["d"]),
            "end_month": _month(m["m2"]) or month, "end_day": _day(m["d2"]),
            "weekday": _weekday(m.groupdict().get("wd"))}


_INTRO = r"(?:(?P<intro>(?i:between|from))\s+)?"
_pattern(_INTRO + rf"(?:(?P<wd>{_WEEKDAY}),?\s+)?(?P<m>{_MONTH})\s+(?P<d>{_DAY})(?P<to>{_TO})"
         rf"(?:(?P<m2>{_MONTH})\s+)?(?P<d2>{_DAY})(?:,?\s+(?P<y>{_YEAR}))?")(_range)
_pattern(_INTRO + rf"(?P<d>{_DAY})(?:\s+(?P<m>{_MONTH}))?(?P<to>{_TO})(?P<d2>{_DAY})\s+"
         rf"(?:of\s+)?(?P<m2>{_MONTH})(?:,?\s+(?P<y>{_YEAR}))?")(_range)


def _date(m: re.Match[str]) -> dict[str, object] | None:
    return {"kind": "date", "year": _year(m["y"]), "month": _month(m["m"]), "day": _day(m["d"]),
            "weekday": _weekday(m["wd"])}


_pattern(rf"(?:(?P<wd>{_WEEKDAY}),?\s+)?(?P<m>{_MONTH})\s+(?P<d>{_DAY})(?:,?\s+(?P<y>{_YEAR}))?")(_date)
_pattern(rf"(?:(?P<wd>{_WEEKDAY}),?\s+)?(?:the\s+)?(?P<d>{_DAY})(?:\s+of)?\s+(?P<m>{_MONTH})"
         rf"(?:,?\s+(?P<y>{_YEAR}))?")(_date)


_PART = r"(?P<part>(?i:early|mid|late|(?:the\s+)?(?:beginning|middle|start|end)\s+of))[\s-]+"


def _part(m: re.Match[str]) -> str:
    """'early', 'mid' or 'late' for the matched part words ('the end of' -> 'late')."""
    word = m["part"].casefold().split()
    return {"beginning": "early", "start": "early", "middle": "mid", "end": "late"}.get(
        word[-2] if len(word) > 1 else word[0], word[0])


@_pattern(_PART + rf"(?P<m>{_MONTH})(?:,?\s+(?P<y>{_YEAR}))?")
def _part_of_month(m: re.Match[str]) -> dict[str, object] | None:
    return {"kind": "part", "part": _part(m), "month": _month(m["m"]), "year": _year(m["y"])}


@_pattern(_PART + rf"(?:(?P<y>{_YEAR})|(?P<rel>(?i:next|last|this))\s+(?i:year))\b")
def _part_of_year(m: re.Match[str]) -> dict[str, object] | None:
    part = _part(m)
    amount = {"last": -1, "next": 1}.get((m["rel"] or "").casefold(), 0)
    return {"kind": "yearpart", "part": part, "year": _year(m["y"]), "amount": amount,
            "shift": _shift(m["rel"])}


@_pattern(rf"(?:(?P<intro>(?i:between|from))\s+)?(?<!\d)(?P<y>{_YEAR})"
          rf"(?P<to>\s*[\u2013\u2014]\s*|\s+(?:and|to|until|through)\s+)(?P<y2>{_YEAR})")
def _year_range(m: re.Match[str]) -> dict[str, object] | None:
    connector = m["to"].strip().casefold()
    if connector in ("and", "to", "until", "through") and not m["intro"]:
        return None  # "in 2014 and 2017" names two years, not a range
    if connector == "and" and m["intro"].casefold() != "between":
        return None
    if int(m["y2"]) <= int(m["y"]):
        return None
    return {"kind": "yearrange", "year": int(m["y"]), "end_year": int(m["y2"])}


_MONTH_ONLY_CUE = re.compile(r"(?i:\b(?:in|of|since|until|by|during|before|after|from)\s+)$")


@_pattern(rf"(?:(?P<rel>(?i:last|next|this|past|coming))\s+)?(?P<m>{_MONTH})"
          rf"(?:,?\s+(?P<y>{_YEAR}))?(?![\w-])")
def _month_name(m: re.Match[str]) -> dict[str, object] | None:
    if m["m"] == "May" and not (m["rel"] or m["y"] or _MONTH_ONLY_CUE.search(m.string[:m.start()])):
        return None  # "May" alone is most likely the verb
    amount = {"last": -1, "past": -1, "next": 1, "coming": 1, "this": 0}.get(
        (m["rel"] or "").casefold(), 0)
    return {"kind": "month", "month": _month(m["m"]), "year": _year(m["y"]),
            "shift": _shift(m["rel"]), "amount": amount}


_SEASON_CUE = re.compile(r"(?i:\b(?:in|during|since|until|by|over|through)\s+(?:the\s+)?)$")


@_pattern(r"(?:(?P<the>(?i:the))\s+)?(?:(?P<rel>(?i:last|next|this|past|coming))\s+)?"
          r"(?:(?P<part>(?i:early|mid|late))[\s-]+)?"
          r"(?P<s>(?i:spring|summer|autumn|fall|winter))(?:\s+(?:of\s+)?(?P<y>" + _YEAR + r"))?\b")
def _season(m: re.Match[str]) -> dict[str, object] | None:
    season = m["s"].casefold()
    cued = bool(_SEASON_CUE.search(m.string[:m.start()]))
    if not (m["rel"] or m["y"] or (cued and season != "fall")):
        return None
    return {"kind": "season", "season": "autumn" if season == "fall" else season,
            "part": (m["part"] or "").casefold(), "year": _year(m["y"]), "shift": _shift(m["rel"])}


@_pattern(rf"(?<![\d$€£.,/-])(?P<y>{_YEAR})(?![%-])")
def _bare_year(m: re.Match[str]) -> dict[str, object] | None:
    return {"kind": "year", "year": int(m["y"])}


@_pattern(r"(?:(?P<rel>(?i:earlier|later)(?:\s+(?i:on|this|that))?|(?i:last|next|this|coming|"
          rf"past))\s+)?(?P<wd>{_WEEKDAY})(?:\s+(?i:morning|afternoon|evening|night))?\b")
def _weekday_name(m: re.Match[str]) -> dict[str, object] | None:
    words = m[0].casefold().split()
    rel = words[0] if words[0] not in WEEKDAYS else ""
    shift = _shift(rel)
    if rel == "later":
        shift = ""  # "later on Monday" says nothing about the direction from publication
    return {"kind": "weekday", "weekday": _weekday(m["wd"]), "shift": shift,
            "amount": {"last": -1, "next": 1, "this": 0}.get(rel, 0)}


@_pattern(r"(?:(?P<adv>(?i:earlier|later))\s+(?=(?i:this)\b))?(?P<rel>(?i:last|next|this|past|coming|previous))\s+"
          r"(?P<unit>(?i:week|month|year))\b")
def _relative_unit(m: re.Match[str]) -> dict[str, object] | None:
    rel = m["rel"].casefold()
    amount = {"this": 0, "next": 1, "coming": 1}.get(rel, -1)
    return {"kind": "relative", "unit": m["unit"].casefold(), "amount": amount,
            "shift": _shift(m["adv"] or rel)}


@_pattern(rf"\b(?P<n>(?i:{_NUMBER}))\s+(?P<unit>(?i:{_UNIT}))\s+(?P<dir>(?i:ago|earlier|before|"
          r"later|from now|hence))\b(?!\s+than\b)")
def _offset(m: re.Match[str]) -> dict[str, object] | None:
    sign = -1 if m["dir"].casefold() in ("ago", "earlier", "before") else 1
    return {"kind": "relative", "unit": m["unit"].casefold().rstrip("s"),
            "amount": sign * _number(m["n"]), "shift": "past" if sign < 0 else "future"}


@_pattern(rf"\b(?i:in)\s+(?P<n>(?i:{_NUMBER}))\s+(?P<unit>(?i:{_UNIT}))(?!\s+(?i:ago|of))\b")
def _in_offset(m: re.Match[str]) -> dict[str, object] | None:
    return {"kind": "relative", "unit": m["unit"].casefold().rstrip("s"),
            "amount": _number(m["n"]), "shift": "future"}


@_pattern(r"\b(?P<w>(?i:yesterday|today|tomorrow|tonight))\b")
def _deictic(m: re.Match[str]) -> dict[str, object] | None:
    word = m["w"].casefold()
    amount = {"yesterday": -1, "tomorrow": 1}.get(word, 0)
    return {"kind": "relative", "unit": "day", "amount": amount,
            "shift": {-1: "past", 1: "future"}.get(amount, "")}


@_pattern(r"\b(?i:currently|at present|at the moment|right now|nowadays|these days)\b")
def _present(m: re.Match[str]) -> dict[str, object] | None:
    return {"kind": "present"}


def _candidates(text: str, offset: int) -> Iterator[Mention]:
    for regex, builder in _PATTERNS:
        for match in regex.finditer(text):
            fields = builder(match)
            if fields is None:
                continue
            start, end = match.start() + offset, match.end() + offset
            yield Mention(match[0], start, end, **fields)  # type: ignore[arg-type]


def find_mentions(text: str, offset: int = 0) -> list[Mention]:
    """Every time expression in `text`, longest first when they overlap, in text order.

    Offsets are Python string indices into `text`, plus `offset` (where `text` starts in the
    article as read).
    """
    chosen: list[Mention] = []
    taken: list[tuple[int, int]] = []
    ranked = sorted(_candidates(text, offset), key=lambda c: (-(c.end - c.start), c.start))
    for mention in ranked:
        if all(mention.end <= start or mention.start >= end for start, end in taken):
            chosen.append(mention)
            taken.append((mention.start, mention.end))
    return sorted(chosen, key=lambda c: c.start)
