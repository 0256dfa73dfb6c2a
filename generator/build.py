"""The build, top to bottom: load configuration, load content, render, write."""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass
from pathlib import Path

from generator.config import SiteConfig, load_config
from generator.content import load_content
from generator.output import StagedOutput, check_output_folder
from generator.parallel import render_pages, worker_count
from generator.render import Renderer

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class BuildResult:
    """What a build produced."""

    output: Path
    events: int
    pages: int  # HTML pages
    files: int  # every file written, pages included
    bytes: int
    seconds: float

    def summary(self) -> str:
        """The closing line, e.g. 'Built 7 events into 31 pages in 0.21 s'."""
        return (f"Built {self.events} events into {self.pages} pages ({self.files} files, "
                f"{self.bytes / 1024:.0f} KiB) in {self.seconds:.2f} s")


def build_site(config: SiteConfig, workers: int | None = 1) -> BuildResult:
    """Validate everything, render every page, then swap the new site in; raise SiteError on failure.

    `workers` is the number of render processes (None: one per CPU; small sites always use one).
    """
    started = time.perf_counter()
    output = check_output_folder(config)
    timeline = load_content(config)
    logger.info("loaded %d events", len(timeline.events))
    renderer = Renderer(config, timeline)
    pages = renderer.pages()
    processes = worker_count(workers, len(pages))
    with StagedOutput(output) as staged:
        if processes > 1:
            render_pages(renderer, pages, staged, processes)
        else:
            for page in pages:
                staged.write(page.path, renderer.render_page(page))
        for path, data in renderer.other_outputs(pages):
            staged.write(path, data)
        staged.commit()
    logger.info("rendered %d pages with %d process(es)", len(pages), processes)
    return BuildResult(output, len(timeline.events), len(pages), staged.files, staged.bytes,
                       time.perf_counter() - started)


def build_project(root: Path, base_url: str | None = None, output_dir: str | None = None,
                  workers: int | None = 1) -> BuildResult:
    """Load `<root>/site.yaml`, apply overrides, and build."""
    config = load_config(root).with_overrides(base_url=base_url, output_dir=output_dir)
    return build_site(config, workers=workers)
