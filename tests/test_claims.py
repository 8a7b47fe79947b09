"""Checked claims: one stable line (printed, or gathered per cell inside IPython), ClaimError
when false, clear errors on misuse."""

import math
import re

import numpy as np
import pytest

from xorhelpers.claims import ClaimError, check, display_lines, is_claims_output


def _printed(capsys):
    out = capsys.readouterr().out
    assert out.endswith("\n")
    return out.splitlines()


@pytest.mark.parametrize("kwargs", [
    dict(between=(0.2, 0.6)), dict(between=[0.5, 0.5]), dict(at_least=0.5), dict(at_most=0.5),
    dict(equals=0.5), dict(close_to=0.45, tol=0.05), dict(close_to=0.5, tol=0),
])
def test_passing_claim_prints_exactly_one_ok_line(capsys, kwargs):
    assert check("the rate is about one half", 0.5, **kwargs) is None
    assert _printed(capsys) == ["OK: the rate is about one half (measured 0.5)"]


def test_bounds_are_inclusive(capsys):
    check("low end", 0.2, between=(0.2, 0.6))
    check("high end", 0.6, between=(0.2, 0.6))
    check("at least, equal", 3, at_least=3)
    check("at most, equal", 3, at_most=3)
    assert [line[:3] for line in _printed(capsys)] == ["OK:"] * 4


def test_fmt_rounds_the_measured_value(capsys):
    check("default three significant digits", 0.41234, at_least=0)
    check("custom format", 0.41234, at_least=0, fmt="{:.0%}")
    check("integer format", 123456, at_least=0, fmt="{:.0f}")
    assert _printed(capsys) == ["OK: default three significant digits (measured 0.412)",
                                "OK: custom format (measured 41%)",
                                "OK: integer format (measured 123456)"]


def test_numpy_scalars_are_numbers(capsys):
    check("float32", np.float32(0.25), close_to=0.25, tol=1e-6)
    check("int64", np.int64(3), between=(1, 5))
    check("0-d array", np.array(0.75), at_most=1)
    assert _printed(capsys) == ["OK: float32 (measured 0.25)", "OK: int64 (measured 3)",
                                "OK: 0-d array (measured 0.75)"]


def test_equals_accepts_any_type_and_shows_its_repr(capsys):
    check("a pair", (2, 1), equals=(2, 1))
    check("a list", [0.0, 1.0, 1.0, 0.0], equals=[0, 1, 1, 0])
    check("a word", "XNOR", equals="XNOR")
    assert _printed(capsys) == ["OK: a pair (measured (2, 1))",
                                "OK: a list (measured [0.0, 1.0, 1.0, 0.0])",
                                "OK: a word (measured 'XNOR')"]


def test_no_criterion_means_measured_must_be_true(capsys):
    check("it converged", True)
    check("numpy says so", np.bool_(True))
    assert _printed(capsys) == ["OK: it converged", "OK: numpy says so"]
    with pytest.raises(ClaimError, match=re.escape("it diverged")) as info:
        check("it diverged", False)
    assert "expected True" in str(info.value)
    assert _printed(capsys) == ["CLAIM FAILED: it diverged"]


@pytest.mark.parametrize("measured,kwargs,expected", [
    (0.7, dict(between=(0.2, 0.6)), "expected between (0.2, 0.6)"),
    (0.1, dict(at_least=0.5), "expected at_least 0.5"),
    (0.9, dict(at_most=0.5), "expected at_most 0.5"),
    ((1, 2), dict(equals=(2, 1)), "expected equals (2, 1)"),
    (0.6, dict(close_to=0.5, tol=0.05), "expected close_to 0.5 +/- 0.05"),
])
def test_failing_claim_raises_claim_error_naming_the_claim(capsys, measured, kwargs, expected):
    claim = "ReLU width 2 fails in 20-60% of seeds"
    with pytest.raises(ClaimError, match=re.escape(claim)) as info:
        check(claim, measured, **kwargs)
    assert expected in str(info.value)
    lines = _printed(capsys)
    assert len(lines) == 1 and lines[0].startswith("CLAIM FAILED: " + claim + " (measured ")


