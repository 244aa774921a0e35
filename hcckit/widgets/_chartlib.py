"""Offline altair charts that share one copy of the Vega JavaScript per kernel.

``altair.JupyterChart.enable_offline()`` gives every chart widget the whole Vega / Vega-Lite /
vega-embed bundle (about 0.9 MB) as its own ``_esm``: a lesson with ten charts sends 9 MB to
each browser, the browser compiles the bundle ten times, and every kernel runs vl-convert's
JavaScript engine to build it (about 55 MB and 1.2 s per kernel). Here instead:

- :class:`ChartLibrary` is one invisible widget per kernel whose ``code`` is the bundle;
- :class:`Chart` is ``altair.JupyterChart`` with a tiny ``_esm`` that fetches the library
  widget (``model.widget_manager.get_model``), imports its code once per page, and hands over
  to altair's own ``render``; the library is referenced by a widget trait, so it reaches the
  browser wherever a chart does (Voila, JupyterLab, Binder) with nothing else to display;
- the bundle is read from ``hcckit/widgets/js/``, pre-built for the installed altair version
  (the same code altair's offline mode builds with vl-convert, plus one statement that keeps
  vega-embed's result on the chart element);
- a new spec that differs from the drawn one only in its data is applied in place through
  Vega's View API (``view.data`` then ``run``) instead of altair's full re-embed, and the
  chart's schema validation is skipped in kernels (:data:`VALIDATE`; the tests validate).
  tests/browser/test_chart_updates.py checks an in-place update draws exactly what a full
  redraw of the same spec draws.

This depends on altair internals (``JupyterChart._on_change_chart``, ``load_js_src``,
``vl_version_for_vl_convert``, the text of altair's ``index.js`` and of vl-convert's bundle), so
``pyproject.toml`` pins altair's minor version (:data:`ALTAIR_MINOR`) and any mismatch makes
every chart fall back to altair's own offline mode (:class:`OfflineChart`, :func:`problem`):
an upgrade degrades to slower, never to broken. Rebuild the shipped copy after upgrading altair
or vl-convert (a test fails until you do), then raise :data:`ALTAIR_MINOR` and the pin::

    python tools/build_chart_bundle.py
"""

from __future__ import annotations

import functools
import logging
from pathlib import Path

import altair as alt
import anywidget
import traitlets
from ipywidgets import widget_serialization

__all__ = [
    "ALTAIR_MINOR",
    "Chart",
    "ChartLibrary",
    "OfflineChart",
    "PARAM_SYNC_MS",
    "ParamControl",
    "bundle",
    "embed_options",
    "library",
    "problem",
    "renderer",
    "shared",
    "view",
]

log = logging.getLogger("hcckit.widgets")

JS_DIR = Path(__file__).with_name("js")
_EXPORT = "export{__default as default};"
_EMBED_ANCHOR = "finalize = api.finalize;"
_EMBED_HOOK = " el.__hcckitEmbed = api;"

#: The altair minor version this module (the hand-over to altair's JavaScript, the anchors, the
#: shipped bundle) was written for; ``pyproject.toml`` pins altair to it. Any other version, or
#: any other mismatch, makes chart views fall back to altair's own offline mode (:func:`problem`).
ALTAIR_MINOR = (6, 3)

#: Validate chart specs against the Vega-Lite schema when a chart view is (re)drawn. Off in
#: kernels (speed); the test suite turns it on (tests/conftest.py).
VALIDATE = False

