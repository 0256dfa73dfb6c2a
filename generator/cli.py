"""The command line: the only place that prints to the terminal and chooses exit codes.

Exit codes: 0 success; 1 the build failed (problems in the input, or an unsafe output folder);
2 the command line itself was wrong; 130 interrupted with Ctrl-C.
"""

from __future__ import annotations

import contextlib
import gc
import json
import logging
import os
import sys
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

import click

from generator import __version__
from generator.build import build_project, build_site
from generator.config import load_config
from generator.errors import SiteError
from generator.progress import TerminalProgress

if TYPE_CHECKING:  # the commands import what only they need, so a build starts sooner
    from generator.extract import ExtractResult


def _setup_logging(verbosity: int) -> None:
    default = logging.INFO if verbosity == 1 else logging.DEBUG
    level = {-1: logging.ERROR, 0: logging.WARNING}.get(verbosity, default)
    logging.basicConfig(level=level, format="%(levelname)s: %(message)s", stream=sys.stderr)


@click.group(invoke_without_command=True, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, "-V", "--version", prog_name="build-site")
@click.option("-C", "--project", type=click.Path(file_okay=False, path_type=Path), default=Path(),
              show_default=True, help="The timeline project folder (where site.yaml is).")
@click.option("-q", "--quiet", is_flag=True, help="Print only errors.")
@click.option("-v", "--verbose", count=True, help="Say more (repeat for debugging output).")
@click.pass_context
def cli(ctx: click.Context, project: Path, quiet: bool, verbose: int) -> None:
    """Build an event-timeline website from content/ into site/.

    With no command, `build-site` runs `build-site build`.
    """
    ctx.obj = {"project": project, "quiet": quiet}
    _setup_logging(-1 if quiet else verbose)
    if ctx.invoked_subcommand is None:
        ctx.invoke(build)


@cli.command()
@click.option("--base-url", help="Where the site will be published (overrides site.yaml), "
              "e.g. https://user.github.io/repo/.")
@click.option("-o", "--output", "output_dir",
              help="Output folder (overrides output_dir in site.yaml).")
@click.option("-j", "--jobs", type=click.IntRange(min=1), default=None,
              help="Render processes (default: one per CPU; small sites always use one).")
@click.option("--no-cache", is_flag=True, help="Ignore and do not update the build cache: render everything.")
@click.option("--drafts", is_flag=True, help="Also publish the drafts in content/drafts/, marked as drafts.")
@click.pass_context
def build(ctx: click.Context, base_url: str | None = None, output_dir: str | None = None,
          jobs: int | None = None, no_cache: bool = False, drafts: bool = False) -> None:
    """Validate the content and build the site (nothing is written if anything is wrong)."""
    progress = None if ctx.obj["quiet"] else TerminalProgress(sys.stderr)
    gc.disable()  # and left off: the process ends after the build (a late full collection took 0.2 s)
    try:
        result = build_project(ctx.obj["project"], base_url=base_url, output_dir=output_dir, workers=jobs,
                               use_cache=not no_cache, cleanup="process", drafts=drafts, progress=progress,
                               keep=_KEPT, save_in_background=_at_a_terminal())
    finally:
        if progress is not None:
            progress.clear()
    if not ctx.obj["quiet"]:
        click.echo(result.summary())


@cli.command()
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on (loopback only by default).")
@click.option("--port", default=8000, show_default=True, type=click.IntRange(1, 65535), help="Port to listen on.")
@click.option("--open", "open_browser", is_flag=True, help="Open the preview in a web browser.")
@click.option("--poll", is_flag=True, help="Poll for changes (for file systems without change events).")
@click.pass_context
def serve(ctx: click.Context, host: str, port: int, open_browser: bool, poll: bool) -> None:
    """Preview the site, rebuilding on every save and reloading the browser."""
    from generator.serve import serve as run_preview  # watchdog and http.server load only when needed

    try:
        run_preview(ctx.obj["project"].resolve(), host=host, port=port, open_browser=open_browser, poll=poll,
                    report=lambda text: click.echo(text, err=text.startswith(("content/", "site.yaml", "templates/"))))
    except KeyboardInterrupt:
        click.echo("Stopped.")


