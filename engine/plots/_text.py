"""User-supplied names as plotly shows them: literally, and shortened in the middle.

:func:`plot_text` escapes a name so that plotly draws it as typed.
:func:`short_name` shortens a long name with an ellipsis in the middle, keeping its
start and its end (names of one table often differ only at the end:
``measurement_of_..._0``, ``..._1``); :func:`short_names` does it to a list and
keeps distinct names distinct. The figures draw the short form as labels and keep
the full name in the hover text.
"""

from __future__ import annotations

import unicodedata
from collections import defaultdict
from collections.abc import Iterable, Sequence

__all__ = [
    "SHORT_KEEP",
    "plot_labels",
    "plot_text",
    "plot_texts",
    "short_name",
    "short_names",
    "text_width",
]

SHORT_KEEP = 12
"""Characters :func:`short_name` keeps at each end of a long name."""
ELLIPSIS = "\u2026"
TELLING_KEEP = 16
"""Most characters :func:`short_names` shows of the part that tells alike names
apart (a longer part is itself cut in the middle)."""
_TELLING_MIN = 8  # ... and the fewest, however small ``keep``
_SEPARATORS = frozenset("_ -.")
_WORD_REACH = 8  # characters a telling part grows by to reach a word's edge
_CHAR_EM = 0.55  # mean character width of a sans-serif font, in font sizes
_ROUNDS = 4  # passes that tell clashing names apart before giving full names

# plotly.js reads a few HTML tags (<b>, <br>, <a href=...>) in every text it draws
# and fills %{...} placeholders in hover templates; it decodes entities afterwards
_ENTITIES = str.maketrans({"&": "&amp;", "<": "&lt;", ">": "&gt;", "%": "&#37;"})


def plot_text(name: object) -> str:
    """``name`` escaped so that a plotly figure shows it as typed.

    Parameters
    ----------
    name : object
        A column, class or node name; ``str(name)`` is escaped.

    Returns
    -------
    str
        The text with ``&``, ``<``, ``>`` and ``%`` written as HTML entities.

    Examples
    --------
    >>> plot_text("<b>h</b> 5%")
    '&lt;b&gt;h&lt;/b&gt; 5&#37;'
    """
    return str(name).translate(_ENTITIES)


def plot_texts(names: Iterable[object]) -> list[str]:
    """:func:`plot_text` of every name, in order."""
    return [plot_text(n) for n in names]


def _joins(cluster: str, char: str) -> bool:
    """Whether ``char`` belongs to the character ``cluster`` ends with: a mark
    (accent), a variation selector, a skin tone, an emoji tag, the part after a
    zero-width joiner, or the second half of a flag."""
    regional = "\U0001f1e6" <= char <= "\U0001f1ff"
    return (
        unicodedata.category(char).startswith("M")
        or char in "\u200d\ufe0e\ufe0f"
        or "\U0001f3fb" <= char <= "\U0001f3ff"
        or "\U000e0020" <= char <= "\U000e007f"
        or cluster.endswith("\u200d")
        or (regional and len(cluster) == 1 and "\U0001f1e6" <= cluster <= "\U0001f1ff")
    )


def _characters(text: str) -> list[str]:
    """``text`` as the characters a reader sees (a letter and its accents, an
    emoji sequence): cuts between them never split one."""
    out: list[str] = []
    for char in text:
        if out and _joins(out[-1], char):
            out[-1] += char
        else:
            out.append(char)
    return out


