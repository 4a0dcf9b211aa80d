"""All or nothing per memo: a year and scenario's pages, results and memo are built in a staging
copy of its folder and replace the published folder together, only when every notebook of that
memo succeeded; a batch holds a lock on the output folder, and what a crashed batch left behind is
removed when the next one starts.

May import: errors.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

from kip_analysis.errors import ParameterError

#: Where a batch builds, inside the output folder (never linked from the index).
STAGING = ".staging"
LOCK = ".batch.lock"


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


class BatchLock:
    """One batch at a time per output folder; on entry, the leftovers of a batch that died are removed.

    Raises
    ------
    ParameterError
        When another batch, still running, holds the folder (naming its process id).
    """

    def __init__(self, out_dir: Path) -> None:
        self.out_dir = out_dir
        self.path = out_dir / LOCK
        self.cleaned: list[str] = []

    def __enter__(self) -> BatchLock:
        self.out_dir.mkdir(parents=True, exist_ok=True)
        if self.path.exists():
            try:
                pid = int(self.path.read_text().strip() or 0)
            except (OSError, ValueError):
                pid = 0
            if pid and pid != os.getpid() and _alive(pid):
                raise ParameterError(f"--out {self.out_dir}: another batch (process {pid}) is writing there; wait for "
                                     f"it, or remove {self.path} if that process is not a batch")
        self.path.write_text(f"{os.getpid()}\n")
        self.cleaned = cleanup(self.out_dir)
        return self

    def __exit__(self, *exc: object) -> None:
        shutil.rmtree(self.out_dir / STAGING, ignore_errors=True)
        self.path.unlink(missing_ok=True)


def cleanup(out_dir: Path) -> list[str]:
    """Remove a dead batch's staging folder, half-swapped folders and temporary files; return what went."""
    gone = []
    staging = out_dir / STAGING
    if staging.exists():
        shutil.rmtree(staging, ignore_errors=True)
        gone.append(str(staging))
    for pattern in ("*/*.old-*", "*/*/executed/.*.running.ipynb", "*/*/results/*.partial", "*/*/.*.tmp*"):
        for path in out_dir.glob(pattern):
            shutil.rmtree(path, ignore_errors=True) if path.is_dir() else path.unlink(missing_ok=True)
            gone.append(str(path))
    return gone


def stage(out_dir: Path, year: int, scenario: str) -> Path:
    """A staging copy of the published folder of ``year`` and ``scenario`` (hard links: every write in
    the batch replaces a file by renaming a new one onto it, so the published files are never touched).
    """
    published = out_dir / str(year) / scenario
    target = out_dir / STAGING / str(year) / scenario
    shutil.rmtree(target, ignore_errors=True)
    target.parent.mkdir(parents=True, exist_ok=True)
    if published.exists():
        shutil.copytree(published, target, copy_function=os.link)
    else:
        target.mkdir(parents=True)
    return target


def publish(out_dir: Path, year: int, scenario: str) -> Path:
    """Replace the published folder with its staging copy (two renames), then drop the old one."""
    published = out_dir / str(year) / scenario
    staged = out_dir / STAGING / str(year) / scenario
    published.parent.mkdir(parents=True, exist_ok=True)
    old = published.with_name(f"{scenario}.old-{os.getpid()}")
    if published.exists():
        published.rename(old)
    staged.rename(published)
    shutil.rmtree(old, ignore_errors=True)
    return published


#: Where the executed copies of failed notebooks go (outside every memo's folder, which stays as it was).
FAILURES = "failed-runs"


def keep_failures(out_dir: Path, year: int, scenario: str) -> list[Path]:
    """Move the executed copies of this run's failed notebooks to ``failed-runs/<year>/<scenario>/``."""
    kept = []
    for path in (out_dir / STAGING / str(year) / scenario / "executed").glob("*.failed.ipynb"):
        target = out_dir / FAILURES / str(year) / scenario / path.name
        target.parent.mkdir(parents=True, exist_ok=True)
        path.replace(target)
        kept.append(target)
    return kept


def discard(out_dir: Path, year: int, scenario: str) -> None:
    """Drop a staging copy: the published folder stays as it was."""
    shutil.rmtree(out_dir / STAGING / str(year) / scenario, ignore_errors=True)
