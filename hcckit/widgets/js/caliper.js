// hcckit slice viewer with calipers (anywidget ESM, shipped in the package: no CDN, no WebGL).
//
// The model holds one scan: `pixels` (int16 little-endian, C order, shape [slices, rows, cols]),
// `spacing_mm` [slice, row, col]. Everything a reader does with the mouse happens here, without a
// round trip to the kernel: the wheel, the arrow keys and the slider scroll slices; a right-drag
// (or shift + drag) changes window/level on the int16 values; a left-drag draws a caliper whose
// length in mm is shown live (row/col spacing). On release the reading is added to `readings`
// (one per lesion, visit and measure: a new one replaces the old) and sent to Python, which
// re-checks the length (hcckit.imaging.measure.caliper_mm). Level/width and the slice are sent
// when a drag ends (not on every pixel).
//
// Pixel coordinates are (row, col) floats with integer values at pixel centres.

const MEASURE_NAMES = {
  ld_mm: "LD",
  viable_ld_mm: "viable LD",
  perp_mm: "perp.",
  viable_perp_mm: "viable perp.",
};
const MEASURE_COLOURS = {
  ld_mm: "#56B4E9",
  viable_ld_mm: "#E69F00",
  perp_mm: "#009E73",
  viable_perp_mm: "#F0E442",
};
const MIN_CALIPER_PX = 3; // a click (shorter drag, in screen px) is not a measurement

function int16(view) {
  if (!view || !view.byteLength) return new Int16Array(0);
  const buffer = view.buffer || view;
  const offset = view.byteOffset || 0;
  const length = view.byteLength;
  // Int16Array needs an even offset: copy when the buffer slice is not aligned
  if (offset % 2 === 0) return new Int16Array(buffer, offset, Math.floor(length / 2));
  return new Int16Array(buffer.slice(offset, offset + length));
}

function fmt(x, d = 1) {
  return Number.isFinite(x) ? x.toFixed(d) : "–";
}

