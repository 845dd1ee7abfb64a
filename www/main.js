// Wiring only: state ← controls; state → (when it changed) wasm recompute → model; every frame,
// views ← (model, timeline position, hover). No maths here, no globals.

import init, { conv2dTrace, conv2dOutputSize, defaultInit } from './pkg/convviz.js';
import { Store, fromHash, toHash, cloneState } from './state.js';
import { INPUT_FILLS, WEIGHT_FILLS } from './params.js';
import { buildControls, buildFillBar } from './controls.js';
import { sliderValues } from './bounds.js';
import { Timeline, startLoop } from './timeline.js';
import { resolveFocus, sameTarget } from './link.js';
import { createEditor } from './editor.js';
import * as conv2d from './modes/conv2d.js';
import * as inputView from './views/input.js';
import * as outputView from './views/output.js';
import * as weightsView from './views/weights.js';
import * as im2colView from './views/im2col.js';
import * as dotProduct from './views/dotproduct.js';
import * as shapesView from './views/shapes.js';
import { paintLegendBar, formatValue } from './views/grid.js';

/** Modes: how to build a model, and which canvas views draw it. (#5 adds more.) */
const MODES = {
  conv2d: { build: conv2d.build, views: [inputView, outputView, weightsView, im2colView] },
};

const SPEEDS = [0.25, 0.5, 1, 1.5, 2, 3, 5, 8, 12, 20, 40, 100, 250];
const MAX_VALUES_ATTR = 4096;

const $ = (sel, root = document) => root.querySelector(sel);

function validTarget(m, t) {
  if (!t) return null;
  switch (t.kind) {
    case 'position': return t.co < m.cout && t.l < m.L ? t : null;
    case 'column': return t.r < m.K && t.l < m.L ? t : null;
    case 'input': return t.c < m.cin && t.ph < m.hp && t.pw < m.wp ? t : null;
    case 'weight': return t.co < m.cout && t.k < m.Kg ? t : null;
    case 'bias': return m.bias && t.co < m.cout ? t : null;
    default: return null;
  }
}

/** PyTorch's repr of the module: Conv2d(3, 1, kernel_size=(3, 3), stride=(1, 1)). */
function moduleRepr(p) {
  const tup = (v) => `(${v[0]}, ${v[1]})`;
  let s = `Conv2d(${p.in_channels}, ${p.out_channels}, kernel_size=${tup(p.kernel_size)}, stride=${tup(p.stride)}`;
  if (!Array.isArray(p.padding)) s += `, padding=${p.padding}`;
  else if (p.padding[0] || p.padding[1]) s += `, padding=${tup(p.padding)}`;
  if (p.dilation[0] !== 1 || p.dilation[1] !== 1) s += `, dilation=${tup(p.dilation)}`;
  if (p.groups !== 1) s += `, groups=${p.groups}`;
  if (!p.bias) s += ', bias=False';
  if (p.padding_mode !== 'zeros') s += `, padding_mode=${p.padding_mode}`;
  return `${s})`;
}

const sizeText = (shape) => `torch.Size([${shape.join(', ')}])`;

