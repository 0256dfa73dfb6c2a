"""`build-site import`: TimelineJS JSON and CSV into event files that build; our own exports round-trip."""

from __future__ import annotations

import html
import json
import re
import shutil
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from test_benchmarks_synth import load_synth

from conftest import SITES, write_files
from generator.build import build_project
from generator.errors import ImportFileError
from generator.importer import import_timeline, to_markdown

Cli = Callable[..., tuple[int, str, str]]
HEADER = ("Year,Month,Day,Time,End Year,End Month,End Day,End Time,Display Date,Headline,Text,Media,"
          "Media Credit,Media Caption,Media Thumbnail,Type,Group,Background\n")


def text_of(fragment: str) -> str:
    """Rendered HTML reduced to its words, for comparing summaries."""
    return " ".join(html.unescape(re.sub(r"<[^>]*>", "", fragment)).split())


def empty_project(like: Path, root: Path) -> Path:
    """A project with the configuration and registries of `like` and no events."""
    shutil.copytree(like / "content", root / "content", ignore=shutil.ignore_patterns("*.yaml", "*.yml"))
    for registry in (like / "content").glob("*.yaml"):
        shutil.copy(registry, root / "content" / registry.name)
    shutil.copy(like / "site.yaml", root / "site.yaml")
    (root / "content" / "events").mkdir(exist_ok=True)
    return root


def events_of(site: Path) -> list[dict[str, Any]]:
    return json.loads((site / "events.json").read_text(encoding="utf-8"))["events"]  # type: ignore[no-any-return]


def essentials(events: list[dict[str, Any]]) -> list[tuple[str, str, str, str]]:
    """What an import must give back: EDTF date, title, summary text and status, in a stable order."""
    return sorted((e["date"]["edtf"], e["title"], text_of(e["summary_html"]), e["status"]) for e in events)


def round_trip(original: Path, export: str, tmp_path: Path) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """Build `original`, import its `export` into an empty copy, build that: (original events, imported)."""
    build_project(original, output_dir=str(tmp_path / "original-site"))
    target = empty_project(original, tmp_path / "imported")
    result = import_timeline(tmp_path / "original-site" / export, target / "content/events")
    assert not result.skipped
    build_project(target)
    return events_of(tmp_path / "original-site"), events_of(target / "site")


@pytest.mark.parametrize("export", ["timelinejs.json", "timelinejs.csv"])
def test_seed_round_trip(export: str, tmp_path: Path) -> None:
    from tests.conftest import PROJECT

    original, imported = round_trip(PROJECT, export, tmp_path)
    assert len(imported) == len(original) == 8
    assert essentials(imported) == essentials(original)
    if export.endswith(".json"):  # unique_id carries the id; the spreadsheet has no column for it
        assert [e["id"] for e in imported] == [e["id"] for e in original]
    for event in imported:  # the rest of the slide text is a link back to the original page
        assert event["body"].startswith("[Sources and details](https://timeline.example.org/events/")


@pytest.mark.parametrize("export", ["timelinejs.json", "timelinejs.csv"])
def test_every_kind_of_date_round_trips(export: str, tmp_path: Path) -> None:
    """Years, months, days, ? ~ %, intervals, open and unknown ends: the display date restores them."""
    project = load_synth().generate(tmp_path / "project", 120)
    original, imported = round_trip(project, export, tmp_path)
    dates = {e["date"]["edtf"] for e in original}
    assert any("?" in d for d in dates) and any("~" in d for d in dates) and any(".." in d for d in dates)
    assert any(d.endswith("/") or d.startswith("/") for d in dates) and any(len(d) == 4 for d in dates)
    assert essentials(imported) == essentials(original)


def test_import_never_overwrites_and_skips_on_a_second_run(minimal_site: Path, tmp_path: Path) -> None:
    source = tmp_path / "t.csv"
    write_files(tmp_path, {"t.csv": HEADER + "2024,5,6,,,,,,,First,<p>One.</p>,,,,,,,\n"
                                    "2024,5,6,,,,,,,First,<p>Again.</p>,,,,,,,\n"})
    events = minimal_site / "content/events"
    (events / "2024-05-06-first.yaml").write_text("title: Mine\ndate: 2024\nstatus: reported\nsummary: Kept.\n")
    result = import_timeline(source, events)
    assert [p.name for p, _ in result.skipped] == ["2024-05-06-first.yaml"]
    assert [p.name for p, _ in result.written] == ["2024-05-06-first-2.yaml"]  # same name twice in one file
    assert "Kept." in (events / "2024-05-06-first.yaml").read_text()
    before = {p.name: p.read_text() for p in events.iterdir()}
    again = import_timeline(source, events)
    assert again.written == [] and len(again.skipped) == 2
    assert {p.name: p.read_text() for p in events.iterdir()} == before
    build_project(minimal_site)


