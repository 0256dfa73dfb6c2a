"""Coreference-lite between neighbouring sentences of an article.

Three patterns, all at the start of a sentence: a pronoun or "the two men" that names the
previous sentence's subject ("Their meeting ...", "The two men intend ..."); a sentence that
continues the previous one's statement ("When asked ..., he said ..."); and a reference back to
the previous sentence's event ("During that visit, ..."). No model: a few patterns, and the
actors of the previous sentence's main clause (after any "According to ...," lead-in).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from generator.registry import Registry

_PLURAL = re.compile(r"(?:Their|They|The\s+two\s+(?:men|leaders|sides|presidents)|"
                     r"Both\s+(?:men|leaders|sides))\b")
_SINGULAR = re.compile(r"(?:He|She|His|Her)\b")
_EVENT = re.compile(r"(?:During|At|After)\s+(?:that|the|this)\s+(?:visit|meeting|trip|talks|summit)\b")
_LEAD = re.compile(r"(?:(?:When|While|As|After)\s+(?:asked|questioned|pressed)\b[^,]{0,150},\s+|"
                   r"(?:Asked|Pressed)\s[^,]{1,150},\s+)")
_SUBJECT_PRONOUN = re.compile(r"(?:he|she|they)\b")
_ATTRIBUTION_LEAD = re.compile(r"According\s+to\s+[^,]{1,80},(?:\s*which\s[^,]{1,120},)?\s*")


@dataclass(frozen=True)
class Reference:
    """What the opening of a sentence refers back to."""

    kind: str = ""  # plural, singular, event, or "" for none
    words: str = ""  # the referring words as written ("Their", "During that visit")
    continues: bool = False  # its subject is the previous sentence's: it goes on with that claim


def reference(sentence: str) -> Reference:
    """How the sentence's opening refers to the previous sentence, if it does."""
    if match := _EVENT.match(sentence):
        return Reference("event", match[0])
    if match := _PLURAL.match(sentence):
        possessive = match[0] == "Their"
        return Reference("plural", match[0], continues=not possessive)
    if match := _SINGULAR.match(sentence):
        return Reference("singular", match[0], continues=match[0] in ("He", "She"))
    if (lead := _LEAD.match(sentence)) and (pronoun := _SUBJECT_PRONOUN.match(sentence, lead.end())):
        return Reference("singular", pronoun[0], continues=True)
    return Reference()


def main_clause_start(text: str, span: tuple[int, int]) -> int:
    """Where the sentence's main clause starts: after an 'According to ..., which ...,' lead-in."""
    match = _ATTRIBUTION_LEAD.match(text, span[0], span[1])
    return match.end() if match else span[0]


def short_name(registry: Registry, entity_id: str) -> str:
    """The shortest one-word alias that is part of the name (Kim, Putin), else the name."""
    entity = registry.entries[entity_id]
    words = re.split(r"[\s-]+", entity.name)
    short = [a for a in entity.aliases if " " not in a and a in words]
    return min(short, key=len) if short else entity.name


def subject_phrase(words: str, names: list[str]) -> str:
    """What replaces the referring words in a headline: 'Their' -> "Kim and Putin's"."""
    joined = " and ".join(names) if len(names) < 3 else ", ".join(names[:-1]) + " and " + names[-1]
    return joined + "\u2019s" if words in ("Their", "His", "Her") else joined
