"""The build cache: incremental builds are byte-identical to clean ones, and a bad cache is never trusted."""

from __future__ import annotations

import json
import os
import re
import shutil
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from test_benchmarks_synth import load_synth
from test_output import snapshot

from conftest import write_files
from generator.build import build_project
from generator.cache import cache_file
from generator.errors import ContentError
from generator.model import Timeline
from generator.pages import Page, plan_pages


@pytest.fixture
def project(tmp_path: Path) -> Path:
    return Path(load_synth().generate(tmp_path / "project", 120))


def clean_build(project: Path) -> dict[str, bytes]:
    build_project(project, output_dir="clean", use_cache=False)
    result = snapshot(project / "clean")
    shutil.rmtree(project / "clean")
    return result


def some_event(project: Path, index: int = 50) -> Path:
    return sorted((project / "content/events").glob("*.yaml"))[index]


JOINED = {"events.ics", "events.json", "timelinejs.json", "timelinejs.csv", "events.geojson", "search-text.json",
          "search.json"}


def spied_splices(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The paths of the exports spliced from now on (generator.joined), in order."""
    from generator.output import StagedOutput

    spliced: list[str] = []
    original = StagedOutput.write_spliced

    def counting(self: StagedOutput, path: str, *args: Any) -> None:
        spliced.append(path)
        original(self, path, *args)

    monkeypatch.setattr(StagedOutput, "write_spliced", counting)
    return spliced


def search_tables(project: Path) -> list[Any]:
    """The tables search.json's entries point into: its pages, statuses and the keys of its facets."""
    index = json.loads((project / "site/search.json").read_text(encoding="utf-8"))
    return [index["pages"], index["statuses"], {kind: [key for key, _ in entries]
                                                for kind, entries in index["facets"].items()}]


def edit_body(project: Path) -> None:
    event = some_event(project)
    event.write_text(event.read_text().replace("body: ", "body: Edited. ", 1))


def edit_title(project: Path, index: int = 50) -> None:
    event = some_event(project, index)
    lines = [(f"title: Edited title {index}" if line.startswith("title:") else line)
             for line in event.read_text().splitlines()]
    event.write_text("\n".join(lines) + "\n")


def edit_latest_title(project: Path) -> None:
    """The timeline's newest event, shown on the home page as the latest."""
    edit_title(project, -1)


def edit_related_title(project: Path) -> None:
    """An event that another event lists as related: that other event's page shows the new title."""
    files = sorted((project / "content/events").glob("*.yaml"))
    texts = {p.stem: p.read_text() for p in files}
    index = next(i for i, p in enumerate(files) if any(f"related: [{p.stem}" in t for t in texts.values()))
    edit_title(project, index)


def edit_tags(project: Path) -> None:
    """Other tag pages list the event (the order of events stays the same)."""
    event = some_event(project)
    lines = [('tags: ["brand new tag"]' if line.startswith("tags:") else line)
             for line in event.read_text().splitlines()]
    event.write_text("\n".join(lines) + "\n")


def edit_date(project: Path, index: int = 50, date: str = "1990-06-15") -> None:
    event = some_event(project, index)
    lines = [(f"date: {date}" if line.startswith("date:") else line) for line in event.read_text().splitlines()]
    event.write_text("\n".join(lines) + "\n")


def edit_another_date(project: Path) -> None:
    edit_date(project, 70, "2031-02")


def delete_event(project: Path) -> None:
    victim = some_event(project, 60)
    victim_id = victim.stem
    victim.unlink()
    for other in (project / "content/events").glob("*.yaml"):  # drop references to it
        text = other.read_text()
        if victim_id in text:
            other.write_text(text.replace(f", {victim_id}", "").replace(f"{victim_id}, ", "")
                             .replace(f"related: [{victim_id}]", "related: []"))


def rename_event(project: Path) -> None:
    files = sorted((project / "content/events").glob("*.yaml"))
    texts = "".join(p.read_text() for p in files)
    event = next(p for p in files[70:] if texts.count(p.stem) == 0)  # one no other event refers to
    event.rename(event.with_name("renamed-event.yaml"))


def edit_template(project: Path) -> None:
    write_files(project, {"templates/partials/event_row.html":
                          '<article id="{{ event.id }}"><h4>{{ event.title }}</h4></article>\n'})


def edit_registry(project: Path) -> None:
    actors = project / "content/actors.yaml"
    text = actors.read_text()
    actors.write_text(text.replace("name: ", "name: Dr. ", 1))


def edit_config(project: Path) -> None:
    config = project / "site.yaml"
    config.write_text(config.read_text().replace("title: ", "title: Changed ", 1))


@pytest.mark.parametrize("change", [edit_body, edit_title, edit_latest_title, edit_related_title, edit_tags,
                                    edit_date, delete_event, rename_event, edit_template, edit_registry, edit_config])
def test_incremental_build_matches_a_clean_build(project: Path, change: Callable[[Path], None]) -> None:
    first = build_project(project, use_cache=True)
    assert first.rendered == first.pages
    again = build_project(project, use_cache=True)
    assert again.rendered == 0
    change(project)
    after = build_project(project, use_cache=True)
    assert after.rendered < after.pages or change in (edit_template, edit_registry, edit_config)
    assert snapshot(project / "site") == clean_build(project)


def test_successive_builds_plan_only_what_an_edit_touches(project: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The stored plan (generator.planmemo.PlanMemo) spares fingerprinting every page after an edit.

    A date edit re-plans only what a move can change (generator.moves): more than a title edit, far
    less than everything.
    """
    from generator import cache as cache_module
    from generator import moves, planning

    calls: list[str] = []

    def counting(*args: object, **kwargs: object) -> str:
        calls.append("")
        return cache_module.page_fingerprint(*args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(planning, "page_fingerprint", counting)
    monkeypatch.setattr(moves, "page_fingerprint", counting)
    first = build_project(project, use_cache=True)
    everything = len(calls)
    assert everything > first.pages
    for change, most in [(edit_title, 40), (edit_body, 40), (edit_related_title, 40), (edit_tags, None),
                         (edit_date, everything // 3), (edit_latest_title, 40), (delete_event, None),
                         (edit_body, 40)]:
        calls.clear()
        change(project)
        result = build_project(project, use_cache=True)
        if most is None:  # the terms or the events changed: every page is planned again
            assert len(calls) > result.pages, change.__name__
        else:  # the pages showing the event, and the exports (10 of them)
            assert 10 < len(calls) < most, change.__name__
        assert 0 < result.rendered < result.pages, change.__name__
        assert snapshot(project / "site") == clean_build(project), change.__name__


def test_body_edit_renders_only_that_event_page(project: Path) -> None:
    build_project(project, use_cache=True)
    edit_body(project)
    assert build_project(project, use_cache=True).rendered == 1


def test_corrupt_cache_is_ignored(project: Path) -> None:
    build_project(project, use_cache=True)
    cache_file(project).write_bytes(b"not a pickle at all")
    result = build_project(project, use_cache=True)
    assert result.rendered == result.pages
    assert snapshot(project / "site") == clean_build(project)


def test_output_edited_or_deleted_by_hand_is_rendered_again(project: Path) -> None:
    build_project(project, use_cache=True)
    pages = sorted((project / "site/events").glob("*/index.html"))
    pages[0].write_text("tampered")
    pages[1].unlink()
    build_project(project, use_cache=True)
    assert pages[0].read_text() != "tampered" and pages[1].is_file()
    assert snapshot(project / "site") == clean_build(project)


def test_failed_build_leaves_cache_and_site_usable(project: Path) -> None:
    build_project(project, use_cache=True)
    event = some_event(project)
    good = event.read_text()
    event.write_text(good.replace("status: ", "status: nonsense-", 1))
    with pytest.raises(Exception, match="problem"):
        build_project(project, use_cache=True)
    event.write_text(good)
    assert build_project(project, use_cache=True).rendered == 0


@pytest.mark.parametrize("change", [edit_body, edit_title, edit_latest_title, edit_related_title, edit_date,
                                    delete_event, rename_event, edit_template])
def test_in_place_preview_build_matches_a_clean_build(project: Path, change: Callable[[Path], None]) -> None:
    """serve's mode: only changed files are staged and moved into the private output."""
    from generator.build import build_site
    from generator.cache import BuildCache
    from generator.config import load_config

    cache = BuildCache()
    config = load_config(project).with_overrides(output_dir="preview")
    build_site(config, cache=cache, in_place=True)
    change(project)
    config = load_config(project).with_overrides(output_dir="preview")
    result = build_site(config, cache=cache, in_place=True)
    assert result.rendered < result.pages or change is edit_template
    assert snapshot(project / "preview") == clean_build(project)


def test_successive_preview_builds_reuse_the_plan_and_match_clean_builds(project: Path,
                                                                         monkeypatch: pytest.MonkeyPatch) -> None:
    """serve keeps its plan in memory between saves (generator.planning); each result must still be exact."""
    from generator import render
    from generator.build import build_site
    from generator.cache import BuildCache
    from generator.config import load_config

    plans: list[int] = []

    def counting_plan(timeline: Timeline) -> list[Page]:
        plans.append(1)
        return plan_pages(timeline)

    monkeypatch.setattr(render, "plan_pages", counting_plan)
    cache = BuildCache()
    config = load_config(project).with_overrides(output_dir="preview")
    build_site(config, cache=cache, in_place=True)
    changes = [(edit_title, 0), (edit_body, 0), (edit_related_title, 0), (edit_date, 0), (edit_tags, 1),
               (edit_latest_title, 0), (edit_another_date, 0)]
    for step, (change, replans) in enumerate(changes):
        plans.clear()
        change(project)
        result = build_site(config, cache=cache, in_place=True)
        # a date edit only moves the event (generator.moves); new terms mean planning every page again
        assert len(plans) == replans, step
        assert 0 < result.rendered < result.pages, step
        assert snapshot(project / "preview") == clean_build(project), step


def test_small_change_patches_the_site_in_place(project: Path) -> None:
    build_project(project, use_cache=True)
    folder = (project / "site").stat().st_ino
    edit_body(project)
    assert build_project(project, use_cache=True).rendered == 1
    assert (project / "site").stat().st_ino == folder  # the same folder, one file replaced in it
    assert snapshot(project / "site") == clean_build(project)
    edit_template(project)  # every list page changes: a whole new site is staged and swapped in
    build_project(project, use_cache=True)
    assert snapshot(project / "site") == clean_build(project)


def test_no_change_build_neither_reads_nor_writes_the_big_caches(project: Path) -> None:
    past = time.time_ns() - 60 * 10**9  # files written just now are hashed again until 2 s old (RACY_NS),
    for event in (project / "content/events").glob("*.yaml"):  # which would change the index
        os.utime(event, ns=(past, past))
    build_project(project, use_cache=True)
    index, shards = cache_file(project), cache_file(project).with_suffix(".shards")
    files = sorted(set(shards.glob("*.pickle")) - set(shards.glob("events-*.pickle")))  # events: always read
    names = {f.name.split(".")[0] for f in files}
    assert index.is_file() and names >= {"markdown-inline", "markdown-block", "templates", "pieces-card", "pieces-json"}
    before = index.stat().st_mtime_ns
    for file in files:
        file.write_bytes(b"unreadable: a no-change build must not even look")
    assert build_project(project, use_cache=True).rendered == 0
    assert index.stat().st_mtime_ns == before  # nothing changed: nothing saved
    assert all(file.read_bytes().startswith(b"unreadable") for file in files)
    edit_body(project)  # now something renders: the unreadable shards it needs are ignored, then replaced
    assert build_project(project, use_cache=True).rendered == 1
    assert snapshot(project / "site") == clean_build(project)
    json = sorted(shards.glob("pieces-json.*.pickle"))  # events.json's entries: all made again, all replaced
    assert json and not any(file.read_bytes().startswith(b"unreadable") for file in json)


def test_an_edit_reads_and_writes_only_the_shards_it_needs(project: Path) -> None:
    """A body edit touches events.json's entries (and where they lie), not the cards, rows or other exports' entries."""
    build_project(project, use_cache=True)
    shards = cache_file(project).with_suffix(".shards")
    stamps = {file.name: file.stat().st_mtime_ns for file in shards.glob("*.pickle")}
    edit_body(project)
    assert build_project(project, use_cache=True).rendered == 1
    rewritten = {file.name for file in shards.glob("*.pickle") if file.stat().st_mtime_ns != stamps.get(file.name)}
    buckets = {name for name in rewritten if name.startswith("events-")}
    assert 1 <= len(buckets) <= 2  # the buckets of the old and the new version of the edited event
    assert {name.split(".")[0] for name in rewritten - buckets} <= {"pieces-json", "layouts", "markdown-block",
                                                                     "markdown-counts"}
    json = {name for name in rewritten if name.startswith("pieces-json.")}
    assert 1 <= len(json) <= 2  # the buckets of the new entry and the old
    assert snapshot(project / "site") == clean_build(project)


def test_unreadable_or_foreign_event_buckets_are_read_again_from_the_files(project: Path) -> None:
    """The validated events live in 16 buckets beside the index; a bad one only costs re-reading its files."""
    build_project(project, use_cache=True)
    buckets = sorted(cache_file(project).with_suffix(".shards").glob("events-*.pickle"))
    assert len(buckets) == 16
    buckets[0].write_bytes(b"garbage")
    buckets[1].write_bytes(buckets[2].read_bytes())  # a readable bucket holding the wrong events
    edit_body(project)
    assert build_project(project, use_cache=True).rendered == 1
    assert snapshot(project / "site") == clean_build(project)
    assert buckets[0].read_bytes() != b"garbage"  # written again
    edit_registry(project)  # the events are validated against the registries: every bucket is replaced
    build_project(project, use_cache=True)
    assert snapshot(project / "site") == clean_build(project)


def stored_pieces(project: Path, kind: str) -> int:
    """How many pieces of `kind` the project's stored cache holds, in all its buckets."""
    import pickle

    count = 0
    for shard in cache_file(project).with_suffix(".shards").glob(f"pieces-{kind}.*.pickle"):
        with shard.open("rb") as handle:
            count += len(pickle.load(handle)["entries"])
    return count


def test_stored_pieces_of_one_kind_do_not_pile_up(tmp_path: Path) -> None:
    """Body edits splice events.json (generator.joined): the entry each replaces is dropped from the store at once."""
    project = Path(load_synth().generate(tmp_path / "small", 8))
    build_project(project, use_cache=True)
    event = sorted((project / "content/events").glob("*.yaml"))[3]
    counts = []
    for number in range(20):
        event.write_text(event.read_text().replace("body: ", f"body: Edit {number}. ", 1))
        build_project(project, use_cache=True)
        counts.append(stored_pieces(project, "json"))
    assert counts == [8] * 20
    assert snapshot(project / "site") == clean_build(project)


def test_pieces_made_for_spliced_exports_do_not_pile_up(tmp_path: Path) -> None:
    """Title edits splice every joined export (generator.joined); the entries made are kept in their
    buckets, and the buckets of the entries they replace are read and pruned at once."""
    project = Path(load_synth().generate(tmp_path / "small", 8))
    build_project(project, use_cache=True)
    event = sorted((project / "content/events").glob("*.yaml"))[3]
    counts = []
    for number in range(12):
        event.write_text(re.sub(r'(?m)^title: "', f'title: "Edit {number} ', event.read_text(), count=1))
        build_project(project, use_cache=True)
        counts.append(stored_pieces(project, "ical"))
    assert counts == [8] * 12
    assert snapshot(project / "site") == clean_build(project)


def test_a_build_without_the_cache_in_between_is_noticed(project: Path) -> None:
    """`check` and `--no-cache` write the same folder without the cache: its page list no longer describes it."""
    build_project(project, use_cache=True)
    extra = project / "content/events/zz-added.yaml"
    extra.write_text(some_event(project).read_text(), encoding="utf-8")
    build_project(project, use_cache=False)  # writes events/zz-added/ into site/
    extra.unlink()
    build_project(project, use_cache=True)
    assert not (project / "site/events/zz-added").exists()
    assert snapshot(project / "site") == clean_build(project)


# A timeline of busy years split into month pages (generator.timeline_pages), at a limit of 20 events a page:
# 2001 has about 10 events (one page), 2002 about 30 and 2003 about 80 (a page per month); May 2003 has two pages.
SMALL_LIMIT = 20


@pytest.fixture
def crowded(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    from test_timeline_pages import crowded_synth

    from generator import timeline_pages

    monkeypatch.setattr(timeline_pages, "TIMELINE_PAGE_EVENTS", SMALL_LIMIT)
    return Path(crowded_synth({2001: 1, 2002: 3, 2003: 8}).generate(tmp_path / "crowded", 120))


def dated(project: Path, prefix: str) -> list[Path]:
    """The event files whose date starts with `prefix` ('2003-05', '2001'), by date."""
    found = {}
    for path in (project / "content/events").glob("*.yaml"):
        date = next(line for line in path.read_text().splitlines() if line.startswith("date:"))
        if re.match(rf'date: "{prefix}(\D|$)', date):
            found[path] = date
    return sorted(found, key=lambda path: (found[path], path.name))


def redate(event: Path, date: str) -> None:
    event.write_text(re.sub(r"(?m)^date: .*$", f'date: "{date}"', event.read_text()))


def move_across_months(project: Path) -> None:
    redate(dated(project, "2003-05")[0], "2003-07-15")  # May's second page starts one event later


def move_to_a_quiet_year(project: Path) -> None:
    redate(dated(project, "2003-05")[-1], "2001-03-03")


def quiet_year_crosses_the_limit(project: Path) -> None:
    for event in dated(project, "2003")[:SMALL_LIMIT]:
        redate(event, "2001-03-03")


def busy_year_falls_under_the_limit(project: Path) -> None:
    for event in dated(project, "2002")[5:]:
        redate(event, "2003-02-02")


def delete_first_of_may(project: Path) -> None:
    """Every event after it on May's first page keeps its page, but the first of page 2 moves to page 1."""
    victim = dated(project, "2003-05")[0]
    victim.unlink()
    for other in (project / "content/events").glob("*.yaml"):
        text = other.read_text()
        if victim.stem in text:
            other.write_text(text.replace(f", {victim.stem}", "").replace(f"{victim.stem}, ", "")
                             .replace(f"related: [{victim.stem}]", "related: []"))


CROWDED_CHANGES = [move_across_months, move_to_a_quiet_year, quiet_year_crosses_the_limit,
                   busy_year_falls_under_the_limit, delete_first_of_may]


def test_the_crowded_timeline_has_what_the_changes_need(crowded: Path) -> None:
    def lists_events(year: str) -> bool:  # a year's own page lists its events; a split year's is an overview
        return "<article" in (crowded / f"site/years/{year}/index.html").read_text()

    build_project(crowded)
    assert (crowded / "site/years/2003/05/page/2/index.html").is_file()
    assert (lists_events("2001"), lists_events("2002"), lists_events("2003")) == (True, False, False)
    quiet_year_crosses_the_limit(crowded)
    busy_year_falls_under_the_limit(crowded)
    build_project(crowded)
    assert (lists_events("2001"), lists_events("2002"), lists_events("2003")) == (False, True, False)


@pytest.mark.parametrize("change", CROWDED_CHANGES)
def test_month_pages_rebuilt_with_the_cache_match_a_clean_build(crowded: Path, change: Callable[[Path], None]) -> None:
    build_project(crowded, use_cache=True)
    change(crowded)
    after = build_project(crowded, use_cache=True)
    assert 0 < after.rendered < after.pages
    assert snapshot(crowded / "site") == clean_build(crowded)


@pytest.mark.parametrize("change", CROWDED_CHANGES)
def test_month_pages_rebuilt_in_place_match_a_clean_build(crowded: Path, change: Callable[[Path], None]) -> None:
    from generator.build import build_site
    from generator.cache import BuildCache
    from generator.config import load_config

    cache = BuildCache()
    config = load_config(crowded).with_overrides(output_dir="site")
    build_site(config, cache=cache, in_place=True)
    change(crowded)
    build_site(config, cache=cache, in_place=True)
    edit_title(crowded, 3)  # then an edit that leaves the shape alone: the kept plan is reused
    result = build_site(config, cache=cache, in_place=True)
    assert 0 < result.rendered < result.pages
    assert snapshot(crowded / "site") == clean_build(crowded)


def test_spliced_exports_match_a_clean_build_and_keep_their_pieces(project: Path,
                                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    """After an edit, the joined exports are spliced from their previous files (generator.joined)."""
    from generator.cache import load_cache

    spliced = spied_splices(monkeypatch)
    build_project(project, use_cache=True)
    assert spliced == []
    for change in (edit_date, edit_body, edit_title, delete_event, edit_another_date):
        spliced.clear()
        tables = search_tables(project)
        change(project)
        build_project(project, use_cache=True)
        assert snapshot(project / "site") == clean_build(project), change.__name__
        # search.json's entries point into its tables: when these change, it is joined anew
        joined = JOINED if search_tables(project) == tables else JOINED - {"search.json"}
        assert set(spliced) == ({"events.json"} if change is edit_body else joined), change.__name__
    cache = load_cache(project)  # the entries made for the splices were kept
    assert cache.shards is not None and cache.plan is not None
    cache.shards.load_all_pieces()
    moved = some_event(project, 70).stem
    full, listed = (cache.plan.global_key + digest for digest in cache.plan.digests[moved])
    assert f"json:{full}" in cache.fragments
    assert {f"{kind}:{listed}" for kind in ("ical", "timelinejs", "csv", "geojson", "search", "search-text")} \
        <= cache.fragments.keys()


def test_the_json_feed_is_written_again_only_when_one_of_its_events_changes(project: Path) -> None:
    """feed.json shows the FEED_ITEMS latest events: an edit to an older one leaves the file as it is."""
    from generator.interchange import FEED_ITEMS

    feed = project / "site/feed.json"
    build_project(project, use_cache=True)
    events = len(list((project / "content/events").glob("*.yaml")))
    assert events > FEED_ITEMS + 10
    older = next(i for i in range(events) if i not in latest_files(project, FEED_ITEMS))
    before = feed.stat().st_ino
    edit_title(project, older)
    build_project(project, use_cache=True)
    assert feed.stat().st_ino == before
    assert snapshot(project / "site") == clean_build(project)
    edit_title(project, latest_files(project, FEED_ITEMS)[0])
    build_project(project, use_cache=True)
    assert feed.stat().st_ino != before and b"Edited title" in feed.read_bytes()
    assert snapshot(project / "site") == clean_build(project)


def latest_files(project: Path, count: int) -> list[int]:
    """The positions (in file order, as some_event counts) of the `count` latest events on the timeline."""
    files = sorted((project / "content/events").glob("*.yaml"))
    ids = [event["id"] for event in json.loads((project / "site/events.json").read_text())["events"]]
    position = {path.stem: n for n, path in enumerate(files)}
    return [position[event_id] for event_id in ids[-count:]]


def test_search_index_is_joined_anew_when_its_tables_change(project: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """search.json's entries point into its tables: a new tag changes every entry, so nothing is spliced."""
    spliced = spied_splices(monkeypatch)
    build_project(project, use_cache=True)
    edit_tags(project)  # a tag no event had: the tag positions of the others move
    build_project(project, use_cache=True)
    assert "search.json" not in spliced and "search-text.json" in spliced
    assert snapshot(project / "site") == clean_build(project)
    spliced.clear()
    edit_date(project)  # the tables stay: spliced again, from the file joined anew
    build_project(project, use_cache=True)
    assert "search.json" in spliced
    assert snapshot(project / "site") == clean_build(project)


def test_exports_written_beside_the_pages_match_a_clean_build(project: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """From EXPORTS_BESIDE_EVENTS events, a forked process writes the exports while the parent renders the pages;
    their layouts and the pieces made for them come back, so the next build splices them again."""
    from generator import build
    from generator.output import StagedOutput

    calls: list[list[str]] = []
    original = build.write_beside
    splicing = StagedOutput.write_spliced
    told = project / "spliced.txt"  # by the forked process

    def spliced() -> list[str]:
        return told.read_text().split() if told.exists() else []

    def noted(self: StagedOutput, path: str, *args: Any) -> None:
        with told.open("a") as note:
            note.write(path + "\n")
        splicing(self, path, *args)

    def counting(exports: dict[str, Any], *args: Any) -> Any:
        calls.append(sorted(exports))
        return original(exports, *args)

    monkeypatch.setattr(build, "EXPORTS_BESIDE_EVENTS", 0)
    monkeypatch.setattr(build, "write_beside", counting)
    monkeypatch.setattr(StagedOutput, "write_spliced", noted)
    build_project(project, use_cache=True)
    for change in (edit_date, edit_title, delete_event, edit_body, edit_another_date):
        calls.clear()
        told.unlink(missing_ok=True)
        change(project)
        build_project(project, use_cache=True)
        if change is edit_body:
            assert calls == [["events.json"]] and spliced() == ["events.json"]
        else:
            assert len(calls) == 1 and set(calls[0]) >= JOINED and "feed.xml" not in calls[0]
            assert JOINED - {"search.json"} <= set(spliced()), change.__name__
        assert snapshot(project / "site") == clean_build(project), change.__name__


def test_exports_are_written_here_on_a_single_cpu(project: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """With one CPU, a second process would only share it: the exports are written after the pages."""
    from generator import build

    calls: list[object] = []
    monkeypatch.setattr(build, "EXPORTS_BESIDE_EVENTS", 0)
    monkeypatch.setattr(build, "write_beside", lambda *args: calls.append(args))
    monkeypatch.setattr(os, "cpu_count", lambda: 1)
    build_project(project, use_cache=True)
    edit_date(project)
    build_project(project, use_cache=True)
    assert calls == []
    assert snapshot(project / "site") == clean_build(project)


def test_exports_are_written_here_when_no_process_can_be_started(project: Path,
                                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    """A system that will not start another process (too many, too little memory) still gets its site."""
    import multiprocessing

    from generator import build

    monkeypatch.setattr(build, "EXPORTS_BESIDE_EVENTS", 0)
    build_project(project, use_cache=True)
    context = multiprocessing.get_context("fork")

    def refused(self: Any) -> None:
        raise BlockingIOError(11, "Resource temporarily unavailable")

    monkeypatch.setattr(type(context.Process()), "start", refused)
    edit_date(project)
    build_project(project, use_cache=True)
    assert snapshot(project / "site") == clean_build(project)


def test_a_failing_search_index_beside_the_pages_leaves_the_site(project: Path,
                                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    from generator import build, render

    monkeypatch.setattr(build, "EXPORTS_BESIDE_EVENTS", 0)
    build_project(project, use_cache=True)
    before = snapshot(project / "site")

    def failing(*args: object) -> bytes:
        raise OSError("disk full, as it were")

    monkeypatch.setattr(render, "search_index_export", failing)
    edit_date(project)
    with pytest.raises(OSError, match="disk full"):
        build_project(project, use_cache=True)
    assert snapshot(project / "site") == before
    monkeypatch.undo()
    build_project(project, use_cache=True)
    assert snapshot(project / "site") == clean_build(project)


def test_an_export_edited_by_hand_is_not_spliced_from(project: Path) -> None:
    """A file changed since it was written (in place, to the same size, its modification time set back)
    is joined anew from the pieces."""
    build_project(project, use_cache=True)
    exported = project / "site/events.json"
    status = exported.stat()
    data = bytearray(exported.read_bytes())
    at = data.index(b'"title":"', data.index(b'"events":[')) + len(b'"title":"')  # the first event's title
    data[at:at + 3] = b"XYZ"
    time.sleep(0.01)
    with exported.open("r+b") as handle:
        handle.write(data)
    os.utime(exported, ns=(status.st_atime_ns, status.st_mtime_ns))  # as touch -r or cp -p would
    assert exported.stat().st_size == status.st_size and exported.stat().st_ino == status.st_ino
    edit_body(project)
    build_project(project, use_cache=True)
    assert snapshot(project / "site") == clean_build(project)


def test_a_cache_without_shards_drops_the_pieces_a_splice_replaced() -> None:
    """serve keeps its cache in memory: the entries a splice replaces leave at once there too."""
    from generator.cache import BuildCache

    cache = BuildCache()
    cache.fragments.update({"json:old": b"1", "json:other": b"2", "json:kept": b"3"})
    cache.add_pieces({"json:new": b"4"}, {"new", "other", "kept"}, {"json:old", "json:kept"})
    assert cache.fragments == {"json:other": b"2", "json:kept": b"3", "json:new": b"4"}


def test_an_export_deleted_by_hand_is_joined_anew(project: Path) -> None:
    build_project(project, use_cache=True)
    (project / "site/events.json").unlink()
    (project / "site/events.ics").unlink()
    edit_date(project)
    build_project(project, use_cache=True)
    assert snapshot(project / "site") == clean_build(project)


def test_a_splice_that_fails_is_joined_anew(project: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Should copying from the previous file fail (it ends early...), the export is made from its pieces."""
    from generator.output import StagedOutput

    build_project(project, use_cache=True)

    def failing(*args: object) -> None:
        raise OSError("previous.json ends before byte 12345")

    monkeypatch.setattr(StagedOutput, "write_spliced", failing)
    edit_date(project)
    build_project(project, use_cache=True)
    assert snapshot(project / "site") == clean_build(project)
    monkeypatch.undo()
    edit_another_date(project)  # the layouts recorded by the fallback are good for the next splice
    build_project(project, use_cache=True)
    assert snapshot(project / "site") == clean_build(project)


def test_a_failing_search_index_beside_stops_the_pages_early(project: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """When the forked process writing the exports fails, the parent's thread stops rendering pages."""
    from generator import build, render

    monkeypatch.setattr(build, "EXPORTS_BESIDE_EVENTS", 0)
    build_project(project, use_cache=True)
    before = snapshot(project / "site")
    rendered: list[str] = []
    rendering = render.Renderer.render_page

    def slowly(self: render.Renderer, page: Page) -> bytes:
        time.sleep(0.02)
        rendered.append(page.path)
        return rendering(self, page)

    def failing(*args: object) -> bytes:
        raise OSError("disk full, as it were")

    monkeypatch.setattr(render.Renderer, "render_page", slowly)
    monkeypatch.setattr(render, "search_index_export", failing)
    edit_template(project)  # every page to render again: about 6 s at 20 ms a page
    with pytest.raises(OSError, match="disk full"):
        build_project(project, use_cache=True)
    assert 0 < len(rendered) < 100  # stopped soon after the writer failed
    assert snapshot(project / "site") == before


def test_the_markdown_store_keeps_only_current_texts_once_it_grows(project: Path,
                                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    """Each body edit adds a text; once the store holds more than it should, the old texts go."""
    from generator import pieces
    from generator.cache import load_cache
    from generator.config import load_config
    from generator.content import load_content

    monkeypatch.setattr(pieces, "MARKDOWN_PER_EVENT", 0)  # prune at every build
    monkeypatch.setattr(pieces, "MARKDOWN_SLACK", 4)
    build_project(project, use_cache=True)
    sizes = []
    for _ in range(5):
        edit_body(project)
        build_project(project, use_cache=True)
        cache = load_cache(project)
        assert cache.shards is not None
        cache.shards.markdown_mode = cache.markdown_mode  # as a build sets it
        cache.shards.load_markdown()
        assert cache.markdown
        texts = {text for event in load_content(load_config(project)).events for text in (event.summary, event.body)}
        assert [text[:80] for text, _ in cache.markdown if text not in texts] == []
        sizes.append(len(cache.markdown))
    assert max(sizes) - min(sizes) <= 2
    assert snapshot(project / "site") == clean_build(project)


def test_a_template_error_after_a_date_edit_leaves_the_site(project: Path) -> None:
    from generator.errors import TemplateError

    build_project(project, use_cache=True)
    before = snapshot(project / "site")
    template = project / "templates/event.html"
    template.parent.mkdir(exist_ok=True)
    template.write_text("{% extends 'base.html' %}{% block content %}{{ event.nothing_here() }}{% endblock %}")
    edit_date(project)
    with pytest.raises(TemplateError):
        build_project(project, use_cache=True)
    assert snapshot(project / "site") == before
    assert sorted(p.name for p in project.iterdir()) == ["content", "seeds", "site", "site.yaml", "templates"]
    template.unlink()
    build_project(project, use_cache=True)
    assert snapshot(project / "site") == clean_build(project)


def test_digests_of_replaced_event_files_do_not_pile_up(project: Path) -> None:
    from generator.cache import load_cache
    from generator.planning import STALE_DIGESTS

    build_project(project, use_cache=True)
    for number in range(STALE_DIGESTS + 12):  # each a new file content, none changing the list of pages
        edit_date(project, 50, f"1990-06-{number % 28 + 1:02d}")
        event = some_event(project, 50)
        event.write_text(re.sub(r'(?m)^title: "', f'title: "{number} ', event.read_text(), count=1))
        build_project(project, use_cache=True)
    cache = load_cache(project)
    assert len(cache.events) == 120 and len(cache.digests) <= 120 + STALE_DIGESTS
    assert snapshot(project / "site") == clean_build(project)


def test_a_command_saves_the_cache_in_the_background_and_the_next_build_waits(project: Path,
                                                                              monkeypatch: pytest.MonkeyPatch) -> None:
    """With cleanup 'process' (the command line), a forked process saves the cache, holding its lock."""
    import fcntl

    from generator import cache as cache_module

    gate = project / "gate"
    save = cache_module._save

    def held_back(*args: Any) -> None:  # runs in the forked process: saves once the test lets it
        deadline = time.monotonic() + 60
        while not gate.exists() and time.monotonic() < deadline:
            time.sleep(0.01)
        save(*args)

    monkeypatch.setattr(cache_module, "_save", held_back)
    result = build_project(project, use_cache=True, cleanup="process", save_in_background=True)
    assert result.rendered == result.pages
    index = cache_file(project)
    assert not index.exists()  # not saved yet...
    lock = os.open(index.with_suffix(".lock"), os.O_RDWR)
    try:
        with pytest.raises(BlockingIOError):  # ...and the lock is held meanwhile
            fcntl.flock(lock, fcntl.LOCK_SH | fcntl.LOCK_NB)
    finally:
        os.close(lock)
    gate.touch()
    cache = cache_module.load_cache(project)  # waits for the save
    assert index.exists() and cache.plan is not None and len(cache.events) == 120
    monkeypatch.setattr(cache_module, "_save", save)
    again = build_project(project, use_cache=True, cleanup="process", save_in_background=True)
    assert again.rendered == 0  # the saved cache was complete
    edit_date(project)
    build_project(project, use_cache=True, cleanup="process", save_in_background=True)
    # right after: waits for the last save
    build_project(project, use_cache=True, cleanup="process", save_in_background=True)
    assert snapshot(project / "site") == clean_build(project)


def test_event_files_listed_while_the_cache_is_read_give_a_clean_build(project: Path,
                                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    """From LISTED_BESIDE_FILES event files, a forked process lists them while the cache is read."""
    from generator import build, forking

    monkeypatch.setattr(build, "LISTED_BESIDE_FILES", 100)
    results: list[object] = []
    original = forking.Forked.result

    def spying(self: forking.Forked[Any]) -> Any:
        results.append(found := original(self))
        return found

    monkeypatch.setattr(forking.Forked, "result", spying)
    build_project(project, use_cache=True)
    for change in (edit_date, edit_body, delete_event, rename_event):
        change(project)
        build_project(project, use_cache=True)
        assert snapshot(project / "site") == clean_build(project), change.__name__
    assert len(results) == 5 and all(isinstance(found, list) and len(found) >= 119 for found in results)
    broken = project / "content/events/broken.yaml"
    broken.write_text("title: [unclosed\n")
    with pytest.raises(ContentError) as failed:  # a file listed there is read and checked here
        build_project(project, use_cache=True)
    assert "content/events/broken.yaml" in repr(failed.value.problems)


def test_pieces_made_for_the_exports_beside_the_pages_are_kept(project: Path,
                                                             monkeypatch: pytest.MonkeyPatch) -> None:
    """A build in one process (-j1) writes the exports from a forked process from the first build on: the
    pieces it made come back into the cache, so that the next build need not make them again."""
    from generator import build
    from generator.cache import load_cache

    monkeypatch.setattr(build, "EXPORTS_BESIDE_EVENTS", 0)
    build_project(project, use_cache=True, workers=1)
    cache = load_cache(project)
    assert cache.shards is not None and cache.plan is not None
    cache.shards.load_all_pieces()
    full = {cache.plan.global_key + pair[0] for pair in cache.plan.digests.values()}
    listed = {cache.plan.global_key + pair[1] for pair in cache.plan.digests.values()}
    assert {f"json:{digest}" for digest in full} <= cache.fragments.keys()
    for kind in ("search", "search-text", "ical", "timelinejs", "csv", "geojson"):
        assert {f"{kind}:{digest}" for digest in listed} <= cache.fragments.keys(), kind
    assert not any(key.startswith("search-entry:") for key in cache.fragments)  # they depend on the tables
    edit_date(project)
    build_project(project, use_cache=True, workers=1)
    assert snapshot(project / "site") == clean_build(project)
