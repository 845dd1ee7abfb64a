// The app's canvases: one record per `canvas[data-canvas]` (its view's geometry, its recorder,
// whether it is on screen), sized from ResizeObserver widths (laying out never forces a layout),
// drawn through a Recorder (played onto the canvas only when the picture changed), and caught up
// when idle if they were off screen. Owns its observers and idle callbacks (released by the scope).

import { Recorder } from '../views/recorder.js';
import { beginHover, drawTip } from '../views/grid.js';
import { setData } from '../lib/dom.js';

/** Device pixels by which a canvas's backing store grows (see layout). */
const BACKING_STEP = 128;

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

/** Size one canvas to its view's layout at `dpr`. */
function sizeOne(cv, view, model, dpr) {
  const width = Math.max(120, cv.wrapWidth);
  cv.width = width;
  cv.geom = view.layout(model, width);
  const h = Math.max(40, cv.geom.height);
  // The element is as tall as the picture; its backing store is reallocated only when it must
  // grow (in steps) or is far too tall, and object-fit shows the store's top rows unscaled: a new
  // store costs a synchronous round trip to the GPU process at the next commit, and most edits
  // change some canvas's height.
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

/**
 * Draw a view: recorded, and played onto its canvas only when the picture changed. The cell under
 * the pointer gets its exact value on top (grid.js drawTip), also in `data-tip`.
 */
function drawView(cv, view, model, f, now) {
  const r = cv.rec;
  r.begin();
  beginHover(r, cv.pointer);
  r.setTransform(cv.dpr, 0, 0, cv.dpr, 0, 0);
  r.clearRect(0, 0, cv.width, cv.height);
  view.draw(r, model, f.tframe, f.focus, cv.geom);
  setData(cv.el, 'tip', drawTip(r, cv.width, cv.height));
  r.end();
  cv.stale = false;
  cv.drawnAt = now;
}

const whenIdle = (f) => (typeof requestIdleCallback === 'function' ? requestIdleCallback(f, { timeout: 250 }) : setTimeout(f, 100));
const cancelIdle = (h) => (typeof cancelIdleCallback === 'function' ? cancelIdleCallback(h) : clearTimeout(h));

/** The app's canvases (see the top of this file). */
export class Canvases {
  /**
   * @param scope   the app's scope (app/scope.js): observers and idle callbacks are released with it
   * @param paint   the app's paint cache (views/grid.js), handed to every view through its context
   * @param hooks   { invalidate(), wake(), current() → { mode, model }, frameState(now) }
   */
  constructor(scope, paint, hooks) {
    this.hooks = hooks;
    this.byName = new Map();
    this.needsLayout = true;
    this.idle = 0;
    const byWrap = new Map();
    const byCanvas = new Map();
    const resize = new ResizeObserver((entries) => {
      for (const e of entries) {
        const cv = byWrap.get(e.target);
        const w = Math.round(e.contentRect.width);
        if (cv && cv.wrapWidth !== w) {
          cv.wrapWidth = w;
          this.needsLayout = true;
          // a canvas resized is cleared: draw it again, even when nothing else moves (paused)
          hooks.invalidate();
        }
      }
    });
    // A canvas off screen (200 px margin) is not drawn by frames; it is caught up when the page is
    // idle (the least recently drawn first), and at once when it comes on screen.
    const visibility = new IntersectionObserver((entries) => {
      for (const e of entries) {
        const cv = byCanvas.get(e.target);
        if (!cv) continue;
        cv.onScreen = e.isIntersecting;
        if (cv.onScreen && cv.stale) hooks.invalidate();
      }
    }, { rootMargin: '200px 0px' });
    scope.own(() => resize.disconnect());
    scope.own(() => visibility.disconnect());
    scope.own(() => this.idle && cancelIdle(this.idle));
    for (const el of scope.$$('canvas[data-canvas]')) {
      const rec = new Recorder(el.getContext('2d'));
      rec.paint = paint;
      const cv = {
        el, wrap: el.parentElement, rec, geom: null, width: 0, wrapWidth: 0, grids: '', onScreen: true, stale: true, drawnAt: -Infinity,
        pointer: null, hoverKey: -1, // the pointer over it in CSS pixels (app/pointer.js), its cell
      };
      this.byName.set(el.dataset.canvas, cv);
      byWrap.set(cv.wrap, cv);
      byCanvas.set(el, cv);
      resize.observe(cv.wrap);
      visibility.observe(el);
    }
  }

  get(name) {
    return this.byName.get(name);
  }

  /** Lay out again in the next frame (a new model). */
  relayout() {
    this.needsLayout = true;
  }

  /** Size every canvas of the mode on screen to its view's layout. */
  layout() {
    this.needsLayout = false;
    const { mode, model } = this.hooks.current();
    const dpr = Math.min(2, globalThis.devicePixelRatio || 1);
    // reads first (cached widths; a pane just shown is measured once), then writes
    for (const [name] of mode.views) {
      const cv = this.byName.get(name);
      if (!cv.wrapWidth) cv.wrapWidth = Math.round(cv.wrap.getBoundingClientRect().width);
    }
    for (const [name, view] of mode.views) sizeOne(this.byName.get(name), view, model, dpr);
  }

  /** The mode's pane was just shown: until the observer has seen it, its canvases count as on screen. */
  shown(mode) {
    for (const [name] of mode.views) this.byName.get(name).onScreen = true;
  }

  /** Draw the mode's views that are on screen; mark the others stale. */
  draw(f, now) {
    const { mode, model } = this.hooks.current();
    for (const [name, view] of mode.views) {
      const cv = this.byName.get(name);
      if (cv.onScreen) drawView(cv, view, model, f, now);
      else cv.stale = true;
    }
  }

  /** Every view of the mode drawn now, each backing store cut to its picture (the PNG export). */
  drawAll({ settled = false } = {}) {
    const { mode, model } = this.hooks.current();
    for (const [name] of mode.views) {
      const cv = this.byName.get(name);
      const ph = Math.round(cv.height * cv.dpr);
      if (cv.el.height !== ph) {
        cv.el.height = ph;
        cv.rec.reset();
      }
    }
    const now = performance.now();
    const f = this.hooks.frameState(now, settled);
    for (const [name, view] of mode.views) drawView(this.byName.get(name), view, model, f, now);
  }

  /** The off-screen stale view of the mode drawn least recently (null: none). */
  stalest() {
    let best = null;
    for (const [name, view] of this.hooks.current().mode.views) {
      const cv = this.byName.get(name);
      if (!cv.onScreen && cv.stale && (!best || cv.drawnAt < best.cv.drawnAt)) best = { cv, view };
    }
    return best;
  }

  /**
   * Off-screen views left stale are drawn when the page is idle, one per idle period (never in a
   * frame: they would lengthen the frame that shows an edit or a step).
   */
  catchUp() {
    if (this.idle || !this.stalest()) return;
    this.idle = whenIdle(() => {
      this.idle = 0;
      const s = this.stalest();
      const now = performance.now();
      if (s) drawView(s.cv, s.view, this.hooks.current().model, this.hooks.frameState(now), now);
      this.catchUp();
    });
  }
}
