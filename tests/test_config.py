"""site.yaml: options, defaults, validation and the 'did you mean' hint."""

from __future__ import annotations

from pathlib import Path

import pytest

from generator.config import load_config
from generator.errors import ConfigError, SiteError


def config_errors(tmp_path: Path, text: str) -> list[str]:
    (tmp_path / "site.yaml").write_text(text, encoding="utf-8")
    with pytest.raises(ConfigError) as info:
        load_config(tmp_path)
    return [p.format(with_source=False) for p in info.value.problems]


def test_defaults(tmp_path: Path) -> None:
    (tmp_path / "site.yaml").write_text("title: T\n", encoding="utf-8")
    config = load_config(tmp_path)
    assert (config.base_path, config.language, config.author, config.output_path) == ("/", "en", "T", tmp_path / "site")


def test_sub_path_base_url(tmp_path: Path) -> None:
    (tmp_path / "site.yaml").write_text("title: T\nbase_url: https://u.github.io/repo\n", encoding="utf-8")
    config = load_config(tmp_path)
    assert config.base_path == "/repo/"
    assert config.absolute_url("events/x/") == "https://u.github.io/repo/events/x/"


def test_unknown_key_suggests(tmp_path: Path) -> None:
    assert config_errors(tmp_path, "title: T\nbase_ulr: /\n") == [
        "site.yaml:2:1: unknown option 'base_ulr' (did you mean 'base_url'?)"]


def test_every_problem_at_once(tmp_path: Path) -> None:
    assert config_errors(tmp_path, "base_url: ftp://x/\nlanguage: English!\nraw_html: allow\n") == [
        "site.yaml:1:1: 'title' is missing (add a line such as: title: My timeline)",
        "site.yaml:1:11: base_url must start with http://, https:// or /",
        "site.yaml:2:11: 'language' must be a language tag such as en or pt-BR",
        "site.yaml:3:11: 'raw_html' must be one of: sanitize, escape, embed",
    ]


def test_missing_file(tmp_path: Path) -> None:
    with pytest.raises(ConfigError) as info:
        load_config(tmp_path)
    assert "no site.yaml here" in info.value.problems[0].message


def test_command_line_base_url_is_checked(tmp_path: Path) -> None:
    (tmp_path / "site.yaml").write_text("title: T\n", encoding="utf-8")
    config = load_config(tmp_path)
    assert config.with_overrides(base_url="https://a.org/b/").base_path == "/b/"
    with pytest.raises(SiteError):
        config.with_overrides(base_url="a.org")


def test_labels_override_interface_words(tmp_path: Path) -> None:
    (tmp_path / "site.yaml").write_text(
        "title: T\nlabels:\n  latest_event: Newest ↓\n"
        "  events_count:\n    one: '{n} entry'\n    other: '{n} entries'\n",
        encoding="utf-8")
    config = load_config(tmp_path)
    assert config.labels == {"latest_event": "Newest ↓", "events_count": {"one": "{n} entry", "other": "{n} entries"}}
    assert type(config.labels["events_count"]) is dict  # plain values: the config is pickled to render workers


def test_labels_errors_point_at_the_key_or_value(tmp_path: Path) -> None:
    text = ("title: T\nlabels:\n  latest_evnt: Newest\n  timeline_counts: '{events} from {start}'\n"
            "  matches:\n    one: '{n} hit'\n    lots: '{n} hits'\n  months: [a, b]\n  footer_about: [x]\n")
    assert config_errors(tmp_path, text) == [
        "site.yaml:3:3: unknown interface word 'latest_evnt' (did you mean 'latest_event'?)",
        "site.yaml:4:20: 'timeline_counts' uses {start}, which is never filled in "
        "(placeholders for 'timeline_counts': {events}, {first}, {last})",
        "site.yaml:6:5: 'matches' needs an 'other:' form (it is used for any number not listed)",
        "site.yaml:7:5: 'lots' is not a plural form (use zero, one, two, few, many, other)",
        "site.yaml:8:11: 'months' must be a list of the 12 month names, January first",
        "site.yaml:9:17: 'footer_about' must be text (put the value in quotes)",
    ]
    assert config_errors(tmp_path, "title: T\nlabels: Newest\n") == [
        "site.yaml:2:9: 'labels' must be a mapping of 'key: words' lines"]
