"""`build-site import`: a TimelineJS JSON or spreadsheet CSV file into event files.

Each slide or row becomes one event file that passes validation as it is:
- the date becomes EDTF, as precise as the fields present (Year; Year and Month; Year, Month and
  Day), an interval when there is an end date; when the Display Date is exactly the label one of
  our qualified dates would have ("July 2023 (uncertain)", "c. 2023", "since 4 May 2023"), that
  date is used, so our own exports come back with their qualifiers and open ends;
- Headline becomes the title (as plain text); Text (HTML) is sanitized with nh3, converted to
  Markdown with markdownify, and split: its first paragraph is the summary, the rest the body;
- Group becomes the status when it names one (our exports put the status there), else a tag;
- Media becomes a link in the body (never an embed). Nothing goes into the registries: TimelineJS
  has no actors, places or sources, so an imported event has none until an editor adds them.

Files are never overwritten: an event whose file already exists is skipped and reported (so a
second import of the same file writes nothing); two rows with the same name in one file get -2, -3.
Any problem stops the import before anything is written.
"""

from __future__ import annotations

import calendar
import itertools
import re
import unicodedata
from dataclasses import dataclass, field
from html import unescape
from pathlib import Path
from typing import Any

import nh3
from markdownify import markdownify

from generator.dates import MONTHS, DateError, parse_date
from generator.drafts import EVENT_SUFFIXES, draft_text
from generator.errors import ImportFileError, Problem
from generator.model import ID_PATTERN, STATUSES, slugify
from generator.timelinejs_read import Row, TimelineFile, read_timeline_file

_QUALIFIERS = ("", "?", "~", "%")
_ID_LENGTH = 60


@dataclass(frozen=True)
class PlannedEvent:
    """One event file to write: its name, its YAML text, and the row it came from."""

    stem: str
    text: str
    origin: str  # "timeline.csv line 5" or "timelinejs.json $.events[3]"


@dataclass
class ImportResult:
    """What an import wrote, skipped and noticed."""

    title: str = ""
    written: list[tuple[Path, str]] = field(default_factory=list)  # (file, origin)
    skipped: list[tuple[Path, str]] = field(default_factory=list)  # existing file, origin
    warnings: list[str] = field(default_factory=list)


def _integer(row: Row, column: str, low: int, high: int, problems: list[Problem],
             source: TimelineFile) -> int | None:
    text = re.sub(r"[\s,]+", "", row.get(column))  # TimelineJS drops spaces and thousands commas too
    if not text:
        return None
    if not re.fullmatch(r"-?\d+", text) or not low <= int(text) <= high:
        problems.append(source.problem(row.at(column), f"{row.name(column)} must be a whole number "
                                       f"from {low} to {high}, not '{row.get(column)}'"))
        return None
    return int(text)


def _date_part(row: Row, prefix: str, problems: list[Problem], source: TimelineFile) -> str | None:
    """'2023', '2023-09' or '2023-09-04' from the Year, Month and Day columns (with `prefix`)."""
    count = len(problems)
    year = _integer(row, prefix + "Year", 1, 9999, problems, source)
    month = _integer(row, prefix + "Month", 1, 12, problems, source)
    day = _integer(row, prefix + "Day", 1, 31, problems, source)
    if len(problems) > count:
        return None
    if year is None:
        if month or day:
            problems.append(source.problem(row.at(prefix + "Month"), f"{row.where}: a {prefix.lower()}month "
                                           f"or day without a {prefix.lower()}year"))
        return None
    if day and not month:
        problems.append(source.problem(row.at(prefix + "Day"), f"{row.name(prefix + 'Day')}: a day "
                                       "without a month"))
        return None
    if day and month and day > calendar.monthrange(year, month)[1]:
        problems.append(source.problem(row.at(prefix + "Day"), f"{row.name(prefix + 'Day')}: there is no "
                                       f"day {day} in {MONTHS[month - 1]} {year}"))
        return None
    return f"{year:04d}" + (f"-{month:02d}" if month else "") + (f"-{day:02d}" if day else "")


def _edtf(start: str, end: str | None, display: str) -> str:
    """The EDTF date; with qualifiers or open ends when that is what the display date says."""
    single = [f"{start}{q}" for q in _QUALIFIERS]
    if end is None:
        single += [f"{start}{q}/{edge}" for edge in ("..", "") for q in _QUALIFIERS]
        single += [f"{edge}/{start}{q}" for edge in ("..", "") for q in _QUALIFIERS]
    interval = [f"{start}{a}/{end}{b}" for a, b in itertools.product(_QUALIFIERS, repeat=2)] if end else []
    forms = single + interval if end in (None, start) else interval  # an end equal to the start: one day
    if display:
        for form in forms:
            if parse_date(form).label == display:
                return form
    return forms[0]


def _plain(fragment: str) -> str:
    """HTML to plain text: tags dropped, entities decoded, spaces collapsed."""
    return " ".join(unescape(nh3.clean(fragment, tags=set())).split())


def to_markdown(fragment: str) -> str:
    """TimelineJS HTML text as Markdown: sanitized first (no script survives), then converted."""
    text = markdownify(nh3.clean(fragment), heading_style="ATX", bullets="-")
    return re.sub(r"\n{3,}", "\n\n", "\n".join(line.rstrip() for line in text.strip().splitlines()))