def _report(result: ExtractResult) -> None:
    click.echo(f"{result.article}: publication date {result.publication.value or 'unknown'} "
               f"({result.publication.how})")
    for e in result.expressions:
        click.echo(f"  {e.start}-{e.end} '{e.text}' -> {e.value or '?'}"
                   + (f"  [{e.note}]" if e.note else ""))
    verbs = {"written": "wrote", "already-extracted": "already extracted in",
             "new-source": "new source for existing event"}
    for d in result.drafts:
        click.echo(f"  {d.label}: {verbs.get(d.outcome, d.outcome)} {d.target}")
        if d.outcome == "new-source":
            source = (d.fields["sources"] or [{"outlet": "?"}])[0]
            via = " via " + ", ".join(source["via"]) if source.get("via") else ""
            click.echo(f"    add to its sources: {source['outlet']}{via}; derived_from "
                       f"{d.fields['derived_from']}")
        if d.proposed:
            click.echo("    unknown names: " + ", ".join(d.proposed))
    for warning in result.warnings:
        click.echo(f"warning: {warning}", err=True)
    written = sum(d.outcome == "written" for d in result.drafts)
    click.echo(f"{written} new draft(s) written, {len(result.drafts) - written} not written.")


@cli.command()
@click.argument("article", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--published", metavar="YYYY-MM-DD",
              help="The article's publication date (overrides its front matter).")
@click.option("--out", "out_dir", type=click.Path(file_okay=False, path_type=Path),
              help="Folder for the drafts (default: content/drafts).")
@click.option("--json", "as_json", is_flag=True, help="Print one JSON object instead of text.")
@click.option("--dry-run", is_flag=True, help="Find and report, but write no files.")
@click.pass_context
def extract(ctx: click.Context, article: Path, published: str | None, out_dir: Path | None,
            as_json: bool, dry_run: bool) -> None:
    """Draft events from ARTICLE (text or Markdown) into content/drafts/ for an editor."""
    from generator.article import parse_published
    from generator.extract import extract_article

    config = load_config(ctx.obj["project"])
    day = parse_published(published, "--published") if published else None
    result = extract_article(config, article, published=day, out_dir=out_dir, today=date.today(),
                             write=not dry_run)
    if as_json:
        click.echo(json.dumps(result.as_json(), ensure_ascii=False, indent=2))
    elif not ctx.obj["quiet"]:
        _report(result)


@cli.command("import")
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--out", "out_dir", type=click.Path(file_okay=False, path_type=Path),
              help="Folder for the event files (default: content/events).")
@click.option("--status", default="reported", show_default=True,
              help="Status of events whose Group does not name one (TimelineJS has no status).")
@click.option("--dry-run", is_flag=True, help="Read and convert, but write no files.")
@click.pass_context
def import_command(ctx: click.Context, file: Path, out_dir: Path | None, status: str, dry_run: bool) -> None:
    """Turn a TimelineJS JSON or spreadsheet CSV FILE into event files (never overwriting one)."""
    from generator.importer import import_timeline  # markdownify loads only for imports

    if out_dir is None:
        out_dir = load_config(ctx.obj["project"]).content_path / "events"
    result = import_timeline(file, out_dir, str(file), status=status, write=not dry_run)
    for warning in result.warnings:
        click.echo(f"warning: {warning}", err=True)
    if ctx.obj["quiet"]:
        return
    verb = "would write" if dry_run else "wrote"
    for target, origin in result.written:
        click.echo(f"{verb} {target} ({origin})")
    for target, origin in result.skipped:
        click.echo(f"skipped {origin}: {target} already exists")
    click.echo(f"{len(result.written)} event file(s) {'to write' if dry_run else 'written'}, "
               f"{len(result.skipped)} skipped because they exist.")


@cli.command()
@click.option("--base-url", help="The base URL the site is (or will be) published at "
              "(overrides site.yaml); links are resolved under its path.")
@click.option("-o", "--output", "output_dir",
              help="Output folder (overrides output_dir in site.yaml).")
@click.option("--no-build", is_flag=True, help="Check the site already in the output folder.")
@click.option("--external", is_flag=True, help="Also request every external link (HEAD, then GET).")
@click.option("--timeout", type=click.FloatRange(min=0.1), default=5.0, show_default=True,
              help="Seconds to wait for each external URL.")
