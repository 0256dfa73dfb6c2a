"""The build cache: incremental builds are byte-identical to clean ones, and a bad cache is never trusted."""

from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path

import pytest
from test_benchmarks_synth import load_synth
from test_output import snapshot

from conftest import write_files
from generator.build import build_project
from generator.cache import cache_file


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


def edit_body(project: Path) -> None:
    event = some_event(project)
    event.write_text(event.read_text().replace("body: ", "body: Edited. ", 1))


def edit_date(project: Path) -> None:
    event = some_event(project)
    lines = [("date: 1990-06-15" if line.startswith("date:") else line) for line in event.read_text().splitlines()]
    event.write_text("\n".join(lines) + "\n")


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


@pytest.mark.parametrize("change", [edit_body, edit_date, delete_event, rename_event, edit_template,
                                    edit_registry, edit_config])
def test_incremental_build_matches_a_clean_build(project: Path, change: Callable[[Path], None]) -> None:
    first = build_project(project, use_cache=True)
    assert first.rendered == first.pages
    again = build_project(project, use_cache=True)
    assert again.rendered == 0
    change(project)
    after = build_project(project, use_cache=True)
    assert after.rendered < after.pages or change in (edit_template, edit_registry, edit_config)
    assert snapshot(project / "site") == clean_build(project)


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


def test_output_edited_by_hand_is_rendered_again(project: Path) -> None:
    build_project(project, use_cache=True)
    page = next((project / "site/events").glob("*/index.html"))
    page.write_text("tampered")
    build_project(project, use_cache=True)
    assert page.read_text() != "tampered"
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


@pytest.mark.parametrize("change", [edit_body, edit_date, delete_event, rename_event, edit_template])
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
