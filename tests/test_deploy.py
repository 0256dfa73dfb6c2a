"""`build-site deploy`: the site is committed to gh-pages of a local bare repository."""

from __future__ import annotations

import contextlib
import os
import socket
import subprocess
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from generator.config import load_config
from generator.deploy import classify_push_failure, pages_url_guess, warn_about_base_url

Cli = Callable[..., tuple[int, str, str]]
IDENTITY = {"GIT_AUTHOR_NAME": "Tester", "GIT_AUTHOR_EMAIL": "t@example.org",
            "GIT_COMMITTER_NAME": "Tester", "GIT_COMMITTER_EMAIL": "t@example.org"}


def git(cwd: Path, *args: str) -> str:
    """Run git in `cwd` and return its stripped output (fail the test if git fails)."""
    done = subprocess.run(["git", *args], cwd=cwd, capture_output=True, text=True, check=False,
                          env={**os.environ, **IDENTITY})
    assert done.returncode == 0, done.stderr
    return done.stdout.strip()


def branch_files(bare: Path, branch: str = "gh-pages") -> set[str]:
    """Every file path on a branch of the bare repository."""
    return set(git(bare, "ls-tree", "-r", "--name-only", branch).splitlines())


def history(bare: Path, branch: str = "gh-pages") -> list[str]:
    """The commits of a branch, newest first."""
    return git(bare, "rev-list", branch).splitlines()


@pytest.fixture
def repo(seed_project: Path, tmp_path: Path) -> tuple[Path, Path]:
    """(project, bare remote): the seed project committed on main, with origin a bare repo."""
    bare = tmp_path / "remote.git"
    git(tmp_path, "init", "--quiet", "--bare", str(bare))
    with (seed_project / "site.yaml").open("a", encoding="utf-8") as handle:
        handle.write("cname: timeline.example.org\n")
    (seed_project / ".gitignore").write_text("/site/\n", encoding="utf-8")
    git(seed_project, "init", "--quiet", "--initial-branch=main")
    git(seed_project, "config", "user.name", "Tester")
    git(seed_project, "config", "user.email", "t@example.org")
    git(seed_project, "add", "-A")
    git(seed_project, "commit", "--quiet", "-m", "The timeline")
    git(seed_project, "remote", "add", "origin", str(bare))
    git(seed_project, "push", "--quiet", "origin", "main")
    return seed_project, bare


def edit_event(project: Path, commit: bool = True) -> None:
    """Change one event's title (and commit it)."""
    event = next((project / "content" / "events").glob("*kim-invites-putin.yaml"))
    text = event.read_text(encoding="utf-8")
    event.write_text(text.replace("title: ", "title: Updated ", 1), encoding="utf-8")
    if commit:
        git(project, "commit", "--quiet", "-am", "Retitle an event")


def test_deploy_commits_exactly_the_site(repo: tuple[Path, Path], cli: Cli) -> None:
    project, bare = repo
    head = git(project, "rev-parse", "HEAD")
    code, out, err = cli("-C", project, "deploy")
    assert code == 0, err
    assert "Published" in out
    code, _, err = cli("-C", project, "build")
    assert code == 0, err
    built = {p.relative_to(project / "site").as_posix()
             for p in (project / "site").rglob("*") if p.is_file()}
    assert branch_files(bare) == (built - {".build-site"}) | {".nojekyll", "CNAME"}
    assert git(bare, "show", "gh-pages:CNAME") == "timeline.example.org"
    assert git(bare, "show", "gh-pages:index.html") == \
        (project / "site" / "index.html").read_text(encoding="utf-8").strip()
    message = git(bare, "log", "-1", "--format=%B", "gh-pages")
    assert head in message and "Base URL: https://timeline.example.org/" in message
    # the user's checkout is untouched: same branch, same commit, clean tree and index
    assert git(project, "symbolic-ref", "--short", "HEAD") == "main"
    assert git(project, "rev-parse", "HEAD") == head
    assert git(project, "status", "--porcelain") == ""
    assert git(project, "rev-parse", "gh-pages") == git(bare, "rev-parse", "gh-pages")


def test_second_deploy_keeps_history_and_cname(repo: tuple[Path, Path], cli: Cli) -> None:
    project, bare = repo
    assert cli("-C", project, "deploy")[0] == 0
    first = history(bare)
    edit_event(project)
    code, _, err = cli("-C", project, "deploy", "--message", "Retitled")
    assert code == 0, err
    second = history(bare)
    assert len(second) == 2 and second[1:] == first
    assert "CNAME" in branch_files(bare)
    message = git(bare, "log", "-1", "--format=%B", "gh-pages")
    assert message.startswith("Retitled") and git(project, "rev-parse", "HEAD") in message
    assert "Updated Kim" in git(bare, "show", "gh-pages:index.html")


