"""The GitHub Pages workflow: one text, in this repository and written by init-workflow."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import yaml

from generator import __version__
from generator.workflow import WORKFLOW_PATH, workflow_text

Cli = Callable[..., tuple[int, str, str]]
REPO = Path(__file__).resolve().parent.parent


def load() -> dict[Any, Any]:
    """The packaged workflow, parsed."""
    document = yaml.safe_load(workflow_text())
    assert isinstance(document, dict)
    return document


def steps(job: str) -> list[dict[str, Any]]:
    """The steps of one job."""
    return list(load()["jobs"][job]["steps"])


def test_repository_workflow_is_the_packaged_one() -> None:
    assert (REPO / WORKFLOW_PATH).read_text(encoding="utf-8") == workflow_text()


def test_permissions_and_concurrency() -> None:
    document = load()
    assert document["permissions"] == {"contents": "read", "pages": "write", "id-token": "write"}
    assert document["concurrency"]["group"] == "pages"
    assert document["concurrency"]["cancel-in-progress"] is False
    triggers = document[True]  # YAML 1.1 reads the key `on` as true
    assert triggers["push"]["branches"] == ["main"] and "workflow_dispatch" in triggers


def test_build_job_installs_configures_builds_and_uploads() -> None:
    build = steps("build")
    uses = [step.get("uses", "") for step in build]
    assert any(u.startswith("actions/checkout@") for u in uses)
    configure = next(s for s in build if s.get("uses", "").startswith("actions/configure-pages@"))
    assert configure["id"] == "pages"
    upload = next(s for s in build
                  if s.get("uses", "").startswith("actions/upload-pages-artifact@"))
    assert upload["with"]["path"] == "site"
    runs = {step.get("name"): step for step in build if "run" in step}
    install = runs["Install build-site"]["run"]
    assert "pip install -e ." in install
    assert f'pip install "build-site=={__version__}"' in install
    site = runs["Build the site"]
    assert site["env"]["BASE_URL"] == "${{ steps.pages.outputs.base_url }}"
    assert site["run"] == 'build-site build --base-url "$BASE_URL" --output site'
    check = runs["Check links"]["run"]
    assert check.startswith("build-site check --no-build --base-url \"$BASE_URL\"")
    assert build.index(configure) < build.index(runs["Build the site"]) < build.index(upload)


def test_deploy_job_uses_deploy_pages() -> None:
    job = load()["jobs"]["deploy"]
    assert job["needs"] == "build"
    assert job["environment"]["name"] == "github-pages"
    assert job["environment"]["url"] == "${{ steps.deployment.outputs.page_url }}"
    (step,) = job["steps"]
    assert step["uses"].startswith("actions/deploy-pages@") and step["id"] == "deployment"


def test_init_workflow_writes_the_packaged_text(tmp_path: Path, cli: Cli) -> None:
    code, out, err = cli("-C", tmp_path, "init-workflow")
    assert code == 0, err
    assert "Wrote" in out and "GitHub Actions" in out
    assert (tmp_path / WORKFLOW_PATH).read_text(encoding="utf-8") == workflow_text()


def test_init_workflow_refuses_to_overwrite(tmp_path: Path, cli: Cli) -> None:
    target = tmp_path / WORKFLOW_PATH
    target.parent.mkdir(parents=True)
    target.write_text("name: mine\n", encoding="utf-8")
    code, _, err = cli("-C", tmp_path, "init-workflow")
    assert code == 1
    assert "already exists; keeping it" in err and "--force" in err
    assert target.read_text(encoding="utf-8") == "name: mine\n"
    code, _, err = cli("-C", tmp_path, "init-workflow", "--force")
    assert code == 0, err
    assert target.read_text(encoding="utf-8") == workflow_text()
