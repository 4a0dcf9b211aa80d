"""The errors raised for bad input: data errors name the file, row and column; parameter
errors list what is allowed.

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


def drain_warnings() -> list[str]:
    """The warnings captured since the last call, with counts, and forget them."""
    out = [k + (f" ({n} times)" if n > 1 else "") for k, n in sorted(_CAPTURED.items())]
    _CAPTURED.clear()
    return out
