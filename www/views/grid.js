// The one grid-drawing helper every view uses: colour scale, value images, cell numbers,
// outlines, hatching, hit testing and tile layout. Views never draw a grid cell by hand.
//
// A grid is plain geometry: { x, y, rows, cols, cw, ch } in CSS pixels. Cell colours are painted
// once per tensor into a 1-pixel-per-cell image (cached by data array, so a recompute — which
// makes new arrays — invalidates it) and scaled onto the canvas: a 64×64 map or a 27×3844 im2col
// matrix costs one drawImage per frame.

import { formatValue, formatFit, f32Text } from '../lib/format.js';

export { formatValue };

/** Diverging, colour-blind-safe scale (ColorBrewer RdBu, reversed): blue < 0 < red. */
const STOPS = [
  [5, 48, 97], [33, 102, 172], [67, 147, 195], [146, 197, 222], [209, 229, 240],
  [247, 247, 247],
  [253, 219, 199], [244, 165, 130], [214, 96, 77], [178, 24, 43], [103, 0, 31],
];

/** Image pixels: a grey ramp, 0 = black, the scale's top (1 for [0, 1] pixels) = white. */
const GREY_STOPS = [[0, 0, 0], [255, 255, 255]];

/** Sequential scale for counts (ColorBrewer Greens): 0 = white, more = darker green. */
const COUNT_STOPS = [
  [247, 252, 245], [229, 245, 224], [199, 233, 192], [161, 217, 155], [116, 196, 118],
  [65, 171, 93], [35, 139, 69], [0, 109, 44], [0, 68, 27],
];

/** A 256-step palette from colour stops: { lut, rgba, fill, ink }. */
function palette(stops) {
  const lut = new Uint8ClampedArray(256 * 3);
  const rgba = new Uint32Array(256); // opaque pixels in the platform's byte order, for image fills
  const bytes = new Uint8Array(rgba.buffer);
  const fill = new Array(256);
  const ink = new Array(256);
  for (let i = 0; i < 256; i++) {
    const t = (i / 255) * (stops.length - 1);
    const k = Math.min(stops.length - 2, Math.floor(t));
    const f = t - k;
    const rgb = [0, 1, 2].map((d) => Math.round(stops[k][d] + (stops[k + 1][d] - stops[k][d]) * f));
    lut.set(rgb, i * 3);
    bytes.set([...rgb, 255], i * 4);
    fill[i] = `rgb(${rgb[0]},${rgb[1]},${rgb[2]})`;
    const lum = 0.2126 * rgb[0] + 0.7152 * rgb[1] + 0.0722 * rgb[2];
    ink[i] = lum < 140 ? '#ffffff' : '#1f2328';
  }
  return { lut, rgba, fill, ink };
}

/**
 * The value maps: 'diverging' (signed values: weights, outputs, most inputs), 'count' (overlap
 * counts, from 0) and 'grey' (an image's pixels, from 0): the two sequential ones span 0…maxAbs.
 */
const PALETTES = { diverging: palette(STOPS), count: palette(COUNT_STOPS), grey: palette(GREY_STOPS) };
const SEQUENTIAL = { count: true, grey: true };
const BLACK = new Uint32Array(new Uint8Array([0, 0, 0, 255]).buffer)[0];

/** Colours used for overlays, in one place. */
export const COLORS = {
  focus: '#111827',
  focusHalo: '#ffffff',
  link: '#c026d3',
  ghost: '#6b7280',
  blank: '#eef0f3',
  line: 'rgba(255,255,255,0.9)',
  frame: '#9aa3ae',
  halo: 'rgba(71,85,105,0.45)',
  unused: 'rgba(220,38,38,0.7)',
  unusedLine: '#dc2626',
  text: '#1f2328',
  muted: '#6b7280',
};

/** Okabe–Ito qualitative palette for groups (colour-blind safe, distinct from the value scale). */
export const GROUP_COLORS = ['#e69f00', '#009e73', '#56b4e9', '#cc79a7', '#d55e00', '#0072b2', '#f0e442', '#000000'];

/**
 * Index into the 256-step scale of a value: for 'diverging' a symmetric range ±maxAbs, for
 * 'count' and 'grey' the range 0…maxAbs.
 */
