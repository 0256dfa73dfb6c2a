"""Time expressions: recognition per pattern, resolution against a publication date, inference."""

from __future__ import annotations

from datetime import date

import pytest

from generator.article import split_sentences
from generator.timeresolve import (
    Publication,
    TimeExpression,
    infer_publication,
    resolve_mentions,
)
from generator.timex import find_mentions

PUBLISHED = date(2023, 9, 5)  # a Tuesday


def resolve(text: str, published: date | None = PUBLISHED,
            today: date = date(2026, 11, 1)) -> list[TimeExpression]:
    mentions = find_mentions(text)
    sentences = split_sentences(text, 0, len(text))
    if published is None:
        publication = infer_publication(mentions, text, sentences, today)
    else:
        publication = Publication(published.isoformat(), published, "given")
    return resolve_mentions(mentions, text, sentences, publication)


def only(text: str, published: date | None = PUBLISHED) -> tuple[str, str | None]:
    found = resolve(text, published)
    assert len(found) == 1, found
    return found[0].text, found[0].value


@pytest.mark.parametrize(("text", "span", "value"), [
    # full and partial dates
    ("It happened on September 4, 2022.", "September 4, 2022", "2022-09-04"),
    ("On September 4, 2022, it happened.", "September 4, 2022", "2022-09-04"),
    ("It happened on 4 September 2022.", "4 September 2022", "2022-09-04"),
    ("Talks were held on 2021-03-15 in Geneva.", "2021-03-15", "2021-03-15"),
    ("He arrived on the 4th of July.", "the 4th of July", "2023-07-04"),
    ("He had arrived on August 28th.", "August 28th", "2023-08-28"),
    ("The summit will open on October 2.", "October 2", "2023-10-02"),
    ("The vote took place in March 2019.", "March 2019", "2019-03"),
    ("Elections were held in 2019.", "2019", "2019"),
    # months: tense chooses the year
    ("He had traveled to Pyongyang in July.", "July", "2023-07"),
    ("He will travel to Pyongyang in July.", "July", "2024-07"),
    ("She visited in Sept. last time.", "Sept.", "2023-09"),
    ("They met last December.", "last December", "2022-12"),
    # ranges
    ("It takes place between September 10th and 13th.", "between September 10th and 13th",
     "2023-09-10/2023-09-13"),
    ("The forum runs 10\u201313 September.", "10\u201313 September", "2023-09-10/2023-09-13"),
    ("The exhibition runs from June 20 to July 3, 2024.", "from June 20 to July 3, 2024",
     "2024-06-20/2024-07-03"),
    ("The drills ran from December 28 to January 3, 2023.", "from December 28 to January 3, 2023",
     "2022-12-28/2023-01-03"),
    # parts of months and seasons
    ("Talks are planned for early October.", "early October", "2023-10-01~/2023-10-10~"),
    ("The visit took place in mid-July.", "mid-July", "2023-07-11~/2023-07-20~"),
    ("It happened in late February 2024.", "late February 2024", "2024-02-21~/2024-02-29~"),
    ("The talks collapsed last summer.", "last summer", "2023-06/2023-08"),
    ("The plant will reopen next spring.", "next spring", "2024-03/2024-05"),
    ("Fighting resumed in the summer of 2021.", "the summer of 2021", "2021-06/2021-08"),
    ("Reconstruction will start in the spring.", "the spring", "2024-03/2024-05"),
    # parts of years and ranges of years
    ("The lander will launch in early 2027.", "early 2027", "2027-01~/2027-04~"),
    ("It must finish by late 2025.", "late 2025", "2025-09~/2025-12~"),
    ("It will take until the end of next year.", "the end of next year", "2024-09~/2024-12~"),
    ("He moved the money between 2014 and 2017.", "between 2014 and 2017", "2014/2017"),
    ("The war lasted from 1914 to 1918.", "from 1914 to 1918", "1914/1918"),
    ("Sentencing is expected later this month.", "later this month", "2023-09"),
    ("A supplier failed tests earlier this month.", "earlier this month", "2023-09"),
    # weekdays and relative expressions against Tuesday 5 September 2023
    ("Earlier on Saturday, he spoke.", "Earlier on Saturday", "2023-09-02"),
    ("He said on Monday that talks went well.", "Monday", "2023-09-04"),
    ("The delegation will arrive on Friday.", "Friday", "2023-09-08"),
    ("They met last Tuesday.", "last Tuesday", "2023-08-29"),
    ("The report came out last week.", "last week", "2023-08-28/2023-09-03"),
    ("He was appointed two weeks ago.", "two weeks ago", "2023-08-22~"),
    ("They met three days ago.", "three days ago", "2023-09-02"),
    ("The talks will resume next month.", "next month", "2023-10"),
    ("The decree was signed last year.", "last year", "2022"),
    ("Inspectors will return in two weeks.", "in two weeks", "2023-09-19~"),
    ("He left yesterday.", "yesterday", "2023-09-04"),
    ("Relations are currently good.", "currently", "2023-09-05"),
    # tense: participles and adjectives in -ed say nothing; scheduling verbs point ahead
    ("He said schools would stay closed until Wednesday.", "Wednesday", "2023-09-06"),
    ("A revised budget will be presented in September.", "September", "2023-09"),
    ("The court annulled the election on Friday.", "Friday", "2023-09-01"),
    ("A public consultation opens on Monday.", "Monday", "2023-09-11"),
])
def test_pattern(text: str, span: str, value: str) -> None:
    assert only(text) == (span, value)


