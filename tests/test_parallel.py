"""Parallel rendering gives exactly the serial output, and a worker's error reaches the caller."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from test_benchmarks_synth import load_synth
from test_output import snapshot

import generator.content as content_module
from conftest import write_files
from generator.build import build_project
from generator.config import load_config
from generator.content import load_content
from generator.errors import ContentError, TemplateError
from generator.parallel import MIN_PAGES_PER_WORKER, worker_count


@pytest.fixture(scope="module")
def big_project(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return Path(load_synth().generate(tmp_path_factory.mktemp("parallel") / "big", 400))


def test_parallel_output_is_byte_identical_to_serial(big_project: Path) -> None:
    serial = build_project(big_project, output_dir="serial", workers=1)
    parallel = build_project(big_project, output_dir="parallel", workers=2)
    assert worker_count(2, serial.pages) == 2
    assert (parallel.files, parallel.bytes) == (serial.files, serial.bytes)
    assert snapshot(big_project / "parallel") == snapshot(big_project / "serial")


def copy_project(big_project: Path, project: Path, files: dict[str, str] | None = None) -> Path:
    """A copy of the sources of `big_project` (no output) at `project`, with `files` added."""
    write_files(project, {"site.yaml": (big_project / "site.yaml").read_text(), **(files or {})})
    for folder in ("content", "seeds"):
        shutil.copytree(big_project / folder, project / folder)
    return project


def test_error_in_a_worker_is_raised_and_nothing_is_written(big_project: Path, tmp_path: Path) -> None:
    project = copy_project(big_project, tmp_path / "broken", {"templates/event.html": "{{ no_such_variable }}"})
    with pytest.raises(TemplateError) as info:
        build_project(project, workers=2)
    assert info.value.problems[0].format(with_source=False) == (
        "templates/event.html:1:1: template error: 'no_such_variable' is undefined")
    assert sorted(p.name for p in project.iterdir()) == ["content", "seeds", "site.yaml", "templates"]


def test_error_while_preparing_events_names_the_partial(big_project: Path, tmp_path: Path) -> None:
    """A card template failing in a worker of the prepare phase is reported at the template's line."""
    project = copy_project(big_project, tmp_path / "broken-card",
                           {"templates/partials/event_card.html": "<li>\n{{ event.no_such_field }}</li>"})
    with pytest.raises(TemplateError) as info:
        build_project(project, workers=2)
    message = info.value.problems[0].format(with_source=False)
    assert message.startswith("templates/partials/event_card.html:2:1: template error: ")
    assert "no_such_field" in message
    assert sorted(p.name for p in project.iterdir()) == ["content", "seeds", "site.yaml", "templates"]


def test_parallel_build_with_the_cache_matches_a_clean_build_after_edits(big_project: Path, tmp_path: Path) -> None:
    """Prepared pieces kept in the cache are reused, and an edit after a parallel build shows everywhere."""
    project = tmp_path / "cached"
    shutil.copytree(big_project, project, ignore=shutil.ignore_patterns("serial", "parallel", "progress-*"))
    first = build_project(project, workers=2, use_cache=True)
    assert first.rendered == first.pages
    event = sorted((project / "content" / "events").rglob("*.yaml"))[7]
    text = event.read_text()
    title = next(line for line in text.splitlines() if line.startswith("title:"))
    event.write_text(text.replace(title, "title: A title edited after a parallel build"))
    build_project(project, workers=2, use_cache=True)
    build_project(project, output_dir="clean", workers=1)
    assert snapshot(project / "site") == snapshot(project / "clean")
    assert b"A title edited after a parallel build" in (project / "site" / "events.json").read_bytes()


def test_small_sites_render_in_one_process() -> None:
    assert worker_count(8, MIN_PAGES_PER_WORKER - 1) == 1
    assert worker_count(None, 10 * MIN_PAGES_PER_WORKER) >= 1


@pytest.mark.parametrize("workers", [1, 2])
def test_progress_counts_every_rendered_page_once(big_project: Path, workers: int) -> None:
    heard: list[tuple[int, int]] = []
    result = build_project(big_project, output_dir=f"progress-{workers}", workers=workers,
                           progress=lambda done, total: heard.append((done, total)))
    assert heard and heard[-1] == (result.rendered, result.rendered)
    assert [done for done, _ in heard] == sorted(done for done, _ in heard)  # never goes back
    assert {total for _, total in heard} == {result.rendered}


def test_parallel_loading_gives_the_same_timeline_and_the_same_problems(
        big_project: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Event files parsed in two processes give the serial result, problems in the same (file) order."""
    monkeypatch.setattr(content_module, "READS_PER_WORKER", 50)
    config = load_config(big_project)
    assert load_content(config, workers=2) == load_content(config, workers=1)

    project = copy_project(big_project, tmp_path / "bad")
    files = sorted((project / "content" / "events").rglob("*.yaml"))
    files[3].write_text("title: [unclosed\n")
    files[150].write_text(files[150].read_text().replace("status: ", "status: rumoured-"))
    files[390].write_text(files[390].read_text() + "related: [no-such-event]\n")
    config = load_config(project)
    messages = []
    for workers in (1, 2):
        with pytest.raises(ContentError) as info:
            load_content(config, workers=workers)
        messages.append([problem.format(with_source=False) for problem in info.value.problems])
    assert messages[0] == messages[1]
    assert len(messages[0]) == 3
    assert [m.split(":")[0] for m in messages[0]] == [f.relative_to(project).as_posix() for f in
                                                      (files[3], files[150], files[390])]
