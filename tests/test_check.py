"""Argument validation helpers: accepted values pass through, bad ones name the argument."""

import math

import numpy as np
import pytest

from xorhelpers._check import check_bool, check_choice, check_float, check_int, check_seed

# --- check_int ---------------------------------------------------------------------------


@pytest.mark.parametrize("value", [0, 7, -3, np.int64(5), np.int32(-2), np.uint8(9)])
def test_check_int_accepts_integers_and_returns_python_int(value):
    out = check_int("width", value)
    assert out == int(value)
    assert type(out) is int


def test_check_int_bounds_are_inclusive():
    assert check_int("width", 1, low=1, high=3) == 1
    assert check_int("width", 3, low=1, high=3) == 3


@pytest.mark.parametrize("value", [1.0, 2.5, "3", None, [1], True, False, np.float64(2.0)])
def test_check_int_rejects_non_integers_with_type_error(value):
    with pytest.raises(TypeError, match="width must be an integer") as info:
        check_int("width", value)
    assert repr(value) in str(info.value)


def test_check_int_range_messages_name_argument_value_and_bound():
    with pytest.raises(ValueError, match=r"depth must be >= 1, got 0"):
        check_int("depth", 0, low=1)
    with pytest.raises(ValueError, match=r"depth must be <= 5, got 6"):
        check_int("depth", 6, high=5)


# --- check_float -------------------------------------------------------------------------


@pytest.mark.parametrize("value", [0, 1, 0.25, -3.5, np.float32(0.5), np.float64(2.0), np.int64(3)])
def test_check_float_accepts_reals_and_returns_python_float(value):
    out = check_float("lr", value)
    assert out == float(value)
    assert type(out) is float


@pytest.mark.parametrize("value", ["0.1", None, [0.1], True, 1 + 2j])
def test_check_float_rejects_non_reals_with_type_error(value):
    with pytest.raises(TypeError, match="lr must be a real number"):
        check_float("lr", value)


@pytest.mark.parametrize("value", [math.nan, math.inf, -math.inf, np.float32("nan")])
def test_check_float_rejects_non_finite(value):
    with pytest.raises(ValueError, match="lr must be finite"):
        check_float("lr", value)


def test_check_float_closed_and_open_lower_bound():
    assert check_float("noise", 0.0, low=0.0) == 0.0
    with pytest.raises(ValueError, match=r"noise must be >= 0.0"):
        check_float("noise", -0.1, low=0.0)
    with pytest.raises(ValueError, match=r"lr must be > 0.0, got 0.0"):
        check_float("lr", 0.0, low=0.0, low_open=True)
    assert check_float("lr", 1e-9, low=0.0, low_open=True) == 1e-9


def test_check_float_upper_bound():
    assert check_float("p", 1.0, high=1.0) == 1.0
    with pytest.raises(ValueError, match=r"p must be <= 1.0, got 1.5"):
        check_float("p", 1.5, high=1.0)


# --- check_choice / check_bool / check_seed ----------------------------------------------


def test_check_choice_returns_value_when_allowed():
    assert check_choice("activation", "relu", ("relu", "tanh")) == "relu"
    assert check_choice("k", 2, iter([1, 2, 3])) == 2  # any iterable of choices


def test_check_choice_lists_allowed_values():
    with pytest.raises(ValueError, match=r"activation must be one of 'relu', 'tanh'; got 'elu'"):
        check_choice("activation", "elu", ("relu", "tanh"))


@pytest.mark.parametrize("value", [True, False])
def test_check_bool_accepts_bools(value):
    assert check_bool("running", value) is value


@pytest.mark.parametrize("value", [0, 1, "True", None, np.bool_(True)])
def test_check_bool_rejects_everything_else(value):
    with pytest.raises(TypeError, match="running must be True or False"):
        check_bool("running", value)


@pytest.mark.parametrize("value", [0, 1, 2**32 - 1, np.int64(42)])
def test_check_seed_accepts_32_bit_unsigned_range(value):
    assert check_seed("seed", value) == int(value)


@pytest.mark.parametrize("value,error", [(-1, ValueError), (2**32, ValueError),
                                         (1.0, TypeError), ("0", TypeError), (None, TypeError)])
def test_check_seed_rejects_out_of_range_and_non_integers(value, error):
    with pytest.raises(error, match="seed"):
        check_seed("seed", value)
