"""The cache's shards: the rendered Markdown, read one bucket at a time."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from generator.store import MARKDOWN, ShardedStore, markdown_shard


def store(folder: Path, markdown: dict[tuple[str, bool], str], stored: bool = True) -> ShardedStore:
    shards = ShardedStore(folder, "tag", markdown, {}, {}, stored)
    shards.markdown_mode = "sanitize"
    return shards


def texts(count: int) -> dict[tuple[str, bool], str]:
    """Summaries (inline and block) and bodies of every length from 1 to `count`."""
    found: dict[tuple[str, bool], str] = {}
    for length in range(1, count + 1):
        text = "x" * length
        found[(text, True)] = f"inline {length}"
        found[(text, False)] = f"<p>block {length}</p>"
    return found


def test_markdown_is_sharded_by_kind_and_by_length() -> None:
    assert markdown_shard(("abc", True)) == f"{MARKDOWN}inline.3"
    assert markdown_shard(("abc", False)) == f"{MARKDOWN}block.3"
    assert markdown_shard(("x" * 17, True)) == markdown_shard(("y", True))
    assert len({markdown_shard(key) for key in texts(64)}) == 32


def test_a_text_reads_only_its_shard(tmp_path: Path) -> None:
    store(tmp_path, texts(64), stored=False).save()
    markdown: dict[tuple[str, bool], str] = {}
    shards = store(tmp_path, markdown)
    shards.load_markdown(("x" * 5, False))
    assert markdown[("x" * 5, False)] == "<p>block 5</p>"
    assert {markdown_shard(key) for key in markdown} == {markdown_shard(("x" * 5, False))}
    assert len(markdown) == 4  # the block HTML of the texts 5, 21, 37 and 53 characters long
    shards.load_markdown()
    assert markdown == texts(64)


def test_texts_converted_without_reading_their_shard_join_those_stored(tmp_path: Path) -> None:
    store(tmp_path, texts(64), stored=False).save()
    (tmp_path / "markdown.pickle").write_bytes(b"the single file of earlier versions")
    markdown: dict[tuple[str, bool], str] = {("new text", True): "new"}  # converted: its shard never read
    store(tmp_path, markdown).save()
    assert not (tmp_path / "markdown.pickle").exists()
    everything: dict[tuple[str, bool], Any] = {}
    store(tmp_path, everything).load_markdown()
    assert everything == {**texts(64), ("new text", True): "new"}


def test_the_number_of_stored_texts_is_known_without_reading_them(tmp_path: Path) -> None:
    """A build tells whether the stored Markdown has grown past what it should hold from a small count file."""
    store(tmp_path, texts(64), stored=False).save()  # 128 texts
    shards = store(tmp_path, {})
    assert not shards.markdown_grown(most=128) and shards.markdown_grown(most=127)
    assert not shards.loaded  # no shard was read to tell
    markdown: dict[tuple[str, bool], str] = {("new text", False): "<p>new</p>"}
    store(tmp_path, markdown).save()  # one more text, in a shard never read: read, joined, counted
    assert store(tmp_path, {}).markdown_grown(most=128)
