"""The architecture: engine/ stands alone; app/ uses only engine's public names."""

from __future__ import annotations

import ast
import importlib
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]


def _imports(path: Path) -> list[tuple[str, list[str]]]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    out = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            out += [(alias.name, []) for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            out.append((node.module, [alias.name for alias in node.names]))
    return out


def test_importing_engine_loads_neither_streamlit_nor_app():
    code = (
        "import sys, engine, engine.data, engine.graph_io, engine.samples, engine.cli\n"
        "bad = sorted(m for m in sys.modules if m.split('.')[0] in "
        "('streamlit', 'app', 'plotly'))\n"
        "print(','.join(bad))\n"
    )
    res = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, cwd=REPO,
        timeout=120,
    )  # fmt: skip
    assert res.returncode == 0, res.stderr
    assert res.stdout.strip() == ""


@pytest.mark.parametrize(
    "path", sorted((REPO / "engine").rglob("*.py")), ids=lambda p: p.name
)
def test_engine_sources_never_import_the_app_layer(path):
    roots = {mod.split(".")[0] for mod, _ in _imports(path)}
    assert not roots & {"streamlit", "app"}, path


def test_app_uses_only_public_engine_names():
    offenders = []
    for path in sorted((REPO / "app").rglob("*.py")):
        for module, names in _imports(path):
            if module.split(".")[0] != "engine" or not names:
                continue
            public = set(getattr(importlib.import_module(module), "__all__", ()))
            offenders += [
                f"{path.relative_to(REPO)}: {module}.{n}"
                for n in names
                if n not in public
            ]
    assert offenders == []


def test_table_models_imports_no_private_names_of_other_modules():
    # table_models imported models' _fit_in_steps, _make_estimator and _labels
    path = REPO / "engine" / "values" / "table_models.py"
    offenders = [
        f"{module}.{name}"
        for module, names in _imports(path)
        if module.startswith("engine.")
        for name in names
        if name.startswith("_")
    ]
    assert offenders == []


def test_public_api_names_exist():
    import engine

    missing = [n for n in engine.__all__ if not hasattr(engine, n)]
    assert missing == []
    for name in ("load_sample", "list_samples", "read_table", "to_matrix"):
        assert name in engine.__all__


def test_tab_completion_lists_the_public_names_and_subpackages():
    import engine

    names = dir(engine)
    assert set(engine.__all__) <= set(names)
    assert {"dag", "values", "graphs", "data", "samples"} <= set(names)
    # no imports of the package's own module leak into completion
    assert not {"importlib", "logging", "Any", "TYPE_CHECKING"} & set(names)
