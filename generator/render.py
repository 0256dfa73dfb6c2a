"""Rendering: the Jinja environment, template helpers, and every output file as (path, bytes).

A `Renderer` holds everything it needs; there is no global or thread-local state, so several
renderers (a build and a preview, or tests) can live side by side.
"""

from __future__ import annotations

import traceback
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import jinja2
from markupsafe import Markup

from generator.config import SiteConfig
from generator.errors import Problem, TemplateError, make_problem
from generator.exports import ical_export, json_export, last_updated, timelinejs_export
from generator.i18n import load_words
from generator.interchange import (
    event_jsonld,
    geojson_export,
    og_locale,
    render_json_feed,
    timelinejs_csv_export,
)
from generator.joined import JoinedExport
from generator.markup import MarkupRenderer
from generator.model import STANCES, STATUSES, Event, Timeline
from generator.output import Content
from generator.pages import KIND_TITLES, Page, page_context, plan_pages
from generator.pieces import PieceStore
from generator.search_index import SEARCH_TEXT, search_index_export, search_text_export
from generator.theme import THEME_DIR
from generator.timeline_pages import timeline_pages, timeline_path, timeline_places

# Exports made from the user's templates (which may fail); every other export is data made by our code.
TEMPLATE_EXPORTS = ("sitemap.xml", "feed.xml")


def _hostname(url: str) -> str:
    return urlsplit(url).netloc.removeprefix("www.")


class _DictBytecodeCache(jinja2.BytecodeCache):
    """Compiled templates kept in a dict (the build cache's), checked by Jinja against each source."""

    def __init__(self, store: dict[str, bytes]) -> None:
        self.store = store

    def load_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
        """Give Jinja the stored code; it discards it itself if the template's source changed."""
        data = self.store.get(bucket.key)
        if data is not None:
            bucket.bytecode_from_string(data)

    def dump_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
        """Remember freshly compiled code."""
        self.store[bucket.key] = bucket.bytecode_to_string()


