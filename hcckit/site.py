"""The lessons as a static, offline HTML site: ``hcckit export-site DIR``.

Every lesson notebook (``notebooks/0*.ipynb``, ``00_index`` first) is executed once headless (nbclient,
a fresh ``python3`` kernel whose working folder is ``notebooks/``, the widget state stored) and
written as one HTML page, beside a landing page (``index.html``) and one JavaScript file
(``assets/vega.js``: Vega, Vega-Lite and vega-embed as a plain script, built by vl-convert from the
copies it embeds, so nothing is downloaded). The pages open from ``file://``, a USB stick or any
static web server, with no kernel and no request leaving the machine:

- markdown cells are rendered (nbconvert's mistune filter); links to another lesson point to its
  page (or become plain text when that lesson is not in the export), other relative links become
  plain text, links to the web stay links (nothing is *loaded* from the web);
- cells tagged ``lab-only`` are not shown (as in Voila); the ``lesson-nav`` cell stays last;
- HTML outputs (tables, cards) are copied as the lesson shows them; images are inlined;
- widgets are drawn from the stored widget state: boxes and HTML as they are, every chart widget
  (any widget with a Vega-Lite ``spec``) and every Vega-Lite output as a ``<div>`` drawn in the
  page by vega-embed from its spec (tooltips, and any params or selections bound to inputs, work:
  Vega runs in the page); controls that need Python (sliders, dropdowns, buttons, uploads) are
  shown disabled at their starting value, and a panel (``hcckit-panel``) or an exercise
  (``hcckit-exercise``) carries one line saying where to run it live.

Why a plain script: Chromium refuses ``<script type="module" src=...>`` from ``file://`` pages (a
module needs a CORS-capable origin), and the kit's shipped bundle (``hcckit/widgets/js/``) is an
ES module made to be handed to a widget; ``vl_convert.javascript_bundle()`` builds the same
libraries as a classic script that sets ``window.vegaEmbed``, which any page can load from disk.
"""

from __future__ import annotations

import html
import json
import re
import shutil
import time
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

__all__ = [
    "ASSETS",
    "EXERCISE_NOTE",
    "LIVE_NOTE",
    "SiteError",
    "export_site",
    "lesson_title",
    "lessons_in",
    "plain_math",
    "render_index",
    "render_lesson",
    "select_lessons",
]

#: The folder of the kit's lesson notebooks (a clone's ``notebooks/``).
NOTEBOOKS = Path(__file__).resolve().parents[1] / "notebooks"
#: CSS of the site pages (copied to ``DIR/assets/site.css``).
ASSETS = Path(__file__).with_name("site_assets")
#: The line a panel that needs Python shows in the static site (HTML).
LIVE_NOTE = (
    "Static copy: this panel is shown as it starts. Inputs drawn inside a chart work here; the other "
    "controls need Python — run the lesson live in JupyterLab, Voila or Binder (the kit's README, "
    "“Classroom delivery”, says how)."
)
#: The same line for exercises (answer boxes and Check buttons).
EXERCISE_NOTE = (
    "Static copy: the answer boxes and Check buttons need Python — answer these questions live in "
    "JupyterLab, Voila or Binder (the kit's README, “Classroom delivery”, says how)."
)
VEGA_JS = "assets/vega.js"
SITE_CSS = "assets/site.css"
WIDGET_VIEW = "application/vnd.jupyter.widget-view+json"
WIDGET_STATE = "application/vnd.jupyter.widget-state+json"
_VEGALITE = re.compile(r"^application/vnd\.vegalite\.v\d+\+json$")
_LESSON_LINK = re.compile(r'href="(\d\d_[A-Za-z0-9_]+)\.ipynb(#[^"]*)?"')
_CONTROLS = {
    "FloatSliderModel",
    "IntSliderModel",
    "FloatLogSliderModel",
    "FloatRangeSliderModel",
    "IntRangeSliderModel",
    "SelectionSliderModel",
    "SelectionRangeSliderModel",
    "DropdownModel",
    "SelectModel",
    "SelectMultipleModel",
    "ToggleButtonsModel",
    "RadioButtonsModel",
    "ToggleButtonModel",
    "CheckboxModel",
    "ButtonModel",
    "TextModel",
    "TextareaModel",
    "IntTextModel",
    "FloatTextModel",
    "BoundedIntTextModel",
    "BoundedFloatTextModel",
    "FileUploadModel",
    "ComboboxModel",
    "DatePickerModel",
    "ColorPickerModel",
    "PlayModel",
}


