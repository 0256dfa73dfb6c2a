"""The time-expression harness: gold files are checked, scoring counts right, and the figures hold."""

from __future__ import annotations

from pathlib import Path

import pytest

from generator.errors import ExtractError
from generator.timeresolve import TimeExpression
from generator.timexeval import (
    ArticleResult,
    GoldArticle,
    GoldTimex,
    evaluate,
    format_report,
    load_gold,
    load_gold_folder,
    score_article,
    total,
)

ARTICLES = Path(__file__).parents[1] / "evaluation" / "timex" / "articles"

# The figures measured when this guard was written (see evaluation/timex/README.md): a change
# to the extractor may raise them, never lower them. Counts, not rounded percentages.
MEASURED = {
    "dev": {"gold": 110, "strict": 110, "relaxed": 110, "value": 110, "false_hits": 0},
    "test": {"gold": 41, "strict": 37, "relaxed": 38, "value": 35, "false_hits": 0},
}


@pytest.fixture(scope="module")
def results() -> list[ArticleResult]:
    return evaluate(ARTICLES)


def test_gold_files_slice_their_articles() -> None:
    golds = load_gold_folder(ARTICLES)
    assert len(golds) >= 13
    assert sum(g.split == "test" for g in golds) >= 4
    for gold in golds:
        text = gold.article_path.read_text(encoding="utf-8")
        for t in gold.timexes:
            assert text[t.start:t.end] == t.text


@pytest.mark.parametrize("split", ["dev", "test"])
def test_figures_do_not_regress(results: list[ArticleResult], split: str) -> None:
    score = total(results, split)
    expected = MEASURED[split]
    assert score.gold == expected["gold"]
    assert score.strict >= expected["strict"]
    assert score.relaxed >= expected["relaxed"]
    assert score.value >= expected["value"]
    assert score.system - score.relaxed <= expected["false_hits"]


def test_beats_heideltime_on_dev_and_held_out(results: list[ArticleResult]) -> None:
    for split in ("dev", "test"):
        score = total(results, split)
        assert score.strict_prf()[2] > 0.813  # HeidelTime, TempEval-3 strict span F1
        assert score.value_prf()[2] > 0.776  # HeidelTime, TempEval-3 value F1


def test_seed_article_comes_out_fully_right(results: list[ArticleResult]) -> None:
    seed = next(r for r in results if r.gold.name == "01-seed-kim-putin")
    assert str(seed.gold.published) == "2023-09-05"
    values = {t.text: t.value for t in seed.gold.timexes}
    assert values["July"] == "2023-07"
    assert values["between September 10th and 13th"] == "2023-09-10/2023-09-13"
    assert values["Monday, September 4th"] == "2023-09-04"
    assert values["Earlier on Saturday"] == "2023-09-02"
    assert seed.errors == []
    assert (seed.score.strict, seed.score.value, seed.score.system) == (5, 5, 5)


def _gold(*timexes: GoldTimex) -> GoldArticle:
    return GoldArticle("x", Path("x.yaml"), Path("x.txt"), "dev", None, timexes)


def test_scoring_strict_relaxed_and_value() -> None:
    gold = _gold(GoldTimex("the summer of 2021", 10, 28, "2021-06/2021-08"),
                 GoldTimex("14 July", 40, 47, "2021-07-14"),
                 GoldTimex("Friday", 60, 66, "2021-07-16"))
    found = [TimeExpression("summer of 2021", 14, 28, "2021-06/2021-08", "season"),  # span only
             TimeExpression("14 July", 40, 47, "2023-07-14", "date"),  # value wrong
             TimeExpression("two men", 80, 87, "2021", "year")]  # false hit; Friday missed
    result = score_article(gold, found)
    s = result.score
    assert (s.gold, s.system, s.strict, s.relaxed, s.value) == (3, 3, 1, 2, 1)
    assert s.strict_prf() == pytest.approx((1 / 3, 1 / 3, 1 / 3))
    assert s.relaxed_prf()[2] == pytest.approx(2 / 3)
    assert s.value_accuracy() == pytest.approx(0.5)
    assert s.value_prf()[2] == pytest.approx(1 / 3)
    kinds = sorted(e.split()[0] for e in result.errors)
    assert kinds == ["false", "missed", "span", "value"]


def test_one_system_span_matches_one_gold_span() -> None:
    gold = _gold(GoldTimex("10", 0, 2, "2023"), GoldTimex("13", 5, 7, "2023"))
    found = [TimeExpression("10 to 13", 0, 7, "2023", "range")]
    assert score_article(gold, found).score.relaxed == 1


@pytest.mark.parametrize(("entry", "message"), [
    ("- {text: Monday, start: 0, end: 6, value: '2023-09-04'}", "does not match the article"),
    ("- {text: Sunday, start: 4, end: 10, value: '2023-02-30'}", "Sunday"),
])
def test_bad_gold_is_reported(tmp_path: Path, entry: str, message: str) -> None:
    (tmp_path / "a.txt").write_text("On Sunday he left.\n", encoding="utf-8")
    (tmp_path / "a.yaml").write_text(
        f"article: a.txt\nsplit: dev\npublished: '2023-09-05'\ntimexes:\n{entry}\n", encoding="utf-8")
    with pytest.raises(ExtractError, match=message):
        load_gold(tmp_path / "a.yaml")


def test_report_lists_every_article_and_the_totals(results: list[ArticleResult]) -> None:
    report = format_report(results, errors=True)
    for result in results:
        assert result.gold.name in report
    assert "total dev" in report and "total test" in report and "total all" in report
    assert "missed" in report  # the held-out set still has misses, and --errors lists them