def test_claim_error_is_an_assertion_error():
    assert issubclass(ClaimError, AssertionError)


@pytest.mark.parametrize("kwargs", [dict(at_least=0), dict(at_most=1), dict(between=(0, 1)),
                                    dict(close_to=0.5, tol=1)])
def test_nan_never_satisfies_a_numeric_claim(capsys, kwargs):
    with pytest.raises(ClaimError, match="loss is finite"):
        check("loss is finite", math.nan, **kwargs)
    assert _printed(capsys) == ["CLAIM FAILED: loss is finite (measured nan)"]


# --- misuse: errors name the argument, and nothing is printed ------------------------------


@pytest.mark.parametrize("kwargs,names", [
    (dict(at_least=0, at_most=1), ("at_least", "at_most")),
    (dict(between=(0, 1), equals=0.5), ("between", "equals")),
    (dict(close_to=0.5, tol=0.1, at_least=0), ("close_to", "at_least")),
])
def test_two_criteria_are_rejected(capsys, kwargs, names):
    with pytest.raises(ValueError, match="at most one criterion") as info:
        check("claim", 0.5, **kwargs)
    assert all(name in str(info.value) for name in names)
    assert capsys.readouterr().out == ""


@pytest.mark.parametrize("kwargs", [dict(close_to=0.5), dict(tol=0.1), dict(at_least=0, tol=0.1)])
def test_close_to_and_tol_go_together(capsys, kwargs):
    with pytest.raises(ValueError, match="close_to and tol"):
        check("claim", 0.5, **kwargs)
    assert capsys.readouterr().out == ""


@pytest.mark.parametrize("kwargs,error,name", [
    (dict(close_to=0.5, tol=-0.1), ValueError, "tol"),
    (dict(close_to=0.5, tol="0.1"), TypeError, "tol"),
    (dict(close_to="0.5", tol=0.1), TypeError, "close_to"),
    (dict(at_least="0.5"), TypeError, "at_least"),
    (dict(at_most=[1]), TypeError, "at_most"),
    (dict(at_least=True), TypeError, "at_least"),
    (dict(between=(1,)), TypeError, "between"),
    (dict(between=0.5), TypeError, "between"),
    (dict(between=(0.6, 0.2)), ValueError, "between"),
    (dict(between=("a", "b")), TypeError, "between"),
    (dict(at_least=0, fmt=3), TypeError, "fmt"),
])
def test_bad_criterion_values_name_the_argument(capsys, kwargs, error, name):
    with pytest.raises(error, match=name):
        check("claim", 0.5, **kwargs)
    assert capsys.readouterr().out == ""


@pytest.mark.parametrize("claim", ["", "   ", None, 3])
def test_claim_must_be_a_non_empty_string(claim):
    with pytest.raises(TypeError, match="claim must be a non-empty string"):
        check(claim, True)


@pytest.mark.parametrize("measured,kwargs", [
    ("0.5", dict(at_least=0)), (None, dict(at_most=1)), (True, dict(at_least=0)),
    (np.array([0.1, 0.2]), dict(between=(0, 1))), ("yes", {}), ([1], {}),
])
def test_measured_of_the_wrong_kind_is_rejected(capsys, measured, kwargs):
    with pytest.raises(TypeError, match="measured"):
        check("claim", measured, **kwargs)
    assert capsys.readouterr().out == ""


def test_equals_compares_numpy_arrays_elementwise(capsys):
    check("arrays equal", np.array([0.0, 1.0]), equals=[0.0, 1.0])
    assert capsys.readouterr().out.startswith("OK: arrays equal")
    with pytest.raises(ClaimError, match="arrays differ"):
        check("arrays differ", np.array([0.0, 1.0]), equals=np.array([1.0, 1.0]))


# --- inside IPython: one display per cell, every line kept in its text -------------------


@pytest.fixture
def shell(monkeypatch):
    """A real IPython shell whose displays are captured instead of shown."""
    from IPython.core.displaypub import CapturingDisplayPublisher
    from IPython.core.interactiveshell import InteractiveShell

    from xorhelpers import claims
    monkeypatch.setattr(claims, "_pending", [])
    monkeypatch.setattr(claims, "_hooked", [])
    ip = InteractiveShell.instance()
    ip.display_pub = CapturingDisplayPublisher()
    yield ip
    InteractiveShell.clear_instance()


