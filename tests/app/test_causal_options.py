"""AppTest of the Causal discovery page's method options: refused values, options
that do nothing, stale errors, the table's rows and text columns."""

from __future__ import annotations

from streamlit.testing.v1 import AppTest

from app import state
from tests.app.pages import causal_page as _page
from tests.app.pages import upload_table
from tests.app.waiting import wait_until


def _dagdb(at: AppTest) -> None:
    at.selectbox(key="causal_method").set_value("dagdb").run()
    assert not at.exception


def _button(at: AppTest, key: str):
    return next(b for b in at.button if b.key == key)


def _errors(at: AppTest) -> list[str]:
    return [e.value.replace("\\", "") for e in at.error]


def test_a_typed_value_out_of_range_turns_the_buttons_off_with_the_reason():
    # the boxes had the option's min/max: Streamlit refused temperature 0 or
    # lam 2e6 inside the widget and kept the old value, which the fit used,
    # with the buttons on and no reason on the page
    at = _page()
    _dagdb(at)
    off = (
        "**Learn DAG** and **Run bootstrap** are off until the method options can "
        "be used: "
    )
    at.number_input(key="opt_dagdb_temperature").set_value(0.0).run()
    assert at.number_input(key="opt_dagdb_temperature").value == 0.0
    assert _errors(at) == [
        off + "'temperature' must be a finite number > 0; got 0.0. Change it "
        "under 'Method options'."
    ]
    assert _button(at, "causal_fit").disabled and _button(at, "boot_run").disabled
    at.number_input(key="opt_dagdb_temperature").set_value(0.5).run()
    at.number_input(key="opt_dagdb_lam").set_value(2e6).run()
    (message,) = _errors(at)
    assert message.startswith(off + "'lam' must be at most 1e+06; got 2000000.0.")
    assert _button(at, "causal_fit").disabled and _button(at, "boot_run").disabled
    at.number_input(key="opt_dagdb_lam").set_value(1.0).run()
    assert not at.error and not _button(at, "causal_fit").disabled


def test_options_the_method_refuses_are_shown_and_turn_the_buttons_off():
    # a combination the form cannot rule out: Learn DAG did nothing visible
    at = _page()
    at.selectbox(key="opt_permutahedron_sparsifier").set_value("lars").run()
    at.selectbox(key="opt_permutahedron_edge_model").set_value("mlp").run()
    assert not at.exception
    assert _errors(at) == [
        "**Learn DAG** and **Run bootstrap** are off until the method options can "
        "be used: Sparsifier='lars' fits linear edges in bilevel training; got "
        "edge_model='mlp', training='bilevel'. Set edge_model='linear' and "
        "training='bilevel', or choose another sparsifier. Change it under "
        "'Method options'."
    ]
    assert _button(at, "causal_fit").disabled
    assert _button(at, "boot_run").disabled
    at.selectbox(key="opt_permutahedron_edge_model").set_value("linear").run()
    assert not at.error
    assert not _button(at, "causal_fit").disabled
    assert not _button(at, "boot_run").disabled


def test_options_that_do_nothing_are_hidden_and_named():
    at = _page()
    _dagdb(at)
    keys = {n.key for n in at.number_input} | {c.key for c in at.checkbox}
    assert "opt_dagdb_lam" in keys and "opt_dagdb_aimle_step" not in keys
    assert "opt_dagdb_sog_k" not in keys and "opt_dagdb_tol" not in keys
    notes = [c.value for c in at.caption if c.value.startswith("Not shown")]
    assert notes == [
        "Not shown, as they do nothing with the settings above: aimle_target, "
        "aimle_beta, aimle_step, aimle_symmetric, aimle_momentum "
        "(estimator='imle'); sog_k, sog_terms (noise='logistic'); tol "
        "(patience=0). Their defaults are used."
    ]
    at.selectbox(key="opt_dagdb_estimator").set_value("ste").run()
    at.number_input(key="opt_dagdb_patience").set_value(5).run()
    keys = {n.key for n in at.number_input}
    assert "opt_dagdb_lam" not in keys and "opt_dagdb_marginal_samples" not in keys
    assert "opt_dagdb_tol" in keys
    assert not at.error and not _button(at, "causal_fit").disabled


