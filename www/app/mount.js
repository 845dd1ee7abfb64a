// The app: `mount(root, options)` builds the visualizer inside `root` and returns a handle whose
// `destroy()` releases everything it made. Data flows one way: a control writes to the Store;
// once per frame, if the state moved, the mode on screen builds a model (the wasm calls); every
// frame, the views draw from (model, timeline position, hover). No maths here, no globals: two
// apps mounted in one document share nothing but the wasm module.

import { MODES, MODE_NAMES, DEFAULT_MODE, modeByName } from '../modes/registry.js';
import { Store, fromHash, cloneState } from '../lib/state.js';
import { blameParam } from '../lib/blame.js';
import { INPUT_FILLS, WEIGHT_FILLS } from '../lib/params.js';
import { sizeText } from '../lib/torch.js';
import { formatValue } from '../lib/format.js';
import { setData, setText, setProp, setAttr, el } from '../lib/dom.js';
import { paintLegendBar, createPaintCache } from '../views/grid.js';
import { buildControls, buildFillBar } from '../controls/controls.js';
import { createEditor } from '../controls/editor.js';
import { buildPresetMenu } from '../classroom/presetmenu.js';
import { buildPythonPanel } from '../classroom/pypanel.js';
import { buildExport } from '../classroom/exporter.js';
import { buildImagePanel, restoreImage } from '../classroom/imagepanel.js';
import { buildQuiz } from '../classroom/quizpanel.js';
import { buildPastePanel } from '../classroom/pastepanel.js';
import { buildLesson } from '../classroom/lessonpanel.js';
import { isLessonLink } from '../classroom/lesson.js';
import { Timeline, startLoop } from './timeline.js';
import { buildMarkup } from './markup.js';
import { createScope } from './scope.js';
import { Canvases } from './canvases.js';
import { createHistory } from './history.js';
import { wirePointer } from './pointer.js';
import { wireTimeline } from './keys.js';

/** Cells per second from which the timeline counts as playing fast (text is rewritten less often). */
const FAST_PLAY = 20;

/**
 * @typedef {object} MountOptions
 * @property {object} api            the wasm module's functions (www/engine.js loads them)
 * @property {Window} [hash]         keep the state in this window's URL hash (the standalone page)
 * @property {string} [state]        the initial state as link text (`mode=conv2d&stride=2`)
 * @property {string} [idPrefix]     prefixed to the app's ids: a second app in the same document
 * @property {EventTarget} [keyTarget]  where keys are read (default: `root`)
 * @property {(state: object) => void} [onChange]  a new valid state is on screen
 * @property {Object<string, () => Promise<object>>} [modules]  loaders of the wasm modules some
 *           modes need (`mode.module`), e.g. `{ more: loadMore }` from www/engine.js
 * @property {boolean} [landmarks=true]  false: the chrome without landmark roles or skip link (an
 *                                   app embedded in a page that has its own main, header, …)
 * @property {boolean} [autoplay=true]  false: the first picture waits, paused, at the first cell
 */

/**
 * Build the visualizer inside `root` (an element or a shadow root) and start it.
 * @param {Element|ShadowRoot} root
 * @param {MountOptions} options
 * @returns {{ destroy(): void, store: Store, timeline: Timeline, held(): number, root: Element|ShadowRoot,
 *             load(link: string): void, redraw(): void, outputs(): Array<[string, object]>,
 *             hovered(): object|null }}
 *   `load(link)` replaces the state with a link's (a mangled one: its notice and the defaults);
 *   `redraw()` wakes the frame loop after the timeline was driven from outside;
 *   `outputs()` the shown model's output tensors (the mode's `outputs`: [[name, {shape, data}]],
 *   [] before the first picture); `hovered()` the target under the pointer (or pinned), in the
 *   shown mode's hit-test terms (e.g. `{ kind: 'position', co, l }`), or null.
 */
