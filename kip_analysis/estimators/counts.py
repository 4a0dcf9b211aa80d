"""Counts per round (products or firms recognised) and their total over the rounds of a plan period:
a negative binomial count per round, times whether a round is held (general purpose).

The count of a held round is negative binomial with the past rounds' mean and variance (method of moments; a
Poisson when the rounds vary less than a Poisson would); each year holds a round with probability
(held + 1) / (years + 2) (Laplace's rule: a run of yearly rounds does not make a skipped year impossible). The
total over ``m`` years is then a binomial mixture of negative binomials with a common success probability,
NB(k r, p) for k rounds held, exact (no simulation).

May import: errors.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from kip_analysis.errors import ParameterError


@dataclass(frozen=True)
class RoundCounts:
    """The fitted count per held round and the chance a year holds one."""

    mean: float
    variance: float
    rounds: int  # past rounds the fit rests on
    years: int  # years those rounds could have been held in
    p_held: float

    @property
    def poisson(self) -> bool:
        """Whether the rounds vary no more than a Poisson count (then the count is Poisson)."""
        return self.variance <= self.mean

    def total_pmf(self, years: int, upto: int | None = None) -> np.ndarray:
        """P(total = 0, 1, ..., upto) over ``years`` future years."""
        from scipy.stats import binom, nbinom, poisson

        upto = upto if upto is not None else int(years * self.mean + 12 * math.sqrt(years * max(self.variance,
                                                                                              self.mean)) + 20)
        x = np.arange(upto + 1)
        out = np.zeros(upto + 1)
        for k in range(years + 1):  # k rounds held
            w = binom.pmf(k, years, self.p_held)
            if k == 0:
                out[0] += w
                continue
            if self.poisson:
                out += w * poisson.pmf(x, k * self.mean)
            else:  # NB(r, p) with mean r(1-p)/p: r = mean^2 / (var - mean), p = mean / var; k rounds: NB(k r, p)
                r, p = self.mean ** 2 / (self.variance - self.mean), self.mean / self.variance
                out += w * nbinom.pmf(x, k * r, p)
        return out

    def p_at_least(self, threshold: float, years: int, already: float = 0.0) -> float:
        """P(already + total over ``years`` >= threshold).

        Examples
        --------
        >>> c = RoundCounts(mean=30.0, variance=30.0, rounds=5, years=5, p_held=1.0)
        >>> round(c.p_at_least(30, 1), 4)  # Poisson(30): P(N >= 30) = scipy.stats.poisson.sf(29, 30)
        0.5243
        """
        need = math.ceil(threshold - already)
        if need <= 0:
            return 1.0
        pmf = self.total_pmf(years, max(need, int(years * self.mean * 3) + 50))
        return float(max(0.0, 1.0 - pmf[:need].sum()))

    def quantiles(self, years: int, probs: tuple[float, ...], already: float = 0.0) -> list[float]:
        """Quantiles of already + total over ``years`` (the smallest x with P(X <= x) >= prob)."""
        cdf = np.cumsum(self.total_pmf(years))
        return [already + float(np.searchsorted(cdf, q - 1e-12)) for q in probs]


def fit_rounds(counts: np.ndarray, years: int) -> RoundCounts:
    """Fit the count per held round from past rounds' counts, held in ``len(counts)`` of ``years`` years.

    Examples
    --------
    >>> f = fit_rounds(np.array([61, 30, 26, 46, 33]), 5)
    >>> round(f.mean, 1), round(f.variance, 1), round(f.p_held, 3)
    (39.2, 204.7, 0.857)
    """
    counts = np.asarray(counts, dtype=float)
    if len(counts) < 2:
        raise ParameterError(f"{len(counts)} past rounds: a count model needs at least two")
    if years < len(counts):
        raise ParameterError(f"{len(counts)} rounds in {years} years")
    # method of moments: mean and the unbiased variance
    return RoundCounts(float(counts.mean()), float(counts.var(ddof=1)), len(counts), years,
                       (len(counts) + 1) / (years + 2))
