"""serve's quick load (generator.patching): patched timelines give the same site as a clean build.

Each test builds like serve does (in place, with a cache kept in memory and the changed paths named),
then compares the output with a clean build of the same files, and counts the full loads: the quick
path must be taken where it can be, and refused where a full load is needed to be right.
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable
from pathlib import Path

import pytest
from test_cache import (
    clean_build,
    edit_body,
    edit_date,
    edit_latest_title,
    edit_related_title,
    edit_tags,
    edit_title,
    some_event,
)
from test_output import snapshot

from generator import build
from generator.build import build_site
from generator.cache import BuildCache
from generator.config import load_config
from generator.content import load_content
from generator.errors import ContentError
from generator.model import Timeline


class Preview:
    """A serve-like builder: one in-memory cache, builds into `preview/` with the changed paths named."""

    def __init__(self, project: Path, monkeypatch: pytest.MonkeyPatch) -> None:
        self.project = project
        self.config = load_config(project).with_overrides(output_dir="preview")
        self.cache = BuildCache()
        self.full_loads = 0

        def counting_load(*args: object, **kwargs: object) -> Timeline:
            self.full_loads += 1
            return load_content(*args, **kwargs)  # type: ignore[arg-type]

        monkeypatch.setattr(build, "load_content", counting_load)
        build_site(self.config, cache=self.cache, in_place=True, drafts=True, changed=set())
        self.full_loads = 0

    def rebuild(self, *changed: Path) -> int:
        """Build again after `changed` were edited; return how many full loads it took."""
        before = self.full_loads
        build_site(self.config, cache=self.cache, in_place=True, drafts=True, changed=set(changed))
        return self.full_loads - before

    def matches_a_clean_build(self) -> bool:
        return snapshot(self.project / "preview") == clean_build(self.project)


@pytest.fixture
def project(tmp_path: Path) -> Path:
    from test_benchmarks_synth import load_synth

    return Path(load_synth().generate(tmp_path / "project", 120))


def age(project: Path) -> None:
    """Make every event file look older than a build's racy window, so its stamp is trusted."""
    old = time.time() - 3600
    for path in (project / "content/events").glob("*.yaml"):
        os.utime(path, (old, old))


def messages(error: ContentError) -> str:
    return "\n".join(problem.format() for problem in error.problems)


def event_at(project: Path, index: int) -> Path:
    return some_event(project, index).resolve()


def related_target(project: Path) -> int:
    files = sorted((project / "content/events").glob("*.yaml"))
    texts = [p.read_text() for p in files]
    return next(i for i, p in enumerate(files) if any(f"related: [{p.stem}" in t for t in texts))


EDITS: list[tuple[Callable[[Path], None], Callable[[Path], int]]] = [
    (edit_title, lambda p: 50),
    (edit_body, lambda p: 50),
    (edit_related_title, related_target),
    (edit_latest_title, lambda p: -1),
    (edit_tags, lambda p: 50),  # read quickly, but planned afresh: other tag pages list it now
]


@pytest.mark.parametrize("aged", [False, True], ids=["fresh-files", "stamped-files"])
def test_edits_are_patched_and_match_clean_builds(project: Path, monkeypatch: pytest.MonkeyPatch, aged: bool) -> None:
    if aged:
        age(project)
    preview = Preview(project, monkeypatch)
    for change, index in EDITS:
        path = event_at(project, index(project))
        change(project)
        assert preview.rebuild(path) == 0, change.__name__  # patched: no full load
        assert preview.matches_a_clean_build(), change.__name__


