/* hcckit guard for Voila pages (included inline by index.html.j2, before Voila's own scripts).
 *
 * 1. Upload size limit, in the browser. An ipywidgets FileUpload made by
 *    hcckit.widgets.uploads.limited_upload carries its limit as the class
 *    "hcckit-max-bytes-<bytes>" (and "hcckit-upload-fewer-<word>" for the advice). A listener
 *    in the capture phase sees the file input's "change" event before the widget does (see
 *    below how it reaches ipywidgets' detached input); a file over the limit stops the event
 *    there, the input is cleared and a message (role=alert) appears below the button row. Nothing of
 *    the file is read or sent to the kernel, so a 50 MB file cannot overflow the websocket
 *    (tornado's 10 MiB message limit, which drops the connection) or stall the kernel.
 *
 * 2. A lost kernel says so. window.WebSocket is wrapped (the page's only websocket is the
 *    kernel's, /api/kernels/<id>/channels, opened later by Voila's main script). The page is
 *    lost when the server reports the kernel "restarting" or "dead" (iopub status messages it
 *    sends when the kernel process died; a restarted kernel has none of the lesson's state) or
 *    when the connection closed and did not reopen within LOST_AFTER_MS (jupyterlab's
 *    KernelConnection retries with growing delays: 0-1 s, 0-3 s, 0-7 s...). Then a fixed banner
 *    with a Reload button covers the top of the page and the lesson's controls are greyed out
 *    and made inert. A connection that reopens later (same kernel, no restart reported)
 *    removes the banner again; a reported restart keeps it until the page is reloaded.
 *
 * window.hcckitGuard.state() reports what the guard saw (for tests and for a teacher's console).
 */