class Renderer:
    """Renders one timeline with one configuration into HTML pages, feeds and exports."""

    def __init__(self, config: SiteConfig, timeline: Timeline,
                 markdown_cache: dict[tuple[str, bool], str] | None = None,
                 template_cache: dict[str, bytes] | None = None,
                 load_markdown: Callable[[tuple[str, bool]], None] | None = None) -> None:
        self.config = config
        self.timeline = timeline
        self.markup = MarkupRenderer(config.raw_html, markdown_cache, load_markdown)
        self.pieces = PieceStore()  # replaced by the build cache's (see generator.build)
        self._places: dict[str, str] | None = None
        self._joined: tuple[PieceStore, dict[str, JoinedExport]] | None = None  # see joined_exports
        self.template_dirs = [config.templates_path, THEME_DIR]
        self.env = jinja2.Environment(
            loader=jinja2.FileSystemLoader([str(d) for d in self.template_dirs]),
            autoescape=jinja2.select_autoescape(["html", "xml"]),
            undefined=jinja2.StrictUndefined,
            trim_blocks=True,
            lstrip_blocks=True,
            keep_trailing_newline=True,
            auto_reload=False,  # a Renderer lives for one build: no need to look at template files again
            bytecode_cache=_DictBytecodeCache(template_cache) if template_cache is not None else None,
        )
        self.words = load_words(config.language, self.template_dirs, config.labels)
        self.env.filters.update(markdown=self._markdown, markdown_inline=self._markdown_inline,
                                hostname=_hostname, date_label=self.words.date_label)
        self.env.globals.update(
            site=config, timeline=timeline, url=self.url, absolute_url=config.absolute_url,
            entity=self.entity, statuses=STATUSES, stances=STANCES, kind_titles=KIND_TITLES,
            event_url=self.event_url, term_url=self.term_url,
            updated=last_updated, feed_updated=self.feed_updated, card=self.card, row=self.row, cards=self.cards,
            timeline_url=self.timeline_url, t=self.words.t, tn=self.words.tn, words=self.words,
            event_jsonld=self.event_jsonld, og_locale=og_locale(config.language),
        )

    def url(self, path: str = "") -> str:
        """The link to a site path, under the base path: url('events/x/') -> /repo/events/x/."""
        return self.config.base_path + path.lstrip("/")

    def event_url(self, event: Event) -> str:
        """The link to an event's own page."""
        return self.url(f"events/{event.id}/")

    def term_url(self, kind: str, key: str) -> str:
        """The link to an actor, place, outlet, tag or status page."""
        return self.url(f"{kind}/{key}/")

    def feed_updated(self) -> str:
        """The newest update date of any event (ISO), for the Atom feed's <updated>."""
        dates = [last_updated(event) for event in self.timeline.events]
        return max(dates).isoformat() if dates else "1970-01-01"

    def entity(self, kind: str, key: str) -> Any:
        """The registry entry for an id (templates use it to show canonical names)."""
        return self.timeline.registry(kind)[key]

    def _markdown(self, text: str) -> Markup:
        return Markup(self.markup.render(text))  # noqa: S704 (sanitized by nh3 in MarkupRenderer)

    def _markdown_inline(self, text: str) -> Markup:
        return Markup(self.markup.render_inline(text))  # noqa: S704 (sanitized by nh3)

    def timeline_url(self, event: Event) -> str:
        """The link to the event on the timeline (its year's or month's page when the timeline is split)."""
        return self.url(timeline_path(event, self.places))

    def event_jsonld(self, event: Event) -> Markup:
        """The event's schema.org JSON-LD, escaped for a <script> element ('' unless dated to the day)."""
        return Markup(event_jsonld(event, self.config, self.timeline, self.markup))  # noqa: S704 (script_json escapes <, >, &)

    def _fragment(self, kind: str, template: str, event: Event) -> Markup:
        """A per-event partial of what lists show, rendered once and reused by every page listing it.

        Kept as UTF-8 bytes: a status symbol makes a Python string of the card take two bytes a
        character, and 10,000 cards and rows held that way cost 30 MB more.
        """
        html = self.pieces.get(kind, event, False, lambda: self._make_fragment(template, event))
        return Markup(html.decode("utf-8"))  # noqa: S704 (autoescaped by Jinja)

    def _make_fragment(self, template: str, event: Event) -> bytes:
        return self.env.get_template(template).render(event=event).encode("utf-8")

    def cards(self, events: Sequence[Event], compact: bool = False) -> Markup:
        """Each event's card (or, if `compact`, its row) in an <li>, one a line: a month's list in one call.

        A year page lists up to 250 events; one call instead of one per card halves its rendering time.
        """
        kind, template = ("row", "partials/event_row.html") if compact else ("card", "partials/event_card.html")
        made = self.pieces.many(kind, events, False, lambda event: self._make_fragment(template, event))
        return Markup(b"\n".join([b"<li>" + html + b"</li>" for html in made]).decode("utf-8"))  # noqa: S704 (autoescaped)

    def card(self, event: Event) -> Markup:
        """The event's full card (partials/event_card.html), as on the timeline."""
        return self._fragment("card", "partials/event_card.html", event)

    def row(self, event: Event) -> Markup:
        """The event's compact entry (partials/event_row.html), as on actor, tag and other lists."""
        return self._fragment("row", "partials/event_row.html", event)

    @property
    def places(self) -> dict[str, str]:
        """For each event id, the site path of the timeline page that holds it (worked out when first needed)."""
        if self._places is None:
            self._places = timeline_places(timeline_pages(self.timeline.events))
        return self._places

    @places.setter
    def places(self, known: dict[str, str]) -> None:
        self._places = known

    def _page_of(self, event: Event) -> str:
        """The timeline page that shows `event` (without the #fragment), as search.json records it."""
        return self.places[event.id]

    def prepare(self, event: Event) -> None:
        """Make every per-event piece of `event` now: its Markdown, card, row and export entries.

        Pages and exports then only join pieces. The parallel build prepares events in several
        processes before rendering pages, so no piece is made twice; any order gives the same pieces.
        search.json's rows are made where it is (search_index_export): made here, in a worker, and sent
        back, their tuples and strings would be copies of the events' own (10 MiB more at 10,000 events).
        """
        try:
            self.markup.render_inline(event.summary)
            if event.body:
                self.markup.render(event.body)
            self.card(event)
            self.row(event)
            for export in self.joined_exports().values():
                export.entry(event)
        except Exception as exc:  # a card or row template failing is the template's problem
            raise TemplateError([self._problem_from(exc)]) from exc

    def is_prepared(self, event: Event) -> bool:
        """Whether `event`'s pieces are made (see prepare): its card and its events.json entry are."""
        return self.pieces.has("card", event, False) and self.pieces.has("json", event, True)

    def _problem_from(self, exc: Exception) -> Problem:
        """Locate a template exception at its template file and line."""
        if isinstance(exc, jinja2.TemplateSyntaxError):
            filename = exc.filename or exc.name or "?"
            return self._template_problem(filename, exc.lineno, f"template syntax error: {exc.message}")
        if isinstance(exc, jinja2.TemplateNotFound):
            return Problem(str(self.config.templates_path), 1, 1, f"template '{exc.name}' not found",
                           "create it, or remove the reference to it")
        for frame in reversed(traceback.extract_tb(exc.__traceback__)):
            if any(Path(frame.filename).is_relative_to(d) for d in self.template_dirs if d.exists()):
                return self._template_problem(frame.filename, frame.lineno or 1,
                                              f"template error: {exc}")
        return Problem("?", 1, 1, f"template error: {type(exc).__name__}: {exc}")

    def _template_problem(self, filename: str, line: int, message: str) -> Problem:
        path = Path(filename)
        display = path.relative_to(self.config.root).as_posix() if path.is_relative_to(self.config.root) else filename
        text = path.read_text(encoding="utf-8", errors="replace") if path.is_file() else None
        return make_problem(display, text, line, 1, message)

    def render_template(self, template: str, page_path: str, context: dict[str, Any]) -> bytes:
        """Render one template to UTF-8 bytes; raise TemplateError naming the template and line."""
        try:
            html = self.env.get_template(template).render(context, page_path=page_path)
        except Exception as exc:  # any failure inside a template is the template's problem
            raise TemplateError([self._problem_from(exc)]) from exc
        return html.encode("utf-8")

    def render_page(self, page: Page) -> bytes:
        """Render one planned page."""
        return self.render_template(page.template, page.url_path, page_context(page))

    def static_files(self) -> dict[str, Path]:
        """Static assets by output path; the project's templates/static overrides the theme's."""
        found: dict[str, Path] = {}
        for directory in reversed(self.template_dirs):
            static = directory / "static"
            if static.is_dir():
                for path in sorted(static.rglob("*")):
                    if path.is_file() and not path.name.startswith((".", "__")) and path.suffix != ".py":
                        found["static/" + path.relative_to(static).as_posix()] = path
        return dict(sorted(found.items()))

    def pages(self) -> list[Page]:
        """The planned HTML pages of this timeline."""
        return plan_pages(self.timeline)

    def exports(self, pages: list[Page]) -> list[tuple[str, str, Callable[[], Content]]]:
        """The files besides pages, each as (path, what it depends on, how to make it).

        The big ones are joined exports (generator.joined): one piece per event, streamed or spliced.
        The dependency is 'listed' (what lists show of every event), 'full' (all of every event),
        'latest' (what lists show of the FEED_ITEMS latest events) or 'pages' (the list of pages), so the
        build can reuse an export whose inputs did not change.
        """
        def sitemap() -> bytes:  # in the order of the paths, which moving an event does not change
            paths = sorted(p.url_path for p in pages if p.path != "404.html")
            return self.render_template("sitemap.xml", "sitemap.xml", {"paths": paths})

        joined = self.joined_exports()

        return [
            ("sitemap.xml", "pages", sitemap),
            ("feed.xml", "listed", lambda: self.render_template("feed.xml", "feed.xml", {})),
            ("events.ics", "listed", lambda: joined["events.ics"]),
            ("events.json", "full", lambda: joined["events.json"]),
            ("timelinejs.json", "listed", lambda: joined["timelinejs.json"]),
            ("timelinejs.csv", "listed", lambda: joined["timelinejs.csv"]),
            ("feed.json", "latest", lambda: render_json_feed(self.config, self.timeline, self.markup)),
            ("events.geojson", "listed", lambda: joined["events.geojson"]),
            (SEARCH_TEXT, "listed", lambda: joined[SEARCH_TEXT]),
            ("search.json", "listed", lambda: search_index_export(  # after the text: it holds the text's digest
                self.timeline, self._page_of, self.words.date_label, self.pieces, joined[SEARCH_TEXT])),
        ]

    def joined_exports(self) -> dict[str, JoinedExport]:
        """The exports made of one piece per event (generator.joined), by path (made once per piece store)."""
        config, timeline, markup, pieces = self.config, self.timeline, self.markup, self.pieces
        if self._joined is not None and self._joined[0] is pieces:
            return self._joined[1]
        made = {
            "events.ics": ical_export(config, timeline, pieces),
            "events.json": json_export(config, timeline, markup, pieces),
            "timelinejs.json": timelinejs_export(config, timeline, markup, pieces),
            "timelinejs.csv": timelinejs_csv_export(config, timeline, markup, pieces),
            "events.geojson": geojson_export(config, timeline, pieces),
            SEARCH_TEXT: search_text_export(timeline, pieces),
        }
        self._joined = (pieces, made)
        return made
