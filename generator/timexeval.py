"""Scoring the time-expression extractor against hand-annotated articles, TempEval-3 style.

A gold file (YAML) names its article, its split (dev or test), the publication date (or null)
and every time expression as {text, start, end, value}; offsets are Python string indices into
the article as read. Scores: strict span (exact offsets) and relaxed span (overlap) precision,
recall and F1; value accuracy (share of relaxed matches whose EDTF value is right) and value F1
(a hit needs an overlapping span *and* the right value), as TempEval-3 reports them.
"""

from __future__ import annotations

import datetime as dt
import itertools
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from generator.article import read_article
from generator.dates import DateError, parse_date
from generator.errors import ExtractError
from generator.extract import time_expressions
from generator.timeresolve import TimeExpression

# Inference without a publication date picks the latest fitting year up to "today": fixed here so
# that the figures do not change with the calendar.
EVALUATION_TODAY = dt.date(2026, 11, 1)
SPLITS = ("dev", "test")


@dataclass(frozen=True)
class GoldTimex:
    """One annotated time expression."""

    text: str
    start: int
    end: int
    value: str


@dataclass(frozen=True)
class GoldArticle:
    """One annotated article: where its gold file and text are, its split, date and timexes."""

    name: str
    gold_path: Path
    article_path: Path
    split: str
    published: dt.date | None
    timexes: tuple[GoldTimex, ...]


def _field(data: dict[str, Any], key: str, path: Path) -> Any:
    if key not in data:
        raise ExtractError(f"{path}: '{key}' is missing")
    return data[key]


def load_gold(path: Path) -> GoldArticle:
    """Read and check one gold file: every offset must slice exactly its text from the article."""
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    if not isinstance(data, dict):
        raise ExtractError(f"{path}: a gold file is a mapping (article, split, published, timexes)")
    article_path = (path.parent / str(_field(data, "article", path))).resolve()
    split = _field(data, "split", path)
    if split not in SPLITS:
        raise ExtractError(f"{path}: split must be one of {', '.join(SPLITS)}, not '{split}'")
    raw_published = _field(data, "published", path)
    published = None if raw_published is None else dt.date.fromisoformat(str(raw_published))
    text = read_article(article_path).text
    timexes = []
    for n, item in enumerate(_field(data, "timexes", path) or [], 1):
        timex = GoldTimex(str(item["text"]), int(item["start"]), int(item["end"]), str(item["value"]))
        if text[timex.start:timex.end] != timex.text:
            raise ExtractError(f"{path}: timex {n} '{timex.text}' does not match the article at "
                               f"{timex.start}-{timex.end}: '{text[timex.start:timex.end]}'")
        try:
            parse_date(timex.value)
        except DateError as exc:
            raise ExtractError(f"{path}: timex {n} '{timex.text}': {exc}") from None
        timexes.append(timex)
    ordered = sorted(timexes, key=lambda t: t.start)
    for a, b in itertools.pairwise(ordered):
        if b.start < a.end:
            raise ExtractError(f"{path}: timexes '{a.text}' and '{b.text}' overlap")
    return GoldArticle(path.stem, path, article_path, split, published, tuple(ordered))


def load_gold_folder(folder: Path) -> list[GoldArticle]:
    """Every gold file (*.yaml) in `folder`, checked, in name order."""
    golds = [load_gold(path) for path in sorted(folder.glob("*.yaml"))]
    if not golds:
        raise ExtractError(f"{folder}: no gold files (*.yaml)")
    return golds


