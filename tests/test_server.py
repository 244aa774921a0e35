"""Unit tests of hcckit.classroom: the default cap, its settings, and the capped kernel manager.

Kernels are not really started here (the parent class's ``start_kernel`` is replaced by one that
only records an id); tests/browser/test_voila_server.py runs the real server.
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import json
from pathlib import Path

import pytest
from jupyter_server.services.kernels.kernelmanager import AsyncMappingKernelManager

from hcckit import classroom

CONFIG = Path(__file__).resolve().parents[1] / "jupyter-config" / "voila.json"


def run(coro):
    """Run ``coro`` to completion on a new event loop in its own thread, and return its result.

    ``asyncio.run`` refuses to start while another loop runs in this thread, which happens in the
    full suite (Playwright's sync API keeps its loop in the main thread between browser tests).
    """
    with concurrent.futures.ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(asyncio.run, coro).result()


def test_default_cap_from_memory():
    assert classroom.default_max_kernels(24_000) == (24_000 - 1024) // 300 == 76
    assert classroom.default_max_kernels(4_000, budget_mb=250, reserve_mb=0) == 16
    assert classroom.default_max_kernels(500) == 1  # a small machine still serves one page
    assert classroom.default_max_kernels() >= 1  # this machine's memory


@pytest.mark.parametrize(
    "kwargs, named",
    [
        ({"available_mb": -1}, "available_mb"),
        ({"available_mb": float("nan")}, "available_mb"),
        ({"available_mb": "8GB"}, "available_mb"),
        ({"available_mb": 8000, "budget_mb": 0}, "budget_mb"),
        ({"available_mb": 8000, "budget_mb": float("inf")}, "budget_mb"),
        ({"available_mb": 8000, "reserve_mb": -5}, "reserve_mb"),
        ({"available_mb": True}, "available_mb"),
    ],
)
def test_default_cap_rejects_bad_numbers(kwargs, named):
    with pytest.raises(ValueError, match=named):
        classroom.default_max_kernels(**kwargs)


def test_cap_from_environment():
    assert classroom.max_kernels_from_env({}) is None
    assert classroom.max_kernels_from_env({"HCCKIT_MAX_KERNELS": " "}) is None
    assert classroom.max_kernels_from_env({"HCCKIT_MAX_KERNELS": "12"}) == 12
    for bad in ("0", "-3", "ten", "2.5"):
        with pytest.raises(ValueError, match="HCCKIT_MAX_KERNELS"):
            classroom.max_kernels_from_env({"HCCKIT_MAX_KERNELS": bad})


def test_full_message_is_the_page_text():
    err = classroom.ClassFull(30)
    assert err.status_code == 503
    assert err.reason == "The class is full"
    assert err.log_message % err.args == (
        "The class is full: 30 lessons are open on this server, the most it allows. Retry in a minute."
    )


@pytest.fixture
def fake_start(monkeypatch):
    """The parent's start_kernel records a kernel id instead of starting a process."""

    async def start(self, *args, **kwargs):
        await asyncio.sleep(0.01)  # a start takes time: concurrent starts overlap
        kernel_id = f"k{len(self._kernels)}-{id(kwargs)}"
        self._kernels[kernel_id] = object()
        return kernel_id

    monkeypatch.setattr(AsyncMappingKernelManager, "start_kernel", start)


def test_cap_refuses_beyond_max(fake_start, monkeypatch):
    monkeypatch.setenv("HCCKIT_MAX_KERNELS", "2")
    km = classroom.ClassroomKernelManager()
    assert km.max_kernels == 2

    async def burst():
        return await asyncio.gather(*(km.start_kernel(env={}) for _ in range(5)), return_exceptions=True)

    results = run(burst())
    started = [r for r in results if isinstance(r, str)]
    refused = [r for r in results if isinstance(r, classroom.ClassFull)]
    assert len(started) == 2 and len(refused) == 3, results  # starts in flight count too
    assert km.kernels_in_use() == 2
    km._kernels.pop(started[0])  # one page closed
    assert isinstance(run(km.start_kernel(env={})), str)


def test_explicit_cap_wins_over_environment(fake_start, monkeypatch):
    monkeypatch.setenv("HCCKIT_MAX_KERNELS", "2")
    assert classroom.ClassroomKernelManager(max_kernels=7).max_kernels == 7
    with pytest.raises(ValueError, match="max_kernels"):
        classroom.ClassroomKernelManager(max_kernels=0)


def test_preheated_kernel_waits_for_room(fake_start):
    km = classroom.ClassroomKernelManager(max_kernels=1, pool_wait_interval=0.01)

    async def scenario():
        first = await km.start_kernel(env={})
        pooled = asyncio.ensure_future(km.start_kernel(env={"VOILA_PREHEAT": "True"}))
        await asyncio.sleep(0.1)
        assert not pooled.done(), "a pool kernel must not exceed the cap"
        km._kernels.pop(first)
        return await asyncio.wait_for(pooled, 2)

    assert isinstance(run(scenario()), str)
    assert km.kernels_in_use() == 1


def test_preheated_kernel_gives_up_when_stopping(fake_start):
    km = classroom.ClassroomKernelManager(max_kernels=1, pool_wait_interval=0.01)

    async def scenario():
        await km.start_kernel(env={})
        pooled = asyncio.ensure_future(km.start_kernel(env={"VOILA_PREHEAT": "True"}))
        await asyncio.sleep(0.05)
        km._closing = True
        with pytest.raises(RuntimeError, match="stopping"):
            await asyncio.wait_for(pooled, 2)

    run(scenario())


def test_voila_pool_hands_out_only_started_kernels():
    from voila.voila_kernel_manager import voila_kernel_manager_factory

    cls = voila_kernel_manager_factory(classroom.ClassroomKernelManager, True, 0)
    assert cls.get_pool_size is classroom._ready_pool_size
    plain = voila_kernel_manager_factory(classroom.ClassroomKernelManager, False, 0)
    assert plain.get_pool_size is not classroom._ready_pool_size

    class Holder:
        log = classroom.ClassroomKernelManager().log

    async def scenario():
        loop = asyncio.get_running_loop()
        waiting = loop.create_future()
        ready = loop.create_future()
        ready.set_result({"kernel_id": "a"})
        failed = loop.create_future()
        failed.set_exception(RuntimeError("no"))
        holder = Holder()
        holder._pools = {"02.ipynb": [waiting, failed, ready]}
        assert classroom._ready_pool_size(holder, "02.ipynb") == 1
        assert holder._pools["02.ipynb"] == [ready, waiting]  # Voila takes the first one
        assert classroom._ready_pool_size(holder, "other.ipynb") == 0
        waiting.cancel()

    run(scenario())


def test_project_config_bounds_the_server():
    config = json.loads(CONFIG.read_text())
    assert (
        config["VoilaConfiguration"]["multi_kernel_manager_class"]
        == "hcckit.classroom.ClassroomKernelManager"
    )
    cull = config["MappingKernelManager"]
    # a closed tab's kernel is released within two minutes; an open tab (connected) never is
    assert cull["cull_idle_timeout"] + cull["cull_interval"] <= 120
    assert cull["cull_connected"] is False and cull.get("cull_busy", False) is False
    template = CONFIG.parents[1] / "jupyter-data" / "voila" / "templates" / "hcckit" / "503.html"
    assert "{{ message }}" in template.read_text()