(function () {
  'use strict';
  var LOST_AFTER_MS = 8000;
  var KERNEL_WS = /\/api\/kernels\/[^/?#]+\/channels/;
  var V1 = 'v1.kernel.websocket.jupyter.org';
  var LIMIT_CLASS = /(?:^|\s)hcckit-max-bytes-(\d+)(?=\s|$)/;
  var FEWER_CLASS = /(?:^|\s)hcckit-upload-fewer-([a-z]+)(?=\s|$)/;
  var TEXT_KERNEL = 'This lesson lost its connection to the server (its kernel stopped). ' +
    'Reload the page to start it again \u2014 your changes on this page will be reset.';
  var TEXT_CONNECTION = 'This lesson lost its connection to the server. ' +
    'Reload the page to start it again \u2014 your changes on this page will be reset.';

  var state = {
    sockets: 0,        // kernel websockets created
    open: 0,           // kernel websockets open now
    everOpen: false,
    lost: null,        // null, 'connection' (may recover) or 'kernel' (restarted or dead: final)
    statuses: [],      // last kernel execution states seen
    sentBytes: 0,      // bytes sent to the kernel over its websocket
    refused: [],       // uploads refused in the browser: {name, size, limit}
    timer: null
  };

  // ------------------------------------------------------------------ upload size limit

  function mbText(bytes) {
    return String(Number((bytes / 1e6).toPrecision(6))) + ' MB';
  }

  function sizeText(bytes, limit) {
    var shown = (bytes / 1e6).toFixed(1);
    if (Number(shown) * 1e6 > limit) return shown + ' MB';
    // just over the limit: "2.0 MB" would read as within it, so give the bytes
    return bytes.toLocaleString('en-US') + ' bytes';
  }

  function refusalText(name, bytes, limit, fewer) {
    var most = mbText(limit);
    if (sizeText(bytes, limit).indexOf('bytes') >= 0) most += ' (' + limit.toLocaleString('en-US') + ' bytes)';
    return name + ' is ' + sizeText(bytes, limit) + '; the most this lesson reads is ' + most +
      '. Save a smaller file (e.g. fewer ' + fewer + ') and choose it again.';
  }

  function refusalBox(host, create) {
    var id = host.getAttribute('data-hcckit-refusal');
    var box = id ? document.getElementById(id) : null;
    if (box || !create) return box;
    id = 'hcckit-refusal-' + Math.random().toString(36).slice(2, 10);
    box = document.createElement('div');
    box.id = id;
    box.className = 'hcckit-upload-refusal';
    box.setAttribute('role', 'alert');
    var row = host.closest('.widget-hbox, .jupyter-widget-hbox') || host;
    row.insertAdjacentElement('afterend', box);
    host.setAttribute('data-hcckit-refusal', id);
    host.setAttribute('aria-describedby', id);
    return box;
  }

  var UPLOAD = '.widget-upload, .jupyter-widget-upload';
  var hostOf = new WeakMap();  // file input -> the upload button that opened it
  var lastHost = null;
  var lastHostAt = 0;

  function onFileChange(event) {
    var input = event.target;
    if (!input || input.tagName !== 'INPUT' || input.type !== 'file') return;
    var host = hostOf.get(input) || input.closest(UPLOAD) || input.parentElement;
    var limitMatch = host && LIMIT_CLASS.exec(host.className);
    if (!limitMatch) return;
    var limit = Number(limitMatch[1]);
    var fewerMatch = FEWER_CLASS.exec(host.className);
    var fewer = fewerMatch ? fewerMatch[1] : 'rows';
    var files = Array.prototype.slice.call(input.files || []);
    var total = files.reduce(function (sum, f) { return sum + f.size; }, 0);
    var big = files.filter(function (f) { return f.size > limit; });
    if (!big.length && total <= limit) {
      var old = refusalBox(host, false);
      if (old) old.remove();
      return;
    }
    // before the widget's own listener on the input: it never reads the file
    event.stopImmediatePropagation();
    event.stopPropagation();
    event.preventDefault();
    input.value = '';
    var text = big.length
      ? big.map(function (f) { return refusalText(f.name, f.size, limit, fewer); }).join(' ')
      : refusalText('Together these files', total, limit, fewer).replace(' is ', ' are ');
    big.forEach(function (f) { state.refused.push({ name: f.name, size: f.size, limit: limit }); });
    var box = refusalBox(host, true);
    box.textContent = '';
    // set the text once the (empty) alert is in the page, so screen readers announce it
    window.setTimeout(function () { box.textContent = text; }, 50);
  }
  // ipywidgets' FileUpload keeps its <input type=file> out of the page (the button's label
  // update removes it), so its "change" event never passes through window. The button's click
  // calls input.click(): remember which upload button was clicked (capture phase, so before the
  // widget's handler), and when a file input is clicked right after, give it our listener in the
  // capture phase. On the event's target, capture listeners run before the widget's own
  // (bubble-phase) listener whatever order they were added in (DOM standard, Chromium 89+,
  // Firefox 84+, Safari 14.1+), so stopImmediatePropagation keeps the file from being read.
  window.addEventListener('click', function (event) {
    var host = event.target && event.target.closest ? event.target.closest(UPLOAD) : null;
    if (host && LIMIT_CLASS.test(host.className)) {
      lastHost = host;
      lastHostAt = Date.now();
    }
  }, true);
  var nativeClick = window.HTMLInputElement && HTMLInputElement.prototype.click;
  if (nativeClick) {
    HTMLInputElement.prototype.click = function () {
      if (this.type === 'file' && lastHost && Date.now() - lastHostAt < 2000) {
        if (!hostOf.has(this)) this.addEventListener('change', onFileChange, true);
        hostOf.set(this, lastHost);
        lastHost = null;
      }
      return nativeClick.apply(this, arguments);
    };
  }
  // an input that is in the page (another widget library) is seen from window, also first
  window.addEventListener('change', function (event) {
    if (!hostOf.has(event.target)) onFileChange(event);
  }, true);

  // ------------------------------------------------------------------ kernel connection

  function part(buffer, offsets, i) {
    var end = i + 1 < offsets.length ? offsets[i + 1] : buffer.byteLength;
    return new TextDecoder().decode(new Uint8Array(buffer, offsets[i], end - offsets[i]));
  }

  // The kernel's execution_state when a message is an iopub status message, else null.
  function statusOf(data, protocol) {
    try {
      if (typeof data === 'string') {
        if (data.length > 20000 || data.indexOf('"status"') < 0) return null;
        var msg = JSON.parse(data);
        if (msg.channel !== 'iopub' || !msg.header || msg.header.msg_type !== 'status') return null;
        return msg.content.execution_state || null;
      }
      if (data instanceof ArrayBuffer && protocol === V1 && data.byteLength < 20000) {
        var view = new DataView(data);
        var n = Number(view.getBigUint64(0, true));
        if (n < 6 || 8 * (n + 1) > data.byteLength) return null;
        var offsets = [];
        for (var i = 0; i < n; i++) offsets.push(Number(view.getBigUint64(8 * (i + 1), true)));
        if (part(data, offsets, 0) !== 'iopub') return null;
        if (JSON.parse(part(data, offsets, 1)).msg_type !== 'status') return null;
        return JSON.parse(part(data, offsets, 4)).execution_state || null;
      }
    } catch (err) {
      return null;
    }
    return null;
  }

  function onStatus(status) {
    var seen = state.statuses;
    var wasRunning = seen.indexOf('idle') >= 0 || seen.indexOf('busy') >= 0;
    seen.push(status);
    if (seen.length > 20) seen.shift();
    // "starting" after the kernel already ran: a new kernel process, the lesson's state is gone
    if (status === 'restarting' || status === 'dead' || status === 'autorestarting' ||
        (status === 'starting' && wasRunning)) {
      lose('kernel');
    }
  }

  function onOpen() {
    state.open += 1;
    state.everOpen = true;
    window.clearTimeout(state.timer);
    state.timer = null;
    if (state.lost === 'connection') recover();
  }

  function onClose(wasOpen) {
    if (wasOpen) state.open = Math.max(0, state.open - 1);
    if (state.open > 0 || state.timer || state.lost) return;
    state.timer = window.setTimeout(function () {
      state.timer = null;
      if (state.open === 0) lose('connection');
    }, LOST_AFTER_MS);
  }

  function watch(ws) {
    state.sockets += 1;
    var isOpen = false;
    ws.addEventListener('open', function () { isOpen = true; onOpen(); });
    ws.addEventListener('close', function () { var was = isOpen; isOpen = false; onClose(was); });
    ws.addEventListener('message', function (event) {
      var status = statusOf(event.data, ws.protocol);
      if (status) onStatus(status);
    });
    var send = ws.send;
    ws.send = function (data) {
      state.sentBytes += data && (data.byteLength !== undefined ? data.byteLength
        : data.size !== undefined ? data.size : String(data).length) || 0;
      return send.apply(ws, arguments);
    };
  }

  var Native = window.WebSocket;
  if (Native) {
    var Guarded = function WebSocket(url, protocols) {
      var ws = protocols === undefined ? new Native(url) : new Native(url, protocols);
      try {
        if (KERNEL_WS.test(String(url))) watch(ws);
      } catch (err) {
        console.warn('hcckit guard: cannot watch the kernel connection', err);
      }
      return ws;
    };
    Guarded.prototype = Native.prototype;
    ['CONNECTING', 'OPEN', 'CLOSING', 'CLOSED'].forEach(function (k) { Guarded[k] = Native[k]; });
    window.WebSocket = Guarded;
  }

  // ------------------------------------------------------------------ the banner

  function banner() {
    var el = document.getElementById('hcckit-lost');
    if (el) return el;
    el = document.createElement('div');
    el.id = 'hcckit-lost';
    el.setAttribute('role', 'alert');
    var text = document.createElement('p');
    text.className = 'hcckit-lost-text';
    var button = document.createElement('button');
    button.type = 'button';
    button.className = 'hcckit-lost-reload';
    button.textContent = 'Reload the page';
    button.addEventListener('click', function () {
      button.disabled = true;
      button.textContent = 'Reloading\u2026';
      window.location.reload();
    });
    el.appendChild(text);
    el.appendChild(button);
    document.body.appendChild(el);
    return el;
  }

  function lose(reason) {
    if (state.lost === 'kernel') return;
    window.clearTimeout(state.timer);
    state.timer = null;
    state.lost = reason;
    if (!document.body) return;
    var el = banner();
    var text = reason === 'kernel' ? TEXT_KERNEL : TEXT_CONNECTION;
    var p = el.querySelector('.hcckit-lost-text');
    if (p.textContent !== text) p.textContent = text;
    document.body.classList.add('hcckit-kernel-lost');
    var cells = document.getElementById('rendered_cells');
    if (cells) {
      cells.setAttribute('inert', '');
      cells.setAttribute('aria-hidden', 'true');
    }
    el.querySelector('button').focus({ preventScroll: true });
  }

  function recover() {
    state.lost = null;
    var el = document.getElementById('hcckit-lost');
    if (el) el.remove();
    document.body.classList.remove('hcckit-kernel-lost');
    var cells = document.getElementById('rendered_cells');
    if (cells) {
      cells.removeAttribute('inert');
      cells.removeAttribute('aria-hidden');
    }
  }

  window.hcckitGuard = {
    lostAfterMs: LOST_AFTER_MS,
    state: function () {
      return {
        sockets: state.sockets, open: state.open, everOpen: state.everOpen, lost: state.lost,
        statuses: state.statuses.slice(), sentBytes: state.sentBytes, refused: state.refused.slice()
      };
    }
  };
})();
