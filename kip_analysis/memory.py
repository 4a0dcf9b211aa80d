"""Work shared by several notebooks and runs, cached on disk with ``joblib.Memory``.

The notebooks of one memo year (and the tests, and a second batch after an edit elsewhere) repeat
some costly, deterministic work: simulating the firm panel, Rambachan-Roth's robust intervals. A
function wrapped by :func:`shared` is computed once and read back afterwards. Its key is joblib's
hash of the arguments together with the hash of the whole ``kip_analysis`` package's code and the
versions of the libraries that compute numbers, so an edit anywhere in the package or a library
upgrade computes afresh (callers add the hashes of the files they read). The cache lives in
``.cache/joblib`` under the workbook root, or under ``KIP_CACHE_DIR``; ``KIP_CACHE_DIR=none`` turns it off.

May import: config, errors, versions.
"""

from __future__ import annotations

import dataclasses
import functools
import hashlib
import json
import os
from collections.abc import Callable
from pathlib import Path
from typing import ParamSpec, TypeVar

from kip_analysis import config
from kip_analysis.errors import recording, replay
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


def _feed(digest: hashlib._Hash, value: object) -> None:
    """Add ``value``'s content to ``digest``: tables by their values (pandas' per-element hashes), dtypes,
    labels and ``attrs``; arrays by their bytes; containers and dataclasses item by item.
    """
    import numpy as np
    import pandas as pd

    def tag(*parts: object) -> None:
        digest.update(repr(parts).encode())

    def values(v: pd.Series | pd.Index) -> None:
        try:
            digest.update(pd.util.hash_pandas_object(v, index=False).to_numpy().tobytes())
        except TypeError:  # cells pandas cannot hash (lists, dicts): their text
            tag([repr(x) for x in v])

    if isinstance(value, pd.DataFrame):
        tag("DataFrame", [(str(c), str(t)) for c, t in value.dtypes.items()], value.shape)
        _feed(digest, value.index)
        for j in range(value.shape[1]):
            values(value.iloc[:, j])
        _feed(digest, dict(value.attrs))
    elif isinstance(value, pd.Series):
        tag("Series", str(value.name), str(value.dtype), len(value))
        _feed(digest, value.index)
        values(value)
        _feed(digest, dict(value.attrs))
    elif isinstance(value, pd.Index):
        tag("Index", type(value).__name__, str(value.dtype), list(map(str, value.names)), len(value))
        values(value)
    elif isinstance(value, np.ndarray):
        tag("ndarray", str(value.dtype), value.shape)
        if value.dtype.hasobject:
            tag([repr(x) for x in value.ravel()])
        else:
            digest.update(np.ascontiguousarray(value).tobytes())
    elif dataclasses.is_dataclass(value) and not isinstance(value, type):
        tag("dataclass", type(value).__module__, type(value).__qualname__)
        for f in dataclasses.fields(value):
            tag(f.name)
            _feed(digest, getattr(value, f.name))
    elif isinstance(value, dict):
        tag("dict", len(value))
        for key in sorted(value, key=repr):
            _feed(digest, key)
            _feed(digest, value[key])
    elif isinstance(value, list | tuple | set | frozenset):
        items = sorted(value, key=repr) if isinstance(value, set | frozenset) else value
        tag(type(value).__name__, len(items))
        for item in items:
            _feed(digest, item)
    elif value is None or isinstance(value, str | bytes | int | float | complex | np.generic):
        tag(type(value).__name__, value.hex() if isinstance(value, float) else value)
    else:
        from joblib import hash as joblib_hash

        tag(type(value).__qualname__, joblib_hash(value))


def content_key(*args: object, **kwargs: object) -> str:
    """SHA-256 of the arguments' contents, the same in every process.

    joblib's own hash pickles the arguments, and a pickle depends on which equal objects are the same
    object (two equal strings in a column pickle differently when they are one object): a table read
    from the disk cache and the same table built afresh got different keys, and a notebook missed the
    work another had cached.

    Examples
    --------
    >>> import pandas as pd
    >>> word = "w0" + "23"
    >>> one = pd.DataFrame({"id": pd.Series([word, word], dtype=object)})
    >>> two = pd.DataFrame({"id": pd.Series(["w023", "".join(["w0", "23"])], dtype=object)})
    >>> content_key(one) == content_key(two) != content_key(one.assign(id=["w023", "w024"]))
    True
    """
    digest = hashlib.sha256()
    _feed(digest, (args, kwargs))
    return digest.hexdigest()


def shared(func: Callable[P, R]) -> Callable[P, R]:
    """Cache ``func`` on disk, keyed by its arguments' contents (:func:`content_key`), the package's code and
    the library versions.

    ``func`` must be deterministic in its arguments (seeds passed in, files read named by their
    hashes among the arguments) and return something picklable. The warnings it captures
    (:class:`kip_analysis.errors.captured`) are stored with its result and counted again whenever the
    result is read back, so a run from the cache lists the same warnings as one that computed afresh.
    """

    def keyed(environment: str, key: str, *args: P.args, **kwargs: P.kwargs) -> tuple[R, dict[str, int]]:
        with recording() as rec:
            result = func(*args, **kwargs)
        return result, rec.recorded

    keyed.__name__ = keyed.__qualname__ = func.__qualname__
    keyed.__module__ = func.__module__

    @functools.wraps(func)
    def wrapper(*args: P.args, **kwargs: P.kwargs) -> R:
        if cache_dir() is None:  # the cache is off: no key to compute
            return func(*args, **kwargs)
        result, warned = memory().cache(keyed, ignore=["*", "**"])(_environment(), content_key(*args, **kwargs),
                                                                    *args, **kwargs)
        replay(warned)
        return result

    return wrapper


def trim() -> None:
    """Trim the cache to :data:`BYTES_LIMIT`, least recently used entries first."""
    if cache_dir() is not None:
        memory().reduce_size(bytes_limit=BYTES_LIMIT)
