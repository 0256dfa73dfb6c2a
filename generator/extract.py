"""Drafting events from an article: one draft per sentence that carries a dated claim.

Each draft uses the event format content.py validates, so an editor can move it into
content/events/. Evidence already extracted is not drafted again, and a draft on the same date as
an existing event with a shared actor is reported as a new source for that event instead.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from generator.article import Article, read_article
from generator.attribution import (
    Attribution,
    actors_and_places,
    find_names,
    sentence_attribution,
    sentence_status,
    unknown_names,
)
from generator.config import SiteConfig
from generator.dates import parse_date
from generator.drafts import KnownEvent, draft_text, index_events, same_dates, write_new
from generator.errors import ContentError, Problem
from generator.model import slugify
from generator.registry import Registry, load_registry
from generator.timeresolve import (
    Publication,
    TimeExpression,
    day_value,
    infer_publication,
    resolve_mentions,
)
from generator.timex import find_mentions

_LEAD_IN = re.compile(
    r"^(?:(?:according\s+to\s+[^,]{1,80}|earlier|in\s+addition|meanwhile|however|separately|"
    r"also)\s*,\s*)+", re.IGNORECASE)
_REPORTING = re.compile(r"^.{0,80}?\b(?:reported|said|says|announced|claims?|told\s[^,]{1,60}?)"
                        r"\s+that\s+", re.IGNORECASE)
_QUOTED = re.compile(r"“([^”]+)”")
TITLE_WORDS = 14


@dataclass(frozen=True)
class Draft:
    """One drafted event: its fields, the comments for the editor, and what became of it."""

    stem: str
    fields: dict[str, Any]
    comments: tuple[str, ...]
    expression: TimeExpression
    proposed: tuple[str, ...]
    outcome: str = "new"  # new, written, already-extracted, new-source
    target: str = ""  # the file written, or the existing event it duplicates or adds a source to

    def as_json(self) -> dict[str, Any]:
        """The draft as plain JSON data."""
        return {"id": self.stem, "outcome": self.outcome, "target": self.target,
                "time_expression": self.expression.text, **self.fields,
                "notes": list(self.comments), "proposed": list(self.proposed)}


@dataclass
class ExtractResult:
    """Everything `build-site extract` found in one article."""

    article: str
    publication: Publication
    expressions: list[TimeExpression]
    drafts: list[Draft] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)

    def as_json(self) -> dict[str, Any]:
        """One JSON object: publication date and how, every time expression, every draft."""
        return {
            "article": self.article,
            "publication": {"value": self.publication.value, "how": self.publication.how},
            "time_expressions": [
                {"text": e.text, "start": e.start, "end": e.end, "value": e.value, "kind": e.kind,
                 "direction": e.direction, "note": e.note} for e in self.expressions],
            "drafts": [d.as_json() for d in self.drafts],
            "warnings": self.warnings,
        }


def suggest_title(sentence: str, expression: TimeExpression, offset: int) -> str:
    """A short title from the sentence: lead-ins, 'X reported that' and the date words removed."""
    local = expression.start - offset
    before = re.sub(r"\b(?:in|on|during|since|from|by|at)\s+$", "", sentence[:local])
    text = before + sentence[local + len(expression.text):]
    text = re.sub(r"\s+([,.;])", r"\1", text)
    if text.startswith(("“", '"')) and (closing := re.search(r"[”\"],?\s+", text[1:])):
        text = text[closing.end() + 1:]
    text = _LEAD_IN.sub("", text.strip(" ,"))
    text = _REPORTING.sub("", text)
    text = re.split(r"\s*(?:;|—|\bwhich\b)\s*", text)[0]
    words = re.sub(r"\s+", " ", text).strip(" ,.").split(" ")
    title = " ".join(words[:TITLE_WORDS]).rstrip(",;:")
    if len(words) > TITLE_WORDS:
        title += "…"
    return title[:1].upper() + title[1:] if title else "Untitled event"


def _load_registries(config: SiteConfig) -> dict[str, Registry]:
    problems: list[Problem] = []
    registries = {
        kind: load_registry(kind, config.content_path / f"{kind}.yaml",
                            f"{config.content_dir}/{kind}.yaml", problems)
        for kind in ("actors", "places", "outlets")
    }
    if problems:
        raise ContentError(problems)
    return registries


def _article_name(config: SiteConfig, article: Article, warnings: list[str]) -> str:
    resolved = article.path.resolve()
    if resolved.is_relative_to(config.root):
        return resolved.relative_to(config.root).as_posix()
    name = f"{config.seeds_dir}/{article.path.name}"
    warnings.append(f"{article.path} is outside the project: copy it to {name} so the drafts' "
                    "derived_from offsets can be checked")
    return name


class _Drafter:
    """Builds drafts sentence by sentence, remembering the last attribution."""

    def __init__(self, article: Article, name: str, publication: Publication,
                 registries: dict[str, Registry]) -> None:
        self.article, self.name, self.publication = article, name, publication
        self.registries = registries
        self.last_attribution: Attribution | None = None

    def _sources(self, span: tuple[int, int], quote: str, status: str,
                 comments: list[str]) -> list[dict[str, Any]]:
        text, article = self.article.text, self.article
        stance = {"denied": "denies", "confirmed": "confirms"}.get(status, "reports")
        found = sentence_attribution(text, span, self.registries["outlets"])
        if found is None and self.last_attribution is not None:
            found = Attribution(self.last_attribution.outlet, self.last_attribution.via,
                                self.last_attribution.cue, carried=True)
            comments.append(f"source: carried over from an earlier sentence ({found.outlet}); "
                            "check it")
        elif found is not None:
            self.last_attribution = found
        if found is not None:
            source: dict[str, Any] = {"outlet": found.outlet}
            if found.via:
                source["via"] = list(found.via)
            return [{**source, "stance": stance, "quote": quote}]
        outlet = self.registries["outlets"].resolve(article.outlet) if article.outlet else None
        if outlet is None:
            if article.outlet:
                comments.append(f"source: outlet '{article.outlet}' is not in outlets.yaml; add it")
            comments.append("source: none found in the sentence; add one")
            return []
        source = {"outlet": outlet, "stance": stance, "quote": quote}
        if article.url:
            source["url"] = article.url
        if article.published:
            source["published"] = day_value(article.published)
        return [source]

    def draft(self, span: tuple[int, int], expression: TimeExpression) -> Draft:
        """The draft for the sentence at `span`, dated by `expression`."""
        text = self.article.text
        sentence = text[span[0]:span[1]]
        comments: list[str] = []
        assert expression.value is not None
        how = f"; {expression.note}" if expression.note else ""
        comments.append(f"date: '{expression.text}' -> {expression.value} "
                        f"({expression.direction or 'no tense cue'}{how})")
        if self.publication.how and not self.article.published:
            comments.append(f"publication date {self.publication.value}: {self.publication.how}")
        status, cue = sentence_status(text, span, expression.direction)
        comments.append(f"status: {status}" + (f" (cue: '{cue}')" if cue else " (no cue; default)"))
        quotes = _QUOTED.findall(sentence)
        quote = " … ".join(q.strip(" ,") for q in quotes)
        if len(quote) < 40:
            quote = sentence
        sources = self._sources(span, quote, status, comments)
        actors, places = actors_and_places(text, span, self.registries["actors"],
                                           self.registries["places"])
        known = [(n.start, n.end) for n in (*actors, *places)]
        known += [(n.start, n.end) for n in find_names(text, *span, self.registries["outlets"])]
        known.append((expression.start, expression.end))
        proposed = tuple(unknown_names(text, span, known))
        if proposed:
            hints = []
            for name in proposed:
                hint = self.registries["actors"].suggestion(name)
                hints.append(name + ("" if hint.startswith("add it") else f" ({hint})"))
            comments.append("unknown names, not in the registries (add them to actors.yaml or "
                            "places.yaml if they matter): " + "; ".join(hints))
        title = suggest_title(sentence, expression, span[0])
        comments.append("title: suggested from the sentence; rewrite it")
        fields: dict[str, Any] = {
            "title": title, "date": expression.value, "status": status, "summary": sentence,
            "actors": list(dict.fromkeys(a.id for a in actors)),
            "places": list(dict.fromkeys(p.id for p in places)),
            "tags": [], "sources": sources,
            "derived_from": {"article": self.name, "start": span[0], "end": span[1]},
            "related": [],
        }
        start_day = expression.value.split("/")[0].rstrip("?~%")
        stem = f"{start_day}-{'-'.join(slugify(title).split('-')[:6])}".strip("-")
        return Draft(stem, fields, tuple(comments), expression, proposed)


def time_expressions(article: Article, today: date) -> tuple[Publication, list[TimeExpression]]:
    """The article's publication date (given or inferred) and every time expression, resolved."""
    text, sentences = article.text, list(article.sentences)
    mentions = find_mentions(text[article.body_start:], article.body_start)
    if article.published is not None:
        publication = Publication(day_value(article.published), article.published,
                                  article.published_how)
    else:
        publication = infer_publication(mentions, text, sentences, today)
    return publication, resolve_mentions(mentions, text, sentences, publication)