#: Page styles every chart brings along: vega-embed's "Save as PNG / SVG" menu made visible for
#: teachers taking figures to slides (vega-embed draws it as a faint 14 px icon that appears on
#: hover), and spacing and text size of the lesson panels (hcckit.widgets.panel) readable from
#: the back of a room.
CHART_CSS = """
/* the view's element carries both classes (shared library) or holds the embed (altair's offline mode) */
:is(.hcckit-chart.vega-embed, .hcckit-chart .vega-embed).has-actions { padding-right: 0; padding-top: 34px; }
:is(.hcckit-chart.vega-embed, .hcckit-chart .vega-embed) summary { opacity: 1 !important; line-height: 18px;
  border-radius: 6px; padding: 4px 10px; font: 600 14px/18px sans-serif; display: flex; gap: 6px;
  align-items: center; }
:is(.hcckit-chart.vega-embed, .hcckit-chart .vega-embed) summary::before { content: "Save figure"; }
:is(.hcckit-chart.vega-embed, .hcckit-chart .vega-embed) .vega-actions a { font-size: 15px; }
/* lesson panels (hcckit.widgets.panel): spacing and text readable from the back of a room */
.hcckit-beside { gap: 12px 16px; }
.hcckit-above > :first-child { gap: 8px 16px; }
.hcckit-toolbar { gap: 8px; }
.hcckit-panel .widget-label, .hcckit-panel .widget-readout, .hcckit-panel .widget-button,
.hcckit-panel .widget-toggle-button, .hcckit-panel select, .hcckit-panel .widget-checkbox label,
.hcckit-panel .widget-html-content, .hcckit-panel .lm-TabBar-tabLabel { font-size: 14px; }
.hcckit-panel .widget-label { overflow: visible; white-space: normal; line-height: 1.2; }
/* inputs bound to chart params (Vega-Lite "bind"): drawn by Vega inside the chart, moved above the
   plot into the band of the "Save figure" button, and sized for the back row (16 px, the name in
   bold before the input) */
:is(.hcckit-chart.vega-embed, .hcckit-chart .vega-embed) .chart-wrapper:has(> .vega-bindings) {
  display: flex; flex-direction: column; align-items: flex-start; }
:is(.hcckit-chart.vega-embed, .hcckit-chart .vega-embed) .vega-bindings { order: -1; margin: -32px 0 4px;
  min-height: 28px; max-width: calc(100% - 150px); font: 16px/1.3 sans-serif; display: flex; flex-wrap: wrap;
  align-items: center; gap: 6px 18px; }
:is(.hcckit-chart.vega-embed, .hcckit-chart .vega-embed) .vega-bind { display: flex; align-items: center; }
:is(.hcckit-chart.vega-embed, .hcckit-chart .vega-embed) .vega-bind label { display: flex; align-items: center;
  gap: 4px 8px; flex-wrap: wrap; }
:is(.hcckit-chart.vega-embed, .hcckit-chart .vega-embed) .vega-bind-name { font-weight: 600; font-size: 16px; }
:is(.hcckit-chart.vega-embed, .hcckit-chart .vega-embed) .vega-bindings select {
  font: 16px/1.3 sans-serif; padding: 3px 6px; max-width: 100%; }
:is(.hcckit-chart.vega-embed, .hcckit-chart .vega-embed) .vega-bindings input[type="radio"] { margin: 0 2px 0 8px; }
:is(.hcckit-chart.vega-embed, .hcckit-chart .vega-embed) .vega-bindings .vega-bind-radio label { font-size: 16px; }"""

