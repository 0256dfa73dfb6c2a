"""Who says what, and how sure: registry names, attribution chains and status cues in a sentence.

Names are matched against the registries (names and aliases, case-sensitive except for the first
letter), longest first. Capitalized names the registries do not know are *proposed*, never
created. Outlets become sources only in a sentence that attributes something ("according to",
"reported", "told ..."); "based on an Interfax report" puts Interfax in the `via` chain.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from generator.registry import Registry

_ATTRIBUTION = re.compile(
    r"\b(?:according\s+to|reported|reports|report|said|says|told|tells|claims?|claimed|citing|"
    r"cited|quoted|based\s+on|wrote|announced|stated|expresse[sd])\b", re.IGNORECASE)
_VIA_BEFORE = re.compile(r"(?:based\s+on|citing|via|quoting)\s+(?:(?:a|an|the)\s+)?$",
                         re.IGNORECASE)
_LOCATIVE_BEFORE = re.compile(
    r"\b(?:in|to|at|from|into|near|inside|visit(?:ed|ing|s)?|city\s+of|travell?ed\s+to)\s+"
    r"(?:the\s+)?$",
    re.IGNORECASE)

STATUS_CUES: tuple[tuple[str, re.Pattern[str]], ...] = tuple(
    (status, re.compile(pattern, re.IGNORECASE)) for status, pattern in (
        ("cancelled", r"\b(?:cancell?ed|called\s+off|scrapped)\b"),
        ("postponed", r"\b(?:postponed|delayed|rescheduled|put\s+off)\b"),
        ("denied", r"\b(?:denied|denies|deny|dismissed\s+(?:the\s+)?reports?)\b"),
        ("planned", r"\b(?:plans?\s+to|planned|planning\s+to|intends?\s+to|intend\s+to|will|"
                    r"would\s+be\s+(?:scheduled|held)|(?:is|are)\s+(?:scheduled|expected|set)\s+to|"
                    r"scheduled\s+for|to\s+be\s+held)\b"),
        ("reported", r"\b(?:yet\s+to\s+be\s+confirmed|not\s+(?:yet\s+)?(?:been\s+)?confirmed|"
                     r"unconfirmed|reportedly|allegedly|(?:is|are)\s+said\s+to|according\s+to|"
                     r"reported|claims?|claimed)\b"),
        ("confirmed", r"\b(?:confirmed|confirms)\b"),
    ))
_STOPWORDS = frozenset((
    "The", "There", "There\u2019s", "Their", "They", "These", "Those", "This", "That", "It", "He",
    "She",
    "We", "I", "A", "An", "But", "And", "If", "As", "On", "At", "For", "While", "After", "Before",
    "Although", "However", "Meanwhile", "Also", "According", "Earlier", "Later", "In", "During",
    "When", "Why", "What", "Who", "How", "Asked", "With", "From", "By", "To", "Of",
))
_TITLE_WORDS = frozenset((
    "President", "Minister", "Defense", "Defence", "Foreign", "Prime", "Leader", "Ambassador",
    "General", "Secretary", "Chief", "Spokesman", "Spokeswoman", "Deputy", "Officials", "Official",
    "North", "South", "East", "West",
))
_QUOTES = "\u201c\u2018\"' "
_CAPITALIZED = re.compile(r"[A-Z][\w\u2019'.-]*[\w]|[A-Z]")


@dataclass(frozen=True)
class NameMatch:
    """A registry name found in the text: its span and the id it resolves to."""

    start: int
    end: int
    id: str
    text: str


@dataclass(frozen=True)
class Attribution:
    """The outlet a sentence attributes its claim to, the chain it came through, and the cue."""

    outlet: str
    via: tuple[str, ...] = ()
    cue: str = ""
    carried: bool = False  # taken over from an earlier sentence that named the outlet


def _label_pattern(label: str) -> str:
    first, rest = label[0], re.escape(label[1:])
    head = f"[{first.upper()}{first.lower()}]" if first.isalpha() else re.escape(first)
    return rf"(?<![\w-]){head}{rest}(?![\w-])"


def find_names(text: str, start: int, end: int, registry: Registry) -> list[NameMatch]:
    """Registry names and aliases inside text[start:end], longest first, without overlaps."""
    labels = sorted({(label, entity.id) for entity in registry.entries.values()
                     for label in (entity.name, *entity.aliases) if label},
                    key=lambda pair: -len(pair[0]))
    found: list[NameMatch] = []
    for label, entity_id in labels:
        for match in re.finditer(_label_pattern(label), text[start:end]):
            s, e = start + match.start(), start + match.end()
            if all(e <= f.start or s >= f.end for f in found):
                found.append(NameMatch(s, e, entity_id, match[0]))
    return sorted(found, key=lambda f: f.start)


def sentence_attribution(text: str, span: tuple[int, int], outlets: Registry) -> Attribution | None:
    """The outlet (and via chain) the sentence at `span` attributes its claim to, if any."""
    cue = _ATTRIBUTION.search(text, *span)
    if cue is None:
        return None
    primary: list[str] = []
    via: list[str] = []
    for match in find_names(text, span[0], span[1], outlets):
        target = via if _VIA_BEFORE.search(text[span[0]:match.start]) else primary
        if match.id not in primary and match.id not in via:
            target.append(match.id)
    if not primary and not via:
        return None
    outlet = primary[0] if primary else via[0]
    return Attribution(outlet, tuple(v for v in via if v != outlet), cue[0])


def sentence_status(text: str, span: tuple[int, int], direction: str) -> tuple[str, str]:
    """The status the sentence's wording suggests, and the cue; 'reported' when nothing does."""
    for status, regex in STATUS_CUES:
        match = regex.search(text, *span)
        if match is None or (status == "planned" and direction == "past"):
            continue
        return status, match[0]
    return "reported", ""


