"""Suggesting a short headline for a drafted event from the sentence it rests on.

Deterministic rewriting, no model: the date words, lead-ins ("According to ...,") and reporting
frames ("X reported that") go; an appositive subject ("Russia's ambassador, Alexander Matsegora,")
becomes the registered name; asides between commas and trailing clauses (", which ...", "; ...",
", and that ...", a purpose "to ..." after a place) are cut; a few past-tense verbs become the
headline present ("told" -> "tells"). A quotation that opens the sentence becomes
"Speaker: “first sentence of the quote”".
"""

from __future__ import annotations

import re

MAX_WORDS = 16

_LEAD_IN = re.compile(
    r"^(?:(?:according\s+to\s+[^,]{1,80},(?:\s*which\s[^,]{1,120},)?|earlier|later|in\s+addition|"
    r"meanwhile|however|separately|also|on\s+(?:the\s+)?(?:same|that)\s+day|"
    r"(?:during|at|after)\s+(?:that|the|this)\s+(?:visit|meeting|trip|talks|summit))\s*,?\s*)+",
    re.IGNORECASE)
_REPORTING_THAT = re.compile(
    r"^.{0,80}?\b(?:(?:reported|reports|said|says|announced|claims?|claimed|confirmed)\s+that|"
    r"comes?\s+as|came\s+as)\s+",
    re.IGNORECASE)
_TOLD_THAT = re.compile(r"\b(told|tells)\s+(?P<whom>[^,]{1,60}?)\s+that\s+")
_ASIDE = re.compile(
    r",\s+(?:yet|who|which|already|still|reportedly|not|also|once|now)\b[^,]{0,80},(?=\s+[a-z])")
_TAIL = re.compile(
    r"(?:,[\u201d\"]?\s*(?:which|who|where|when|and\s+that|based\s+on|according\s+to|in\s+exchange|"
    r"for)\b|"
    r";|\s[\u2014\u2013-]\s|\u2014|,\s+[\w\u2019']+\s+(?:reported|said|claims?)\b|"
    r"\s+based\s+on\b|\s+in\s+order\s+to\b)")
_PURPOSE_AFTER_PLACE = re.compile(r"(\bto\s+(?:[A-Z][\w\u2019'-]*\s*)+?)\s+to\s+[a-z]\w*\b.*$")
_HEADLINE_VERBS = (
    (r"\bhad\s+said\b", "says"), (r"\bsaid\b", "says"), (r"\btold\b", "tells"),
    (r"\bhad\s+travell?ed\b", "travels"), (r"\btravell?ed\b", "travels"),
    (r"\bhad\s+visited\b", "visits"), (r"\bvisited\b", "visits"), (r"\bhad\s+met\b", "meets"),
    (r"\bwould\s+be\s+scheduled\b", "planned"), (r"\bhad\s+invited\b", "invites"),
    (r"\binvited\b", "invites"), (r"\balso\s+", ""), (r"\bcurrently\s+", ""),
)
_OPENING_QUOTE = re.compile(r"^[\u201c\"](?P<quote>.+?)[,.!?]?[\u201d\"],?\s+(?P<rest>.*)$")


def _first_sentence(quote: str) -> str:
    return re.split(r"(?<=[.!?])\s+", quote.strip())[0].rstrip(".!?, ")


_ROLE = re.compile(r"(?:(?:[A-Z][\w\u2019'-]*|of|the|to)\s+){0,4}?(?:leader|[Mm]inister|President|"
                   r"[Aa]mbassador|[Cc]hief|[Ss]ecretary|[Ss]pokes(?:man|woman)|[Dd]irector|"
                   r"[Ee]xecutive|[Gg]overnor|[Gg]eneral)\s+")


def _clean(text: str) -> str:
    text = re.sub(r"\s+", " ", text).strip(" ,.;:")
    text = re.sub(r"\s+([,.;:])", r"\1", text)
    text = re.sub(r"[,.;:]+(?=[\u201d\"]$)", "", text)
    if text.count("\u201c") > text.count("\u201d"):
        text += "\u201d"
    return text


def _shorten(text: str, people: list[str]) -> str:
    """At most MAX_WORDS words: first drop job titles before names, then cut at a comma or a word."""
    for name in people:
        if len(text.split(" ")) > MAX_WORDS:
            text = re.sub(rf"(?<![\w-]){_ROLE.pattern}(?={re.escape(name)})", "", text, count=1)
    words = text.split(" ")
    if len(words) <= MAX_WORDS:
        return text
    cut = " ".join(words[:MAX_WORDS])
    comma = cut.rfind(",")
    return (cut[:comma] if comma > len(cut) // 2 else cut).rstrip(" ,;:") + "…"


def headline(sentence: str, date_span: tuple[int, int] | None, names: dict[str, str],
             subject: tuple[str, str] | None = None) -> str:
    """A short headline from `sentence`.

    `date_span` is the date expression's offsets within the sentence (removed); `names` maps a
    registered name or alias as written to the name to show ("Russian news agency TASS" ->
    "TASS"); `subject` replaces an anaphoric opening ("Their" -> "Kim and Putin's").
    """
    text = sentence
    if date_span is not None:
        before = re.sub(r"\b(?:in|on|during|since|from|by|at)\s+$", "", text[:date_span[0]])
        text = before + text[date_span[1]:]
    if subject is not None and text.startswith(subject[0]):
        text = subject[1] + text[len(subject[0]):]
    opening = _OPENING_QUOTE.match(text.strip())
    if opening:
        speaker = next((shown for written, shown in names.items()
                        if written in opening["rest"] and " " in shown), "")
        if speaker:
            return _clean(f"{speaker}: \u201c{_first_sentence(opening['quote'])}\u201d")
        text = opening["rest"]
    text = _LEAD_IN.sub("", text.strip(" ,"))
    text = _REPORTING_THAT.sub("", text)
    for written, shown in sorted(names.items(), key=lambda pair: -len(pair[0])):
        if " " in shown or written != shown:
            appositive = re.match(rf"^[^,]{{3,80}},\s+{re.escape(written)},\s+", text)
            if appositive:
                text = shown + " " + text[appositive.end():]
        if written != shown:
            text = re.sub(rf"(?<![\w-]){re.escape(written)}(?![\w-])", shown, text)
    text = _ASIDE.sub("", text)
    told = _TOLD_THAT.search(text)
    if told:
        text = text[:told.start()] + f"tells {told['whom']} " + text[told.end():]
    tail = _TAIL.search(text)
    if tail and tail.start() > 10:
        text = text[:tail.start()]
    text = _PURPOSE_AFTER_PLACE.sub(r"\1", text)
    for pattern, replacement in _HEADLINE_VERBS:
        text = re.sub(pattern + (r"\s*" if not replacement else ""), replacement, text, count=1)
    text = _shorten(_clean(text), [shown for shown in names.values() if " " in shown])
    return text[:1].upper() + text[1:] if text else "Untitled event"