class SiteError(ValueError):
    """A request export_site cannot carry out (an unknown lesson, a folder that is not empty)."""


# --------------------------------------------------------------------------- lessons


def lessons_in(notebooks: Path = NOTEBOOKS) -> list[Path]:
    """The lesson notebooks of a folder, in order (``00_index`` first): ``0*.ipynb``."""
    found = sorted(Path(notebooks).glob("0*.ipynb"))
    index = [p for p in found if p.stem == "00_index"]
    return index + [p for p in found if p.stem != "00_index"]


def select_lessons(available: Sequence[Path], lessons: Iterable[str] | None) -> list[Path]:
    """The notebooks named by ``lessons`` (``"02"``, ``"02_response_criteria"`` or its ``.ipynb``).

    ``None`` selects all. Kept in the order of ``available``; raises :class:`SiteError` naming an
    unknown lesson and the known ones.
    """
    if lessons is None:
        return list(available)
    wanted: list[Path] = []
    for raw in lessons:
        key = str(raw).strip().removesuffix(".ipynb")
        if not key:
            continue
        match = [p for p in available if p.stem == key or p.stem.split("_")[0] == key]
        if not match:
            known = ", ".join(p.stem.split("_")[0] for p in available)
            raise SiteError(f"unknown lesson {key!r} (the lessons are {known})")
        wanted += [p for p in match if p not in wanted]
    if not wanted:
        raise SiteError("no lesson named (give lesson numbers such as 02,03)")
    return [p for p in available if p in wanted]


def lesson_title(nb) -> str:
    """The lesson's title: the first ``# `` line of its first markdown cell (bold and code marks removed)."""
    for cell in nb.cells:
        if cell.cell_type == "markdown":
            for line in cell.source.splitlines():
                if line.startswith("# "):
                    return line[2:].strip().replace("**", "").replace("`", "")
            break
    return ""


def _summary(nb) -> str:
    """The first paragraph of the lesson's first markdown cell after its title (plain text)."""
    if not nb.cells or nb.cells[0].cell_type != "markdown":
        return ""
    paragraphs = [p.strip() for p in re.split(r"\n\s*\n", nb.cells[0].source) if p.strip()]
    for p in paragraphs:
        if not p.startswith("#"):
            text = re.sub(r"[*`]|<[^>]+>", "", re.sub(r"\[([^\]]*)\]\([^)]*\)", r"\1", p))
            return text if len(text) <= 320 else text[:317].rsplit(" ", 1)[0] + " …"
    return ""


def execute(path: Path, *, timeout: float = 300):
    """Run a notebook top to bottom in a fresh kernel (cwd: its folder); the widget state is stored.

    ``timeout`` is per cell, in seconds. Returns the executed notebook; raises nbclient's
    CellExecutionError if a cell fails.
    """
    import nbformat
    from nbclient import NotebookClient

    nb = nbformat.read(path, as_version=4)
    NotebookClient(
        nb,
        timeout=timeout,
        kernel_name="python3",
        resources={"metadata": {"path": str(Path(path).parent)}},
        store_widget_state=True,
    ).execute()
    return nb


# --------------------------------------------------------------------------- rendering


@dataclass
class _Page:
    """What rendering one page collects: chart specs, in page order."""

    charts: list[dict] = field(default_factory=list)
    state: dict = field(default_factory=dict)

    def chart(self, spec: dict, options: dict | None = None, classes: Sequence[str] = ()) -> str:
        n = len(self.charts)
        self.charts.append({"spec": spec, "options": options or {}})
        cls = " ".join(["hcckit-chart", *[c for c in classes if c != "hcckit-chart"]])
        return f'<div class="{html.escape(cls)}" id="chart-{n}" data-chart="{n}"></div>'


def _esc(text) -> str:
    return html.escape("" if text is None else str(text))


def _json_script(value, element_id: str) -> str:
    text = json.dumps(value, separators=(",", ":"), allow_nan=False, default=str)
    text = text.replace("</", "<\\/").replace("<!--", "<\\!--")
    return f'<script type="application/json" id="{element_id}">{text}</script>'


def _ref(value) -> str | None:
    return value[10:] if isinstance(value, str) and value.startswith("IPY_MODEL_") else None


