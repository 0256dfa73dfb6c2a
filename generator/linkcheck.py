"""Link checking of a built site: internal links resolve to files, and every #fragment exists.

A link is internal when it resolves under the site's base URL (root-relative and relative links
always do, absolute ones when they start with base_url). Internal links must name a file in the
output folder, or a folder with an index.html, and their fragment must be an `id` (or an `<a
name>`) in the target page. A root-relative link outside the base path, such as `/events/x/` on a
site served under `/repo/`, is broken: that is how project sites on GitHub Pages break.
External links are only checked on request, with one HEAD (or GET) per distinct URL.
"""

from __future__ import annotations

import urllib.error
import urllib.request
from collections.abc import Callable, Iterable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urldefrag, urljoin, urlsplit

from generator.errors import OutputError

LINK_ATTRIBUTES = frozenset({"href", "src"})
SKIPPED_SCHEMES = frozenset({"mailto", "tel", "javascript", "data", "about", "sms"})
PLACEHOLDER_ORIGIN = "http://build-site.invalid"  # stands in for the host when base_url has none
NOT_FOUND_PAGE = "404.html"
USER_AGENT = "build-site-linkcheck/1"


@dataclass(frozen=True, order=True)
class BrokenLink:
    """One broken link: the page it is on (relative to the output folder), the link, and why."""

    page: str
    link: str
    reason: str = field(compare=False)


@dataclass(frozen=True)
class CheckReport:
    """What a link check found."""

    pages: int
    links: int  # internal links checked (one per page and link)
    external: int  # distinct external URLs requested (0 without --external)
    broken: tuple[BrokenLink, ...]

    @property
    def ok(self) -> bool:
        """True when no link is broken."""
        return not self.broken

    def summary(self) -> str:
        """The closing line, e.g. 'Checked 1200 links in 48 pages: 0 broken'."""
        text = f"Checked {self.links} internal links in {self.pages} pages"
        if self.external:
            text += f" and {self.external} external URLs"
        return f"{text}: {len(self.broken)} broken"


@dataclass
class ParsedPage:
    """The links and fragment targets of one HTML page."""

    links: list[str] = field(default_factory=list)
    ids: set[str] = field(default_factory=set)
    base_href: str | None = None


