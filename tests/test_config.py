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
