"""Stopping cleanly: workers die with the batch, and a stopped batch leaves no process behind.

May import: nothing from the package.

Kernels run in their own session (jupyter_client starts them so), so they are found as
descendants of each worker process (psutil) and killed explicitly; a worker asks the kernel to
send it SIGTERM if the batch process dies (Linux ``PR_SET_PDEATHSIG``), and on SIGTERM it kills its
own descendants before exiting.
"""

from __future__ import annotations

import ctypes
import os
import signal
import sys

PR_SET_PDEATHSIG = 1


def kill_tree(pid: int, include_self: bool = True, timeout: float = 3.0) -> int:
    """Terminate ``pid``'s descendants (and ``pid``), then kill what is left after ``timeout`` s; the count."""
    import psutil

    try:
        root = psutil.Process(pid)
        procs = root.children(recursive=True) + ([root] if include_self else [])
    except psutil.NoSuchProcess:
        return 0
    for p in procs:
        try:
            p.terminate()
        except psutil.NoSuchProcess:
            pass
    _, alive = psutil.wait_procs(procs, timeout=timeout)
    for p in alive:
        try:
            p.kill()
        except psutil.NoSuchProcess:
            pass
    psutil.wait_procs(alive, timeout=timeout)
    return len(procs)


def _on_term(signum: int, frame: object) -> None:  # noqa: ARG001 - a signal handler's signature
    kill_tree(os.getpid(), include_self=False, timeout=1.0)
    os._exit(128 + signum)


def die_with_parent(signum: int) -> None:
    """Ask Linux to send this process ``signum`` when its parent dies (elsewhere: nothing)."""
    if sys.platform.startswith("linux"):
        try:
            ctypes.CDLL("libc.so.6", use_errno=True).prctl(PR_SET_PDEATHSIG, signum)
        except (OSError, AttributeError):
            pass


def worker_dies_with_parent() -> None:
    """In a worker: SIGTERM when the batch process dies, and SIGTERM kills the worker's kernels first."""
    die_with_parent(signal.SIGTERM)
    signal.signal(signal.SIGTERM, _on_term)
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C reaches the whole group: the batch decides


def term_as_interrupt() -> None:
    """In the batch process: SIGTERM stops the batch the way Ctrl-C does."""
    def handler(signum: int, frame: object) -> None:  # noqa: ARG001
        raise KeyboardInterrupt
    signal.signal(signal.SIGTERM, handler)


def second_interrupt_exits() -> None:
    """While the batch is stopping: a second Ctrl-C (or SIGTERM) exits at once, killing what is left."""
    def handler(signum: int, frame: object) -> None:  # noqa: ARG001
        kill_tree(os.getpid(), include_self=False, timeout=0.5)
        os._exit(130)
    signal.signal(signal.SIGINT, handler)
    signal.signal(signal.SIGTERM, handler)
