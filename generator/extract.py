"""Drafting events from an article: one draft per sentence that carries a dated claim.

Each draft uses the event format content.py validates, so an editor can move it into
content/events/. Evidence already extracted is not drafted again, and a draft on the same date as
an existing event with a shared actor is reported as a new source for that event instead (not a
draft dated only by the publication date: that date is not the event's).
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import date
from pathlib import Path
from typing import Any

from generator.article import Article, read_article
from generator.attribution import sentence_attribution
from generator.config import SiteConfig
from generator.dates import parse_date
from generator.discourse import reference
from generator.drafting import Dating, Draft, Drafter, uncertain
from generator.drafts import KnownEvent, draft_text, index_events, same_dates, write_new
from generator.errors import ContentError, Problem
from generator.registry import Registry, load_registry
from generator.timeresolve import (
    Publication,
    TimeExpression,
    day_value,
    infer_publication,
    resolve_mentions,
)
from generator.timex import find_mentions


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
            return replace(draft, outcome="already-extracted", target=str(event.path))
    if draft.dated_by == "publication":
        return draft
    value = parse_date(draft.fields["date"])
    actors = set(draft.fields["actors"])
    matches = [e for e in known if e.date and same_dates(e.date, value) and e.actors & actors]
    if matches:
        best = max(matches, key=lambda e: (len(e.actors & actors), not e.is_draft))
        return replace(draft, outcome="new-source", target=best.id)
    return draft


def _dating(expression: TimeExpression | None, previous: Draft | None, words: str,
            publication: Publication) -> Dating | None:
    """How a sentence's draft is dated: by its own expression, by the previous sentence's event
    it refers to (`words`, e.g. 'During that visit'), or as of the publication date."""
    if expression is not None:
        assert expression.value is not None
        how = f"; {expression.note}" if expression.note else ""
        return Dating(expression.value, expression.direction,
                      f"date: '{expression.text}' -> {expression.value} "
                      f"({expression.direction or 'no tense cue'}{how})", expression)
    if previous is not None:
        value = uncertain(previous.fields["date"])
        return Dating(value, "past", f"date: '{words}' refers to the previous sentence's event "
                      f"({previous.fields['date']}), so {value}, uncertain; check it",
                      dated_by="reference")
    if publication.day is None:
        return None
    value = day_value(publication.day) + "~"
    return Dating(value, "past", f"date: none in the sentence; {value} is the publication date, "
                  "as of which the claim was reported (the event itself may be earlier, or later "
                  "if planned); check it", dated_by="publication")


def _drafts(article: Article, drafter: Drafter, expressions: list[TimeExpression],
            publication: Publication, warnings: list[str]) -> list[Draft]:
    """The drafts of the whole article, in order, before they are checked against existing ones."""
    text = article.text
    drafts: list[Draft] = []
    previous: Draft | None = None  # the previous sentence's draft
    subjects: list[str] = []  # actor ids the previous sentence's subject stands for
    for span in article.sentences:
        inside = [e for e in expressions if span[0] <= e.start < span[1]]
        for e in inside:
            if e.value is None or e.note.startswith("weekday contradicts"):
                warnings.append(f"'{e.text}' at {e.start}: {e.note}")
        ref = reference(text[span[0]:span[1]])
        main = drafter.main_actors(span)
        subject = (ref.words, subjects) if ref.kind in ("plural", "singular") and subjects else None
        subjects = subjects if subject is not None and ref.kind == "plural" else main
        primary = _primary(inside)
        if primary is None and ref.continues and previous is not None:
            previous = drafter.extend(previous, span, ref.words)
            drafts[-1] = previous
            continue
        dating = None
        if primary is not None:
            dating = _dating(primary, None, "", publication)
        elif ref.kind == "event" and previous is not None and previous.dated_by != "publication":
            dating = _dating(None, previous, ref.words, publication)
        elif drafter.claims(span):
            dating = _dating(None, None, "", publication)
        if dating is None:
            attribution = sentence_attribution(text, span, drafter.registries["outlets"])
            drafter.last_attribution = attribution or drafter.last_attribution
            previous = None
            continue
        plural_subject = subject if subject is not None and ref.kind == "plural" else None
        previous = drafter.draft(span, dating, plural_subject)
        drafts.append(previous)
    return drafts


def extract_article(config: SiteConfig, path: Path, *, published: date | None = None,
                    out_dir: Path | None = None, today: date | None = None,
                    write: bool = True) -> ExtractResult:
    """Find the time expressions in the article at `path`, draft events, and write new drafts."""
    article = read_article(path, published)
    registries = _load_registries(config)
    publication, expressions = time_expressions(article, today or date.today())
    result = ExtractResult("", publication, expressions)
    result.article = _article_name(config, article, result.warnings)
    out = out_dir if out_dir is not None else config.content_path / "drafts"
    known, warnings = index_events([(config.content_path / "events", False), (out, True)],
                                   config.seeds_dir, registries["actors"], registries["outlets"])
    result.warnings.extend(warnings)
    drafter = Drafter(article, result.article, publication, registries)
    for draft in _drafts(article, drafter, expressions, publication, result.warnings):
        draft = _settle(draft, known, result.article)
        if draft.outcome == "new" and write:
            written = write_new(out, draft.stem, draft_text(draft.fields, list(draft.comments)))
            draft = replace(draft, outcome="written", target=str(written))
            derived = draft.fields["derived_from"]
            dated = draft.dated_by != "publication"  # an as-of date matches no other event
            known.append(KnownEvent(written.stem, written,
                                    parse_date(draft.fields["date"]) if dated else None,
                                    frozenset(draft.fields["actors"]), frozenset(),
                                    ((result.article, derived["start"], derived["end"]),), True))
        result.drafts.append(draft)
    return result
