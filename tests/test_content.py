"""Content loading: the valid fixture site loads, and every invalid case gives its exact error."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from conftest import SITES, copy_site, write_files
from generator.build import build_project
from generator.config import load_config
from generator.content import load_content
from generator.errors import ContentError

INVALID_CASES = sorted(p.name for p in (SITES / "invalid").iterdir())


def test_minimal_site_loads(minimal_site: Path) -> None:
    timeline = load_content(load_config(minimal_site))
    assert [e.id for e in timeline.events] == ["meeting", "next-meeting"]
    meeting = timeline.events[0]
    assert meeting.actors == ("alice", "bob")  # resolved from the alias "Alice" and the id "bob"
    assert meeting.sources[1].via == ("wire",)
    assert meeting.sources[0].published is not None and meeting.sources[0].published.edtf == "2024-03-02"
    assert meeting.derived_from[0].excerpt == "Alice met Bob in Paris on 1 March 2024."
    assert [t.slug for t in meeting.tags] == ["meetings", "diplomacy"]
    assert timeline.events[1].derived_from[0].article == "seeds/story.txt"


@pytest.mark.parametrize("case", INVALID_CASES)
def test_invalid_case_reports_exact_error(case: str, tmp_path: Path) -> None:
    root = copy_site("minimal", tmp_path / case)
    shutil.copytree(SITES / "invalid" / case / "content", root / "content", dirs_exist_ok=True)
    expected = (SITES / "invalid" / case / "expected.txt").read_text(encoding="utf-8").strip()
    with pytest.raises(ContentError) as info:
        load_content(load_config(root))
    messages = [p.format(with_source=False) for p in info.value.problems]
    assert messages == [expected]


@pytest.mark.parametrize("case", INVALID_CASES)
def test_invalid_case_leaves_previous_site_untouched(case: str, tmp_path: Path) -> None:
    root = copy_site("minimal", tmp_path / case)
    build_project(root)
    before = {p: p.read_bytes() for p in (root / "site").rglob("*") if p.is_file()}
    shutil.copytree(SITES / "invalid" / case / "content", root / "content", dirs_exist_ok=True)
    with pytest.raises(ContentError):
        build_project(root)
    after = {p: p.read_bytes() for p in (root / "site").rglob("*") if p.is_file()}
    assert after == before
    assert sorted(p.name for p in root.iterdir()) == ["content", "seeds", "site", "site.yaml"]


def test_every_problem_is_reported_at_once(minimal_site: Path) -> None:
    write_files(minimal_site, {
        "content/events/a.yaml": "title: a\ndate: 2024-02-30\nstatus: planned\nsummary: s\n",
        "content/events/b.yaml": "title: b\ndate: 2024-01-01\nstatus: rumoured\nsummary: s\nactors: [Carol]\n",
    })
    with pytest.raises(ContentError) as info:
        load_content(load_config(minimal_site))
    lines = [p.format(with_source=False) for p in info.value.problems]
    assert lines == [
        "content/events/a.yaml:2:15: invalid date '2024-02-30': there is no day 30 in February 2024 (it has 29 days)",
        "content/events/b.yaml:3:9: unknown status 'rumoured' (use one of: planned, reported, confirmed, disputed, "
        "denied, postponed, cancelled)",
        "content/events/b.yaml:5:10: unknown actor 'Carol' (add it to content/actors.yaml)",
    ]


def test_error_shows_the_offending_line_with_a_caret(minimal_site: Path) -> None:
    write_files(minimal_site, {"content/events/a.yaml": "title: a\ndate: 2024-02-30\nstatus: planned\nsummary: s\n"})
    with pytest.raises(ContentError) as info:
        load_content(load_config(minimal_site))
    assert info.value.format().splitlines()[1:3] == ["    date: 2024-02-30", "                  ^"]
    assert info.value.format().endswith("Build failed: 1 problem found; nothing was written.")


def test_summary_must_be_one_paragraph(minimal_site: Path) -> None:
    write_files(minimal_site, {"content/events/a.yaml":
                               "title: a\ndate: 2024\nstatus: planned\nsummary: |\n  one\n\n  two\n"})
    with pytest.raises(ContentError) as info:
        load_content(load_config(minimal_site))
    assert [p.format(with_source=False) for p in info.value.problems] == [
        "content/events/a.yaml:4:10: 'summary' must be a single paragraph (move the rest into 'body')"]


def test_derived_from_outside_the_project_is_refused(minimal_site: Path) -> None:
    write_files(minimal_site, {"content/events/a.yaml":
                               "title: a\ndate: 2024\nstatus: planned\nsummary: s\nderived_from: ../../etc/passwd\n"})
    with pytest.raises(ContentError) as info:
        load_content(load_config(minimal_site))
    assert info.value.problems[0].message == "article '../../etc/passwd' not found"


def test_ambiguous_alias_in_registry(minimal_site: Path) -> None:
    write_files(minimal_site, {"content/actors.yaml":
                               "alice: {name: Alice, aliases: [AB]}\nbob: {name: Bob, aliases: [ab]}\n"})
    with pytest.raises(ContentError) as info:
        load_content(load_config(minimal_site))
    assert [p.format(with_source=False) for p in info.value.problems] == [
        "content/actors.yaml:2:1: 'ab' names both 'alice' and 'bob' (an alias must name only one entry)"]


def test_place_coordinates_are_checked(minimal_site: Path) -> None:
    write_files(minimal_site, {"content/places.yaml": "paris: {name: Paris, coordinates: [148.8, 2.3]}\n"})
    with pytest.raises(ContentError) as info:
        load_content(load_config(minimal_site))
    assert info.value.problems[0].message == "'coordinates' must be [latitude, longitude] in degrees"


def test_unchanged_registries_are_reused_and_changed_ones_parsed_again(minimal_site: Path) -> None:
    from generator.registry import Registry

    memo: dict[str, Registry] = {}
    first = load_content(load_config(minimal_site), registry_memo=memo)
    assert len(memo) == 3
    again = load_content(load_config(minimal_site), registry_memo=memo)
    assert again.actors is first.actors  # the same parsed registry, not a new parse
    actors = minimal_site / "content/actors.yaml"
    actor_id = next(iter(first.actors))
    actors.write_text(actors.read_text().replace(first.actors[actor_id].name, "Renamed Person", 1))
    changed = load_content(load_config(minimal_site), registry_memo=memo)
    assert changed.actors[actor_id].name == "Renamed Person"
    assert changed.places is first.places
    assert len(memo) == 3


def test_a_registry_with_problems_is_never_remembered(minimal_site: Path) -> None:
    from generator.registry import Registry

    memo: dict[str, Registry] = {}
    (minimal_site / "content/actors.yaml").write_text("someone: {nmae: Someone}\n", encoding="utf-8")
    for _ in range(2):  # the second build must report the problem again, not reuse a half-read registry
        with pytest.raises(ContentError) as info:
            load_content(load_config(minimal_site), registry_memo=memo)
        assert any("nmae" in problem.message for problem in info.value.problems)
    assert not any(key.startswith("actors|") for key in memo)