_LAYOUT_KEYS = {
    "width": "width",
    "max_width": "max-width",
    "min_width": "min-width",
    "height": "height",
    "max_height": "max-height",
    "flex": "flex",
    "flex_flow": "flex-flow",
    "align_items": "align-items",
    "align_self": "align-self",
    "justify_content": "justify-content",
    "margin": "margin",
    "padding": "padding",
    "border": "border",
    "grid_gap": "gap",
    "grid_template_columns": "grid-template-columns",
    "overflow": "overflow",
    "order": "order",
}


def _layout(page: _Page, attrs: dict) -> tuple[bool, str]:
    """(visible, inline CSS) of a widget's Layout model."""
    model = page.state.get(_ref(attrs.get("layout")) or "", {})
    lay = model.get("state", {})
    if lay.get("display") == "none" or lay.get("visibility") == "hidden":
        return False, ""
    css = [f"{prop}:{lay[key]}" for key, prop in _LAYOUT_KEYS.items() if lay.get(key) not in (None, "")]
    if lay.get("display") not in (None, ""):
        css.append(f"display:{lay['display']}")
    return True, ";".join(_esc(c).replace("&#x27;", "'") for c in css)


def _attrs(classes: Sequence[str], style: str, *extra: str) -> str:
    out = f' class="{_esc(" ".join(c for c in (*extra, *classes) if c))}"'
    return out + (f' style="{style}"' if style else "")


def _label(desc: str) -> str:
    return f'<span class="widget-label">{_esc(desc)}</span>' if desc else ""


def _fmt(value) -> str:
    if isinstance(value, float):
        return f"{value:g}"
    return _esc(value)


def _control(name: str, s: dict) -> str:
    """A disabled rendering of a control at its current value."""
    desc = s.get("description") or ""
    labels = s.get("_options_labels") or []
    index = s.get("index")
    if name.endswith("SliderModel"):
        if name.startswith("Selection"):
            idx = index if isinstance(index, (list, tuple)) else [index]
            value = " – ".join(_esc(labels[i]) for i in idx if isinstance(i, int) and 0 <= i < len(labels))
            lo, hi, v = 0, max(len(labels) - 1, 0), idx[0] if idx and isinstance(idx[0], int) else 0
        else:
            val = s.get("value")
            value = " – ".join(map(_fmt, val)) if isinstance(val, list) else _fmt(val)
            lo, hi = s.get("min", 0), s.get("max", 100)
            v = val[0] if isinstance(val, list) and val else val
            if name == "FloatLogSliderModel":
                value = _fmt(s.get("base", 10) ** (v or 0)) if isinstance(v, (int, float)) else value
        step = s.get("step") if isinstance(s.get("step"), (int, float)) else "any"
        return (
            f'<label class="widget-slider">{_label(desc)}<input type="range" disabled min="{_esc(lo)}" '
            f'max="{_esc(hi)}" step="{_esc(step)}" value="{_esc(v)}"><output>{value}</output></label>'
        )
    if name in {"DropdownModel", "SelectModel", "ComboboxModel"}:
        if name == "ComboboxModel":
            labels, index = [s.get("value", "")], 0
        opts = "".join(
            f"<option{' selected' if i == index else ''}>{_esc(lab)}</option>" for i, lab in enumerate(labels)
        )
        return f'<label class="widget-dropdown">{_label(desc)}<select disabled>{opts}</select></label>'
    if name == "SelectMultipleModel":
        chosen = set(index or [])
        opts = "".join(
            f"<option{' selected' if i in chosen else ''}>{_esc(lab)}</option>"
            for i, lab in enumerate(labels)
        )
        return f'<label class="widget-select">{_label(desc)}<select multiple disabled>{opts}</select></label>'
    if name in {"ToggleButtonsModel", "RadioButtonsModel"}:
        kind = "toggle" if name == "ToggleButtonsModel" else "radio"
        items = "".join(
            f'<span class="hcckit-choice{" hcckit-chosen" if i == index else ""}" aria-checked="'
            f'{"true" if i == index else "false"}">{_esc(lab)}</span>'
            for i, lab in enumerate(labels)
        )
        return (
            f'<div class="widget-{kind}s" role="radiogroup" aria-disabled="true">{_label(desc)}'
            f'<span class="hcckit-choices">{items}</span></div>'
        )
    if name in {"CheckboxModel", "ToggleButtonModel"}:
        checked = " checked" if s.get("value") else ""
        return (
            f'<label class="widget-checkbox"><input type="checkbox" disabled{checked}> {_esc(desc)}</label>'
        )
    if name == "ButtonModel":
        return f'<button type="button" class="widget-button" disabled>{_esc(desc or "Button")}</button>'
    if name == "FileUploadModel":
        return f'<button type="button" class="widget-button widget-upload" disabled>{_esc(desc or "Upload")}</button>'
    if name == "TextareaModel":
        return f'<label class="widget-textarea">{_label(desc)}<textarea disabled>{_esc(s.get("value", ""))}</textarea></label>'
    if name == "PlayModel":
        return ""
    value = s.get("value", "")
    placeholder = s.get("placeholder") or ""
    return (
        f'<label class="widget-text">{_label(desc)}<input type="text" disabled value="{_esc(value)}" '
        f'placeholder="{_esc(placeholder)}"></label>'
    )