def _stem(row: Row, day: str, title: str) -> str:
    given = row.get("unique_id")
    if given and ID_PATTERN.fullmatch(given):
        return given
    words = unicodedata.normalize("NFKD", slugify(title)).encode("ascii", "ignore").decode()
    slug = f"{day}-{slugify(words)}".strip("-")
    if len(slug) > _ID_LENGTH:
        slug = slug[:_ID_LENGTH].rsplit("-", 1)[0]
    return slug


def _media_line(row: Row) -> str:
    url, caption, credit = row.get("Media"), _plain(row.get("Media Caption")), _plain(row.get("Media Credit"))
    if not url:
        return ""
    if re.fullmatch(r"https?://\S+", url):
        label = (caption or url).replace("[", "(").replace("]", ")")
        line = f"Media: [{label}](<{url}>)"
    else:
        line = f"Media: {to_markdown(url)}" if to_markdown(url) else ""
    return f"{line} ({credit})" if line and credit else line


def convert_row(row: Row, source: TimelineFile, status: str, problems: list[Problem],
                warnings: list[str]) -> PlannedEvent | None:
    """One row as an event file, or None (with problems or a warning saying why)."""
    kind = row.get("Type").lower()
    origin = f"{source.display} {row.where}"
    if kind in ("title", "era"):
        warnings.append(f"{origin}: {kind} slide not imported")
        return None
    count = len(problems)
    start = _date_part(row, "", problems, source)
    end = _date_part(row, "End ", problems, source)
    if start is None and len(problems) == count:
        problems.append(source.problem(row.position, f"{row.where}: every event needs a date with at least a Year"))
    if len(problems) > count or start is None:
        return None
    display = _plain(row.get("Display Date"))
    try:
        date = _edtf(start, end, display)
        parsed = parse_date(date)
    except DateError as exc:
        problems.append(source.problem(row.at("End Year"), f"{row.where}: {exc}"))
        return None
    for column in ("Time", "End Time"):
        if row.get(column):
            warnings.append(f"{origin}: the time of day '{row.get(column)}' is not kept (dates are days)")
    title = _plain(row.get("Headline"))
    markdown = to_markdown(row.get("Text"))
    paragraphs = [p for p in markdown.split("\n\n") if p.strip()]
    if not title and not paragraphs:
        problems.append(source.problem(row.position, f"{row.where}: a slide needs a Headline or a Text"))
        return None
    summary = paragraphs[0] if paragraphs else title
    title = title or _plain(summary)[:80]
    body = "\n\n".join([*paragraphs[1:], *filter(None, [_media_line(row)])])
    fields: dict[str, Any] = {"title": title, "date": date, "status": status, "summary": summary}
    if body:
        fields["body"] = body
    group = _plain(row.get("Group"))
    if group.casefold() in STATUSES:
        fields["status"] = group.casefold()
    elif group and slugify(group):
        fields["tags"] = [group]
    comments = [f"Imported by build-site import from {origin}.",
                "TimelineJS has no sources, actors or places: add them, and check the status."]
    if display and display != parsed.label:
        comments.append(f"TimelineJS display date: {display}")
    return PlannedEvent(_stem(row, start, title), draft_text(fields, comments), origin)


def plan_import(path: Path, display: str, status: str = "reported") -> tuple[TimelineFile, list[PlannedEvent],
                                                                              list[str]]:
    """Read a TimelineJS file and convert every row; raise ImportFileError listing all problems."""
    if status not in STATUSES:
        raise ImportFileError([Problem(display, 1, 1, f"unknown status '{status}'",
                                       "use one of: " + ", ".join(STATUSES))])
    source = read_timeline_file(path, display)
    problems = list(source.problems)
    warnings = list(source.skipped)
    planned = [event for row in source.rows
               if (event := convert_row(row, source, status, problems, warnings)) is not None]
    if problems:
        raise ImportFileError(problems)
    taken: dict[str, int] = {}
    unique = []
    for event in planned:  # two rows of one file with the same name: -2, -3, ...
        n = taken[event.stem] = taken.get(event.stem, 0) + 1
        unique.append(event if n == 1 else PlannedEvent(f"{event.stem}-{n}", event.text, event.origin))
    return source, unique, warnings


def _existing(folder: Path) -> dict[str, Path]:
    if not folder.is_dir():
        return {}
    return {p.stem: p for p in sorted(folder.rglob("*")) if p.suffix in EVENT_SUFFIXES}


def import_timeline(path: Path, out_dir: Path, display: str | None = None, status: str = "reported",
                    write: bool = True) -> ImportResult:
    """Import a TimelineJS JSON or CSV file into `out_dir` (never overwriting a file)."""
    source, planned, warnings = plan_import(path, display or str(path), status)
    result = ImportResult(title=source.title, warnings=warnings)
    existing = _existing(out_dir)
    if write:
        out_dir.mkdir(parents=True, exist_ok=True)
    for event in planned:
        target = out_dir / f"{event.stem}.yaml"
        if event.stem in existing:
            result.skipped.append((existing[event.stem], event.origin))
            continue
        if write:
            try:
                with target.open("x", encoding="utf-8") as handle:
                    handle.write(event.text)
            except FileExistsError:
                result.skipped.append((target, event.origin))
                continue
        result.written.append((target, event.origin))
    return result
