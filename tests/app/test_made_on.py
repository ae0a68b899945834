"""What a Causal-page result was made on, and the note when the inputs differ."""

from __future__ import annotations

from app.components.made_on import made_on, stale_note


def _inputs(**change):
    args = {
        "data": {"name": "holes_[1].csv", "id": "upload:abc", "source": "upload"},
        "names": ["a", "b"],
        "missing": "drop",
        "scale": "standardize",
        "method": "permutahedron",
        "options": {"max_iter": 300},
        "prior": None,
        "seed": 0,
    }
    return made_on(**{**args, **change})


def test_the_same_inputs_give_no_note_and_a_change_is_named_with_its_old_value():
    made = _inputs()
    assert stale_note(made, _inputs()) is None
    assert stale_note(None, _inputs(seed=1)) is None  # nothing recorded: no claim
    note = stale_note(made, _inputs(seed=3, missing="mean"))
    assert note == (
        "The result below was made on holes\\_\\[1\\].csv with 2 columns, method "
        "permutahedron; since then 'Missing values' (was drop) and the seed (was 0) "
        "changed. Press **Learn DAG** to update it, or set the inputs back."
    )
    note = stale_note(made, _inputs(names=["a", "b", "c"]), "bootstrap", "Run it")
    assert note is not None and note.startswith("The bootstrap below was made on")
    assert "the columns (now with c added) changed. Press **Run it**" in note


def test_inputs_that_cannot_be_used_say_the_result_is_not_theirs():
    note = stale_note(_inputs(), None)
    assert note is not None and "not on the inputs above" in note


def test_another_upload_with_the_same_name_is_another_data_set():
    made = _inputs()
    other = {"name": "holes_[1].csv", "id": "upload:def", "source": "upload"}
    note = stale_note(made, _inputs(data=other))
    assert note is not None and "since then the data set changed" in note


def test_a_missing_value_choice_that_changed_nothing_is_not_named():
    # issue s7: fitted on a table with gaps ('drop'), then a table without gaps
    # (None: the choice does nothing) while the widget still shows 'drop'
    gaps = {"name": "missing.csv", "id": "upload:gaps", "source": "upload"}
    whole = {"name": "sachs", "id": "sample:sachs", "source": "sample"}
    note = stale_note(_inputs(data=gaps), _inputs(data=whole, missing=None))
    assert note is not None and "the data set changed" in note
    assert "Missing values" not in note
    assert stale_note(_inputs(missing=None), _inputs(missing=None)) is None
