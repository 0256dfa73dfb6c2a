"""`build-site extract`: drafting events from articles, end to end on the seed article."""

from __future__ import annotations

import json
import shutil
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from generator.cli import main
from generator.config import SiteConfig, load_config
from generator.content import load_content
from generator.extract import ExtractResult, extract_article
from generator.timeresolve import TimeExpression

FIXTURE = Path(__file__).parent / "sites" / "seed"
REPO_EVENTS = Path(__file__).parents[1] / "content" / "events"
SEED = "seeds/000_7813d31a0f7a80f2.txt"
TODAY = date(2026, 11, 1)

# Hand-made gold list for the seed article, publication date not given: (text, EDTF value).
# "During that visit" names an event, not a time, and "in the future" is generic: both are left
# out (as in evaluation/timex/articles/01-seed-kim-putin.yaml). "currently" is in what the
# ambassador told TASS on Saturday, so it is that Saturday.
GOLD = [
    ("between September 10th and 13th", "2023-09-10/2023-09-13"),
    ("July", "2023-07"),
    ("Monday, September 4th", "2023-09-04"),
    ("Earlier on Saturday", "2023-09-02"),
    ("currently", "2023-09-02"),
]


@pytest.fixture
def site(tmp_path: Path) -> Path:
    root = tmp_path / "site"
    shutil.copytree(FIXTURE, root)
    return root


def run(root: Path, *args: str) -> ExtractResult:
    config = load_config(root)
    return extract_article(config, root / args[0], today=TODAY, **dict.fromkeys(args[1:], True))


def score(found: list[TimeExpression], text: str) -> tuple[float, float]:
    """Precision and recall: a hit overlaps a gold span and has exactly its value."""
    gold = []
    for words, value in GOLD:
        start = text.index(words)
        gold.append((start, start + len(words), value))
    hits = sum(any(e.start < end and e.end > start and e.value == value
                   for start, end, value in gold) for e in found)
    recalled = sum(any(e.start < end and e.end > start and e.value == value for e in found)
                   for start, end, value in gold)
    return hits / len(found), recalled / len(gold)


def test_seed_article_end_to_end(site: Path) -> None:
    result = run(site, SEED)
    text = (site / SEED).read_text(encoding="utf-8")
    assert result.publication.value == "2023-09-04"
    assert "Monday, September 4th" in result.publication.how
    for e in result.expressions:
        assert text[e.start:e.end] == e.text
    values = {e.text: e.value for e in result.expressions}
    assert values["between September 10th and 13th"] == "2023-09-10/2023-09-13"
    assert values["July"] == "2023-07"
    assert values["Monday, September 4th"] == "2023-09-04"
    assert values["Earlier on Saturday"] == "2023-09-02"
    assert values["currently"] == "2023-09-02"
    precision, recall = score(result.expressions, text)
    assert (precision, recall) == (1.0, 1.0)

    by_date = {d.fields["date"]: d for d in result.drafts if d.dated_by != "publication"}
    assert set(by_date) == {"2023-09-10/2023-09-13", "2023-07", "2023-07?", "2023-09-04",
                            "2023-09-02"}
    as_of = [d for d in result.drafts if d.dated_by == "publication"]
    assert [d.fields["date"] for d in as_of] == ["2023-09-04~"] * 3
    assert len(result.drafts) == 8
    assert all(d.outcome == "written" for d in result.drafts)
    meeting = by_date["2023-09-10/2023-09-13"]
    assert meeting.fields["status"] == "planned"
    assert meeting.fields["places"] == ["far-eastern-federal-university", "vladivostok"]
    assert "Moskow" in meeting.proposed and "Eastern Economic Forum" in meeting.proposed
    # "Their meeting": the actors of the sentence before ("The two men") and the one before that
    assert meeting.fields["actors"][:2] == ["kim-jong-un", "vladimir-putin"]
    assert meeting.fields["title"] == "Kim and Putin\u2019s meeting planned during the Eastern Economic Forum"
    monday = by_date["2023-09-04"]
    assert monday.fields["sources"][0]["outlet"] == "reuters"
    assert monday.fields["sources"][0]["via"] == ["interfax"]
    # "When asked ..., he said ..." continues Shoigu's statement: one draft over both sentences
    assert monday.fields["derived_from"]["end"] == text.index("Reuters reported.") + len("Reuters reported.")
    assert monday.fields["title"] == "Sergei Shoigu: \u201cWhy not, these are our neighbors\u201d"
    assert by_date["2023-09-02"].fields["sources"][0]["outlet"] == "tass"
    assert by_date["2023-09-02"].fields["title"].startswith("Alexander Matsegora tells TASS")
    july = by_date["2023-07"]
    assert july.fields["sources"][0]["outlet"] == "us-officials"
    assert "sergei-shoigu" in july.fields["actors"]
    assert july.fields["title"] == "Russian Defense Minister Sergei Shoygu travels to North Korea"
    invitation = by_date["2023-07?"]  # "During that visit": the visit's date, uncertain
    assert invitation.dated_by == "reference" and invitation.expression is None
    assert invitation.fields["actors"] == ["kim-jong-un", "vladimir-putin"]
    nyt = as_of[0]  # undated, attributed: as of the (inferred) publication date, as reported
    assert nyt.fields["status"] == "reported"
    assert nyt.fields["sources"][0]["outlet"] == "new-york-times"
    assert nyt.fields["derived_from"] == {"article": SEED, "start": 0, "end": 310}  # with "The two men"
    assert any("publication date" in c for c in nyt.comments)
    for d in result.drafts:
        derived = d.fields["derived_from"]
        assert " ".join(text[derived["start"]:derived["end"]].split()) == d.fields["summary"]
        assert d.expression is None or d.expression.text in d.fields["summary"]
        assert len(d.fields["title"].split()) <= 16


