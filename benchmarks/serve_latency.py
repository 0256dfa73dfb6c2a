"""Live-reload latency of `build-site serve`: from saving an event file to a real browser showing the edit.

    python benchmarks/serve_latency.py                  # on a copy of this repository's seed project
    python benchmarks/serve_latency.py --events 1000    # on a synthetic timeline (benchmarks/synth.py)

Opens the event's page in the system Chromium via Playwright, then `--saves` times writes a new title
to the event file and waits until the page shows it; prints the median and the worst, in ms.
"""

from __future__ import annotations

import argparse
import json
import re
import shutil
import statistics
import sys
import tempfile
import threading
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
sys.path.insert(0, str(REPO))  # this checkout's generator and benchmarks, not an installed copy

from playwright.sync_api import sync_playwright  # noqa: E402

from benchmarks import synth  # noqa: E402
from generator.serve import serve  # noqa: E402
from generator.watch import DEBOUNCE_SECONDS, SETTLE_SECONDS  # noqa: E402

REBUILD = re.compile(r"; (\d+) ms\]$")  # serve's report: "Built ... [names; N page(s) changed; T ms]"
ANNOUNCED = re.compile(r"(?<!open )pages announced after (\d+) ms")  # all pages; the data exports follow
OPEN = re.compile(r"open pages announced after (\d+) ms")  # the pages open in the browser, rendered first
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                 "--disable-sync", "--no-first-run"]


def make_project(folder: Path, events: int | None) -> Path:
    """A copy of the seed project, or a synthetic one with `events` events, in `folder`."""
    if events is None:
        for name in ("content", "seeds", "templates"):
            shutil.copytree(REPO / name, folder / name)
        shutil.copy(REPO / "site.yaml", folder / "site.yaml")
        return folder
    return synth.generate(folder, events)


def retitle(event: Path, title: str) -> None:
    """Replace the event's top-level `title:` line with `title`."""
    lines = event.read_text(encoding="utf-8").splitlines(keepends=True)
    index = next(i for i, line in enumerate(lines) if line.startswith("title:"))
    lines[index] = f"title: {json.dumps(title)}\n"
    event.write_text("".join(lines), encoding="utf-8")


def rebody(event: Path, text: str) -> None:
    """Replace the event's `body` (a block of any length, or none) with the one line `text`."""
    kept: list[str] = []
    skipping = False
    for line in event.read_text(encoding="utf-8").splitlines(keepends=True):
        if line.startswith("body:"):
            skipping = True
        elif not (skipping and (line.startswith((" ", "\t")) or not line.strip())):
            skipping = False
            kept.append(line)
    event.write_text("".join(kept) + f"body: {json.dumps(text)}\n", encoding="utf-8")


def settle(lines: list[str], rebuilds: int, timeout: float = 120) -> None:
    """Wait until serve has reported `rebuilds` rebuilds after its first build: the last one is over.

    serve writes the data exports after announcing the pages and reports a rebuild only after them;
    a save made while they are being written would wait for them, measuring two rebuilds, not one.
    """
    deadline = time.monotonic() + timeout
    while sum(1 for line in lines[1:] if REBUILD.search(line)) < rebuilds and time.monotonic() < deadline:
        time.sleep(0.02)


def measure(root: Path, saves: int, port: int, edit: str = "title") -> tuple[list[float], list[float]]:
    """Milliseconds from each save to the page showing the new title (or body), and each rebuild's own time."""
    event = sorted((root / "content" / "events").rglob("*.yaml"))[0]
    lines: list[str] = []
    ready, stop = threading.Event(), threading.Event()
    thread = threading.Thread(target=serve, kwargs={"root": root, "port": port, "report": lines.append,
                                                    "ready": ready, "stop": stop}, daemon=True)
    thread.start()
    if not ready.wait(600):
        raise SystemExit("the preview did not start: " + "\n".join(lines))
    url = next(line for line in lines if line.startswith("Serving")).split()[1]
    timings: list[float] = []
    try:
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
            page = browser.new_page()
            page.goto(f"{url}events/{event.stem}/")
            page.wait_for_selector("script[data-connected]", state="attached")  # live reload is listening
            for number in range(1, saves + 1):
                probe = f"Latency probe {number}"
                settle(lines, number - 1)  # the previous rebuild, data exports included, is over
                started = time.perf_counter()
                if edit == "title":
                    retitle(event, probe)
                    page.wait_for_function("text => document.querySelector('h1')?.textContent.trim() === text",
                                           arg=probe, timeout=60_000)
                else:
                    rebody(event, probe)
                    page.wait_for_function("text => document.querySelector('main')?.textContent.includes(text)",
                                           arg=probe, timeout=60_000)
                timings.append((time.perf_counter() - started) * 1000)
                page.wait_for_timeout(200)  # let the reload settle before the next save
            browser.close()
    finally:
        stop.set()
        thread.join(10)
    rebuilds = [float(match.group(1)) for line in lines[1:] if (match := REBUILD.search(line))]
    announced = [float(match.group(1)) for line in lines[1:] if (match := ANNOUNCED.search(line))]
    opened = [float(match.group(1)) for line in lines[1:] if (match := OPEN.search(line))]
    if opened:
        print(f"  the open page announced after: median {statistics.median(opened):.0f} ms, worst {max(opened):.0f} ms "
              f"in {len(opened)} of {len(announced)} rebuilds (it is rendered before the other changed pages)")
    if announced:
        print(f"  all changed pages announced after: median {statistics.median(announced):.0f} ms, "
              f"worst {max(announced):.0f} ms (the data exports are written after that)")
    return timings, rebuilds


def main() -> None:
    """Command line: serve_latency.py [--events N] [--saves S] [--port P]."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--events", type=int, help="a synthetic timeline of N events instead of the seed")
    parser.add_argument("--saves", type=int, default=20)
    parser.add_argument("--port", type=int, default=8765)
    parser.add_argument("--edit", choices=["title", "body"], default="title",
                        help="what each save changes: the title (shown on lists too) or the body (its page only)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="serve-latency-") as folder:
        root = make_project(Path(folder), args.events)
        timings, rebuilds = measure(root, args.saves, args.port, args.edit)
    label = "seed project" if args.events is None else f"{args.events} synthetic events"
    print(f"{label}: {len(timings)} {args.edit} saves, save to page shown: median {statistics.median(timings):.0f} ms, "
          f"worst {max(timings):.0f} ms")
    if rebuilds:
        print(f"  of which the rebuild itself (serve's report): median {statistics.median(rebuilds):.0f} ms, "
              f"worst {max(rebuilds):.0f} ms; plus the debounce ({SETTLE_SECONDS * 1000:.0f} ms after a completed "
              f"save, {DEBOUNCE_SECONDS * 1000:.0f} ms after other changes)")


if __name__ == "__main__":
    main()