export function mount(root, options) {
  const { api } = options;
  const doc = root.ownerDocument ?? root;
  const scope = createScope(root, options.idPrefix ?? '');
  const host = root.host ?? root; // the element that carries the app's classes and data-*
  const asset = (name) => new URL(`../${name}`, import.meta.url).href;
  root.append(buildMarkup(doc, MODES, scope.prefix, asset, { landmarks: options.landmarks !== false }));
  const app = new App(root, host, scope, api, options);
  return {
    root,
    store: app.store,
    timeline: app.timeline,
    held: () => scope.held(),
    load: (link) => app.load(fromHash(link, MODE_NAMES)),
    redraw: () => app.invalidate(),
    outputs: () => (app.model && app.mode.outputs ? app.mode.outputs(app.model) : []),
    hovered: () => app.hover ?? app.pinned,
    destroy() {
      scope.destroy();
      app.stop();
      root.replaceChildren();
      for (const c of ['is-ready', 'is-stale', 'quiz-hiding', 'quiz-hiding-value']) host.classList.remove(c);
      for (const k of ['mode', 'image', 'engine']) delete host.dataset[k];
    },
  };
}

/** The notice line: a message and a Dismiss button. */
function noticeOf(scope) {
  return (text) => {
    const n = scope.$('#notice');
    const close = el('button', { type: 'button', class: 'notice-close', text: 'Dismiss' });
    scope.listen(close, 'click', () => {
      n.hidden = true;
    });
    n.replaceChildren(el('span', { text }), close);
    n.hidden = false;
  };
}

/** The legends under the cards: a colour bar and its ends, rewritten after each recompute. */
function buildLegends(scope) {
  return scope.$$('.legend[data-scale]').map((root) => {
    const bar = el('div', { class: 'legend-bar' });
    const count = root.dataset.scale === 'count';
    const palette = count ? 'count' : 'diverging';
    paintLegendBar(bar, palette);
    const lo = el('span', { class: 'legend-lo' });
    const hi = el('span', { class: 'legend-hi' });
    const mid = el('span', { class: 'legend-mid', text: count ? '' : '0' });
    root.append(bar, el('div', { class: 'legend-labels' }, lo, mid, hi));
    return { scale: root.dataset.scale, count, bar, lo, mid, hi, palette };
  });
}

/** The mode tabs, from the registry (the ARIA tabs pattern: arrows move between them). */
function buildTabs(app) {
  const { scope } = app;
  const list = scope.$('.mode-tabs');
  const tabs = MODES.map((m) => el('button', {
    type: 'button', role: 'tab', class: 'mode-tab', 'data-mode-tab': m.name, 'aria-selected': 'false',
    'aria-controls': `${scope.prefix}views`, tabindex: '-1', text: m.tab,
  }));
  list.replaceChildren(...tabs);
  for (const tab of tabs) scope.listen(tab, 'click', () => app.switchMode(modeByName(tab.dataset.modeTab)));
  scope.listen(list, 'keydown', (e) => {
    const i = tabs.indexOf(e.target);
    if (i < 0 || (e.key !== 'ArrowLeft' && e.key !== 'ArrowRight')) return;
    e.preventDefault();
    const next = tabs[(i + (e.key === 'ArrowRight' ? 1 : tabs.length - 1)) % tabs.length];
    next.focus();
    next.click();
  });
  return {
    sync(mode) {
      for (const tab of tabs) {
        const on = tab.dataset.modeTab === mode.name;
        setAttr(tab, 'aria-selected', String(on));
        setProp(tab, 'tabIndex', on ? 0 : -1);
      }
    },
  };
}

/**
 * The whole app but its DOM: store, model, frame loop, and the parts that talk to them. The
 * model on screen is `this.model` of mode `this.mode` (which may differ from the state's mode
 * while the state is one PyTorch refuses).
 */