def _slack(keep: int) -> int:
    """Characters a cut may give up to fall at a word separator."""
    return min(3, keep // 3)


def _head(chars: Sequence[str], keep: int) -> list[str]:
    """The first ``keep`` characters, or a few fewer to end before a separator."""
    if keep >= len(chars):
        return list(chars)
    for j in range(keep, keep - _slack(keep) - 1, -1):
        if j > 0 and chars[j] in _SEPARATORS:
            return list(chars[:j])
    return list(chars[:keep])


def _tail(chars: Sequence[str], keep: int) -> list[str]:
    """The last ``keep`` characters, or a few fewer to start after a separator."""
    n = len(chars)
    if keep >= n:
        return list(chars)
    for m in range(keep, keep - _slack(keep) - 1, -1):
        if m > 0 and chars[n - m - 1] in _SEPARATORS:
            return list(chars[n - m :])
    return list(chars[n - keep :])


def _cut(chars: Sequence[str], keep: int) -> list[str]:
    """``chars`` with the middle replaced by an ellipsis when longer than
    ``2 * keep + 1``."""
    if len(chars) <= 2 * keep + 1:
        return list(chars)
    return [*_head(chars, keep), ELLIPSIS, *_tail(chars, keep)]


def _check_keep(keep: object) -> int:
    """``keep``, checked to be a positive whole number."""
    if isinstance(keep, bool) or not isinstance(keep, int) or keep < 1:
        raise ValueError(
            f"short_name: 'keep' must be a positive whole number; got {keep!r}."
        )
    return keep


def short_name(name: object, keep: int = SHORT_KEEP) -> str:
    """``name`` with its middle replaced by an ellipsis when it is long.

    Parameters
    ----------
    name : object
        A column, class or node name; ``str(name)`` is shortened.
    keep : int, default=SHORT_KEEP
        Characters kept at the start and at the end (a positive whole number); a
        few fewer where that cuts at a word separator (``_``, space, ``-``,
        ``.``). A character is what a reader sees: a letter with its accents, an
        emoji with its modifiers, is never split.

    Returns
    -------
    str
        The text itself when it has at most ``2 * keep + 1`` characters, else its
        first ``keep`` characters, ``…`` and its last ``keep`` characters.

    Raises
    ------
    ValueError
        ``keep`` is not a positive whole number.

    Examples
    --------
    >>> short_name("L" + "o" * 60 + "ng_name_0")
    'Looooooooooo…ooong_name_0'
    >>> short_name("petal_length")
    'petal_length'
    """
    return "".join(_cut(_characters(str(name)), _check_keep(keep)))


def _common_ends(texts: Sequence[Sequence[str]]) -> tuple[int, int]:
    """Characters all ``texts`` share at the start, and then at the end."""
    shortest = min(len(t) for t in texts)
    start = 0
    while start < shortest and len({t[start] for t in texts}) == 1:
        start += 1
    end = 0
    while end < shortest - start and len({t[-1 - end] for t in texts}) == 1:
        end += 1
    return start, end


def _word_edges(chars: Sequence[str], a: int, b: int) -> tuple[int, int]:
    """``a:b`` grown to the edges of the words it cuts, when they are near."""
    left = a
    while left > 0 and a - left < _WORD_REACH and chars[left - 1] not in _SEPARATORS:
        left -= 1
    right = b
    n = len(chars)
    while right < n and right - b < _WORD_REACH and chars[right] not in _SEPARATORS:
        right += 1
    at_left = left == 0 or chars[left - 1] in _SEPARATORS
    at_right = right == n or chars[right] in _SEPARATORS
    return (left if at_left else a), (right if at_right else b)


def _rooms(room: int, a: int, b: int, n: int) -> tuple[int, int]:
    """Characters kept before and after the telling part: ``room`` shared, at
    least one at an end that is cut."""
    if a == 0:
        return 0, max(1, room) if b < n else 0
    if b == n:
        return max(1, room), 0
    return max(1, (room + 1) // 2), max(1, room // 2)


def _telling_part(chars: Sequence[str], a: int, b: int, keep: int) -> list[str]:
    """The telling part ``a:b`` of ``chars``, cut in the middle when long."""
    most = min(TELLING_KEEP, max(_TELLING_MIN, 2 * keep + 1 - 4))
    return _cut(chars[a:b], max(1, (most - 1) // 2))


def _frame(chars: list[str], span: tuple[int, int], part: list[str], room: int) -> str:
    """``chars`` shown as start, ``…``, ``part`` (its telling part ``span``),
    ``…``, end, the start and end in about ``room`` characters; ``chars``
    itself if that is not shorter."""
    (a, b), n = span, len(chars)
    before, after = _rooms(room, a, b, n)
    head, tail = _head(chars[:a], before), _tail(chars[b:], after)
    out = head + [ELLIPSIS] * (len(head) < a) + part
    out += [ELLIPSIS] * (len(tail) < n - b) + tail
    return "".join(out if len(out) < n else chars)


def _tell_apart(texts: list[str], keep: int) -> list[str]:
    """Short forms of ``texts`` (long names whose start...end forms clash) that
    show the part between what they all share at the start and at the end, all
    with as many characters of the start and of the end."""
    chars = [_characters(t) for t in texts]
    start, end = _common_ends(list({tuple(c) for c in chars}))
    spans = [_word_edges(c, start, len(c) - end) for c in chars]
    parts = [
        _telling_part(c, *span, keep) for c, span in zip(chars, spans, strict=True)
    ]
    room = 2 * keep + 1 - max(len(p) for p in parts) - 2
    return list(map(_frame, chars, spans, parts, [room] * len(chars)))


def _clashes(full: list[str], out: list[str]) -> list[list[int]]:
    """Groups of shortened names that read alike though the names differ."""
    groups: dict[str, list[int]] = defaultdict(list)
    for i, text in enumerate(out):
        if text != full[i]:
            groups[text].append(i)
    return [g for g in groups.values() if len({full[i] for i in g}) > 1]


def _in_full_where_alike(full: list[str], out: list[str]) -> list[str]:
    """``out`` with every short form that reads like another name's given in
    full: distinct names then read differently."""
    while True:
        names: dict[str, set[str]] = defaultdict(set)
        for f, o in zip(full, out, strict=True):
            names[o].add(f)
        alike = [i for i, o in enumerate(out) if len(names[o]) > 1 and o != full[i]]
        if not alike:
            return out
        for i in alike:
            out[i] = full[i]


def short_names(names: Iterable[object], keep: int = SHORT_KEEP) -> list[str]:
    """:func:`short_name` of every name, distinct where the names are.

    Names that would shorten to the same text (they share their start and their
    end) read instead as start, ``…``, the part that tells them apart (what lies
    between the start and the end they all share, grown to whole words when
    near, cut in the middle beyond :data:`TELLING_KEEP` characters), ``…``, end,
    in about ``2 * keep + 1`` characters: a figure's axis would otherwise merge
    their bars or rows into one. A name that still reads like another is given
    in full; no short form is longer than its name.

    Parameters
    ----------
    names : iterable of object, length n
        The names, in order.
    keep : int, default=SHORT_KEEP
        Characters kept at each end of a long name.

    Returns
    -------
    list of str, length n
        The short forms, in order.

    Raises
    ------
    ValueError
        ``keep`` is not a positive whole number.

    Examples
    --------
    >>> short_names(["abcde1" + "-" * 20 + "xyz", "abcde2" + "-" * 20 + "xyz"], 4)
    ['abcde1…z', 'abcde2…z']
    >>> short_names([f"mean_{c}_at_the_station" for c in ("Bern", "Genève")], 5)
    ['me…Bern…n', 'me…Genève…n']
    """
    keep = _check_keep(keep)
    full = [str(n) for n in names]
    out = [short_name(t, keep) for t in full]
    for _ in range(_ROUNDS):
        groups = _clashes(full, out)
        for group in groups:
            shown = _tell_apart([full[i] for i in group], keep)
            for i, text in zip(group, shown, strict=True):
                out[i] = text
        if not groups:
            break
    return _in_full_where_alike(full, out)


def text_width(text: object, size: float) -> float:
    """Estimated pixel width of ``text`` drawn in a ``size`` px sans-serif font.

    Parameters
    ----------
    text : object
        The text as drawn (``str(text)``), not escaped.
    size : float
        Font size in pixels.

    Returns
    -------
    float
        ``0.55 * size`` per character a reader sees, twice that for a wide
        (East Asian) character; Chromium draws plotly's 12 px labels at about
        6.0 px per character of mixed Latin text.

    Examples
    --------
    >>> text_width("abcd", 10)
    22.0
    """
    wide = sum(
        2 if unicodedata.east_asian_width(c[0]) in "WF" else 1
        for c in _characters(str(text))
    )
    return _CHAR_EM * size * wide


def plot_labels(names: Iterable[object], keep: int = SHORT_KEEP) -> list[str]:
    """:func:`short_names`, escaped by :func:`plot_text`: labels for a figure."""
    return plot_texts(short_names(names, keep))