export function scaleIndex(v, maxAbs, pal = 'diverging') {
  if (SEQUENTIAL[pal]) return Math.round(Math.max(0, Math.min(1, v / maxAbs)) * 255);
  const t = Math.max(-1, Math.min(1, v / maxAbs));
  return Math.round((t + 1) * 127.5);
}

/** CSS fill colour of a value. */
export function fillFor(v, maxAbs, pal = 'diverging') {
  return PALETTES[pal].fill[scaleIndex(v, maxAbs, pal)];
}

/**
 * One app's paint caches: value images by data array (and spare canvases to repaint), the images
 * kept across a recompute, cell labels, fonts set and text widths. An app makes one and hands it
 * to its views through their drawing context (`ctx.paint`); a context without one gets its own.
 * Nothing here is shared between apps.
 */
export function createPaintCache() {
  const pc = {
    labels: new WeakMap(),
    exact: new WeakMap(),
    images: new WeakMap(),
    spare: new Map(),
    stamps: new WeakMap(),
    lastStamp: 0,
    contexts: new WeakMap(),
    kept: new Map(),
    generation: 0,
    blanks: new WeakMap(),
    fonts: new WeakMap(),
    widths: new Map(),
    objects: new WeakMap(),
    /** A recompute made a new model: images unused since the one before are let go. */
    newGeneration: () => newImageGeneration(pc),
    /** A Map of derived data that lives as long as `obj` (a model), for a view's own cache. */
    memo(obj) {
      let m = pc.objects.get(obj);
      if (!m) pc.objects.set(obj, (m = new Map()));
      return m;
    },
  };
  return pc;
}

/** The paint cache of a drawing context (an app's, or one of the context's own). */
export const paintOf = (ctx) => ctx.paint ?? (ctx.paint = createPaintCache());

/** Legible text colour on top of a value's fill. */
export function inkFor(v, maxAbs, pal = 'diverging') {
  return PALETTES[pal].ink[scaleIndex(v, maxAbs, pal)];
}


/**
 * The labels of a data array's cells in at most `maxChars` characters (`formatFit`, made as cells
 * are drawn): one array per data array and width, so no label is built twice.
 */
export function labelsFor(pc, data, maxChars) {
  let byWidth = pc.labels.get(data);
  if (!byWidth) pc.labels.set(data, (byWidth = new Map()));
  let labels = byWidth.get(maxChars);
  if (!labels) byWidth.set(maxChars, (labels = new Array(data.length)));
  return labels;
}

/** The exact value of data[i] (the shortest text of its float32, a real minus sign), cached. */
export function exactOf(pc, data, i) {
  let texts = pc.exact.get(data);
  if (!texts) pc.exact.set(data, (texts = new Array(data.length)));
  return texts[i] ?? (texts[i] = formatExact(data[i]));
}

function formatExact(v) {
  return Number.isFinite(v) ? f32Text(v).replace(/-/g, '\u2212') : formatValue(v);
}


/** Above this many pixels per side a tensor-wide image is not made (a per-grid one is). */
const MAX_SHARED_SIDE = 8192;

/**
 * Value images let go by `newImageGeneration`, by size ("w×h"), with their context: a new image of
 * a size seen before reuses one (making an OffscreenCanvas and its context costs more than
 * filling it).
 */
const MAX_SPARE = 32;

/** A w×h canvas for an image and its context (an OffscreenCanvas where there is one). */
function imageCanvas(pc, w, h) {
  const pool = pc.spare.get(`${w}x${h}`);
  if (pool && pool.length) return pool.pop();
  let canvas;
  if (typeof OffscreenCanvas === 'function') canvas = new OffscreenCanvas(w, h);
  else {
    canvas = document.createElement('canvas');
    canvas.width = w;
    canvas.height = h;
  }
  return { canvas, ctx: canvas.getContext('2d') };
}

