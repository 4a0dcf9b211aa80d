"""Work shared by several notebooks and runs, cached on disk with ``joblib.Memory``.

The notebooks of one memo year (and the tests, and a second batch after an edit elsewhere) repeat
some costly, deterministic work: simulating the firm panel, Rambachan-Roth's robust intervals. A
function wrapped by :func:`shared` is computed once and read back afterwards. Its key is joblib's
hash of the arguments together with the hash of the whole ``kip_analysis`` package's code and the
versions of the libraries that compute numbers, so an edit anywhere in the package or a library
upgrade computes afresh (callers add the hashes of the files they read). The cache lives in
``.cache/joblib`` under the workbook root, or under ``KIP_CACHE_DIR``; ``KIP_CACHE_DIR=none`` turns it off.

May import: config, versions.
"""

from __future__ import annotations

import functools
import hashlib
import json
import os
from collections.abc import Callable
from pathlib import Path
from typing import ParamSpec, TypeVar

from kip_analysis import config
from kip_analysis.versions import package_versions

#: Libraries whose version can change a cached result (numbers, fits, robust intervals, a table's HTML).
LIBRARIES: tuple[str, ...] = ("pandas", "numpy", "scipy", "statsmodels", "pandera", "pyfixest", "moderndid",
                              "cvxpy", "clarabel", "ecos", "joblib", "great_tables")
#: Suffixes of the package files whose bytes are in every key (code, templates, catalogs, styles).
CODE_SUFFIXES: frozenset[str] = frozenset({".py", ".j2", ".json", ".po", ".mplstyle", ".css"})
#: Size the cache is trimmed to at the start of a memo batch (least recently used first).
BYTES_LIMIT: str = "2G"

P = ParamSpec("P")
R = TypeVar("R")


def cache_dir() -> Path | None:
    """Where the cache lives (None: turned off by ``KIP_CACHE_DIR=none``)."""
    value = os.environ.get("KIP_CACHE_DIR", "")
    if value.lower() == "none":
        return None
    return Path(value) if value else config.ROOT / ".cache"


def code_hash() -> str:
    """SHA-256 of every code, template and catalog file of the ``kip_analysis`` package (path and bytes)."""
    digest = hashlib.sha256()
    package = Path(__file__).resolve().parent
    for path in sorted(package.rglob("*")):
        if path.is_file() and path.suffix in CODE_SUFFIXES:
            digest.update(path.relative_to(package).as_posix().encode())
            digest.update(path.read_bytes())
    return digest.hexdigest()


@functools.cache
def _environment() -> str:  # once per process: a kernel does not outlive an edit of the package
    return hashlib.sha256(json.dumps([code_hash(), package_versions(LIBRARIES)], sort_keys=True).encode()).hexdigest()


@functools.cache
def _memory(location: str | None):
    from joblib import Memory

    return Memory(location, verbose=0)


def memory():
    """The ``joblib.Memory`` of :func:`cache_dir` (a no-op memory when the cache is off)."""
    location = cache_dir()
    return _memory(str(location) if location else None)


def shared(func: Callable[P, R]) -> Callable[P, R]:
    """Cache ``func`` on disk, keyed by its arguments, the package's code and the library versions.

    ``func`` must be deterministic in its arguments (seeds passed in, files read named by their
    hashes among the arguments) and return something picklable.
    """

    def keyed(environment: str, *args: P.args, **kwargs: P.kwargs) -> R:
        return func(*args, **kwargs)

    keyed.__name__ = keyed.__qualname__ = func.__qualname__
    keyed.__module__ = func.__module__

    @functools.wraps(func)
    def wrapper(*args: P.args, **kwargs: P.kwargs) -> R:
        return memory().cache(keyed)(_environment(), *args, **kwargs)

    return wrapper


def trim() -> None:
    """Trim the cache to :data:`BYTES_LIMIT`, least recently used entries first."""
    if cache_dir() is not None:
        memory().reduce_size(bytes_limit=BYTES_LIMIT)
