"""Site configuration: every `site.yaml` option declared and validated in one place."""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass, field, replace
from functools import cached_property
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from generator.errors import ConfigError, Problem, SiteError
from generator.i18n import check_words, plain_words
from generator.yamlfile import YamlLoadError, YamlMap, load_yaml

CONFIG_FILE = "site.yaml"
RAW_HTML_MODES = ("sanitize", "escape", "embed")


@dataclass(frozen=True)
class Option:
    """One `site.yaml` option: its type, default and the sentence that documents it."""

    kind: type
    default: Any
    doc: str
    choices: tuple[str, ...] = ()


OPTIONS: dict[str, Option] = {
    "title": Option(str, None, "The site's name, shown in every page header and feed. Required."),
    "description": Option(str, "", "One sentence about the timeline, for the home page and feeds."),
    "base_url": Option(str, "/", "Where the site is published, e.g. https://user.github.io/repo/."),
    "language": Option(
        str, "en",
        "The content language as a BCP 47 tag, e.g. en, fr, ar: it sets the pages' `lang` (and `dir` for a "
        "right-to-left language), the date labels and the interface words (en, fr, de, es and ar are built in; "
        "any other falls back to English).",
    ),
    "labels": Option(
        dict, {},
        "Interface words to replace, as `key: words`, e.g. `latest_event: Newest ↓`; the keys are those of "
        "templates/locales/en.yml (docs/reader.md, \"Language\").",
    ),
    "author": Option(str, "", "Who maintains the timeline (feeds name them); defaults to the title."),
    "content_dir": Option(str, "content", "Folder with events/ and the registries."),
    "templates_dir": Option(str, "templates", "Folder whose templates override the built-in ones."),
    "seeds_dir": Option(str, "seeds", "Folder with the source articles events are derived from."),
    "output_dir": Option(str, "site", "Folder the built site is written to (replaced on each build)."),
    "raw_html": Option(
        str, "sanitize",
        "HTML inside Markdown: sanitize (keep safe formatting), escape (show as text), or embed "
        "(also allow iframes, audio and video). Scripts never pass.",
        RAW_HTML_MODES,
    ),
    "cname": Option(
        str, "",
        "The custom domain the site is served at, as a bare host name such as "
        "timeline.example.org; `build-site deploy` writes it to the CNAME file on gh-pages.",
    ),
}


@dataclass(frozen=True)
class SiteConfig:
    """The validated site configuration, with paths resolved against the project root."""

    root: Path
    title: str
    description: str = ""
    base_url: str = "/"
    language: str = "en"
    author: str = ""
    content_dir: str = "content"
    templates_dir: str = "templates"
    seeds_dir: str = "seeds"
    output_dir: str = "site"
    raw_html: str = "sanitize"
    cname: str = ""
    labels: dict[str, Any] = field(default_factory=dict)
    extra: dict[str, Any] = field(default_factory=dict)

    @cached_property
    def base_path(self) -> str:
        """The path part of base_url, always starting and ending with '/'."""
        path = urlsplit(self.base_url).path or "/"
        return path if path.endswith("/") else path + "/"

    @cached_property
    def site_origin(self) -> str:
        """Scheme and host of base_url ('' when base_url is only a path)."""
        parts = urlsplit(self.base_url)
        return f"{parts.scheme}://{parts.netloc}" if parts.scheme else ""

    def absolute_url(self, path: str) -> str:
        """An absolute URL for a site path such as 'events/x/' (origin included when known)."""
        return self.site_origin + self.base_path + path.lstrip("/")

    @property
    def content_path(self) -> Path:
        """The content folder."""
        return self.root / self.content_dir

    @property
    def templates_path(self) -> Path:
        """The project's template folder."""
        return self.root / self.templates_dir

    @property
    def seeds_path(self) -> Path:
        """The source articles folder."""
        return self.root / self.seeds_dir

    @property
    def output_path(self) -> Path:
        """The output folder."""
        return self.root / self.output_dir

    def with_overrides(self, **changes: Any) -> SiteConfig:
        """A copy with command-line overrides applied (None values are ignored)."""
        changes = {k: v for k, v in changes.items() if v is not None}
        if "base_url" in changes and (message := _check_base_url(changes["base_url"])):
            raise SiteError(f"--base-url: {message}")
        return replace(self, **changes)


