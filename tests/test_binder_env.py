"""Binder, emulated: a fresh virtual environment built from exactly what binder/ says serves the lessons.

mybinder.org cannot run here, so this test does what repo2docker does with this repository:
copy the repository (without local state), create a Python of the version in
``binder/runtime.txt``, run ``pip install -r binder/requirements.txt`` from the repository root,
run ``binder/postBuild`` if there is one, and start JupyterLab through ``binder/start``. Then a
real Chromium opens the two links the README gives to a class (JupyterLab at the landing page,
and Voila's lesson list) and renders every lesson as a dashboard.

It downloads the pinned packages (about a minute from the registry; pip's cache makes
later runs faster), so it is marked ``slow``; it runs in CI with the rest of ``make test``.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parent / "browser"))

import harness  # noqa: E402

pytestmark = pytest.mark.slow

REPO = harness.REPO
BINDER = REPO / "binder"
PIN = re.compile(r"^([A-Za-z0-9][A-Za-z0-9._-]*)(\[[^\]]+\])?==([^\s;]+)(\s*;.*)?$")
# local state a fresh clone would not have
IGNORE = shutil.ignore_patterns(
    ".git",
    ".venv",
    "venv",
    "artifacts",
    "build",
    "dist",
    "*.egg-info",
    "__pycache__",
    ".pytest_cache",
    ".ruff_cache",
    ".ipynb_checkpoints",
    "figures",
)


def _requirements() -> tuple[dict[str, str], list[str]]:
    pins, local = {}, []
    for raw in (BINDER / "requirements.txt").read_text().splitlines():
        line = raw.split("#", 1)[0].strip()
        if not line:
            continue
        if line in {".", "-e ."}:
            local.append(line)
            continue
        m = PIN.match(line)
        assert m, f"binder/requirements.txt: not pinned with ==: {raw!r}"
        name = re.sub(r"[-_.]+", "-", m.group(1)).lower()
        assert name not in pins, f"binder/requirements.txt: {name} listed twice"
        pins[name] = m.group(3)
    return pins, local


def test_requirements_are_pinned_and_install_the_kit():
    pins, local = _requirements()
    assert local == ["."], "binder/requirements.txt must end with '.' (installs hcckit from the repository)"
    for needed in ("jupyterlab", "voila", "ipywidgets", "altair", "anywidget", "vl-convert-python"):
        assert needed in pins, f"binder/requirements.txt does not pin {needed}"
    runtime = (BINDER / "runtime.txt").read_text().strip()
    assert re.fullmatch(r"python-3\.\d+", runtime), f"binder/runtime.txt: {runtime!r}"
    assert not (BINDER / "environment.yml").exists(), "one Binder spec only (requirements.txt)"


def test_start_script_puts_repository_settings_on_jupyter_paths():
    out = subprocess.run(
        [str(BINDER / "start"), "env"],
        capture_output=True,
        text=True,
        check=True,
        env={**os.environ, "JUPYTER_PATH": "/elsewhere"},
    ).stdout
    env = dict(line.split("=", 1) for line in out.splitlines() if "=" in line)
    assert env["JUPYTER_CONFIG_PATH"].split(":")[0] == str(REPO / "jupyter-config")
    assert env["JUPYTER_PATH"].split(":") == [str(REPO / "jupyter-data"), "/elsewhere"]


@pytest.fixture(scope="module")
def binder_env(tmp_path_factory):
    """(python, repository copy) after building the environment exactly as binder/ specifies."""
    runtime = (BINDER / "runtime.txt").read_text().strip().removeprefix("python-")
    here = f"{sys.version_info.major}.{sys.version_info.minor}"
    python = shutil.which(f"python{runtime}") or (sys._base_executable if here == runtime else None)
    if python is None:
        pytest.fail(f"binder/runtime.txt asks for Python {runtime}; not found on this machine", pytrace=False)

    root = tmp_path_factory.mktemp("binder")
    repo = root / "repo"
    shutil.copytree(REPO, repo, ignore=IGNORE, symlinks=True)
    venv = root / "venv"
    subprocess.run([python, "-m", "venv", str(venv)], check=True)
    bin_dir = venv / "bin"
    env = {k: v for k, v in os.environ.items() if not k.startswith(("JUPYTER", "VIRTUAL_ENV", "PYTHON"))}
    env["PATH"] = f"{bin_dir}{os.pathsep}{env.get('PATH', '')}"
    env["PIP_DISABLE_PIP_VERSION_CHECK"] = "1"
    log = root / "pip.log"
    with open(log, "w") as fh:
        proc = subprocess.run(
            [str(bin_dir / "pip"), "install", "-r", "binder/requirements.txt"],
            cwd=repo,
            env=env,
            stdout=fh,
            stderr=subprocess.STDOUT,
            timeout=1200,
        )
    if proc.returncode != 0:
        pytest.fail(
            f"pip install -r binder/requirements.txt failed:\n{log.read_text()[-3000:]}", pytrace=False
        )
    post_build = repo / "binder" / "postBuild"
    if post_build.exists():
        subprocess.run(["bash", str(post_build)], cwd=repo, env=env, check=True, timeout=600)
    return bin_dir / "python", repo, env


def test_environment_is_exactly_what_binder_pins(binder_env):
    python, repo, env = binder_env
    pins, _ = _requirements()
    frozen = subprocess.run(
        [
            str(python),
            "-m",
            "pip",
            "list",
            "--format=freeze",
            "--exclude",
            "pip",
            "--exclude",
            "setuptools",
            "--exclude",
            "wheel",
        ],
        capture_output=True,
        text=True,
        check=True,
        env=env,
    ).stdout
    installed = {}
    for line in frozen.splitlines():
        name, _, version = line.partition("==")
        installed[re.sub(r"[-_.]+", "-", name).lower()] = version
    assert installed.pop("hcckit", None), "hcckit was not installed"
    unpinned = {n: v for n, v in installed.items() if n not in pins}
    wrong = {n: (pins[n], v) for n, v in installed.items() if n in pins and pins[n] != v}
    assert not unpinned, (
        f"installed but not pinned in binder/requirements.txt (run binder/pin.py): {unpinned}"
    )
    assert not wrong, f"pinned vs installed: {wrong}"
    check = subprocess.run([str(python), "-m", "pip", "check"], capture_output=True, text=True, env=env)
    assert check.returncode == 0, check.stdout + check.stderr
    # the kit comes from site-packages, not from the copy of the repository
    where = subprocess.run(
        [str(python), "-c", "import hcckit, sys; print(hcckit.__file__)"],
        capture_output=True,
        text=True,
        check=True,
        cwd="/",
        env=env,
    ).stdout
    assert "site-packages" in where


@pytest.fixture(scope="module")
def binder_lab(binder_env, tmp_path_factory):
    harness.require_browser()
    python, repo, env = binder_env
    probe = repo / "_probe"
    probe.mkdir()
    import nbformat

    nb = nbformat.v4.new_notebook()
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    nb.cells = [nbformat.v4.new_code_cell("raise RuntimeError('internal-detail-7f3a')")]
    nbformat.write(nb, probe / "raises.ipynb")
    # exactly the Binder launch: binder/start wraps the server command, cwd = repository root
    jupyter = [str(repo / "binder" / "start"), str(python.parent / "jupyter"), "lab"]
    server = harness.start_lab(
        repo,
        jupyter=jupyter,
        env=env,
        cwd=repo,
        repo_paths=False,
        workdir=tmp_path_factory.mktemp("binder-lab"),
        timeout=120,
    )
    yield server
    server.stop()


def test_binder_links_and_every_lesson(binder_lab):
    """The README's Binder links work, and every lesson renders through Voila-in-JupyterLab."""
    browser = harness.shared_browser()
    lessons = harness.lesson_notebooks()
    with harness.watched_page(browser) as (page, watch):
        page.goto(binder_lab.url("voila/tree/notebooks"), wait_until="load")
        for nb in lessons:
            page.wait_for_selector(f"text={nb.name}", timeout=60_000)
        assert not watch.problems(), "\n".join(watch.problems())

    failures = []
    for nb in lessons:
        with harness.watched_page(browser) as (page, watch):
            result = harness.open_voila_page(page, binder_lab.url(f"voila/render/notebooks/{nb.name}"))
            problems = list(result.error_texts) + watch.problems()
            if result.rendered_widgets < result.expected_widgets:
                problems.append(f"{result.expected_widgets} widgets sent, {result.rendered_widgets} rendered")
            if not all(n > 0 for n in result.charts):
                problems.append(f"chart without marks: {result.charts}")
            if problems:
                failures.append(f"{nb.name}: {problems}")
    assert not failures, "\n".join(failures)