class App {
  constructor(root, host, scope, api, options) {
    Object.assign(this, { root, host, scope, api, options });
    this.notice = noticeOf(scope);
    this.history = options.hash ? createHistory(scope, options.hash, {
      validState: () => this.validState,
      modes: MODE_NAMES,
      isElementId: (id) => Boolean(root.querySelector(`[id="${id}"]`)),
      replace: (loaded) => this.load(loaded),
      isLesson: isLessonLink,
      lesson: (hash) => this.lesson.open(hash),
      link: () => this.lesson.link(),
    }) : null;
    // a lesson link (#lesson=N, or the state option of an embedded app) opens that step
    const lessonAt = !this.history && isLessonLink(options.state ?? '') ? options.state : null;
    const loaded = this.history ? this.history.initial() : fromHash(lessonAt ? '' : options.state ?? '', MODE_NAMES);
    const imageNotice = restoreImage(loaded.state);
    this.store = new Store(loaded.state);
    if (loaded.notice || imageNotice) this.notice(loaded.notice ?? imageNotice);
    this.timeline = new Timeline();
    if (globalThis.matchMedia && matchMedia('(prefers-reduced-motion: reduce)').matches) this.timeline.slideMs = 0;
    this.paint = createPaintCache();
    Object.assign(this, {
      model: null, mode: null, modelId: 0, computedVersion: 0, dirty: true, hover: null, pinned: null,
      validState: null, focusKey: '', textAt: -Infinity, lastSlide: 1, held: false, loop: null, shownImage: null,
    });
    this.memos = new Map(MODES.map((m) => [m.name, {}])); // each mode's bounds memo, this app's own
    this.contexts = new Map();
    this.wake = () => this.loop && this.loop.wake();
    this.invalidate = () => {
      this.dirty = true;
      this.wake();
    };
    this.pushHistory = () => this.history && this.history.push();
    this.buildParts();
    this.wireParts();
    this.start();
    if (loaded.lesson ?? lessonAt) this.lesson.open(loaded.lesson ?? lessonAt);
  }

  /** A link's state (back / forward, an edited hash) replaces the state (and ends a lesson). */
  load(next) {
    this.lesson.close();
    const im = restoreImage(next.state);
    if (next.notice || im) this.notice(next.notice ?? im);
    this.store.replace(next.state);
  }

  /** What a mode is handed: the app's store, DOM scope and hover, for that mode only. */
  modeContext(m) {
    if (!this.contexts.has(m)) {
      const { store, timeline, scope } = this;
      const app = this;
      this.contexts.set(m, {
        store, timeline, $: scope.$, $$: scope.$$, listen: scope.listen, pushHistory: this.pushHistory, markDirty: this.invalidate,
        /** The wasm functions: the core's, and `more` once a mode that needs it has loaded it. */
        get api() {
          return app.api;
        },
        setHover: (t) => {
          if (!this.model || this.mode !== m) return;
          const target = typeof t === 'function' ? t(this.model, m.focus(this.model, timeline.position, this.pinned)) : t;
          this.hover = m.valid(this.model, target);
          this.invalidate();
        },
      });
    }
    return this.contexts.get(m);
  }

  /** The controls, classroom tools and canvases, each given only what it needs. */
  buildParts() {
    const { scope, store, api, timeline, root } = this;
    this.controls = buildControls(scope.$('#controls'), store, scope);
    const ctx = {
      store, api, timeline, host: this.host, prefix: scope.prefix, $: scope.$, $$: scope.$$, listen: scope.listen, own: scope.own,
      pushHistory: this.pushHistory, markDirty: this.invalidate, notice: this.notice,
    };
    const paste = buildPastePanel({ ...ctx, root, shown: () => this.validState });
    this.fillBars = scope.$$('[data-fills]').map((r) => buildFillBar(r, r.dataset.fills === 'input' ? INPUT_FILLS : WEIGHT_FILLS, r.dataset.fills, store, r.dataset.paste === 'off' ? null : paste.open, scope));
    for (const m of MODES) if (m.init) m.init(this.modeContext(m));
    this.editor = createEditor(scope.$('#views'), scope);
    this.legends = buildLegends(scope);
    this.canvases = new Canvases(scope, this.paint, {
      invalidate: this.invalidate, wake: this.wake, current: () => ({ mode: this.mode, model: this.model }), frameState: (now, settled) => this.frameState(now, settled),
    });
    this.presetMenu = buildPresetMenu(scope.$('#presets'), ctx);
    this.python = buildPythonPanel(ctx);
    this.imagePanel = buildImagePanel(ctx);
    this.quiz = buildQuiz(ctx);
    this.lesson = buildLesson({
      ...ctx, controls: this.controls, keyTarget: this.options.keyTarget ?? root, relink: () => this.history && this.history.relink(),
    });
    buildExport({
      ...ctx,
      paint: this.paint,
      drawAll: (opts) => this.canvases.drawAll(opts),
      canvases: this.canvases,
      current: () => ({ mode: this.mode, model: this.model, state: this.validState }),
      hold: (on) => {
        this.held = on;
        if (!on) this.wake();
      },
      edited: () => store.version !== this.computedVersion,
      repr: () => scope.$('#module-repr').textContent,
    });
  }

