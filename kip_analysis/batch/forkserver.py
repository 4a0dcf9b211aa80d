"""Kernels forked from a warm process: a batch worker imports the libraries every notebook needs once,
then forks a *zygote*; each kernel the worker starts is a fork of that zygote, so it begins with
IPython, pandas, statsmodels, pyfixest, moderndid, cvxpy, matplotlib and the workbook already
imported. A kernel started by ``python -m ipykernel_launcher`` spends 3-6 s importing them, and a
cold batch starts 40 kernels (``benchmarks/kernel_startup.py``, ``benchmarks/memo_batch.py``).

Each notebook still gets a fresh process of its own, forked before any analysis ran: nothing one
notebook computes reaches another. A kernel is started in its own session, as jupyter_client starts
it; it dies with its zygote, and the zygote with its worker (Linux ``PR_SET_PDEATHSIG``), so the
batch's kill of a worker's process tree still takes every kernel. Where a kernel cannot be forked
(no ``os.fork``, another interpreter's kernel, a zygote that is gone, ``KIP_FORK_KERNELS=0``) it is
started the usual way.

Forked or not, a batch kernel talks to its worker over Unix sockets (ZeroMQ's IPC transport) in a private
folder of the worker's, not over TCP: no port is picked by one process and bound later by another, so two
workers' kernels cannot race for one port (a kernel that loses dies before replying to ``kernel_info``), and
nothing is sent as plain text over a network interface. Where the folder's path would be too long for a Unix
socket, kernels use TCP as before.

May import: batch.signals.
"""

from __future__ import annotations

import atexit
import faulthandler
import importlib
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import traceback
import uuid
from multiprocessing.connection import Connection, Pipe
from typing import Any

from kip_analysis.batch import signals

#: What a kernel would import before its first result: the kernel itself, the notebooks' imports and
#: the libraries the analyses import inside functions (measured: the modules a run of 02, 03 and 04 adds).
PRELOAD: tuple[str, ...] = (
    "ipykernel.kernelapp", "IPython.display", "matplotlib.pyplot", "matplotlib.backends.backend_agg",
    "statsmodels.api", "pyfixest", "pyfixest.estimation", "moderndid", "moderndid.didhonest", "cvxpy",
    "great_tables", "jinja2", "joblib", "pyarrow.dataset", "kip_analysis.checks", "kip_analysis.report.memo",
    "kip_analysis.analyses.facts.run", "kip_analysis.analyses.effects.run", "kip_analysis.analyses.targets.run",
    "kip_analysis.analyses.land.run", "kip_analysis.estimators.pretest_many")
#: The backend ipykernel sets in ``MPLBACKEND`` before a notebook imports matplotlib.
INLINE_BACKEND: str = "module://matplotlib_inline.backend_inline"
#: pandas' ``display.max_columns`` when imported inside a kernel (pandas/core/config_init.py: 20 unless a terminal).
PANDAS_KERNEL_MAX_COLUMNS: int = 20

#: The longest path a Unix socket can have on Linux (``sun_path`` is 108 bytes with its terminating NUL).
UNIX_SOCKET_PATH_MAX: int = 107
#: What a kernel's socket path adds to its folder: "/", the kernel id (a UUID), "-" and a channel number.
SOCKET_NAME_LENGTH: int = len("/") + 36 + len("-") + 3

_zygote: Connection | None = None  # the worker's end of its zygote's pipe
_managers: dict[bool, type] = {}  # manager_class(fork), built once each
_sockets: str | None = None  # sockets_folder(), made once per process


def enabled() -> bool:
    """Whether kernels are forked (``KIP_FORK_KERNELS=0`` turns it off; it needs ``os.fork``)."""
    return hasattr(os, "fork") and os.environ.get("KIP_FORK_KERNELS", "1") != "0"


def start(preload: tuple[str, ...] = PRELOAD) -> int | None:
    """In a batch worker, before it runs anything: import ``preload`` and fork the zygote (its pid, or None
    when forking is off). A module that fails to import is left for the kernel to import (and fail on) itself.
    """
    global _zygote
    if not enabled():
        return None
    for name in preload:
        try:
            importlib.import_module(name)
        except Exception:  # noqa: BLE001 - the kernel imports it again and reports the error where it belongs
            pass
    ours, theirs = Pipe()
    pid = os.fork()
    if pid == 0:  # the zygote
        ours.close()
        _serve(theirs)
    theirs.close()
    _zygote = ours
    return pid