def test_binder_voila_uses_project_settings(binder_lab):
    """Voila inside JupyterLab on Binder reads jupyter-config/ (via binder/start): friendly error, no traceback."""
    browser = harness.shared_browser()
    with harness.watched_page(browser) as (page, watch):
        result = harness.open_voila_page(page, binder_lab.url("voila/render/_probe/raises.ipynb"))
        assert "could not be shown" in result.body_text, result.body_text
        assert "internal-detail-7f3a" not in result.body_text and "Traceback" not in result.body_text
        assert not watch.problems(), "\n".join(watch.problems())


def test_binder_jupyterlab_link_opens_landing_page(binder_lab):
    browser = harness.shared_browser()
    with harness.watched_page(browser) as (page, watch):
        page.goto(binder_lab.url("lab/tree/notebooks/00_index.ipynb"), wait_until="load")
        page.wait_for_selector(".jp-NotebookPanel .jp-Cell", timeout=90_000)
        page.wait_for_function(
            "() => window.jupyterapp && window.jupyterapp.shell.currentWidget"
            " && window.jupyterapp.shell.currentWidget.sessionContext.session",
            timeout=60_000,
        )
        assert "00_index.ipynb" in page.title() or page.query_selector(".jp-NotebookPanel")
        assert not watch.problems(), "\n".join(watch.problems())
