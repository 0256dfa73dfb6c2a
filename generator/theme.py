"""Where the built-in theme (templates, static files, interface words) lives."""

from __future__ import annotations

from pathlib import Path


def _theme_dir() -> Path:
    """The built-in templates: packaged as generator/theme in a wheel, ../templates in a checkout."""
    packaged = Path(__file__).parent / "theme"
    return packaged if packaged.is_dir() else Path(__file__).resolve().parent.parent / "templates"


THEME_DIR = _theme_dir()
