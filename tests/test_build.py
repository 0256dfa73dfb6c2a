"""End to end: build the seed timeline and fixture sites, and check what lands in site/."""

from __future__ import annotations

import json
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urlsplit

import pytest

from conftest import write_files
from generator.build import build_project
from generator.errors import OutputError, TemplateError


class _Links(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.links: list[str] = []
        self.ids: set[str] = set()
        self.scripts: list[dict[str, str]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = {k: v or "" for k, v in attrs}
        self.links += [values[k] for k in ("href", "src") if k in values]
        if "id" in values:
            self.ids.add(values["id"])
        if tag == "script":
            self.scripts.append(values)


def parse(path: Path) -> _Links:
    parser = _Links()
    parser.feed(path.read_text(encoding="utf-8"))
    return parser


def broken_links(site: Path, origin: str, base_path: str) -> list[str]:
    """Every internal href/src in every page that does not resolve to a file (or fragment) in site/."""
    pages = {p: parse(p) for p in site.rglob("*.html")}
    broken = []
    for page, parsed in pages.items():
        for link in parsed.links:
            parts = urlsplit(link)
            if parts.scheme in ("http", "https") and f"{parts.scheme}://{parts.netloc}" != origin:
                continue  # an external link (to a source); never loaded by the page
            assert not parts.scheme or parts.scheme in ("http", "https", "mailto"), link
            if parts.scheme == "mailto":
                continue
            if not parts.path:
                target = page
            else:
                assert parts.path.startswith(base_path), f"{page}: {link} is outside {base_path}"
                target = site / unquote(parts.path[len(base_path):])
                if target.is_dir() or parts.path.endswith("/"):
                    target = target / "index.html"
            if not target.is_file():
                broken.append(f"{page.relative_to(site)}: {link}")
            elif parts.fragment and target.suffix == ".html":
                ids = pages[target].ids if target in pages else parse(target).ids
                if parts.fragment not in ids:
                    broken.append(f"{page.relative_to(site)}: {link} (no #{parts.fragment})")
    return broken


@pytest.mark.parametrize(("base_url", "origin", "base_path"), [
    ("https://timeline.example.org/", "https://timeline.example.org", "/"),
    ("https://user.github.io/repo/", "https://user.github.io", "/repo/"),
])
def test_seed_timeline_has_no_broken_link(seed_project: Path, base_url: str, origin: str, base_path: str) -> None:
    result = build_project(seed_project, base_url=base_url)
    site = seed_project / "site"
    assert result.events == 8
    assert broken_links(site, origin, base_path) == []
    sitemap = (site / "sitemap.xml").read_text(encoding="utf-8")
    assert f"<loc>{base_url}events/2023-07-shoigu-visits-north-korea/</loc>" in sitemap
    page = (site / "index.html").read_text(encoding="utf-8")
    assert f'<link rel="stylesheet" href="{base_path}static/style.css">' in page
    assert f'<link rel="canonical" href="{base_url}">' in page


def test_seed_timeline_shows_precision_status_and_sources(seed_project: Path) -> None:
    build_project(seed_project)
    site = seed_project / "site"
    home = (site / "index.html").read_text(encoding="utf-8")
    assert '<time datetime="2023-07" data-edtf="2023-07">July 2023</time>' in home
    assert '<time datetime="2023-09-10" data-edtf="2023-09-10/2023-09-13">10–13 September 2023</time>' in home
    assert '<time datetime="2023-07" data-edtf="2023-07?" class="date-qualified">July 2023 (uncertain)</time>' in home
    forum = (site / "events/2023-09-10-kim-putin-meeting-at-eef/index.html").read_text(encoding="utf-8")
    assert "Planned</a>" in forum and "yet to be confirmed" in forum
    assert ">Vladivostok</a>" in forum and ">Far Eastern Federal University</a>" in forum
    assert ">The New York Times</a>" in forum and "Single source." in forum
    shoigu = (site / "events/2023-09-04-shoigu-on-joint-exercises/index.html").read_text(encoding="utf-8")
    assert "Chain: Interfax → Reuters" in shoigu
    order = [json_event["id"] for json_event in json.loads((site / "events.json").read_text())["events"]]
    assert order[:2] == ["2023-07-shoigu-visits-north-korea", "2023-07-kim-invites-putin"]
    assert order[-1] == "2023-09-10-kim-putin-meeting-at-eef"


def test_two_builds_are_byte_identical(seed_project: Path, tmp_path: Path) -> None:
    build_project(seed_project, output_dir="one")
    build_project(seed_project, output_dir="two")
    one, two = ({p.relative_to(seed_project / name): p.read_bytes()
                 for p in (seed_project / name).rglob("*") if p.is_file()} for name in ("one", "two"))
    assert len(one) > 40 and one == two


def test_site_makes_no_request_to_another_host(seed_project: Path) -> None:
    build_project(seed_project)
    for page in (seed_project / "site").rglob("*.html"):
        text = page.read_text(encoding="utf-8")
        parsed = parse(page)
        for script in parsed.scripts:
            assert urlsplit(script.get("src", "")).netloc == ""
        assert 'src="http' not in text and "@import" not in text and "url(http" not in text
    css = (seed_project / "site/static/style.css").read_text(encoding="utf-8")
    assert "url(" not in css and "@import" not in css


def test_every_page_kind_exists(seed_project: Path) -> None:
    build_project(seed_project)
    site = seed_project / "site"
    for path in ("404.html", "sitemap.xml", "feed.xml", "events.ics", "events.json", "static/style.css",
                 "static/timeline.js", "actors/sergei-shoigu/index.html", "places/vladivostok/index.html",
                 "tags/arms-deal/index.html", "outlets/interfax/index.html", "status/planned/index.html",
                 "status/index.html", "actors/index.html", ".build-site"):
        assert (site / path).is_file(), path
    shoigu = (site / "actors/sergei-shoigu/index.html").read_text(encoding="utf-8")
    assert "Shoygu" in shoigu  # the alias the article also uses


def test_content_scripts_never_reach_a_page(minimal_site: Path) -> None:
    write_files(minimal_site, {"content/events/x.yaml": (
        "title: '<script>alert(1)</script>'\ndate: 2024\nstatus: reported\n"
        "summary: '<img src=x onerror=alert(1)> [a](javascript:alert(2))'\n"
        "body: '<script>alert(3)</script><a href=\"javascript:alert(4)\">b</a>'\n")})
    build_project(minimal_site)
    for page in (minimal_site / "site").rglob("*.html"):
        text = page.read_text(encoding="utf-8")
        assert "<script>alert" not in text and "javascript:" not in text and "onerror" not in text, page


def test_user_template_overrides_the_theme(minimal_site: Path) -> None:
    write_files(minimal_site, {"templates/404.html": "{% extends 'base.html' %}{% block content %}GONE{% endblock %}"})
    build_project(minimal_site)
    assert "GONE" in (minimal_site / "site/404.html").read_text(encoding="utf-8")


def test_undefined_variable_names_template_and_line(minimal_site: Path) -> None:
    write_files(minimal_site, {"templates/404.html": "{% extends 'base.html' %}\n{% block content %}\n{{ nope }}\n"
                                                     "{% endblock %}\n"})
    with pytest.raises(TemplateError) as info:
        build_project(minimal_site)
    assert info.value.problems[0].format(with_source=False) == (
        "templates/404.html:3:1: template error: 'nope' is undefined")


def test_template_syntax_error_names_template_and_line(minimal_site: Path) -> None:
    write_files(minimal_site, {"templates/event.html": "line one\n{% if %}\n"})
    with pytest.raises(TemplateError) as info:
        build_project(minimal_site)
    problem = info.value.problems[0]
    assert (problem.path, problem.line) == ("templates/event.html", 2)
    assert problem.message.startswith("template syntax error:")
    assert not (minimal_site / "site").exists()


@pytest.mark.parametrize("output", [".", "..", "content", "content/events/out", "seeds", "templates"])
def test_output_folder_that_overlaps_the_project_is_refused(minimal_site: Path, output: str) -> None:
    with pytest.raises(OutputError):
        build_project(minimal_site, output_dir=output)
    assert (minimal_site / "content/events/meeting.yaml").is_file()


def test_foreign_output_folder_is_never_replaced(minimal_site: Path) -> None:
    write_files(minimal_site, {"site/notes.txt": "mine"})
    with pytest.raises(OutputError) as info:
        build_project(minimal_site)
    assert "was not made by build-site" in str(info.value)
    assert (minimal_site / "site/notes.txt").read_text() == "mine"


def test_rebuild_replaces_stale_files_and_leaves_no_temporary_folder(minimal_site: Path) -> None:
    build_project(minimal_site)
    assert (minimal_site / "site/events/next-meeting/index.html").exists()
    (minimal_site / "content/events/next-meeting.yaml").unlink()
    meeting = minimal_site / "content/events/meeting.yaml"
    meeting.write_text(meeting.read_text().replace("related: [next-meeting]\n", ""))
    build_project(minimal_site)
    assert not (minimal_site / "site/events/next-meeting").exists()
    assert sorted(p.name for p in minimal_site.iterdir()) == ["content", "seeds", "site", "site.yaml"]


def test_large_timeline_splits_into_linked_pages_under_a_megabyte(tmp_path: Path) -> None:
    from test_benchmarks_synth import load_synth

    project = load_synth().generate(tmp_path / "big", 600)
    build_project(project, base_url="https://user.github.io/repo/")
    site = project / "site"
    assert broken_links(site, "https://user.github.io", "/repo/") == []
    years = sorted(p.parent.name for p in site.glob("years/*/index.html"))
    assert len(years) > 10
    assert max(p.stat().st_size for p in site.rglob("*.html")) < 1_000_000
    assert len(list(site.glob("status/*/page/2/index.html"))) >= 1
    event = next((site / "events").glob("*/index.html")).read_text(encoding="utf-8")
    assert 'href="/repo/years/' in event  # "On the timeline" points at the event's year page


class OpenPageFirst:
    """serve's order after a save: the pages open in a browser are written first (build_site's `first`)."""

    def __init__(self, project: Path) -> None:
        from generator.build import build_site
        from generator.cache import BuildCache
        from generator.config import load_config

        self.project, self.output = project, project / "preview"
        self.config = load_config(project).with_overrides(output_dir="preview")
        self.cache = BuildCache()
        self.build_site = build_site
        build_site(self.config, cache=self.cache, in_place=True, drafts=True, changed=set(),
                   pages_ready=lambda pending, final: None)

    def rebuild(self, changed: Path, first: set[str]) -> list[tuple[list[str], bool, dict[str, bytes]]]:
        """Build after `changed` was saved; return each call of `pages_ready` (what it was told, what was there)."""
        from test_output import snapshot

        calls: list[tuple[list[str], bool, dict[str, bytes]]] = []
        self.build_site(self.config, cache=self.cache, in_place=True, drafts=True, changed={changed},
                        pages_ready=lambda pending, final: calls.append((pending, final, snapshot(self.output))),
                        first=first)
        return calls


@pytest.fixture
def synthetic(tmp_path: Path) -> Path:
    from test_benchmarks_synth import load_synth

    return Path(load_synth().generate(tmp_path / "project", 120))


def test_the_open_page_is_written_before_the_others_and_the_site_matches_a_clean_build(synthetic: Path) -> None:
    from test_cache import clean_build, edit_title, some_event
    from test_output import snapshot

    preview = OpenPageFirst(synthetic)
    page = f"events/{some_event(synthetic).stem}/index.html"
    before = snapshot(preview.output)
    edit_title(synthetic)
    calls = preview.rebuild(some_event(synthetic), first={page, "events/not-a-page/index.html"})
    after = snapshot(preview.output)
    changed = {path for path in after if before.get(path) != after[path]}
    others = {path for path in changed if path.endswith(".html")} - {page}
    assert page in changed and others  # the event's title is on its list pages too
    (pending, final, at_first), (_, last, _) = calls
    assert not final and last
    assert at_first[page] == after[page]
    assert all(at_first[path] == before[path] for path in changed - {page})  # nothing else was written yet
    assert {path for path in changed if not path.endswith(".html")} <= set(pending)  # exports still to come
    assert after == clean_build(synthetic)


def test_serve_splices_its_late_exports_from_its_cache_in_memory(synthetic: Path,
                                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    """serve writes the data exports after the pages, from a cache without shards: they are spliced too."""
    from test_cache import JOINED, clean_build, edit_date, edit_title, some_event, spied_splices
    from test_output import snapshot

    spliced = spied_splices(monkeypatch)
    preview = OpenPageFirst(synthetic)
    for change, index in ((edit_date, 50), (edit_title, 50)):
        spliced.clear()
        change(synthetic)
        preview.rebuild(some_event(synthetic, index), first=set())
        assert set(spliced) == JOINED, change.__name__
        assert snapshot(preview.output) == clean_build(synthetic), change.__name__


@pytest.mark.parametrize("restoring_fails", [False, True])
def test_when_the_rest_fails_the_open_pages_are_put_back(synthetic: Path, monkeypatch: pytest.MonkeyPatch,
                                                        restoring_fails: bool) -> None:
    from test_cache import clean_build, edit_title, some_event
    from test_output import snapshot

    from generator.errors import SiteError
    from generator.paging import Page
    from generator.render import Renderer

    preview = OpenPageFirst(synthetic)
    before = snapshot(preview.output)
    edit_title(synthetic, -1)  # the newest event: on the home page
    if restoring_fails:  # every event page: the three showing the title are written first, in subfolders
        first = {path.relative_to(preview.output).as_posix() for path in preview.output.glob("events/*/index.html")}
    else:  # the home page too, whose moves change the output folder's own time
        first = {f"events/{some_event(synthetic, -1).stem}/index.html", "index.html"}
    render_page, write_bytes = Renderer.render_page, Path.write_bytes

    def failing(renderer: Renderer, planned: Page) -> object:
        if planned.path not in first:
            raise SiteError("a list page failed")
        return render_page(renderer, planned)

    def full_disk(path: Path, data: bytes) -> int:  # after one page is put back
        if path.name == "index.html":
            if full_disk.calls:  # type: ignore[attr-defined]
                raise OSError(28, "No space left on device")
            full_disk.calls += 1  # type: ignore[attr-defined]
        return write_bytes(path, data)

    full_disk.calls = 0  # type: ignore[attr-defined]

    monkeypatch.setattr(Renderer, "render_page", failing)
    if restoring_fails:
        monkeypatch.setattr(Path, "write_bytes", full_disk)  # putting the second old page back fails
    with pytest.raises(OSError if restoring_fails else SiteError):
        preview.rebuild(some_event(synthetic, -1), first=first)
    monkeypatch.setattr(Renderer, "render_page", render_page)
    monkeypatch.setattr(Path, "write_bytes", write_bytes)
    if not restoring_fails:
        assert snapshot(preview.output) == before  # the open pages were written, then put back
    result = preview.build_site(preview.config, cache=preview.cache, in_place=True, drafts=True,
                                changed={some_event(synthetic, -1)}, pages_ready=lambda pending, final: None)
    assert snapshot(preview.output) == clean_build(synthetic)  # the pages are made again, not taken as done
    if not restoring_fails:  # the output is still the one the cache describes: no full rebuild
        assert result.rendered < result.pages // 4
