"""Coreference-lite: what a sentence's opening refers back to."""

from __future__ import annotations

import pytest

from generator.discourse import Reference, reference, subject_phrase


@pytest.mark.parametrize(("sentence", "expected"), [
    ("Their meeting would be scheduled in September.", Reference("plural", "Their")),
    ("The two men intend to discuss arms deliveries.", Reference("plural", "The two men", True)),
    ("During that visit, Kim reportedly invited Putin.", Reference("event", "During that visit")),
    ("When asked about joint exercises, he said they were being discussed.",
     Reference("singular", "he", True)),
    ("He left on Monday.", Reference("singular", "He", True)),
    ("Theirs is a long story.", Reference()),
    ("The two countries are neighbours.", Reference()),
    ("When the talks ended, he left.", Reference()),
])
def test_reference(sentence: str, expected: Reference) -> None:
    assert reference(sentence) == expected


def test_subject_phrase() -> None:
    assert subject_phrase("Their", ["Kim", "Putin"]) == "Kim and Putin\u2019s"
    assert subject_phrase("They", ["Kim", "Putin", "Xi"]) == "Kim, Putin and Xi"
