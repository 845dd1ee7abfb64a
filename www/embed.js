// <conv-viz>: the visualizer as an element for a course page, a slide or a notebook — the same app
// as the standalone page (app/mount.js), mounted into the element's shadow root, so the host
// page's CSS does not reach in and the app's does not leak out. Load this module once
// (<script type="module" src="…/www/embed.js">) and write as many elements as you like:
//
//   <conv-viz state="mode=conv2d&in_channels=1&stride=2" views="input,output,dotproduct"
//             controls="compact" autoplay></conv-viz>
//
// attributes (all live: a change applies at once)
//   state     the standalone page's link hash (what its address shows after '#'); a mangled one
//             shows the page's notice and the default example
//   views     the cards to show, by name (docs/embed.md lists them): input, output, dotproduct,
//             weights, im2col, shapes, channels, roundtrip, scatter, zeroinsert, colmatmul,
//             unfold, fold, matrix, note; absent: every card of the mode
//   controls  'full' (absent: the page's sidebar, tabs and tools), 'compact' (the layer's
//             arguments only) or 'none' (no sidebar: the picture and its timeline)
//   autoplay  play the timeline once the element is first on screen (absent: paused at cell 1)
// properties  el.state (the link of the state on screen; setting it = setting the attribute),
//             el.step (the timeline's cell, 0-based; settable), el.playing, el.play(), el.pause(),
//             el.ready (a promise: the first picture is on screen)
// event       'change', when the state on screen changes: event.detail.state is its link text
//
// Every element shares the page's one wasm module (engine.js loads it once) and one copy of the
// two stylesheets (constructed sheets, fetched once: they work under a strict CSP, style-src 'self').

import { loadApi, loadMore } from './engine.js';
import { mount } from './app/mount.js';
import { toHash } from './lib/state.js';
import { el } from './lib/dom.js';

/** The stylesheets of the shadow root, in order (relative to this module). */
const SHEETS = ['style.css', 'embed.css'];

/** The element's attributes, all observed. */
const ATTRIBUTES = ['state', 'views', 'controls', 'autoplay'];

/** The page's one copy of the stylesheets, shared by every element (like engine.js's wasm). */
function loadSheets() {
  sheetsOnce ??= Promise.all(SHEETS.map(async (name) => {
    const url = new URL(name, import.meta.url);
    const res = await fetch(url);
    if (!res.ok) throw new Error(`${url.pathname}: HTTP ${res.status}`);
    const sheet = new CSSStyleSheet({ baseURL: url.href });
    sheet.replaceSync(await res.text());
    return sheet;
  }));
  return sheetsOnce;
}
let sheetsOnce = null;

/** `views="input, output"` → ['input', 'output']; null (every card) when absent or blank. */
function viewList(text) {
  const names = String(text ?? '').split(/[\s,]+/).filter(Boolean);
  return names.length ? names : null;
}

export class ConvViz extends HTMLElement {
  static observedAttributes = ATTRIBUTES;

  #shadow;
  #app = null;
  #starting = false;
  /** The link of the state on screen (null before the first picture). */
  #link = null;
  /** What was asked of the timeline before the first picture (its length is known from then). */
  #pending = { step: null, play: null };
  #seen = null;
  #ready;
  #resolveReady;

