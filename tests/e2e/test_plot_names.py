"""Browser test: names in plotly figures are drawn as typed, not as HTML."""

from __future__ import annotations

import numpy as np
import pytest

from engine.plots import adjacency_heatmap

pytestmark = pytest.mark.e2e


def test_names_with_html_and_placeholders_are_drawn_literally(page, tmp_path):
    # plotly.js reads <b> and <br> in any text and fills %{...} in hover templates
    names = ["<b>h</b>", "a & b", "5%{x}"]
    fig = adjacency_heatmap(np.eye(3)[[1, 2, 0]], names)
    path = tmp_path / "figure.html"
    fig.write_html(path, include_plotlyjs=True)  # plotly.js from the package
    page.goto(path.as_uri())
    page.locator(".xtick text").first.wait_for()
    ticks = [t.text_content() for t in page.locator(".xtick text").all()]
    assert ticks == names
    assert page.locator(".xtick text b, .xtick text tspan[style*='bold']").count() == 0
