// Wiring only: state ← controls; state → (when it changed) wasm recompute → model; every frame,
// views ← (model, timeline position, hover). No maths here, no globals.
//
// Each mode is a page (pages/*.js): how to build its model (modes/*.js), which canvas views draw
// it, how a hover becomes a focus, and the DOM it keeps in step. This file only routes between
// them: the pane of the mode whose model is on screen is shown, the others hidden.

import {
  conv2d, conv2dTrace, conv2dOutputSize, convTranspose2d, convTranspose2dTrace, convTranspose2dOutputSize,
  unfold, fold, convMatrix, defaultInit,
} from './pkg/convviz.js';
import { loadEngine } from './engine.js';
import { Store, fromHash, toHash, cloneState } from './state.js';
import { INPUT_FILLS, WEIGHT_FILLS, MODE_INFO, NUMERIC_PADDING_MODES } from './params.js';
import { buildControls, buildFillBar } from './controls.js';
import { Timeline, startLoop } from './timeline.js';
import { sameTarget } from './link.js';
import { createEditor } from './editor.js';
import { depthwise } from './modes/conv2d.js';
import { numericPadding } from './modes/convtranspose2d.js';
import { page as conv2dPage } from './pages/conv2d.js';
import { page as transposePage } from './pages/convtranspose2d.js';
import { page as unfoldPage } from './pages/unfoldfold.js';
import { page as matrixPage } from './pages/matrix.js';
import { $, setData, setText, setProp, setAttr, sizeText } from './pages/dom.js';
import { paintLegendBar, formatValue, newImageGeneration } from './views/grid.js';
import { Recorder } from './views/recorder.js';
import { buildPresetMenu } from './classroom/presetmenu.js';
import { buildPythonPanel } from './classroom/pypanel.js';
import { buildExport } from './classroom/exporter.js';
import { buildImagePanel, restoreImage } from './classroom/imagepanel.js';
import { buildQuiz } from './classroom/quizpanel.js';
import { buildPastePanel } from './classroom/pastepanel.js';

/** The pages, by mode name (the names params.js lists and the hash accepts). */
const PAGES = { conv2d: conv2dPage, convTranspose2d: transposePage, unfold: unfoldPage, matrix: matrixPage };

/** Device pixels by which a canvas's backing store grows (see layoutAll). */
const BACKING_STEP = 128;

const SPEEDS = [0.25, 0.5, 1, 1.5, 2, 3, 5, 8, 12, 20, 40, 100, 250];
/** Cells per second from which the timeline counts as playing fast (text is rewritten less often). */
const FAST_PLAY = 20;

function showNotice(text) {
  const n = $('#notice');
  const msg = document.createElement('span');
  msg.textContent = text;
  const close = document.createElement('button');
  close.type = 'button';
  close.className = 'notice-close';
  close.textContent = 'Dismiss';
  close.addEventListener('click', () => {
    n.hidden = true;
  });
  n.replaceChildren(msg, close);
  n.hidden = false;
}