# The chart widgets' module: wait for the shared library, then draw with altair's render(), but
# apply a new spec that differs from the drawn one only in its data through Vega's View API
# (view.data + run: the scales, axes and marks update in place) instead of altair's full
# re-embed (parse, compile and draw everything again). Whenever anything else changed, a data
# source is parsed on load (format.parse), or the update throws, altair's re-embed runs.
_STUB_TEMPLATE = r"""
const cache = (globalThis.__hcckitAltair ??= new Map());
async function library(model) {
  const ref = model.get("library") || "";
  const id = ref.startsWith("IPY_MODEL_") ? ref.slice(10) : ref;
  if (!cache.has(id)) {
    cache.set(id, (async () => {
      const lib = await model.widget_manager.get_model(id);
      const url = URL.createObjectURL(new Blob([lib.get("code")], {type: "text/javascript"}));
      try { return (await import(url)).default; } finally { URL.revokeObjectURL(url); }
    })());
  }
  return cache.get(id);
}
// The spec without its data: dataset names replaced by their position.
function skeleton(spec) {
  const datasets = spec && spec.datasets;
  if (!datasets || typeof datasets !== "object") return null;
  const names = Object.keys(datasets);
  const slot = new Map(names.map((name, i) => [name, "__hcckit_data_" + i]));
  const text = JSON.stringify({...spec, datasets: null},
    (key, value) => (key === "name" && slot.has(value) ? slot.get(value) : value));
  return {text, names, values: names.map((name) => datasets[name])};
}
// Can the drawn view take new values for these datasets as they are (no parsing on load)?
function updatable(api, names) {
  const data = (api && api.vgSpec && api.vgSpec.data) || [];
  return names.every((name) => {
    const d = data.find((entry) => entry.name === name);
    return d && !d.url && !(d.format && d.format.parse);
  });
}
// the page styles of CHART_CSS, once per page
if (!document.getElementById("hcckit-chart-style")) {
  const style = document.createElement("style");
  style.id = "hcckit-chart-style";
  style.textContent = `__HCCKIT_CSS__`;
  document.head.appendChild(style);
}
export default {
  async render(ctx) {
    const {model, el} = ctx;
    let lib;
    try { lib = await library(model); }
    catch (error) {
      el.innerHTML = '<div style="color:#B00020">The chart library could not be loaded: '
        + String(error && error.message || error) + '. Reload the page.</div>';
      return;
    }
    let drawn = null;      // {text, names, fast} of the spec the view shows
    let applied = null;    // the spec object last applied
    let queue = Promise.resolve();
    // counts of in-place and full updates, and the last 50 update times in the browser (ms)
    const stats = (el.__hcckitUpdates = {full: 0, data: 0, ms: []});
    const took = (t0) => { stats.ms.push(performance.now() - t0); if (stats.ms.length > 50) stats.ms.shift(); };
    // after a full draw of `spec` (whose skeleton is `sk`): what the view now shows
    const remember = (spec, sk) => {
      applied = spec;
      drawn = sk && {text: sk.text, names: sk.names, fast: updatable(el.__hcckitEmbed, sk.names)};
    };
    const update = async (reembed) => {
      const spec = model.get("spec");
      if (spec === applied) return;
      const t0 = performance.now();
      const next = skeleton(spec);
      const api = el.__hcckitEmbed;
      if (next && drawn && drawn.fast && api && next.text === drawn.text) {
        try {
          next.values.forEach((values, i) => api.view.data(drawn.names[i], structuredClone(values)));
          await api.view.runAsync();
          applied = spec;
          stats.data += 1;
          took(t0);
          return;
        } catch (error) {
          console.warn("hcckit: in-place chart update failed, redrawing", error);
        }
      }
      await reembed();  // draws `spec`: altair reads the model before its first await
      stats.full += 1;
      took(t0);
      remember(spec, next);
    };
    // The param values altair reports to the kernel (_params) are those the view drawn now shows:
    // a report a redrawn view's predecessor had scheduled (altair debounces them) is corrected.
    const current = (params) => {
      const view = el.__hcckitEmbed && el.__hcckitEmbed.view;
      if (!view || !params || typeof params !== "object") return params;
      const out = {...params};
      for (const name of Object.keys(out)) {
        try { const v = view.signal(name); if (v !== undefined) out[name] = v; } catch (error) { /* not in view */ }
      }
      return out;
    };
    const proxy = new Proxy(model, {
      get(target, prop) {
        if (prop === "set") {
          return (key, value, ...rest) => target.set(key, key === "_params" ? current(value) : value, ...rest);
        }
        if (prop === "on") {
          return (event, callback, ...rest) => target.on(event, event === "change:spec"
            ? () => { queue = queue.then(() => update(callback)).catch((e) => console.error(e)); }
            : callback, ...rest);
        }
        const value = target[prop];
        return typeof value === "function" ? value.bind(target) : value;
      },
    });
    const result = await lib.render({...ctx, model: proxy});
    stats.full += 1;
    const spec = model.get("spec");
    remember(spec, skeleton(spec));
    return result;
  }
};
"""
STUB_ESM = _STUB_TEMPLATE.replace("__HCCKIT_CSS__", CHART_CSS)


def _versions() -> tuple[str, str]:
    from altair.utils._importers import vl_version_for_vl_convert

    return alt.__version__, vl_version_for_vl_convert()


