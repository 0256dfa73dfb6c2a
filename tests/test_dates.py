"""EDTF parsing, labels, sort order and HTML datetime values."""

from __future__ import annotations

from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from generator.dates import DateError, parse_date


@pytest.mark.parametrize(("edtf", "label", "earliest", "latest", "datetime_attr"), [
    ("2023-09-04", "4 September 2023", date(2023, 9, 4), date(2023, 9, 4), "2023-09-04"),
    ("2023-07", "July 2023", date(2023, 7, 1), date(2023, 7, 31), "2023-07"),
    ("2023", "2023", date(2023, 1, 1), date(2023, 12, 31), "2023"),
    ("2023-09-10/2023-09-13", "10–13 September 2023", date(2023, 9, 10), date(2023, 9, 13), "2023-09-10"),
    ("2023-07?", "July 2023 (uncertain)", date(2023, 7, 1), date(2023, 7, 31), "2023-07"),
    ("2023-07~", "c. July 2023", date(2023, 7, 1), date(2023, 7, 31), "2023-07"),
    ("2023-07%", "c. July 2023 (uncertain)", date(2023, 7, 1), date(2023, 7, 31), "2023-07"),
    ("../2023-09-13", "until 13 September 2023", date(2023, 9, 13), date(2023, 9, 13), "2023-09-13"),
    ("2023-09-10/..", "since 10 September 2023", date(2023, 9, 10), date(2023, 9, 10), "2023-09-10"),
    ("2023-09-10/", "from 10 September 2023 (end unknown)", date(2023, 9, 10), date(2023, 9, 10), "2023-09-10"),
    ("2023-08-28/2023-09-03", "28 August – 3 September 2023", date(2023, 8, 28), date(2023, 9, 3), "2023-08-28"),
    ("2022-12/2023-01", "December 2022 – January 2023", date(2022, 12, 1), date(2023, 1, 31), "2022-12"),
    ("2023-07/2023-09", "July – September 2023", date(2023, 7, 1), date(2023, 9, 30), "2023-07"),
    ("2023-07~/2023-09", "c. July 2023 – September 2023", date(2023, 7, 1), date(2023, 9, 30), "2023-07"),
    ("2024-02-29", "29 February 2024", date(2024, 2, 29), date(2024, 2, 29), "2024-02-29"),
])
def test_valid_dates(edtf: str, label: str, earliest: date, latest: date, datetime_attr: str) -> None:
    value = parse_date(edtf)
    assert (value.label, value.earliest, value.latest, value.datetime_attr) == (label, earliest, latest, datetime_attr)


@pytest.mark.parametrize(("edtf", "message", "offset"), [
    ("2023-13-01", "there is no month 13; months run from 01 to 12", 5),
    ("2023-09-31", "there is no day 31 in September 2023 (it has 30 days)", 8),
    ("2023-02-29", "there is no day 29 in February 2023 (it has 28 days)", 8),
    ("2023-09-13/2023-09-10", "the interval ends (2023-09-10) before it starts (2023-09-13); swap the two dates", 11),
    ("2023-7-4", "months and days need two digits, e.g. 2023-07-04", 0),
    ("04/09/2023", "write the year first, e.g. 2023-09-04", 0),
    ("2023/2024/2025", "an interval has exactly one '/', e.g. 2023-09-10/2023-09-13", 9),
    ("4.9.2023", "write the year first, e.g. 2023-09-04", 0),
    ("September 2023", "'September 2023' is not an EDTF date; use YYYY, YYYY-MM or YYYY-MM-DD, optionally followed "
                       "by ? (uncertain), ~ (approximate) or % (both)", 0),
    ("", "the date is empty; write it as YYYY, YYYY-MM or YYYY-MM-DD", 0),
    ("../..", "an interval needs at least one known end, e.g. ../2023-09-13", 0),
    ("..", "'..' is only allowed as one end of an interval, e.g. ../2023-09-13", 0),
])
def test_invalid_dates(edtf: str, message: str, offset: int) -> None:
    with pytest.raises(DateError) as info:
        parse_date(edtf)
    assert (str(info.value), info.value.offset) == (message, offset)


def test_sort_rule_start_then_longer_then_certain() -> None:
    values = ["2023-07-05", "2023-07", "2023-07?", "2023", "2023-06-30/2023-07-02", "../2023-07-01", "2023-07-01"]
    ordered = sorted(values, key=lambda v: parse_date(v).sort_key())
    assert ordered == ["2023", "2023-06-30/2023-07-02", "2023-07", "2023-07?", "../2023-07-01", "2023-07-01",
                       "2023-07-05"]


@given(st.dates(min_value=date(1000, 1, 1), max_value=date(9999, 12, 31)),
       st.dates(min_value=date(1000, 1, 1), max_value=date(9999, 12, 31)))
def test_any_real_interval_parses_and_orders_its_ends(a: date, b: date) -> None:
    start, end = min(a, b), max(a, b)
    value = parse_date(f"{start.isoformat()}/{end.isoformat()}")
    assert (value.earliest, value.latest) == (start, end)
    assert value.label.endswith(str(end.year))