def test_unchanged_site_is_not_pushed_again(repo: tuple[Path, Path], cli: Cli) -> None:
    project, bare = repo
    assert cli("-C", project, "deploy")[0] == 0
    code, out, _ = cli("-C", project, "deploy")
    assert code == 0 and "nothing to push" in out
    assert len(history(bare)) == 1


def test_cname_on_the_branch_survives_when_site_yaml_has_none(repo: tuple[Path, Path],
                                                               cli: Cli) -> None:
    project, bare = repo  # mkdocs#1257: a deploy must not wipe the custom domain
    assert cli("-C", project, "deploy")[0] == 0
    config = project / "site.yaml"
    config.write_text(config.read_text(encoding="utf-8").replace(
        "cname: timeline.example.org\n", ""), encoding="utf-8")
    edit_event(project, commit=False)
    git(project, "commit", "--quiet", "-am", "Drop cname")
    assert cli("-C", project, "deploy")[0] == 0
    assert git(bare, "show", "gh-pages:CNAME") == "timeline.example.org"


def test_force_replaces_history(repo: tuple[Path, Path], cli: Cli) -> None:
    project, bare = repo
    assert cli("-C", project, "deploy")[0] == 0
    edit_event(project)
    assert cli("-C", project, "deploy")[0] == 0
    assert len(history(bare)) == 2
    code, out, err = cli("-C", project, "deploy", "--force")
    assert code == 0, err
    assert "as a new history" in out
    assert len(history(bare)) == 1
    assert {".nojekyll", "CNAME", "index.html"} <= branch_files(bare)


def test_dry_run_pushes_nothing(repo: tuple[Path, Path], cli: Cli) -> None:
    project, bare = repo
    code, out, err = cli("-C", project, "deploy", "--dry-run")
    assert code == 0, err
    assert "Dry run" in out and "nothing was pushed" in out
    assert git(bare, "branch", "--list", "gh-pages") == ""
    assert git(project, "branch", "--list", "gh-pages") == ""
    assert git(project, "status", "--porcelain") == ""


def test_base_url_option_sets_production_url(repo: tuple[Path, Path], cli: Cli) -> None:
    project, bare = repo
    config = project / "site.yaml"
    config.write_text(config.read_text(encoding="utf-8").replace(
        "cname: timeline.example.org\n", ""), encoding="utf-8")
    git(project, "commit", "--quiet", "-am", "No custom domain")
    code, _, err = cli("-C", project, "deploy", "--base-url", "https://user.github.io/repo/")
    assert code == 0, err
    assert 'href="/repo/static/style.css"' in git(bare, "show", "gh-pages:404.html")
    assert "CNAME" not in branch_files(bare)


def test_path_only_base_url_is_warned_about(seed_project: Path,
                                            caplog: pytest.LogCaptureFixture) -> None:
    config = load_config(seed_project).with_overrides(base_url="/")
    warn_about_base_url(config, "git@github.com:user/timeline.git")  # no network: only a name
    assert "--base-url https://user.github.io/timeline/" in caplog.text
    caplog.clear()
    warn_about_base_url(load_config(seed_project), "git@github.com:user/timeline.git")
    assert caplog.text == ""


def test_pages_url_guess() -> None:
    assert pages_url_guess("https://github.com/User/repo.git") == "https://user.github.io/repo/"
    assert pages_url_guess("git@github.com:user/user.github.io") == "https://user.github.io/"
    assert pages_url_guess("/srv/git/site.git") is None


def test_not_a_git_repository(seed_project: Path, cli: Cli) -> None:
    code, _, err = cli("-C", seed_project, "deploy")
    assert code == 1
    assert "is not in a git repository" in err


def test_no_such_remote(repo: tuple[Path, Path], cli: Cli) -> None:
    project, _ = repo
    code, _, err = cli("-C", project, "deploy", "--remote", "upstream")
    assert code == 1
    assert "no git remote named 'upstream' (remotes: origin)" in err


def test_uncommitted_changes_are_refused(repo: tuple[Path, Path], cli: Cli) -> None:
    project, bare = repo
    edit_event(project, commit=False)
    code, _, err = cli("-C", project, "deploy")
    assert code == 1
    assert "uncommitted changes in the site's sources (content/events/" in err
    assert "--allow-dirty" in err
    assert git(bare, "branch", "--list", "gh-pages") == ""


def test_untracked_content_is_refused(repo: tuple[Path, Path], cli: Cli) -> None:
    project, _ = repo
    (project / "templates").mkdir(exist_ok=True)
    (project / "templates" / "custom.html").write_text("{% extends 'base.html' %}\n", "utf-8")
    code, _, err = cli("-C", project, "deploy")
    assert code == 1
    assert "uncommitted changes in the site's sources (templates/custom.html)" in err