def _spec_of(attrs: dict):
    spec = attrs.get("spec")
    if isinstance(spec, str):
        try:
            spec = json.loads(spec)
        except ValueError:
            return None
    return spec if isinstance(spec, dict) and spec else None


def _has_controls(page: _Page, model_id: str | None, seen: set | None = None) -> bool:
    seen = set() if seen is None else seen
    if not model_id or model_id in seen:
        return False
    seen.add(model_id)
    model = page.state.get(model_id, {})
    if model.get("model_name") in _CONTROLS:
        return True
    attrs = model.get("state", {})
    return any(_has_controls(page, _ref(c), seen) for c in attrs.get("children") or [])


#: lesson 07's slice viewer (an anywidget without a chart spec): drawn as a still PNG of the slice shown
_SLICE_VIEWER = "hcckit.widgets.imaging_viewer.SliceViewer"


def _widget(page: _Page, model_id: str | None, depth: int = 0) -> str:
    """HTML of one widget from the stored widget state (recursive)."""
    model = page.state.get(model_id or "")
    if model is None or depth > 60:
        return ""
    name = model.get("model_name", "")
    s = model.get("state", {})
    classes = list(s.get("_dom_classes") or [])
    visible, style = _layout(page, s)
    if not visible:
        return ""
    if name == "AnyModel" or "spec" in s:
        spec = _spec_of(s)
        if spec is None and s.get("_anywidget_id") == _SLICE_VIEWER:
            from hcckit.widgets import imaging_viewer

            image = imaging_viewer.static_html(model)
            still = [c for c in classes if c != "hcckit-chart"]  # a still image, not a Vega chart to draw
            return f"<div{_attrs(still, style, 'hcckit-imaging-viewer')}>{image}</div>" if image else ""
        if spec is None:
            return ""  # e.g. the invisible chart library widget
        return page.chart(
            spec, s.get("embed_options") if isinstance(s.get("embed_options"), dict) else {}, classes
        )
    children = [_ref(c) for c in s.get("children") or []]
    if name in {"TabModel", "AccordionModel", "StackModel"}:
        sel = s.get("selected_index")
        sel = sel if isinstance(sel, int) and 0 <= sel < len(children) else (0 if children else None)
        titles = list(s.get("titles") or [])
        bar = ""
        if name != "StackModel" and len(children) > 1:
            tabs = "".join(
                f'<span class="hcckit-tab{" hcckit-tab-on" if i == sel else ""}">'
                f"{_esc(titles[i] if i < len(titles) and titles[i] else f'Tab {i + 1}')}</span>"
                for i in range(len(children))
            )
            bar = f'<div class="hcckit-tabbar" aria-disabled="true">{tabs}</div>'
        body = _widget(page, children[sel], depth + 1) if sel is not None else ""
        return (
            f"<div{_attrs(classes, style, 'widget-tab')}>{bar}<div class='hcckit-tabpane'>{body}</div></div>"
        )
    if name in {"VBoxModel", "HBoxModel", "BoxModel", "GridBoxModel"} or (children and name not in _CONTROLS):
        kind = {"HBoxModel": "widget-hbox", "GridBoxModel": "widget-gridbox"}.get(name, "widget-vbox")
        inner = "".join(_widget(page, c, depth + 1) for c in children)
        if "hcckit-panel" in classes:
            inner = f'<p class="hcckit-live-note">{_esc(LIVE_NOTE)}</p>' + inner
        return f"<div{_attrs(classes, style, kind)}>{inner}</div>"
    if name in {"HTMLModel", "HTMLMathModel"}:
        label = _label(s.get("description") or "")
        return f"<div{_attrs(classes, style, 'widget-html')}>{label}<div class='widget-html-content'>{s.get('value') or ''}</div></div>"
    if name == "LabelModel":
        return f"<div{_attrs(classes, style, 'widget-label')}>{_esc(s.get('value'))}</div>"
    if name == "OutputModel":
        inner = "".join(_output(page, out) for out in s.get("outputs") or [])
        return f"<div{_attrs(classes, style, 'widget-output')}>{inner}</div>" if inner else ""
    if name == "ImageModel":
        value = s.get("value")
        fmt = s.get("format") or "png"
        if isinstance(value, dict) and "b64" in value:  # ipywidgets' serialised bytes
            value = value["b64"]
        if isinstance(value, str) and value:
            mime = "image/svg+xml" if fmt == "svg" else f"image/{fmt}"
            return f'<img{_attrs(classes, style, "widget-image")} alt="" src="data:{mime};base64,{value}">'
        return ""
    if name in {"ValidModel"}:
        return ""
    if name in _CONTROLS:
        return f"<div{_attrs(classes, style, 'widget-control')}>{_control(name, s)}</div>"
    return ""


