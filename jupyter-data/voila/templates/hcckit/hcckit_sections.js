/* hcckit lesson sections for Voila (included inline by index.html.j2; vanilla JS, no request).
 *
 * Voila streams every cell into #rendered_cells (hidden) and then calls window.voila_finish().
 * Just before that call the cells are all in the DOM but not shown: this script wraps
 * voila_finish, moves the cells into one <section class="hcckit-section"> per "## " heading
 * (cells marked data-hcckit-section by the template; the cells before the first one are the
 * intro, #s0), adds the table of contents (#hcckit-toc) and the previous/next buttons, and shows
 * the section named by the URL hash (#s<n>, or the id of a heading inside a section), and copies
 * the links of the cell marked data-hcckit-lesson-nav (index, previous/next lesson) to the top
 * of the table of contents (#hcckit-lesson-links). Nothing is
 * re-created: the nodes are moved before Voila renders outputs and widgets into them, and
 * switching only toggles the `hidden` attribute. After every switch a window 'resize' event is
 * dispatched so charts drawn while hidden (vega "container" width) measure their box again.
 *
 * API for tests and other code: window.hcckitSections = {count, current(), show(i, opts),
 * showSectionOf(elementOrSelector), titles}.
 */
(function () {
  'use strict';
  var HASH = /^#s(\d+)$/;
  var state = { sections: [], links: [], current: -1, built: false };

  function sectionTitle(cell, fallback) {
    var h = cell.querySelector('h2');
    if (!h) return fallback;
    var copy = h.cloneNode(true);
    copy.querySelectorAll('a.anchor-link').forEach(function (a) { a.remove(); });
    var text = copy.textContent.replace(/\s+/g, ' ').trim();
    return text || fallback;
  }

  function el(tag, attrs, text) {
    var node = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (k) { node.setAttribute(k, attrs[k]); });
    if (text !== undefined) node.textContent = text;
    return node;
  }

  function navButton(kind, index, title) {
    var a = el('a', {
      class: 'hcckit-nav-button hcckit-' + kind,
      href: '#s' + index,
      'data-hcckit-target': String(index)
    });
    a.appendChild(el('span', { class: 'hcckit-nav-direction' },
      kind === 'prev' ? '\u2190 previous section' : 'next section \u2192'));
    a.appendChild(el('span', { class: 'hcckit-nav-title' }, title));
    return a;
  }

  function build() {
    if (state.built) return;
    var root = document.getElementById('rendered_cells');
    var frame = root && root.firstElementChild;
    if (!frame) return;
    state.built = true;
    var cells = Array.prototype.filter.call(frame.children, function (c) {
      return c.hasAttribute('cell-index');
    });
    var groups = [{ title: 'Introduction', cells: [], intro: true }];
    cells.forEach(function (cell) {
      var marked = cell.getAttribute('data-hcckit-section');
      if (marked !== null) groups.push({ title: sectionTitle(cell, marked), cells: [] });
      groups[groups.length - 1].cells.push(cell);
    });
    // an intro with nothing visible (no cell before the first "## ", or only lab-only cells) is dropped
    var first = groups[0];
    if (groups.length > 1 && !first.cells.some(function (c) { return !c.classList.contains('hcckit-lab-only'); })) {
      groups.shift();
      groups[0].cells = first.cells.concat(groups[0].cells);
    }
    var titleEl = document.getElementById('hcckit-loading-title');
    var lessonTitle = (titleEl && titleEl.textContent) || document.title;

    frame.classList.add('hcckit-app');
    var toc = el('nav', { id: 'hcckit-toc', 'aria-label': 'Sections of this lesson' });
    var lessonNav = frame.querySelector('[data-hcckit-lesson-nav]');
    if (lessonNav) {
      var links = el('ul', { id: 'hcckit-lesson-links', 'aria-label': 'Other lessons' });
      lessonNav.querySelectorAll('a[href]').forEach(function (a) {
        var li = el('li');
        var copy = el('a', { href: a.getAttribute('href'), class: 'hcckit-lesson-link' }, a.textContent.trim());
        li.appendChild(copy);
        links.appendChild(li);
      });
      toc.appendChild(links);
    }
    toc.appendChild(el('p', { class: 'hcckit-toc-lesson' }, lessonTitle));
    var list = el('ol', { class: 'hcckit-toc-list' });
    toc.appendChild(list);
    var toggle = el('button', {
      id: 'hcckit-toc-toggle', type: 'button', 'aria-controls': 'hcckit-toc', 'aria-expanded': 'false'
    }, 'Sections');
    var content = el('div', { id: 'hcckit-content' });

    groups.forEach(function (g, i) {
      var section = el('section', {
        class: 'hcckit-section' + (g.intro ? ' hcckit-intro' : ''),
        id: 'hcckit-s' + i,
        'data-hcckit-index': String(i),
        'aria-label': g.title,
        tabindex: '-1'
      });
      section.hidden = true;
      g.cells.forEach(function (c) { section.appendChild(c); });
      if (groups.length > 1) {
        var nav = el('nav', { class: 'hcckit-section-nav', 'aria-label': 'Previous and next section' });
        if (i > 0) nav.appendChild(navButton('prev', i - 1, groups[i - 1].title));
        else nav.appendChild(el('span', { class: 'hcckit-nav-spacer' }));
        if (i < groups.length - 1) nav.appendChild(navButton('next', i + 1, groups[i + 1].title));
        section.appendChild(nav);
      }
      content.appendChild(section);
      state.sections.push(section);
      var li = el('li');
      var link = el('a', { class: 'hcckit-toc-link', href: '#s' + i, 'data-hcckit-target': String(i) }, g.title);
      li.appendChild(link);
      list.appendChild(li);
      state.links.push(link);
    });
    if (groups.length < 2) frame.classList.add('hcckit-single');
    frame.appendChild(toggle);
    frame.appendChild(toc);
    frame.appendChild(content);

    toggle.addEventListener('click', function () {
      var open = !frame.classList.contains('hcckit-toc-open');
      frame.classList.toggle('hcckit-toc-open', open);
      toggle.setAttribute('aria-expanded', String(open));
    });
    toc.addEventListener('click', function (e) {
      if (e.target.closest && e.target.closest('a')) {
        frame.classList.remove('hcckit-toc-open');
        toggle.setAttribute('aria-expanded', 'false');
      }
    });
    // same-section link (hash unchanged): no hashchange, so scroll to its top ourselves
    frame.addEventListener('click', function (e) {
      var a = e.target.closest && e.target.closest('a[data-hcckit-target]');
      if (a && location.hash === a.getAttribute('href')) {
        e.preventDefault();
        show(Number(a.getAttribute('data-hcckit-target')), { scroll: true });
      }
    });
    window.addEventListener('hashchange', function () { fromHash(true); });
    fromHash(false);
    window.hcckitSections = {
      count: state.sections.length,
      titles: groups.map(function (g) { return g.title; }),
      current: function () { return state.current; },
      show: show,
      showSectionOf: showSectionOf
    };
  }

  function scrollToTop(node) {
    for (var p = node; p; p = p.parentElement) {
      if (p.scrollTop) p.scrollTop = 0;
    }
    if (document.scrollingElement) document.scrollingElement.scrollTop = 0;
    window.scrollTo(0, 0);
  }

  function show(index, opts) {
    opts = opts || {};
    if (!state.sections.length) return -1;
    index = Math.max(0, Math.min(state.sections.length - 1, Number(index) || 0));
    var changed = index !== state.current;
    state.sections.forEach(function (s, i) {
      s.hidden = i !== index;
      s.classList.toggle('hcckit-section--current', i === index);
    });
    state.links.forEach(function (a, i) {
      if (i === index) a.setAttribute('aria-current', 'true');
      else a.removeAttribute('aria-current');
      a.classList.toggle('hcckit-toc-link--current', i === index);
    });
    state.current = index;
    if (opts.scroll) scrollToTop(state.sections[index]);
    if (opts.focus) state.sections[index].focus({ preventScroll: true });
    if (changed) resized();
    return index;
  }

  function showSectionOf(target) {
    var node = typeof target === 'string' ? document.querySelector(target) : target;
    var section = node && node.closest ? node.closest('.hcckit-section') : null;
    if (!section) return -1;
    return show(Number(section.getAttribute('data-hcckit-index')));
  }

  function fromHash(userNavigation) {
    var m = HASH.exec(location.hash);
    if (m) {
      show(Number(m[1]), { scroll: userNavigation, focus: userNavigation });
      return;
    }
    var id = location.hash.slice(1);
    if (!id) {
      show(0, { scroll: userNavigation });
      return;
    }
    var target = null;
    try { target = document.getElementById(decodeURIComponent(id)); } catch (e) { target = null; }
    if (target && showSectionOf(target) >= 0) {
      target.scrollIntoView();
      return;
    }
    if (state.current < 0) show(0);
  }

  function resized() {
    // charts (vega width "container") and lumino widgets measure their box on window resize
    var fire = function () { window.dispatchEvent(new Event('resize')); };
    window.requestAnimationFrame(fire);
    window.setTimeout(fire, 250);
  }

  var finish = window.voila_finish;
  window.voila_finish = function () {
    try {
      build();
    } catch (err) {
      // never leave the lesson hidden: show every cell as Voila would
      console.warn('hcckit sections: could not build the layout', err);
      document.querySelectorAll('.hcckit-section').forEach(function (s) { s.hidden = false; });
    }
    return finish.apply(this, arguments);
  };
  var display = window.display_cells;
  window.display_cells = function () {
    var out = display.apply(this, arguments);
    if (!document.getElementById('loading')) resized();
    return out;
  };
})();
