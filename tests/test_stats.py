"""Rates and Wilson intervals, checked against the closed formula and table values."""

import math
from statistics import NormalDist

import numpy as np
import pytest

from xorhelpers.stats import format_rate, rate, wilson_interval


def _wilson_reference(k, n, confidence=0.95):
    """The Wilson score interval written out independently, z from the stdlib."""
    z = NormalDist().inv_cdf(0.5 + confidence / 2)
    p = k / n
    centre = (2 * n * p + z**2) / (2 * (n + z**2))
    half = z * math.sqrt(z**2 + 4 * n * p * (1 - p)) / (2 * (n + z**2))
    return centre - half, centre + half


@pytest.mark.parametrize("k,n,low,high", [
    (0, 10, 0.0, 0.2775), (5, 10, 0.2366, 0.7634), (10, 10, 0.7225, 1.0),
    (1, 10, 0.0179, 0.4042), (50, 100, 0.4038, 0.5962), (0, 1, 0.0, 0.7935),
])
def test_wilson_interval_table_values(k, n, low, high):
    lo, hi = wilson_interval(k, n)
    assert lo == pytest.approx(low, abs=1e-4)
    assert hi == pytest.approx(high, abs=1e-4)


@pytest.mark.parametrize("k,n", [(0, 5), (3, 7), (41, 100), (205, 500), (999, 1000), (1, 2)])
@pytest.mark.parametrize("confidence", [0.5, 0.8, 0.9, 0.95, 0.99, 0.999])
def test_wilson_interval_matches_closed_formula(k, n, confidence):
    want = _wilson_reference(k, n, confidence)
    got = wilson_interval(k, n, confidence)
    assert got == pytest.approx(want, abs=1e-9)


def test_wilson_interval_properties():
    for n in (1, 4, 30, 1000):
        for k in range(0, n + 1, max(1, n // 7)):
            lo, hi = wilson_interval(k, n)
            assert 0.0 <= lo <= k / n <= hi <= 1.0
            lo2, hi2 = wilson_interval(n - k, n)  # symmetric under swapping success/failure
            assert lo == pytest.approx(1 - hi2, abs=1e-12)
    # more trials: narrower; more confidence: wider
    assert np.ptp(wilson_interval(50, 100)) < np.ptp(wilson_interval(5, 10))
    assert np.ptp(wilson_interval(5, 10, 0.99)) > np.ptp(wilson_interval(5, 10, 0.9))


@pytest.mark.parametrize("n", [1, 3, 10, 500, 10**6])
def test_wilson_interval_is_exactly_zero_or_one_at_the_extremes(n):
    assert wilson_interval(0, n)[0] == 0.0
    assert wilson_interval(n, n)[1] == 1.0


def test_wilson_interval_returns_python_floats():
    assert all(type(v) is float for v in wilson_interval(3, 10))


@pytest.mark.parametrize("args,error,name", [
    ((0, 0), ValueError, "trials"), ((1, -4), ValueError, "trials"),
    ((1, 10.0), TypeError, "trials"), ((1, "10"), TypeError, "trials"),
    ((-1, 10), ValueError, "successes"), ((11, 10), ValueError, "successes"),
    ((1.5, 10), TypeError, "successes"), ((True, 10), TypeError, "successes"),
    ((1, 10, 0.4), ValueError, "confidence"), ((1, 10, 1.0), ValueError, "confidence"),
    ((1, 10, float("nan")), ValueError, "confidence"), ((1, 10, "0.95"), TypeError, "confidence"),
])
def test_wilson_interval_bad_input(args, error, name):
    with pytest.raises(error, match=rf"{name} must"):
        wilson_interval(*args)


# --- rate / format_rate ------------------------------------------------------------------


def test_rate_counts_true_and_uses_the_wilson_interval():
    flags = [True, False, True, True]
    p, lo, hi = rate(flags)
    assert p == 0.75
    assert (lo, hi) == wilson_interval(3, 4)


def test_rate_accepts_any_shape_of_booleans_and_a_confidence():
    flags = np.array([[True, False, False], [False, False, True]])
    p, lo, hi = rate(flags, confidence=0.9)
    assert p == pytest.approx(2 / 6)
    assert (lo, hi) == pytest.approx(_wilson_reference(2, 6, 0.9), abs=1e-9)


@pytest.mark.parametrize("flags,error", [([], ValueError), (np.zeros((0, 3), bool), ValueError),
                                         ([0, 1, 1], TypeError), ([0.5], TypeError),
                                         (["yes"], TypeError)])
def test_rate_bad_flags(flags, error):
    with pytest.raises(error, match="flags must"):
        rate(flags)


def test_rate_bad_confidence():
    with pytest.raises(ValueError, match="confidence"):
        rate([True], confidence=0.2)


@pytest.mark.parametrize("k,n,text", [
    (5, 10, "50% (95% CI 24-76%, 5/10)"),
    (0, 10, "0% (95% CI 0-28%, 0/10)"),
    (10, 10, "100% (95% CI 72-100%, 10/10)"),
    (41, 100, "41% (95% CI 32-51%, 41/100)"),
])
def test_format_rate_text(k, n, text):
    flags = np.arange(n) < k
    assert format_rate(flags) == text


def test_format_rate_other_confidence():
    flags = np.arange(10) < 5
    lo, hi = _wilson_reference(5, 10, 0.9)
    assert format_rate(flags, 0.9) == f"50% (90% CI {100 * lo:.0f}-{100 * hi:.0f}%, 5/10)"


def test_format_rate_bad_input():
    with pytest.raises(TypeError, match="flags"):
        format_rate([1, 0])
    with pytest.raises(ValueError, match="flags"):
        format_rate([])
    with pytest.raises(ValueError, match="confidence"):
        format_rate([True], confidence=1.5)