/** A canvas of rows×cols pixels, one per cell: data[offset…] coloured by value. */
function paintImage(pc, data, offset, rows, cols, maxAbs, pal) {
  const rgba = PALETTES[pal].rgba;
  const made = imageCanvas(pc, Math.max(1, cols), Math.max(1, rows));
  const { canvas, ctx } = made;
  const img = ctx.createImageData(canvas.width, canvas.height);
  const px = new Uint32Array(img.data.buffer);
  const n = Math.min(rows * cols, data.length - offset);
  // scaleIndex inlined; a NaN has no colour and is painted opaque black
  if (SEQUENTIAL[pal]) {
    for (let i = 0; i < n; i++) px[i] = rgba[Math.round(Math.max(0, Math.min(1, data[offset + i] / maxAbs)) * 255)] ?? BLACK;
  } else {
    for (let i = 0; i < n; i++) px[i] = rgba[Math.round((Math.max(-1, Math.min(1, data[offset + i] / maxAbs)) + 1) * 127.5)] ?? BLACK;
  }
  ctx.putImageData(img, 0, 0);
  made.canvas = canvas;
  pc.contexts.set(canvas, made);
  pc.stamps.set(canvas, ++pc.lastStamp);
  return canvas;
}

/** A number that changes whenever an image made here is painted (a pc.spare one is repainted). */

/** The paint stamp of an image made here (0 for any other image): equal pc.stamps, same pixels. */
export function imageStamp(pc, image) {
  return pc.stamps.get(image) ?? 0;
}

/** The { canvas, ctx } of each value image made here (to hand it to `pc.spare` when let go). */

function retire(pc, image, e) {
  const made = pc.contexts.get(image);
  if (!made) return;
  // the arrays it showed no longer find it
  for (const a of e.arrays) {
    const byKey = pc.images.get(a);
    if (byKey && byKey.get(e.key) === image) byKey.delete(e.key);
  }
  const k = `${image.width}x${image.height}`;
  let pool = pc.spare.get(k);
  if (!pool) pc.spare.set(k, (pool = []));
  let count = 0;
  for (const p of pc.spare.values()) count += p.length;
  if (count < MAX_SPARE) pool.push(made);
}

/**
 * The images drawn since the last recompute and in the one before it ({ data, from, n, key, gen,
 * arrays } by image, at most MAX_KEPT): a recompute makes new arrays, often with the same values
 * (the input and the weights when only the stride moved); their image is reused instead of painted
 * again. An image let go goes to `pc.spare` for the next image of its size.
 */
const MAX_KEPT = 64;

/** A recompute made a new model: images unused since the one before are let go (`pc.newGeneration()`). */
function newImageGeneration(pc) {
  pc.generation++;
  for (const [image, e] of pc.kept) {
    if (e.gen < pc.generation - 1) {
      pc.kept.delete(image);
      retire(pc, image, e);
    }
  }
}

function sameValues(a, b, from, n) {
  for (let i = from, end = from + n; i < end; i++) if (a[i] !== b[i]) return false;
  return true;
}

/** A pc.kept image of the same key showing the same values (data[from…from + n]), or null. */
function reusable(pc, data, from, n, key) {
  for (const [image, e] of pc.kept) {
    if (e.key === key && e.n === n && e.from === from && e.data.length === data.length
      && e.data !== data && sameValues(e.data, data, from, n)) return image;
  }
  return null;
}

function keep(pc, image, data, from, n, key) {
  const e = pc.kept.get(image);
  if (e) {
    e.gen = pc.generation;
    if (!e.arrays.includes(data)) e.arrays.push(data);
    return;
  }
  if (pc.kept.size >= MAX_KEPT) {
    const [old, oe] = pc.kept.entries().next().value;
    pc.kept.delete(old);
    retire(pc, old, oe);
  }
  pc.kept.set(image, { data, from, n, key, gen: pc.generation, arrays: [data] });
}

/**
 * The colour image of the rows×cols cells at data[offset…], one pixel per cell (cached per data
 * array; an image of the last recompute with the same values is reused): { image, sy }, the cells
 * being the image's rows sy…sy + rows. With `shared` (the caller scales without smoothing, so no
 * pixel outside the rows is sampled) grids that tile the array — its channels, its kernels —
 * share one image of the whole array, cols pixels wide: one canvas per tensor, not per grid.
 */
