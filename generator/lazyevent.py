"""Events as the build cache stores them: a few fields at hand, the rest unpacked on first use.

A one-event edit at 10,000 events needs every event's id and date (to order the timeline and plan the
pages), but the other fields of only the few events on the pages it renders. Unpickling every field of
every cached event took 0.16-0.19 s of such a build; a `StoredEvent` keeps the other fields as one
pickled tuple (`_packed`) and unpacks them when one is first read, then becomes a plain `Event`.
"""

from __future__ import annotations

import dataclasses
import pickle
from typing import Any

from generator.model import Event

AT_HAND = ("id", "date", "related", "draft")  # read for every event by a one-event edit's build (and `updated`)
PACKED = tuple(f.name for f in dataclasses.fields(Event) if f.name not in AT_HAND)


class _Packed:
    """A field kept packed until first read (a non-data descriptor: once unpacked, the instance's own
    attribute is found first and this is never called again)."""

    def __init__(self, name: str) -> None:
        self.name = name

    def __get__(self, instance: StoredEvent | None, owner: type) -> Any:
        if instance is None:
            return self
        instance.unpack()
        return instance.__dict__[self.name]


class StoredEvent(Event):
    """An Event read back from the cache whose fields besides AT_HAND are still packed.

    Reading any of them unpacks all of them and turns the object into a plain Event (same fields, same
    identity), so that equality, hashing and repr behave exactly as for an Event.
    """

    def unpack(self) -> None:
        """Unpack the packed fields, then become a plain Event (only once all of them are in place)."""
        state = self.__dict__
        packed = state.get("_packed")
        if packed is not None:
            state.update(zip(PACKED, pickle.loads(packed), strict=True))  # noqa: S301 (our own cache)
            del state["_packed"]
        object.__setattr__(self, "__class__", Event)  # frozen: set as dataclasses' own __init__ does

    def __eq__(self, other: object) -> bool:
        self.unpack()
        return self == other

    def __hash__(self) -> int:
        self.unpack()
        return hash(self)

    def __repr__(self) -> str:
        self.unpack()
        return repr(self)


for _name in PACKED:  # shadowing the dataclass defaults that Event keeps as class attributes
    setattr(StoredEvent, _name, _Packed(_name))


def stored(event: Event) -> StoredEvent:
    """`event` as the cache stores it (a StoredEvent is returned as it is)."""
    if isinstance(event, StoredEvent):
        return event
    copy = StoredEvent.__new__(StoredEvent)
    values = event.__dict__
    copy.__dict__.update({name: values[name] for name in AT_HAND})
    copy.__dict__["updated"] = event.updated  # a cached property, which the feed reads for every event
    copy.__dict__["_packed"] = pickle.dumps(tuple([values[name] for name in PACKED]), protocol=pickle.HIGHEST_PROTOCOL)
    return copy