def _text(value) -> str:
    return "".join(value) if isinstance(value, list) else str(value or "")


def _output(page: _Page, out: dict) -> str:
    """HTML of one code-cell output."""
    kind = out.get("output_type")
    if kind == "stream":
        if out.get("name") != "stdout":
            return ""
        return f'<pre class="hcckit-stream">{_esc(_text(out.get("text")))}</pre>'
    if kind == "error":
        return f'<pre class="hcckit-error">{_esc(out.get("ename"))}: {_esc(out.get("evalue"))}</pre>'
    data = out.get("data", {}) or {}
    view = data.get(WIDGET_VIEW)
    if isinstance(view, dict) and view.get("model_id") in page.state:
        body = _widget(page, view["model_id"])
        model_classes = page.state[view["model_id"]].get("state", {}).get("_dom_classes") or []
        if (
            body
            and "hcckit-panel" not in model_classes
            and "hcckit-live-note" not in body
            and _has_controls(page, view["model_id"])
        ):
            note = EXERCISE_NOTE if "hcckit-exercise" in body else LIVE_NOTE
            body = f'<p class="hcckit-live-note">{_esc(note)}</p>' + body
        return body
    for mime, value in data.items():
        if _VEGALITE.match(mime) and isinstance(value, dict):
            return page.chart(value, (out.get("metadata", {}).get(mime) or {}).get("embed_options"))
    if "text/html" in data:
        return f'<div class="hcckit-html">{_text(data["text/html"])}</div>'
    if "image/svg+xml" in data:
        return f'<div class="hcckit-image">{_text(data["image/svg+xml"])}</div>'
    for mime in ("image/png", "image/jpeg", "image/gif"):
        if mime in data:
            b64 = _text(data[mime]).replace("\n", "")
            return f'<div class="hcckit-image"><img alt="" src="data:{mime};base64,{b64}"></div>'
    if "text/markdown" in data:
        return f'<div class="hcckit-markdown">{_markdown(_text(data["text/markdown"]))}</div>'
    if "text/plain" in data and kind == "display_data":
        return f'<pre class="hcckit-stream">{_esc(_text(data["text/plain"]))}</pre>'
    return ""


_TEX_SYMBOLS = {
    "qquad": "\u2003\u2003",
    "quad": "\u2003",
    "times": "×",
    "cdot": "·",
    "pm": "±",
    "le": "≤",
    "leq": "≤",
    "ge": "≥",
    "geq": "≥",
    "ne": "≠",
    "neq": "≠",
    "approx": "≈",
    "to": "→",
    "infty": "∞",
    "sum": "Σ",
    "alpha": "α",
    "beta": "β",
    "gamma": "γ",
    "delta": "δ",
    "lambda": "λ",
    "mu": "μ",
    "sigma": "σ",
    "tau": "τ",
    "chi": "χ",
    "Delta": "Δ",
    "left": "",
    "right": "",
}


def _tex_group(tex: str, i: int) -> tuple[str, int]:
    """The brace group (or single character) of ``tex`` starting at ``i``: (content, index after it)."""
    while i < len(tex) and tex[i] == " ":
        i += 1
    if i >= len(tex) or tex[i] != "{":
        return tex[i : i + 1], i + 1
    depth, j = 0, i
    while j < len(tex):
        depth += {"{": 1, "}": -1}.get(tex[j], 0)
        if depth == 0:
            return tex[i + 1 : j], j + 1
        j += 1
    return tex[i + 1 :], len(tex)


