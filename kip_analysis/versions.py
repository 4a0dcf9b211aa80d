"""What code made a result: the git commit and the versions of the libraries it used.

May import: :mod:`kip_analysis.config`.
"""

from __future__ import annotations

import importlib.metadata
import subprocess

from kip_analysis import config


def code_version() -> str:
    """Git commit of the working tree (``+dirty`` when it has changes), else the package version."""
    try:
        commit = subprocess.run(
            ["git", "rev-parse", "--short=12", "HEAD"],
            cwd=config.ROOT, capture_output=True, text=True, check=True, timeout=10,
        ).stdout.strip()
        dirty = subprocess.run(
            ["git", "status", "--porcelain", "--untracked-files=no", "--", "kip_analysis"],
            cwd=config.ROOT, capture_output=True, text=True, check=True, timeout=10,
        ).stdout.strip()
        return commit + ("+dirty" if dirty else "")
    except (OSError, subprocess.SubprocessError):
        from kip_analysis import __version__

        return f"kip_analysis {__version__} (no git)"


def package_versions(names: tuple[str, ...] = (
    "pandas", "numpy", "statsmodels", "matplotlib", "pandera", "papermill", "nbconvert",
)) -> dict[str, str]:
    """Installed versions of the libraries a result depends on."""
    versions = {}
    for name in names:
        try:
            versions[name] = importlib.metadata.version(name)
        except importlib.metadata.PackageNotFoundError:
            versions[name] = "not installed"
    return versions