@click.pass_context
def check(ctx: click.Context, base_url: str | None, output_dir: str | None, no_build: bool,
          external: bool, timeout: float) -> None:
    """Build, then check that every internal link and #fragment resolves (exit 1 if not).

    Each broken link is printed as `page: link`.
    """
    from generator.linkcheck import check_site

    config = load_config(ctx.obj["project"]).with_overrides(base_url=base_url,
                                                            output_dir=output_dir)
    if not no_build:
        result = build_site(config)
        if not ctx.obj["quiet"]:
            click.echo(result.summary(), err=True)
    report = check_site(config.output_path, config.base_url, external=external, timeout=timeout)
    for broken in report.broken:
        click.echo(f"{broken.page}: {broken.link}")
        logging.getLogger(__name__).info("%s: %s: %s", broken.page, broken.link, broken.reason)
    if not ctx.obj["quiet"] or report.broken:
        click.echo(report.summary(), err=True)
    if report.broken:
        ctx.exit(1)


@cli.command("deploy")
@click.option("--remote", default="origin", show_default=True, help="The git remote to push to.")
@click.option("--branch", default="gh-pages", show_default=True, help="The branch to publish to.")
@click.option("-m", "--message", help="Commit message (the source commit is always named too).")
@click.option("--base-url", help="Production base URL (overrides base_url in site.yaml).")
@click.option("--force", is_flag=True, help="Replace the branch's history with one new commit.")
@click.option("--dry-run", is_flag=True, help="Build and prepare the commit, but push nothing.")
@click.option("--allow-dirty", is_flag=True,
              help="Publish even with uncommitted changes in site.yaml, content or templates.")
@click.pass_context
def deploy_command(ctx: click.Context, remote: str, branch: str, message: str | None,
                   base_url: str | None, force: bool, dry_run: bool, allow_dirty: bool) -> None:
    """Build for production and publish the site to the gh-pages branch of a git remote."""
    from generator.deploy import DeployOptions, deploy

    options = DeployOptions(remote=remote, branch=branch, message=message, base_url=base_url,
                            force=force, dry_run=dry_run, allow_dirty=allow_dirty)
    result = deploy(ctx.obj["project"], options)
    if not ctx.obj["quiet"]:
        click.echo(result.summary())


@cli.command("init-workflow")
@click.option("--force", is_flag=True, help="Replace an existing .github/workflows/pages.yml.")
@click.pass_context
def init_workflow(ctx: click.Context, force: bool) -> None:
    """Write the GitHub Actions workflow that publishes the site to GitHub Pages."""
    from generator.workflow import write_workflow

    target = write_workflow(ctx.obj["project"], force=force)
    if not ctx.obj["quiet"]:
        click.echo(f"Wrote {target}. In the repository's Settings > Pages, set Source to "
                   "'GitHub Actions', then commit and push the file.")


# What a command leaves for the process's end: `run` exits without freeing it (see build_project's `keep`).
_KEPT: list[object] = []


def _at_a_terminal() -> bool:
    """Whether a person is waiting for this command at a terminal (its standard error is one).

    Then the build cache is saved in the background, so that the prompt comes back 0.1 s sooner after a
    one-event edit at 10,000 events. A script, a CI job or a timer waits for the save instead: their
    process group, container or service may be stopped as soon as the command ends, and the save with it.
    """
    try:
        return os.isatty(sys.stderr.fileno())
    except (OSError, ValueError, AttributeError):  # no real file behind it (a test runner's capture)
        return False


def main(argv: list[str] | None = None) -> int:
    """Run the command line; return the exit code instead of raising SiteError (for callers that go on)."""
    collecting = gc.isenabled()
    try:
        return _run_command(argv)
    finally:
        _KEPT.clear()
        if collecting:
            gc.enable()


def _run_command(argv: list[str] | None) -> int:
    try:
        code = cli.main(args=argv, prog_name="build-site", standalone_mode=False)
    except SiteError as exc:
        click.echo(exc.format(), err=True)
        return exc.exit_code
    except click.exceptions.Abort:
        click.echo("Interrupted.", err=True)
        return 130
    except click.ClickException as exc:
        exc.show()
        return exc.exit_code
    except KeyboardInterrupt:
        click.echo("Interrupted; the previous site was left as it was.", err=True)
        return 130
    return code if isinstance(code, int) else 0


def run() -> None:
    """Console-script entry point: run, then end the process without freeing what the command kept."""
    code = _run_command(None)
    if not _KEPT:
        sys.exit(code)
    logging.shutdown()  # flushes the log handlers, as the normal exit would
    for stream in (sys.stdout, sys.stderr):
        with contextlib.suppress(OSError):  # a closed pipe: nothing more to say
            stream.flush()
    os._exit(code)