class _LinkParser(HTMLParser):
    """Collects every href and src, every id and <a name>, and the <base href>."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.page = ParsedPage()

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        for name, value in attrs:
            if value is None:
                continue
            if name == "id" or (name == "name" and tag == "a"):
                self.page.ids.add(value)
            elif tag == "base" and name == "href":
                self.page.base_href = self.page.base_href or value
            elif name in LINK_ATTRIBUTES and value.strip():
                self.page.links.append(value.strip())

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.handle_starttag(tag, attrs)


def parse_page(html: str) -> ParsedPage:
    """The links, ids and base href of an HTML document."""
    parser = _LinkParser()
    parser.feed(html)
    parser.close()
    return parser.page


def page_url(site_root: str, page: str) -> str:
    """The URL a page of the output folder is served at: events/x/index.html -> <root>events/x/."""
    path = page.removesuffix("index.html") if page.rsplit("/", 1)[-1] == "index.html" else page
    return urljoin(site_root, path)


def probe_url(url: str, timeout: float) -> str | None:
    """Why an external URL is broken (an HTTP status or a network error), or None if it works."""
    reason = None
    for method in ("HEAD", "GET"):
        headers = {"User-Agent": USER_AGENT}
        request = urllib.request.Request(url, method=method, headers=headers)  # noqa: S310
        try:  # only http(s) URLs reach here
            with urllib.request.urlopen(request, timeout=timeout):  # noqa: S310
                return None
        except urllib.error.HTTPError as exc:
            reason = f"HTTP {exc.code}"
        except (urllib.error.URLError, TimeoutError, OSError) as exc:
            detail = getattr(exc, "reason", exc)
            return f"cannot connect: {detail}"
    return reason


class SiteChecker:
    """Checks the links of one built site against its output folder."""

    def __init__(self, output: Path, base_url: str) -> None:
        self.output = output.resolve()
        parts = urlsplit(base_url)
        base_path = parts.path or "/"
        self.base_path = base_path if base_path.endswith("/") else base_path + "/"
        origin = f"{parts.scheme}://{parts.netloc}" if parts.scheme else PLACEHOLDER_ORIGIN
        self.origin = origin.lower()
        self.site_root = self.origin + self.base_path
        self._parsed: dict[str, ParsedPage] = {}

    def pages(self) -> list[str]:
        """Every HTML page of the output folder, as sorted output-relative paths."""
        return sorted(p.relative_to(self.output).as_posix() for p in self.output.rglob("*.html")
                      if p.is_file())

    def parsed(self, page: str) -> ParsedPage:
        """The parsed page (cached: each page is read once however often it is linked)."""
        if page not in self._parsed:
            text = (self.output / page).read_text(encoding="utf-8", errors="replace")
            self._parsed[page] = parse_page(text)
        return self._parsed[page]

    def is_internal(self, url: str) -> bool:
        """True when an absolute URL is on this site's host."""
        parts = urlsplit(url)
        return f"{parts.scheme}://{parts.netloc}".lower() == self.origin

    def target_file(self, url: str) -> str | None:
        """The output-relative file an internal URL is served from, or None if there is none."""
        path = unquote(urlsplit(url).path)
        if not path.startswith(self.base_path):
            return None
        relative = path[len(self.base_path):]
        if relative == "" or relative.endswith("/"):
            relative += "index.html"
        target = (self.output / relative).resolve()
        if not target.is_relative_to(self.output):
            return None
        if target.is_dir():  # GitHub Pages redirects /x to /x/
            target = target / "index.html"
        return target.relative_to(self.output).as_posix() if target.is_file() else None

    def check_link(self, page: str, link: str, base: str) -> tuple[str | None, str | None]:
        """(why the link is broken or None, the external URL to probe or None)."""
        scheme = urlsplit(link).scheme.lower()
        if scheme in SKIPPED_SCHEMES:
            return None, None
        if page == NOT_FOUND_PAGE and not scheme and not link.startswith(("/", "#")):
            return "relative link in 404.html, which is served at any address", None
        url, fragment = urldefrag(urljoin(base, link))
        if urlsplit(url).scheme not in ("http", "https"):
            return None, None
        under_base = urlsplit(url).path.startswith(self.base_path)
        if not self.is_internal(url) or (urlsplit(link).netloc and not under_base):
            return None, url  # another host, or another site on this host
        if not under_base:
            return f"outside the site's base path {self.base_path}", None
        target = self.target_file(url)
        if target is None:
            return "no such file in the output", None
        fragment = unquote(fragment)
        if (fragment and fragment != "top" and target.endswith(".html")
                and fragment not in self.parsed(target).ids):
            return f"no id '{fragment}' in {target}", None
        return None, None

    def check(self, external: bool = False, timeout: float = 5.0,
              probe: Callable[[str, float], str | None] = probe_url) -> CheckReport:
        """Check every page; with `external`, also request every distinct external URL."""
        if not self.output.is_dir():
            raise OutputError(f"there is no built site at {self.output}; run build-site build "
                              "first, or drop --no-build")
        broken: set[BrokenLink] = set()
        outside: dict[str, set[tuple[str, str]]] = {}
        pages = self.pages()
        checked = 0
        for page in pages:
            parsed = self.parsed(page)
            here = page_url(self.site_root, page)
            base = urljoin(here, parsed.base_href) if parsed.base_href else here
            for link in dict.fromkeys(parsed.links):
                reason, external_url = self.check_link(page, link, base)
                if external_url is not None:
                    outside.setdefault(external_url, set()).add((page, link))
                    continue
                checked += 1
                if reason:
                    broken.add(BrokenLink(page, link, reason))
        probed = 0
        if external and outside:
            probed = len(outside)
            broken.update(self._probe_all(outside, timeout, probe))
        return CheckReport(len(pages), checked, probed, tuple(sorted(broken)))

    @staticmethod
    def _probe_all(outside: dict[str, set[tuple[str, str]]], timeout: float,
                   probe: Callable[[str, float], str | None]) -> Iterable[BrokenLink]:
        urls = sorted(outside)
        with ThreadPoolExecutor(max_workers=8) as pool:
            reasons = list(pool.map(lambda url: probe(url, timeout), urls))
        for url, reason in zip(urls, reasons, strict=True):
            if reason:
                for page, link in outside[url]:
                    yield BrokenLink(page, link, reason)


def check_site(output: Path, base_url: str, external: bool = False,
               timeout: float = 5.0) -> CheckReport:
    """Check the links of the site built into `output` for `base_url`."""
    return SiteChecker(output, base_url).check(external=external, timeout=timeout)
