"""Interface words and date labels in the site's language, with English as the fallback for anything missing.

The words live in the theme as `locales/<language>.yml` (templates/locales/ in a checkout; a project's own
templates/locales/ adds languages or overrides words), and a site can override single words with the
`labels:` mapping in site.yaml. `locales/en.yml` is the reference: it lists every key. Date patterns
(months, `day_month_year`, `approximate`, ...) are keys too, whose English defaults are generator.dates'.
"""

from __future__ import annotations

import dataclasses
import difflib
import string
from collections.abc import Callable
from dataclasses import dataclass
from functools import cache, cached_property
from pathlib import Path
from typing import Any

from generator.dates import ENGLISH, DateWords, EventDate, label_for, month_label
from generator.errors import ConfigError, Problem
from generator.theme import THEME_DIR
from generator.yamlfile import YamlLoadError, YamlMap, load_yaml

PLURAL_FORMS = ("zero", "one", "two", "few", "many", "other")
DATE_KEYS = {f.name: getattr(ENGLISH, f.name) for f in dataclasses.fields(DateWords)}
MONTH_KEYS = ("months", "months_alone")
SCRIPT_KEYS = ("copy_link", "copy_link_to", "link_copied", "index_loading", "index_failed", "matches",
               "matches_here", "matches_elsewhere", "matches_elsewhere_capped")

Value = str | tuple[str, ...] | dict[str, str]
Report = Callable[[tuple[int, int], str, str], Problem]


def plural_form(language: str, n: int) -> str:
    """The CLDR plural category of a whole number `n` in `language` (en, de, es and unknown: one/other)."""
    primary = language.split("-")[0].lower()
    if primary == "ar":
        tail = n % 100
        return ("zero" if n == 0 else "one" if n == 1 else "two" if n == 2
                else "few" if 3 <= tail <= 10 else "many" if 11 <= tail <= 99 else "other")
    if primary == "fr":
        return "one" if n in (0, 1) else "other"
    return "one" if n == 1 else "other"


def _placeholders(value: Value) -> set[str]:
    texts = value.values() if isinstance(value, dict) else [value] if isinstance(value, str) else []
    return {name for text in texts for _, name, _, _ in string.Formatter().parse(text) if name}


def _check_value(key: str, value: Any, reference: Value, pos: tuple[int, int], report: Report,
                 positions: YamlMap | None = None) -> list[Problem]:
    """Problems with one word: wrong shape, or a {placeholder} the theme does not fill in."""
    if isinstance(reference, tuple):
        if not (isinstance(value, list) and len(value) == 12 and all(isinstance(v, str) for v in value)):
            return [report(pos, f"'{key}' must be a list of the 12 month names, January first", "")]
        return []
    if isinstance(reference, dict) and isinstance(value, dict):
        problems = [report(positions.key_pos[form] if positions is not None else pos,
                           f"'{form}' is not a plural form", "use " + ", ".join(PLURAL_FORMS))
                    for form in value if form not in PLURAL_FORMS]
        if not all(isinstance(v, str) for v in value.values()):
            problems.append(report(pos, f"every form of '{key}' must be text", "put it in quotes"))
        elif "other" not in value:
            problems.append(report(pos, f"'{key}' needs an 'other:' form", "it is used for any number not listed"))
        if problems:
            return problems
    elif not isinstance(value, str):
        shape = "text, or a mapping of plural forms (one:, other:, ...)" if isinstance(reference, dict) else "text"
        return [report(pos, f"'{key}' must be {shape}", "put the value in quotes")]
    unknown = _placeholders(value) - _placeholders(reference) - ({"n"} if isinstance(reference, dict) else set())
    if unknown:
        known = ", ".join("{" + p + "}" for p in sorted(_placeholders(reference))) or "none"
        return [report(pos, f"'{key}' uses {{{sorted(unknown)[0]}}}, which is never filled in",
                       f"placeholders for '{key}': {known}")]
    return []


def check_words(words: YamlMap, report: Report) -> list[Problem]:
    """Problems with a mapping of words (site.yaml's `labels:` or a locale file): unknown keys, wrong shapes."""
    reference = reference_words()
    problems: list[Problem] = []
    for key, value in words.items():
        if key not in reference:
            close = difflib.get_close_matches(key, reference, n=1)
            hint = f"did you mean '{close[0]}'?" if close else f"the keys are listed in {THEME_DIR / 'locales/en.yml'}"
            problems.append(report(words.key_pos[key], f"unknown interface word '{key}'", hint))
            continue
        nested = value if isinstance(value, YamlMap) else None
        problems += _check_value(key, value, reference[key], words.value_pos[key], report, nested)
    return problems


