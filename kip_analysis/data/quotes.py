"""Find a figure inside the quote that carries it.

Sources write numbers in English (``40,000``, ``35.2``, ``six``) and Vietnamese
(``200.000`` for two hundred thousand, ``76,8`` for 76.8) conventions, and scale them with
words (``VND200 trillion`` for a value stored as 200,000 VND billion). A figure is *in*
its quote when one reading of one number in the quote, times a power of a thousand,
equals the figure.

May import: nothing from the package.
"""

from __future__ import annotations

import math
import re

_WORDS = {
    "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7,
    "eight": 8, "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "thirteen": 13,
    "fourteen": 14, "fifteen": 15, "sixteen": 16, "seventeen": 17, "eighteen": 18,
    "nineteen": 19, "twenty": 20, "thirty": 30, "forty": 40, "fifty": 50, "sixty": 60,
    "seventy": 70, "eighty": 80, "ninety": 90,
}
_TENS = "twenty|thirty|forty|fifty|sixty|seventy|eighty|ninety"
_UNITS = "one|two|three|four|five|six|seven|eight|nine"
_NUMBER_WORD = re.compile(
    rf"\b(?:(?:{_TENS})-(?:{_UNITS})|{'|'.join(sorted(_WORDS, key=len, reverse=True))})\b",
    re.IGNORECASE,
)
_SCALES = (1.0, 1e3, 1e6, 1e-3, 1e-6)


def _readings(token: str) -> set[float]:
    """Every plausible value of a written number token ("76,8" -> {76.8, 768})."""
    values = {float(token.replace(",", ""))} if re.fullmatch(r"\d{1,3}(,\d{3})*(\.\d+)?|\d+(\.\d+)?", token) else set()
    if re.fullmatch(r"\d{1,3}(\.\d{3})+(,\d+)?|\d+(,\d+)?", token):
        values.add(float(token.replace(".", "").replace(",", ".")))
    if not values:
        values.add(float(re.sub(r"[.,]", "", token)))
    return values


def numbers_in(text: str) -> set[float]:
    """All readings of all numbers written in ``text``, digits or English words.

    Examples
    --------
    >>> sorted(numbers_in("nearly VND200 trillion (US$8.63 billion)"))
    [8.63, 200.0]
    >>> 76.8 in numbers_in("khoảng 76,8 nghìn tỷ đồng")
    True
    >>> 36 in numbers_in("Thirty-six products")
    True
    """
    values: set[float] = set()
    for token in re.findall(r"\d+(?:[.,]\d+)*", text):
        values |= _readings(token)
    for word in _NUMBER_WORD.findall(text):
        parts = word.lower().split("-")
        values.add(float(sum(_WORDS[p] for p in parts)))
    return values


def figure_in_quote(value: float, quote: str | None) -> bool:
    """Whether ``value`` (sign ignored) is written in ``quote``, up to a power of 1,000.

    Examples
    --------
    >>> figure_in_quote(200000, "năm 2020 ước đạt gần 200.000 tỷ đồng")
    True
    >>> figure_in_quote(76800, "năm 2021 khoảng 76,8 nghìn tỷ đồng")
    True
    >>> figure_in_quote(20.65, "doanh nghiệp đang hoạt động lên trên 424.000")
    False
    """
    if not quote:
        return False
    target = abs(value)
    return any(
        math.isclose(reading * scale, target, rel_tol=1e-9, abs_tol=1e-12)
        for reading in numbers_in(quote)
        for scale in _SCALES
    )
