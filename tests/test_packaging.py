"""pyproject.toml as setuptools reads it: no deprecated forms."""

from __future__ import annotations

import tomllib
import warnings
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]


def test_pyproject_applies_without_deprecation_warnings():
    # `license = { text = "MIT" }` made every install print "project.license as
    # a TOML table is deprecated ... By 2027-Feb-18 ... no longer be supported"
    from setuptools.config.pyprojecttoml import apply_configuration
    from setuptools.dist import Distribution

    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        dist = apply_configuration(Distribution(), REPO / "pyproject.toml")
    said = [str(w.message).splitlines()[0] for w in caught]
    assert not [s for s in said if "deprecat" in s.lower()], said
    assert dist.metadata.license_expression == "MIT"
    build = tomllib.loads((REPO / "pyproject.toml").read_text())["build-system"]
    # the SPDX string needs setuptools 77 (older ones refuse it)
    assert "setuptools>=77" in build["requires"]