  /** Tabs, timeline, keys and pointer. */
  wireParts() {
    const { scope, store, api, timeline } = this;
    this.tabs = buildTabs({
      scope,
      switchMode: (next) => {
        if (next.name === store.state.mode) return;
        const entered = next.enter ? next.enter(api, store.state.params, modeByName(store.state.mode)) : { params: {} };
        const params = { ...entered.params };
        // an image input belongs to the modes that keep it: the others get the small default tensor back
        if (store.state.image && !next.keepsImage) Object.assign(params, { height: 5, width: 5 });
        this.showModeNote(entered.note ?? '');
        this.pushHistory();
        store.setMode(next.name, params);
      },
    });
    this.timelineDom = wireTimeline({
      scope,
      timeline,
      invalidate: this.invalidate,
      escape: () => {
        this.pinned = null;
        this.hover = null;
        this.editor.close();
        this.invalidate();
      },
    }, this.options.keyTarget ?? this.root);
    wirePointer({
      scope, canvases: this.canvases, modes: MODES, timeline, store, editor: this.editor, notice: this.notice,
      modeContext: (m) => this.modeContext(m), invalidate: this.invalidate,
      current: () => ({ mode: this.mode, model: this.model }),
      hover: { get: () => this.hover, set: (t) => { this.hover = t; } },
      pinned: { get: () => this.pinned, set: (t) => { this.pinned = t; } },
    });
    // What an edit changes besides the picture — the values each slider can reach (a few wasm
    // geometry probes per slider) and the preset menu's match — runs in a task posted from the
    // frame that recomputed: after that frame is rendered, before the next. A drag sees the previous
    // state's lists for those milliseconds: a slider's own list never depends on its own value.
    this.afterEdit = new MessageChannel();
    scope.own(() => this.afterEdit.port1.close());
    this.afterEditFor = -1; // the store version whose recompute succeeded and asked for it
    this.afterEdit.port1.onmessage = () => {
      const version = this.afterEditFor;
      this.afterEditFor = -1;
      // a newer edit has its own (or failed: the sliders keep the lists of the last valid state)
      if (version === store.version && version === this.computedVersion) this.syncChrome(store.state);
    };
  }

  /** The frame loop: recompute when the state moved, then draw what changed; idle when nothing moves. */
  start() {
    const { store, timeline } = this;
    if (this.options.autoplay !== false) timeline.play(performance.now());
    store.onChange = this.wake;
    this.loop = startLoop((now, dt) => this.frame(now, dt));
    this.scope.own(() => this.loop.stop());
    this.host.classList.add('is-ready');
  }

  frame(now, dt) {
    const { store, timeline, canvases } = this;
    if (store.version !== this.computedVersion && !this.held) this.recompute();
    if (!this.model) return false;
    if (canvases.needsLayout) canvases.layout();
    if (timeline.tick(dt, now)) this.dirty = true;
    if (timeline.playing !== this.timelineDom.lastPlaying) this.dirty = true;
    if (this.lastSlide < 1) this.dirty = true;
    if (this.dirty) this.render(now);
    canvases.catchUp();
    return timeline.playing || this.lastSlide < 1 || this.dirty || canvases.needsLayout || (store.version !== this.computedVersion && !this.held);
  }

  stop() {
    if (this.model) this.model.dispose();
    this.model = null;
    this.store.onChange = null;
  }

  /** The line under the tabs that says what a mode switch did to the arguments ('' hides it). */
  showModeNote(text) {
    const note = this.scope.$('#mode-note');
    setText(note, text);
    setProp(note, 'hidden', !text);
  }

  showMode(m) {
    for (const pane of this.scope.$$('[data-pane]')) pane.hidden = pane.dataset.pane !== m.name;
    this.host.dataset.mode = m.name;
    this.canvases.shown(m);
  }

