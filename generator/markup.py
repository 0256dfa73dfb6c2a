"""Markdown to safe HTML: one configured Python-Markdown converter, then the nh3 sanitizer.

No script, event-handler attribute or `javascript:` URL survives, whatever `raw_html` says.
By default images hosted elsewhere become plain links, so a page never loads anything
from another host; `raw_html: embed` opts in to iframes, audio and video.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from collections.abc import Callable, MutableMapping
from urllib.parse import urlsplit

import markdown
import nh3
from markdown.extensions import Extension
from markdown.treeprocessors import InlineProcessor, Treeprocessor

_EMBED_TAGS = {"iframe", "video", "audio", "source", "figure", "figcaption"}
_EMBED_ATTRIBUTES = {
    "iframe": {"src", "title", "width", "height", "allowfullscreen", "loading"},
    "video": {"src", "controls", "width", "height", "poster"},
    "audio": {"src", "controls"},
    "source": {"src", "type"},
}


def _is_external(url: str) -> bool:
    parts = urlsplit(url)
    return bool(parts.scheme or parts.netloc)


class _ExternalImagesToLinks(Treeprocessor):
    """Replace images hosted elsewhere with links to them, so pages stay offline and private."""

    def run(self, root: ET.Element) -> None:
        for parent in root.iter():
            for index, child in enumerate(list(parent)):
                if child.tag == "img" and _is_external(child.get("src", "")):
                    link = ET.Element("a", {"href": child.get("src", "")})
                    link.text = child.get("alt") or "image"
                    link.tail = child.tail
                    parent.remove(child)
                    parent.insert(index, link)


class _OfflineImages(Extension):
    def extendMarkdown(self, md: markdown.Markdown) -> None:  # noqa: N802 (Markdown's API)
        md.treeprocessors.register(_ExternalImagesToLinks(md), "offline_images", 1)


# For Python-Markdown's own inline patterns, characters at least one of which a text must hold for
# the pattern to match anywhere in it (Markdown's block steps add none of them). Patterns not listed
# here are always tried; so is the line break, whose newline the HTML block steps can add.
_INLINE_NEEDS = {
    "backtick": "`", "escape": "\\", "footnote": "[", "reference": "[", "link": "[", "image_link": "[",
    "image_reference": "[", "short_reference": "[", "short_image_ref": "[", "autolink": "<",
    "automail": "<", "html": "<", "entity": "&", "em_strong": "*_",
}


class _InlinePatterns:
    """Python-Markdown's inline patterns, narrowed for each text to those that can match in it.

    The inline step tries every pattern on every piece of text, one regular expression each; most
    event texts have no link, code, HTML or entity, so that is most of a conversion's time. The
    Markdown extension `smarty` swaps the pattern list of the inline step in the same way.
    """

    def __init__(self, md: markdown.Markdown) -> None:
        inline = md.treeprocessors["inline"]
        assert isinstance(inline, InlineProcessor)
        self.inline = inline
        self.patterns = list(md.inlinePatterns)  # in the order they are tried
        self.needs = [""] * len(self.patterns)  # "": always tried
        for name, needs in _INLINE_NEEDS.items():
            if name in md.inlinePatterns:
                self.needs[md.inlinePatterns.get_index_for_name(name)] = needs
        self.narrowed: dict[tuple[bool, ...], list[object]] = {}

    def narrow(self, text: str) -> None:
        """Leave only the patterns that can match somewhere in `text` for the next conversion."""
        usable = tuple(not needs or any(c in text for c in needs) for needs in self.needs)
        patterns = self.narrowed.get(usable)
        if patterns is None:
            patterns = self.narrowed[usable] = [p for p, keep in zip(self.patterns, usable, strict=True) if keep]
        self.inline.inlinePatterns = patterns  # type: ignore[assignment]  # it only takes len() and [index]


class MarkupRenderer:
    """Converts the Markdown of summaries and bodies into sanitized HTML."""

    def __init__(self, raw_html: str = "sanitize", cache: dict[tuple[str, bool], str] | None = None,
                 load: Callable[[tuple[str, bool]], None] | None = None) -> None:
        self.raw_html = raw_html
        self.load = load  # reads the stored HTML of a text into `cache`, before a miss counts
        self._converter: tuple[markdown.Markdown, _InlinePatterns] | None = None  # made when first needed
        tags = set(nh3.ALLOWED_TAGS)
        attributes = {tag: set(names) for tag, names in nh3.ALLOWED_ATTRIBUTES.items()}
        if raw_html == "embed":
            tags |= _EMBED_TAGS
            for tag, names in _EMBED_ATTRIBUTES.items():
                attributes.setdefault(tag, set()).update(names)
        self._cleaner = nh3.Cleaner(  # built once: building it per call costs more than cleaning
            tags=tags, attributes=attributes, url_schemes={"http", "https", "mailto"},
            attribute_filter=None if raw_html == "embed" else self._filter_attribute,
            link_rel="noopener noreferrer",
        )
        self.cache: MutableMapping[tuple[str, bool], str] = {} if cache is None else cache

    def _markdown(self) -> tuple[markdown.Markdown, _InlinePatterns]:
        """The Markdown converter, made at the first conversion: 40 ms, which a build that finds every
        text in the cache does not spend."""
        if self._converter is None:
            # Instances, not names: a name is looked up among the installed packages' entry points (20 ms),
            # and so is each extension that "extra" names, so these are extra's own, in its order.
            # Imported here, as the converter is made: a build that finds every text in the cache needs none.
            from markdown.extensions.abbr import AbbrExtension
            from markdown.extensions.attr_list import AttrListExtension
            from markdown.extensions.def_list import DefListExtension
            from markdown.extensions.fenced_code import FencedCodeExtension
            from markdown.extensions.footnotes import FootnoteExtension
            from markdown.extensions.md_in_html import MarkdownInHtmlExtension
            from markdown.extensions.sane_lists import SaneListExtension
            from markdown.extensions.tables import TableExtension

            extra = [FencedCodeExtension(), FootnoteExtension(), AttrListExtension(), DefListExtension(),
                     TableExtension(), AbbrExtension(), MarkdownInHtmlExtension()]
            converter = markdown.Markdown(extensions=[*extra, SaneListExtension(), _OfflineImages()],
                                          output_format="html")
            if self.raw_html == "escape":
                converter.preprocessors.deregister("html_block")
                converter.inlinePatterns.deregister("html")
            self._converter = (converter, _InlinePatterns(converter))
        return self._converter

    def _filter_attribute(self, tag: str, name: str, value: str) -> str | None:
        if tag == "img" and name == "src" and _is_external(value):
            return None
        return value

    def sanitize(self, html: str) -> str:
        """Remove anything unsafe from an HTML fragment."""
        return self._cleaner.clean(html)

    def _known(self, key: tuple[str, bool]) -> str | None:
        html = self.cache.get(key)
        if html is None and self.load is not None:
            self.load(key)
            html = self.cache.get(key)
        return html

    def render(self, text: str) -> str:
        """Markdown to sanitized HTML (block level); each distinct text is converted once."""
        html = self._known((text, False))
        if html is None:
            converter, inline = self._markdown()
            inline.narrow(text)
            html = self.cache[(text, False)] = self.sanitize(converter.reset().convert(text))
        return html

    def render_inline(self, text: str) -> str:
        """Markdown for one paragraph, without the enclosing <p> element."""
        html = self._known((text, True))
        if html is None:
            html = self.render(text)
            if html.startswith("<p>") and html.endswith("</p>") and html.count("<p>") == 1:
                html = html[3:-4]
            self.cache[(text, True)] = html
        return html