def _read(path: Path) -> dict[str, Value]:
    """A locale file's words, checked; raise ConfigError at the offending line."""
    try:
        doc = load_yaml(path, path.as_posix())
    except YamlLoadError as exc:
        raise ConfigError(exc.problems) from None
    if doc.value is None:
        return {}
    if not isinstance(doc.value, YamlMap):
        raise ConfigError([doc.problem((1, 1), "a locale file is a list of 'key: words' lines")])
    if path != THEME_DIR / "locales" / "en.yml" and (problems := check_words(doc.value, doc.problem)):
        raise ConfigError(problems)
    return plain_words(doc.value)


def plain_words(words: dict[str, Any]) -> dict[str, Value]:
    """Checked words as plain values: month lists as tuples, plural forms as plain dicts."""
    return {key: tuple(value) if isinstance(value, list) else dict(value) if isinstance(value, dict) else value
            for key, value in words.items()}


@cache
def reference_words() -> dict[str, Value]:
    """Every key with its English words: the date patterns and the theme's locales/en.yml."""
    return {**DATE_KEYS, **_read(THEME_DIR / "locales" / "en.yml")}


@dataclass(frozen=True)
class Words:
    """The interface words and date patterns of one site, every key present."""

    language: str  # the language most words are in: the site's, or 'en' when it has no locale file
    words: dict[str, Value]

    @cached_property
    def dates(self) -> DateWords:
        """The date patterns, for generator.dates."""
        return DateWords(**{key: self.words[key] for key in DATE_KEYS})  # type: ignore[arg-type]

    def t(self, key: str, **params: object) -> str:
        """The words for `key` with its {placeholders} filled in."""
        value = self.words[key]
        assert isinstance(value, str), f"'{key}' is a plural: use tn()"
        return value.format(**params) if params else value

    def tn(self, key: str, n: int, **params: object) -> str:
        """The plural words for `key` that fit the number `n`, as {n}."""
        forms = self.words[key]
        assert isinstance(forms, dict), f"'{key}' is not a plural: use t()"
        text = forms.get(plural_form(self.language, n), forms["other"])
        return text.format(n=n, **params)

    def date_label(self, value: EventDate) -> str:
        """An event date's label in this language, e.g. '10–13 septembre 2023'."""
        return label_for(value, self.dates)

    def month_heading(self, year: int, month: int) -> str:
        """A month heading such as 'septembre 2023' (month 0: the year with 'month unknown')."""
        return month_label(year, month, self.dates)

    def month_name(self, month: int) -> str:
        """A month's name on its own, for the jump menu ('?' style mark for month 0)."""
        names = self.words["months_alone"]
        assert isinstance(names, tuple)
        return names[month - 1] if month else self.t("month_unknown_short")

    def script_words(self) -> dict[str, object]:
        """What static/timeline.js shows, for the page's inline JSON."""
        found: dict[str, object] = {key: self.words[key] for key in SCRIPT_KEYS}
        found.update({key: value for key, value in self.words.items() if key.startswith("status_")})
        found["lang"] = self.language
        return found


def _locale_files(language: str, dirs: list[Path]) -> tuple[str, list[Path]]:
    """The language the words are in, and its files from the theme's first to the project's last."""
    tag = language.lower()
    for candidate in (tag, tag.split("-")[0]):
        files = [path for d in reversed(dirs) if (path := d / "locales" / f"{candidate}.yml").is_file()]
        if files:
            return candidate, files
    return "en", []


def _with_months_alone(words: dict[str, Value]) -> dict[str, Value]:
    """Month names given without `months_alone` serve for both."""
    if "months" in words and "months_alone" not in words:
        return {**words, "months_alone": words["months"]}
    return words


def load_words(language: str, dirs: list[Path], overrides: dict[str, Any] | None = None) -> Words:
    """The words for a site: English, then the language's locale files (theme, then project), then `overrides`."""
    resolved, files = _locale_files(language, dirs)
    english = [d / "locales" / "en.yml" for d in reversed(dirs) if (d / "locales" / "en.yml").is_file()]
    words: dict[str, Value] = dict(reference_words())
    for path in [*english, *files]:
        if path != THEME_DIR / "locales" / "en.yml":
            words.update(_with_months_alone(_read(path)))
    words.update(_with_months_alone(plain_words(overrides or {})))
    return Words(resolved, words)