def test_offsets_slice_the_text() -> None:
    text = "Between 10 and 13 September, and again on Friday, October 6th, they met."
    for found in resolve(text):
        assert text[found.start:found.end] == found.text


def test_narrative_year_from_an_earlier_expression_in_the_sentence() -> None:
    found = resolve("It was last held in the summer of 2021, when storms closed it on 14 July.")
    assert [(e.text, e.value) for e in found] == [("the summer of 2021", "2021-06/2021-08"),
                                                  ("14 July", "2021-07-14")]
    assert "2021 from the same sentence" in found[1].note
    later = resolve("Voters will return on February 9 after the December 2022 vote was annulled.")
    assert later[0].value == "2024-02-09"  # a year named *after* the date does not anchor it


def test_currently_in_a_dated_statement_is_the_time_of_the_statement() -> None:
    found = resolve("Earlier on Saturday, the ambassador told TASS that relations were currently "
                    "\u201con the rise.\u201d")
    assert [e.value for e in found] == ["2023-09-02", "2023-09-02"]
    assert "time of the statement" in found[1].note
    quoted = resolve('"We currently have more volunteers than at any time since 2019," she said.')
    assert quoted[0].value == "2023-09-05" and quoted[0].note == "the publication date"


@pytest.mark.parametrize("text", [
    "The two men met at 13th Street.",  # a bare ordinal is never a year
    "It will launch two years later than planned.",
    "The defence would appeal within 30 days.",
    "Between the 10th and the 13th they argued.",
    "The satellites will be launched.",
    "You may go now, she said.",
    "They will march in the fall parade.",
    "About 2,000 troops took part.",
    "Preparations in the event of waging war in the future.",
])
def test_no_false_hits(text: str) -> None:
    assert resolve(text) == []


def test_ordinal_day_is_not_a_year() -> None:
    found = resolve("The forum runs between September 10th and 13th.")
    assert found[0].value == "2023-09-10/2023-09-13"
    assert "2013" not in (found[0].value or "")


def test_no_publication_date_weekday_fixes_the_year() -> None:
    text = ("He had said on Monday, September 4th, that talks went well. "
            "Earlier on Saturday, he left.")
    mentions = find_mentions(text)
    publication = infer_publication(mentions, text, split_sentences(text, 0, len(text)),
                                    date(2026, 11, 1))
    assert publication.value == "2023-09-04"
    assert "Monday, September 4th" in publication.how and "2023" in publication.how
    values = [e.value for e in resolve(text, None)]
    assert values == ["2023-09-04", "2023-09-02"]


def test_no_year_and_no_weekday_cannot_resolve() -> None:
    found = resolve("The delegation had arrived in July and left on Friday.", None)
    assert [e.value for e in found] == [None, None]
    assert all("--published" in e.note for e in found)


def test_named_year_is_used_when_there_is_no_weekday() -> None:
    found = resolve("In 2019 the talks failed; they had met again in July.", None)
    assert [e.value for e in found] == ["2019", "2019-07"]


def test_contradicting_weekday_is_flagged() -> None:
    found = resolve("The talks were held on Tuesday, September 4, 2023.")
    assert found[0].value == "2023-09-04?"
    assert "contradicts" in found[0].note and "Monday" in found[0].note


def test_weekday_without_publication_date_is_not_guessed() -> None:
    found = resolve("Earlier on Saturday, he left.", None)
    assert found[0].value is None