def shipped_path() -> Path:
    """Where the pre-built bundle for the installed altair version lives (it may be missing)."""
    altair_version, vl_version = _versions()
    return JS_DIR / f"altair-{altair_version}-vega-lite-{vl_version}.js"


def build_bundle() -> str:
    """Build altair's offline JupyterChart bundle with vl-convert (what ``enable_offline`` does).

    For ``tools/build_chart_bundle.py`` and the tests; kernels only read the shipped copy.
    """
    from altair.jupyter.jupyter_chart import load_js_src
    from altair.utils._importers import import_vl_convert

    vlc = import_vl_convert()
    source = load_js_src()
    if source.count(_EMBED_ANCHOR) != 1:
        raise RuntimeError(
            f"altair's JupyterChart JavaScript no longer contains {_EMBED_ANCHOR!r} once: "
            "hcckit.widgets._chartlib must be updated"
        )
    # keep vega-embed's result on the element, for the in-place data updates of STUB_ESM
    source = source.replace(_EMBED_ANCHOR, _EMBED_ANCHOR + _EMBED_HOOK)
    lines = source.split("\n")
    while lines and (not lines[0].strip() or lines[0].startswith(("import", "//"))):
        lines.pop(0)
    return vlc.javascript_bundle("\n".join(lines), vl_version=_versions()[1])


_BUNDLE: str | None = None
_PROBLEM: list[str | None] = []  # [] until checked, then [reason or None]


def _check() -> str | None:
    """Why the shared library cannot serve the installed altair, or None when it can."""
    global _BUNDLE
    from hcckit._patches import installed_version

    version = installed_version("altair")
    if version != ALTAIR_MINOR:
        installed = "none" if version is None else f"{version[0]}.{version[1]}"
        return f"written for altair {ALTAIR_MINOR[0]}.{ALTAIR_MINOR[1]}, installed altair {installed}"
    if not callable(getattr(alt.JupyterChart, "_on_change_chart", None)):
        return "altair.JupyterChart has no _on_change_chart"
    try:
        from altair.jupyter.jupyter_chart import load_js_src

        path = shipped_path()  # uses altair.utils._importers.vl_version_for_vl_convert
        source = load_js_src()
    except Exception as exc:  # noqa: BLE001 - a private altair function moved or changed
        return f"altair's private functions changed ({type(exc).__name__}: {exc})"
    if source.count(_EMBED_ANCHOR) != 1:
        return f"altair's JupyterChart JavaScript no longer contains {_EMBED_ANCHOR!r} once"
    if not path.exists():
        return f"no pre-built chart bundle {path.name} (run python tools/build_chart_bundle.py)"
    text = path.read_text(encoding="utf-8")
    hook = _EMBED_HOOK.replace(" ", "")  # as minified by vl-convert
    if _EXPORT not in text or hook not in text:
        return f"{path.name} does not contain {_EXPORT!r} and {hook!r}"
    _BUNDLE = text
    return None


def problem() -> str | None:
    """Why charts use altair's own offline mode instead of the shared library (None: they do not).

    Checked once per kernel: the installed altair minor version is :data:`ALTAIR_MINOR` (the
    pin in ``pyproject.toml``), the private altair functions this module uses exist, altair's
    JavaScript still has the anchor the bundle hooks into, and the pre-built bundle for exactly
    the installed altair and Vega-Lite versions is shipped and well formed. Any mismatch is
    logged once (warning) and every chart falls back to :class:`OfflineChart`: slower, never broken.
    """
    if not _PROBLEM:
        reason = _check()
        _PROBLEM.append(reason)
        if reason:
            log.warning("hcckit: charts use altair's own offline mode (slower): %s", reason)
    return _PROBLEM[0]


def shared() -> bool:
    """Do chart views share one copy of the chart JavaScript (:class:`Chart`)? See :func:`problem`."""
    return problem() is None


def bundle() -> str:
    """altair's offline JupyterChart JavaScript (Vega, Vega-Lite, vega-embed), read once per kernel.

    Raises RuntimeError when the shared library cannot be used (:func:`problem`).
    """
    reason = problem()
    if reason:
        raise RuntimeError(f"the shared chart library is not available: {reason}")
    assert _BUNDLE is not None
    return _BUNDLE


