"""The errors raised for bad input: data errors name the file, row and column; parameter
errors list what is allowed; what the data given cannot estimate (a data limit, said in the memo).

May import: nothing from the package.
"""

from __future__ import annotations

from pathlib import Path


class DataValidationError(ValueError):
    """A raw table broke its schema.

    Parameters
    ----------
    path
        File that was being read.
    problem
        What was wrong and what was expected.
    line
        1-based line number in the file (the header is line 1), or ``None`` when the
        problem concerns the whole file.
    column
        Column name, or ``None`` when the problem concerns a whole row or file.

    Examples
    --------
    >>> str(DataValidationError("facts.csv", "expected a number, got 'x'", line=3, column="value"))
    "facts.csv, line 3, column 'value': expected a number, got 'x'"
    """

    def __init__(
        self,
        path: str | Path,
        problem: str,
        line: int | None = None,
        column: str | None = None,
    ) -> None:
        self.path = str(path)
        self.line = line
        self.column = column
        self.problem = problem
        where = [self.path]
        if line is not None:
            where.append(f"line {line}")
        if column is not None:
            where.append(f"column {column!r}")
        super().__init__(", ".join(where) + ": " + problem)


class ParameterError(ValueError):
    """A notebook or command-line parameter is not allowed; the message lists what is."""


class NotEstimableError(Exception):
    """What an analysis cannot estimate on the data it is given (a data limit, not a bug): say so in the memo.

    Parameters
    ----------
    what
        The quantity that cannot be estimated.
    why
        What the data lack, with the counts.
    settle
        What data would settle it.

    Examples
    --------
    >>> str(NotEstimableError("the location choice", "the extract records 0 moves", "an extract with moves"))
    'the location choice cannot be estimated: the extract records 0 moves'
    """

    def __init__(self, what: str, why: str, settle: str) -> None:
        self.what, self.why, self.settle = what, why, settle
        super().__init__(f"{what} cannot be estimated: {why}")


#: Exit status of a user error (bad data, parameter, mapping file or file system), as argparse uses.
USER_ERROR = 2


def user_message(err: BaseException) -> str | None:
    """One line for an error the user can fix (None for an internal error): the file, row and column or
    the parameter, the value, and what is allowed.

    Examples
    --------
    >>> user_message(ParameterError("--years 2017: out of range"))
    '--years 2017: out of range'
    >>> user_message(PermissionError(13, "Permission denied", "reports/index.html"))
    'reports/index.html: Permission denied (the file system refused; check the folder can be written)'
    >>> user_message(KeyError("x")) is None
    True
    """
    if isinstance(err, (DataValidationError, ParameterError)):
        return str(err)
    if isinstance(err, OSError):
        where = err.filename or "a file"
        hint = {PermissionError: "the file system refused; check the folder can be written",
                FileNotFoundError: "no such file or folder", IsADirectoryError: "a folder where a file was expected",
                NotADirectoryError: "a file where a folder was expected"}.get(type(err), "a file-system error")
        return f"{where}: {err.strerror or err} ({hint})"
    try:
        import yaml

        if isinstance(err, yaml.YAMLError):
            mark = getattr(err, "problem_mark", None)
            where = f"line {mark.line + 1}, column {mark.column + 1}: " if mark is not None else ""
            return f"{where}not valid YAML ({getattr(err, 'problem', None) or err})"
    except ImportError:  # pragma: no cover - pyyaml is a dependency
        pass
    return None


def report(prog: str, err: BaseException, log_dir: Path | None = None) -> int:
    """Tell the user what went wrong in one or two lines, the traceback in a log file; the exit status.

    A user error (:func:`user_message`) exits with :data:`USER_ERROR`; anything else is an internal
    error (status 3) whose message says so.
    """
    import sys
    import tempfile
    import traceback

    log = None
    for folder in (log_dir, Path(tempfile.gettempdir())):
        if folder is None:
            continue
        try:
            folder.mkdir(parents=True, exist_ok=True)
            log = folder / f"{prog}-error.log"
            log.write_text("".join(traceback.format_exception(err)), encoding="utf-8")
            break
        except OSError:
            log = None
    message = user_message(err)
    details = f" (details: {log})" if log else ""
    if message is not None:
        print(f"{prog}: {message}{details}", file=sys.stderr)
        return USER_ERROR
    print(f"{prog}: internal error, not caused by your input: {type(err).__name__}: {err}{details}", file=sys.stderr)
    return 3


#: Warnings captured while estimating, by "context: Category: message", with their counts
#: (drained into a Section's ``warnings`` by the analysis that raised them).
_CAPTURED: dict[str, int] = {}


class captured:  # noqa: N801 - used as a context manager, named like contextlib's helpers
    """Record every warning raised inside the block (never silence it) under a context label.

    Examples
    --------
    >>> import warnings
    >>> _ = drain_warnings()
    >>> with captured("ARIMA fit"):
    ...     warnings.warn("did not converge", RuntimeWarning)
    ...     warnings.warn("did not converge", RuntimeWarning)
    >>> drain_warnings()
    ['ARIMA fit: RuntimeWarning: did not converge (2 times)']
    """

    def __init__(self, context: str) -> None:
        import warnings

        self.context = context
        self._catcher = warnings.catch_warnings(record=True)

    def __enter__(self) -> captured:
        import warnings

        self._log = self._catcher.__enter__()
        warnings.simplefilter("always")
        return self

    def __exit__(self, *exc: object) -> None:
        self._catcher.__exit__(*exc)
        for w in self._log:
            key = f"{self.context}: {w.category.__name__}: {str(w.message).strip().splitlines()[0][:200]}"
            _CAPTURED[key] = _CAPTURED.get(key, 0) + 1


class recording:  # noqa: N801 - a context manager, like captured
    """Keep the warnings captured inside the block apart, in ``recorded``, so that a result cached on disk can
    carry them and :func:`replay` them when it is read back.

    Examples
    --------
    >>> import warnings
    >>> with recording() as rec, captured("fit"):
    ...     warnings.warn("slow", RuntimeWarning)
    >>> rec.recorded, drain_warnings()
    ({'fit: RuntimeWarning: slow': 1}, [])
    """

    def __enter__(self) -> recording:
        self._before = dict(_CAPTURED)
        _CAPTURED.clear()
        self.recorded: dict[str, int] = {}
        return self

    def __exit__(self, *exc: object) -> None:
        self.recorded = dict(_CAPTURED)
        _CAPTURED.clear()
        _CAPTURED.update(self._before)


def replay(recorded: dict[str, int]) -> None:
    """Count again the warnings a computation recorded (:class:`recording`), as if it had just run."""
    for key, n in recorded.items():
        _CAPTURED[key] = _CAPTURED.get(key, 0) + n


def drain_warnings() -> list[str]:
    """The warnings captured since the last call, with counts, and forget them."""
    out = [k + (f" ({n} times)" if n > 1 else "") for k, n in sorted(_CAPTURED.items())]
    _CAPTURED.clear()
    return out
