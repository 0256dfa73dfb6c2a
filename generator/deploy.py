"""The branch route: `build-site deploy` commits the built site to gh-pages and pushes it.

It works the way ghp-import does, with git plumbing only, so the user's working tree, index and
checked-out branch are never touched: the site is built into a temporary folder, its files are
hashed into the object store (`hash-object`), listed in a temporary index (`GIT_INDEX_FILE`,
`update-index`, `write-tree`), committed on top of the remote branch (`commit-tree`), recorded
in the local branch (`update-ref`) and pushed. A refused push restores the local branch, and a
single-ref push either lands whole or not at all, so nothing is ever half-published.

The branch holds exactly the site, plus `.nojekyll` (GitHub's Jekyll would drop files starting
with `_` or `.`) and `CNAME` when site.yaml names `cname` (or, when it does not, the CNAME the
branch already had, so a custom domain set by hand is not wiped). The `.build-site` marker of the
output folder is left out: it guards a local folder and means nothing on a web server.
"""

from __future__ import annotations

import logging
import os
import re
import subprocess
import tempfile
from dataclasses import dataclass, replace
from pathlib import Path

from generator import __version__
from generator.build import build_site
from generator.config import CONFIG_FILE, SiteConfig, load_config
from generator.errors import DeployError
from generator.output import MARKER

logger = logging.getLogger(__name__)

NOJEKYLL = ".nojekyll"
CNAME_FILE = "CNAME"
FALLBACK_IDENTITY = {"GIT_AUTHOR_NAME": "build-site", "GIT_AUTHOR_EMAIL": "build-site@localhost",
                     "GIT_COMMITTER_NAME": "build-site",
                     "GIT_COMMITTER_EMAIL": "build-site@localhost"}
PERMISSION_SIGNS = ("permission to", "permission denied", "access denied", "error: 403",
                    "authentication failed", "could not read username", "not authorized")
REJECTION_SIGNS = ("[rejected]", "[remote rejected]", "non-fast-forward", "fetch first",
                   "stale info", "hook declined")


@dataclass(frozen=True)
class DeployOptions:
    """What `build-site deploy` was asked to do."""

    remote: str = "origin"
    branch: str = "gh-pages"
    message: str | None = None
    base_url: str | None = None
    force: bool = False
    dry_run: bool = False
    allow_dirty: bool = False


@dataclass(frozen=True)
class DeployResult:
    """What a deploy did (or, with --dry-run, would do)."""

    remote: str
    branch: str
    commit: str | None  # None when the branch already held this exact site
    parent: str | None
    source: str | None
    files: int
    base_url: str
    cname: str
    pushed: bool

    def summary(self) -> str:
        """One line for the terminal."""
        where = f"{self.branch} on {self.remote}"
        if self.commit is None:
            return f"{where} already holds this site ({self.files} files); nothing to push"
        history = f"on top of {self.parent[:12]}" if self.parent else "as a new history"
        domain = f", CNAME {self.cname}" if self.cname else ""
        if not self.pushed:
            return (f"Dry run: would push commit {self.commit[:12]} ({self.files} files, "
                    f"{history}{domain}) to {where}, for {self.base_url}; nothing was pushed")
        return (f"Published {self.files} files to {where}: commit {self.commit[:12]} {history}"
                f"{domain}, for {self.base_url}")


class Git:
    """Runs git commands in one folder; any failure becomes a DeployError."""

    def __init__(self, cwd: Path) -> None:
        self.cwd = cwd

    def run(self, *args: str, stdin: str | None = None, env: dict[str, str] | None = None,
            check: bool = True) -> subprocess.CompletedProcess[str]:
        """Run `git <args>` and return the finished process (raise DeployError if it failed)."""
        try:
            done = subprocess.run(["git", *args], cwd=self.cwd, input=stdin, capture_output=True,
                                  text=True, env={**os.environ, **(env or {})}, check=False)
        except FileNotFoundError:
            raise DeployError("git is not installed (or not on PATH); build-site deploy needs "
                              "it") from None
        if check and done.returncode != 0:
            raise DeployError(f"git {args[0]} failed: {last_lines(done.stderr)}")
        return done

    def out(self, *args: str, stdin: str | None = None, env: dict[str, str] | None = None) -> str:
        """The stripped standard output of a git command that must succeed."""
        return self.run(*args, stdin=stdin, env=env).stdout.strip()

    def ok(self, *args: str) -> bool:
        """True when a git command succeeds."""
        return self.run(*args, check=False).returncode == 0


def last_lines(text: str, count: int = 3) -> str:
    """The last few non-empty lines of git's output, joined for one error message."""
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    return " / ".join(lines[-count:]) or "no output"


