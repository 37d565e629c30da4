"""scripts/scale/ci-scale-test.sh (the Scale test workflow's step) refuses bad workflow inputs before any AWS call."""

import os
import subprocess
from pathlib import Path

import pytest

SCRIPT = Path(__file__).resolve().parents[2] / "scripts" / "scale" / "ci-scale-test.sh"


@pytest.mark.parametrize(
    "env,message",
    [
        ({"MODE": "bogus"}, "MODE must be load or drill"),
        ({"MODE": "load"}, "API_URL is empty"),
        ({"MODE": "load", "API_URL": "https://x", "DEMAND": "3.5; rm -rf /"}, "is not a number"),
        ({"MODE": "load", "API_URL": "https://x", "MINUTES": "0"}, "from 1 to 60"),
        ({"MODE": "load", "API_URL": "https://x", "MINUTES": "61"}, "from 1 to 60"),
        ({"MODE": "load", "API_URL": "https://x", "EXPECT_MAX": "four"}, "not a whole number"),
    ],
)
def test_bad_inputs_exit_2_with_the_reason(env, message):
    clean = {k: v for k, v in os.environ.items() if k not in ("MODE", "API_URL", "DEMAND", "MINUTES", "EXPECT_MAX")}
    out = subprocess.run([str(SCRIPT)], env={**clean, **env}, capture_output=True, text=True, timeout=30, check=False)
    assert out.returncode == 2
    assert message in out.stderr
