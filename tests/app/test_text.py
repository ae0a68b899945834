"""app.components.text.literal: user text escaped for Streamlit's Markdown."""

from __future__ import annotations

import pytest

from app.components.text import human_size, literal, page_error


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("md_[a](b).csv", r"md\_\[a\](b).csv"),
        ("$x^2$", r"\$x^2\$"),
        ("**bold** `code` ~s~ a|b", r"\*\*bold\*\* \`code\` \~s\~ a\|b"),
        ("<b>x</b> &amp; {y}", r"\<b\>x\</b\> \&amp; \{y\}"),
        ("price ($)", r"price (\$)"),
        ("back\\slash", r"back\\slash"),
        ("# h", r"\# h"),
        ("- item", r"\- item"),
        ("1. first", r"1\. first"),
        ("multi\nline", "multi line"),
        ("plain name.csv", "plain name.csv"),
    ],
)
def test_literal_escapes_markdown_latex_and_html(text, expected):
    assert literal(text) == expected


def test_file_sizes_are_human():
    # a 55-byte upload was described as "(0 KB)"; units of 1000, as the uploader
    # shows them (7965 bytes: "8.0KB" there, "7.8 KB" here before)
    assert [human_size(n) for n in (1, 55, 999, 7965, 150_000, 3 * 1024**2)] == [
        "1 byte",
        "55 bytes",
        "999 bytes",
        "8.0 KB",
        "150.0 KB",
        "3.1 MB",
    ]


@pytest.mark.parametrize(
    ("message", "expected"),
    [
        ("load_skops: the file is not readable.", "The file is not readable."),
        ("learn\\_dag: 3 samples for 3 variables", "3 samples for 3 variables"),
        (
            "PriorKnowledge.from_csv: row 2 of the tier file has no node.",
            "Row 2 of the tier file has no node.",
        ),
        ("PriorKnowledge.from\\_edges: unknown node 'Foo'", "Unknown node 'Foo'"),
        ("PriorKnowledge: the edge 'a' -> 'b' is", "The edge 'a' -> 'b' is"),
        # a capitalised word is the message's own, not an owner
        (
            "Tiers: node(s) ['a'] are listed twice.",
            "Tiers: node(s) ['a'] are listed twice.",
        ),
        ("no owner here", "No owner here"),
    ],
)
def test_page_error_drops_the_name_of_what_raised_the_message(message, expected):
    # the Causal page showed "PriorKnowledge.from_csv: row 2 of the tier file ..."
    # (the Explain page's helper only knew lower-case function names)
    assert page_error(message) == expected
