"""Safe YAML loading that remembers where every key and value came from.

Mappings load as `YamlMap` and sequences as `YamlList`; both carry 1-based
(line, column) positions so that later validation can point at the exact spot.
Dates stay strings (EDTF is parsed elsewhere). Anchors and aliases are refused,
which also defuses "billion laughs" alias bombs.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from generator.errors import Problem, make_problem

Position = tuple[int, int]

_BaseLoader: type[yaml.SafeLoader] = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class _Loader(_BaseLoader):  # type: ignore[valid-type,misc]
    """SafeLoader (libyaml when available) that does not turn dates into datetime objects."""


_Loader.yaml_implicit_resolvers = {
    first: [(tag, regexp) for tag, regexp in resolvers if tag != "tag:yaml.org,2002:timestamp"]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}


class YamlMap(dict[str, Any]):
    """A mapping with the position of the mapping, of each key and of each value."""

    pos: Position = (1, 1)

    def __init__(self) -> None:
        super().__init__()
        self.key_pos: dict[str, Position] = {}
        self.value_pos: dict[str, Position] = {}


class YamlList(list[Any]):
    """A sequence with the position of the sequence and of each item."""

    pos: Position = (1, 1)

    def __init__(self) -> None:
        super().__init__()
        self.item_pos: list[Position] = []


@dataclass
class YamlDocument:
    """The result of loading one file: its value (None when empty) and its text."""

    path: Path
    display_path: str
    text: str
    value: Any

    def problem(self, pos: Position, message: str, hint: str = "") -> Problem:
        """A Problem at `pos` in this file, with the source line attached."""
        return make_problem(self.display_path, self.text, pos[0], pos[1], message, hint)


class YamlLoadError(Exception):
    """Raised by `load_yaml` with the located problems that stop a file from loading."""

    def __init__(self, problems: list[Problem]) -> None:
        super().__init__(problems[0].message if problems else "YAML error")
        self.problems = problems


def _position(node: Node) -> Position:
    return (node.start_mark.line + 1, node.start_mark.column + 1)


def read_text(path: Path, display_path: str, data: bytes | None = None) -> str:
    """Read a file (or its bytes, if already read) as UTF-8 with an optional BOM, or raise YamlLoadError."""
    data = path.read_bytes() if data is None else data
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        before = data[: exc.start]
        line = before.count(b"\n") + 1
        column = exc.start - (before.rfind(b"\n") + 1) + 1
        message = (
            f"this file is not UTF-8 text (byte 0x{data[exc.start]:02X} cannot be read); "
            "save it with the UTF-8 encoding"
        )
        raise YamlLoadError([Problem(display_path, line, column, message)]) from None


def _tab_problem(doc_path: str, text: str, upto_line: int) -> Problem | None:
    """The first tab used for indentation on or before `upto_line`, if any."""
    for number, line in enumerate(text.splitlines()[:upto_line], start=1):
        indent = line[: len(line) - len(line.lstrip(" \t"))]
        if "\t" in indent:
            column = indent.index("\t") + 1
            return make_problem(
                doc_path, text, number, column,
                "a tab character is used for indentation; YAML only allows spaces",
                "replace the tab with spaces",
            )
    return None


def load_yaml(path: Path, display_path: str, data: bytes | None = None) -> YamlDocument:
    """Load one YAML file (or its bytes, if already read) with positions; raise YamlLoadError on any problem."""
    text = read_text(path, display_path, data)
    loader = _Loader(text)
    try:
        node = loader.get_single_node()
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark else 1
        column = mark.column + 1 if mark else 1
        tab = _tab_problem(display_path, text, line)
        if tab is not None:
            raise YamlLoadError([tab]) from None
        reason = exc.problem or exc.context or "the YAML could not be read"
        message = f"invalid YAML: {reason}"
        hint = "check the indentation and quoting on this line or the one before it"
        raise YamlLoadError([make_problem(display_path, text, line, column, message, hint)]) from None
    finally:
        loader.dispose()
    doc = YamlDocument(path, display_path, text, None)
    if node is None:
        return doc
    if "&" in text and _may_have_anchors(node, text):  # aliases need anchors: no '&', no alias
        _refuse_anchors(doc)
    problems: list[Problem] = []
    doc.value = _construct(node, doc, problems, set(), loader)
    if problems:
        raise YamlLoadError(problems)
    return doc


_STR = "tag:yaml.org,2002:str"
_LINE_BREAK = re.compile("\r\n|[\r\n\x85\u2028\u2029]")  # what libyaml counts as a line break


def _may_have_anchors(root: Node, text: str) -> bool:
    """Whether any node of the composed document might carry an anchor: one starts with '&' or '!'.

    libyaml starts a node at its first property, an anchor (&name) or a tag (!tag, which the anchor
    may follow). This walk is cheap; parsing the file again to find the anchor's place
    (_refuse_anchors) is not, and Markdown emphasis puts '*' and '&' in many event files.
    """
    if text.startswith("\ufeff"):  # a second byte order mark, which libyaml skips without counting
        return True
    lines = _LINE_BREAK.split(text)
    nodes = [root]
    while nodes:
        node = nodes.pop()
        mark = node.start_mark
        line = lines[mark.line] if mark.line < len(lines) else ""
        if mark.column >= len(line) or line[mark.column] in "&!":
            return True  # out of step with libyaml's marks, or a property: check properly
        if isinstance(node, SequenceNode):
            nodes.extend(node.value)
        elif isinstance(node, MappingNode):
            for key, value in node.value:
                nodes += (key, value)
    return False


def _refuse_anchors(doc: YamlDocument) -> None:
    """Raise at the first anchor (&name) or alias (*name): they are how alias bombs work."""
    for event in yaml.parse(doc.text, Loader=_Loader):
        mark = event.start_mark
        if mark is not None and (isinstance(event, yaml.AliasEvent) or getattr(event, "anchor", None)):
            raise YamlLoadError([doc.problem(
                (mark.line + 1, mark.column + 1),
                "YAML anchors and aliases (&name, *name) are not allowed here",
                "write the value out in full",
            )])


def _construct(
    node: Node, doc: YamlDocument, problems: list[Problem], seen: set[int], loader: _Loader
) -> Any:
    """Turn a composed node into Python values with positions, refusing aliases."""
    if id(node) in seen:
        problems.append(doc.problem(
            _position(node), "YAML anchors and aliases (&name, *name) are not allowed here",
            "write the value out in full",
        ))
        return None
    seen.add(id(node))
    if isinstance(node, ScalarNode):
        if node.tag == _STR:
            return node.value  # what the constructor would return, without its bookkeeping
        try:
            return loader.construct_object(node, deep=True)
        except yaml.constructor.ConstructorError as exc:
            problems.append(doc.problem(_position(node), f"invalid value: {exc.problem}"))
            return None
    if isinstance(node, SequenceNode):
        seq = YamlList()
        seq.pos = _position(node)
        for item in node.value:
            seq.append(_construct(item, doc, problems, seen, loader))
            seq.item_pos.append(_position(item))
        return seq
    if isinstance(node, MappingNode):
        mapping = YamlMap()
        mapping.pos = _position(node)
        for key_node, value_node in node.value:
            if not isinstance(key_node, ScalarNode) or key_node.tag == "tag:yaml.org,2002:merge":
                problems.append(doc.problem(
                    _position(key_node), "keys must be plain words",
                    "merge keys (<<) and complex keys are not supported",
                ))
                continue
            key = str(key_node.value)
            if key in mapping:
                first = mapping.key_pos[key][0]
                problems.append(doc.problem(
                    _position(key_node), f"duplicate key '{key}' (first given on line {first})",
                    "keep only one of them",
                ))
                continue
            mapping.key_pos[key] = _position(key_node)
            mapping.value_pos[key] = _position(value_node)
            mapping[key] = _construct(value_node, doc, problems, seen, loader)
        return mapping
    problems.append(doc.problem(_position(node), "unsupported YAML node"))
    return None