function valueImage(pc, data, offset, rows, cols, maxAbs, pal, shared) {
  let byKey = pc.images.get(data);
  if (!byKey) {
    byKey = new Map();
    pc.images.set(data, byKey);
  }
  const whole = Math.ceil(data.length / Math.max(1, cols));
  const atlas = shared && rows * cols < data.length && offset % cols === 0 && whole <= MAX_SHARED_SIDE && cols <= MAX_SHARED_SIDE;
  const key = atlas ? `*${cols}:${maxAbs}:${pal}` : `${offset}:${rows}x${cols}:${maxAbs}:${pal}`;
  const from = atlas ? 0 : offset;
  const n = atlas ? data.length : rows * cols;
  let image = byKey.get(key);
  if (!image) {
    image = reusable(pc, data, from, n, key)
      ?? (atlas ? paintImage(pc, data, 0, whole, cols, maxAbs, pal) : paintImage(pc, data, offset, rows, cols, maxAbs, pal));
    byKey.set(key, image);
  }
  keep(pc, image, data, from, n, key);
  return { image, sy: atlas ? offset / cols : 0 };
}

/**
 * Tensors of at most this many values (a lecture-size input, kernels, biases, patches) are painted
 * cell by cell: a few hundred fillRects cost less than making an image canvas for each new array.
 */
const MAX_PAINTED = 256;

/** Paint the cells of a grid with their colours, cell edges on whole pixels (as the images). */
function paintCells(ctx, g, data, offset, maxAbs, pal) {
  const fill = PALETTES[pal].fill;
  const xs = new Array(g.cols + 1);
  for (let c = 0; c <= g.cols; c++) xs[c] = Math.round(g.x + c * g.cw);
  for (let r = 0; r < g.rows; r++) {
    const y0 = Math.round(g.y + r * g.ch);
    const h = Math.round(g.y + (r + 1) * g.ch) - y0;
    for (let c = 0; c < g.cols; c++) {
      const v = data[offset + r * g.cols + c];
      ctx.fillStyle = fill[scaleIndex(v, maxAbs, pal)];
      ctx.fillRect(xs[c], y0, xs[c + 1] - xs[c], h);
    }
  }
}

/** Grid geometry. */
export function makeGrid(x, y, rows, cols, cw, ch = cw) {
  return { x, y, rows, cols, cw, ch, w: cols * cw, h: rows * ch };
}

/** The (r, c) under a point, or null. */
export function cellAt(g, px, py) {
  if (!g) return null;
  const c = Math.floor((px - g.x) / g.cw);
  const r = Math.floor((py - g.y) / g.ch);
  if (r < 0 || c < 0 || r >= g.rows || c >= g.cols) return null;
  return { r, c };
}

/** Whether a grid is big enough to print numbers in its cells. */
export function showsNumbers(g) {
  return g.cw >= 18 && g.ch >= 14;
}

function numberFont(g) {
  const size = Math.min(13, Math.floor(Math.min(g.cw * 0.4, g.ch * 0.52)));
  return size;
}

/**
 * Draw a grid of values: colour image, blank cells past `limit` (row-major), white grid lines,
 * numbers when they fit, a frame.
 * o: { data, offset = 0, maxAbs, limit = rows·cols, numbers = true, frame = COLORS.frame,
 *      palette = 'diverging' | 'count',
 *      numberMask?: (r, c) => boolean   (false hides that cell's number),
 *      blankWhere?: { data, offset = 0 } (a cell is drawn blank — not computed yet, or a structural
 *                   zero — where data[offset + i] === 0; drawn as one cached overlay image),
 *      blankAfterColumn?: c             (every column after c blank: a matrix filled column by column) }
 */
export function drawGrid(ctx, g, o) {
  const n = g.rows * g.cols;
  if (n === 0) return;
  const offset = o.offset ?? 0;
  const limit = Math.max(0, Math.min(n, o.limit ?? n));
  const pal = o.palette ?? 'diverging';
  const smooth = g.cw < 1 || g.ch < 1;
  ctx.imageSmoothingEnabled = smooth; // the value image and the blank overlay alike
  if (!smooth && o.data.length <= MAX_PAINTED) {
    paintCells(ctx, g, o.data, offset, o.maxAbs, pal);
  } else {
    const { image, sy } = valueImage(paintOf(ctx), o.data, offset, g.rows, g.cols, o.maxAbs, pal, !smooth);
    ctx.drawImage(image, 0, sy, g.cols, g.rows, g.x, g.y, g.w, g.h);
  }
  if (limit < n) blankFrom(ctx, g, limit);
  const bw = o.blankWhere;
  const bo = bw ? bw.offset ?? 0 : 0;
  if (bw) ctx.drawImage(blankImage(paintOf(ctx), bw.data, bo, g.rows, g.cols), g.x, g.y, g.w, g.h);
  const after = o.blankAfterColumn ?? Infinity;
  if (after < g.cols - 1) fillCells(ctx, g, 0, after + 1, g.rows, g.cols - after - 1, COLORS.blank);
  const isBlank = (r, c) => (bw && bw.data[bo + r * g.cols + c] === 0) || c > after;
  if (g.cw >= 6 && g.ch >= 6) gridLines(ctx, g);
  if ((o.numbers ?? true) && showsNumbers(g)) drawNumbers(ctx, g, o, offset, limit, isBlank, pal);
  ctx.lineWidth = 1;
  ctx.strokeStyle = o.frame ?? COLORS.frame;
  ctx.strokeRect(g.x - 0.5, g.y - 0.5, g.w + 1, g.h + 1);
  if (ctx.drawn) noteHover(ctx, g, o, offset, limit, isBlank);
}

