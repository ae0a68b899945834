"""Shared fixtures: a seed (widened by STRUCTURE_LAB_SEED), the repo root."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]


@pytest.fixture
def seed() -> int:
    """The seed of stochastic tests; override with STRUCTURE_LAB_SEED."""
    return int(os.environ.get("STRUCTURE_LAB_SEED", "0"))


@pytest.fixture
def repo_root() -> Path:
    """The repository root."""
    return REPO