def test_patience_0_is_taken_by_either_method_and_said_to_turn_stopping_off():
    # the permutahedron refused patience 0 ("must be in [1, 100000]") with the
    # buttons off, though DAG-DB takes it as "early stopping off"
    at = _page()
    box = at.number_input(key="opt_permutahedron_patience")
    assert "0 = off" in box.help
    assert "opt_permutahedron_tol" in {n.key for n in at.number_input}
    box.set_value(0).run()
    assert not at.exception and not at.error
    assert not _button(at, "causal_fit").disabled
    # tol does nothing then: hidden and named, as DAG-DB's (it stayed, taken)
    assert "opt_permutahedron_tol" not in {n.key for n in at.number_input}
    notes = [c.value for c in at.caption if c.value.startswith("Not shown")]
    assert notes == [
        "Not shown, as they do nothing with the settings above: tol (patience=0). "
        "Their defaults are used."
    ]
    _dagdb(at)
    assert "0 = off" in at.number_input(key="opt_dagdb_patience").help


def test_an_old_error_goes_once_the_inputs_change():
    # a bootstrap error (from temperature 0) stayed after the options were
    # corrected and fits succeeded
    at = _page()
    at.multiselect(key="causal_cols_sachs").set_value(["Raf", "Mek", "Erk"])
    at.number_input(key="opt_permutahedron_max_iter").set_value(3)
    at.button(key="causal_fit").click().run()
    wait_until(at, lambda a: state.CAUSAL_RESULT in a.session_state, 180, 1.0)
    made = at.session_state[state.CAUSAL_PENDING]["made_on"]
    at.session_state[state.CAUSAL_BOOT_PENDING] = made
    at.session_state[state.CAUSAL_BOOT_JOB + "_error"] = "The bootstrap failed: A."
    at.session_state[state.CAUSAL_JOB + "_error"] = "The fit failed: B."
    at.run()
    assert {"The bootstrap failed: A.", "The fit failed: B."} <= set(_errors(at))
    at.number_input(key="opt_permutahedron_max_iter").set_value(4).run()
    assert not at.exception and not at.error


def test_a_two_row_table_says_to_add_rows_whatever_the_missing_values_choice():
    # it said "Only 2 row(s) have a value in every chosen column ... Set 'Missing
    # values' to 'mean'" with nothing missing, then 'mean' led to learn_dag's
    # "'X' needs at least 3 rows" on the fit
    at = _page()
    upload_table(at, "two.csv", b"a,b,c\n1,2,.5\n2,4.1,.1\n")
    expected = (
        "The table has 2 rows; learning a DAG needs at least 3. Add rows to the "
        "file and upload it again (a few hundred give meaningful estimates)."
    )
    assert _errors(at) == [expected]
    at.selectbox(key="causal_missing").set_value("mean").run()
    assert _errors(at) == [expected]
    assert not any(b.key == "causal_fit" for b in at.button)


def test_text_columns_left_out_are_named_with_why():
    # 'grp' was left out of Columns without a word (the CLI notes it)
    at = _page()
    upload_table(at, "text.csv", b"a,b,grp\n1,2,u\n2,4.1,v\n3,5,u\n4,7,v\n")
    assert at.multiselect(key="causal_cols_text.csv").value == ["a", "b"]
    assert (
        "Left out: 'grp' (text, not numbers; a DAG is learned from numeric "
        "columns). Encode it as numbers in the file and upload it again to use it."
    ) in [c.value.replace("\\", "") for c in at.caption]
    assert not at.error


def test_an_all_text_table_says_it_has_no_numeric_columns():
    # it said "0 column(s) chosen; a DAG needs at least two. Add columns in
    # 'Columns (nodes)'", where only text columns were offered
    at = _page()
    upload_table(at, "words.csv", b"a,b\nu,x\nv,y\nw,z\n")
    assert _errors(at) == [
        "The table has no numeric columns: all 2 hold text ('a', 'b'), and a "
        "DAG is learned from numeric columns. Encode them as numbers in the file "
        "and upload it again, or choose another data set."
    ]