def test_drafts_build_when_moved_into_events(site: Path) -> None:
    result = run(site, SEED)
    for d in result.drafts:
        path = Path(d.target)
        assert path.parent == site / "content" / "drafts"
        assert path.read_text(encoding="utf-8").startswith("# date: ")
        shutil.move(path, site / "content" / "events" / path.name)
    timeline = load_content(load_config(site))
    assert len(timeline.events) == 8
    assert {e.status for e in timeline.events} == {"planned", "reported"}
    derived = timeline.events[0].derived_from[0]
    assert derived.article == SEED and derived.excerpt


def test_second_run_writes_nothing(site: Path) -> None:
    first = run(site, SEED)
    before = sorted((site / "content" / "drafts").iterdir())
    second = run(site, SEED)
    assert len(before) == len(first.drafts) == 8
    assert sorted((site / "content" / "drafts").iterdir()) == before
    assert [d.outcome for d in second.drafts] == ["already-extracted"] * 8


def test_hand_written_events_count_as_already_extracted(site: Path) -> None:
    for path in REPO_EVENTS.glob("*.yaml"):
        shutil.copy(path, site / "content" / "events")
    result = run(site, SEED)
    assert [d.outcome for d in result.drafts] == ["already-extracted"] * 8
    assert not (site / "content" / "drafts").exists()


SECOND = """---
title: Shoigu on drills with North Korea
outlet: Reuters
url: https://www.reuters.com/world/example
published: 2023-09-05
language: en
---
Russian Defence Minister Sergei Shoigu said on Monday that joint drills with North Korea were
being discussed. Kim Jong-un plans to visit Vladivostok next month.
"""

EXISTING = """title: Shoigu says joint exercises are being discussed
date: 2023-09-04
status: reported
summary: Shoigu said joint exercises with North Korea were being discussed.
actors: [Shoigu]
"""


def test_match_to_existing_event_is_a_new_source(site: Path) -> None:
    (site / "content" / "events" / "2023-09-04-shoigu.yaml").write_text(EXISTING, encoding="utf-8")
    (site / "seeds" / "second.md").write_text(SECOND, encoding="utf-8")
    result = run(site, "seeds/second.md")
    assert result.publication.value == "2023-09-05"
    assert result.publication.how == "given in the front matter"
    monday, visit = result.drafts
    assert monday.outcome == "new-source" and monday.target == "2023-09-04-shoigu"
    assert monday.fields["sources"][0] == {
        "outlet": "reuters", "stance": "reports", "quote": monday.fields["summary"],
        "url": "https://www.reuters.com/world/example", "published": "2023-09-05"}
    assert visit.outcome == "written" and visit.fields["date"] == "2023-10"
    assert visit.fields["status"] == "planned"
    assert visit.fields["places"] == ["vladivostok"]
    text = (site / "seeds" / "second.md").read_text(encoding="utf-8")
    for d in result.drafts:
        derived = d.fields["derived_from"]
        assert text[derived["start"]:derived["end"]] == d.fields["summary"]
    assert [p.name for p in (site / "content" / "drafts").iterdir()] == [Path(visit.target).name]