def _primary(expressions: list[TimeExpression]) -> TimeExpression | None:
    dated = [e for e in expressions if e.value]
    specific = [e for e in dated if e.kind != "present"]
    choice = specific or dated
    return choice[0] if choice else None


def _settle(draft: Draft, known: list[KnownEvent], article: str) -> Draft:
    """Mark the draft as already extracted, or as a new source for a matching event."""
    start, end = draft.fields["derived_from"]["start"], draft.fields["derived_from"]["end"]
    for event in known:
        if event.covers(article, start, end):
            return Draft(**{**draft.__dict__, "outcome": "already-extracted",
                            "target": str(event.path)})
    value = parse_date(draft.fields["date"])
    actors = set(draft.fields["actors"])
    matches = [e for e in known if e.date and same_dates(e.date, value) and e.actors & actors]
    if matches:
        best = max(matches, key=lambda e: (len(e.actors & actors), not e.is_draft))
        return Draft(**{**draft.__dict__, "outcome": "new-source", "target": best.id})
    return draft


def extract_article(config: SiteConfig, path: Path, *, published: date | None = None,
                    out_dir: Path | None = None, today: date | None = None,
                    write: bool = True) -> ExtractResult:
    """Find the time expressions in the article at `path`, draft events, and write new drafts."""
    article = read_article(path, published)
    registries = _load_registries(config)
    text = article.text
    sentences = list(article.sentences)
    publication, expressions = time_expressions(article, today or date.today())
    result = ExtractResult("", publication, expressions)
    result.article = _article_name(config, article, result.warnings)
    out = out_dir if out_dir is not None else config.content_path / "drafts"
    known, warnings = index_events([(config.content_path / "events", False), (out, True)],
                                   config.seeds_dir, registries["actors"], registries["outlets"])
    result.warnings.extend(warnings)
    drafter = _Drafter(article, result.article, publication, registries)
    for span in sentences:
        inside = [e for e in expressions if span[0] <= e.start < span[1]]
        primary = _primary(inside)
        for e in inside:
            if e.value is None or e.note.startswith("weekday contradicts"):
                result.warnings.append(f"'{e.text}' at {e.start}: {e.note}")
        if primary is None:
            attribution = sentence_attribution(text, span, registries["outlets"])
            drafter.last_attribution = attribution or drafter.last_attribution
            continue
        draft = _settle(drafter.draft(span, primary), known, result.article)
        if draft.outcome == "new" and write:
            written = write_new(out, draft.stem, draft_text(draft.fields, list(draft.comments)))
            draft = Draft(**{**draft.__dict__, "outcome": "written", "target": str(written)})
            known.append(KnownEvent(written.stem, written, parse_date(draft.fields["date"]),
                                    frozenset(draft.fields["actors"]), frozenset(),
                                    ((result.article, span[0], span[1]),), True))
        result.drafts.append(draft)
    return result
