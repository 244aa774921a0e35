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
- the bundle is read from ``hcckit/widgets/js/`` when a copy built for the installed altair
  version is shipped there, and built with vl-convert otherwise (the same code altair uses).

Rebuild the shipped copy after upgrading altair or vl-convert (a test fails until you do)::

    python tools/build_chart_bundle.py
"""

from __future__ import annotations

import logging
from pathlib import Path

import altair as alt
import anywidget
import traitlets
from ipywidgets import widget_serialization

__all__ = ["ChartLibrary", "Chart", "bundle", "library", "renderer"]

log = logging.getLogger("hcckit.widgets")

JS_DIR = Path(__file__).with_name("js")
_EXPORT = "export{__default as default};"

# The chart widgets' module: wait for the shared library, then draw with altair's render().
STUB_ESM = r"""
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
export default {
  async render(ctx) {
    let lib;
    try { lib = await library(ctx.model); }
    catch (error) {
      ctx.el.innerHTML = '<div style="color:#B00020">The chart library could not be loaded: '
        + String(error && error.message || error) + '. Reload the page.</div>';
      return;
    }
    return lib.render(ctx);
  }
};
"""


def _versions() -> tuple[str, str]:
    from altair.utils._importers import vl_version_for_vl_convert

    return alt.__version__, vl_version_for_vl_convert()


def shipped_path() -> Path:
    """Where the pre-built bundle for the installed altair version lives (it may be missing)."""
    altair_version, vl_version = _versions()
    return JS_DIR / f"altair-{altair_version}-vega-lite-{vl_version}.js"


def build_bundle() -> str:
    """Build altair's offline JupyterChart bundle with vl-convert (what ``enable_offline`` does)."""
    from altair.jupyter.jupyter_chart import load_js_src
    from altair.utils._importers import import_vl_convert

    vlc = import_vl_convert()
    lines = load_js_src().split("\n")
    while lines and (not lines[0].strip() or lines[0].startswith(("import", "//"))):
        lines.pop(0)
    return vlc.javascript_bundle("\n".join(lines), vl_version=_versions()[1])


_BUNDLE: str | None = None


def bundle() -> str:
    """altair's offline JupyterChart JavaScript (Vega, Vega-Lite, vega-embed), read once per kernel."""
    global _BUNDLE
    if _BUNDLE is None:
        path = shipped_path()
        if path.exists():
            _BUNDLE = path.read_text(encoding="utf-8")
        else:
            log.info("no pre-built chart bundle at %s; building it with vl-convert", path)
            _BUNDLE = build_bundle()
        if _EXPORT not in _BUNDLE:
            raise RuntimeError(
                f"the altair chart bundle does not end with {_EXPORT!r}: altair changed its JavaScript; "
                "hcckit.widgets._chartlib must be updated"
            )
    return _BUNDLE


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
        super().__init__(chart, **kwargs)


def renderer(spec: dict, **metadata) -> dict:
    """altair renderer ``hcckit``: a chart shown directly (not in a panel) as a shared-library widget."""
    return Chart(alt.Chart.from_dict(spec), embed_options=metadata.get("embed_options"))._repr_mimebundle_()