def _check_base_url(value: str) -> str | None:
    """A message when base_url is not an http(s) URL or an absolute path."""
    parts = urlsplit(value)
    if parts.scheme and parts.scheme not in ("http", "https"):
        return "base_url must start with http://, https:// or /"
    if parts.scheme and not parts.netloc:
        return "base_url needs a host, e.g. https://user.github.io/repo/"
    if not parts.scheme and not value.startswith("/"):
        return "base_url must be a full URL (https://example.org/) or a path starting with /"
    if parts.query or parts.fragment:
        return "base_url cannot have a ?query or #fragment"
    return None


_HOST_LABEL = re.compile(r"(?!-)[a-z0-9-]{1,63}(?<!-)")


def check_cname(value: str) -> str | None:
    """A message when `value` is not a bare host name such as timeline.example.org."""
    hint = "'cname' must be a bare host name such as timeline.example.org"
    if "://" in value or "/" in value or ":" in value or "@" in value:
        return f"{hint}, without https://, a path or a port"
    labels = value.lower().removesuffix(".").split(".")
    if len(labels) < 2 or len(value) > 253 or not all(_HOST_LABEL.fullmatch(x) for x in labels):
        return hint
    return None


def _cname_conflict(cname: str, base_url: str) -> str | None:
    """A message when base_url names a host other than the custom domain."""
    host = (urlsplit(base_url).hostname or "").removesuffix(".")
    if host and host != cname.lower().removesuffix("."):
        return (f"base_url is on {host} but cname is {cname}; with a custom domain the site is "
                f"served at https://{cname}/, so set base_url to that")
    return None


def _validate(doc: YamlMap, display: str, problem: Any) -> tuple[dict[str, Any], list[Problem]]:
    problems: list[Problem] = []
    values: dict[str, Any] = {}
    for key, value in doc.items():
        option = OPTIONS.get(key)
        if option is None:
            close = difflib.get_close_matches(key, OPTIONS, n=1)
            hint = f"did you mean '{close[0]}'?" if close else "known options: " + ", ".join(OPTIONS)
            problems.append(problem(doc.key_pos[key], f"unknown option '{key}'", hint))
            continue
        if not isinstance(value, option.kind) or isinstance(value, bool):
            if option.kind is dict:
                problems.append(problem(doc.value_pos[key], f"'{key}' must be a mapping of 'key: words' lines"))
            else:
                problems.append(problem(doc.value_pos[key], f"'{key}' must be text", "put the value in quotes"))
            continue
        if option.choices and value not in option.choices:
            problems.append(problem(
                doc.value_pos[key], f"'{key}' must be one of: {', '.join(option.choices)}"))
            continue
        values[key] = value
    if "title" in values and not values["title"].strip():
        problems.append(problem(doc.value_pos["title"], "'title' cannot be empty"))
    elif "title" not in doc:
        problems.append(problem(doc.pos, "'title' is missing", "add a line such as: title: My timeline"))
    if "base_url" in values and (message := _check_base_url(values["base_url"])):
        problems.append(problem(doc.value_pos["base_url"], message))
    if cname := values.get("cname"):
        message = check_cname(cname) or _cname_conflict(cname, values.get("base_url", ""))
        if message:
            problems.append(problem(doc.value_pos["cname"], message))
    if "language" in values and not re.fullmatch(r"[A-Za-z]{2,3}(-[A-Za-z0-9]{2,8})*", values["language"]):
        problems.append(problem(doc.value_pos["language"], "'language' must be a language tag such as en or pt-BR"))
    if "labels" in values:
        problems += check_words(values["labels"], problem)
        values["labels"] = plain_words(values["labels"])
    return values, problems


def load_config(root: Path) -> SiteConfig:
    """Read and validate `<root>/site.yaml`; raise ConfigError listing every problem."""
    path = root / CONFIG_FILE
    display = CONFIG_FILE
    if not path.is_file():
        raise ConfigError([Problem(
            str(root / CONFIG_FILE), 1, 1,
            "no site.yaml here; run build-site in your timeline's folder or pass --project DIR")])
    try:
        doc = load_yaml(path, display)
    except YamlLoadError as exc:
        raise ConfigError(exc.problems) from None
    if doc.value is None:
        raise ConfigError([doc.problem((1, 1), "site.yaml is empty", "add at least: title: My timeline")])
    if not isinstance(doc.value, YamlMap):
        raise ConfigError([doc.problem((1, 1), "site.yaml must be a list of 'option: value' lines")])
    values, problems = _validate(doc.value, display, doc.problem)
    if problems:
        raise ConfigError(problems)
    if not values.get("author"):
        values["author"] = values["title"]
    return SiteConfig(root=root.resolve(), **values)
