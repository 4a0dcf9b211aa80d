"""Kernels forked from a warm zygote (kip_analysis.batch.forkserver): a batch worker's kernels start
with the libraries imported, in their own session, and look to the notebook like a fresh kernel."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from concurrent.futures import ProcessPoolExecutor
from multiprocessing import get_context

import nbformat
import pytest

from kip_analysis.batch import forkserver
from kip_analysis.batch.execute import _kernel_name  # the batch's kernel spec (kip-workbook: -X options before -m)

PROBE = """import json, os, sys
mpl = sys.modules.get("matplotlib")
print(json.dumps({"pid": os.getpid(), "ppid": os.getppid(), "session_leader": os.getsid(0) == os.getpid(),
                  "pandas_already": "pandas" in sys.modules, "cwd": os.getcwd(), "probe": os.environ.get("KIP_PROBE"),
                  "mplbackend": os.environ.get("MPLBACKEND"), "stdin_is_null": os.path.realpath("/proc/self/fd/0"),
                  "rc_backend": mpl.rcParams._get_backend_or_none() if mpl else None,
                  "transport": sys.modules["ipykernel.kernelapp"].IPKernelApp.instance().transport,
                  "ip": sys.modules["ipykernel.kernelapp"].IPKernelApp.instance().ip}))
"""


def _probe_in_worker(notebook: str, output: str, cwd: str) -> dict:
    """In a spawned worker, as the batch's: start the zygote, run the probe notebook in a forked kernel."""
    import papermill

    zygote = forkserver.start(preload=("pandas", "matplotlib.pyplot", "ipykernel.kernelapp"))
    manager = forkserver.manager_class()
    os.environ["KIP_PROBE"] = "set after the zygote started"
    papermill.execute_notebook(notebook, output, kernel_name=_kernel_name(), cwd=cwd, progress_bar=False,
                               kernel_manager_class=manager)
    nb = nbformat.read(output, as_version=4)
    seen = json.loads(nb.cells[0].outputs[0]["text"])
    return {**seen, "zygote": zygote, "worker": os.getpid(), "manager": manager.__name__,
            "sockets": forkserver.sockets_folder()}


@pytest.mark.notebook
def test_a_batch_workers_kernel_is_a_fork_of_its_zygote_with_the_libraries_imported(tmp_path):
    notebook = tmp_path / "probe.ipynb"
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(PROBE)])
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    nbformat.write(nb, notebook)
    with ProcessPoolExecutor(1, mp_context=get_context("spawn")) as pool:
        seen = pool.submit(_probe_in_worker, str(notebook), str(tmp_path / "out.ipynb"), str(tmp_path)).result(120)
    assert seen["manager"] == "ForkingKernelManager"
    assert seen["zygote"] and seen["ppid"] == seen["zygote"] != seen["worker"]  # forked by the zygote
    assert seen["pandas_already"]  # imported once, in the zygote (a new kernel does not import pandas)
    assert seen["session_leader"]  # its own session, as jupyter_client starts a kernel
    assert seen["cwd"] == str(tmp_path) and seen["probe"] == "set after the zygote started"  # papermill's env
    # ipykernel's inline backend unless the environment names one (CI sets Agg), as in a kernel started anew
    assert seen["mplbackend"] == (os.environ.get("MPLBACKEND") or forkserver.INLINE_BACKEND)
    assert seen["rc_backend"] == seen["mplbackend"] and seen["stdin_is_null"] == os.devnull
    # over Unix sockets in the worker's private folder, which is gone with the worker
    assert seen["transport"] == "ipc" and os.path.dirname(seen["ip"]) == seen["sockets"]
    assert not os.path.exists(seen["sockets"])


@pytest.mark.notebook
def test_a_kernel_started_the_usual_way_talks_over_unix_sockets_too(tmp_path):
    import papermill

    notebook = tmp_path / "probe.ipynb"
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(PROBE)])
    nbformat.write(nb, notebook)
    manager = forkserver.manager_class(fork=False)
    papermill.execute_notebook(str(notebook), str(tmp_path / "out.ipynb"), kernel_name=_kernel_name(),
                               cwd=str(tmp_path), progress_bar=False, kernel_manager_class=manager)
    seen = json.loads(nbformat.read(tmp_path / "out.ipynb", as_version=4).cells[0].outputs[0]["text"])
    assert manager.__name__ == "BatchKernelManager"
    assert not seen["pandas_already"]  # a new interpreter, not a fork
    assert seen["transport"] == "ipc" and os.path.dirname(seen["ip"]) == forkserver.sockets_folder()
    assert os.listdir(forkserver.sockets_folder()) == []  # its sockets removed with the kernel


def test_a_socket_path_fits_a_unix_socket():
    folder = forkserver.sockets_folder()
    assert folder is not None and os.path.isdir(folder) and oct(os.stat(folder).st_mode)[-3:] == "700"
    longest = os.path.join(folder, "0" * 36) + "-999"  # a kernel id is a UUID; channels are numbered from 1
    assert len(longest) <= forkserver.UNIX_SOCKET_PATH_MAX


def test_without_a_zygote_kernels_start_the_usual_way():
    assert forkserver.manager_class(fork=True).fork  # asks for a fork, but the test process has no zygote
    assert not forkserver.forkable([sys.executable, "-m", "ipykernel_launcher", "-f", "x.json"])


def test_forking_is_off_when_asked(monkeypatch):
    monkeypatch.setenv("KIP_FORK_KERNELS", "0")
    assert not forkserver.enabled() and forkserver.start(preload=()) is None


def test_a_forked_process_is_seen_gone_after_a_kill():
    # a process that is not our child (the zygote's kernels are not the worker's): a shell's background sleep
    shell = subprocess.run(["sh", "-c", "sleep 30 >/dev/null 2>&1 & echo $!"], capture_output=True, text=True,
                           check=True)
    process = forkserver.ForkedProcess(int(shell.stdout.strip()))
    assert process.poll() is None
    with pytest.raises(subprocess.TimeoutExpired):
        process.wait(timeout=0.1)
    process.kill()
    start = time.monotonic()
    assert process.wait(timeout=10) == -signal.SIGKILL and time.monotonic() - start < 10
    process.kill()  # again: nothing left to signal, no error
