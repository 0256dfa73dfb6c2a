"""Reading TimelineJS files: the JSON format and the spreadsheet CSV, into located rows.

Both formats become `Row`s keyed by the spreadsheet's column names (Year, Month, Headline...),
each with the line and column where every value is, so `generator.importer` can convert either
and name the place of any problem. JSON slides are located at the object that holds the value.
"""

from __future__ import annotations

import bisect
import csv
import json
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from json.scanner import py_make_scanner  # type: ignore[attr-defined]
from pathlib import Path
from typing import Any

from generator.errors import ImportFileError, Problem, make_problem

Position = tuple[int, int]

_JSON_DATE_FIELDS = {"year": "Year", "month": "Month", "day": "Day"}
_LONG_LINE = 300  # a minified file's single line is not worth quoting in a message


@dataclass(frozen=True)
class Row:
    """One TimelineJS slide or spreadsheet row, by column name, with where each value is."""

    where: str  # "line 5" or "$.events[3]", for messages
    values: dict[str, str]
    positions: dict[str, Position] = field(default_factory=dict)  # column -> (line, column)
    position: Position = (1, 1)  # the row or slide itself
    names: dict[str, str] = field(default_factory=dict)  # column -> JSON path, for JSON slides

    def get(self, column: str) -> str:
        """The value of a column, stripped ('' when absent)."""
        return self.values.get(column, "").strip()

    def name(self, column: str) -> str:
        """How messages name a value: its JSON path, or the column of the spreadsheet."""
        return self.names.get(column, f"column '{column}'")

    def at(self, column: str) -> Position:
        """Where the value of a column is (the row itself when not known)."""
        return self.positions.get(column, self.position)


@dataclass
class TimelineFile:
    """A read TimelineJS file: its rows, and what is needed to report problems in it."""

    display: str
    text: str
    rows: list[Row]
    title: str = ""
    skipped: list[str] = field(default_factory=list)  # eras and other rows not imported
    problems: list[Problem] = field(default_factory=list)  # values that cannot be read; rows still listed

    def problem(self, pos: Position, message: str, hint: str = "") -> Problem:
        """A problem at a line and column of this file."""
        lines = self.text.splitlines()
        line = lines[pos[0] - 1] if 0 < pos[0] <= len(lines) else ""
        quoted = self.text if len(line) <= _LONG_LINE else None
        return make_problem(self.display, quoted, pos[0], pos[1], message, hint)


class _Lines:
    """Offset to (line, column), with a binary search over where the lines start."""

    def __init__(self, text: str) -> None:
        self.starts = [0] + [match.end() for match in re.finditer("\n", text)]

    def position(self, offset: int) -> Position:
        line = bisect.bisect_right(self.starts, offset)
        return line, offset - self.starts[line - 1] + 1


class _LocatingDecoder(json.JSONDecoder):
    """A JSON decoder that remembers the offset of every object it builds (by the object's id)."""

    def __init__(self) -> None:
        super().__init__()
        self.starts: dict[int, int] = {}
        plain = vars(self)["parse_object"]  # set by JSONDecoder.__init__; not in the type stubs

        def parse_object(s_and_end: tuple[str, int], *args: Any) -> tuple[Any, int]:
            value, end = plain(s_and_end, *args)
            self.starts[id(value)] = s_and_end[1] - 1
            return value, end

        vars(self)["parse_object"] = parse_object
        self.scan_once = py_make_scanner(self)


def _scalar(value: Any) -> str | None:
    """A JSON value as cell text: numbers and strings; None for anything else."""
    if isinstance(value, bool) or value is None:
        return "" if value is None else None
    if isinstance(value, int | float | str):
        return str(value)
    return None


def read_json(path: Path, display: str, text: str) -> TimelineFile:
    """Read TimelineJS3 JSON ({"title": slide, "events": [slides], "eras": [...]})."""
    decoder = _LocatingDecoder()
    result = TimelineFile(display, text, [])
    try:
        document = decoder.decode(text)
    except json.JSONDecodeError as exc:
        raise ImportFileError([result.problem((exc.lineno, exc.colno), f"not valid JSON: {exc.msg}")]) from None

    lines = _Lines(text)

    def where(obj: Any) -> Position:
        return lines.position(decoder.starts.get(id(obj), 0))

    if not isinstance(document, dict) or not isinstance(document.get("events"), list):
        raise ImportFileError([result.problem((1, 1), "not a TimelineJS file: no \"events\" list",
                                              'TimelineJS JSON looks like {"events": [{"start_date": ...}]}')])
    title = document.get("title")
    if isinstance(title, dict) and isinstance(title.get("text"), dict):
        result.title = str(title["text"].get("headline") or "")
    eras = document.get("eras")
    if isinstance(eras, list) and eras:
        result.skipped.append(f"{display}: {len(eras)} era(s) not imported (eras are spans without events)")
    for index, slide in enumerate(document["events"]):
        if isinstance(slide, dict):
            result.rows.append(_json_row(slide, f"$.events[{index}]", where, result, result.problems))
        else:
            result.problems.append(result.problem(where(document["events"]), f"$.events[{index}] must be an object"))
    return result