def _file_stem(chart) -> str:
    """A file name for a saved figure, from the chart's title (``figure`` when it has none)."""
    import re

    title = getattr(chart, "title", alt.Undefined)
    text = getattr(title, "text", title)
    if isinstance(text, list):
        text = " ".join(map(str, text))
    if not isinstance(text, str) or not text.strip():
        return "figure"
    stem = re.sub(r"[^A-Za-z0-9]+", "_", text).strip("_").lower()[:60]
    meta = getattr(chart, "usermeta", None)
    if isinstance(meta, dict) and meta.get("hcckit_synthetic"):
        stem = f"SYNTHETIC_{stem}"
    return stem or "figure"


def embed_options(chart=None) -> dict:
    """vega-embed options of every lesson chart: only the "Save as SVG / PNG" actions, 2x PNG.

    The file is named after the chart title (``SYNTHETIC_`` first for charts of synthetic data).
    No "open in the Vega editor" action: it would send the chart to a website.
    """
    return {
        "actions": {"export": True, "source": False, "compiled": False, "editor": False},
        "downloadFileName": _file_stem(chart),
        "scaleFactor": {"png": 2, "svg": 1},
        "i18n": {"PNG_ACTION": "Save as PNG (for slides)", "SVG_ACTION": "Save as SVG (for slides)"},
    }


class ChartLibrary(anywidget.AnyWidget):
    """An invisible widget holding the chart JavaScript once per kernel (see :func:`library`)."""

    _esm = "export default { render() {} };"
    code = traitlets.Unicode("").tag(sync=True)


_LIBRARY: ChartLibrary | None = None


def library() -> ChartLibrary:
    """The kernel's one :class:`ChartLibrary` (created on first use)."""
    global _LIBRARY
    if _LIBRARY is None or _LIBRARY.comm is None:
        _LIBRARY = ChartLibrary(code=bundle())
    return _LIBRARY


class Chart(alt.JupyterChart):
    """``altair.JupyterChart`` that loads its JavaScript from the shared :class:`ChartLibrary`.

    Same API as ``JupyterChart``: assign ``view.chart = new_chart`` to redraw in place.
    """

    _esm = STUB_ESM
    library = traitlets.Instance(ChartLibrary, allow_none=True).tag(sync=True, **widget_serialization)

    def __init__(self, chart=None, **kwargs):
        kwargs.setdefault("library", library())
        if kwargs.get("embed_options") is None:
            kwargs["embed_options"] = embed_options(chart)
        super().__init__(chart, **kwargs)

    @traitlets.observe("chart")
    def _on_change_chart(self, change):
        """altair's handler, with the spec's JSON-schema validation skipped unless :data:`VALIDATE`.

        Validation costs 20-40 % of a panel's redraw; every chart function is validated by the
        tests (which set ``VALIDATE``), so a classroom kernel need not repeat it on each change.
        """
        new = change.new
        if new is None or VALIDATE:
            return super()._on_change_chart(change)
        object.__setattr__(new, "to_dict", functools.partial(new.to_dict, validate=False))
        try:
            return super()._on_change_chart(change)
        finally:
            object.__delattr__(new, "to_dict")


#: How long (ms) a chart waits after its last bound-input change before telling the kernel the new
#: param values (altair's ``debounce_wait``, 10 ms by default). The browser redraws the chart
#: itself at once; the kernel only updates what lies beside the chart (a table, a note).
PARAM_SYNC_MS = 150