def actors_and_places(text: str, span: tuple[int, int], actors: Registry,
                      places: Registry) -> tuple[list[NameMatch], list[NameMatch]]:
    """Actor and place ids named in the sentence; a name in both registries is a place after
    'in', 'to', 'at', 'from' and the like, an actor otherwise."""
    actor_found = find_names(text, span[0], span[1], actors)
    place_found = find_names(text, span[0], span[1], places)
    located = {(p.start, p.end) for p in place_found
               if _LOCATIVE_BEFORE.search(text[span[0]:p.start])}
    chosen_actors = [a for a in actor_found if (a.start, a.end) not in located]
    actor_spans = {(a.start, a.end) for a in chosen_actors}
    chosen_places = [p for p in place_found
                     if (p.start, p.end) in located or (p.start, p.end) not in actor_spans]
    return chosen_actors, chosen_places


def _is_title_or_demonym(words: list[str]) -> bool:
    return all(w in _TITLE_WORDS or re.search(r"(?:an|ese|ish)(?:\u2019s|'s)?$", w) for w in words)


def unknown_names(text: str, span: tuple[int, int], known: list[tuple[int, int]]) -> list[str]:
    """Capitalized names in the sentence that no registry knows (suggestions for an editor)."""
    runs: list[list[re.Match[str]]] = []
    for match in _CAPITALIZED.finditer(text, *span):
        overlaps = any(match.start() < e and match.end() > s for s, e in known)
        first_word = match.start() == span[0] or text[span[0]:match.start()].strip(_QUOTES) == ""
        if overlaps or match[0] in _STOPWORDS or (first_word and len(match[0]) < 4):
            continue
        gap = text[runs[-1][-1].end():match.start()] if runs else ""
        if runs and re.fullmatch(r"\s+(?:of\s+(?:the\s+)?)?", gap):
            runs[-1].append(match)
        else:
            runs.append([match])
    names = []
    for run in runs:
        words = [m[0] for m in run]
        name = text[run[0].start():run[-1].end()]
        if not _is_title_or_demonym(words) and name not in names:
            names.append(name)
    return names
