"""The GitHub Actions route: the packaged Pages workflow and `build-site init-workflow`.

The workflow text lives in one file, generator/pages.yml. `init-workflow` copies it into a
project; build-site's own .github/workflows/pages.yml is the same file (a test keeps them equal).
"""

from __future__ import annotations

from importlib.resources import files
from pathlib import Path

from generator.errors import SiteError

WORKFLOW_RESOURCE = "pages.yml"
WORKFLOW_PATH = Path(".github") / "workflows" / "pages.yml"


class WorkflowExistsError(SiteError):
    """The project already has a workflow file at the target path."""


def workflow_text() -> str:
    """The packaged GitHub Pages workflow, as written into projects."""
    return files("generator").joinpath(WORKFLOW_RESOURCE).read_text(encoding="utf-8")


def write_workflow(project: Path, force: bool = False) -> Path:
    """Write the workflow into `project`; refuse to replace an existing file unless forced."""
    target = project / WORKFLOW_PATH
    text = workflow_text()
    if target.exists() and not force:
        raise WorkflowExistsError(
            f"{target} already exists; keeping it. Compare it with the workflow in "
            "build-site's docs/publishing.md, or replace it with: build-site init-workflow --force")
    if target.is_dir():
        raise WorkflowExistsError(f"{target} is a folder; move it away first")
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(text, encoding="utf-8")
    return target
