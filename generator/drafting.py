"""Building one draft event from the sentence(s) of an article it rests on.

A draft is dated by a time expression in its sentence; by the previous sentence's event when the
sentence refers back to it ("During that visit" -> the visit's date, marked uncertain); or, for
an attributed claim with no date of its own, approximately by the publication date, "as of"
which the claim was reported. A following sentence that only continues the statement ("When
asked ..., he said ...") is added to the draft's evidence instead of becoming a draft.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from typing import Any

from generator.article import Article
from generator.attribution import (
    Attribution,
    NameMatch,
    actors_and_places,
    find_names,
    sentence_attribution,
    sentence_status,
    unknown_names,
)
from generator.discourse import main_clause_start, short_name, subject_phrase
from generator.headline import headline
from generator.model import slugify
from generator.registry import Registry
from generator.timeresolve import Publication, TimeExpression, day_value

_QUOTED = re.compile(r"\u201c([^\u201d]+)\u201d")
_UNCONFIRMED = re.compile(r"\b(?:reportedly|allegedly|yet\s+to\s+be\s+confirmed|unconfirmed)\b",
                          re.IGNORECASE)


@dataclass(frozen=True)
class Draft:
    """One drafted event: its fields, the comments for the editor, and what became of it."""

    stem: str
    fields: dict[str, Any]
    comments: tuple[str, ...]
    expression: TimeExpression | None  # None when dated by reference or by the publication date
    proposed: tuple[str, ...]
    outcome: str = "new"  # new, written, already-extracted, new-source
    target: str = ""  # the file written, or the existing event it duplicates or adds a source to
    dated_by: str = "text"  # text, reference (the previous sentence's event), publication

    @property
    def label(self) -> str:
        """What dates the draft, for reports: the time expression or how it was dated."""
        if self.expression is not None:
            return repr(self.expression.text)
        return ("(as of the publication date)" if self.dated_by == "publication"
                else "(the previous sentence's date)")

    def as_json(self) -> dict[str, Any]:
        """The draft as plain JSON data."""
        return {"id": self.stem, "outcome": self.outcome, "target": self.target,
                "time_expression": self.expression.text if self.expression else None,
                "dated_by": self.dated_by, **self.fields,
                "notes": list(self.comments), "proposed": list(self.proposed)}


@dataclass(frozen=True)
class Dating:
    """The date a draft gets, and how: from the text, by reference, or as of publication."""

    value: str
    direction: str
    comment: str
    expression: TimeExpression | None = None
    dated_by: str = "text"


def uncertain(value: str) -> str:
    """The EDTF value with each end marked uncertain ('2023-07' -> '2023-07?')."""
    return "/".join(part if part[-1:] in "?~%" else part + "?" for part in value.split("/"))


class Drafter:
    """Builds drafts sentence by sentence, remembering the last attribution."""

    def __init__(self, article: Article, name: str, publication: Publication,
                 registries: dict[str, Registry]) -> None:
        self.article, self.name, self.publication = article, name, publication
        self.registries = registries
        self.last_attribution: Attribution | None = None

    def claims(self, span: tuple[int, int]) -> bool:
        """True when an undated sentence still carries a claim worth a draft: it names the
        outlet it is attributed to, or hedges it ('reportedly')."""
        text = self.article.text
        return (sentence_attribution(text, span, self.registries["outlets"]) is not None
                or _UNCONFIRMED.search(text, *span) is not None)

    def main_actors(self, span: tuple[int, int]) -> list[str]:
        """Actor ids named in the sentence's main clause (after an 'According to ...,' lead-in)."""
        clause = (main_clause_start(self.article.text, span), span[1])
        actors, _ = actors_and_places(self.article.text, clause, self.registries["actors"],
                                      self.registries["places"])
        return list(dict.fromkeys(a.id for a in actors))

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

    def _title_names(self, matches: list[NameMatch], kind: str) -> dict[str, str]:
        """Names as written -> as shown in a headline: an alias that is part of the registry name
        (or contains it) becomes the name: Kim -> Kim Jong-un, Russian news agency TASS -> TASS."""
        shown: dict[str, str] = {}
        for match in matches:
            name = self.registries[kind].entries[match.id].name
            related = match.text in name or name in match.text
            shown[match.text] = name if related and kind != "places" else match.text
        return shown

    def _quote(self, sentence: str) -> str:
        quote = " \u2026 ".join(q.strip(" ,") for q in _QUOTED.findall(sentence))
        return quote if len(quote) >= 40 else " ".join(sentence.split())

    def draft(self, span: tuple[int, int], dating: Dating,
              subject: tuple[str, list[str]] | None = None) -> Draft:
        """The draft for the sentence at `span`; `subject` resolves its opening pronoun
        (the words and the actor ids they stand for)."""
        text = self.article.text
        sentence = text[span[0]:span[1]]
        comments = [dating.comment]
        if self.publication.how and not self.article.published:
            comments.append(f"publication date {self.publication.value}: {self.publication.how}")
        status, cue = sentence_status(text, span, dating.direction)
        comments.append(f"status: {status}" + (f" (cue: '{cue}')" if cue else " (no cue; default)"))
        sources = self._sources(span, self._quote(sentence), status, comments)
        actors, places = actors_and_places(text, span, self.registries["actors"],
                                           self.registries["places"])
        outlets = find_names(text, *span, self.registries["outlets"])
        known = [(n.start, n.end) for n in (*actors, *places, *outlets)]
        if dating.expression is not None:
            known.append((dating.expression.start, dating.expression.end))
        proposed = tuple(unknown_names(text, span, known))
        if proposed:
            hints = []
            for name in proposed:
                hint = self.registries["actors"].suggestion(name)
                hints.append(name + ("" if hint.startswith("add it") else f" ({hint})"))
            comments.append("unknown names, not in the registries (add them to actors.yaml or "
                            "places.yaml if they matter): " + "; ".join(hints))
        actor_ids = [a.id for a in actors]
        replacement = None
        if subject is not None:
            words, ids = subject
            actor_ids = ids + actor_ids
            shown = [short_name(self.registries["actors"], i) for i in ids]
            replacement = (words, subject_phrase(words, shown))
            comments.append(f"actors: '{words}' taken to mean {', '.join(ids)} (from the previous "
                            "sentence); check it")
        names = {**self._title_names(places, "places"), **self._title_names(outlets, "outlets"),
                 **self._title_names(actors, "actors")}
        expression = dating.expression
        local = (expression.start - span[0], expression.end - span[0]) if expression else None
        title = headline(sentence, local, names, replacement)
        comments.append("title: suggested from the sentence; check it")
        fields: dict[str, Any] = {
            "title": title, "date": dating.value, "status": status,
            "summary": " ".join(sentence.split()),
            "actors": list(dict.fromkeys(actor_ids)),
            "places": list(dict.fromkeys(p.id for p in places)),
            "tags": [], "sources": sources,
            "derived_from": {"article": self.name, "start": span[0], "end": span[1]},
            "related": [],
        }
        start_day = dating.value.split("/")[0].rstrip("?~%")
        stem = f"{start_day}-{'-'.join(slugify(title).split('-')[:6])}".strip("-")
        return Draft(stem, fields, tuple(comments), expression, proposed, dated_by=dating.dated_by)

    def extend(self, draft: Draft, span: tuple[int, int], words: str) -> Draft:
        """The draft with the next sentence, which continues its statement, added as evidence."""
        text = self.article.text
        derived = dict(draft.fields["derived_from"])
        derived["end"] = span[1]
        summary = " ".join(text[derived["start"]:span[1]].split())
        actors, places = actors_and_places(text, span, self.registries["actors"],
                                           self.registries["places"])
        fields = {**draft.fields, "summary": summary, "derived_from": derived,
                  "actors": list(dict.fromkeys([*draft.fields["actors"], *(a.id for a in actors)])),
                  "places": list(dict.fromkeys([*draft.fields["places"], *(p.id for p in places)]))}
        sources = [dict(s) for s in draft.fields["sources"]]
        if sources and sources[0]["quote"] == draft.fields["summary"]:
            sources[0]["quote"] = summary
        fields["sources"] = sources
        comment = (f"summary: includes the next sentence, which continues the statement "
                   f"('{words}' refers back to it)")
        return replace(draft, fields=fields, comments=(*draft.comments, comment))
