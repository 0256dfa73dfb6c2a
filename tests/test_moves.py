"""Re-planning after date edits (generator.moves) gives exactly the plan of planning everything again."""

from __future__ import annotations

import random
import re
from pathlib import Path
from typing import Any

import pytest
from test_cache import SMALL_LIMIT, clean_build, dated, redate
from test_output import snapshot

from generator import planning
from generator.build import build_project, build_site
from generator.cache import BuildCache, load_cache
from generator.config import load_config
from generator.content import load_content
from generator.model import Timeline
from generator.planmemo import PlanMemo
from generator.planning import plan_build
from generator.render import Renderer
from generator.skeletons import read_back


@pytest.fixture
def crowded(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """120 events over 2001-2003 at 20 events a timeline page: year pages, month pages, May 2003 in two."""
    from test_timeline_pages import crowded_synth

    from generator import timeline_pages

    monkeypatch.setattr(timeline_pages, "TIMELINE_PAGE_EVENTS", SMALL_LIMIT)
    return Path(crowded_synth({2001: 1, 2002: 3, 2003: 8}).generate(tmp_path / "crowded", 120))


@pytest.fixture
def moves_used(monkeypatch: pytest.MonkeyPatch) -> list[bool]:
    """One entry per build that tried generator.moves: whether it planned (True) or gave up (False)."""
    used: list[bool] = []
    original = planning.plan_moves

    def counting(*args: Any) -> Any:
        plan = original(*args)
        used.append(plan is not None)
        return plan

    monkeypatch.setattr(planning, "plan_moves", counting)
    return used


def full_plan(project: Path, timeline: Timeline, content_key: str) -> PlanMemo:
    """The plan of planning every page of `timeline` from nothing."""
    config = load_config(project)
    cache = BuildCache(content_key=content_key)
    return plan_build(config, timeline, Renderer(config, timeline), cache)[2]


def assert_same_plan(kept: PlanMemo, full: PlanMemo, timeline: Timeline) -> None:
    """`kept` (in memory or stored) holds what `full` holds."""
    assert kept.order == full.order
    assert kept.places == full.places
    assert kept.digests == full.digests
    assert kept.global_key == full.global_key
    assert kept.fingerprints == full.fingerprints
    assert list(kept.fingerprints) == list(full.fingerprints)  # in page order
    # each event's pages, in any order (a full plan lists them in page order; moves.py appends)
    assert {i: sorted(paths) for i, paths in kept.users.items() if paths} == \
        {i: sorted(paths) for i, paths in full.users.items()}
    assert all(len(set(paths)) == len(paths) for paths in kept.users.values())
    assert full.pages is not None
    if kept.pages is not None:
        assert kept.pages == full.pages
    else:
        assert kept.skeletons is not None
        assert list(kept.skeletons) == [page.path for page in full.pages]
        event = full.event(timeline)
        assert [read_back(page.path, kept.skeletons, event) for page in full.pages] == full.pages


def random_moves(project: Path, rng: random.Random) -> None:
    """Give one to three events new dates: in the same month, another month, another year or a new year."""
    files = sorted((project / "content/events").glob("*.yaml"))
    for event in rng.sample(files, rng.choice([1, 1, 1, 2, 3])):
        month, day = rng.randint(1, 12), rng.randint(1, 28)
        date = rng.choice([f"2003-05-{day:02d}", f"2003-{month:02d}-{day:02d}", f"2001-{month:02d}-{day:02d}",
                           f"2002-{month:02d}", "2003", "1999-04-02"])
        redate(event, date)


def test_moves_in_serve_keep_the_plan_exact(crowded: Path, moves_used: list[bool]) -> None:
    rng = random.Random(5)
    config = load_config(crowded).with_overrides(output_dir="preview")
    cache = BuildCache()
    build_site(config, cache=cache, in_place=True)
    for step in range(25):
        random_moves(crowded, rng)
        build_site(config, cache=cache, in_place=True)
        assert cache.timeline is not None and cache.plan is not None
        assert_same_plan(cache.plan, full_plan(crowded, cache.timeline, cache.content_key), cache.timeline), step
    assert moves_used.count(True) >= 15, moves_used  # the rest changed the list of pages: planned from nothing
    assert snapshot(crowded / "preview") == clean_build(crowded)


def test_moves_from_the_command_line_keep_the_stored_plan_exact(crowded: Path, moves_used: list[bool]) -> None:
    rng = random.Random(11)
    build_project(crowded, use_cache=True)
    for step in range(12):
        random_moves(crowded, rng)
        result = build_project(crowded, use_cache=True)
        assert 0 < result.rendered < result.pages, step
        stored = load_cache(crowded).plan
        timeline = load_content(load_config(crowded))
        assert_same_plan(stored, full_plan(crowded, timeline, load_cache(crowded).content_key), timeline), step
    assert moves_used.count(True) >= 6, moves_used
    assert snapshot(crowded / "site") == clean_build(crowded)


def test_a_tag_spelled_two_ways_is_planned_from_nothing(crowded: Path, moves_used: list[bool]) -> None:
    """Its first spelling on the timeline names it: a move can change which one that is."""
    events = dated(crowded, "2003-05")
    tag = re.search(r"(?m)^tags: \[([^,\]]+)", events[0].read_text())
    assert tag is not None
    name = tag.group(1).strip('"')
    events[-1].write_text(re.sub(r"(?m)^tags: \[", f'tags: ["{name.upper()}", ', events[-1].read_text()))
    build_project(crowded, use_cache=True)
    redate(events[0], "2003-05-28")
    redate(events[-1], "2003-05-01")
    build_project(crowded, use_cache=True)
    assert moves_used == [False]
    assert snapshot(crowded / "site") == clean_build(crowded)
