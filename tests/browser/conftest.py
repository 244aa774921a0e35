"""Fixtures for the real-browser tests: one Voila server and one Chromium per session.

Chromium is Debian's (``apt-get install -y chromium``; ``.ci/run`` installs it). Without it
these tests *fail* when ``CI`` is set (a CI run must never pass by skipping them) and are
skipped locally with the reason. Screenshots go to ``artifacts/screenshots/`` (git-ignored).
"""

from __future__ import annotations

import contextlib
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parent))

import harness  # noqa: E402

SCREENSHOTS = harness.REPO / "artifacts" / "screenshots"


def pytest_collection_modifyitems(config, items):
    here = Path(__file__).parent
    for item in items:
        if here in Path(str(item.fspath)).parents:
            item.add_marker(pytest.mark.browser)


@pytest.fixture(scope="session")
def chromium_ready():
    """Fail in CI, skip locally, when Chromium or Playwright is missing."""
    return harness.require_browser()


@pytest.fixture(scope="session")
def browser(chromium_ready):
    yield harness.shared_browser()
    harness.close_shared_browser()


@pytest.fixture
def new_page(browser):
    """Factory: a fresh page (own context) with a :class:`harness.PageWatch` attached."""
    with contextlib.ExitStack() as stack:

        def make(viewport=(1280, 900)):
            return stack.enter_context(harness.watched_page(browser, viewport))

        yield make


@pytest.fixture(scope="session")
def voila_server(chromium_ready, tmp_path_factory):
    """Standalone Voila on notebooks/ with the project configuration, as ``make dashboards`` runs it."""
    server = harness.start_voila(harness.NOTEBOOKS, workdir=tmp_path_factory.mktemp("voila"))
    yield server
    server.stop()


@pytest.fixture(scope="session")
def screenshot_dir() -> Path:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    return SCREENSHOTS


@pytest.fixture(scope="session")
def timings():
    """Collects per-page timings; written to artifacts/browser-timings.json at the end of the session."""
    records: list[dict] = []
    yield records
    if records:
        import json

        out = harness.REPO / "artifacts" / "browser-timings.json"
        out.parent.mkdir(parents=True, exist_ok=True)
        out.write_text(json.dumps(records, indent=1))
