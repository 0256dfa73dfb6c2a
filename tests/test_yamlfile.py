"""YAML loading with positions, and the refusals that keep loading safe."""

from __future__ import annotations

from pathlib import Path

import pytest

from generator.yamlfile import YamlList, YamlLoadError, YamlMap, load_yaml


def load(tmp_path: Path, text: str | bytes) -> object:
    path = tmp_path / "f.yaml"
    path.write_bytes(text if isinstance(text, bytes) else text.encode("utf-8"))
    return load_yaml(path, "f.yaml").value


def test_positions_are_one_based(tmp_path: Path) -> None:
    value = load(tmp_path, "title: x\nlist:\n  - a\n  - b\n")
    assert isinstance(value, YamlMap)
    assert value.key_pos["list"] == (2, 1)
    assert isinstance(value["list"], YamlList) and value["list"].item_pos == [(3, 5), (4, 5)]


def test_dates_stay_strings(tmp_path: Path) -> None:
    assert load(tmp_path, "date: 2023-09-04\n") == {"date": "2023-09-04"}


def test_byte_order_mark_is_accepted(tmp_path: Path) -> None:
    assert load(tmp_path, b"\xef\xbb\xbftitle: x\n") == {"title": "x"}


def test_empty_file_is_none(tmp_path: Path) -> None:
    assert load(tmp_path, "# only a comment\n") is None


@pytest.mark.parametrize(("text", "message"), [
    ("a: 1\n<<: {b: 2}\n", "keys must be plain words"),
    ("a: &x 1\nb: *x\n", "YAML anchors and aliases (&name, *name) are not allowed here"),
    ("a: 1\na: 2\n", "duplicate key 'a' (first given on line 1)"),
])
def test_refusals(tmp_path: Path, text: str, message: str) -> None:
    with pytest.raises(YamlLoadError) as info:
        load(tmp_path, text)
    assert info.value.problems[0].message == message


def test_tab_inside_a_value_is_fine(tmp_path: Path) -> None:
    assert load(tmp_path, "a: 'x\ty'\n") == {"a": "x\ty"}


ANCHORED = [
    "a: &x 1\nb: 2\n", "&top\na: 1\n", "a: &m\n  b: 1\n", "a: !!str &s x\n", "a: &s !!str x\n",
    "- &q [1, 2]\n- {k: &v v}\n", "&k a: 1\n", "a:\n  - &i\n    b: 2\n", "? &c x\n: y\n", "--- &d\na: 1\n",
    "a: &e |\n  text\n", "a: 1\r\nb: &f 2\r\n", "a: 1\rb: &g 2\r", "a: 'x\u2028y'\nb: &h 2\n",
    "a: \"x\x85y\"\nb: &n 2\n",
    "t: 'R&D'\nb: &o 2\n", "a: [x, &p y]\n", "a:\n- &r\n  - 1\n", "a: &u\n",
    "\ufeff\ufeffa: &z 1\n", "\ufeff\ufeff[&z 1, 2]\n",  # one byte order mark is read as such, not two
]


@pytest.mark.parametrize("text", ANCHORED)
def test_every_anchor_is_refused_wherever_it_stands(tmp_path: Path, text: str) -> None:
    """The quick look for anchors (_may_have_anchors) must never miss one, whatever the layout."""
    with pytest.raises(YamlLoadError) as info:
        load(tmp_path, text)
    assert info.value.problems[0].message == "YAML anchors and aliases (&name, *name) are not allowed here"


def test_ampersands_and_stars_in_text_need_no_second_parse(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from generator import yamlfile

    def fail(doc: object) -> None:
        raise AssertionError("parsed again")

    monkeypatch.setattr(yamlfile, "_refuse_anchors", fail)
    text = ("title: \"R&D **costs** rise\"\nsummary: AT&T & *others* say so\nbody: |-\n  &nbsp; *a* & b\n"
            "tags: [R&D, 'x & y']\nsources:\n  - outlet: A&B\n")
    loaded = load(tmp_path, text)
    assert isinstance(loaded, dict) and loaded["summary"] == "AT&T & *others* say so"
