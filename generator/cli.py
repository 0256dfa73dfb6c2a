"""The command line: the only place that prints to the terminal and chooses exit codes.

Exit codes: 0 success; 1 the build failed (problems in the input, or an unsafe output folder);
2 the command line itself was wrong; 130 interrupted with Ctrl-C.
"""

from __future__ import annotations

import logging
import sys
from pathlib import Path

import click

from generator import __version__
from generator.build import build_project, build_site
from generator.config import load_config
from generator.deploy import DeployOptions, deploy
from generator.errors import SiteError
from generator.linkcheck import check_site
from generator.workflow import write_workflow


def _setup_logging(verbosity: int) -> None:
    default = logging.INFO if verbosity == 1 else logging.DEBUG
    level = {-1: logging.ERROR, 0: logging.WARNING}.get(verbosity, default)
    logging.basicConfig(level=level, format="%(levelname)s: %(message)s", stream=sys.stderr)


@click.group(invoke_without_command=True, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, "-V", "--version", prog_name="build-site")
@click.option("-C", "--project", type=click.Path(file_okay=False, path_type=Path),
              default=Path(), show_default=True,
              help="The timeline project folder (where site.yaml is).")
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
@click.pass_context
def build(ctx: click.Context, base_url: str | None = None, output_dir: str | None = None) -> None:
    """Validate the content and build the site (nothing is written if anything is wrong)."""
    result = build_project(ctx.obj["project"], base_url=base_url, output_dir=output_dir)
    if not ctx.obj["quiet"]:
        click.echo(result.summary())


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
    target = write_workflow(ctx.obj["project"], force=force)
    if not ctx.obj["quiet"]:
        click.echo(f"Wrote {target}. In the repository's Settings > Pages, set Source to "
                   "'GitHub Actions', then commit and push the file.")


def main(argv: list[str] | None = None) -> int:
    """Run the command line; return the exit code instead of raising SiteError."""
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
    """Console-script entry point."""
    sys.exit(main())