  syncModeChrome(name) {
    const m = modeByName(name) ?? DEFAULT_MODE;
    this.tabs.sync(m);
    setText(this.scope.$('#controls-title'), m.title);
    this.controls.setMode(m);
  }

  recompute() {
    const { store } = this;
    this.computedVersion = store.version;
    const state = store.state;
    const next = modeByName(state.mode) ?? DEFAULT_MODE;
    this.syncModeChrome(state.mode);
    // a mode whose ops are in a module of their own waits for it (fetched once, on first use)
    if (next.module && !this.api[next.module]) {
      this.loadModule(next);
      return;
    }
    let built = null;
    try {
      built = next.build(this.api, state, store.lastEdited);
    } catch (e) {
      this.failed(state, e);
    }
    if (built) this.adopt(next, built, state);
    for (const f of this.fillBars) f.sync(state);
    this.dirty = true;
  }

  /**
   * Fetch the wasm module a mode's ops live in (`mode.module`, through the loader the page gave
   * mount: `options.modules[name]`), then recompute. Until it has come the previous picture stays,
   * with a line saying what is loading; a failed load says so, and the next visit to the tab retries.
   */
  loadModule(m) {
    const name = m.module;
    const st = this.scope.$('#status');
    if (this.loading === name) return;
    const loader = this.options.modules && this.options.modules[name];
    if (!loader) {
      this.failed(this.store.state, new Error(`this page cannot load the ${m.tab} tab's module`));
      return;
    }
    this.loading = name;
    if (this.model) {
      st.replaceChildren(el('strong', { text: `Loading the ${m.tab} tab… ` }), 'its operations are a module of their own, fetched on first use.');
      st.hidden = false;
    }
    loader().then((pkg) => {
      this.api = { ...this.api, [name]: pkg };
      this.loading = null;
      this.computedVersion = -1; // build the waiting mode now
      this.wake();
    }, (e) => {
      this.loading = null;
      this.failed(this.store.state, e);
    });
  }

  /** A new model is on screen: views, DOM, URL and the classroom tools follow it. */
  adopt(next, built, state) {
    const { timeline } = this;
    if (this.model) this.model.dispose();
    this.paint.newGeneration();
    const switched = this.mode !== next;
    // the first picture plays (unless autoplay is off); a tab switch keeps the learner's play / pause (#17)
    const play = (!this.mode && this.options.autoplay !== false) || timeline.playing;
    this.model = built;
    this.mode = next;
    this.modelId++;
    if (switched) {
      this.showMode(next);
      this.hover = null;
      this.pinned = null;
      timeline.setLength(built.total);
      timeline.home(performance.now());
      if (play) timeline.play(performance.now());
    }
    timeline.setLength(built.total);
    this.hover = next.valid(built, this.hover);
    this.pinned = next.valid(built, this.pinned);
    // the sliders keep their value lists until afterEdit has the new ones (right after this frame)
    this.controls.sync(state, null);
    this.controls.clearErrors();
    this.classroom(state);
    setProp(this.scope.$('#status'), 'hidden', true);
    if (this.host.classList.contains('is-stale')) this.host.classList.remove('is-stale');
    this.renderModelDom();
    this.validState = cloneState(state);
    if (this.history) this.history.changed();
    if (this.options.onChange) this.options.onChange(this.validState);
    this.canvases.relayout();
    // a new mode (the first, a switch) shows its sliders right away
    if (switched) this.syncChrome(state);
    else this.scheduleAfterEdit();
  }

  /** The state is one PyTorch refuses: the last valid picture stays, the message goes under its argument. */
  failed(state, e) {
    // a discrete change (pushHistory) that lands in an invalid state keeps its pending push: the
    // state that fixes it gets an entry of its own, and back still reaches the one before
    if (!this.model) {
      // the very first state is unusable (a hand-made link): fall back to the defaults
      this.notice(`The link describes an invalid convolution (${e.message}); showing the default example.`);
      this.store.replace(fromHash('', MODE_NAMES).state);
      return;
    }
    this.controls.sync(state, null);
    // a model names the argument (`param`); anything else is placed by its own argument
    this.controls.showError(e.param ?? blameParam(e, this.store.lastEdited), e.message);
    const st = this.scope.$('#status');
    const strong = el('strong', {
      text: this.mode.name === state.mode ? 'Showing the last valid picture. ' : `Still showing ${this.mode.tab}: `,
    });
    st.replaceChildren(strong, `${e.message} — fix the highlighted argument to update the picture.`);
    st.hidden = false;
    this.host.classList.add('is-stale');
  }

