"""Events as the cache stores them (generator.lazyevent): packed, then unpacked into plain Events."""

from __future__ import annotations

import dataclasses
import pickle

import pytest
from hypothesis import given
from hypothesis import strategies as st

from generator.dates import parse_date
from generator.lazyevent import AT_HAND, PACKED, StoredEvent, stored
from generator.model import Derivation, Event, Source, Tag


def _event() -> Event:
    return Event(
        id="kim-putin-meeting", path="content/events/kim-putin-meeting.yaml", title="Kim and Putin to meet",
        date=parse_date("2023-09-10/2023-09-13"), status="planned", summary="A *planned* meeting.",
        body="Details in Vladivostok.", actors=("kim-jong-un", "vladimir-putin"), places=("vladivostok",),
        tags=(Tag("summit", "Summit"),),
        sources=(Source("reuters", url="https://example.com/r", published=parse_date("2023-09-05"),
                        via=("interfax",)), Source("tass", stance="confirms")),
        derived_from=(Derivation("seeds/000.txt", 10, 20, "excerpt"),), related=("shoigu-visit",))


def test_every_field_reads_back_as_it_was() -> None:
    event = _event()
    copy = pickle.loads(pickle.dumps(stored(event)))  # as the events shard writes and reads it
    assert type(copy) is StoredEvent
    for field in dataclasses.fields(Event):
        assert getattr(copy, field.name) == getattr(event, field.name)
    assert type(copy) is Event  # unpacked once, then a plain Event
    assert copy == event and hash(copy) == hash(event) and repr(copy) == repr(event)
    assert copy.updated == event.updated and copy.outlets == event.outlets


@pytest.mark.parametrize("name", PACKED)
def test_reading_any_packed_field_unpacks_them_all(name: str) -> None:
    event = _event()
    copy = pickle.loads(pickle.dumps(stored(event)))
    assert getattr(copy, name) == getattr(event, name)  # even fields whose class default differs (body, tags...)
    assert type(copy) is Event and "_packed" not in copy.__dict__
    assert copy.__dict__.keys() >= {field.name for field in dataclasses.fields(Event)}


def test_fields_at_hand_and_the_update_date_leave_it_packed() -> None:
    event = _event()
    copy = pickle.loads(pickle.dumps(stored(event)))
    assert [getattr(copy, name) for name in AT_HAND] == [getattr(event, name) for name in AT_HAND]
    assert copy.updated == event.updated == parse_date("2023-09-05").latest
    assert type(copy) is StoredEvent and "_packed" in copy.__dict__
    assert pickle.loads(pickle.dumps(copy)) == event  # a still-packed event pickles as it is


def test_equality_hashing_and_replace_unpack_first() -> None:
    event = _event()
    assert stored(event) == event and event == stored(event)
    assert {stored(event): 1}[event] == 1
    assert stored(event) != dataclasses.replace(event, title="Another title")
    changed = dataclasses.replace(stored(event), title="Another title")
    assert type(changed) is Event and changed == dataclasses.replace(event, title="Another title")


def test_a_stored_event_is_stored_as_it_is_and_defaults_survive() -> None:
    packed = stored(_event())
    assert stored(packed) is packed
    plain = Event(id="e", path="content/events/e.yaml", title="T", date=parse_date("2020"), status="reported",
                  summary="S")
    copy = pickle.loads(pickle.dumps(stored(plain)))
    assert copy == plain and copy.body == "" and copy.tags == ()


def test_repr_and_a_failed_unpack_leave_it_usable() -> None:
    event = _event()
    assert repr(pickle.loads(pickle.dumps(stored(event)))) == repr(event)  # not "StoredEvent(...)"
    broken = pickle.loads(pickle.dumps(stored(event)))
    good = broken.__dict__["_packed"]
    broken.__dict__["_packed"] = b"not a pickle"
    with pytest.raises(pickle.UnpicklingError):
        _ = broken.title
    broken.__dict__["_packed"] = good  # still there after the failure: a second read can succeed
    assert broken.title == event.title and broken == event


texts = st.text(max_size=30)
ids = st.from_regex(r"[a-z][a-z0-9-]{0,12}", fullmatch=True)


@st.composite
def events(draw: st.DrawFn) -> Event:
    """Events with every kind of field filled or left at its default."""
    sources = draw(st.lists(st.builds(Source, outlet=ids, stance=st.sampled_from(["reports", "confirms", "denies"]),
                                      url=texts, title=texts, quote=texts,
                                      published=st.sampled_from([None, parse_date("2023-09-05"), parse_date("2021")]),
                                      via=st.lists(ids, max_size=2).map(tuple)), max_size=3))
    return Event(id=draw(ids), path=draw(texts), title=draw(texts),
                 date=draw(st.sampled_from([parse_date(d) for d in ("2023-09-10", "2023-09", "2023~", "2023/2024")])),
                 status=draw(st.sampled_from(["planned", "reported", "denied"])), summary=draw(texts),
                 body=draw(texts), actors=tuple(draw(st.lists(ids, max_size=3))),
                 places=tuple(draw(st.lists(ids, max_size=2))),
                 tags=tuple(Tag(slug, slug.upper()) for slug in draw(st.lists(ids, max_size=3))),
                 sources=tuple(sources), related=tuple(draw(st.lists(ids, max_size=2))), draft=draw(st.booleans()))


@given(events(), st.sampled_from(["id", *PACKED, "updated", "outlets"]))
def test_any_event_reads_back_the_same_whatever_is_read_first(event: Event, first: str) -> None:
    copy = pickle.loads(pickle.dumps(stored(event)))
    assert getattr(copy, first) == getattr(event, first)
    assert copy == event and repr(copy) == repr(event) and copy.updated == event.updated
    assert copy.outlets == event.outlets and copy.sort_key() == event.sort_key()
