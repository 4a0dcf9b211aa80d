"""Ctrl-C, SIGTERM and SIGKILL stop the batch within seconds and leave no process behind (issue 20)."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import nbformat
import psutil
import pytest

from kip_analysis import config

RUNNER = """
import sys
from pathlib import Path
from kip_analysis.batch import execute, index, signals
signals.term_as_interrupt()
try:
    execute.run_batch([2019, 2020, 2021, 2022], ["baseline"], Path(sys.argv[1]), 2, False,
                      source_dir=Path(sys.argv[2]))
except execute.Interrupted as stop:
    print(index.summary(stop.outcomes))
    sys.exit(130)
"""


def _sleeper(folder: Path) -> Path:
    nb = nbformat.v4.new_notebook()
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    params = nbformat.v4.new_code_cell("as_of_year: int = 2025")
    params.metadata["tags"] = ["parameters"]
    body = (f"import pathlib, time\npathlib.Path(r'{folder}', f'started-{{as_of_year}}').touch()\n"
            "time.sleep(300)")
    nb.cells = [params, nbformat.v4.new_code_cell(body)]
    source = folder / "notebooks"
    source.mkdir()
    nbformat.write(nb, source / "01_sleep.ipynb")
    return source


def _start(tmp_path: Path) -> tuple[subprocess.Popen, Path]:
    source = _sleeper(tmp_path)
    out = tmp_path / "reports"
    proc = subprocess.Popen([sys.executable, "-c", RUNNER, str(out), str(source)], cwd=config.ROOT,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, start_new_session=True)
    deadline = time.monotonic() + 180
    while len(list(tmp_path.glob("started-*"))) < 2:  # two kernels are running their sleeping cell
        if proc.poll() is not None or time.monotonic() > deadline:
            proc.kill()
            pytest.fail(f"the batch did not start its kernels: {proc.communicate()}")
        time.sleep(0.5)
    return proc, out


def _descendants(pid: int) -> list[psutil.Process]:
    return psutil.Process(pid).children(recursive=True)


def _all_gone(procs: list[psutil.Process], within: float) -> bool:
    _, alive = psutil.wait_procs(procs, timeout=within)
    return not alive


@pytest.mark.slow
@pytest.mark.parametrize("how", ["ctrl-c", "sigterm"])
def test_interrupt_stops_the_batch_within_seconds_and_leaves_nothing(tmp_path, how):
    proc, out = _start(tmp_path)
    children = _descendants(proc.pid)
    assert len(children) >= 4  # two workers and their two kernels at least
    start = time.monotonic()
    if how == "ctrl-c":
        os.killpg(proc.pid, signal.SIGINT)  # what a terminal sends to the foreground group
    else:
        proc.send_signal(signal.SIGTERM)
    stdout, _ = proc.communicate(timeout=30)
    assert time.monotonic() - start < 10
    assert proc.returncode == 130
    assert _all_gone(children, within=5), [p for p in children if p.is_running()]
    assert "interrupted" in stdout
    assert (out / "index.html").exists() and "stale" in (out / "index.html").read_text()
    assert not (out / ".staging").exists() and not (out / ".batch.lock").exists()
    assert not list(out.rglob("*.partial")) and not list(out.rglob(".*.running.ipynb"))
    assert not (out / "2019" / "baseline" / "01_sleep.html").exists()  # nothing unfinished was published


@pytest.mark.slow
def test_killed_batch_takes_its_workers_and_kernels_and_the_next_run_cleans_up(tmp_path):
    proc, out = _start(tmp_path)
    children = _descendants(proc.pid)
    os.kill(proc.pid, signal.SIGKILL)
    proc.communicate(timeout=30)
    assert _all_gone(children, within=10), [p for p in children if p.is_running()]
    assert (out / ".staging").exists() and (out / ".batch.lock").exists()  # what a crash leaves
    from kip_analysis.batch import staging

    with staging.BatchLock(out) as lock:  # the next batch: the lock's process is dead, so it cleans up
        assert str(out / ".staging") in lock.cleaned
    assert not (out / ".staging").exists() and not (out / ".batch.lock").exists()