@dataclass
class Score:
    """Counts for one article or a total, and the figures derived from them."""

    gold: int = 0
    system: int = 0
    strict: int = 0
    relaxed: int = 0
    value: int = 0  # relaxed matches whose value is right

    def add(self, other: Score) -> None:
        """Add another score's counts to this one."""
        self.gold += other.gold
        self.system += other.system
        self.strict += other.strict
        self.relaxed += other.relaxed
        self.value += other.value

    @staticmethod
    def _prf(hits: int, system: int, gold: int) -> tuple[float, float, float]:
        precision = hits / system if system else 1.0
        recall = hits / gold if gold else 1.0
        f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
        return precision, recall, f1

    def strict_prf(self) -> tuple[float, float, float]:
        """Strict span precision, recall, F1 (exact offsets)."""
        return self._prf(self.strict, self.system, self.gold)

    def relaxed_prf(self) -> tuple[float, float, float]:
        """Relaxed span precision, recall, F1 (any overlap, one to one)."""
        return self._prf(self.relaxed, self.system, self.gold)

    def value_accuracy(self) -> float:
        """Share of relaxed matches whose EDTF value is exactly right."""
        return self.value / self.relaxed if self.relaxed else 1.0

    def value_prf(self) -> tuple[float, float, float]:
        """Value precision, recall, F1: a hit overlaps a gold span and has its value."""
        return self._prf(self.value, self.system, self.gold)


@dataclass
class ArticleResult:
    """The score of one article and what went wrong in it."""

    gold: GoldArticle
    score: Score
    errors: list[str] = field(default_factory=list)


def score_article(gold: GoldArticle, found: list[TimeExpression]) -> ArticleResult:
    """Match the extractor's expressions to the gold ones and count."""
    score = Score(gold=len(gold.timexes), system=len(found))
    result = ArticleResult(gold, score)
    unmatched = list(found)
    for g in gold.timexes:
        overlapping = [e for e in unmatched if e.start < g.end and e.end > g.start]
        if not overlapping:
            result.errors.append(f"missed      {g.start:>5} '{g.text}' ({g.value})")
            continue
        e = next((o for o in overlapping if (o.start, o.end) == (g.start, g.end)), overlapping[0])
        unmatched.remove(e)
        score.relaxed += 1
        if (e.start, e.end) == (g.start, g.end):
            score.strict += 1
        else:
            result.errors.append(f"span        {g.start:>5} '{e.text}' for '{g.text}'")
        if e.value == g.value:
            score.value += 1
        else:
            result.errors.append(f"value       {g.start:>5} '{g.text}': {e.value} for {g.value}"
                                 + (f" [{e.note}]" if e.note else ""))
    for e in unmatched:
        result.errors.append(f"false hit   {e.start:>5} '{e.text}' ({e.value})")
    return result


def evaluate(folder: Path, today: dt.date = EVALUATION_TODAY) -> list[ArticleResult]:
    """Run the extractor on every annotated article in `folder` and score it."""
    results = []
    for gold in load_gold_folder(folder):
        article = read_article(gold.article_path, gold.published)
        _, found = time_expressions(article, today)
        results.append(score_article(gold, found))
    return results


def total(results: list[ArticleResult], split: str | None = None) -> Score:
    """The summed score of the results in `split` (all when None)."""
    summed = Score()
    for result in results:
        if split is None or result.gold.split == split:
            summed.add(result.score)
    return summed


def _row(name: str, score: Score) -> str:
    figures = [*score.strict_prf(), *score.relaxed_prf(), score.value_accuracy(), score.value_prf()[2]]
    cells = " ".join(f"{100 * f:6.1f}" for f in figures)
    return f"{name:<28} {score.gold:>4} {score.system:>4} {cells}"


def format_report(results: list[ArticleResult], errors: bool = False, split: str | None = None) -> str:
    """A TempEval-3-style table: per article (of `split`, or all), per split and overall."""
    header = (f"{'article':<28} {'gold':>4} {'sys':>4} {'str-P':>6} {'str-R':>6} {'str-F1':>6} "
              f"{'rel-P':>6} {'rel-R':>6} {'rel-F1':>6} {'valAcc':>6} {'val-F1':>6}")
    lines = [header, "-" * len(header)]
    for name in (split,) if split else SPLITS:
        for result in (r for r in results if r.gold.split == name):
            lines.append(_row(f"{result.gold.name} ({name})", result.score))
            if errors:
                lines.extend(f"    {error}" for error in result.errors)
    lines.append("-" * len(header))
    for name in SPLITS:
        lines.append(_row(f"total {name}", total(results, name)))
    lines.append(_row("total all", total(results)))
    return "\n".join(lines)