def _json_row(slide: dict[str, Any], path_text: str, where: Callable[[Any], Position], result: TimelineFile,
              problems: list[Problem]) -> Row:
    """One TimelineJS JSON slide as a spreadsheet row, each value located at its object."""
    values: dict[str, str] = {}
    positions: dict[str, Position] = {}
    names: dict[str, str] = {}

    def take(column: str, value: Any, holder: Any, name: str, path: str = path_text) -> None:
        cell = _scalar(value)
        names[column] = f"{path}.{name}"
        if cell is None:
            problems.append(result.problem(where(holder), f"{path}.{name} must be text or a number"))
        else:
            values[column], positions[column] = cell, where(holder)

    for key, prefix in (("start_date", ""), ("end_date", "End ")):
        date = slide.get(key)
        if date is None:
            continue
        if not isinstance(date, dict):
            problems.append(result.problem(where(slide), f"{path_text}.{key} must be an object",
                                           'e.g. {"year": 2023, "month": 9, "day": 4}'))
            continue
        for name, column in _JSON_DATE_FIELDS.items():
            if name in date:
                take(prefix + column, date[name], date, name, f"{path_text}.{key}")
        if any(date.get(name) not in (None, "") for name in ("hour", "minute", "second")):
            values[prefix + "Time"] = ":".join(str(date.get(n) or 0) for n in ("hour", "minute"))
    for part, pairs in (("text", (("headline", "Headline"), ("text", "Text"))),
                        ("media", (("url", "Media"), ("credit", "Media Credit"), ("caption", "Media Caption")))):
        holder = slide.get(part)
        if isinstance(holder, dict):
            for name, column in pairs:
                if name in holder:
                    take(column, holder[name], holder, name, f"{path_text}.{part}")
    for name, column in (("display_date", "Display Date"), ("group", "Group"), ("unique_id", "unique_id"),
                         ("type", "Type")):
        if name in slide:
            take(column, slide[name], slide, name)
    return Row(path_text, values, positions, where(slide), names)


def _cell_positions(raw: str, first_line: int) -> list[Position]:
    """Where each cell of one CSV record (its raw text, from `first_line`) starts."""
    positions = [(first_line, 1)]
    line, column, quoted = first_line, 1, False
    for char in raw:
        if char == '"':
            quoted = not quoted
        if char == "\n":
            line, column = line + 1, 1
            continue
        column += 1
        if char == "," and not quoted:
            positions.append((line, column))
    return positions


def read_csv(path: Path, display: str, text: str) -> TimelineFile:
    """Read a TimelineJS spreadsheet saved as CSV (a header row of column names, then rows)."""
    result = TimelineFile(display, text, [])
    lines = text.splitlines(keepends=True)
    reader = csv.reader(lines)
    header: list[str] | None = None
    previous_end = 0
    try:
        for record in reader:
            start, previous_end = previous_end + 1, reader.line_num
            if not any(cell.strip() for cell in record):
                continue
            if header is None:
                header = [cell.strip() for cell in record]
                _check_header(result, header)
                continue
            positions = _cell_positions("".join(lines[start - 1:reader.line_num]), start)
            values: dict[str, str] = {}
            cells: dict[str, Position] = {}
            for number, (name, cell) in enumerate(zip(header, record, strict=False)):
                if name and name not in values:
                    values[name] = cell
                    cells[name] = positions[number] if number < len(positions) else (start, 1)
            if values.get("Type", "").strip().lower() == "title":
                result.title = values.get("Headline", "").strip()
                continue
            result.rows.append(Row(f"line {start}", values, cells, (start, 1)))
    except csv.Error as exc:
        raise ImportFileError([result.problem((reader.line_num, 1), f"not a valid CSV file: {exc}")]) from None
    if header is None:
        raise ImportFileError([result.problem((1, 1), "the file is empty", "export the spreadsheet as CSV")])
    return result


def _check_header(result: TimelineFile, header: list[str]) -> None:
    if "Year" in header:
        return
    if "Start Date" in header:
        raise ImportFileError([result.problem((1, 1), "an old (version 1) TimelineJS spreadsheet",
                                              "copy the rows into the current template, with Year, Month and Day")])
    hint = ("the cells are separated by ';': save the CSV with commas" if ";" in header[0] else
            "the first row names the columns: Year, Month, Day, ..., Headline, Text")
    raise ImportFileError([result.problem((1, 1), "not a TimelineJS spreadsheet: there is no 'Year' column", hint)])


def read_timeline_file(path: Path, display: str) -> TimelineFile:
    """Read a TimelineJS JSON (.json) or spreadsheet CSV (any other name) file."""
    try:
        text = path.read_bytes().decode("utf-8-sig")
    except FileNotFoundError:
        raise ImportFileError([Problem(display, 1, 1, "no such file")]) from None
    except UnicodeDecodeError as exc:
        line = path.read_bytes()[:exc.start].count(b"\n") + 1
        raise ImportFileError([Problem(display, line, 1, "not UTF-8 text",
                                       "save the file as UTF-8 (CSV UTF-8 in spreadsheet programs)")]) from None
    if path.suffix.lower() == ".json" or (path.suffix.lower() != ".csv" and text.lstrip().startswith("{")):
        return read_json(path, display, text)
    return read_csv(path, display, text)