export default {
  render({ model, el }) {
    el.classList.add("hcckit-slice-viewer");
    const root = document.createElement("div");
    root.className = "hcckit-sv";
    root.innerHTML = `
      <div class="hcckit-sv-bar">
        <label class="hcckit-sv-slice-label">Slice
          <input type="range" class="hcckit-sv-slider" min="0" max="0" step="1" value="0"
            aria-label="Slice"></label>
        <span class="hcckit-sv-slice-text"></span>
        <span class="hcckit-sv-wl"></span>
      </div>
      <canvas class="hcckit-sv-canvas" tabindex="0"
        aria-label="Scan viewer: wheel or arrow keys scroll slices, left-drag measures, right-drag or shift-drag sets window/level"></canvas>
      <div class="hcckit-sv-foot">
        <span class="hcckit-sv-readout" aria-live="polite"></span>
        <button type="button" class="hcckit-sv-save" title="Save the image as PNG (for slides)">Save figure</button>
      </div>`;
    el.appendChild(root);
    const canvas = root.querySelector("canvas");
    const ctx = canvas.getContext("2d");
    const slider = root.querySelector(".hcckit-sv-slider");
    const sliceText = root.querySelector(".hcckit-sv-slice-text");
    const wlText = root.querySelector(".hcckit-sv-wl");
    const readout = root.querySelector(".hcckit-sv-readout");
    const save = root.querySelector(".hcckit-sv-save");

    const state = {
      data: new Int16Array(0), shape: [0, 0, 0], spacing: [1, 1, 1],
      slice: 0, level: 60, width: 150,
      drag: null,          // {kind: "caliper"|"window", ...}
      sliceTimer: null,
      lut: new Uint8ClampedArray(65536), lutKey: "",
      image: null,         // offscreen canvas of the current slice, native size
      imageKey: "",
      box: { x: 0, y: 0, w: 1, h: 1 },
      draws: 0,
    };
    const off = document.createElement("canvas");
    const offCtx = off.getContext("2d");

    function loadScan() {
      state.data = int16(model.get("pixels"));
      const shape = model.get("shape") || [0, 0, 0];
      state.shape = shape.length === 3 ? shape.map(Number) : [0, 0, 0];
      const sp = model.get("spacing_mm") || [1, 1, 1];
      state.spacing = sp.length === 3 ? sp.map(Number) : [1, 1, 1];
      const [s, r, c] = state.shape;
      if (state.data.length !== s * r * c) state.shape = [0, 0, 0];
      slider.max = String(Math.max(0, state.shape[0] - 1));
      state.imageKey = "";
      state.slice = clampSlice(model.get("slice_index"));
      slider.value = String(state.slice);
    }

    function clampSlice(i) {
      const n = state.shape[0];
      if (!n) return 0;
      return Math.max(0, Math.min(n - 1, Math.round(Number(i) || 0)));
    }

    function size() {
      const px = Math.max(120, Number(model.get("view_px")) || 440);
      const dpr = window.devicePixelRatio || 1;
      canvas.style.width = px + "px";
      canvas.style.height = px + "px";
      if (canvas.width !== Math.round(px * dpr)) canvas.width = Math.round(px * dpr);
      if (canvas.height !== Math.round(px * dpr)) canvas.height = Math.round(px * dpr);
      root.style.width = px + "px";
      // the image keeps its physical aspect ratio (row and column spacing) inside the square
      const [, rows, cols] = state.shape;
      const hmm = rows * state.spacing[1], wmm = cols * state.spacing[2];
      const scale = rows && cols ? Math.min(px / wmm, px / hmm) : 1;
      const w = wmm * scale, h = hmm * scale;
      state.box = { x: (px - w) / 2, y: (px - h) / 2, w, h, px };
      return dpr;
    }

    function lut() {
      const key = state.level + "/" + state.width;
      if (key === state.lutKey) return state.lut;
      const low = state.level - state.width / 2;
      const w = Math.max(1, state.width);
      for (let v = -32768; v < 32768; v++) state.lut[v + 32768] = ((v - low) / w) * 255;
      state.lutKey = key;
      return state.lut;
    }

    function sliceImage() {
      const [s, rows, cols] = state.shape;
      if (!s) return null;
      const key = state.slice + "|" + state.level + "/" + state.width + "|" + state.data.length;
      if (key === state.imageKey) return off;
      const table = lut();
      if (off.width !== cols) off.width = cols;
      if (off.height !== rows) off.height = rows;
      const img = offCtx.createImageData(cols, rows);
      const out = img.data;
      const start = state.slice * rows * cols;
      for (let i = 0, n = rows * cols; i < n; i++) {
        const g = table[state.data[start + i] + 32768];
        const j = 4 * i;
        out[j] = g; out[j + 1] = g; out[j + 2] = g; out[j + 3] = 255;
      }
      offCtx.putImageData(img, 0, 0);
      state.imageKey = key;
      return off;
    }

    // (row, col) in pixel units <-> CSS px on the canvas
    function toScreen(p) {
      const [, rows, cols] = state.shape;
      const b = state.box;
      return [b.x + ((p[1] + 0.5) / cols) * b.w, b.y + ((p[0] + 0.5) / rows) * b.h];
    }
    function toPixel(x, y) {
      const [, rows, cols] = state.shape;
      const b = state.box;
      const col = ((x - b.x) / b.w) * cols - 0.5;
      const row = ((y - b.y) / b.h) * rows - 0.5;
      return [Math.max(-0.5, Math.min(rows - 0.5, row)), Math.max(-0.5, Math.min(cols - 0.5, col))];
    }
    function lengthMm(p0, p1) {
      const dr = (p1[0] - p0[0]) * state.spacing[1];
      const dc = (p1[1] - p0[1]) * state.spacing[2];
      return Math.hypot(dr, dc);
    }

    function text(str, x, y, { colour = "#FFFFFF", size = 15, bold = true, align = "left" } = {}) {
      ctx.font = `${bold ? "600 " : ""}${size}px DejaVu Sans, Arial, sans-serif`;
      ctx.textAlign = align;
      ctx.textBaseline = "top";
      const w = ctx.measureText(str).width;
      const left = align === "right" ? x - w : align === "center" ? x - w / 2 : x;
      ctx.fillStyle = "rgba(0,0,0,0.6)";
      ctx.fillRect(left - 3, y - 2, w + 6, size + 5);
      ctx.fillStyle = colour;
      ctx.fillText(str, x, y);
    }

    function caliper(p0, p1, colour, label, { active = false, dashed = false } = {}) {
      const a = toScreen(p0), b = toScreen(p1);
      ctx.save();
      ctx.strokeStyle = colour;
      ctx.lineWidth = active ? 2.5 : 1.75;
      if (dashed) ctx.setLineDash([5, 4]);
      ctx.beginPath(); ctx.moveTo(a[0], a[1]); ctx.lineTo(b[0], b[1]); ctx.stroke();
      ctx.setLineDash([]);
      // end ticks perpendicular to the line
      const dx = b[0] - a[0], dy = b[1] - a[1], len = Math.hypot(dx, dy) || 1;
      const nx = (-dy / len) * 6, ny = (dx / len) * 6;
      for (const p of [a, b]) {
        ctx.beginPath(); ctx.moveTo(p[0] - nx, p[1] - ny); ctx.lineTo(p[0] + nx, p[1] + ny); ctx.stroke();
      }
      ctx.restore();
      if (label) {
        const px = state.box.px;
        const x = Math.min(px - 8, Math.max(8, b[0] + 8));
        const y = Math.min(px - 26, Math.max(4, b[1] - 10));
        text(label, x, y, { colour, size: 15, align: b[0] > px - 120 ? "right" : "left" });
      }
    }

    function draw() {
      const dpr = size();
      ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
      const px = state.box.px;
      ctx.fillStyle = "#000000";
      ctx.fillRect(0, 0, px, px);
      const [s] = state.shape;
      if (!s) {
        text(model.get("empty_text") || "No image loaded", 12, px / 2 - 10, { colour: "#DDDDDD" });
        sliceText.textContent = "";
        wlText.textContent = "";
        return;
      }
      const image = sliceImage();
      ctx.imageSmoothingEnabled = true;
      ctx.drawImage(image, state.box.x, state.box.y, state.box.w, state.box.h);

      // readings of this visit on this slice; the active lesion's drawn thicker
      const day = model.get("day"), phase = model.get("phase"), active = model.get("active");
      const names = model.get("lesion_names") || {};
      for (const r of model.get("readings") || []) {
        if (Number(r.day) !== Number(day) || Number(r.slice) !== state.slice) continue;
        const colour = MEASURE_COLOURS[r.measure] || "#FFFFFF";
        const who = r.lesion === active ? "" : (names[r.lesion] || r.lesion) + " ";
        caliper(r.p0, r.p1, colour, `${who}${MEASURE_NAMES[r.measure] || r.measure} ${fmt(Number(r.length_mm))} mm`,
          { active: r.lesion === active, dashed: r.phase && phase && r.phase !== phase });
      }
      if (state.drag && state.drag.kind === "caliper" && state.drag.p1) {
        const m = model.get("measure");
        caliper(state.drag.p0, state.drag.p1, "#FFFFFF",
          `${MEASURE_NAMES[m] || m} ${fmt(lengthMm(state.drag.p0, state.drag.p1))} mm`, { active: true });
      }

      // the label (e.g. SYNTHETIC ...) top left, slice and window bottom, a 10 mm scale bar
      const label = model.get("label") || "";
      // top right: the top-left corner of a synthetic slice carries its burnt-in SYNTHETIC mark
      if (label) {
        ctx.font = "600 15px DejaVu Sans, Arial, sans-serif";
        const clear = px - 8 - ctx.measureText(label).width > 150;  // keep off the burnt-in mark
        text(label, px - 8, clear ? 6 : 32, { colour: /SYNTHETIC/i.test(label) ? "#FF6B6B" : "#FFFFFF", size: 15,
          align: "right" });
      }
      const orient = model.get("orientation") || "";
      if (orient) text(orient, px - 8, 30, { colour: "#DDDDDD", size: 14, bold: false, align: "right" });
      text(`slice ${state.slice + 1}/${s} · W ${Math.round(state.width)} L ${Math.round(state.level)}`, 8, px - 24,
        { colour: "#FFFFFF", size: 14, bold: false });
      const tenMm = (10 / (state.shape[2] * state.spacing[2])) * state.box.w;
      if (tenMm > 4 && tenMm < px / 2) {
        ctx.fillStyle = "#FFFFFF";
        ctx.fillRect(px - 12 - tenMm, px - 14, tenMm, 3);
        text("10 mm", px - 12 - tenMm / 2, px - 36, { colour: "#FFFFFF", size: 14, bold: false, align: "center" });
      }
      sliceText.textContent = `${state.slice + 1} / ${s}`;
      wlText.textContent = `W ${Math.round(state.width)} / L ${Math.round(state.level)} HU`;
      state.draws += 1;
      el.dataset.draws = String(state.draws);
      if (!el.dataset.firstDrawMs) el.dataset.firstDrawMs = String(Math.round(performance.now()));
    }

    // ------------------------------------------------------------------ slice scrolling
    function setSlice(i, { send = true } = {}) {
      const next = clampSlice(i);
      if (next === state.slice) return;
      state.slice = next;
      slider.value = String(next);
      draw();
      if (send) {
        clearTimeout(state.sliceTimer);
        state.sliceTimer = setTimeout(() => { model.set("slice_index", state.slice); model.save_changes(); }, 150);
      }
    }
    canvas.addEventListener("wheel", (e) => {
      if (!state.shape[0]) return;
      e.preventDefault();
      setSlice(state.slice + (e.deltaY > 0 ? 1 : -1));
    }, { passive: false });
    canvas.addEventListener("keydown", (e) => {
      const step = { ArrowUp: -1, ArrowLeft: -1, PageUp: -5, ArrowDown: 1, ArrowRight: 1, PageDown: 5 }[e.key];
      if (step === undefined) return;
      e.preventDefault();
      setSlice(state.slice + step);
    });
    slider.addEventListener("input", () => setSlice(Number(slider.value)));

    // ------------------------------------------------------------------ mouse: calipers and window/level
    function where(e) {
      const r = canvas.getBoundingClientRect();
      return [e.clientX - r.left, e.clientY - r.top];
    }
    canvas.addEventListener("contextmenu", (e) => e.preventDefault());
    canvas.addEventListener("pointerdown", (e) => {
      if (!state.shape[0]) return;
      canvas.focus({ preventScroll: true });
      const [x, y] = where(e);
      if (e.button === 2 || (e.button === 0 && e.shiftKey)) {
        state.drag = { kind: "window", x, y, level: state.level, width: state.width };
      } else if (e.button === 0) {
        state.drag = { kind: "caliper", x, y, p0: toPixel(x, y), p1: null };
      } else return;
      e.preventDefault();
      canvas.setPointerCapture && canvas.setPointerCapture(e.pointerId);
    });
    canvas.addEventListener("pointermove", (e) => {
      const d = state.drag;
      if (!d) return;
      const [x, y] = where(e);
      if (d.kind === "window") {
        // right: wider window; down: higher level (as most reading stations)
        state.width = Math.max(1, Math.round(d.width + (x - d.x) * 4));
        state.level = Math.round(d.level + (y - d.y) * 2);
      } else {
        d.p1 = toPixel(x, y);
        d.moved = Math.hypot(x - d.x, y - d.y);
        readout.textContent = `${MEASURE_NAMES[model.get("measure")] || ""} ${fmt(lengthMm(d.p0, d.p1))} mm`;
      }
      draw();
    });
    function finish(e) {
      const d = state.drag;
      if (!d) return;
      state.drag = null;
      if (d.kind === "window") {
        // one set() for both: a change event of the first must not read the other's old value
        model.set({ level: state.level, width: state.width });
        model.save_changes();
        draw();
        return;
      }
      if (!d.p1 || !(d.moved >= MIN_CALIPER_PX)) { draw(); return; }
      const reading = {
        lesion: model.get("active"),
        day: Number(model.get("day")),
        measure: model.get("measure"),
        length_mm: Math.round(lengthMm(d.p0, d.p1) * 100) / 100,
        slice: state.slice,
        p0: d.p0.map((v) => Math.round(v * 100) / 100),
        p1: d.p1.map((v) => Math.round(v * 100) / 100),
        phase: model.get("phase"),
      };
      const kept = (model.get("readings") || []).filter((r) => !(r.lesion === reading.lesion
        && Number(r.day) === reading.day && r.measure === reading.measure));
      model.set({ readings: [...kept, reading], slice_index: state.slice });
      model.save_changes();
      readout.textContent = `${MEASURE_NAMES[reading.measure] || reading.measure} ${fmt(reading.length_mm)} mm`;
      el.dataset.lastMm = String(reading.length_mm);
      draw();
    }
    canvas.addEventListener("pointerup", finish);
    canvas.addEventListener("pointercancel", finish);

    // ------------------------------------------------------------------ save figure (PNG for slides)
    save.addEventListener("click", () => {
      const link = document.createElement("a");
      const stem = (model.get("label") || "image").replace(/[^A-Za-z0-9]+/g, "_").replace(/^_|_$/g, "");
      link.download = `${stem || "image"}_slice${state.slice + 1}.png`;
      link.href = canvas.toDataURL("image/png");
      link.click();
    });

    // ------------------------------------------------------------------ model changes from Python
    // Python sets pixels, shape and spacing together (one message): coalesce the change events of
    // one message into one reload and one draw, after all of them have arrived.
    let pending = null;
    function schedule(reload) {
      if (pending) { pending.reload = pending.reload || reload; return; }
      pending = { reload };
      queueMicrotask(() => {
        const job = pending;
        pending = null;
        if (job.reload) loadScan();
        draw();
      });
    }
    const onScan = () => schedule(true);
    const onWindow = () => {
      if (state.drag && state.drag.kind === "window") return;  // the drag's own values win until it ends
      state.level = Number(model.get("level"));
      state.width = Number(model.get("width"));
      schedule(false);
    };
    const onSlice = () => {
      if (state.drag) return;
      state.slice = clampSlice(model.get("slice_index"));
      slider.value = String(state.slice);
      schedule(false);
    };
    const onOther = () => schedule(false);
    const handlers = [
      ["pixels", onScan], ["shape", onScan], ["spacing_mm", onScan], ["level", onWindow], ["width", onWindow],
      ["slice_index", onSlice],
      ...["readings", "label", "active", "day", "phase", "measure", "view_px", "lesion_names", "orientation",
        "empty_text"].map((name) => [name, onOther]),
    ];
    for (const [name, fn] of handlers) model.on(`change:${name}`, fn);
    state.level = Number(model.get("level"));
    state.width = Number(model.get("width"));
    loadScan();
    draw();
    return () => {
      clearTimeout(state.sliceTimer);
      for (const [name, fn] of handlers) model.off(`change:${name}`, fn);
    };
  },
};