  scheduleAfterEdit() {
    if (this.afterEditFor < 0) this.afterEdit.port2.postMessage(0);
    this.afterEditFor = this.store.version;
  }

  syncChrome(state) {
    let values = null;
    try {
      values = this.mode.bounds(this.api, state.params, this.memos.get(this.mode.name));
    } catch (e) {
      console.error(e); // a valid state always has bounds: a bug, but the sliders keep working
    }
    this.controls.sync(state, values);
    this.presetMenu.sync(state);
  }

  renderModelDom() {
    const { $ } = this.scope;
    const { mode, model } = this;
    setText($('#module-repr'), mode.repr(this.store.state.params, model));
    const [[inName, inShape], [outName, outShape]] = mode.shapes(model);
    setText($('#input-label'), inName);
    setText($('#output-label'), outName);
    setText($('#input-shape'), sizeText(inShape));
    setText($('#output-shape'), sizeText(outShape));
    for (const lg of this.legends) {
      const m = model.scales[lg.scale];
      if (m === undefined) continue;
      // the model's value map for this scale (an image input: grey from 0), else the default one
      const palette = model.palettes?.[lg.scale] ?? (lg.count ? 'count' : 'diverging');
      if (palette !== lg.palette) paintLegendBar(lg.bar, (lg.palette = palette));
      const fromZero = palette !== 'diverging';
      setText(lg.lo, fromZero ? '0' : formatValue(-m));
      setText(lg.mid, fromZero ? '' : '0');
      setText(lg.hi, formatValue(m));
    }
    mode.renderDom(model, this.modeContext(mode));
    this.focusKey = '';
  }

  classroom(state) {
    const { timeline, model, mode } = this;
    // a new image input: show the whole feature map (the last position), paused; scrub to step
    const im = state.image && state.image.tensor;
    if (im && im !== this.shownImage) {
      timeline.setLength(model.total);
      timeline.end(performance.now());
      timeline.pause();
    }
    this.shownImage = im;
    this.python.render(mode, model, state);
    this.imagePanel.sync(state, mode);
    this.quiz.render(mode, model, state);
    this.lesson.render(mode, model, state);
    setData(this.host, 'image', String(Boolean(state.image)));
  }

  /**
   * What every view draws from at a time: timeline position, hover, focus, frame extras.
   * `settled`: the position as it rests, no glide from the previous one (an exported frame).
   */
  frameState(now, settled = false) {
    const { mode, model, timeline } = this;
    const position = timeline.position;
    const linked = this.hover ?? this.pinned;
    const focus = mode.focus(model, position, linked);
    const tl = settled ? { position, prev: position, playing: false, length: timeline.length, slide: () => 1 } : timeline;
    const tframe = mode.frame(model, tl, focus, now);
    // a value question not yet answered: the views that show the asked cell leave it blank
    tframe.withheld = this.quiz.withheld();
    return { position, linked, focus, tframe };
  }

  render(now) {
    const { mode, model, timeline } = this;
    this.dirty = false;
    // first: a value question that follows the timeline asks about the new cell before it is drawn
    this.quiz.frame();
    const f = this.frameState(now);
    const { position, linked, focus, tframe } = f;
    this.lastSlide = tframe.slide;
    this.canvases.draw(f, now);
    // Playing fast, the dot product and the position text (which nobody reads at that pace) are
    // rewritten at most ~8 times a second: new DOM text costs a layout and a paint of the page.
    const fast = timeline.playing && timeline.speed >= FAST_PLAY;
    const textDue = !fast || now - this.textAt >= 125;
    const key = `${this.modelId}:${mode.focusKey(focus)}`;
    const changed = textDue && key !== this.focusKey;
    if (changed) {
      this.focusKey = key;
      this.textAt = now;
    }
    mode.frameDom(model, focus, position, linked, changed, this.modeContext(mode));
    this.timelineDom.sync(position, mode.positionText(model, position), mode.name, textDue);
  }
}
