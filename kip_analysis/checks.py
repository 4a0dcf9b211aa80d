"""Checks shared by every parameter validator: a value, its name, and an error that lists
what is allowed.

May import: :mod:`kip_analysis.config`, :mod:`kip_analysis.errors`. Each analysis's
``params`` module builds its validator from these, and the memo batch calls the same
validators in the parent process before any kernel starts.
"""

from __future__ import annotations

import math

from kip_analysis import config
from kip_analysis.errors import ParameterError


def check_year(name: str, value: object, years: tuple[int, ...] = config.YEARS) -> int:
    """``value`` as a memo year, or a :class:`ParameterError` naming the allowed range.

    Examples
    --------
    >>> check_year("memo_year", 2020)
    2020
    >>> check_year("memo_year", 2030)
    Traceback (most recent call last):
    ...
    kip_analysis.errors.ParameterError: memo_year=2030 is out of range; allowed years: 2018-2026
    """
    if isinstance(value, bool) or not isinstance(value, int):
        raise ParameterError(f"{name}={value!r} must be an integer year {years[0]}-{years[-1]}")
    if value not in years:
        raise ParameterError(f"{name}={value} is out of range; allowed years: {years[0]}-{years[-1]}")
    return value


#: Census extract formats the firm-panel loader reads.
EXTRACT_SUFFIXES: tuple[str, ...] = (".csv", ".parquet")


def check_data_source(value: object, name: str = "data_source") -> str:
    """``"simulated"`` or the absolute path of a census extract file with its mapping file beside it; a
    relative path is read from the current working directory (where the user runs the command).

    Examples
    --------
    >>> check_data_source("simulated")
    'simulated'
    >>> check_data_source("")  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    kip_analysis.errors.ParameterError: data_source='': expected 'simulated' or the path of a census extract ...
    """
    from pathlib import Path

    text = str(value).strip() if value is not None else ""
    if text == "simulated":
        return text
    expected = "expected 'simulated' or the path of a census extract (.csv or .parquet) with its .mapping.yml beside it"
    if not text:
        raise ParameterError(f"{name}={value!r}: {expected}")
    path = Path(text).expanduser().resolve()
    if not path.exists():
        raise ParameterError(f"{name}={text!r}: no such file ({path}); {expected}")
    if path.is_dir():
        raise ParameterError(f"{name}={text!r}: is a folder; {expected}")
    if path.suffix.lower() not in EXTRACT_SUFFIXES:
        raise ParameterError(f"{name}={text!r}: a {path.suffix or 'suffix-less'} file; {expected}")
    mapping = path.with_suffix(".mapping.yml")
    if not mapping.is_file():
        raise ParameterError(f"{name}={text!r}: no mapping file {mapping.name} beside it; {expected}")
    return str(path)


def check_choice(name: str, value: object, allowed: tuple[str, ...]) -> str:
    """``value`` if it is one of ``allowed``, else a :class:`ParameterError` listing them."""
    if value not in allowed:
        raise ParameterError(f"{name}={value!r} is not allowed; expected one of {', '.join(allowed)}")
    return str(value)


def check_int(name: str, value: object, low: int, high: int, also: tuple[int, ...] = ()) -> int:
    """``value`` as a whole number in ``[low, high]`` (or one of ``also``).

    Examples
    --------
    >>> check_int("n_boot", 0, 99, 9999, also=(0,))
    0
    >>> check_int("n_draws", 10, 100, 1000)
    Traceback (most recent call last):
    ...
    kip_analysis.errors.ParameterError: n_draws=10: expected an integer 100-1000
    """
    if isinstance(value, bool) or not isinstance(value, int) or not (low <= value <= high or value in also):
        extra = "".join(f" or {a}" for a in also)
        raise ParameterError(f"{name}={value!r}: expected an integer {low}-{high}{extra}")
    return value


def check_number(name: str, value: object, low: float, high: float, what: str) -> float:
    """``value`` as a finite number in ``[low, high]``; ``what`` says what it is.

    Examples
    --------
    >>> check_number("subsidy_share", 1.5, 0, 1, "a share of the gap between 0 and 1")
    Traceback (most recent call last):
    ...
    kip_analysis.errors.ParameterError: subsidy_share=1.5: expected a share of the gap between 0 and 1
    """
    if (isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value)
            or not low <= value <= high):
        raise ParameterError(f"{name}={value!r}: expected {what}")
    return float(value)


def check_vintage(year: int, vintage: object, first_real_time_year: int) -> str:
    """``vintage`` if allowed for a memo of ``year``: ``real_time`` needs ``year`` >= the first year
    whose sources report a round; ``latest`` (an ex-post revision) is always allowed.

    Examples
    --------
    >>> check_vintage(2018, "real_time", 2019)  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    kip_analysis.errors.ParameterError: vintage='real_time' for 2018: no source published by the end of 2018 ...
    """
    check_choice("vintage", vintage, ("real_time", "latest"))
    if vintage == "real_time" and year < first_real_time_year:
        raise ParameterError(f"vintage='real_time' for {year}: no source published by the end of {year} reports a "
                             f"recognition round (the first is {first_real_time_year}); use vintage='latest' (an "
                             "ex-post revision)")
    return str(vintage)

