"""The loop's settings are parsed strictly: a bad value stops start-up naming the variable."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


def load_settings(**env):
    environ = {**os.environ, "DEBUG": "1", **env}
    code = "import config.settings as s; print(s.DUE_DAYS_BY_URGENCY['high'], s.MATCH_WEIGHTS['fit'], s.TOWNSHIP_MAY_DISPATCH)"
    return subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=environ, capture_output=True, text=True)


def test_good_values_are_read():
    result = load_settings(DUE_DAYS_HIGH="5", MATCH_WEIGHT_FIT="60", TOWNSHIP_MAY_DISPATCH="yes")
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["5", "60", "True"]


@pytest.mark.parametrize(
    "name, value",
    [
        ("DUE_DAYS_HIGH", "seven"),
        ("DUE_DAYS_CRITICAL", "0"),
        ("SUPERVISION_STALE_DAYS", "-1"),
        ("SUPERVISION_POOR_RATING", "5"),
        ("MATCH_WEIGHT_LOAD", "101"),
        ("TOWNSHIP_MAY_DISPATCH", "maybe"),
    ],
)
def test_a_bad_value_stops_start_up_naming_the_variable(name, value):
    result = load_settings(**{name: value})
    assert result.returncode != 0
    assert name in result.stderr
