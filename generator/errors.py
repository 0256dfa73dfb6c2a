"""The exception tree, and the one place where problems are formatted for people.

Library code raises these; only `cli.py` prints them and exits.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True, order=True)
class Problem:
    """One thing wrong with the input, located at a file, line and column (1-based)."""

    path: str
    line: int
    column: int
    message: str
    hint: str = ""
    source_line: str = ""

    def format(self, with_source: bool = True) -> str:
        """Render as `path:line:column: message`, the hint, then the offending line."""
        text = f"{self.path}:{self.line}:{self.column}: {self.message}"
        if self.hint:
            text += f" ({self.hint})"
        if with_source and self.source_line.strip():
            caret = " " * (max(self.column, 1) - 1) + "^"
            text += f"\n    {self.source_line.rstrip()}\n    {caret}"
        return text


def make_problem(
    path: Path | str, text: str | None, line: int, column: int, message: str, hint: str = ""
) -> Problem:
    """Build a Problem, copying the offending source line out of `text` when it is known."""
    source_line = ""
    if text is not None and line >= 1:
        lines = text.splitlines()
        if line <= len(lines):
            source_line = lines[line - 1].replace("\t", " ")
    return Problem(str(path), line, column, message, hint, source_line)


class SiteError(Exception):
    """Base of every error the generator reports to a person; exit code 1 by default."""

    exit_code = 1

    def format(self) -> str:
        """The text the command line prints for this error."""
        return f"error: {self}"


class ProblemsError(SiteError):
    """One or more located problems in the input (content, configuration or templates)."""

    def __init__(self, problems: list[Problem]) -> None:
        self.problems = sorted(problems)
        super().__init__(f"{len(self.problems)} problem(s) in the input")

    def __reduce__(self) -> tuple[type[ProblemsError], tuple[list[Problem]]]:
        """Pickle by problems, so the error can cross from a worker process."""
        return (type(self), (self.problems,))

    def format(self) -> str:
        """Every problem in file order, then a count."""
        body = "\n".join(p.format() for p in self.problems)
        count = len(self.problems)
        noun = "problem" if count == 1 else "problems"
        return f"{body}\nBuild failed: {count} {noun} found; nothing was written."


class ContentError(ProblemsError):
    """Problems in event files or registries."""


class ConfigError(ProblemsError):
    """Problems in site.yaml."""


class TemplateError(ProblemsError):
    """A Jinja template failed to load or render."""


class OutputError(SiteError):
    """The output folder is unsafe or cannot be written."""


class ExtractError(SiteError):
    """An article cannot be read or drafted from (missing file, bad front matter, bad option)."""


class DeployError(SiteError):
    """Publishing failed: not a git repository, no such remote, a dirty tree, or a refused push."""


class ImportFileError(ProblemsError):
    """A TimelineJS JSON or CSV file that cannot be imported; every problem is located."""

    def format(self) -> str:
        """Every problem in file order, then a count."""
        body = "\n".join(p.format() for p in self.problems)
        count = len(self.problems)
        return f"{body}\nImport failed: {count} problem{'' if count == 1 else 's'} found; nothing was written."
