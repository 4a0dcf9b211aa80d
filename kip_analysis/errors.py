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
