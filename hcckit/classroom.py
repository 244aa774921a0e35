"""A bounded Voila server for a classroom: a cap on concurrent lesson kernels.

Every page of a lesson runs in its own Python kernel (about 235 MB resident, measured on
lesson 02; see docs/CLASSROOM_SERVER.md). Without a cap, every anonymous request for a
lesson starts one more kernel until the machine runs out of memory. ``jupyter-config/voila.json``
makes Voila use :class:`ClassroomKernelManager`, which refuses a new kernel beyond
``max_kernels`` with HTTP 503; Voila then renders the ``503.html`` page of the ``hcckit``
template ("The class is full ... Retry in a minute.") instead of a lesson.

The cap, in order of precedence:

- ``--ClassroomKernelManager.max_kernels=N`` (``make dashboards MAX_KERNELS=N``);
- the environment variable ``HCCKIT_MAX_KERNELS``;
- :func:`default_max_kernels`: the memory available when the server starts, less a reserve
  for the server and the system, divided by :data:`KERNEL_BUDGET_MB`.

Pre-heated kernels (``make dashboards WARM=n``) are kernels too and count toward the cap: a
pool kernel that would exceed it waits until a kernel is released before it starts, and a
page only takes a pool kernel that has finished starting (otherwise it gets a kernel of its
own, or the "full" page), so a page never waits for a pool kernel that has not started.

Kernels whose tab was closed (or that were requested by a client that never opened the
page's websocket) are shut down by Jupyter's culler (``MappingKernelManager.cull_*`` in
voila.json); a tab that is still open keeps its websocket and is never culled.
"""

from __future__ import annotations

import asyncio
import os

from jupyter_server.services.kernels.kernelmanager import AsyncMappingKernelManager
from tornado.web import HTTPError
from traitlets import Float, Integer, default

KERNEL_BUDGET_MB = 300
"""Memory set aside per lesson kernel (MB): the measured ~235 MB resident plus headroom
for a student's interactions (uploads, redraws)."""

RESERVE_MB = 1024
"""Memory kept free for the Voila server itself, the browser on the teacher's machine and the
system (MB) when the default cap is computed."""

MAX_KERNELS_ENV = "HCCKIT_MAX_KERNELS"

FULL_MESSAGE = (
    "The class is full: {n} lessons are open on this server, the most it allows. Retry in a minute."
)


def available_memory_mb() -> float:
    """Memory the system can give to new processes now (MB), from ``psutil``."""
    import psutil

    return psutil.virtual_memory().available / 2**20


