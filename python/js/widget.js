// The Jupyter widget's view: the app (www/app/mount.js) in a shadow root of the cell's output,
// its state kept in step with the Python object's traits (python/src/convviz/__init__.py):
//
//   state      the link text (www/lib/state.js)        both ways
//   step       the timeline's cell, 0-based            both ways
//   selected   the output cell under the pointer       browser -> Python ([] when none)
//   _output    the output tensor, float32 bytes        browser -> Python (with _output_shape)
//   _wasm      convviz_bg.wasm's bytes                 Python -> browser (anywidget has no asset URLs)
//   controls   'full' | 'compact' | 'none'             Python -> browser (embed.css, as <conv-viz>)
//   views      the cards to show ('' = all)            Python -> browser
//
// tools/pybundle.mjs bundles this module and what it imports into the widget's _esm; `assets`
// holds the stylesheets and the logo that the page would have fetched.

import { loadApiFromBytes } from '../../www/engine.js';
import { mount } from '../../www/app/mount.js';
import { toHash } from '../../www/lib/state.js';

/** Traits sent back at most this often while the timeline plays (ms). */
const SEND_EVERY = 150;

/** A trait's bytes (ipywidgets hands them over as a DataView) as a Uint8Array. */
function bytesOf(v) {
  if (v instanceof ArrayBuffer) return new Uint8Array(v);
  return new Uint8Array(v.buffer, v.byteOffset, v.byteLength);
}

function sheetsOf(assets) {
  return ['style.css', 'embed.css'].map((name) => {
    const sheet = new CSSStyleSheet();
    sheet.replaceSync(assets[name]);
    return sheet;
  });
}

/** The output cell a hover target names, as an index into the output without its batch axis. */
function selectedOf(target, index, shape) {
  if (!target || !shape) return [];
  if ((target.kind === 'position' || target.kind === 'tout') && index === 0 && shape.length === 4) {
    const wo = shape[3];
    return [target.co, Math.floor(target.l / wo), target.l % wo];
  }
  if (target.kind === 'ucol' && index === 0) return [target.r, target.l];
  return [];
}

/** The cards named by `views` (every card when blank), as <conv-viz views> does. */
function showViews(root, text) {
  const names = String(text ?? '').split(/[\s,]+/).filter(Boolean);
  for (const e of root.querySelectorAll('[data-view]')) {
    const own = e.dataset.view.split(' ');
    e.classList.toggle('embed-off', names.length > 0 && !own.some((n) => names.includes(n)));
  }
}

/** anywidget's render: mount, wire the traits, return the cleanup. */
export async function render({ model, el }, assets) {
  const host = document.createElement('div');
  host.className = 'convviz-widget';
  host.setAttribute('controls', model.get('controls'));
  el.append(host);
  // as <conv-viz>: a key the figure used (a timeline key) or typed into one of its fields stays in
  // it, so JupyterLab's command-mode shortcuts do not act on it too
  const keepKey = (e) => {
    const t = e.composedPath()[0];
    if (e.defaultPrevented || (t instanceof Element && t.closest('input, select, textarea, [contenteditable]'))) e.stopPropagation();
  };
  host.addEventListener('keydown', keepKey);
  host.addEventListener('keypress', keepKey);
  const shadow = host.attachShadow({ mode: 'open' });
  shadow.adoptedStyleSheets = sheetsOf(assets);
  const { engine, api } = await loadApiFromBytes(bytesOf(model.get('_wasm')));
  host.dataset.engine = engine;

  let link = null;
  let sent = { step: -1, selected: '', at: 0 };
  let app = null;
  // the mode's output (Fold's is its second); after a change of mode from either side, the new
  // mode's first; none (the Matrix tab): w.output is None
  const outputOf = (outs) => outs[Math.min(model.get('_output_index'), outs.length - 1)]?.[1] ?? null;
  const sendOutput = () => {
    const t = outputOf(app.outputs());
    const data = t ? Float32Array.from(t.data) : new Float32Array(0);
    model.set('_output', new DataView(data.buffer));
    model.set('_output_shape', t ? [...t.shape] : []);
  };
  const changed = (state) => {
    link = toHash(state);
    model.set('state', link);
    sendOutput();
    model.save_changes();
  };
  app = mount(shadow, {
    api,
    state: model.get('state'),
    landmarks: false,
    autoplay: false,
    onChange: (state) => queueMicrotask(() => app && changed(state)),
  });
  const logo = `data:image/svg+xml,${encodeURIComponent(assets['favicon.svg'])}`;
  for (const img of shadow.querySelectorAll('img[data-asset="favicon.svg"]')) img.src = logo;
  showViews(shadow, model.get('views'));

  const onState = () => {
    const text = model.get('state');
    if (text !== link) app.load(text);
  };
  const onStep = () => {
    const n = model.get('step');
    if (n !== app.timeline.position) {
      app.timeline.seek(n);
      app.redraw();
    }
  };
  const onControls = () => host.setAttribute('controls', model.get('controls'));
  const onViews = () => showViews(shadow, model.get('views'));
  model.on('change:state', onState);
  model.on('change:step', onStep);
  model.on('change:controls', onControls);
  model.on('change:views', onViews);

  // the timeline and the pointer have no events: look once a frame, send what moved (throttled)
  let frame = 0;
  const poll = (now) => {
    frame = requestAnimationFrame(poll);
    if (link === null || now - sent.at < SEND_EVERY) return;
    const step = app.timeline.position;
    const outs = app.outputs();
    const index = Math.min(model.get('_output_index'), outs.length - 1);
    const selected = selectedOf(app.hovered(), index, outs[index]?.[1].shape);
    const key = selected.join(',');
    if (step === sent.step && key === sent.selected) return;
    sent = { step, selected: key, at: now };
    model.set('step', step);
    model.set('selected', selected);
    model.save_changes();
  };
  frame = requestAnimationFrame(poll);

  return () => {
    cancelAnimationFrame(frame);
    model.off('change:state', onState);
    model.off('change:step', onStep);
    model.off('change:controls', onControls);
    model.off('change:views', onViews);
    app.destroy();
    app = null;
    host.removeEventListener('keydown', keepKey);
    host.removeEventListener('keypress', keepKey);
    host.remove();
  };
}
