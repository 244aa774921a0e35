"""hcckit.site / ``hcckit export-site``: the lessons as a static, offline HTML site.

Rendering is checked on a small hand-made notebook (no kernel) and on a real export of two lessons
(executed once per module). The browser half (charts drawn from file://, no request off the machine)
is tests/browser/test_static_site.py.
"""

from __future__ import annotations

import html
import json
import re
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urlsplit

import nbformat
import pytest

from hcckit import cli, site

REMOTE = re.compile(r"^(https?:)?//", re.I)


class _Tags(HTMLParser):
    """Every start tag with its attributes, and the text of each heading."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, dict]] = []
        self.headings: list[str] = []
        self._in: str | None = None

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))
        if re.fullmatch(r"h[1-6]", tag):
            self._in, self.headings = tag, [*self.headings, ""]

    def handle_endtag(self, tag):
        if tag == self._in:
            self._in = None

    def handle_data(self, data):
        if self._in:
            self.headings[-1] += data


def parse(text: str) -> _Tags:
    p = _Tags()
    p.feed(text)
    return p


def loaded_remote(text: str) -> list[str]:
    """URLs the page would *load* from elsewhere (script/img/iframe src, link href, CSS url())."""
    out = []
    for tag, attrs in parse(text).tags:
        for key in ("src", "data", "poster"):
            if attrs.get(key) and REMOTE.match(attrs[key].strip()):
                out.append(f"<{tag} {key}={attrs[key]}>")
        if tag == "link" and attrs.get("href") and REMOTE.match(attrs["href"].strip()):
            out.append(f"<link href={attrs['href']}>")
    out += re.findall(r"url\(\s*['\"]?(?:https?:)?//[^)]*\)", text)
    out += re.findall(r"@import\s+['\"]?(?:https?:)?//[^;]*", text)
    return out


def chart_specs(text: str) -> list[dict]:
    m = re.search(r'<script type="application/json" id="hcckit-charts">(.*?)</script>', text, re.S)
    assert m, "the page has no chart spec block"
    return json.loads(m.group(1).replace("<\\/", "</"))


# --------------------------------------------------------------------------- a hand-made lesson


def _widget(model_name: str, module="@jupyter-widgets/controls", **state) -> dict:
    return {"model_name": model_name, "model_module": module, "model_module_version": "2.0.0", "state": state}


def _toy_notebook():
    spec = {
        "$schema": "https://vega.github.io/schema/vega-lite/v6.json",
        "data": {"values": [{"x": 1, "y": 2}]},
        "mark": "point",
        "encoding": {"x": {"field": "x", "type": "quantitative"}, "tooltip": [{"field": "y"}]},
        "params": [{"name": "size", "value": 40, "bind": {"input": "range", "min": 10, "max": 90}}],
    }
    state = {
        "panel": _widget(
            "VBoxModel",
            children=["IPY_MODEL_slider", "IPY_MODEL_chart", "IPY_MODEL_hidden"],
            _dom_classes=["hcckit-panel"],
            layout="IPY_MODEL_lay",
        ),
        "slider": _widget(
            "FloatSliderModel",
            value=30.0,
            min=0,
            max=50,
            step=0.5,
            description="Viable LD (mm)",
            layout="IPY_MODEL_lay",
        ),
        "chart": _widget(
            "AnyModel",
            module="anywidget",
            spec=spec,
            embed_options={"actions": False},
            _dom_classes=["hcckit-chart"],
            layout="IPY_MODEL_lay",
        ),
        "hidden": _widget("ButtonModel", description="Show answer", layout="IPY_MODEL_gone"),
        "lay": _widget("LayoutModel", module="@jupyter-widgets/base"),
        "gone": _widget("LayoutModel", module="@jupyter-widgets/base", display="none"),
        "library": _widget("AnyModel", module="anywidget", code="x" * 100),
    }
    md = nbformat.v4.new_markdown_cell
    code = nbformat.v4.new_code_cell
    cells = [
        md(
            "# 09 · A toy lesson\n\nIntro with a [citation](https://doi.org/10.1/x) and [notes](../docs/TEACHING.md)."
        ),
        md("## Setup", metadata={"tags": ["lab-only"]}),
        code(
            "from hcckit import widgets  # SECRET-SETUP",
            metadata={"tags": ["lab-only"]},
            outputs=[nbformat.v4.new_output("stream", name="stdout", text="SECRET-OUTPUT")],
        ),
        md("## 1 · A panel"),
        code(
            "panel",
            outputs=[
                nbformat.v4.new_output(
                    "execute_result",
                    data={
                        site.WIDGET_VIEW: {"model_id": "panel", "version_major": 2, "version_minor": 0},
                        "text/plain": "VBox()",
                    },
                    execution_count=1,
                )
            ],
        ),
        code(
            "table",
            outputs=[
                nbformat.v4.new_output(
                    "execute_result",
                    data={"text/html": "<table class='hcckit-table'><tr><td>42</td></tr></table>"},
                    execution_count=2,
                )
            ],
        ),
        md(
            "**Lessons:** [← Previous: 08](08_previous.ipynb) · [Lesson index](00_index.ipynb)",
            metadata={"tags": ["lesson-nav"]},
        ),
    ]
    nb = nbformat.v4.new_notebook(cells=cells)
    nb.metadata["widgets"] = {site.WIDGET_STATE: {"version_major": 2, "version_minor": 0, "state": state}}
    return nb


@pytest.fixture(scope="module")
def toy_page() -> str:
    return site.render_lesson(
        _toy_notebook(), name="09_toy", order=[("00_index", "Index"), ("09_toy", "Toy")]
    )


def test_toy_page_text_headings_and_no_lab_only(toy_page):
    p = parse(toy_page)
    assert p.headings[:2] == ["09 · A toy lesson", "1 · A panel"]
    assert "Setup" not in p.headings
    # the sidebar lists the sections by their text, entities decoded once ("1 · A", not "1 &#183; A")
    toc = toy_page.split('<ul class="hcckit-toc-list">', 1)[1].split("</ul>", 1)[0]
    assert ">1 · A panel<" in toc and "&#" not in toc
    assert "SECRET" not in toy_page
    assert "<td>42</td>" in toy_page  # HTML output as the lesson shows it


def test_toy_page_links(toy_page):
    p = parse(toy_page)
    hrefs = [a.get("href") for t, a in p.tags if t == "a" and a.get("href")]
    assert "00_index.html" in hrefs  # lesson link -> its page
    assert "https://doi.org/10.1/x" in hrefs  # a citation stays a link (nothing is loaded)
    assert not any(h.endswith(".ipynb") or "TEACHING" in h or "08_previous" in h for h in hrefs)
    assert "notes" in toy_page and "← Previous: 08" in toy_page  # the words stay, as plain text
    assert loaded_remote(toy_page) == []


def test_toy_page_panel_chart_and_controls(toy_page):
    specs = chart_specs(toy_page)
    assert len(specs) == 1 and specs[0]["spec"]["mark"] == "point"
    assert specs[0]["spec"]["params"][0]["bind"]["input"] == "range"  # bound params reach vega-embed
    assert specs[0]["options"] == {"actions": False}
    assert re.search(r'<div class="hcckit-chart" id="chart-0" data-chart="0"></div>', toy_page)
    assert html.escape(site.LIVE_NOTE) in toy_page
    slider = re.search(r'<input type="range"[^>]*>', toy_page).group(0)
    assert "disabled" in slider and 'value="30.0"' in slider
    assert "Show answer" not in toy_page  # hidden by its layout
    assert "x" * 100 not in toy_page  # the invisible chart library is not copied


def test_select_lessons_names_the_unknown_one():
    available = site.lessons_in()
    assert available[0].stem == "00_index"
    assert [p.stem for p in site.select_lessons(available, ["03", "02_response_criteria"])] == [
        "02_response_criteria",
        "03_survival",
    ]
    with pytest.raises(site.SiteError, match=r"unknown lesson '42'.*00, 01"):
        site.select_lessons(available, ["02", "42"])


# --------------------------------------------------------------------------- command line errors


def test_cli_refuses_a_non_empty_folder(tmp_path, capsys):
    (tmp_path / "keep.txt").write_text("mine")
    assert cli.main(["export-site", str(tmp_path), "--lessons", "00"]) == 2
    err = capsys.readouterr().err
    assert err.startswith("hcckit export-site: ") and "not empty" in err and "--force" in err
    assert sorted(p.name for p in tmp_path.iterdir()) == ["keep.txt"]


def test_cli_names_an_unknown_lesson(tmp_path, capsys):
    assert cli.main(["export-site", str(tmp_path / "out"), "--lessons", "02,77"]) == 2
    err = capsys.readouterr().err
    assert "unknown lesson '77'" in err and "Traceback" not in err
    assert not (tmp_path / "out").exists()


# --------------------------------------------------------------------------- a real export


@pytest.fixture(scope="module")
def exported(tmp_path_factory) -> tuple[Path, list[Path]]:
    out = tmp_path_factory.mktemp("site")
    return out, site.export_site(out, lessons=["00", "05"], force=True)


def test_export_writes_the_pages_and_the_local_chart_library(exported):
    out, written = exported
    names = [p.relative_to(out).as_posix() for p in written]
    assert names == ["index.html", "00_index.html", "05_safety.html", "assets/site.css", "assets/vega.js"]
    js = (out / "assets/vega.js").read_text(encoding="utf-8")
    assert "window.vegaEmbed" in js and not re.search(r"(^|[;\n])\s*(import|export)\s*[{*\w]", js[:200])


@pytest.mark.parametrize("page", ["index.html", "00_index.html", "05_safety.html"])
def test_exported_page_loads_nothing_remote_and_links_resolve(exported, page):
    out, _ = exported
    text = (out / page).read_text(encoding="utf-8")
    assert loaded_remote(text) == [], page
    p = parse(text)
    for tag, attrs in p.tags:
        href = attrs.get("href") if tag in {"a", "link"} else attrs.get("src") if tag == "script" else None
        if not href or href.startswith(("#", "data:", "mailto:")) or REMOTE.match(href):
            continue
        target = out / unquote(urlsplit(href).path)
        assert target.is_file(), f"{page}: {tag} {href} does not resolve to a file in the site"


def test_exported_lesson_headings_charts_and_nav(exported):
    out, _ = exported
    text = (out / "05_safety.html").read_text(encoding="utf-8")
    nb = nbformat.read(site.NOTEBOOKS / "05_safety.ipynb", as_version=4)
    p = parse(text)
    assert p.headings[0] == site.lesson_title(nb)
    shown_h2 = [
        c.source.lstrip().splitlines()[0][3:].strip().replace("**", "").replace("`", "")
        for c in nb.cells
        if c.cell_type == "markdown"
        and c.source.lstrip().startswith("## ")
        and "lab-only" not in c.metadata.get("tags", [])
    ]
    assert shown_h2 and all(h in p.headings for h in shown_h2)
    assert "Setup" not in p.headings
    # the sidebar lists the sections by their text, entities decoded once ("1 · Who", not "1 &#183; Who")
    toc = text.split('<ul class="hcckit-toc-list">', 1)[1].split("</ul>", 1)[0]
    assert "&amp;" not in toc and "&#" not in toc
    ids = re.findall(r'<div class="hcckit-chart[^"]*" id="chart-(\d+)" data-chart="\1"', text)
    specs = chart_specs(text)
    assert ids and len(ids) == len(specs) == len(set(ids))
    assert all("$schema" in s["spec"] and ("data" in s["spec"] or "datasets" in s["spec"]) for s in specs)
    # the lesson-nav cell is last and its index link goes to the exported index page
    last = text.rsplit('<section class="hcckit-cell', 1)[1]
    assert "hcckit-lesson-nav" in last.split(">", 1)[0] and 'href="00_index.html"' in last
    assert "06_critical_appraisal.html" not in text  # not exported: plain text, no broken link


def test_plain_math_reads_the_lessons_formula():
    tex = (
        r"SE[\ln HR] = \frac{\ln(\text{upper}) - \ln(\text{lower})}{2\,z}, \qquad z = 1.960 \text{ for 95 \%}"
    )
    assert site.plain_math(tex).startswith("SE[ln HR] = (ln(upper) - ln(lower)) / (2 z),")
    assert site.plain_math("x_{i}^2 \\le 1") == "x<sub>i</sub><sup>2</sup> ≤ 1"
    page = site.render_lesson(
        nbformat.v4.new_notebook(cells=[nbformat.v4.new_markdown_cell("# T\n\n$$a = \\frac{1}{2}$$")]),
        name="09_t",
    )
    assert "$$" not in page and 'class="hcckit-math"' in page and "(1) / (2)" in page


def test_download_links_stay_and_relative_files_become_text():
    out = site._fix_links(
        "<a download='x.csv' href='data:text/csv;base64,eA=='>x.csv</a> <a href='notes.pdf'>notes</a>", set()
    )
    assert "href='data:text/csv;base64,eA=='" in out  # a CSV built in the page, downloaded offline
    assert "notes.pdf" not in out.split("title=")[0] and ">notes</span>" in out


def test_exercises_get_their_own_live_line():
    state = {
        "ex": _widget(
            "VBoxModel", children=["IPY_MODEL_q", "IPY_MODEL_check"], _dom_classes=["hcckit-exercise"]
        ),
        "q": _widget("RadioButtonsModel", _options_labels=["PR", "SD"], index=None),
        "check": _widget("ButtonModel", description="Check"),
    }
    nb = nbformat.v4.new_notebook(
        cells=[
            nbformat.v4.new_code_cell(
                "q",
                outputs=[
                    nbformat.v4.new_output(
                        "display_data", data={site.WIDGET_VIEW: {"model_id": "ex"}, "text/plain": "VBox()"}
                    )
                ],
            )
        ]
    )
    nb.metadata["widgets"] = {site.WIDGET_STATE: {"state": state}}
    page = site.render_lesson(nb, name="09_ex")
    assert html.escape(site.EXERCISE_NOTE) in page and html.escape(site.LIVE_NOTE) not in page
    assert re.search(r"<button[^>]*disabled>Check</button>", page)


def test_slice_viewer_becomes_a_still_image_with_its_label():
    """Lesson 07's viewer (an anywidget without a chart spec) is drawn as the slice it showed."""
    import base64

    import numpy as np
    from ipywidgets.widgets.widget import _remove_buffers

    from hcckit.widgets.imaging_viewer import SliceViewer

    viewer = SliceViewer()
    viewer.add_class(
        "hcckit-chart"
    )  # as lesson 07's panels mark it (the browser tests treat its canvas as a chart)
    volume = np.zeros((2, 24, 32), dtype=np.int16)
    volume[1, 8:16, 10:20] = 120  # a bright block on the slice shown
    viewer.show(volume, (5.0, 1.0, 1.0), label="SYNTHETIC · test", slice_index=1)
    state, paths, buffers = _remove_buffers(viewer.get_state())
    model = {
        "model_name": "AnyModel",
        "model_module": "anywidget",
        "model_module_version": "*",
        "state": state,
        "buffers": [
            {"path": p, "encoding": "base64", "data": base64.b64encode(bytes(b)).decode("ascii")}
            for p, b in zip(paths, buffers, strict=True)
        ],
    }
    out = nbformat.v4.new_output(
        "execute_result",
        data={site.WIDGET_VIEW: {"model_id": "viewer", "version_major": 2, "version_minor": 0}},
        execution_count=1,
    )
    nb = nbformat.v4.new_notebook(
        cells=[nbformat.v4.new_markdown_cell("# 09 · Toy"), nbformat.v4.new_code_cell("v", outputs=[out])]
    )
    nb.metadata["widgets"] = {
        site.WIDGET_STATE: {"version_major": 2, "version_minor": 0, "state": {"viewer": model}}
    }
    page = site.render_lesson(nb, name="09_toy", order=[("09_toy", "Toy")])
    img = re.search(
        r'<img class="hcckit-imaging-static" alt="([^"]*)" src="data:image/png;base64,([^"]+)"', page
    )
    assert img, "the viewer left no image on the static page"
    assert "SYNTHETIC" in html.unescape(img.group(1))
    assert base64.b64decode(img.group(2))[:8] == b"\x89PNG\r\n\x1a\n"
    assert loaded_remote(page) == []
    assert "hcckit-chart" not in page.split('class="hcckit-imaging-static"')[0].rsplit("<div", 1)[-1]