/** Each cell's value, rounded to what fits its width (formatFit; none where nothing fits). */
function drawNumbers(ctx, g, o, offset, limit, isBlank, pal) {
  const size = numberFont(g);
  useFont(ctx, `500 ${size}px ${MONO}`);
  ctx.textAlign = 'center';
  ctx.textBaseline = 'middle';
  const maxChars = Math.floor((g.cw - 3) / (size * 0.62));
  const labels = labelsFor(paintOf(ctx), o.data, maxChars);
  for (let i = 0; i < limit; i++) {
    const r = Math.floor(i / g.cols);
    const c = i - r * g.cols;
    if (o.numberMask && !o.numberMask(r, c)) continue;
    if (isBlank(r, c)) continue;
    const k = offset + i;
    const s = labels[k] ?? (labels[k] = formatFit(o.data[k], maxChars));
    if (s === '') continue;
    ctx.fillStyle = inkFor(o.data[k], o.maxAbs, pal);
    ctx.fillText(s, g.x + (c + 0.5) * g.cw, g.y + (r + 0.5) * g.ch + 0.5);
  }
}

/**
 * The hover's exact value. A canvas the app draws on has `drawn` (the grids drawn this frame, for
 * `hoverKey`), `pointer` ({ x, y } in CSS pixels, or null) and `tip` (the cell under it): each
 * drawGrid notes the cell under the pointer when it shows a value there (not a blank, withheld or
 * masked one), and `drawTip` writes that cell's exact value over the finished picture.
 */
function noteHover(ctx, g, o, offset, limit, isBlank) {
  ctx.drawn.push(g);
  const p = ctx.pointer;
  if (!p) return;
  const rc = cellAt(g, p.x, p.y);
  if (!rc) return;
  const i = rc.r * g.cols + rc.c;
  if (i >= limit || isBlank(rc.r, rc.c) || (o.numberMask && !o.numberMask(rc.r, rc.c))) {
    ctx.tip.data = null; // a cell drawn over another's shows nothing
    return;
  }
  const t = ctx.tip;
  t.g = g;
  t.r = rc.r;
  t.c = rc.c;
  t.data = o.data;
  t.index = offset + i;
}

/** A canvas context's hover state (see noteHover), cleared for a frame. */
export function beginHover(ctx, pointer) {
  if (!ctx.drawn) Object.assign(ctx, { drawn: [], tip: { g: null, r: 0, c: 0, data: null, index: 0 } });
  ctx.drawn.length = 0;
  ctx.pointer = pointer;
  ctx.tip.data = null;
}

/**
 * Which cell of the grids drawn last frame (`ctx.drawn`) a point is over: a number that changes
 * when the pointer crosses into another cell (-1: none), so a move within one redraws nothing.
 */
export function hoverKey(drawn, x, y) {
  if (!drawn) return -1;
  for (let k = drawn.length - 1; k >= 0; k--) {
    const g = drawn[k];
    const rc = cellAt(g, x, y);
    if (rc) return k * 2 ** 26 + rc.r * g.cols + rc.c;
  }
  return -1;
}

/**
 * Write the exact value of the cell under the pointer (noteHover) in a dark label above it (below
 * when there is no room above), a caret pointing at the cell, inside width × height. Returns that
 * text ('' for none).
 */
