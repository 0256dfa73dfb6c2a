"""Drafts in content/drafts/ are published only with --drafts (and in serve), visibly marked."""

from __future__ import annotations

from pathlib import Path

from conftest import write_files
from generator.build import build_project

DRAFT = "title: A drafted event\ndate: 2024-05\nstatus: reported\nsummary: From an article.\nactors: [Alice]\n"


def test_drafts_are_left_out_by_default(minimal_site: Path) -> None:
    write_files(minimal_site, {"content/drafts/drafted.yaml": DRAFT})
    result = build_project(minimal_site)
    assert result.events == 2
    assert not (minimal_site / "site/events/drafted").exists()


def test_drafts_are_published_marked_with_the_flag(minimal_site: Path) -> None:
    write_files(minimal_site, {"content/drafts/drafted.yaml": DRAFT})
    result = build_project(minimal_site, drafts=True, use_cache=True)
    assert result.events == 3
    page = (minimal_site / "site/events/drafted/index.html").read_text(encoding="utf-8")
    assert '<span class="draft-mark">Draft: not yet checked by an editor</span>' in page
    home = (minimal_site / "site/index.html").read_text(encoding="utf-8")
    assert home.count('class="draft-mark"') == 1
    again = build_project(minimal_site, use_cache=True)  # without drafts, from the same cache
    assert again.events == 2 and not (minimal_site / "site/events/drafted").exists()


def test_a_broken_draft_only_matters_with_the_flag(minimal_site: Path) -> None:
    write_files(minimal_site, {"content/drafts/broken.yaml": "title: x\n"})
    assert build_project(minimal_site).events == 2
    try:
        build_project(minimal_site, drafts=True)
    except Exception as exc:
        assert "content/drafts/broken.yaml:1:1: 'date' is missing" in exc.format()  # type: ignore[attr-defined]
    else:
        raise AssertionError("a broken draft must fail a build with --drafts")