def test_saving_unchanged_bytes_renders_nothing(project: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    preview = Preview(project, monkeypatch)
    path = event_at(project, 30)
    path.write_bytes(path.read_bytes())
    result_loads = preview.rebuild(path)
    assert result_loads == 0
    assert preview.matches_a_clean_build()


def test_a_date_edit_loads_everything(project: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A new date can move the event in the order: the quick path does not try."""
    preview = Preview(project, monkeypatch)
    path = event_at(project, 50)
    edit_date(project)
    assert preview.rebuild(path) == 1
    assert preview.matches_a_clean_build()


def test_new_and_deleted_files_load_everything(project: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    preview = Preview(project, monkeypatch)
    source = event_at(project, 10)
    copy = source.with_name("a-new-event.yaml")
    copy.write_text(source.read_text())
    assert preview.rebuild(copy) == 1
    assert preview.matches_a_clean_build()
    copy.unlink()
    assert preview.rebuild(copy) == 1
    assert preview.matches_a_clean_build()


def test_an_edit_with_a_problem_is_reported_as_a_full_load_reports_it(project: Path,
                                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    preview = Preview(project, monkeypatch)
    path = event_at(project, 40)
    good = path.read_text()
    path.write_text(good.replace("status: ", "status: nonsense-", 1))
    with pytest.raises(ContentError) as quick:
        preview.rebuild(path)
    with pytest.raises(ContentError) as full:
        load_content(preview.config, drafts=True)
    assert [p.format() for p in quick.value.problems] == [p.format() for p in full.value.problems]
    path.write_text(good.replace("title: ", "title: Fixed ", 1))
    assert preview.rebuild(path) == 1  # the failed load forgot the last timeline
    assert preview.rebuild(path) == 0  # and the next save is quick again
    assert preview.matches_a_clean_build()


def test_an_unknown_related_event_is_reported(project: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    preview = Preview(project, monkeypatch)
    path = event_at(project, 40)
    text = "".join(line for line in path.read_text().splitlines(keepends=True) if not line.startswith("related:"))
    path.write_text(text + "related: [no-such-event]\n")
    with pytest.raises(ContentError) as raised:
        preview.rebuild(path)
    assert "unknown related event 'no-such-event'" in messages(raised.value)


def test_a_broken_new_file_is_still_reported_after_another_edit(project: Path,
                                                                monkeypatch: pytest.MonkeyPatch) -> None:
    """The failed full load must not leave a timeline that the next quick edit would patch around it."""
    preview = Preview(project, monkeypatch)
    broken = event_at(project, 0).with_name("broken.yaml")
    broken.write_text("title: [unclosed\n")
    with pytest.raises(ContentError):
        preview.rebuild(broken)
    other = event_at(project, 50)
    edit_title(project)
    with pytest.raises(ContentError) as raised:
        preview.rebuild(other)
    assert "broken.yaml" in messages(raised.value)


def test_a_registry_edit_loads_everything(project: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from test_cache import edit_registry

    preview = Preview(project, monkeypatch)
    edit_registry(project)
    assert preview.rebuild(project / "content/actors.yaml") == 1
    path = event_at(project, 50)
    edit_title(project)
    assert preview.rebuild(path) == 0
    assert preview.matches_a_clean_build()


def test_the_patched_cache_is_what_a_full_load_leaves(project: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    age(project)
    preview = Preview(project, monkeypatch)
    path = event_at(project, 50)
    edit_body(project)
    assert preview.rebuild(path) == 0
    patched = preview.cache
    fresh = BuildCache()
    build_site(preview.config.with_overrides(output_dir="other"), cache=fresh, in_place=True, drafts=True)
    assert set(patched.events) == set(fresh.events)
    assert patched.stamps == fresh.stamps
    assert patched.digests == fresh.digests
    assert patched.event_files == fresh.event_files
    assert patched.timeline == fresh.timeline


def test_a_rebuild_that_fails_after_loading_does_not_leave_a_stale_plan(project: Path,
                                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    """A broken locale file fails the build after the edited event was loaded; once it is fixed,
    the edit must still reach every page (the plan it would have been compared with is gone)."""
    from generator.errors import SiteError

    preview = Preview(project, monkeypatch)
    locale = project / "templates/locales/en.yml"
    locale.parent.mkdir(parents=True, exist_ok=True)
    locale.write_text("nav_home: [broken\n")
    with pytest.raises(SiteError):
        preview.rebuild(locale)
    path = event_at(project, 20)
    edit_title(project, 20)
    with pytest.raises(SiteError):
        preview.rebuild(path)
    locale.unlink()
    preview.rebuild(locale)
    assert preview.matches_a_clean_build()