async function main() {
  // relaxed SIMD where the browser has it (engine.js); the build is named on <html> for tools
  document.documentElement.dataset.engine = await loadEngine();
  const api = {
    conv2d, conv2dTrace, conv2dOutputSize, convTranspose2d, convTranspose2dTrace, convTranspose2dOutputSize,
    unfold, fold, convMatrix, defaultInit,
  };

  const loaded = fromHash(location.hash);
  const imageNotice = restoreImage(loaded.state);
  const store = new Store(loaded.state);
  if (loaded.notice || imageNotice) showNotice(loaded.notice ?? imageNotice);

  const controls = buildControls($('#controls'), store);
  // "paste…": the shown tensor as text to edit, or a pasted one (validState: what the page shows)
  const paste = buildPastePanel({ store, api, pushHistory: () => pushHistory(), shown: () => validState });
  const fillBars = [...document.querySelectorAll('[data-fills]')].map((root) => (root.dataset.fills === 'input'
    ? buildFillBar(root, INPUT_FILLS, 'input', store, paste.open)
    : buildFillBar(root, WEIGHT_FILLS, 'weight', store, paste.open)));
  const timeline = new Timeline();
  if (matchMedia('(prefers-reduced-motion: reduce)').matches) timeline.slideMs = 0;
  const ctx = {
    store,
    api,
    timeline,
    /** The next URL write adds a history entry (a discrete change: preset, mode, image, fill). */
    pushHistory: () => pushHistory(),
    markDirty: () => invalidate(),
  };
  for (const pg of Object.values(PAGES)) if (pg.init) pg.init(ctx);

  // mode tabs
  const tabs = [...document.querySelectorAll('[data-mode-tab]')];
  for (const tab of tabs) {
    tab.textContent = MODE_INFO[tab.dataset.modeTab].tab;
    tab.addEventListener('click', () => {
      const next = tab.dataset.modeTab;
      if (next === store.state.mode) return;
      const params = NUMERIC_PADDING_MODES.includes(next) ? numericPadding(api, store.state.params) : {};
      // an image input belongs to the Conv2d tab: other modes get the small default tensor back
      if (store.state.image && next !== 'conv2d') Object.assign(params, { height: 5, width: 5 });
      pushHistory();
      store.setMode(next, params);
    });
  }
  for (const b of document.querySelectorAll('[data-action="depthwise"]')) {
    b.addEventListener('click', () => store.update({ params: depthwise(store.state.params) }));
  }
  for (const b of document.querySelectorAll('[data-action="groups-1"]')) {
    b.addEventListener('click', () => store.setParam('groups', 1));
  }

  // legends
  const legends = [...document.querySelectorAll('.legend[data-scale]')].map((root) => {
    const bar = document.createElement('div');
    bar.className = 'legend-bar';
    const count = root.dataset.scale === 'count';
    paintLegendBar(bar, count ? 'count' : 'diverging');
    const lo = document.createElement('span');
    const mid = document.createElement('span');
    const hi = document.createElement('span');
    lo.className = 'legend-lo';
    mid.className = 'legend-mid';
    hi.className = 'legend-hi';
    mid.textContent = count ? '' : '0';
    const labels = document.createElement('div');
    labels.className = 'legend-labels';
    labels.append(lo, mid, hi);
    root.append(bar, labels);
    return { scale: root.dataset.scale, count, lo, hi };
  });

  // canvas views. Each wrapper's width is cached from its ResizeObserver entries, so laying out
  // after an edit never reads layout (no forced synchronous layout per canvas); a width of 0 (a
  // pane that was hidden) is read once when that pane is laid out.
  const canvases = new Map();
  let needsLayout = true;
  const byWrap = new Map();
  const resize = new ResizeObserver((entries) => {
    for (const e of entries) {
      const cv = byWrap.get(e.target);
      const w = Math.round(e.contentRect.width);
      if (cv && cv.wrapWidth !== w) {
        cv.wrapWidth = w;
        needsLayout = true;
        wake();
      }
    }
  });
  // A canvas off screen (IntersectionObserver, 200 px margin) is not drawn by frames; it is
  // caught up when the page is idle (the least recently drawn first), and at once when it comes
  // on screen.
  const byCanvas = new Map();
  const visibility = new IntersectionObserver((entries) => {
    for (const e of entries) {
      const cv = byCanvas.get(e.target);
      if (!cv) continue;
      cv.onScreen = e.isIntersecting;
      if (cv.onScreen && cv.stale) invalidate();
    }
  }, { rootMargin: '200px 0px' });
  for (const el of document.querySelectorAll('canvas[data-canvas]')) {
    const wrap = el.parentElement;
    const ctx2d = el.getContext('2d');
    const cv = {
      el, wrap, ctx: ctx2d, rec: new Recorder(ctx2d), geom: null, width: 0, wrapWidth: 0, grids: '',
      onScreen: true, stale: true, drawnAt: -Infinity,
    };
    canvases.set(el.dataset.canvas, cv);
    byWrap.set(wrap, cv);
    byCanvas.set(el, cv);
    resize.observe(wrap);
    visibility.observe(el);
  }

  let model = null;
  let page = null; // the page of the model on screen (may differ from state.mode while it is invalid)
  let modelId = 0;
  let computedVersion = 0;
  let dirty = true;
  let hover = null;
  let pinned = null;
  let lastHash = null;
  let hashPending = false;
  /** The URL's hash when the pending write was due: the entry that write is for. */
  let hashFrom = null;
  let validState = null;
  let hashWrittenAt = -Infinity;
  let focusKey = '';
  let textAt = -Infinity;
  let lastSlide = 1;
  let lastPlaying = null;
  let pushPending = false;
  let held = false; // a GIF export is drawing from the model: recomputes wait
  let loop = null; // the frame loop (startLoop), once the page is wired
  /** Ask for a frame (the loop runs only while something changes or moves). */
  function wake() {
    if (loop) loop.wake();
  }
  /** Something on screen changed: draw it in the next frame. */
  function invalidate() {
    dirty = true;
    wake();
  }
  const editor = createEditor($('#views'));

  /**
   * Mirror the last valid state into the URL: drags replace the current history entry (at most
   * ~4 times a second); a discrete change (pushHistory) adds an entry, so back / forward step
   * between presets, modes and images.
   */
  function writeHash(now) {
    // back / forward (or a typed link) moved the URL since: that entry is not this state's, and
    // its own state is on its way (popstate / hashchange, then a recompute that writes)
    if (location.hash !== hashFrom) return;
    hashPending = false;
    hashWrittenAt = now;
    lastHash = `#${toHash(validState)}`;
    if (location.hash === lastHash) {
      pushPending = false;
      return;
    }
    if (pushPending) history.pushState(null, '', lastHash);
    else history.replaceState(null, '', lastHash);
    pushPending = false;
  }

  /**
   * Write the URL in a task of its own after the frame (history.replaceState costs ~1 ms: not in
   * the frame that repaints an edit), at most ~4 times a second.
   */
  let hashTimer = 0;
  function scheduleHash() {
    if (hashTimer) return;
    const wait = Math.max(0, 250 - (performance.now() - hashWrittenAt));
    hashTimer = setTimeout(() => {
      hashTimer = 0;
      if (hashPending && validState) writeHash(performance.now());
    }, wait);
  }

  /** Flush a pending drag into the current entry, then let the next write push a new one. */
  function pushHistory() {
    if (hashPending && validState) writeHash(performance.now());
    pushPending = true;
  }

  function showPage(pg) {
    for (const pane of document.querySelectorAll('[data-pane]')) pane.hidden = pane.dataset.pane !== pg.mode;
    document.body.dataset.mode = pg.mode;
    // until the observer has seen the pane, its canvases count as on screen
    for (const [name] of pg.views) canvases.get(name).onScreen = true;
  }

  function syncModeChrome(mode) {
    for (const tab of tabs) {
      const on = tab.dataset.modeTab === mode;
      setAttr(tab, 'aria-selected', String(on));
      setProp(tab, 'tabIndex', on ? 0 : -1);
    }
    setText($('#controls-title'), MODE_INFO[mode].title);
    controls.setMode(mode);
  }

  function recompute() {
    computedVersion = store.version;
    const state = store.state;
    const next = PAGES[state.mode];
    syncModeChrome(state.mode);
    try {
      const built = next.build(api, state, store.lastEdited);
      if (model) model.dispose();
      newImageGeneration();
      const switched = page !== next;
      model = built;
      page = next;
      modelId++;
      if (switched) {
        showPage(page);
        hover = null;
        pinned = null;
        timeline.setLength(model.total);
        timeline.home(performance.now());
        timeline.play(performance.now());
      }
      timeline.setLength(model.total);
      hover = page.valid(model, hover);
      pinned = page.valid(model, pinned);
      // the sliders keep their value lists until afterEdit has the new ones (right after this frame)
      controls.sync(state, null);
      controls.clearErrors();
      classroom(state);
      setProp($('#status'), 'hidden', true);
      if (document.body.classList.contains('is-stale')) document.body.classList.remove('is-stale');
      renderModelDom();
      validState = cloneState(state);
      hashPending = true;
      hashFrom = location.hash;
      scheduleHash();
      needsLayout = true;
      // a new page (the first, a mode switch) shows its sliders right away
      if (switched) syncChrome(state);
      else scheduleAfterEdit();
    } catch (e) {
      // a discrete change (pushHistory) that lands in an invalid state keeps its pending push: the
      // state that fixes it gets an entry of its own, and back still reaches the one before
      if (!model) {
        // the very first state is unusable (a hand-made link): fall back to the defaults
        showNotice(`The link describes an invalid convolution (${e.message}); showing the default example.`);
        store.replace(fromHash('').state);
        return;
      }
      controls.sync(state, null);
      controls.showError(e.param ?? store.lastEdited, e.message);
      const st = $('#status');
      const strong = document.createElement('strong');
      strong.textContent = page.mode === state.mode
        ? 'Showing the last valid picture. '
        : `Still showing ${MODE_INFO[page.mode].tab}: `;
      st.replaceChildren(strong, `${e.message} — fix the highlighted argument to update the picture.`);
      st.hidden = false;
      document.body.classList.add('is-stale');
    }
    for (const f of fillBars) f.sync(state);
    dirty = true;
  }

  /**
   * What an edit changes besides the picture: the values each slider can reach (a few wasm
   * geometry probes per slider, ~0.5 ms at the lecture size) and the preset menu's match. It runs
   * in a task of its own, posted from the frame that recomputed: after that frame is rendered and
   * before the next one, so the frame that shows the new intermediates does not wait for it. A
   * drag sees the sliders' lists of the previous state for those few milliseconds: a slider's own
   * list never depends on its own value. A new page (the first one, a mode switch) has them at once.
   */
  const afterEdit = new MessageChannel();
  let afterEditFor = -1; // the store version whose recompute succeeded and asked for it
  afterEdit.port1.onmessage = () => {
    const version = afterEditFor;
    afterEditFor = -1;
    // a newer edit has its own (or failed: the sliders keep the lists of the last valid state)
    if (version === store.version && version === computedVersion) syncChrome(store.state);
  };
  function scheduleAfterEdit() {
    if (afterEditFor < 0) afterEdit.port2.postMessage(0);
    afterEditFor = store.version;
  }
  function syncChrome(state) {
    let values = null;
    try {
      values = page.bounds(api, state.params);
    } catch (e) {
      console.error(e); // a valid state always has bounds: a bug, but the sliders keep working
    }
    controls.sync(state, values);
    presetMenu.sync(state);
  }

  function renderModelDom() {
    setText($('#module-repr'), page.repr(store.state.params, model));
    const [[inName, inShape], [outName, outShape]] = page.shapes(model);
    setText($('#input-label'), inName);
    setText($('#output-label'), outName);
    setText($('#input-shape'), sizeText(inShape));
    setText($('#output-shape'), sizeText(outShape));
    for (const lg of legends) {
      const m = model.scales[lg.scale];
      if (m === undefined) continue;
      setText(lg.lo, lg.count ? '0' : formatValue(-m));
      setText(lg.hi, formatValue(m));
    }
    page.renderDom(model, ctx);
    focusKey = '';
  }

  // classroom tools (#6): presets, Copy as PyTorch, export, image input, Predict first
  const presetMenu = buildPresetMenu($('#presets'), ctx);
  const python = buildPythonPanel(ctx);
  const imagePanel = buildImagePanel({ ...ctx, notice: showNotice });
  const quiz = buildQuiz(ctx);
  buildExport({
    api,
    drawAll: () => drawAll(),
    canvases,
    current: () => ({ page, model, state: validState }),
    hold: (on) => {
      held = on;
      if (!on) wake();
    },
    edited: () => store.version !== computedVersion,
    repr: () => $('#module-repr').textContent,
  });
  let shownImage = null;
  function classroom(state) {
    // a new image input: show the whole feature map (the last position), paused; scrub to step
    const im = state.image && state.image.tensor;
    if (im && im !== shownImage) {
      timeline.setLength(model.total);
      timeline.end(performance.now());
      timeline.pause();
    }
    shownImage = im;
    python.render(page.mode, model, state);
    imagePanel.sync(state);
    quiz.render(page.mode, model, state);
    setData(document.body, 'image', String(Boolean(state.image)));
  }

  function layoutAll() {
    needsLayout = false;
    const dpr = Math.min(2, window.devicePixelRatio || 1);
    // reads first (cached widths; a pane just shown is measured once), then writes
    for (const [name] of page.views) {
      const cv = canvases.get(name);
      if (!cv.wrapWidth) cv.wrapWidth = Math.round(cv.wrap.getBoundingClientRect().width);
    }
    for (const [name, view] of page.views) {
      const cv = canvases.get(name);
      const width = Math.max(120, cv.wrapWidth);
      cv.width = width;
      cv.geom = view.layout(model, width);
      const h = Math.max(40, cv.geom.height);
      // The element is as tall as the picture; its backing store is reallocated only when it must
      // grow (in steps) or is far too tall, and object-fit shows the store's top rows unscaled. A
      // new store costs a synchronous round trip to the GPU process at the next commit (2-10 ms
      // with software compositing), and most edits change some canvas's height.
      const pw = Math.round(width * dpr);
      const ph = Math.round(h * dpr);
      if (cv.el.width !== pw) {
        cv.el.width = pw;
        cv.rec.reset();
      }
      if (cv.el.height < ph || cv.el.height > 4 * ph + 1024) {
        cv.el.height = Math.ceil(ph / BACKING_STEP) * BACKING_STEP;
        cv.rec.reset();
      }
      if (cv.height !== h) cv.el.style.height = `${h}px`;
      if (cv.dpr !== dpr) cv.el.style.objectFit = dpr === 1 ? 'none' : 'cover';
      cv.dpr = dpr;
      cv.height = h;
      const grids = JSON.stringify(gridsOf(cv.geom));
      if (cv.grids !== grids) {
        cv.grids = grids;
        cv.el.dataset.grids = grids;
      }
    }
    dirty = true;
  }

  /** The grids of a view's geometry, for tests and tools: name → [x, y, rows, cols, cw, ch]. */
  function gridsOf(geom) {
    const out = {};
    const one = (g) => [g.x, g.y, g.rows, g.cols, g.cw, g.ch];
    for (const [k, v] of Object.entries(geom)) {
      if (v && typeof v === 'object' && 'rows' in v) out[k] = one(v);
      else if (Array.isArray(v) && v.length && v[0] && 'rows' in v[0]) out[k] = v.map(one);
      else if (Array.isArray(v) && v.length && Array.isArray(v[0])) out[k] = v.map((row) => row.map(one));
    }
    return out;
  }

  /** What every view draws from at a time: timeline position, hover, focus, frame extras. */
  function frameState(now) {
    const position = timeline.position;
    const linked = hover ?? pinned;
    const focus = page.focus(model, position, linked);
    const tframe = page.frame(model, timeline, focus, now);
    // a value question not yet answered: the views that show the asked cell leave it blank
    tframe.withheld = quiz.withheld();
    return { position, linked, focus, tframe };
  }

  /** Draw a view: recorded, and played onto its canvas only when the picture changed. */
  function drawView(cv, view, f, now) {
    const r = cv.rec;
    r.begin();
    r.setTransform(cv.dpr, 0, 0, cv.dpr, 0, 0);
    r.clearRect(0, 0, cv.width, cv.height);
    view.draw(r, model, f.tframe, f.focus, cv.geom);
    r.end();
    cv.stale = false;
    cv.drawnAt = now;
  }

  /** The off-screen stale view of the page drawn least recently (null: none). */
  function stalest() {
    let best = null;
    for (const [name, view] of page.views) {
      const cv = canvases.get(name);
      if (!cv.onScreen && cv.stale && (!best || cv.drawnAt < best.cv.drawnAt)) best = { cv, view };
    }
    return best;
  }

  /**
   * Every view of the page drawn now, on screen or not, each backing store cut to its picture: the
   * PNG export composes the canvas elements whole.
   */
  function drawAll() {
    for (const [name] of page.views) {
      const cv = canvases.get(name);
      const ph = Math.round(cv.height * cv.dpr);
      if (cv.el.height !== ph) {
        cv.el.height = ph;
        cv.rec.reset();
      }
    }
    const now = performance.now();
    const f = frameState(now);
    for (const [name, view] of page.views) drawView(canvases.get(name), view, f, now);
  }

  /**
   * Off-screen views left stale are drawn when the page is idle, one per idle period (never in a
   * frame: they would lengthen the frame that shows an edit or a step).
   */
  const whenIdle = typeof requestIdleCallback === 'function'
    ? (f) => requestIdleCallback(f, { timeout: 250 })
    : (f) => setTimeout(f, 100);
  let catchUpPending = false;
  function scheduleCatchUp() {
    if (catchUpPending || !model || !stalest()) return;
    catchUpPending = true;
    whenIdle(() => {
      catchUpPending = false;
      if (!model) return;
      const s = stalest();
      if (s) drawView(s.cv, s.view, frameState(performance.now()), performance.now());
      scheduleCatchUp();
    });
  }

  function render(now) {
    dirty = false;
    // first: a value question that follows the timeline asks about the new cell before it is drawn
    quiz.frame();
    const f = frameState(now);
    const { position, linked, focus, tframe } = f;
    lastSlide = tframe.slide;
    for (const [name, view] of page.views) {
      const cv = canvases.get(name);
      if (cv.onScreen) drawView(cv, view, f, now);
      else cv.stale = true;
    }
    // Playing fast, the dot product and the position text (which nobody reads at that pace) are
    // rewritten at most ~8 times a second: new DOM text costs a layout and a paint of the page.
    const fast = timeline.playing && timeline.speed >= FAST_PLAY;
    const textDue = !fast || now - textAt >= 125;
    const key = `${modelId}:${page.focusKey(focus)}`;
    const changed = textDue && key !== focusKey;
    if (changed) {
      focusKey = key;
      textAt = now;
    }
    page.frameDom(model, focus, position, linked, changed);
    syncTimelineDom(position, textDue);
  }

  // timeline DOM
  const scrubber = $('#scrubber');
  const speed = $('#speed');
  const playBtn = $('[data-action="play"]');
  const timelineBar = $('.timeline');
  const positionText = $('#position-text');
  function syncTimelineDom(position, textDue = true) {
    setProp(scrubber, 'max', String(timeline.length - 1));
    if (document.activeElement !== scrubber || timeline.playing) setProp(scrubber, 'value', String(position));
    if (textDue) setText(positionText, page.positionText(model, position));
    setData(timelineBar, 'position', String(position));
    setData(timelineBar, 'mode', page.mode);
    if (lastPlaying !== timeline.playing) {
      lastPlaying = timeline.playing;
      $('.tl-play-text', playBtn).textContent = timeline.playing ? 'Pause' : 'Play';
      $('.tl-play-icon', playBtn).textContent = timeline.playing ? '❚❚' : '▶';
      playBtn.setAttribute('aria-pressed', String(timeline.playing));
    }
  }
  const actions = {
    home: () => timeline.home(performance.now()),
    back: () => timeline.step(-1, performance.now()),
    play: () => timeline.toggle(performance.now()),
    forward: () => timeline.step(1, performance.now()),
    end: () => timeline.end(performance.now()),
  };
  for (const b of document.querySelectorAll('.timeline [data-action]')) {
    b.addEventListener('click', () => {
      actions[b.dataset.action]();
      invalidate();
    });
  }
  scrubber.addEventListener('input', () => {
    timeline.seek(Number(scrubber.value), performance.now());
    invalidate();
  });
  const syncSpeed = () => {
    timeline.speed = SPEEDS[Number(speed.value)] ?? 1.5;
    $('#speed-text').textContent = `${timeline.speed}/s`;
  };
  speed.max = String(SPEEDS.length - 1);
  speed.value = String(SPEEDS.indexOf(1.5));
  speed.addEventListener('input', syncSpeed);
  syncSpeed();

  document.addEventListener('keydown', (e) => {
    if (e.key === 'Escape') {
      pinned = null;
      hover = null;
      editor.close();
      invalidate();
      return;
    }
    if (e.altKey || e.ctrlKey || e.metaKey) return;
    const key = { ' ': 'play', ArrowLeft: 'back', ArrowRight: 'forward', Home: 'home', End: 'end' }[e.key];
    if (!key) return;
    // fields, sliders and selects keep their keys; a focused button keeps Space unless it is a
    // timeline button (there Space always means play / pause); the mode tabs keep the arrows, and
    // the Python code (focusable to be scrolled by keyboard) keeps its scrolling keys
    const t = e.target instanceof Element ? e.target : null;
    if (t && t.closest('input, select, textarea, [contenteditable], [role="tab"], .py-code')) return;
    if (t && key === 'play' && t.closest('button') && !t.closest('.timeline')) return;
    e.preventDefault();
    actions[key]();
    invalidate();
  });
  // arrow keys move between the mode tabs (the ARIA tabs pattern)
  $('.mode-tabs').addEventListener('keydown', (e) => {
    const i = tabs.indexOf(document.activeElement);
    if (i < 0 || (e.key !== 'ArrowLeft' && e.key !== 'ArrowRight')) return;
    e.preventDefault();
    const next = tabs[(i + (e.key === 'ArrowRight' ? 1 : tabs.length - 1)) % tabs.length];
    next.focus();
    next.click();
  });

  // pointer linking + editing: every canvas of every page
  for (const pg of Object.values(PAGES)) {
    for (const [name, view] of pg.views) {
      const cv = canvases.get(name);
      if (!cv) continue;
      const targetAt = (e) => {
        if (!model || page !== pg || !cv.geom) return null;
        const r = cv.el.getBoundingClientRect();
        const x = e.clientX - r.left;
        const y = e.clientY - r.top;
        let t = view.hit(model, cv.geom, x, y);
        if (!t && view.hitPatch) {
          const f = pg.focus(model, timeline.position, hover ?? pinned);
          t = view.hitPatch(model, cv.geom, x, y, f.l);
        }
        return t ? { target: t, x, y } : null;
      };
      cv.el.addEventListener('pointermove', (e) => {
        const h = targetAt(e);
        const t = h ? h.target : null;
        if (!sameTarget(t, hover)) {
          hover = t;
          invalidate();
        }
        cv.el.classList.toggle('is-pointing', Boolean(t));
      });
      cv.el.addEventListener('pointerleave', () => {
        if (hover) {
          hover = null;
          invalidate();
        }
      });
      cv.el.addEventListener('click', (e) => {
        const h = targetAt(e);
        if (!h) {
          pinned = null;
          invalidate();
          return;
        }
        const t = h.target;
        if (pg.onClick && pg.onClick(t, ctx)) {
          invalidate();
          return;
        }
        const ed = view.editTarget ? view.editTarget(model, t) : null;
        if (ed) {
          pinned = t;
          if (ed.refused) {
            showNotice(ed.refused);
          } else {
            editor.open({
              clientX: e.clientX,
              clientY: e.clientY,
              name: ed.name,
              value: Number(ed.value.toPrecision(7)),
              onCommit: (v) => store.setCell(ed.tensor, ed.key, v),
            });
          }
        } else {
          pinned = sameTarget(pinned, t) ? null : t;
        }
        invalidate();
      });
    }
  }

  // dot-product terms link to their tap (Conv2d)
  const dp = $('#dot-product');
  dp.addEventListener('pointerover', (e) => {
    const term = e.target instanceof Element ? e.target.closest('.term') : null;
    if (!term || !model || page !== conv2dPage) return;
    const f = page.focus(model, timeline.position, pinned);
    // while playing fast the terms are rewritten at most ~8 times a second: for a moment after an
    // edit they can be the previous model's, and a row this model does not have links nothing
    hover = page.valid(model, { kind: 'column', r: Number(term.dataset.row), l: f.l });
    invalidate();
  });
  dp.addEventListener('pointerleave', () => {
    hover = null;
    invalidate();
  });

  // back / forward and edited links: the hash is the state. A hash naming an element of the page
  // (the skip link's #views) is an in-page jump, not a link to a state: the state stays.
  function followHash() {
    if (location.hash === lastHash) return;
    const id = location.hash.slice(1);
    if (/^[A-Za-z][\w-]*$/.test(id) && document.getElementById(id)) {
      if (lastHash) history.replaceState(null, '', lastHash);
      if (hashPending) scheduleHash();
      return;
    }
    lastHash = location.hash;
    const next = fromHash(location.hash);
    const imageNotice = restoreImage(next.state);
    if (next.notice || imageNotice) showNotice(next.notice ?? imageNotice);
    pushPending = false;
    store.replace(next.state);
  }
  window.addEventListener('hashchange', followHash);
  window.addEventListener('popstate', followHash);

  timeline.play(performance.now());
  store.onChange = wake;
  // A frame recomputes when the state moved, then draws what changed; the loop asks for the next
  // frame only while the timeline plays or glides (an idle page runs no frames).
  loop = startLoop((now, dt) => {
    if (store.version !== computedVersion && !held) recompute();
    if (!model) return false;
    if (needsLayout) layoutAll();
    if (timeline.tick(dt, now)) dirty = true;
    if (timeline.playing !== lastPlaying) dirty = true;
    if (lastSlide < 1) dirty = true;
    if (dirty) render(now);
    scheduleCatchUp();
    return timeline.playing || lastSlide < 1 || dirty || needsLayout || (store.version !== computedVersion && !held);
  });
  document.body.classList.add('is-ready');
}

main().catch((e) => {
  const msg = `convviz could not start: ${e && e.message ? e.message : e}. If www/pkg/convviz.js is missing, run \`make build\`.`;
  showNotice(msg);
  console.error(e);
});
