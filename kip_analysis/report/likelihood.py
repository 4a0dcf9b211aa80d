"""Words for probabilities, in one table: the calibrated language of the IPCC (Mastrandrea et al. 2010, the
guidance note for the Fifth Assessment Report, Table 1), followed by the number as rounded odds.

May import: nothing from the package. The narrowest term whose range holds the probability is used, so
"likely" is never said of 95% (that is "very likely"); the odds ("about 1 in 4") keep the number beside the word.
"""

from __future__ import annotations

from fractions import Fraction

#: Terms, narrowest first, with the probability range each stands for (IPCC AR5 uncertainty guidance, Table 1).
TERMS: tuple[tuple[str, float, float], ...] = (
    ("virtually certain", 0.99, 1.00),
    ("exceptionally unlikely", 0.00, 0.01),
    ("very likely", 0.90, 1.00),
    ("very unlikely", 0.00, 0.10),
    ("likely", 0.66, 1.00),
    ("unlikely", 0.00, 0.33),
    ("about as likely as not", 0.33, 0.66),
)


def term(p: float) -> str:
    """The calibrated term for a probability.

    Examples
    --------
    >>> [term(x) for x in (0.995, 0.95, 0.7, 0.5, 0.25, 0.05, 0.004)]
    ['virtually certain', 'very likely', 'likely', 'about as likely as not', 'unlikely', 'very unlikely', \
'exceptionally unlikely']
    """
    if not 0 <= p <= 1:
        raise ValueError(f"probability {p} is outside 0-1")
    for word, lo, hi in TERMS:
        if lo <= p <= hi:
            return word
    raise AssertionError("the terms cover 0-1")  # pragma: no cover


def odds(p: float) -> tuple[int, int]:
    """The probability as "k in n" with n at most 10 (the closest such fraction; 1 in 20 or 19 in 20 at the ends).

    Examples
    --------
    >>> odds(0.2527), odds(0.5), odds(0.87), odds(0.03), odds(0.96)
    ((1, 4), (1, 2), (7, 8), (1, 20), (19, 20))
    """
    if p < 0.075:
        return 1, 20 if p >= 0.025 else 100
    if p > 0.925:
        return (19, 20) if p <= 0.975 else (99, 100)
    f = Fraction(p).limit_denominator(10)
    return f.numerator, f.denominator


#: Each term as a reader's glossary entry (the memo's annex prints it).
GLOSSARY_TEXT: str = ("Probabilities are given in the calibrated words of the IPCC, followed by the odds: "
                      + "; ".join(f"{w} {lo:.0%}–{hi:.0%}" for w, lo, hi in sorted(TERMS, key=lambda x: -x[1] - x[2]))
                      + ". A probability is published only when the forecasting method has earned it on a reference "
                        "class of comparable series (its intervals covered what they claimed).")