  constructor() {
    super();
    this.#shadow = this.attachShadow({ mode: 'open' });
    this.#ready = new Promise((resolve, reject) => {
      this.#resolveReady = { resolve, reject };
    });
    this.#ready.catch(() => {}); // a page that never asks is not told twice (the element says it)
    // A key the figure used (a timeline key: the app prevented its default) or typed into one of
    // its fields stays in the figure: a host page with shortcuts of its own (a reveal.js deck:
    // arrows, space, f, s, ?) does not act on it too. Other keys go on to the page.
    const keepKey = (e) => {
      const t = e.composedPath()[0];
      if (e.defaultPrevented || (t instanceof Element && t.closest('input, select, textarea, [contenteditable]'))) e.stopPropagation();
    };
    this.addEventListener('keydown', keepKey);
    this.addEventListener('keypress', keepKey);
  }

  connectedCallback() {
    if (this.#app || this.#starting) return;
    this.#starting = true;
    this.#start().catch((e) => this.#fail(e)).finally(() => {
      this.#starting = false;
    });
  }

  disconnectedCallback() {
    // moved within the page (removed and inserted in one task): keep the app
    queueMicrotask(() => {
      if (this.isConnected || !this.#app) return;
      this.#seen?.disconnect();
      this.#seen = null;
      this.#app.destroy();
      this.#app = null;
    });
  }

  attributeChangedCallback(name, old, value) {
    const app = this.#app;
    if (!app) return; // read when the app mounts
    if (name === 'state') app.load(value ?? '');
    else if (name === 'views') this.#showViews();
    else if (name === 'autoplay') {
      if (value === null) this.pause();
      else this.#playWhenSeen();
    }
    // controls: the stylesheet reads the attribute (embed.css)
  }

  async #start() {
    const [sheets, { engine, api }] = await Promise.all([loadSheets(), loadApi()]);
    if (!this.isConnected || this.#app) return;
    this.#shadow.adoptedStyleSheets = sheets;
    this.#app = mount(this.#shadow, {
      api,
      state: this.#link ?? this.getAttribute('state') ?? '',
      landmarks: false,
      autoplay: false,
      modules: { more: () => loadMore() },
      onChange: (state) => this.#changed(state),
    });
    this.dataset.engine = engine;
    this.#showViews();
  }

  /** The first picture is on screen: what was asked of the timeline before it, then autoplay. */
  #firstPicture() {
    const { step, play } = this.#pending;
    this.#pending = { step: null, play: null };
    if (step !== null) this.step = step;
    if (play === true) this.play();
    else if (play === null && this.hasAttribute('autoplay')) this.#playWhenSeen();
    this.#resolveReady.resolve(this);
  }

  /** Could not start (no wasm package, an old browser): a line in the element instead of a picture. */
  #fail(e) {
    const message = e && e.message ? e.message : String(e);
    this.#shadow.replaceChildren(el('p', { role: 'alert', text: `convviz could not start: ${message}.` }));
    console.error(e);
    this.#resolveReady.reject(e);
  }

  #changed(state) {
    const link = toHash(state);
    if (link === this.#link) return;
    const first = this.#link === null;
    this.#link = link;
    if (first) this.#firstPicture();
    else this.dispatchEvent(new CustomEvent('change', { bubbles: true, detail: { state: link } }));
  }

  /** The cards named by `views` (every card when it is absent); an unknown name is warned about. */
  #showViews() {
    const names = viewList(this.getAttribute('views'));
    const known = new Set();
    for (const e of this.#shadow.querySelectorAll('[data-view]')) {
      const own = e.dataset.view.split(' '); // a bar that belongs to two cards names both
      for (const n of own) known.add(n);
      e.classList.toggle('embed-off', names !== null && !own.some((n) => names.includes(n)));
    }
    const unknown = (names ?? []).filter((n) => !known.has(n));
    if (unknown.length) console.warn(`<conv-viz views>: no card named ${unknown.join(', ')} (known: ${[...known].join(', ')})`);
  }

  /** autoplay: play once the element is on screen (a later slide, further down the page). */
  #playWhenSeen() {
    this.#seen?.disconnect();
    this.#seen = new IntersectionObserver((entries) => {
      if (!entries.some((e) => e.isIntersecting)) return;
      this.#seen.disconnect();
      this.#seen = null;
      this.play();
    });
    this.#seen.observe(this);
  }

  get ready() {
    return this.#ready;
  }

  get state() {
    return this.#link ?? this.getAttribute('state') ?? '';
  }

  set state(link) {
    this.setAttribute('state', String(link));
  }

  get step() {
    return this.#app && this.#link !== null ? this.#app.timeline.position : (this.#pending.step ?? 0);
  }

  set step(p) {
    const n = Math.round(Number(p));
    if (!Number.isFinite(n)) throw new RangeError(`step: expected a cell index, got ${p}`);
    if (!this.#app || this.#link === null) {
      this.#pending.step = n;
      return;
    }
    this.#app.timeline.seek(n);
    this.#app.redraw();
  }

  get playing() {
    return this.#app && this.#link !== null ? this.#app.timeline.playing : this.#pending.play === true;
  }

  play() {
    if (!this.#app || this.#link === null) {
      this.#pending.play = true;
      return;
    }
    this.#app.timeline.play();
    this.#app.redraw();
  }

  pause() {
    this.#seen?.disconnect();
    this.#seen = null;
    if (!this.#app || this.#link === null) {
      this.#pending.play = false;
      return;
    }
    this.#app.timeline.pause();
    this.#app.redraw();
  }
}

if (!customElements.get('conv-viz')) customElements.define('conv-viz', ConvViz);