def default_max_kernels(
    available_mb: float | None = None,
    *,
    budget_mb: float = KERNEL_BUDGET_MB,
    reserve_mb: float = RESERVE_MB,
) -> int:
    """How many lesson kernels fit in memory: ``(available_mb - reserve_mb) / budget_mb``, at least 1.

    ``available_mb`` (MB) defaults to the memory available now (:func:`available_memory_mb`);
    ``budget_mb`` is the memory set aside per kernel (MB) and ``reserve_mb`` the memory kept
    for everything else (MB). Raises ValueError naming the argument if one is not a finite
    number, if ``budget_mb`` is not positive or if ``available_mb`` or ``reserve_mb`` is negative.
    """
    if available_mb is None:
        available_mb = available_memory_mb()
    for name, value in (
        ("available_mb", available_mb),
        ("budget_mb", budget_mb),
        ("reserve_mb", reserve_mb),
    ):
        if isinstance(value, bool) or not isinstance(value, (int, float)) or value != value:
            raise ValueError(f"{name} must be a number of megabytes, got {value!r}")
        if value in (float("inf"), float("-inf")):
            raise ValueError(f"{name} must be finite, got {value!r}")
    if budget_mb <= 0:
        raise ValueError(f"budget_mb must be positive (MB per kernel), got {budget_mb!r}")
    if available_mb < 0:
        raise ValueError(f"available_mb must not be negative, got {available_mb!r}")
    if reserve_mb < 0:
        raise ValueError(f"reserve_mb must not be negative, got {reserve_mb!r}")
    return max(1, int((available_mb - reserve_mb) // budget_mb))


def max_kernels_from_env(environ: dict | None = None) -> int | None:
    """The cap set by ``HCCKIT_MAX_KERNELS`` (a whole number >= 1), or None when it is unset or empty.

    Raises ValueError naming the variable when it is set to anything else.
    """
    raw = (os.environ if environ is None else environ).get(MAX_KERNELS_ENV, "").strip()
    if not raw:
        return None
    try:
        value = int(raw)
    except ValueError:
        raise ValueError(f"{MAX_KERNELS_ENV} must be a whole number of kernels, got {raw!r}") from None
    if value < 1:
        raise ValueError(f"{MAX_KERNELS_ENV} must be at least 1, got {value}")
    return value


class ClassFull(HTTPError):
    """HTTP 503 for a page that would need a kernel beyond the cap (its text is :data:`FULL_MESSAGE`)."""

    def __init__(self, n_open: int):
        super().__init__(503, FULL_MESSAGE.replace("{n}", "%d"), n_open, reason="The class is full")
        self.n_open = n_open


def _ready_pool_size(self, notebook_name: str) -> int:
    """Pre-heated kernels of ``notebook_name`` that have finished starting (count).

    Replaces Voila's ``VoilaKernelManager.get_pool_size``, which also counts kernels still
    waiting to start (a refill waits ``fill_delay`` seconds, or for room under the cap): a page
    given one of those would wait minutes with a blank screen. Ready kernels are moved to the
    front of the pool (Voila takes the first one); failed starts are dropped, so Voila refills
    them. A page finding no ready kernel starts its own (or gets the "full" page).
    """
    pool = self._pools.get(notebook_name, [])
    ready, waiting = [], []
    for task in pool:
        if not task.done():
            waiting.append(task)
        elif task.cancelled() or task.exception() is not None:
            self.log.warning("hcckit: dropped a pre-heated kernel of %s that failed to start", notebook_name)
        else:
            ready.append(task)
    pool[:] = ready + waiting
    return len(ready)


class ClassroomKernelManager(AsyncMappingKernelManager):
    """Jupyter's kernel manager with a cap on concurrent kernels (see the module docstring).

    ``start_kernel`` raises :class:`ClassFull` (HTTP 503) when ``max_kernels`` kernels are
    running or starting; a pre-heated (pool) kernel waits for room instead.
    """

    max_kernels = Integer(
        config=True,
        help="Most kernels (lesson pages, pre-heated ones included) running at once; a page beyond "
        "it gets the 'class is full' page. Default: $HCCKIT_MAX_KERNELS, else what fits in the "
        f"memory available at start-up ({KERNEL_BUDGET_MB} MB per kernel, {RESERVE_MB} MB kept free).",
    )
    pool_wait_interval = Float(
        2.0,
        config=True,
        help="Seconds between checks for room under the cap by a pre-heated kernel waiting to start.",
    )

    @default("max_kernels")
    def _default_max_kernels(self):
        return max_kernels_from_env() or default_max_kernels()

    def __init_subclass__(cls, **kwargs):
        super().__init_subclass__(**kwargs)
        # Voila wraps this class in its VoilaKernelManager when kernels are pre-heated
        # (voila_kernel_manager_factory); its own get_pool_size would hand out unstarted kernels.
        if "get_pool_size" in cls.__dict__ and "fill_if_needed" in cls.__dict__:
            cls.get_pool_size = _ready_pool_size

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self._starting = 0
        self._closing = False
        if self.max_kernels < 1:
            raise ValueError(f"ClassroomKernelManager.max_kernels must be at least 1, got {self.max_kernels}")
        self.log.info("hcckit: at most %d lesson kernels at once", self.max_kernels)

    def kernels_in_use(self) -> int:
        """Kernels running or starting now (count), the number compared with ``max_kernels``."""
        return len(self.list_kernel_ids()) + self._starting

    async def start_kernel(self, *args, **kwargs):
        """Start a kernel if one more fits under ``max_kernels``; else raise :class:`ClassFull`."""
        env = kwargs.get("env") or {}
        preheated = str(env.get("VOILA_PREHEAT", "")) == "True"
        while self.kernels_in_use() >= self.max_kernels:
            if not preheated:
                self.log.warning("hcckit: class is full (%d kernels), refused a page", self.kernels_in_use())
                raise ClassFull(self.kernels_in_use())
            if self._closing:
                raise RuntimeError("the server is stopping; pre-heated kernel not started")
            await asyncio.sleep(self.pool_wait_interval)
        self._starting += 1
        try:
            return await super().start_kernel(*args, **kwargs)
        finally:
            self._starting -= 1

    async def shutdown_all(self, *args, **kwargs):
        """Shut every kernel down; pre-heated kernels still waiting for room give up."""
        self._closing = True
        return await super().shutdown_all(*args, **kwargs)