def _serve(conn: Connection) -> None:
    """The zygote: fork a kernel for each request (argv, environment, folder) and answer with its pid."""
    code = 0
    try:
        signals.die_with_parent(signal.SIGKILL)
        signal.signal(signal.SIGTERM, signal.SIG_DFL)
        signal.signal(signal.SIGCHLD, signal.SIG_IGN)  # kernels are reaped as they exit
        atexit._clear()  # the worker's exit handlers are not the zygote's (nor its kernels')
        while True:
            try:
                cmd, env, cwd = conn.recv()
            except (EOFError, OSError):  # the worker is gone
                break
            try:
                pid = os.fork()
            except OSError as err:
                conn.send(("error", f"{type(err).__name__}: {err}"))
                continue
            if pid == 0:
                conn.close()
                _kernel(cmd, env, cwd)
            conn.send(("ok", pid))
    except BaseException:  # noqa: BLE001 - report, then leave: the worker starts kernels the usual way
        traceback.print_exc()
        code = 1
    finally:
        os._exit(code)


def _kernel(cmd: list[str], env: dict[str, str], cwd: str) -> None:
    """A forked kernel: what ``python -m ipykernel_launcher`` would do, in a fresh session, then exit."""
    code = 1
    try:
        os.setsid()  # its own session and process group, as jupyter_client's launcher starts a kernel
        signals.die_with_parent(signal.SIGKILL)
        signal.signal(signal.SIGCHLD, signal.SIG_DFL)
        signal.signal(signal.SIGTERM, signal.SIG_DFL)
        null = os.open(os.devnull, os.O_RDONLY)
        os.dup2(null, 0)
        os.close(null)
        os.chdir(cwd)
        os.environ.clear()
        os.environ.update(env)
        faulthandler.enable()  # a kernel killed by a fault leaves its Python traceback in the batch log
        os.environ["JPY_PARENT_PID"] = str(os.getppid())  # ipykernel exits when its parent (the zygote) goes
        os.environ.setdefault("MPLBACKEND", INLINE_BACKEND)
        if "matplotlib" in sys.modules:  # imported before ipykernel set MPLBACKEND: read it as a new import would
            sys.modules["matplotlib"].rcParams["backend"] = os.environ["MPLBACKEND"]
        if "pandas" in sys.modules:  # pandas chose it at import, outside IPython (a terminal: 0, fit the width)
            sys.modules["pandas"].set_option("display.max_columns", PANDAS_KERNEL_MAX_COLUMNS)
        if "numpy" in sys.modules:  # the legacy global generator, seeded afresh as in a new process
            sys.modules["numpy"].random.seed()
        import ipykernel_launcher
        from ipykernel import kernelapp

        # ipykernel read JPY_PARENT_PID when the zygote imported it: say who the parent is to watch
        argv = [*(kernel_arguments(cmd) or []), f"--IPKernelApp.parent_handle={os.getppid()}"]
        sys.argv = [ipykernel_launcher.__file__, *argv]
        kernelapp.launch_new_instance(argv=argv)
        code = 0
    except SystemExit as done:
        code = done.code if isinstance(done.code, int) else (0 if done.code is None else 1)
    except BaseException:  # noqa: BLE001 - a kernel that cannot start says why in the batch log
        traceback.print_exc()
    finally:
        try:
            atexit._run_exitfuncs()
            sys.stdout.flush()
            sys.stderr.flush()
        finally:
            os._exit(code)


def kernel_arguments(cmd: list[str]) -> list[str] | None:
    """The kernel's own arguments when ``cmd`` starts an IPython kernel of this interpreter (what a fork of
    the zygote is), else None. Interpreter ``-X`` options before ``-m`` are allowed and not applied: the
    workbook's kernel spec adds ``-Xfrozen_modules=off``, which only the debugger needs.

    Examples
    --------
    >>> kernel_arguments([sys.executable, "-Xfrozen_modules=off", "-m", "ipykernel_launcher", "-f", "k.json"])
    ['-f', 'k.json']
    >>> kernel_arguments([sys.executable, "-m", "other_kernel", "-f", "k.json"]) is None
    True
    """
    if "-m" not in cmd:
        return None
    at = cmd.index("-m")
    if cmd[at + 1:at + 2] != ["ipykernel_launcher"] or not all(a.startswith("-X") for a in cmd[1:at]):
        return None
    try:
        same = os.path.samefile(cmd[0], sys.executable)
    except OSError:
        same = False
    return cmd[at + 2:] if same else None


def forkable(cmd: list[str]) -> bool:
    """Whether this worker has a zygote and ``cmd`` starts a kernel it can fork (:func:`kernel_arguments`)."""
    return _zygote is not None and kernel_arguments(cmd) is not None


def fork_kernel(cmd: list[str], env: dict[str, str], cwd: str) -> int | None:
    """Ask the zygote for a kernel; its pid, or None when the zygote cannot give one."""
    global _zygote
    if _zygote is None:
        return None
    try:
        _zygote.send((list(cmd), dict(env), str(cwd)))
        status, value = _zygote.recv()
    except (EOFError, OSError):  # the zygote died: start kernels the usual way from now on
        _zygote = None
        return None
    return value if status == "ok" else None


