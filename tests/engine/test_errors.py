"""engine.errors: the shared message helpers."""

from __future__ import annotations

from engine.errors import format_names


def test_format_names_shows_all_within_the_limit():
    assert format_names(["a", "b"]) == "['a', 'b']"
    assert format_names(range(3), limit=3) == "['0', '1', '2']"


def test_format_names_counts_what_it_leaves_out():
    text = format_names([f"c{k}" for k in range(45)])
    assert text.startswith("['c0', 'c1'") and "'c29', ... and 15 more]" in text
    assert "c30" not in text