def plain_math(tex: str) -> str:
    """A readable HTML rendering of simple TeX (fractions, text, sub/superscripts, symbols).

    The site loads no MathJax (it would be a second large script, for one formula in the lessons);
    the TeX source stays in the element's title.
    """
    out, i = [], 0
    while i < len(tex):
        c = tex[i]
        if c == "\\":
            m = re.match(r"\\([A-Za-z]+|.)", tex[i:])
            name, i = m.group(1), i + len(m.group(0))
            if name == "frac":
                num, i = _tex_group(tex, i)
                den, i = _tex_group(tex, i)
                out.append(f"({plain_math(num)}) / ({plain_math(den)})")
            elif name in {"text", "mathrm", "textrm", "mbox", "operatorname"}:
                body, i = _tex_group(tex, i)
                out.append(_esc(body.replace("\\%", "%")))
            elif name in {"sqrt"}:
                body, i = _tex_group(tex, i)
                out.append(f"√({plain_math(body)})")
            elif name in {",", ";", ":", " "}:
                out.append(" ")
            elif name == "!":
                pass
            elif name in _TEX_SYMBOLS:
                out.append(_TEX_SYMBOLS[name])
            else:
                out.append(_esc(name))
        elif c in "_^":
            body, i = _tex_group(tex, i + 1)
            tag = "sub" if c == "_" else "sup"
            out.append(f"<{tag}>{plain_math(body)}</{tag}>")
        elif c in "{}":
            i += 1
        else:
            out.append(_esc(c))
            i += 1
    return re.sub(r" {2,}", " ", "".join(out))


def _math(text: str) -> str:
    """Display math ``$$...$$`` left in markdown HTML by nbconvert, as :func:`plain_math`."""

    def show(m: re.Match) -> str:
        tex = html.unescape(m.group(1))
        return f'<span class="hcckit-math" title="{_esc(tex)}">{plain_math(tex)}</span>'

    return re.sub(r"\$\$(.+?)\$\$", show, text, flags=re.S)


def _markdown(source: str) -> str:
    from nbconvert.filters.markdown_mistune import markdown2html_mistune

    return _math(markdown2html_mistune(source))


def _fix_links(text: str, pages: set[str]) -> str:
    """Lesson links to their pages (or plain text when not exported); other relative links to plain text."""

    def lesson(m: re.Match) -> str:
        return (
            f'href="{m.group(1)}.html{m.group(2) or ""}"' if m.group(1) in pages else 'data-hcckit-nolink=""'
        )

    text = _LESSON_LINK.sub(lesson, text)

    def anchor(m: re.Match) -> str:
        attrs, body = m.group(1) or "", m.group(2)
        href = re.search(r"""href=(["'])(.*?)\1""", attrs, re.S)
        if "data-hcckit-nolink" in attrs:
            return f'<span class="hcckit-nolink" title="not in this export">{body}</span>'
        if href is None:
            return m.group(0)
        target = href.group(2)
        if re.match(r"^(https?:|mailto:|#|data:)", target) or (
            target.split("#")[0].endswith(".html") and target.split("#")[0].removesuffix(".html") in pages
        ):
            if target.startswith(("http:", "https:")) and "rel=" not in attrs:
                return f'<a{attrs} rel="noopener noreferrer">{body}</a>'
            return m.group(0)
        return (
            f'<span class="hcckit-nolink" title="{_esc(target)} is not part of the static site">{body}</span>'
        )

    return re.sub(r"<a(\s[^>]*)?>(.*?)</a>", anchor, text, flags=re.S)


def _slug(text: str, used: set[str]) -> str:
    base = re.sub(r"[^a-z0-9]+", "-", re.sub(r"<[^>]+>", "", text).lower()).strip("-") or "section"
    slug, n = base, 2
    while slug in used:
        slug, n = f"{base}-{n}", n + 1
    used.add(slug)
    return slug


def _head(title: str) -> str:
    return (
        '<!DOCTYPE html>\n<html lang="en">\n<head>\n<meta charset="utf-8">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        # no request may leave the page: scripts, styles, images and fonts from this site only
        '<meta http-equiv="Content-Security-Policy" content="default-src \'self\' data: blob:; '
        "script-src 'self' 'unsafe-inline' 'unsafe-eval'; style-src 'self' 'unsafe-inline'; "
        "img-src 'self' data: blob:; connect-src 'self' data: blob:\">\n"
        f"<title>{_esc(title)}</title>\n"
        f'<link rel="stylesheet" href="{SITE_CSS}">\n</head>\n'
    )