class ParamControl:
    """A chart param bound to an input that Vega draws inside the chart, used as a panel control.

    ``value`` follows ``view.params.<name>`` (synced from the browser by altair's ``JupyterChart``,
    across redraws: altair gives every new chart a new ``params`` object, so this observes the
    view's ``_params``). Setting ``value`` in Python (Reset, presets) redraws the chart at that
    value (:meth:`_redraw`), even when the kernel already holds it: the browser tells the kernel
    about a change only :data:`PARAM_SYNC_MS` after it, so a Reset clicked right after a change
    must still reach the chart. ``observe(handler, names="value")`` as for a widget: a
    :class:`hcckit.widgets.panel.Panel` treats it as any other control (``controls``, ``state``,
    ``on_change``, Reset, presets); its updates must not redraw the chart (the browser already
    did). ``name`` is the Vega-Lite param name; ``description`` the input's label.
    """

    def __init__(self, view: alt.JupyterChart, name: str, value, *, description: str = ""):
        self.view = view
        self.name = name
        self.description = description
        self._value = value
        self._handlers: list = []
        view.debounce_wait = PARAM_SYNC_MS
        view.observe(self._from_view, names="_params")

    @property
    def value(self):
        """The param's current value (as the browser last reported it, or as last set here)."""
        return self._value

    @value.setter
    def value(self, new) -> None:
        old, self._value = self._value, new
        params = dict(self.view._params)
        if self.name in params:  # the chart shown has this param: draw it anew at that value
            params[self.name] = new
            self.view._params = params
            self._redraw(new)
        self._notify(old, new)

    def _redraw(self, new) -> None:
        """Send the chart's spec with the param at ``new``: the browser draws it afresh (as first drawn).

        Even when the kernel already holds ``new``: the browser reports a change of its input only
        :data:`PARAM_SYNC_MS` later, so it may show another value (a counter in ``usermeta``, which
        Vega ignores, makes the spec differ). Only Reset and presets come here, never a change made
        in the browser.
        """
        spec = self.view.spec
        if not isinstance(spec, dict) or not any(p.get("name") == self.name for p in spec.get("params", [])):
            return
        meta = dict(spec.get("usermeta") or {})
        meta["hcckit_push"] = int(meta.get("hcckit_push", 0)) + 1
        params = [dict(p, value=new) if p.get("name") == self.name else p for p in spec["params"]]
        self.view.spec = {**spec, "params": params, "usermeta": meta}

    def observe(self, handler, names="value") -> None:
        """Call ``handler(change)`` (a dict with ``old`` and ``new``) when ``value`` changes."""
        if names not in ("value", ["value"], ("value",)):
            raise ValueError(f"names: a ParamControl has only 'value', got {names!r}")
        self._handlers.append(handler)

    def unobserve(self, handler, names="value") -> None:
        self._handlers.remove(handler)

    def _notify(self, old, new) -> None:
        if old == new:
            return
        change = {"name": "value", "old": old, "new": new, "owner": self, "type": "change"}
        for handler in list(self._handlers):
            handler(change)

    def _from_view(self, change) -> None:
        new = (change.new or {}).get(self.name)
        if new is not None and new != self._value:
            old, self._value = self._value, new
            self._notify(old, new)

    def __repr__(self) -> str:
        return f"ParamControl({self.name!r}, value={self._value!r})"


class OfflineChart(alt.JupyterChart):
    """The fallback: altair's own offline ``JupyterChart`` with hcckit's embed options and page styles.

    Each chart carries the whole Vega bundle (built once per kernel by vl-convert, about 1.2 s and
    55 MB) and is redrawn by altair's full re-embed; same API (``view.chart = new_chart``).
    """

    _css = alt.JupyterChart._css + CHART_CSS

    def __init__(self, chart=None, **kwargs):
        _altair_offline()
        if kwargs.get("embed_options") is None:
            kwargs["embed_options"] = embed_options(chart)
        super().__init__(chart, **kwargs)


@functools.cache
def _altair_offline() -> bool:
    try:
        alt.JupyterChart.enable_offline()
    except Exception as exc:  # noqa: BLE001 - no vl-convert: altair loads its JavaScript from a CDN
        log.warning(
            "hcckit: altair's offline mode failed (%s: %s); charts load from a CDN", type(exc).__name__, exc
        )
        return False
    return True


def view(chart=None, **kwargs) -> alt.JupyterChart:
    """A chart widget: a :class:`Chart` on the shared library, or an :class:`OfflineChart` (:func:`problem`)."""
    return (Chart if shared() else OfflineChart)(chart, **kwargs)


def renderer(spec: dict, **metadata) -> dict:
    """altair renderer ``hcckit``: a chart shown directly (not in a panel) as a chart widget (:func:`view`)."""
    chart = alt.Chart.from_dict(spec)
    return view(chart, embed_options=metadata.get("embed_options"))._repr_mimebundle_()