export function drawTip(ctx, width, height) {
  const t = ctx.tip;
  if (!t || !t.data) return '';
  const s = exactOf(paintOf(ctx), t.data, t.index);
  const { g } = t;
  setFont(ctx, { size: 11, weight: 600, mono: true });
  const w = Math.ceil(textWidth(ctx, s)) + 10;
  const h = 16;
  const caret = 5;
  const cx = g.x + (t.c + 0.5) * g.cw;
  const x = Math.round(Math.max(0, Math.min(width - w, cx - w / 2)));
  let y = Math.round(g.y + t.r * g.ch - h - caret);
  // above the cell (over a grid's title rather than over its cells) when there is room for it
  const above = y >= -2;
  if (!above) y = Math.round(g.y + (t.r + 1) * g.ch + caret);
  y = Math.max(0, Math.min(height - h, y));
  ctx.fillStyle = COLORS.focusHalo;
  ctx.fillRect(x - 1, y - 1, w + 2, h + 2);
  ctx.fillStyle = COLORS.focus;
  ctx.fillRect(x, y, w, h);
  // a caret pointing at the cell: the label is a callout, not a cell of the grid it covers
  const px = Math.max(x + caret, Math.min(x + w - caret, cx));
  const edge = above ? y + h : y;
  ctx.beginPath();
  ctx.moveTo(px - caret, edge);
  ctx.lineTo(px, above ? edge + caret : edge - caret);
  ctx.lineTo(px + caret, edge);
  ctx.closePath();
  ctx.fill();
  ctx.textAlign = 'center';
  ctx.textBaseline = 'middle';
  ctx.fillStyle = '#ffffff';
  ctx.fillText(s, x + w / 2, y + h / 2 + 0.5);
  return s;
}


/** A transparent rows×cols image, blank-coloured where data[offset + i] === 0 (cached per array). */
function blankImage(pc, data, offset, rows, cols) {
  let byKey = pc.blanks.get(data);
  if (!byKey) {
    byKey = new Map();
    pc.blanks.set(data, byKey);
  }
  const key = `${offset}:${rows}x${cols}`;
  let canvas = byKey.get(key);
  if (!canvas) {
    let ctx;
    ({ canvas, ctx } = imageCanvas(pc, Math.max(1, cols), Math.max(1, rows)));
    const img = ctx.createImageData(canvas.width, canvas.height);
    const px = img.data;
    for (let i = 0, n = rows * cols; i < n; i++) {
      if (data[offset + i] !== 0) continue;
      px[i * 4] = 0xee;
      px[i * 4 + 1] = 0xf0;
      px[i * 4 + 2] = 0xf3;
      px[i * 4 + 3] = 255;
    }
    ctx.putImageData(img, 0, 0);
    pc.stamps.set(canvas, ++pc.lastStamp);
    byKey.set(key, canvas);
  }
  return canvas;
}

function blankFrom(ctx, g, limit) {
  const r = Math.floor(limit / g.cols);
  const c = limit - r * g.cols;
  ctx.fillStyle = COLORS.blank;
  if (c > 0) {
    ctx.fillRect(g.x + c * g.cw, g.y + r * g.ch, (g.cols - c) * g.cw, g.ch);
    if (r + 1 < g.rows) ctx.fillRect(g.x, g.y + (r + 1) * g.ch, g.w, (g.rows - r - 1) * g.ch);
  } else {
    ctx.fillRect(g.x, g.y + r * g.ch, g.w, (g.rows - r) * g.ch);
  }
}

function gridLines(ctx, g) {
  ctx.beginPath();
  for (let c = 1; c < g.cols; c++) {
    const x = Math.round(g.x + c * g.cw) + 0.5;
    ctx.moveTo(x, g.y);
    ctx.lineTo(x, g.y + g.h);
  }
  for (let r = 1; r < g.rows; r++) {
    const y = Math.round(g.y + r * g.ch) + 0.5;
    ctx.moveTo(g.x, y);
    ctx.lineTo(g.x + g.w, y);
  }
  ctx.lineWidth = 1;
  ctx.strokeStyle = COLORS.line;
  ctx.stroke();
}

/** Fill a block of cells with a flat colour. */
export function fillCells(ctx, g, r, c, rows, cols, color) {
  ctx.fillStyle = color;
  ctx.fillRect(g.x + c * g.cw, g.y + r * g.ch, cols * g.cw, rows * g.ch);
}