def test_published_option_overrides_front_matter(site: Path) -> None:
    (site / "seeds" / "second.md").write_text(SECOND, encoding="utf-8")
    config: SiteConfig = load_config(site)
    result = extract_article(config, site / "seeds" / "second.md", published=date(2023, 9, 12),
                             today=TODAY, write=False)
    assert result.publication.how == "given with --published"
    assert [e.value for e in result.expressions] == ["2023-09-11", "2023-10"]
    assert not (site / "content" / "drafts").exists()


def test_json_output(site: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code = main(["-C", str(site), "extract", str(site / SEED), "--json", "--published",
                 "2023-09-05", "--out", str(site / "out")])
    assert code == 0
    data = json.loads(capsys.readouterr().out)
    assert data["publication"] == {"value": "2023-09-05", "how": "given with --published"}
    text = (site / SEED).read_text(encoding="utf-8")
    found = {(e["text"], e["value"]) for e in data["time_expressions"]}
    assert ("currently", "2023-09-02") in found
    assert ("Earlier on Saturday", "2023-09-02") in found
    assert all(text[e["start"]:e["end"]] == e["text"] for e in data["time_expressions"])
    assert len(data["drafts"]) == 8 and all(d["outcome"] == "written" for d in data["drafts"])
    assert {d["dated_by"] for d in data["drafts"]} == {"text", "reference", "publication"}
    assert [d["date"] for d in data["drafts"] if d["dated_by"] == "publication"] == ["2023-09-05~"] * 3
    assert len(list((site / "out").iterdir())) == 8


def extract_json(site: Path, name: str, text: str, capsys: pytest.CaptureFixture[str]) -> dict[str, Any]:
    """Write `text` as seeds/<name>, run `extract --json` on it (which must succeed), and parse the output."""
    (site / "seeds" / name).write_text(text, encoding="utf-8")
    assert main(["-C", str(site), "extract", str(site / "seeds" / name), "--json"]) == 0
    return dict(json.loads(capsys.readouterr().out))


def test_no_year_article_reports_instead_of_guessing(site: Path,
                                                     capsys: pytest.CaptureFixture[str]) -> None:
    data = extract_json(site, "noyear.txt",
                        "The minister had arrived in July. Earlier on Saturday, he met the governor.\n", capsys)
    assert data["publication"]["value"] is None
    assert "--published" in data["publication"]["how"]
    assert [e["value"] for e in data["time_expressions"]] == [None, None]
    assert data["drafts"] == []
    assert not (site / "content" / "drafts").exists()


def test_contradicting_weekday_is_warned(site: Path, capsys: pytest.CaptureFixture[str]) -> None:
    data = extract_json(site, "wrong.txt",
                        "Shoigu said on Tuesday, September 4, 2023, that drills were discussed.\n", capsys)
    assert data["time_expressions"][0]["value"] == "2023-09-04?"
    assert any("contradicts" in w and "Monday" in w for w in data["warnings"])


def test_existing_file_is_never_overwritten(site: Path) -> None:
    drafts = site / "content" / "drafts"
    drafts.mkdir()
    taken = drafts / "2023-09-02-alexander-matsegora-tells-tass-political-relations.yaml"
    taken.write_text("# someone else's notes\n", encoding="utf-8")
    result = run(site, SEED)
    assert taken.read_text(encoding="utf-8") == "# someone else's notes\n"
    assert any(d.target.endswith("relations-2.yaml") for d in result.drafts)


def test_bad_front_matter_is_an_error(site: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (site / "seeds" / "bad.md").write_text("---\npublshed: 2023-09-05\n---\nText.\n",
                                           encoding="utf-8")
    assert main(["-C", str(site), "extract", str(site / "seeds" / "bad.md")]) == 1
    assert "did you mean 'published'?" in capsys.readouterr().err


def test_bad_published_option_is_an_error(site: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["-C", str(site), "extract", str(site / SEED), "--published", "5/9/2023"]) == 1
    assert "YYYY-MM-DD" in capsys.readouterr().err