def test_dry_run_writes_nothing(tmp_path: Path) -> None:
    write_files(tmp_path, {"t.csv": HEADER + "2024,,,,,,,,,A year,,,,,,,,\n"})
    result = import_timeline(tmp_path / "t.csv", tmp_path / "out", write=False)
    assert [p.name for p, _ in result.written] == ["2024-a-year.yaml"] and not (tmp_path / "out").exists()


FOREIGN_CSV = HEADER + (
    ',,,,,,,,,My <i>history</i>,"<p class=""lead"">A title slide.</p>",,,,,title,,#ccc\n'
    '1815,12,10,,1852,11,27,,,Ada Lovelace,"<p>Often credited as the first '
    '<a href=""https://en.wikipedia.org/wiki/Ada_Lovelace"">programmer</a>.</p>'
    '<span class=""tl-note"">A note.</span><script>alert(1)</script>",'
    'https://upload.example.org/ada.jpg,Wikimedia Commons,Portrait,,,Vladimir Putin,\n'
    '1943,7,,10:30,1946,,,,,"The ""ENIAC"" women","They programmed it.\n\nLater recognised.",,,,,,Pioneers,\n'
    '1951,,,,,,,,Early fifties,Recursion,,,,,,,,\n'
    '1960,,,,1970,,,,,An era,,,,,,era,,\n'
)


def test_a_foreign_spreadsheet_imports_and_builds(minimal_site: Path, tmp_path: Path) -> None:
    write_files(tmp_path, {"sheet.csv": FOREIGN_CSV})
    events = minimal_site / "content/events"
    result = import_timeline(tmp_path / "sheet.csv", events, status="reported")
    assert result.title == "My <i>history</i>"
    names = [p.name for p, _ in result.written]
    assert names == ["1815-12-10-ada-lovelace.yaml", "1943-07-the-eniac-women.yaml", "1951-recursion.yaml"]
    assert any("era slide not imported" in w for w in result.warnings)
    assert any("'10:30' is not kept" in w for w in result.warnings)
    build_project(minimal_site)  # an unknown name in Group became a tag, not an actor: the build passes
    built = {e["id"]: e for e in events_of(minimal_site / "site")}
    ada = built["1815-12-10-ada-lovelace"]
    assert ada["date"]["edtf"] == "1815-12-10/1852-11-27" and ada["status"] == "reported"
    assert ada["tags"] == [{"slug": "vladimir-putin", "name": "Vladimir Putin"}] and ada["actors"] == []
    assert ada["summary"] == "Often credited as the first [programmer](https://en.wikipedia.org/wiki/Ada_Lovelace)."
    assert "alert" not in ada["body"] and "A note." in ada["body"]
    assert "[Portrait](<https://upload.example.org/ada.jpg>) (Wikimedia Commons)" in ada["body"]
    eniac = built["1943-07-the-eniac-women"]
    assert eniac["title"] == 'The "ENIAC" women' and eniac["date"]["edtf"] == "1943-07/1946"
    assert " ".join(eniac["summary"].split()) == "They programmed it. Later recognised."  # plain: one paragraph
    recursion = built["1951-recursion"]
    assert recursion["summary"] == "Recursion" and recursion["date"]["edtf"] == "1951"
    text = (events / "1951-recursion.yaml").read_text(encoding="utf-8")
    assert "# TimelineJS display date: Early fifties" in text  # kept for the editor, not lost silently
    page = (minimal_site / "site/events/1815-12-10-ada-lovelace/index.html").read_text(encoding="utf-8")
    assert "<script>alert" not in page and 'src="https://upload.example.org' not in page


def problems_of(tmp_path: Path, name: str, text: str) -> list[str]:
    write_files(tmp_path, {name: text})
    with pytest.raises(ImportFileError) as info:
        import_timeline(tmp_path / name, tmp_path / "out", display=name)
    assert not (tmp_path / "out").exists()  # nothing written
    return [p.format(with_source=False) for p in info.value.problems]


def test_csv_problems_name_line_and_column(tmp_path: Path) -> None:
    text = HEADER + "2023,13,1,,,,,,,Bad month,,,,,,,,\n2023,2,30,,,,,,,No such day,,,,,,,,\n"
    assert problems_of(tmp_path, "bad.csv", text) == [
        "bad.csv:2:6: column 'Month' must be a whole number from 1 to 12, not '13'",
        "bad.csv:3:8: column 'Day': there is no day 30 in February 2023"]


def test_csv_columns_are_found_after_a_cell_over_several_lines(tmp_path: Path) -> None:
    text = 'Headline,Text,Year,Month\nA,"two\nlines, and a comma",2023,0\n'
    assert problems_of(tmp_path, "multi.csv", text) == [
        "multi.csv:3:26: column 'Month' must be a whole number from 1 to 12, not '0'"]


def test_csv_row_without_a_year_and_reversed_interval(tmp_path: Path) -> None:
    text = HEADER + ",5,,,,,,,,No year,,,,,,,,\n2023,9,13,,2023,9,10,,,Backwards,,,,,,,,\n"
    found = problems_of(tmp_path, "x.csv", text)
    assert found[0] == "x.csv:2:2: line 2: a month or day without a year"
    assert found[1].startswith("x.csv:3:12: line 3: the interval ends (2023-09-10) before it starts")


