"""Puts scripts/scale on sys.path so the tests import the same `scaling` package the tools run."""

import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(REPO / "scripts" / "scale"))
