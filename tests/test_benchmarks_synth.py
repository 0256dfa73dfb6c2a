"""The benchmark's synthetic timelines stay valid input: generate a small one and build it."""

from __future__ import annotations

import importlib.util
from pathlib import Path
from types import ModuleType

from generator.build import build_project

SYNTH = Path(__file__).parent.parent / "benchmarks" / "synth.py"


def load_synth() -> ModuleType:
    """Import benchmarks/synth.py by path (benchmarks/ is not an installed package)."""
    spec = importlib.util.spec_from_file_location("benchmarks_synth", SYNTH)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_synthetic_timeline_builds(tmp_path: Path) -> None:
    synth = load_synth()
    project = synth.generate(tmp_path / "project", 30)
    assert len(list((project / "content" / "events").glob("*.yaml"))) == 30
    result = build_project(project)
    assert result.events == 30
    assert (project / "site" / "index.html").is_file()


def test_synthetic_timeline_is_deterministic(tmp_path: Path) -> None:
    synth = load_synth()
    first = synth.generate(tmp_path / "a", 12, seed=3)
    second = synth.generate(tmp_path / "b", 12, seed=3)
    for path in sorted((first / "content").rglob("*.yaml")):
        assert path.read_bytes() == (second / path.relative_to(first)).read_bytes()