def classify_push_failure(remote: str, url: str, stderr: str) -> DeployError:
    """A DeployError saying why git could not reach or update the remote."""
    lowered = stderr.lower()
    detail = last_lines(stderr)
    if any(sign in lowered for sign in PERMISSION_SIGNS):
        return DeployError(
            f"no permission to push to {remote} ({url}): {detail}. Locally, check your "
            "credentials or SSH key; in GitHub Actions, give the job `permissions: contents: "
            "write`. Nothing was published")
    if any(sign in lowered for sign in REJECTION_SIGNS):
        return DeployError(
            f"the push to {remote} was rejected: {detail}. The remote branch was left as it "
            "was; if someone else published meanwhile, run build-site deploy again")
    return DeployError(f"could not push to {remote} ({url}): {detail}. Nothing was published")


def check_repository(git: Git, options: DeployOptions) -> str:
    """Check the repository, branch name and remote; return the remote's URL."""
    if not git.ok("rev-parse", "--show-toplevel"):
        raise DeployError(f"{git.cwd} is not in a git repository; build-site deploy publishes "
                          "through git: run git init and git remote add origin URL first, or "
                          "use the GitHub Actions route (build-site init-workflow)")
    if not git.ok("check-ref-format", "--branch", options.branch):
        raise DeployError(f"'{options.branch}' is not a valid branch name")
    url = git.run("remote", "get-url", "--", options.remote, check=False)
    if url.returncode != 0:
        known = git.out("remote").split()
        listed = ", ".join(known) if known else "none; add one with git remote add origin URL"
        raise DeployError(f"no git remote named '{options.remote}' (remotes: {listed})")
    current = git.run("symbolic-ref", "--quiet", "--short", "HEAD", check=False).stdout.strip()
    if current == options.branch:
        raise DeployError(f"the checked-out branch is {options.branch}, the branch the site is "
                          "published to; switch to your source branch first")
    return url.stdout.strip()


def source_inputs(config: SiteConfig) -> list[str]:
    """The project's build inputs inside the repository, as paths relative to its root."""
    root = config.root
    inputs = [root / CONFIG_FILE, config.content_path, config.templates_path, config.seeds_path]
    return [os.path.relpath(path, root) for path in inputs if path.resolve().is_relative_to(root)]


def dirty_inputs(git: Git, config: SiteConfig) -> list[str]:
    """Build inputs with uncommitted changes, untracked files included."""
    status = git.run("status", "--porcelain=v1", "--untracked-files=all", "--",
                     *source_inputs(config)).stdout
    return [line[3:] for line in status.splitlines() if line.strip()]


def fetch_branch(git: Git, remote: str, url: str, branch: str) -> str | None:
    """The remote branch's tip commit, fetched into the object store (None if it has none)."""
    listing = git.run("ls-remote", "--heads", "--", remote, f"refs/heads/{branch}", check=False)
    if listing.returncode != 0:
        raise classify_push_failure(remote, url, listing.stderr)
    tips = [line.split("\t")[0] for line in listing.stdout.splitlines()
            if line.endswith(f"\trefs/heads/{branch}")]
    if not tips:
        return None
    fetched = git.run("fetch", "--no-tags", "--quiet", "--", remote,
                      f"+refs/heads/{branch}:refs/remotes/{remote}/{branch}", check=False)
    if fetched.returncode != 0:
        raise classify_push_failure(remote, url, fetched.stderr)
    return tips[0]


def pages_url_guess(remote_url: str) -> str | None:
    """The project-site URL GitHub Pages would use for a github.com remote, if it is one."""
    found = re.search(r"github\.com[:/]([\w.-]+)/([\w.-]+?)(?:\.git)?/?$", remote_url)
    if not found:
        return None
    owner, name = found.groups()
    if name.lower() == f"{owner.lower()}.github.io":
        return f"https://{name.lower()}/"
    return f"https://{owner.lower()}.github.io/{name}/"


def warn_about_base_url(config: SiteConfig, remote_url: str) -> None:
    """Log a warning when the site is published without a full production base URL."""
    if config.site_origin:
        return
    guess = pages_url_guess(remote_url)
    example = guess or "https://user.github.io/repo/"
    logger.warning("base_url is '%s', not a full URL: feeds, the sitemap and canonical links "
                   "will lack the host, and a project site (served under /repo/) needs the "
                   "path. Set base_url in site.yaml or pass --base-url %s",
                   config.base_url, example)


def previous_cname(git: Git, commit: str | None) -> str:
    """The CNAME file of a published commit ('' when there is none)."""
    if commit is None or not git.ok("cat-file", "-e", f"{commit}:{CNAME_FILE}"):
        return ""
    return git.out("cat-file", "blob", f"{commit}:{CNAME_FILE}").strip()


def site_files(folder: Path) -> list[tuple[str, Path]]:
    """The files to publish from a built site, as sorted (path in the branch, file)."""
    files = []
    for path in folder.rglob("*"):
        relative = path.relative_to(folder).as_posix()
        if path.is_file() and relative != MARKER:
            if "\n" in relative or "\0" in relative:
                raise DeployError(f"cannot publish a file with a line break in its name: "
                                  f"{relative!r}")
            files.append((relative, path))
    return sorted(files)