/**
 * Outline a block of cells (fractional r / c allowed: used to slide a footprint smoothly).
 * style: { color, width = 2, dash = null, halo = false (a thin white line inside, for dark cells) }
 */
export function strokeCells(ctx, g, r, c, rows, cols, style) {
  const w = style.width ?? 2;
  const x = g.x + c * g.cw;
  const y = g.y + r * g.ch;
  const bw = Math.max(cols * g.cw, 2);
  const bh = Math.max(rows * g.ch, 2);
  ctx.setLineDash(style.dash ?? []);
  if (style.halo && bw > 2 * w + 2 && bh > 2 * w + 2) {
    ctx.lineWidth = 1;
    ctx.strokeStyle = COLORS.focusHalo;
    ctx.strokeRect(x + w + 0.5, y + w + 0.5, bw - 2 * w - 1, bh - 2 * w - 1);
  }
  ctx.lineWidth = w;
  ctx.strokeStyle = style.color;
  ctx.strokeRect(x + w / 2, y + w / 2, bw - w, bh - w);
  ctx.setLineDash([]);
}

/** Diagonal hatching over a block of cells. */
export function hatchCells(ctx, g, r, c, rows, cols, color, spacing = 5) {
  const x = g.x + c * g.cw;
  const y = g.y + r * g.ch;
  const w = cols * g.cw;
  const h = rows * g.ch;
  if (w <= 0 || h <= 0) return;
  ctx.save();
  ctx.beginPath();
  ctx.rect(x, y, w, h);
  ctx.clip();
  ctx.beginPath();
  for (let d = -h; d < w; d += spacing) {
    ctx.moveTo(x + d, y + h);
    ctx.lineTo(x + d + h, y);
  }
  ctx.lineWidth = 1;
  ctx.strokeStyle = color;
  ctx.stroke();
  ctx.restore();
}

/** Centre of a cell. */
export function cellCenter(g, r, c) {
  return [g.x + (c + 0.5) * g.cw, g.y + (r + 0.5) * g.ch];
}

/**
 * The width a label over grid `i` of a row of tiles may take: up to the next tile on the same row
 * (less a gap), or to the view's right edge for the last one.
 * @param {{x: number, y: number}[]} grids the tiles, in drawing order
 */
export function labelRoom(grids, i, width, gap = 8) {
  const g = grids[i];
  for (let j = i + 1; j < grids.length; j++) {
    if (grids[j].y === g.y && grids[j].x > g.x) return grids[j].x - g.x - gap;
  }
  return width - g.x;
}

/** A straight arrow with a filled head. */
export function arrow(ctx, x0, y0, x1, y1, color, width = 2) {
  const dx = x1 - x0;
  const dy = y1 - y0;
  const len = Math.hypot(dx, dy);
  if (len < 4) return;
  const ux = dx / len;
  const uy = dy / len;
  const head = Math.min(9, len / 2.5);
  ctx.strokeStyle = color;
  ctx.fillStyle = color;
  ctx.lineWidth = width;
  ctx.beginPath();
  ctx.moveTo(x0, y0);
  ctx.lineTo(x1 - ux * head * 0.8, y1 - uy * head * 0.8);
  ctx.stroke();
  ctx.beginPath();
  ctx.moveTo(x1, y1);
  ctx.lineTo(x1 - ux * head - uy * head * 0.5, y1 - uy * head + ux * head * 0.5);
  ctx.lineTo(x1 - ux * head + uy * head * 0.5, y1 - uy * head - ux * head * 0.5);
  ctx.closePath();
  ctx.fill();
}


/**
 * Set a context's font, skipping the (costly: parsed each time) assignment when the context
 * already has it. A resize resets a context's state, so the canvas size is remembered with it.
 * Every font set on a canvas the views draw on goes through here (a direct `ctx.font =` would
 * leave the remembered one stale).
 */
export function useFont(ctx, font) {
  const pc = paintOf(ctx);
  const c = ctx.canvas;
  const last = pc.fonts.get(ctx);
  if (last && last.font === font && last.w === c.width && last.h === c.height) return;
  ctx.font = font;
  pc.fonts.set(ctx, { font, w: c.width, h: c.height });
}


