"""Without Chromium, ``make test`` skips the browser tests with one line saying how to run them;
with ``KIP_REQUIRE_BROWSER=1`` (CI) a missing browser fails the run."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from kip_analysis import config

pytestmark = pytest.mark.slow  # starts pytest in subprocesses: make test, not test-fast


def _run_without_chromium(tmp_path: Path, require: bool) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if k != "KIP_REQUIRE_BROWSER"}
    env["PATH"] = str(Path(sys.executable).parent)  # the venv's bin only: no chromium, no chromedriver
    if require:
        env["KIP_REQUIRE_BROWSER"] = "1"
    return subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-rs", "-p", "no:cacheprovider", "--collect-only" if require else "-q",
         str(config.ROOT / "tests" / "test_browser.py")],
        cwd=tmp_path, env=env, capture_output=True, text=True, timeout=300)


def test_browser_tests_skip_with_one_line_without_chromium(tmp_path):
    done = _run_without_chromium(tmp_path, require=False)
    assert done.returncode in (0, 5), done.stdout + done.stderr
    lines = [line for line in done.stdout.splitlines() if "browser tests skipped" in line]
    assert len(lines) == 1 and "make test-browser" in lines[0] and "chromium-driver" in lines[0], done.stdout


def test_missing_browser_fails_when_required(tmp_path):
    done = _run_without_chromium(tmp_path, require=True)
    assert done.returncode not in (0, 5), done.stdout
    assert "KIP_REQUIRE_BROWSER=1 but chromium" in done.stdout + done.stderr
