"""The commits that changed each file of the content folder, from one `git log`.

Reading the whole log once (rather than one `git log -- file` per brief) keeps the
cost flat as briefs are added. Everything comes from the commits themselves
(hash, committer date in UTC, subject), so the result depends only on the checked
out commit, never on the time of the build.

Shallow clones: a shallow clone's oldest commit lists every file as if it had
been added there, so it says nothing about when a file really changed; those
"boundary" commits are left out. A file whose only commit is a boundary has no
known history (CI should fetch the full history to publish it).
"""

from __future__ import annotations

import datetime
import os
import subprocess
from dataclasses import dataclass, field

RECORD = "\x1e"  # starts each commit in the log output
FIELD = "\x1f"


@dataclass(frozen=True)
class Commit:
    hash: str
    date: str  # YYYY-MM-DD, committer date in UTC
    subject: str


@dataclass
class Log:
    root: str | None = None  # the repository's top folder; None when not in a repository
    shallow: bool = False
    files: dict = field(default_factory=dict)  # path relative to root -> [Commit], newest first
    error: str = ""


def _git(args: list[str], cwd: str) -> str:
    env = {**os.environ, "GIT_PAGER": "cat", "LC_ALL": "C"}
    env.pop("GIT_DIR", None)
    env.pop("GIT_WORK_TREE", None)
    result = subprocess.run(["git", *args], cwd=cwd, capture_output=True, text=True, env=env, encoding="utf-8",
                            errors="replace")
    if result.returncode != 0:
        raise RuntimeError(result.stderr.strip() or f"git {args[0]} failed")
    return result.stdout


def read_log(folder: str) -> Log:
    """Every commit that touched a file under `folder`, per file."""
    log = Log()
    if not os.path.isdir(folder):
        return log
    try:
        info = _git(["rev-parse", "--show-toplevel", "--is-shallow-repository", "--git-path", "shallow"], folder)
    except (OSError, RuntimeError) as e:
        log.error = str(e)  # not a repository, or no git
        return log
    root, shallow, shallow_file = (info.splitlines() + ["", "", ""])[:3]
    log.root = root
    log.shallow = shallow.strip() == "true"
    boundary = set()
    if log.shallow:
        path = shallow_file if os.path.isabs(shallow_file) else os.path.join(folder, shallow_file)
        try:
            with open(path, encoding="ascii") as f:
                boundary = {line.strip() for line in f if line.strip()}
        except OSError:
            pass
    try:
        out = _git(["-c", "core.quotePath=false", "log", "--no-renames", "--no-merges",
                    f"--format={RECORD}%H{FIELD}%ct{FIELD}%s", "--name-only", "--", "."], folder)
    except RuntimeError as e:
        log.error = str(e)  # e.g. a new repository without commits
        return log
    prefix = os.path.relpath(folder, root).replace(os.sep, "/")
    prefix = "" if prefix == "." else prefix + "/"
    for record in out.split(RECORD)[1:]:
        head, _, names = record.partition("\n")
        commit_hash, stamp, subject = (head.split(FIELD) + ["", ""])[:3]
        if commit_hash in boundary:
            continue
        day = datetime.datetime.fromtimestamp(int(stamp), datetime.timezone.utc).date().isoformat()
        commit = Commit(commit_hash, day, subject.strip())
        for name in names.splitlines():
            name = name.strip()
            if name:
                log.files.setdefault(name, []).append(commit)
    # git paths are relative to the top folder; keep only ours, as given
    log.files = {name: commits for name, commits in log.files.items() if name.startswith(prefix) or not prefix}
    return log