@pytest.mark.parametrize(("text", "expected"), [
    ("Date,Title\n2023-01-01,x\n", "t.csv:1:1: not a TimelineJS spreadsheet: there is no 'Year' column"),
    ("Start Date,Headline\n1/1/2000,x\n", "t.csv:1:1: an old (version 1) TimelineJS spreadsheet"),
    ("Year;Month;Headline\n2023;1;x\n", "t.csv:1:1: not a TimelineJS spreadsheet: there is no 'Year' column "
                                         "(the cells are separated by ';'"),
    ("", "t.csv:1:1: the file is empty"),
])
def test_not_a_timelinejs_spreadsheet(tmp_path: Path, text: str, expected: str) -> None:
    assert problems_of(tmp_path, "t.csv", text)[0].startswith(expected)


def test_json_problems_name_the_path_and_the_object_line(tmp_path: Path) -> None:
    document = ('{\n  "events": [\n    {"start_date": {"year": 2023}, "text": {"headline": "fine"}},\n'
                '    {"text": {"headline": "bad"},\n     "start_date": {"year": "2023", "month": 13}},\n'
                '    {"start_date": {"year": 2023, "day": [1]}, "text": {"headline": "x"}}\n  ]\n}\n')
    assert problems_of(tmp_path, "t.json", document) == [
        "t.json:5:20: $.events[1].start_date.month must be a whole number from 1 to 12, not '13'",
        "t.json:6:20: $.events[2].start_date.day must be text or a number"]


def test_json_syntax_error_and_wrong_shape(tmp_path: Path) -> None:
    assert problems_of(tmp_path, "a.json", '{"events": [\n  {"start_date": }\n]}') == [
        "a.json:2:18: not valid JSON: Expecting value"]
    assert problems_of(tmp_path, "b.json", "[1, 2]")[0].startswith('b.json:1:1: not a TimelineJS file: no "events"')


def test_json_title_eras_and_times(tmp_path: Path) -> None:
    write_files(tmp_path, {"t.json": json.dumps({
        "title": {"text": {"headline": "The title", "text": "Intro"}},
        "eras": [{"start_date": {"year": 1900}, "end_date": {"year": 1910}}],
        "events": [{"start_date": {"year": "1905", "month": "6", "day": "30", "hour": "9"},
                    "text": {"headline": "Annus mirabilis", "text": "<p>Four papers.</p>"},
                    "unique_id": "not a valid id!", "group": "Confirmed"}]})})
    result = import_timeline(tmp_path / "t.json", tmp_path / "out")
    assert result.title == "The title" and [p.name for p, _ in result.written] == ["1905-06-30-annus-mirabilis.yaml"]
    assert any("1 era(s) not imported" in w for w in result.warnings)
    assert any("time of day" in w for w in result.warnings)
    text = (tmp_path / "out/1905-06-30-annus-mirabilis.yaml").read_text(encoding="utf-8")
    assert "status: confirmed" in text and "date: '1905-06-30'" in text


def test_to_markdown_sanitizes_then_converts() -> None:
    assert to_markdown('<p>A <b>bold</b> <a href="javascript:alert(1)">link</a></p><script>x()</script>') == \
        "A **bold** link"
    assert to_markdown("<p>One</p>\n\n\n<p>Two</p>") == "One\n\nTwo"
    assert to_markdown("2 * 3 = 6 and a_b") == r"2 \* 3 = 6 and a\_b"


def test_cli_import(cli: Cli, tmp_path: Path) -> None:
    project = empty_project(SITES / "minimal", tmp_path / "p")
    write_files(tmp_path, {"t.csv": HEADER + "2024,5,6,,,,,,,First,<p>One.</p>,,,,,,,\n"})
    code, out, err = cli("-C", project, "import", tmp_path / "t.csv")
    assert code == 0, err
    assert (project / "content/events/2024-05-06-first.yaml").is_file()
    assert out.splitlines()[-1] == "1 event file(s) written, 0 skipped because they exist."
    code, out, _ = cli("-C", project, "import", tmp_path / "t.csv")
    assert code == 0 and "skipped" in out and out.splitlines()[-1].startswith("0 event file(s) written, 1 skipped")
    write_files(tmp_path, {"bad.csv": HEADER + "year?,,,,,,,,,x,,,,,,,,\n"})
    code, out, err = cli("-C", project, "import", tmp_path / "bad.csv", "--out", tmp_path / "o")
    assert code == 1 and "column 'Year' must be a whole number" in err
    assert err.rstrip().endswith("Import failed: 1 problem found; nothing was written.")
    code, _, err = cli("-C", project, "import", tmp_path / "t.csv", "--status", "rumoured")
    assert code == 1 and "unknown status 'rumoured'" in err
