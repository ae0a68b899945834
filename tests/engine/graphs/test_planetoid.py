"""Planetoid loader on files built here, and refusal of a malicious pickle."""

from __future__ import annotations

import collections
import os
import pickle

import numpy as np
import pytest
import scipy.sparse as sp

from engine.errors import DataError
from engine.graphs.planetoid import load_planetoid, safe_unpickle


def _write(folder, name, key, obj):
    (folder / f"ind.{name}.{key}").write_bytes(pickle.dumps(obj, protocol=2))


def _toy(folder, name="toy", missing_test_row=False):
    """6 nodes, 3 features, 2 classes: train 0-1, val 2-3, test 4-5 (in file: 5, 4)."""
    rng = np.random.default_rng(0)
    allx = sp.csr_matrix(rng.random((4, 3)))
    ally = np.eye(2)[[0, 1, 0, 1]]
    test_index = [5, 4] if not missing_test_row else [6, 4]
    tx = sp.csr_matrix(np.array([[9.0, 9, 9], [4.0, 4, 4]]))
    ty = np.eye(2)[[1, 0]]
    graph = collections.defaultdict(list, {0: [1, 2], 1: [0], 2: [0, 2], 5: [4]})
    for key, obj in dict(
        x=allx[:2], y=ally[:2], allx=allx, ally=ally, tx=tx, ty=ty, graph=graph
    ).items():
        _write(folder, name, key, obj)
    (folder / f"ind.{name}.test.index").write_text(
        "\n".join(map(str, test_index)) + "\n"
    )
    return allx.toarray()


def test_load_planetoid_reorders_test_rows_and_builds_split(tmp_path):
    allx = _toy(tmp_path)
    data = load_planetoid(tmp_path, "toy", n_val=2)
    assert data.X.shape == (6, 3)
    np.testing.assert_allclose(data.X[:4], allx)
    # test.index lists node 5 first: it gets the first tx row
    np.testing.assert_allclose(data.X[5], [9, 9, 9])
    np.testing.assert_allclose(data.X[4], [4, 4, 4])
    assert data.y.tolist() == [0, 1, 0, 1, 0, 1]
    assert {tuple(e) for e in data.edges.tolist()} == {(0, 1), (0, 2), (4, 5)}
    assert data.split.train.tolist() == [0, 1]
    assert sorted([*data.split.val, *data.split.es]) == [2, 3]
    assert data.split.test.tolist() == [4, 5]


def test_load_planetoid_pads_missing_test_rows(tmp_path):
    _toy(tmp_path, missing_test_row=True)
    data = load_planetoid(tmp_path, "toy", n_val=2)
    assert data.X.shape == (7, 3)
    assert data.y[5] == -1 and not data.X[5].any()  # isolated node without a row
    np.testing.assert_allclose(data.X[6], [9, 9, 9])


class _Evil:
    def __reduce__(self):
        return (os.system, ("echo pwned > /tmp/structure_lab_pwned",))


def test_malicious_pickle_is_refused_without_running(tmp_path):
    marker = "/tmp/structure_lab_pwned"
    if os.path.exists(marker):
        os.remove(marker)
    with pytest.raises(DataError, match="not an array or graph type"):
        safe_unpickle(pickle.dumps(_Evil(), protocol=2))
    assert not os.path.exists(marker)
    _toy(tmp_path)
    _write(tmp_path, "toy", "graph", _Evil())
    with pytest.raises(DataError, match="refusing"):
        load_planetoid(tmp_path, "toy", n_val=2)
    assert not os.path.exists(marker)


def test_other_globals_and_garbage_are_refused():
    with pytest.raises(DataError, match=r"builtin__\.eval"):
        safe_unpickle(pickle.dumps(eval, protocol=2))
    with pytest.raises(DataError, match="not a valid"):
        safe_unpickle(b"not a pickle")


def test_missing_file_is_named(tmp_path):
    with pytest.raises(DataError, match=r"ind\.cora\.x"):
        load_planetoid(tmp_path, "cora")


def _as_python2_names(data: bytes) -> bytes:
    """Rewrite a protocol-2 pickle's globals to the names the Planetoid files use."""
    for new, old in (
        (b"scipy.sparse._csr\n", b"scipy.sparse.csr\n"),
        (b"numpy._core.multiarray\n", b"numpy.core.multiarray\n"),
    ):
        data = data.replace(new, old)
    return data


def test_python2_global_names_of_the_real_files_resolve():
    rng = np.random.default_rng(1)
    dense = rng.random((3, 4)) * (rng.random((3, 4)) > 0.5)
    matrix = _as_python2_names(pickle.dumps(sp.csr_matrix(dense), protocol=2))
    assert b"scipy.sparse.csr\ncsr_matrix" in matrix
    assert b"numpy.core.multiarray\n_reconstruct" in matrix
    np.testing.assert_array_equal(safe_unpickle(matrix).toarray(), dense)
    graph = collections.defaultdict(list, {0: [1, 2], 2: [0]})
    data = pickle.dumps(graph, protocol=2, fix_imports=True)
    assert b"__builtin__\nlist" in data and b"collections\ndefaultdict" in data
    assert safe_unpickle(data) == graph