/** measureText(s).width in the context's current font (set by useFont), cached per font. */
export function textWidth(ctx, s) {
  const pc = paintOf(ctx);
  const key = `${pc.fonts.get(ctx)?.font ?? ctx.font}\n${s}`;
  let w = pc.widths.get(key);
  if (w === undefined) {
    if (pc.widths.size > 4000) pc.widths.clear();
    w = ctx.measureText(s).width;
    pc.widths.set(key, w);
  }
  return w;
}

const SANS = 'Inter, system-ui, -apple-system, "Segoe UI", Roboto, sans-serif';
const MONO = 'ui-monospace, "SF Mono", "Cascadia Mono", Menlo, Consolas, monospace';

function setFont(ctx, opts) {
  useFont(ctx, `${opts.weight ?? 500} ${opts.size ?? 12}px ${opts.mono ? MONO : SANS}`);
}

/** Text on the canvas. opts: { align, baseline, color, size = 12, weight = 500, mono = false } */
export function text(ctx, s, x, y, opts = {}) {
  setFont(ctx, opts);
  ctx.textAlign = opts.align ?? 'left';
  ctx.textBaseline = opts.baseline ?? 'alphabetic';
  ctx.fillStyle = opts.color ?? COLORS.text;
  ctx.fillText(s, x, y);
}

/** Draw the first of `candidates` that fits in maxW (the last one regardless). */
export function fitText(ctx, candidates, x, y, maxW, opts = {}) {
  setFont(ctx, opts);
  const pick = candidates.find((c) => textWidth(ctx, c) <= maxW) ?? candidates[candidates.length - 1];
  text(ctx, pick, x, y, opts);
}

/** Dim a rectangle (inactive channels / groups). */
export function veil(ctx, x, y, w, h, alpha = 0.6) {
  ctx.fillStyle = `rgba(255,255,255,${alpha})`;
  ctx.fillRect(x, y, w, h);
}

/**
 * Lay out `count` tiles of rows×cols cells in a given width: the cell size is as large as fits
 * both the width and maxHeight (≤ maxCell, ≥ minCell), discounted by the empty slots a ragged
 * last line leaves; among equal scores the lower layout wins.
 * Returns { cell, perRow, tiles: [{ x, y }] (top-left of each tile's grid), width, height }.
 */
export function tileLayout({ count, rows, cols, width, maxCell = 40, minCell = 0.5, maxHeight = 520, gapX = 18, gapY = 14, labelH = 18, left = 0 }) {
  let best = null;
  const n = Math.max(1, count);
  for (let perRow = 1; perRow <= n; perRow++) {
    const lines = Math.ceil(n / perRow);
    const byWidth = (width - left - (perRow - 1) * gapX) / (perRow * cols);
    const byHeight = (maxHeight - lines * labelH - (lines - 1) * gapY) / (lines * rows);
    let cell = Math.max(minCell, Math.min(maxCell, byWidth, byHeight));
    if (cell >= 3) cell = Math.floor(cell);
    if (byWidth < minCell) continue;
    const height = lines * (labelH + rows * cell) + (lines - 1) * gapY;
    const score = cell * (n / (lines * perRow)); // empty slots in the last line count against
    if (!best || score > best.score || (score === best.score && height < best.height)) best = { cell, perRow, height, score };
  }
  if (!best) best = { cell: minCell, perRow: 1, height: n * (labelH + rows * minCell) + (n - 1) * gapY };
  const { cell, perRow, height } = best;
  const tiles = [];
  for (let i = 0; i < count; i++) {
    const line = Math.floor(i / perRow);
    const col = i % perRow;
    tiles.push({ x: left + col * (cols * cell + gapX), y: line * (labelH + rows * cell + gapY) + labelH });
  }
  return { cell, perRow, tiles, width, height };
}

/**
 * Give a DOM legend bar the colour scale as a CSS gradient through the palette's stops (the same
 * linear interpolation as the 256-step table). A gradient, not a canvas: every canvas is a
 * composited layer of its own, and the text after one in the page then needs layers too.
 */
export function paintLegendBar(el, pal = 'diverging') {
  const stops = { count: COUNT_STOPS, grey: GREY_STOPS }[pal] ?? STOPS;
  el.style.backgroundImage = `linear-gradient(to right, ${stops.map(([r, g, b]) => `rgb(${r}, ${g}, ${b})`).join(', ')})`;
}