function setData(el, key, value) {
  if (el.dataset[key] !== value) el.dataset[key] = value;
}

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
  await init();
  const api = { conv2dTrace, conv2dOutputSize, defaultInit };

  const loaded = fromHash(location.hash);
  const store = new Store(loaded.state);
  if (loaded.notice) showNotice(loaded.notice);

  const controls = buildControls($('#controls'), store);
  const fillBars = [
    buildFillBar($('[data-fills="input"]'), INPUT_FILLS, 'input', store),
    buildFillBar($('[data-fills="weight"]'), WEIGHT_FILLS, 'weight', store),
  ];
  const timeline = new Timeline();
  if (matchMedia('(prefers-reduced-motion: reduce)').matches) timeline.slideMs = 0;

  // legends
  const legends = [...document.querySelectorAll('.legend[data-scale]')].map((root) => {
    const bar = document.createElement('canvas');
    bar.className = 'legend-bar';
    paintLegendBar(bar);
    const lo = document.createElement('span');
    const mid = document.createElement('span');
    const hi = document.createElement('span');
    lo.className = 'legend-lo';
    mid.className = 'legend-mid';
    hi.className = 'legend-hi';
    mid.textContent = '0';
    const labels = document.createElement('div');
    labels.className = 'legend-labels';
    labels.append(lo, mid, hi);
    root.append(bar, labels);
    return { scale: root.dataset.scale, lo, hi };
  });

  // canvas views
  const canvases = new Map();
  let needsLayout = true;
  const resize = new ResizeObserver(() => {
    needsLayout = true;
  });
  for (const el of document.querySelectorAll('canvas[data-canvas]')) {
    const wrap = el.parentElement;
    canvases.set(el.dataset.canvas, { el, wrap, ctx: el.getContext('2d'), geom: null, width: 0 });
    resize.observe(wrap);
  }

  let model = null;
  let modelId = 0;
  let computedVersion = 0;
  let dirty = true;
  let hover = null;
  let pinned = null;
  let lastHash = null;
  let hashPending = false;
  let validState = null;
  let hashWrittenAt = -Infinity;

  /** Mirror the last valid state into the URL, at most ~4 times a second (drags stay cheap). */
  function writeHash(now) {
    hashPending = false;
    hashWrittenAt = now;
    lastHash = `#${toHash(validState)}`;
    if (location.hash !== lastHash) history.replaceState(null, '', lastHash);
  }
  let dotKey = '';
  let lastSlide = 1;
  let lastPlaying = null;
  let mode = MODES[store.state.mode];
  const editor = createEditor($('#views'));

  function recompute() {
    computedVersion = store.version;
    const state = store.state;
    mode = MODES[state.mode];
    try {
      const next = mode.build(api, state, store.lastEdited);
      const values = sliderValues(api, state.params);
      if (model) model.dispose();
      model = next;
      modelId++;
      timeline.setLength(model.total);
      hover = validTarget(model, hover);
      pinned = validTarget(model, pinned);
      controls.sync(state, values);
      controls.clearErrors();
      $('#status').hidden = true;
      document.body.classList.remove('is-stale');
      renderModelDom();
      validState = cloneState(state);
      hashPending = true;
      needsLayout = true;
    } catch (e) {
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
      strong.textContent = 'Showing the last valid convolution. ';
      st.replaceChildren(strong, `${e.message} — fix the highlighted argument to update the picture.`);
      st.hidden = false;
      document.body.classList.add('is-stale');
    }
    for (const f of fillBars) f.sync(state);
    dirty = true;
  }

  function renderModelDom() {
    const p = store.state.params;
    $('#module-repr').textContent = moduleRepr(p);
    $('#input-shape').textContent = sizeText(model.input.shape);
    $('#output-shape').textContent = sizeText(model.output.shape);
    shapesView.render($('#shapes'), model);
    for (const lg of legends) {
      const m = model.scales[lg.scale];
      lg.lo.textContent = formatValue(-m);
      lg.hi.textContent = formatValue(m);
    }
    const out = $('#card-output');
    setData(out, 'shape', model.output.shape.join(','));
    if (model.output.data.length <= MAX_VALUES_ATTR) {
      setData(out, 'values', JSON.stringify(Array.from(model.output.data)));
    } else {
      delete out.dataset.values;
    }
    const inp = $('#card-input');
    setData(inp, 'paddingMode', model.params.paddingMode);
    if (model.input.data.length <= MAX_VALUES_ATTR) setData(inp, 'values', JSON.stringify(Array.from(model.input.data)));
    else delete inp.dataset.values;
    const w = $('#card-weights');
    if (model.weight.data.length <= MAX_VALUES_ATTR) setData(w, 'values', JSON.stringify(Array.from(model.weight.data)));
    else delete w.dataset.values;
    setData(w, 'bias', model.bias ? JSON.stringify(Array.from(model.bias.data)) : '');
    dotKey = '';
  }

  function layoutAll() {
    needsLayout = false;
    const dpr = Math.min(2, window.devicePixelRatio || 1);
    for (const view of mode.views) {
      const cv = canvases.get(view.id);
      const width = Math.max(120, Math.floor(cv.wrap.clientWidth));
      cv.width = width;
      cv.geom = view.layout(model, width);
      const h = Math.max(40, cv.geom.height);
      cv.el.width = Math.round(width * dpr);
      cv.el.height = Math.round(h * dpr);
      cv.el.style.height = `${h}px`;
      cv.dpr = dpr;
      cv.height = h;
      cv.el.dataset.grids = JSON.stringify(gridsOf(cv.geom));
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

  function render(now) {
    dirty = false;
    const position = timeline.position;
    const focus = resolveFocus(model, position, hover ?? pinned);
    const cur = model.position(position);
    const from = model.position(Math.min(timeline.prev, model.total - 1));
    const tframe = {
      position,
      // the stride: the cell to the left, or at a row's start the one above (stride along H)
      ghostSteps: focus.ow > 0 ? model.steps(focus.co, focus.l - 1)
        : focus.oh > 0 ? model.steps(focus.co, focus.l - model.wo) : null,
      fromSteps: timeline.prev !== position ? model.steps(from.co, from.l) : null,
      slide: timeline.slide(now),
    };
    lastSlide = tframe.slide;
    for (const view of mode.views) {
      const cv = canvases.get(view.id);
      cv.ctx.setTransform(cv.dpr, 0, 0, cv.dpr, 0, 0);
      cv.ctx.clearRect(0, 0, cv.width, cv.height);
      view.draw(cv.ctx, model, tframe, focus, cv.geom);
    }
    const key = `${modelId}:${focus.co}:${focus.l}`;
    if (key !== dotKey) {
      dotKey = key;
      dotProduct.render($('#dot-product'), model, focus);
    }
    // state for tests and assistive tech
    const out = $('#card-output');
    setData(out, 'currentPosition', String(position));
    setData(out, 'currentCell', `${cur.co},${Math.floor(cur.l / model.wo)},${cur.l % model.wo}`);
    setData(out, 'focusCell', `${focus.co},${focus.oh},${focus.ow}`);
    const fig = $('#im2col-figure');
    setData(fig, 'currentColumn', String(cur.l));
    setData(fig, 'focusColumn', String(focus.l));
    const linked = hover ?? pinned;
    setData(fig, 'hoverColumn', linked && (linked.kind === 'position' || linked.kind === 'column') ? String(focus.l) : '');
    setData(fig, 'hoverRow', focus.row >= 0 ? String(focus.row) : '');
    setData($('#card-input'), 'focusBox', `${focus.steps.box.r0},${focus.steps.box.c0},${focus.steps.box.r1},${focus.steps.box.c1}`);
    syncTimelineDom(position);
  }

  // timeline DOM
  const scrubber = $('#scrubber');
  const speed = $('#speed');
  const playBtn = $('[data-action="play"]');
  function syncTimelineDom(position) {
    scrubber.max = String(timeline.length - 1);
    if (document.activeElement !== scrubber || timeline.playing) scrubber.value = String(position);
    const { co, l } = model.position(position);
    $('#position-text').textContent = `cell ${position + 1} / ${timeline.length} · y[0, ${co}, ${Math.floor(l / model.wo)}, ${l % model.wo}]`;
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
      dirty = true;
    });
  }
  scrubber.addEventListener('input', () => {
    timeline.seek(Number(scrubber.value), performance.now());
    dirty = true;
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
      dirty = true;
      return;
    }
    if (e.altKey || e.ctrlKey || e.metaKey) return;
    const key = { ' ': 'play', ArrowLeft: 'back', ArrowRight: 'forward', Home: 'home', End: 'end' }[e.key];
    if (!key) return;
    // fields, sliders and selects keep their keys; a focused button keeps Space unless it is a
    // timeline button (there Space always means play / pause)
    const t = e.target instanceof Element ? e.target : null;
    if (t && t.closest('input, select, textarea, [contenteditable]')) return;
    if (t && key === 'play' && t.closest('button') && !t.closest('.timeline')) return;
    e.preventDefault();
    actions[key]();
    dirty = true;
  });

  // pointer linking + editing
  for (const view of Object.values(MODES).flatMap((m) => m.views)) {
    const cv = canvases.get(view.id);
    if (!cv) continue;
    const targetAt = (e) => {
      if (!model || !cv.geom) return null;
      const r = cv.el.getBoundingClientRect();
      const x = e.clientX - r.left;
      const y = e.clientY - r.top;
      let t = view.hit(model, cv.geom, x, y);
      if (!t && view.hitPatch) {
        const f = resolveFocus(model, timeline.position, hover ?? pinned);
        t = view.hitPatch(model, cv.geom, x, y, f.l);
      }
      return t ? { target: t, x, y } : null;
    };
    cv.el.addEventListener('pointermove', (e) => {
      const h = targetAt(e);
      const t = h ? h.target : null;
      if (!sameTarget(t, hover)) {
        hover = t;
        dirty = true;
      }
      cv.el.classList.toggle('is-pointing', Boolean(t));
    });
    cv.el.addEventListener('pointerleave', () => {
      if (hover) {
        hover = null;
        dirty = true;
      }
    });
    cv.el.addEventListener('click', (e) => {
      const h = targetAt(e);
      if (!h) {
        pinned = null;
        dirty = true;
        return;
      }
      const t = h.target;
      const editable = view.editTarget && (t.kind === 'input' || t.kind === 'weight' || t.kind === 'bias');
      if (editable) {
        pinned = t;
        const ed = view.editTarget(model, t);
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
      dirty = true;
    });
  }

  // dot-product terms link to their tap
  const dp = $('#dot-product');
  dp.addEventListener('pointerover', (e) => {
    const term = e.target instanceof Element ? e.target.closest('.term') : null;
    if (!term || !model) return;
    const f = resolveFocus(model, timeline.position, pinned);
    hover = { kind: 'column', r: Number(term.dataset.row), l: f.l };
    dirty = true;
  });
  dp.addEventListener('pointerleave', () => {
    hover = null;
    dirty = true;
  });

  window.addEventListener('hashchange', () => {
    if (location.hash === lastHash) return;
    const next = fromHash(location.hash);
    if (next.notice) showNotice(next.notice);
    store.replace(next.state);
  });

  timeline.play(performance.now());
  startLoop((now, dt) => {
    if (store.version !== computedVersion) recompute();
    if (!model) return;
    if (hashPending && now - hashWrittenAt > 250) writeHash(now);
    if (needsLayout) layoutAll();
    if (timeline.tick(dt, now)) dirty = true;
    if (timeline.playing !== lastPlaying) dirty = true;
    if (lastSlide < 1) dirty = true;
    if (dirty) render(now);
  });
  document.body.classList.add('is-ready');
}

main().catch((e) => {
  const msg = `convviz could not start: ${e && e.message ? e.message : e}. If www/pkg/convviz.js is missing, run \`make build\`.`;
  showNotice(msg);
  console.error(e);
});
