"""Reading an article: optional YAML front matter, the text as read, and its sentences.

Every offset is a Python string index into the whole file as read (front matter included), so
`text[start:end]` is exactly the evidence, and `derived_from` offsets validate in content.py.
"""

from __future__ import annotations

import datetime as dt
import difflib
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from generator.errors import ExtractError

FRONT_MATTER_FIELDS = ("title", "outlet", "url", "published", "language")
_FRONT_MATTER = re.compile(r"---[ \t]*\n(?P<yaml>.*?)\n(?:---|\.\.\.)[ \t]*(?:\n|\Z)", re.DOTALL)
_ABBREVIATIONS = frozenset((
    "mr", "mrs", "ms", "dr", "gen", "sen", "rep", "gov", "st", "lt", "col", "sgt", "capt", "maj",
    "adm", "prof", "jr", "sr", "co", "inc", "ltd", "corp", "no", "vs", "u.s", "u.k", "u.n", "e.g",
    "i.e", "a.m", "p.m", "jan", "feb", "mar", "apr", "jun", "jul", "aug", "sep", "sept", "oct",
    "nov", "dec"))
_SENTENCE_END = re.compile(r"[.!?][\"'\u201d\u2019)\]]*(?=\s+[\"'\u201c\u2018(\[]?[A-Z0-9])")


@dataclass(frozen=True)
class Article:
    """One article: where it is, its full text as read, front matter and sentence spans."""

    path: Path
    text: str
    body_start: int  # where the text after the front matter begins
    title: str = ""
    outlet: str = ""
    url: str = ""
    language: str = "en"
    published: dt.date | None = None
    published_how: str = ""
    sentences: tuple[tuple[int, int], ...] = ()

    def sentence_at(self, offset: int) -> tuple[int, int]:
        """The (start, end) of the sentence containing `offset`."""
        for span in self.sentences:
            if span[0] <= offset < span[1]:
                return span
        raise ValueError(f"offset {offset} is not inside a sentence")


def parse_published(value: str, what: str) -> dt.date:
    """A YYYY-MM-DD publication date, or ExtractError naming `what` (e.g. '--published')."""
    try:
        return dt.date.fromisoformat(value.strip())
    except ValueError:
        raise ExtractError(f"{what}: '{value}' is not a date; write it as YYYY-MM-DD") from None


def _inside_quote(chunk: str) -> bool:
    """True when `chunk` opens a quotation it has not closed (no split inside quoted speech)."""
    return chunk.count("“") > chunk.count("”") or chunk.count('"') % 2 == 1


def split_sentences(text: str, start: int, end: int) -> list[tuple[int, int]]:
    """Sentence spans inside text[start:end]: paragraphs split at . ! ? before a capital."""
    spans: list[tuple[int, int]] = []
    for para in re.finditer(r"[^\n]+", text[start:end]):
        left = start + para.start()
        right = start + para.end()
        cut = left
        for match in _SENTENCE_END.finditer(text, left, right):
            word = re.search(r"([\w.]+)$", text[cut:match.start()])
            if word and word[1].casefold().rstrip(".") in _ABBREVIATIONS:
                continue
            if _inside_quote(text[cut:match.start() + 1]):
                continue
            spans.append((cut, match.end()))
            cut = match.end()
        spans.append((cut, right))
    trimmed = []
    for left, right in spans:
        chunk = text[left:right]
        stripped = chunk.strip()
        if stripped:
            offset = left + len(chunk) - len(chunk.lstrip())
            trimmed.append((offset, offset + len(stripped)))
    return trimmed


def _front_matter(text: str, path: Path) -> tuple[dict[str, Any], int]:
    match = _FRONT_MATTER.match(text)
    if not match:
        return {}, 0
    try:
        data = yaml.safe_load(match["yaml"])
    except yaml.YAMLError as exc:
        raise ExtractError(f"{path}: the front matter is not valid YAML: {exc}") from None
    if data is None:
        return {}, match.end()
    if not isinstance(data, dict):
        raise ExtractError(f"{path}: the front matter must be 'field: value' lines")
    for key in data:
        if key not in FRONT_MATTER_FIELDS:
            close = difflib.get_close_matches(str(key), FRONT_MATTER_FIELDS, n=1)
            hint = f"did you mean '{close[0]}'?" if close else "allowed: " + ", ".join(
                FRONT_MATTER_FIELDS)
            raise ExtractError(f"{path}: unknown front matter field '{key}' ({hint})")
    return data, match.end()


def _text_field(data: dict[str, Any], key: str, path: Path) -> str:
    value = data.get(key)
    if value is None:
        return ""
    if not isinstance(value, str):
        raise ExtractError(f"{path}: front matter '{key}' must be text")
    return value.strip()


def read_article(path: Path, published: dt.date | None = None) -> Article:
    """Read `path` (plain text or Markdown); `published` overrides the front matter's date."""
    if not path.is_file():
        raise ExtractError(f"{path}: no such article")
    text = path.read_text(encoding="utf-8", errors="replace")
    data, body_start = _front_matter(text, path)
    how = ""
    if published is not None:
        how = "given with --published"
    elif data.get("published") is not None:
        raw = data["published"]
        if isinstance(raw, dt.datetime):
            raw = raw.date()
        published = raw if isinstance(raw, dt.date) else parse_published(
            str(raw), f"{path}: front matter 'published'")
        how = "given in the front matter"
    url = _text_field(data, "url", path)
    if url and not url.startswith(("http://", "https://")):
        raise ExtractError(f"{path}: front matter 'url' must start with http:// or https://")
    return Article(
        path=path, text=text, body_start=body_start, title=_text_field(data, "title", path),
        outlet=_text_field(data, "outlet", path), url=url,
        language=_text_field(data, "language", path) or "en", published=published,
        published_how=how, sentences=tuple(split_sentences(text, body_start, len(text))),
    )
