"""Rates over many seeds with confidence intervals (notebook 02 onwards)."""

from __future__ import annotations

import math

import numpy as np

from ._check import check_float, check_int


def wilson_interval(successes: int, trials: int, confidence: float = 0.95
                    ) -> tuple[float, float]:
    """Wilson score interval for a binomial rate; returns (low, high) within [0, 1]."""
    trials = check_int("trials", trials, low=1)
    successes = check_int("successes", successes, low=0, high=trials)
    confidence = check_float("confidence", confidence, low=0.5, high=0.999999)
    z = _z(confidence)
    p = successes / trials
    denom = 1 + z * z / trials
    centre = (p + z * z / (2 * trials)) / denom
    half = z * math.sqrt(p * (1 - p) / trials + z * z / (4 * trials * trials)) / denom
    # at 0 (or all) successes the bound is exactly 0 (or 1); rounding would leave ~1e-19
    low = 0.0 if successes == 0 else max(0.0, centre - half)
    high = 1.0 if successes == trials else min(1.0, centre + half)
    return low, high


def rate(flags, confidence: float = 0.95) -> tuple[float, float, float]:
    """Rate of True in ``flags`` (any array of booleans) with its Wilson interval.

    Returns (rate, low, high).
    """
    flags = np.asarray(flags)
    if flags.size == 0:
        raise ValueError("flags must hold at least one value, got an empty array")
    if flags.dtype != bool:
        raise TypeError(f"flags must be booleans, got dtype {flags.dtype}")
    k, n = int(flags.sum()), int(flags.size)
    lo, hi = wilson_interval(k, n, confidence)
    return k / n, lo, hi


def format_rate(flags, confidence: float = 0.95) -> str:
    """``'41% (95% CI 37-45%, 205/500)'`` for an array of booleans."""
    p, lo, hi = rate(flags, confidence)
    flags = np.asarray(flags)
    return (f"{100 * p:.0f}% ({100 * confidence:.0f}% CI {100 * lo:.0f}-{100 * hi:.0f}%, "
            f"{int(flags.sum())}/{flags.size})")


def _z(confidence: float) -> float:
    """Two-sided normal quantile by bisection on erf (no SciPy needed)."""
    target = confidence
    lo, hi = 0.0, 10.0
    for _ in range(100):
        mid = (lo + hi) / 2
        if math.erf(mid / math.sqrt(2)) < target:
            lo = mid
        else:
            hi = mid
    return (lo + hi) / 2