def write_tree(git: Git, folder: Path, index_file: Path) -> tuple[str, int]:
    """Store a folder's files as a git tree (no filters, no ignore rules); return (tree, files)."""
    files = site_files(folder)
    hashes = git.out("hash-object", "-w", "--no-filters", "--stdin-paths",
                     stdin="".join(f"{path}\n" for _, path in files)).split()
    entries = "".join(
        f"{'100755' if os.access(path, os.X_OK) else '100644'} {blob}\t{name}\0"
        for (name, path), blob in zip(files, hashes, strict=True))
    env = {"GIT_INDEX_FILE": str(index_file)}
    git.run("update-index", "--add", "-z", "--index-info", stdin=entries, env=env)
    return git.out("write-tree", env=env), len(files)


def commit_message(options: DeployOptions, source: str | None, dirty: bool,
                   base_url: str) -> str:
    """The gh-pages commit message, naming the source commit the site was built from."""
    short = source[:12] if source else "uncommitted files"
    subject = options.message or f"Publish the site built from {short}"
    origin = f"Source commit: {source}" if source else "Source commit: none (no commits yet)"
    if dirty:
        origin += " (with uncommitted changes)"
    return f"{subject}\n\n{origin}\nBase URL: {base_url}\nBuilt by build-site {__version__}\n"


def commit_tree(git: Git, tree: str, parent: str | None, message: str) -> str:
    """Create the commit object (with a fallback identity when git has none configured)."""
    env = {} if git.ok("var", "GIT_COMMITTER_IDENT") else FALLBACK_IDENTITY
    parents = ["-p", parent] if parent else []
    return git.out("commit-tree", tree, *parents, "-F", "-", stdin=message, env=env)


def publish(git: Git, options: DeployOptions, url: str, commit: str,
            remote_tip: str | None) -> None:
    """Point the local branch at the commit and push it; on failure restore the local branch."""
    ref = f"refs/heads/{options.branch}"
    before = git.run("rev-parse", "--verify", "--quiet", ref, check=False).stdout.strip()
    git.run("update-ref", "-m", "build-site deploy", ref, commit, before)
    # The lease makes even --force replace only the tip this deploy saw.
    lease = f"--force-with-lease={ref}:{remote_tip or ''}"
    pushed = git.run("push", "--porcelain", lease, "--", options.remote, f"{ref}:{ref}",
                     check=False)
    if pushed.returncode != 0:
        if before:
            git.run("update-ref", "-m", "build-site deploy: push failed", ref, before, commit)
        else:
            git.run("update-ref", "-d", ref, commit)
        raise classify_push_failure(options.remote, url, pushed.stderr + pushed.stdout)


def deploy(root: Path, options: DeployOptions) -> DeployResult:
    """Build the site for production and publish it to a branch of a git remote."""
    config = load_config(root).with_overrides(base_url=options.base_url)
    git = Git(config.root)
    url = check_repository(git, options)
    warn_about_base_url(config, url)
    dirty = dirty_inputs(git, config)
    if dirty and not options.allow_dirty:
        listed = ", ".join(dirty[:5]) + (f" and {len(dirty) - 5} more" if len(dirty) > 5 else "")
        raise DeployError(f"uncommitted changes in the site's sources ({listed}); commit them so "
                          "the published site matches a commit, or pass --allow-dirty")
    head = git.run("rev-parse", "--verify", "--quiet", "HEAD^{commit}", check=False)
    source = head.stdout.strip() or None
    remote_tip = fetch_branch(git, options.remote, url, options.branch)
    parent = None if options.force else remote_tip
    cname = config.cname or previous_cname(git, remote_tip)
    with tempfile.TemporaryDirectory(prefix="build-site-deploy-") as temporary:
        folder = Path(temporary) / "site"
        build_site(config.with_overrides(output_dir=str(folder)))
        (folder / NOJEKYLL).write_bytes(b"")
        if cname:
            (folder / CNAME_FILE).write_text(cname + "\n", encoding="utf-8")
        tree, files = write_tree(git, folder, Path(temporary) / "index")
    result = DeployResult(options.remote, options.branch, None, parent, source, files,
                          config.base_url, cname, pushed=False)
    if parent and git.out("rev-parse", f"{parent}^{{tree}}") == tree:
        return result
    message = commit_message(options, source, bool(dirty), config.base_url)
    commit = commit_tree(git, tree, parent, message)
    if options.dry_run:
        return replace(result, commit=commit)
    publish(git, options, url, commit, remote_tip)
    logger.info("pushed %s to %s %s", commit, options.remote, options.branch)
    return replace(result, commit=commit, pushed=True)