class ForkedProcess:
    """The part of ``subprocess.Popen`` that jupyter_client uses, for a kernel forked by the zygote, over
    ``psutil.Process`` (which knows the kernel by its pid and start time, so a reused pid is not taken for it).
    The kernel is the zygote's child, not ours, so its exit status is not ours to read: it is 0 once the
    kernel has gone, or minus the signal this object last sent it.
    """

    stdin = stdout = stderr = None

    def __init__(self, pid: int) -> None:
        import psutil

        self.pid = pid
        self.returncode: int | None = None
        self._sent: int | None = None
        try:
            self._process: psutil.Process | None = psutil.Process(pid)
        except psutil.NoSuchProcess:  # gone already
            self._process = None

    def poll(self) -> int | None:
        """None while the kernel runs, else its exit status as described above."""
        import psutil

        if self.returncode is None:
            try:
                gone = (self._process is None or not self._process.is_running()
                        or self._process.status() == psutil.STATUS_ZOMBIE)  # exited, not yet reaped
            except psutil.NoSuchProcess:
                gone = True
            if gone:
                self.returncode = -self._sent if self._sent else 0
        return self.returncode

    def wait(self, timeout: float | None = None) -> int:
        """Wait for the kernel to exit (``subprocess.TimeoutExpired`` after ``timeout`` s)."""
        end = None if timeout is None else time.monotonic() + timeout
        while (code := self.poll()) is None:
            if end is not None and time.monotonic() > end:
                raise subprocess.TimeoutExpired(str(self.pid), timeout)
            time.sleep(0.02)
        return code

    def send_signal(self, signum: int) -> None:
        """Send ``signum`` to the kernel (if it is still there)."""
        import psutil

        if self.poll() is None:
            self._sent = signum
            try:
                self._process.send_signal(signum)
            except psutil.NoSuchProcess:  # it went between the poll and the signal
                pass

    def terminate(self) -> None:
        """SIGTERM."""
        self.send_signal(signal.SIGTERM)

    def kill(self) -> None:
        """SIGKILL."""
        self.send_signal(signal.SIGKILL)


def sockets_folder() -> str | None:
    """The private folder of this process for its kernels' Unix sockets (made on first use, removed at exit), or
    None when its path would leave a socket's path longer than :data:`UNIX_SOCKET_PATH_MAX`.
    """
    global _sockets
    if _sockets is None:
        _sockets = tempfile.mkdtemp(prefix="kip-kernels-")
        if len(_sockets) + SOCKET_NAME_LENGTH > UNIX_SOCKET_PATH_MAX:
            os.rmdir(_sockets)
            _sockets = ""  # asked once: TCP from now on
        else:
            atexit.register(shutil.rmtree, _sockets, ignore_errors=True)
    return _sockets or None


def manager_class(fork: bool = True) -> type:
    """The kernel manager class for papermill: kernels on Unix sockets (:func:`sockets_folder`), forked from this
    worker's zygote when it has one and ``fork`` is true (``ForkingKernelManager``), else started the usual way
    (``BatchKernelManager``).
    """
    if not _managers:
        _managers.update(_build_managers())
    return _managers[fork]


def _build_managers() -> dict[bool, type]:
    """The two manager classes of :func:`manager_class` (jupyter_client is imported only when one is needed)."""
    from jupyter_client.manager import AsyncKernelManager
    from jupyter_client.provisioning import LocalProvisioner

    class ForkProvisioner(LocalProvisioner):
        """jupyter_client's local provisioner, launching a kernel by a fork of the zygote when its manager
        forks and the zygote can.
        """

        async def launch_kernel(self, cmd: list[str], **kwargs: Any):
            pid = fork_kernel(cmd, kwargs.get("env") or dict(os.environ), kwargs.get("cwd") or os.getcwd()) \
                if self.parent.fork and forkable(cmd) else None
            if pid is None:
                return await super().launch_kernel(cmd, **kwargs)
            self.process = ForkedProcess(pid)
            self.pid = self.pgid = pid  # the kernel leads its own session
            self.cwd = kwargs.get("cwd") or os.getcwd()
            return self.connection_info

    class BatchKernelManager(AsyncKernelManager):
        """An ``AsyncKernelManager`` whose kernels listen on Unix sockets in :func:`sockets_folder`, started
        the usual way.
        """

        fork: bool = False

        async def _async_pre_start_kernel(self, **kw: Any):
            self.kernel_id = self.kernel_id or kw.pop("kernel_id", str(uuid.uuid4()))
            if self.provisioner is None:
                self.provisioner = ForkProvisioner(kernel_id=self.kernel_id, kernel_spec=self.kernel_spec,
                                                   parent=self)
            if (folder := sockets_folder()) is not None:  # channel n listens at "{ip}-{n}"
                self.transport, self.cache_ports = "ipc", False
                self.ip = os.path.join(folder, self.kernel_id)
            return await super()._async_pre_start_kernel(**kw)

    class ForkingKernelManager(BatchKernelManager):
        """A :class:`BatchKernelManager` whose kernels are forked by the zygote when it can."""

        fork: bool = True

    return {False: BatchKernelManager, True: ForkingKernelManager}
