"""The README's code runs, and its CLI reference covers every option.

Every ```python block of README.md runs in a fresh namespace, and every line of a
```bash block that starts with ``python -m engine`` runs through the CLI's ``main``;
both in one child interpreter (one torch thread) whose working folder is a scratch
folder holding a link to ``sample_data/``, so that written files land there.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shlex
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
README = REPO / "README.md"
FENCE = re.compile(r"^```(\w*)[^\n]*\n(.*?)^```", re.S | re.M)

# Runs in the child: blocks and CLI lines from a JSON file; prints one JSON report.
RUNNER = textwrap.dedent(
    """
    import contextlib, io, json, os, sys, time, traceback

    import torch

    torch.set_num_threads(1)
    from engine.cli import main

    todo = json.load(open(sys.argv[1]))
    failures, seconds = [], []
    for n, code in enumerate(todo["python"]):
        start = time.perf_counter()
        try:
            with contextlib.redirect_stdout(io.StringIO()):
                exec(compile(code, f"<README python block {n + 1}>", "exec"), {})
        except BaseException:
            failures.append(f"python block {n + 1}:\\n{traceback.format_exc()}")
        seconds.append((f"python block {n + 1}", time.perf_counter() - start))
    for argv in todo["cli"]:
        out, err = io.StringIO(), io.StringIO()
        start = time.perf_counter()
        try:
            with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
                status = main(argv)
        except SystemExit as exc:
            status = exc.code
        except BaseException:
            status = traceback.format_exc()
        seconds.append((" ".join(argv[:2]), time.perf_counter() - start))
        wrote = "--out" in argv and os.path.isfile(argv[argv.index("--out") + 1])
        if status not in (0, None) or not (out.getvalue().strip() or wrote):
            failures.append(f"{argv}: status {status!r}\\n{err.getvalue()[-2000:]}")
    print(json.dumps({"failures": failures, "seconds": seconds}))
    """
)


def _blocks(language: str) -> list[str]:
    text = README.read_text(encoding="utf-8")
    return [body for lang, body in FENCE.findall(text) if lang == language]


def _cli_lines() -> list[list[str]]:
    lines = []
    for block in _blocks("bash"):
        for line in block.splitlines():
            if line.startswith("python -m engine"):
                lines.append(shlex.split(line, comments=True)[3:])
    return lines


def test_readme_has_the_library_examples_and_cli_lines():
    code = "\n".join(_blocks("python"))
    for name in ("learn_dag", "explain", "learn_graph", "engine.plots"):
        assert name in code, name
    commands = {argv[0] for argv in _cli_lines() if argv}
    assert {"data", "dag", "explain", "graph"} <= commands


def test_no_two_readme_examples_write_the_same_file():
    # the library block and the CLI line both wrote sachs_dag.json, so running
    # the CLI line overwrote the notebook's result
    code = "\n".join(_blocks("python"))
    written = re.findall(r"\.(?:to_json|write_html|write_image)\(\s*\"([^\"]+)\"", code)
    for argv in _cli_lines():
        written += [argv[k + 1] for k, a in enumerate(argv[:-1]) if a == "--out"]
    assert "sachs_dag.json" in written and len(written) > 3
    repeated = sorted({w for w in written if written.count(w) > 1})
    assert not repeated, f"README examples write {repeated} more than once"


def test_readme_counts_the_example_scripts():
    scripts = sorted(p.name for p in (REPO / "examples").glob("*.py"))
    words = {3: "three", 4: "four", 5: "five", 6: "six"}
    text = README.read_text(encoding="utf-8")
    assert f"`examples/` holds {words[len(scripts)]} scripts" in text
    for name in scripts:
        assert f"`{name}`" in text, name


@pytest.mark.timeout(900)
def test_readme_code_runs(tmp_path: Path):
    (tmp_path / "sample_data").symlink_to(REPO / "sample_data")
    todo = tmp_path / "todo.json"
    todo.write_text(json.dumps({"python": _blocks("python"), "cli": _cli_lines()}))
    env = dict(os.environ, OMP_NUM_THREADS="1", PYTHONPATH=str(REPO))
    proc = subprocess.run(
        [sys.executable, "-c", RUNNER, str(todo)],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        timeout=840,
    )
    assert proc.returncode == 0, proc.stderr[-4000:]
    report = json.loads(proc.stdout.strip().splitlines()[-1])
    print("\n".join(f"{what}: {s:.1f} s" for what, s in report["seconds"]))
    assert not report["failures"], "\n\n".join(report["failures"])
    for written in ("sachs_dag.html", "flips.html", "wine_graph.html", "sachs.gml"):
        assert (tmp_path / written).is_file(), written


def _options(parser: argparse.ArgumentParser, path: tuple[str, ...] = ()):
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            for name, sub in action.choices.items():
                yield (*path, name), None
                yield from _options(sub, (*path, name))
        else:
            for option in action.option_strings:
                if option not in ("-h", "--help"):
                    yield path, option


def test_cli_reference_names_every_command_and_option():
    from engine.cli import build_parser

    text = README.read_text(encoding="utf-8")
    reference = text[text.index("## Command line") : text.index("## Docker")]
    missing = []
    for path, option in _options(build_parser()):
        if option is None:
            if f"`{' '.join(path)}" not in reference and f"**`{path[-1]}" not in (
                reference
            ):
                missing.append(" ".join(path))
        elif f"`{option}" not in reference:
            missing.append(f"{' '.join(path)} {option}")
    assert not missing, f"README's CLI reference lacks {missing}"


def test_docker_section_matches_the_recipe():
    from dockerfile_parse import DockerfileParser

    text = README.read_text(encoding="utf-8")
    docker = text[text.index("## Docker") :]
    parser = DockerfileParser(path=str(REPO / "Dockerfile"))
    args = {
        i["value"].split("=")[0]
        for i in parser.structure
        if i["instruction"] == "ARG" and "=" in i["value"]
    }
    for name in re.findall(r"--build-arg (\w+)=", docker):
        assert name in args, f"README passes --build-arg {name}; Dockerfile has {args}"
    exposed = [i["value"] for i in parser.structure if i["instruction"] == "EXPOSE"]
    assert exposed == ["8501"] and "-p 8501:8501" in docker
    config = (REPO / ".streamlit" / "config.toml").read_text()
    limit = re.search(r"maxUploadSize\s*=\s*(\d+)", config).group(1)
    assert f"{limit} MB by default" in docker
    compose = (REPO / "compose.yaml").read_text()
    assert '"127.0.0.1:8501:8501"' in compose  # this machine only, as the README says
    assert "port 8501 on this machine only" in docker
