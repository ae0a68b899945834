"""Long names cut in the middle: readable, distinct, never split characters."""

from __future__ import annotations

import random
import unicodedata

import pytest

from engine.plots._text import ELLIPSIS, short_name, short_names

STATIONS = ["Zürich", "Genève", "東京都", "Zürich2"]
# the tester's columns: alike for 32 characters at the start and 24 at the end
TEMPERATURES = [
    f"température_moyenne_journalière_{s}_mesurée_à_la_station_😀" for s in STATIONS
]
LONG = ["L" + "o" * 190 + f"ng_name_{k}" for k in range(3)]


def _pieces(label: str) -> list[str]:
    return [p for p in label.split(ELLIPSIS) if p]


def _whole_characters(label: str, name: str) -> bool:
    """Every piece of ``label`` is a part of ``name`` that starts and ends
    between the characters a reader sees (no accent, joiner or modifier cut
    off)."""
    joining = {"\u200d", "\ufe0f", "\ufe0e"}
    for piece in _pieces(label):
        at = name.find(piece)
        if at < 0:
            return False
        after = name[at + len(piece) : at + len(piece) + 1]
        if piece[0] in joining or unicodedata.category(piece[0]).startswith("M"):
            return False
        if after and (after in joining or unicodedata.category(after)[0] == "M"):
            return False
        if piece[-1] == "\u200d" or "\U0001f3fb" <= after <= "\U0001f3ff":
            return False
    return True


@pytest.mark.parametrize("keep", [5, 8, 12])
def test_names_alike_at_both_ends_show_the_part_that_differs(keep):
    # with keep 5 and 8 the names came back in full (the page then cut them
    # all to "température_moyenne_journa"); with 12 they read "…h_mesurée…",
    # "…e_mesurée…": one telling character
    labels = short_names(TEMPERATURES, keep)
    assert len(set(labels)) == 4
    for label, station, name in zip(labels, STATIONS, TEMPERATURES, strict=True):
        assert f"{ELLIPSIS}{station}{ELLIPSIS}" in label, labels
        assert len(label) <= 2 * keep + 1 < len(name)
        assert label.startswith("t") and label.endswith("😀")
        assert _whole_characters(label, name)


def test_start_and_end_are_as_long_for_all_names_alike():
    labels = short_names(TEMPERATURES, 12)
    assert {lab.split(ELLIPSIS)[0] for lab in labels} == {"températ"}
    assert {lab.split(ELLIPSIS)[-1] for lab in labels} == {"tation_😀"}


def test_names_that_differ_only_at_the_end_or_at_the_start_keep_both_ends():
    assert short_names(LONG) == [f"Looooooooooo…ooong_name_{k}" for k in range(3)]
    starts = [f"{k}_daily_mean_temperature_measured_at_station" for k in "AB"]
    assert short_names(starts, 5) == ["A_dai…ation", "B_dai…ation"]


def test_names_that_differ_only_in_the_middle_show_the_middle_word():
    names = [f"sensor_{k}_daily_mean_temperature" for k in ("north", "south")]
    assert short_names(names, 5) == ["se…north…re", "se…south…re"]
    # no word separators: the differing character, between what is alike
    alike = ["abc" + "x" * 30 + k + "y" * 30 for k in "AB"]
    labels = short_names(alike)
    assert [lab.split(ELLIPSIS)[1] for lab in labels] == ["A", "B"]
    assert all(len(lab) <= 25 for lab in labels)


def test_a_long_telling_part_is_itself_cut_in_the_middle():
    names = [f"a_common_start_{k * 40}_a_common_end" for k in "XY"]
    labels = short_names(names, 8)
    assert len(set(labels)) == 2 and all(len(lab) <= 17 for lab in labels)
    assert labels[0].count(ELLIPSIS) == 3 and "X" * 3 in labels[0]


def test_words_are_cut_at_separators_when_that_costs_little():
    assert short_name("L" + "o" * 60 + "ng_name_0", 8) == "Looooooo…name_0"
    assert short_name("measurement_of_the_daily_level", 6) == "measur…level"
    assert short_name("daily_mean_of_the_level_of_water", 6) == "daily…water"


def test_duplicates_stay_alike_and_distinct_names_never_read_alike():
    assert short_names(["same", "same"]) == ["same", "same"]
    assert short_names([1, "1"]) == ["1", "1"]
    twice = short_names([TEMPERATURES[0], TEMPERATURES[0], TEMPERATURES[1]], 5)
    assert twice[0] == twice[1] != twice[2]
    # composed and decomposed accents are different names: different texts
    nfd = [unicodedata.normalize("NFD", t) for t in TEMPERATURES]
    labels = short_names(TEMPERATURES + nfd, 8)
    assert len(set(labels)) == 8
    names = TEMPERATURES + nfd
    assert all(map(_whole_characters, labels, names))
    # a name that reads like another's short form: the short form is given in full
    assert short_names(["x" * 30, "x" * 12 + ELLIPSIS + "x" * 12]) == [
        "x" * 30,
        "x" * 12 + ELLIPSIS + "x" * 12,
    ]


def test_emoji_sequences_flags_and_accents_are_never_split():
    family, flag, accent = "👨\u200d👩\u200d👧", "🇨🇭", "e\u0301"
    names = [
        family * 20 + "x",
        family * 20 + "y",
        flag * 25,
        flag * 24 + "z",
        accent * 40 + "_a",
        accent * 40 + "_b",
    ]
    for keep in (1, 2, 3, 5):
        labels = short_names(names, keep)
        assert len(set(labels)) == len(names)
        for label, name in zip(labels, names, strict=True):
            label.encode("utf-8")
            assert len(label) <= len(name) and _whole_characters(label, name)


def test_random_names_read_distinct_and_never_longer_than_themselves():
    rng = random.Random(0)
    letters = "ab_ -.é😀" + "\u0301"
    for _ in range(300):
        names = [
            "".join(rng.choice(letters) for _ in range(rng.randint(0, 60)))
            for _ in range(rng.randint(1, 6))
        ]
        keep = rng.randint(1, 12)
        labels = short_names(names, keep)
        for name, label in zip(names, labels, strict=True):
            assert len(label) <= len(name)
            assert name[:1].isspace() or label[:1] == name[:1] or not name
        assert len(set(labels)) == len(set(names)), (names, labels)


def test_keep_must_be_a_positive_whole_number():
    for keep in (0, -1, 2.5, True):
        with pytest.raises(ValueError, match="keep"):
            short_names(["a"], keep)