_DRAW_JS = r"""
(function () {
  var charts = JSON.parse(document.getElementById("hcckit-charts").textContent);
  window.hcckitCharts = {total: charts.length, drawn: 0, failed: 0, done: null};
  var jobs = charts.map(function (c, i) {
    var el = document.getElementById("chart-" + i);
    if (typeof vegaEmbed !== "function") {
      el.textContent = "The chart library (assets/vega.js) is missing: copy the whole site folder.";
      window.hcckitCharts.failed += 1;
      return Promise.resolve();
    }
    return vegaEmbed(el, c.spec, Object.assign({renderer: "svg"}, c.options)).then(function (result) {
      el.__hcckitEmbed = result;
      window.hcckitCharts.drawn += 1;
    }).catch(function (error) {
      window.hcckitCharts.failed += 1;
      el.textContent = "This chart could not be drawn: " + (error && error.message || error);
      console.warn("hcckit: chart " + i + " failed", error);
    });
  });
  Promise.all(jobs).then(function () { window.hcckitCharts.done = performance.now(); });
})();
"""


def _nav_bar(name: str, order: list[tuple[str, str]]) -> str:
    stems = [s for s, _ in order]
    i = stems.index(name) if name in stems else -1
    parts = ['<a href="index.html">All lessons</a>']
    if i > 0:
        parts.insert(0, f'<a href="{stems[i - 1]}.html" rel="prev">← {_esc(order[i - 1][1])}</a>')
    if 0 <= i < len(stems) - 1:
        parts.append(f'<a href="{stems[i + 1]}.html" rel="next">{_esc(order[i + 1][1])} →</a>')
    return '<nav class="hcckit-topnav">' + " · ".join(parts) + "</nav>"


def render_lesson(nb, *, name: str, order: Sequence[tuple[str, str]] = ()) -> str:
    """The static HTML page of one executed lesson notebook (a pure function of the notebook).

    ``name`` is the lesson's stem (``02_response_criteria``); ``order`` is every exported lesson as
    (stem, title), in site order: links to lessons outside it become plain text.
    """
    order = list(order) or [(name, lesson_title(nb) or name)]
    pages = {s for s, _ in order}
    widgets = nb.metadata.get("widgets", {}).get(WIDGET_STATE, {}) or {}
    page = _Page(state=widgets.get("state", {}) or {})
    title = lesson_title(nb) or name
    used: set[str] = set()
    toc: list[tuple[str, str]] = []
    cells: list[str] = []
    for cell in nb.cells:
        tags = cell.get("metadata", {}).get("tags", []) or []
        if "lab-only" in tags:
            continue
        if cell.cell_type == "markdown":
            body = _fix_links(_markdown(cell.source), pages)

            def heading(m: re.Match) -> str:
                level, inner = m.group(1), m.group(3)
                inner = re.sub(r'<a class="anchor-link"[^>]*>.*?</a>', "", inner)
                slug = _slug(inner, used)
                if level == "2":
                    toc.append((slug, html.unescape(re.sub(r"<[^>]+>", "", inner))))
                return f'<h{level} id="{slug}">{inner}</h{level}>'

            body = re.sub(r"<h([1-6])(\s[^>]*)?>(.*?)</h\1>", heading, body, flags=re.S)
            kind = "hcckit-lesson-nav" if "lesson-nav" in tags else "hcckit-md"
            cells.append(f'<section class="hcckit-cell {kind}">{body}</section>')
        elif cell.cell_type == "code":
            outs = "".join(_output(page, out) for out in cell.get("outputs", []))
            if outs:
                cells.append(f'<section class="hcckit-cell hcckit-out">{_fix_links(outs, pages)}</section>')
    toc_html = "".join(f'<li><a href="#{slug}">{_esc(text)}</a></li>' for slug, text in toc)
    current = ' aria-current="page"'
    lessons_html = "".join(
        f'<li><a href="{s}.html"{current if s == name else ""}>{_esc(t)}</a></li>' for s, t in order
    )
    return (
        _head(title)
        + '<body class="hcckit-site">\n<div class="hcckit-app">\n<aside id="hcckit-toc">'
        + '<p class="hcckit-toc-home"><a href="index.html">hcckit lessons</a></p>'
        + f'<ul class="hcckit-lessons">{lessons_html}</ul>'
        + (
            f'<p class="hcckit-toc-lesson">On this page</p><ul class="hcckit-toc-list">{toc_html}</ul>'
            if toc
            else ""
        )
        + '</aside>\n<main id="hcckit-content">'
        + _nav_bar(name, order)
        + "\n".join(cells)
        + "</main>\n</div>\n"
        + _json_script(page.charts, "hcckit-charts")
        + f'\n<script src="{VEGA_JS}"></script>\n<script>{_DRAW_JS}</script>\n</body>\n</html>\n'
    )