def test_allow_dirty_publishes_and_says_so(repo: tuple[Path, Path], cli: Cli) -> None:
    project, bare = repo
    edit_event(project, commit=False)
    code, _, err = cli("-C", project, "deploy", "--allow-dirty")
    assert code == 0, err
    assert "(with uncommitted changes)" in git(bare, "log", "-1", "--format=%B", "gh-pages")
    assert "Updated Kim" in git(bare, "show", "gh-pages:index.html")


def test_changes_outside_the_sources_do_not_count(repo: tuple[Path, Path], cli: Cli) -> None:
    project, _ = repo
    (project / "notes.txt").write_text("scratch\n", encoding="utf-8")
    assert cli("-C", project, "deploy")[0] == 0


def test_refuses_when_the_pages_branch_is_checked_out(repo: tuple[Path, Path], cli: Cli) -> None:
    project, _ = repo
    git(project, "checkout", "--quiet", "-b", "gh-pages")
    code, _, err = cli("-C", project, "deploy")
    assert code == 1
    assert "the checked-out branch is gh-pages" in err


def test_rejected_push_changes_nothing(repo: tuple[Path, Path], cli: Cli) -> None:
    project, bare = repo
    assert cli("-C", project, "deploy")[0] == 0
    published = git(bare, "rev-parse", "gh-pages")
    hook = bare / "hooks" / "pre-receive"
    hook.write_text("#!/bin/sh\necho 'gh-pages is protected' >&2\nexit 1\n", encoding="utf-8")
    hook.chmod(0o755)
    edit_event(project)
    code, _, err = cli("-C", project, "deploy")
    assert code == 1
    assert "the push to origin was rejected" in err and "pre-receive hook declined" in err
    assert git(bare, "rev-parse", "gh-pages") == published
    assert git(project, "rev-parse", "gh-pages") == published  # local branch restored


def test_rejected_first_push_leaves_no_local_branch(repo: tuple[Path, Path], cli: Cli) -> None:
    project, bare = repo
    hook = bare / "hooks" / "pre-receive"
    hook.write_text("#!/bin/sh\nexit 1\n", encoding="utf-8")
    hook.chmod(0o755)
    assert cli("-C", project, "deploy")[0] == 1
    assert git(project, "branch", "--list", "gh-pages") == ""


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@contextlib.contextmanager
def read_only_daemon(base: Path) -> Iterator[int]:
    """A git daemon on 127.0.0.1 that serves fetches but refuses every push."""
    port = _free_port()
    daemon = subprocess.Popen(
        ["git", "daemon", "--export-all", "--reuseaddr", f"--base-path={base}",
         "--listen=127.0.0.1", f"--port={port}", str(base)],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            with contextlib.suppress(OSError), socket.create_connection(("127.0.0.1", port), 0.2):
                break
            time.sleep(0.05)
        yield port
    finally:
        daemon.terminate()
        daemon.wait(timeout=10)


def test_no_permission_to_push(repo: tuple[Path, Path], tmp_path: Path, cli: Cli) -> None:
    project, bare = repo
    with read_only_daemon(tmp_path) as port:
        git(project, "remote", "add", "readonly", f"git://127.0.0.1:{port}/{bare.name}")
        code, _, err = cli("-C", project, "deploy", "--remote", "readonly")
    assert code == 1
    assert "no permission to push to readonly" in err and "contents: write" in err
    assert git(bare, "branch", "--list", "gh-pages") == ""


def test_github_403_is_reported_as_permission() -> None:
    stderr = ("remote: Permission to user/repo.git denied to github-actions[bot].\n"
              "fatal: unable to access 'https://github.com/user/repo/': "
              "The requested URL returned error: 403\n")
    error = classify_push_failure("origin", "https://github.com/user/repo", stderr)
    assert str(error).startswith("no permission to push to origin")
    assert "permissions: contents: write" in str(error)


@pytest.mark.parametrize(("value", "message"), [
    ("https://timeline.example.org/", "without https://"),
    ("timeline.example.org/path", "without https://"),
    ("localhost", "bare host name"),
    ("-bad-.example.org", "bare host name"),
])
def test_cname_must_be_a_bare_host(seed_project: Path, cli: Cli, value: str,
                                   message: str) -> None:
    with (seed_project / "site.yaml").open("a", encoding="utf-8") as handle:
        handle.write(f"cname: '{value}'\n")
    code, _, err = cli("-C", seed_project, "build")
    assert code == 1
    assert message in err


def test_cname_must_agree_with_base_url(seed_project: Path, cli: Cli) -> None:
    with (seed_project / "site.yaml").open("a", encoding="utf-8") as handle:
        handle.write("cname: other.example.org\n")
    code, _, err = cli("-C", seed_project, "build")
    assert code == 1
    assert "base_url is on timeline.example.org but cname is other.example.org" in err
