"""Markdown rendering and sanitizing: nothing executable from content reaches a page."""

from __future__ import annotations

from html.parser import HTMLParser

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from generator.markup import MarkupRenderer

ATTACKS = [
    "<script>alert(1)</script>",
    "<img src=x onerror=alert(1)>",
    "[click](javascript:alert(1))",
    "<a href=\"JaVaScRiPt:alert(1)\">x</a>",
    "<a href=\"&#106;avascript:alert(1)\">x</a>",
    "<iframe src=\"javascript:alert(1)\"></iframe>",
    "<svg onload=alert(1)></svg>",
    "<div style=\"background:url(javascript:alert(1))\">x</div>",
    "<object data=\"x.swf\"></object>",
    "<form action=\"javascript:alert(1)\"><button>x</button></form>",
]


class _Elements(HTMLParser):
    """Collects every (tag, attributes) pair of an HTML fragment, as a browser would parse it."""

    def __init__(self) -> None:
        super().__init__()
        self.found: list[tuple[str, dict[str, str]]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.found.append((tag, {k: v or "" for k, v in attrs}))


def elements(html: str) -> list[tuple[str, dict[str, str]]]:
    parser = _Elements()
    parser.feed(html)
    return parser.found


@pytest.mark.parametrize("mode", ["sanitize", "escape", "embed"])
@pytest.mark.parametrize("attack", ATTACKS)
def test_no_script_survives(mode: str, attack: str) -> None:
    for tag, attributes in elements(MarkupRenderer(mode).render(attack)):
        assert tag not in {"script", "svg", "object", "form", "style"}
        for name, value in attributes.items():
            assert not name.startswith("on")
            assert name != "style"
            assert not value.strip().lower().startswith("javascript:")


def test_markdown_formatting_is_kept() -> None:
    html = MarkupRenderer().render("Some *emphasis* and a [link](https://example.org/).")
    assert html == ('<p>Some <em>emphasis</em> and a <a href="https://example.org/" '
                    'rel="noopener noreferrer">link</a>.</p>')


def test_inline_drops_the_paragraph() -> None:
    assert MarkupRenderer().render_inline("a **b**") == "a <strong>b</strong>"


def test_escape_mode_shows_html_as_text() -> None:
    assert MarkupRenderer("escape").render("<b>x</b>") == "<p>&lt;b&gt;x&lt;/b&gt;</p>"


def test_external_images_become_links_so_pages_stay_offline() -> None:
    html = MarkupRenderer().render("![a map](https://tiles.example.com/m.png) and ![local](/img/a.png)")
    assert '<a href="https://tiles.example.com/m.png" rel="noopener noreferrer">a map</a>' in html
    assert '<img alt="local" src="/img/a.png">' in html
    raw = MarkupRenderer().render('<img src="https://tracker.example.com/p.gif">')
    assert "tracker.example.com" not in raw


def test_embed_mode_allows_iframes() -> None:
    html = MarkupRenderer("embed").render('<iframe src="https://video.example.com/e/1"></iframe>')
    assert '<iframe src="https://video.example.com/e/1">' in html
    assert "<iframe" not in MarkupRenderer().render('<iframe src="https://video.example.com/e/1"></iframe>')


SNIPPETS = ["[a](https://x.org/)", "<https://x.org/>", "<me@x.org>", "&amp;", "&#65;", "`code`", "``a`b``",
            "![i](y.png)", "[^1]", "\n\n[^1]: a note\n", "\n\n*[HTML]: Hyper\n", "HTML", "<b>x</b>", "a  \nb",
            "\\*", "*em*", "**strong**", "_u_", "__uu__", "[ref]", "\n\n[ref]: https://x.org/\n", "\n\n- item\n",
            "\n\n    code\n", "\n\n> quote\n", "\n\n# Head\n", "a\r\nb", "\t", "<!-- c -->", "{: .x}", "|a|b|\n|-|-|\n"]


MARKDOWNISH = st.text(alphabet="ab *_`\\[]()!<>&;#:/.@\n\r\t-|^{}~'", max_size=12)


@pytest.mark.parametrize("text", ["<hr>Photo: Reuters  <div>", '<p markdown="1">b  '])
def test_line_breaks_after_html_blocks_survive_the_narrowed_patterns(text: str) -> None:
    """The HTML block steps add the newline a line break needs: that pattern is always tried."""
    narrowed, every = MarkupRenderer(), MarkupRenderer()
    every._markdown()[1].narrow = lambda text: None  # type: ignore[method-assign]
    assert narrowed.render(text) == every.render(text) and "<br" in every.render(text)


@settings(max_examples=300, deadline=None)
@given(st.lists(st.one_of(st.sampled_from(SNIPPETS), MARKDOWNISH), max_size=8).map("".join))
def test_trying_only_the_inline_patterns_that_can_match_changes_nothing(text: str) -> None:
    """MarkupRenderer skips the inline patterns whose characters a text lacks; the HTML must not change."""
    for raw_html in ("sanitize", "escape"):
        narrowed, every = MarkupRenderer(raw_html), MarkupRenderer(raw_html)
        every._markdown()[1].narrow = lambda text: None  # type: ignore[method-assign]  # every pattern, always
        assert narrowed.render(text) == every.render(text), text


def test_the_converter_is_python_markdowns_extra_and_sane_lists() -> None:
    """The converter is built from extension instances (no entry-point scan) in the order "extra" names them."""
    import markdown
    import markdown.util

    text = ("Some *text* [a](https://example.org)\n\n- a\n- b\n\n| a | b |\n|---|---|\n| 1 | 2 |\n\n"
            "Foot[^1]\n\n[^1]: note\n\n*[HTML]: Hyper\n\nHTML abbr {: #id }\n\n```\ncode\n```\n\n"
            "Term\n:   definition\n\n<div markdown=\"1\">*inside*</div>\n\n1. one\n* two\n")
    markup = MarkupRenderer()
    markdown.util.get_installed_extensions.cache_clear()
    html = markup.render(text)
    assert markdown.util.get_installed_extensions.cache_info().misses == 0
    by_name = markdown.Markdown(extensions=["extra", "sane_lists"], output_format="html").convert(text)
    assert html == markup.sanitize(by_name)