def _displays(ip):
    shown = list(ip.display_pub.outputs)
    ip.display_pub.outputs.clear()
    return shown


def test_in_ipython_a_cell_shows_its_claims_as_one_collapsed_display(shell, capsys):
    result = shell.run_cell("from xorhelpers.claims import check\n"
                            "check('the rate is about one half', 0.5, at_least=0)\n"
                            "print('a table')\n"
                            "check('it converged', True)\n"
                            "check('x < y', '<b>', equals='<b>')\n")
    assert result.success
    assert capsys.readouterr().out == "a table\n"  # the claims are not printed
    (shown,) = _displays(shell)
    lines = ["OK: the rate is about one half (measured 0.5)", "OK: it converged",
             "OK: x < y (measured '<b>')"]
    assert shown["data"]["text/plain"] == "\n".join(lines)
    page = shown["data"]["text/html"]
    assert page.startswith('<details class="xor-claims"><summary>&#x2713; 3 claims checked'
                           '</summary>')
    assert page.count("<li>") == 3 and "x &lt; y (measured &#x27;&lt;b&gt;&#x27;)" in page
    assert shown["metadata"] == {"xorhelpers.claims": 3}
    shell.run_cell("x = 1")  # a later cell without checks shows nothing
    assert _displays(shell) == []
    shell.run_cell("check('one claim', 1, equals=1)")
    (shown,) = _displays(shell)
    assert "&#x2713; 1 claim checked<" in shown["data"]["text/html"]
    assert shown["data"]["text/plain"] == "OK: one claim (measured 1)"


def test_in_ipython_a_failing_claim_stops_the_cell_with_the_full_message(shell, capsys):
    result = shell.run_cell("from xorhelpers.claims import check\n"
                            "check('first', 1, equals=1)\n"
                            "check('ReLU fails in 20-60% of seeds', 0.7, between=(0.2, 0.6))\n"
                            "check('never reached', True)\n")
    assert isinstance(result.error_in_exec, ClaimError)
    message = str(result.error_in_exec)
    assert message == ("CLAIM FAILED: ReLU fails in 20-60% of seeds (measured 0.7); "
                       "expected between (0.2, 0.6)")
    out = capsys.readouterr().out
    assert "CLAIM FAILED: ReLU fails in 20-60% of seeds (measured 0.7)\n" in out
    (shown,) = _displays(shell)  # the claims that held before it are still shown
    assert shown["data"]["text/plain"] == "OK: first (measured 1)"
    shell.run_cell("y = 2")
    assert _displays(shell) == []


def test_the_hook_is_registered_once_per_shell(shell):
    shell.run_cell("from xorhelpers.claims import check\ncheck('a', True)")
    shell.run_cell("check('b', True)\ncheck('c', True)")
    from xorhelpers import claims
    assert claims._hooked == [shell]
    assert [d["data"]["text/plain"] for d in _displays(shell)] == ["OK: a", "OK: b\nOK: c"]


def test_display_lines_checks_its_argument():
    assert display_lines(["OK: a"])["text/plain"] == "OK: a"
    for bad in ([], "OK: a", [1], None):
        with pytest.raises(TypeError, match="lines must be a non-empty list of strings"):
            display_lines(bad)


def test_is_claims_output_knows_both_forms():
    shown = {"output_type": "display_data", "data": display_lines(["OK: a", "OK: b"]),
             "metadata": {}}
    assert is_claims_output(shown)
    assert is_claims_output({"output_type": "stream", "name": "stdout", "text": "OK: a\nOK: b\n"})
    assert not is_claims_output({"output_type": "stream", "name": "stdout", "text": "OK: a\nx\n"})
    assert not is_claims_output({"output_type": "display_data",
                                 "data": {"text/plain": "OK: a"}})  # no collapsed line
    assert not is_claims_output({"output_type": "display_data", "data": {
        "text/plain": "table", "text/html": '<details class="xor-claims">'}})
    assert not is_claims_output({"output_type": "error"})
    assert not is_claims_output("OK: a")
