"""Showing user text (file, column, node and class names, messages) literally.

Streamlit renders the strings given to ``st.markdown``, ``st.caption``,
``st.info/warning/error/success``, ``st.subheader``, button, tab, expander and
metric labels as Markdown with LaTeX (``$...$``) and HTML-like tags, so a file
named ``md_[a](b).csv`` shows as a link and a column ``$x^2$`` as a formula.
:func:`literal` escapes such text; apply it to every user-supplied piece put into
one of those strings, including messages of the engine, which quote names.
"""

from __future__ import annotations

import re

__all__ = ["count", "human_size", "literal", "page_error"]

# characters with a meaning anywhere in a line (CommonMark, GFM, KaTeX, HTML)
_INLINE = re.compile(r"([\\`*_\[\]{}<>$~|&])")
# a colon before a word character: Streamlit turns ":smile:" into an emoji and
# ":material/x:" into an icon after the Markdown is parsed, so a backslash does not
# stop it; a zero-width space after the colon does and shows nothing
_SHORTCODE = re.compile(r":(?=[\w+-])")
# characters that start a block only at the beginning of a line: heading, quote,
# list item, ordered list item ("1." or "1)"), thematic break or setext line
_LINE_START = re.compile(r"^(\s*\d*)([#>+=.)-])")
# the library's messages start with what raised them: a function
# ("train_classifier: ...", "engine.dag.learn_dag: ...") or a class and its method
# ("PriorKnowledge.from_csv: ...", "PriorKnowledge: ..."), Markdown-escaped in a
# job's error ("train\\_..."); a plain capitalised word ("Tiers: ...") is no owner
_OWNER_PREFIX = re.compile(
    r"^(?:[a-z][a-z0-9_\\]*|[A-Z][a-z0-9]+(?:[A-Z][a-z0-9]*)+)"
    r"(?:\.[A-Za-z_][A-Za-z0-9_\\]*)*: "
)


def literal(value: object) -> str:
    """Escape ``value``'s text so that Streamlit's Markdown shows it as typed.

    Line breaks become spaces (the text is put inside a line), and a colon
    before a letter or digit gets a zero-width space after it, so that
    ``:smile:`` is not turned into an emoji.

    Parameters
    ----------
    value : object
        The name or message; ``str(value)`` is escaped.

    Returns
    -------
    str
        The text with Markdown, LaTeX and HTML characters backslash-escaped.

    Examples
    --------
    >>> literal("md_[a](b).csv")
    'md\\\\_\\\\[a\\\\](b).csv'
    >>> literal("$x^2$")
    '\\\\$x^2\\\\$'
    """
    text = " ".join(str(value).splitlines())
    text = _INLINE.sub(r"\\\1", text)
    text = _SHORTCODE.sub(":\u200b", text)
    return _LINE_START.sub(r"\1\\\2", text, count=1)


def human_size(n_bytes: int) -> str:
    """A file size in bytes, KB or MB (of 1000, as Streamlit's uploader shows it).

    Examples
    --------
    >>> human_size(55), human_size(2048), human_size(3_500_000)
    ('55 bytes', '2.0 KB', '3.5 MB')
    """
    if n_bytes < 1000:
        return f"{n_bytes} byte" + ("" if n_bytes == 1 else "s")
    if n_bytes < 1000**2:
        return f"{n_bytes / 1000:.1f} KB"
    return f"{n_bytes / 1000**2:.1f} MB"


def count(n: int, noun: str, plural: str | None = None) -> str:
    """``n`` and the noun, singular for one: ``"1 edge"``, ``"2 edges"``.

    Parameters
    ----------
    n : int
        How many.
    noun : str
        The singular noun.
    plural : str, optional
        The plural when it is not ``noun + "s"``.

    Returns
    -------
    str
        The number and the noun.

    Examples
    --------
    >>> count(1, "edge"), count(0, "edge"), count(2, "entry", "entries")
    ('1 edge', '0 edges', '2 entries')
    """
    return f"{n} {noun if n == 1 else plural or noun + 's'}"


def page_error(message: object) -> str:
    """A library message as a page shows it: without the name of what raised it.

    Parameters
    ----------
    message : object
        The message or exception; ``str(message)`` is used.

    Returns
    -------
    str
        The text without its leading owner (a function, or a class and its
        method, and ``": "``), its first letter capitalised. Not escaped: pass
        it through :func:`literal` for Markdown.

    Examples
    --------
    >>> page_error("load_skops: the file is not a readable skops model.")
    'The file is not a readable skops model.'
    >>> page_error("PriorKnowledge.from_csv: row 2 of the tier file has no node.")
    'Row 2 of the tier file has no node.'
    >>> page_error("Tiers: node(s) ['a'] are listed more than once.")
    "Tiers: node(s) ['a'] are listed more than once."
    """
    text = _OWNER_PREFIX.sub("", str(message), count=1)
    return text[:1].upper() + text[1:]
