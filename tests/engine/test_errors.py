"""engine.errors: the shared message helpers."""

from __future__ import annotations

import re
import subprocess
import sys
import threading
import warnings

import pytest

from engine.errors import ConfigError, format_names, memory_words, silence_warnings


def test_format_names_shows_all_within_the_limit():
    assert format_names(["a", "b"]) == "['a', 'b']"
    assert format_names(range(3), limit=3) == "['0', '1', '2']"


def test_format_names_counts_what_it_leaves_out():
    text = format_names([f"c{k}" for k in range(45)])
    assert text.startswith("['c0', 'c1'") and "'c29', ... and 15 more]" in text
    assert "c30" not in text


_WARN_FROM_MAIN = (
    "import engine.errors as e\n"
    "e.warn_user('check this', e.DataWarning)\n"
    "print('returned')\n"
)


@pytest.mark.parametrize("how", ["-c", "stdin"])
def test_a_warning_reaches_code_typed_at_python_c_or_piped_in(how: str) -> None:
    # `python -c` and `python -` run __main__ with the built-in importer as its
    # loader: handing its globals to warn_explicit for the source line raised
    # "ImportError: '__main__' is not a built-in module" and every engine call
    # that warned (e.g. learn_dag with a small max_iter) failed there
    if how == "-c":
        args, stdin = [sys.executable, "-c", _WARN_FROM_MAIN], None
    else:
        args, stdin = [sys.executable, "-"], _WARN_FROM_MAIN
    done = subprocess.run(
        args, input=stdin, capture_output=True, text=True, timeout=120, check=False
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "returned"
    assert "DataWarning: check this" in done.stderr


class ThirdPartyWarning(UserWarning):
    """Stands for a warning of another library that a fit silences."""


def _third_party(text: str = "noisy remark") -> None:
    warnings.warn(text, ThirdPartyWarning, stacklevel=1)


def _silenced(text: str = "noisy remark") -> bool:
    """Whether the warning is ignored (the test makes it an error otherwise)."""
    try:
        _third_party(text)
    except ThirdPartyWarning:
        return False
    return True


def test_blocks_overlapping_in_two_threads_leave_the_filters_as_they_were():
    # catch_warnings() + simplefilter("ignore") save and restore the whole list:
    # in this order (A enters, B enters, A exits, B exits) A's "ignore" stayed
    # for good, the user's filter added meanwhile was dropped, and B's warning
    # was shown once A had ended
    warnings.simplefilter("error", ThirdPartyWarning)  # pytest restores it
    before = list(warnings.filters)
    a_in, b_in, a_out = threading.Event(), threading.Event(), threading.Event()
    seen: dict[str, object] = {}

    def a() -> None:
        with silence_warnings(ThirdPartyWarning):
            a_in.set()
            b_in.wait(timeout=30)
            seen["a silenced"] = _silenced()
        a_out.set()

    def b() -> None:
        a_in.wait(timeout=30)
        with silence_warnings(ThirdPartyWarning):
            b_in.set()
            a_out.wait(timeout=30)
            warnings.filterwarnings("ignore", message="the user's own")
            seen["user"] = warnings.filters[0]
            seen["b silenced"] = _silenced()

    threads = [threading.Thread(target=a), threading.Thread(target=b)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert seen["a silenced"] is True and seen["b silenced"] is True
    assert warnings.filters == [seen["user"], *before]
    assert not _silenced()


def test_blocks_of_different_warnings_in_two_threads_take_out_only_their_own():
    warnings.simplefilter("error", ThirdPartyWarning)
    before = list(warnings.filters)
    a_in, b_in, a_out = threading.Event(), threading.Event(), threading.Event()
    seen: dict[str, bool] = {}

    def a() -> None:
        with silence_warnings(ThirdPartyWarning, "first"):
            a_in.set()
            b_in.wait(timeout=30)
        a_out.set()

    def b() -> None:
        a_in.wait(timeout=30)
        with silence_warnings(ThirdPartyWarning, "second"):
            b_in.set()
            a_out.wait(timeout=30)
            seen["first"], seen["second"] = _silenced("first"), _silenced("second")

    threads = [threading.Thread(target=a), threading.Thread(target=b)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert seen == {"first": False, "second": True}
    assert warnings.filters == before


def test_silence_warnings_matches_the_message_and_keeps_equal_user_filters():
    warnings.simplefilter("error", ThirdPartyWarning)
    with silence_warnings(ThirdPartyWarning, "noisy"):
        assert _silenced("Noisy remark") and not _silenced("another remark")
        # a plain entry, as libraries expect that copy the filters (scikit-learn
        # hands them to its joblib workers and reads the message's .pattern)
        own = warnings.filters[0]
        assert own[0] == "ignore" and isinstance(own[1], re.Pattern)
        # the user's filter equals the block's in all but its origin: it stays
        warnings.simplefilter("ignore", ThirdPartyWarning)
        user = warnings.filters[0]
    assert user in warnings.filters and _silenced("another remark")


def test_silence_warnings_nests_and_ends_on_an_exception():
    warnings.simplefilter("error", ThirdPartyWarning)
    before = list(warnings.filters)
    with pytest.raises(KeyError), silence_warnings(ThirdPartyWarning):
        with silence_warnings(ThirdPartyWarning):
            assert len(warnings.filters) == len(before) + 1  # one entry, shared
        assert _silenced()
        raise KeyError("inside the block")
    assert warnings.filters == before and not _silenced()


def test_silence_warnings_outliving_a_catch_warnings_block_leaves_nothing():
    # catch_warnings swaps in a copy of the list; the entry must leave both
    warnings.simplefilter("error", ThirdPartyWarning)
    before = list(warnings.filters)
    block = silence_warnings(ThirdPartyWarning)
    with warnings.catch_warnings():
        block.__enter__()
        assert _silenced()
    block.__exit__(None, None, None)
    assert warnings.filters == before
    with warnings.catch_warnings():  # and the other way round
        block = silence_warnings(ThirdPartyWarning)
        block.__enter__()
    block.__exit__(None, None, None)
    assert warnings.filters == before


def test_silence_warnings_leaves_what_was_shown_once_as_it_was(recwarn):
    # no "already shown" registry is reset: a warning silenced in the block is
    # shown after it, one shown before is not shown again under "default"
    warnings.simplefilter("default", ThirdPartyWarning)
    _third_party("before")
    with silence_warnings(ThirdPartyWarning, "inside"):
        _third_party("inside")
        _third_party("before")
    _third_party("inside")
    _third_party("before")
    assert [str(w.message) for w in recwarn] == ["before", "inside"]


def test_silence_warnings_names_a_category_that_is_no_warning_class():
    wrong = silence_warnings("UserWarning")  # type: ignore[arg-type]
    with pytest.raises(ConfigError, match="'category' must be a Warning class; got"):
        wrong.__enter__()


@pytest.mark.parametrize(
    ("n_bytes", "words"),
    [
        (512, "512 bytes"),
        (57_657_888, "58 MB"),
        (1_489_024_000, "1.5 GB"),
        (4.0e9, "4 GB"),
        (999_600_000, "1 GB"),  # rounds up into the next unit, not "1000 MB"
        (1_601_638e6, "1.6 TB"),  # 200 000 nodes for LDS: was "1601638 MB"
    ],
)
def test_memory_words_says_a_size_in_one_unit_of_powers_of_1000(n_bytes, words):
    assert memory_words(n_bytes) == words