def render_index(entries: Sequence[tuple[str, str, str]]) -> str:
    """The landing page: every exported lesson as (stem, title, summary), in order."""
    items = "".join(
        f'<li><a href="{s}.html">{_esc(t)}</a>' + (f"<p>{_esc(d)}</p>" if d else "") + "</li>"
        for s, t, d in entries
    )
    return (
        _head("hcckit lessons")
        + '<body class="hcckit-site hcckit-landing">\n<main id="hcckit-content">'
        + "<h1>hcckit: HCC treatment evidence — the lessons</h1>"
        + "<p>A static copy of the lessons: the text, tables and every chart (hover a mark for its values). "
        + "It needs no server and no internet connection. Panels whose controls recompute in Python are "
        + "shown as they start; run them live in JupyterLab, Voila or Binder.</p>"
        + f'<ol class="hcckit-landing-list">{items}</ol></main>\n</body>\n</html>\n'
    )


# --------------------------------------------------------------------------- export


def vega_script() -> str:
    """Vega, Vega-Lite and vega-embed as one classic script (``window.vegaEmbed``), built offline.

    Built by ``vl_convert.javascript_bundle()`` for the Vega-Lite version altair writes, from the
    libraries vl-convert embeds (no download); about 0.9 MB, 4 s.
    """
    try:
        import vl_convert as vlc
        from altair.utils._importers import vl_version_for_vl_convert
    except ImportError as exc:  # pragma: no cover - both are dependencies of the kit
        raise SiteError(f"the static site needs vl-convert and altair ({exc})") from exc
    return vlc.javascript_bundle(vl_version=vl_version_for_vl_convert())


def export_site(
    directory,
    *,
    lessons: Iterable[str] | None = None,
    notebooks: Path | None = None,
    force: bool = False,
    timeout: float = 300,
    timings: dict | None = None,
) -> list[Path]:
    """Write the lessons as a static, offline HTML site in ``directory``; return the files written.

    ``lessons``: lesson numbers or stems (``["02", "03"]``), default all of ``notebooks/0*.ipynb``.
    ``directory`` is created; an existing non-empty one is refused (:class:`SiteError`) unless
    ``force`` (files of the same names are then replaced, nothing else is removed). ``timeout`` is
    the per-cell execution limit in seconds. If ``timings`` is a dict it receives, per lesson stem,
    the execution plus rendering time in seconds and the page size in bytes (``{stem: (s, bytes)}``).
    Returned paths: ``index.html``, then one ``<stem>.html`` per lesson, then the assets.
    Raises SiteError for an unknown lesson, nbclient's CellExecutionError if a lesson fails.
    """
    out = Path(directory)
    notebooks = Path(notebooks) if notebooks is not None else NOTEBOOKS
    available = lessons_in(notebooks)
    if not available:
        raise SiteError(f"no lesson notebooks (0*.ipynb) in {notebooks}")
    chosen = select_lessons(available, lessons)
    if out.exists() and not out.is_dir():
        raise SiteError(f"{out} exists and is not a folder")
    if out.is_dir() and any(out.iterdir()) and not force:
        raise SiteError(f"{out} is not empty (use --force to write into it)")
    (out / "assets").mkdir(parents=True, exist_ok=True)
    executed = []
    for path in chosen:
        t0 = time.perf_counter()
        nb = execute(path, timeout=timeout)
        executed.append((path.stem, nb, time.perf_counter() - t0))
    order = [(stem, lesson_title(nb) or stem) for stem, nb, _ in executed]
    written = [out / "index.html"]
    written[0].write_text(
        render_index([(stem, lesson_title(nb) or stem, _summary(nb)) for stem, nb, _ in executed]),
        encoding="utf-8",
    )
    for stem, nb, seconds in executed:
        t0 = time.perf_counter()
        target = out / f"{stem}.html"
        target.write_text(render_lesson(nb, name=stem, order=order), encoding="utf-8")
        written.append(target)
        if timings is not None:
            timings[stem] = (seconds + time.perf_counter() - t0, target.stat().st_size)
    css = out / SITE_CSS
    shutil.copyfile(ASSETS / "site.css", css)
    js = out / VEGA_JS
    js.write_text(vega_script(), encoding="utf-8")
    return [*written, css, js]
