"""Suggested headlines: date words, lead-ins, reporting frames, asides and trailing clauses go."""

from __future__ import annotations

import pytest

from generator.headline import headline


def date_span(sentence: str, words: str) -> tuple[int, int]:
    start = sentence.index(words)
    return start, start + len(words)


@pytest.mark.parametrize(("sentence", "date", "names", "title"), [
    ("Earlier, the U.S. reported that Russian Defense Minister Sergei Shoygu had traveled to North "
     "Korea in July to lay the groundwork for such an arms deal.", "July", {},
     "Russian Defense Minister Sergei Shoygu travels to North Korea"),
    ("Earlier on Saturday, Russia\u2019s ambassador to North Korea, Alexander Matsegora, told Russian "
     "news agency TASS that relations were \u201con the rise,\u201d and that drills were possible.",
     "Earlier on Saturday", {"Alexander Matsegora": "Alexander Matsegora",
                             "Russian news agency TASS": "TASS"},
     "Alexander Matsegora tells TASS relations were \u201con the rise\u201d"),
    ("\u201cWhy not, these are our neighbors. You don\u2019t choose your neighbors,\u201d Reuters "
     "claims Sergei Shoigu had said on Monday, based on an Interfax report.", "Monday",
     {"Reuters": "Reuters", "Sergei Shoigu": "Sergei Shoigu"},
     "Sergei Shoigu: \u201cWhy not, these are our neighbors\u201d"),
    ("The latest report comes as the U.S. expresses concern about closer military ties, which could "
     "boost Russia\u2019s war effort.", None, {},
     "The U.S. expresses concern about closer military ties"),
    ("Velde, who left office in 2018, denies the charges.", None, {}, "Velde denies the charges"),
])
def test_headline(sentence: str, date: str | None, names: dict[str, str], title: str) -> None:
    span = date_span(sentence, date) if date else None
    assert headline(sentence, span, names) == title


def test_anaphoric_subject_is_replaced() -> None:
    sentence = ("Their meeting, yet to be confirmed by Moskow and Pyongyang, would be scheduled "
                "during the Eastern Economic Forum, which takes place between September 10th and 13th.")
    span = date_span(sentence, "between September 10th and 13th")
    assert headline(sentence, span, {}, ("Their", "Kim and Putin\u2019s")) == (
        "Kim and Putin\u2019s meeting planned during the Eastern Economic Forum")


def test_long_headline_drops_job_titles_then_cuts() -> None:
    sentence = ("North Korean leader Kim Jong-un plans to make a rare trip abroad to meet with "
                "President Vladimir Putin.")
    names = {"Kim Jong-un": "Kim Jong-un", "President Vladimir Putin": "Vladimir Putin"}
    assert headline(sentence, None, names) == (
        "Kim Jong-un plans to make a rare trip abroad to meet with Vladimir Putin")
    long = " ".join(["word"] * 30) + "."
    assert headline(long, None, {}).endswith("\u2026")
    assert len(headline(long, None, {}).split()) == 16
