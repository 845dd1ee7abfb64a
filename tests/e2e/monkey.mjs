// A seeded "monkey" for the visualizer page, plus the independent judges the robustness tests
// use: PyTorch's output-size formula computed here (never by the page), parameter readers for the
// URL hash and for the controls, a CSP-violation collector and a page-health recorder.
//
// The monkey discovers what a learner can touch from the DOM on every step (labelled fields,
// sliders, selects, checkboxes, radios, buttons, [role=tab], in-page links, file inputs,
// canvases), so it keeps covering modes and features as they land. Every random choice comes
// from one mulberry32 stream: the same seed replays the same sequence of actions (as far as the
// page answers the same: the animation runs on the real clock, so what lies under a hovered point
// of a moving picture may differ from run to run).

/** mulberry32: a small seeded PRNG, the same stream on every machine. */
export function mulberry32(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Helpers over one PRNG stream. */
export class Rng {
  constructor(seed) {
    this.seed = seed >>> 0;
    this.next = mulberry32(this.seed);
  }

  int(n) {
    return Math.floor(this.next() * n);
  }

  pick(list) {
    return list[this.int(list.length)];
  }

  chance(p) {
    return this.next() < p;
  }

  /** One of `entries` ([item, weight] pairs). */
  weighted(entries) {
    const total = entries.reduce((s, [, w]) => s + w, 0);
    let r = this.next() * total;
    for (const [item, w] of entries) {
      r -= w;
      if (r < 0) return item;
    }
    return entries[entries.length - 1][0];
  }
}

/** Text a learner might type into a parameter field: garbage first, then plausible values. */
export const GARBAGE_TEXT = [
  '-1', '0', '1e9', '1e308', '-0', 'NaN', 'nan', 'inf', '-inf', 'Infinity', 'None', 'True', 'False',
  "'same'", "'valid'", 'same', 'valid', '"same"', "'full'", '(3,', '(3,)', '3,', ',', '()', '[]', '(2, 1)',
  '[2,1]', '2, 1, 1', '(0, 0)', '(-1, 2)', '1.5', '2.0', '0x10', '1_0', '+2', '\u22121', '\u0663', '\uff13',
  '3 3', '3;3', '<b>x</b>', '<img src=x onerror=alert(1)>', '"><script>alert(1)</script>', '${alert(1)}',
  '{{7*7}}', '__proto__', 'constructor', 'toString', "'zeros'", "'reflect'", "'replicate'", "'circular'",
  'reflect', 'mirror', '', ' ', '00003', '2147483648', '9007199254740993', '99999999', '\u202e3',
  '\ud83d\ude00', '9'.repeat(400), 'a'.repeat(5000), '('.repeat(1000), '1,'.repeat(2000),
  `${'9'.repeat(20000)}`,
];

/** Values typed into the cell editor (Python float() syntax is the rule). */
export const CELL_TEXT = [
  'nan', 'NaN', '-nan', 'inf', '-inf', 'infinity', '1e39', '-1e39', '3.4e38', '-3.4e38', '1e-45', '1e-46',
  '1e309', '', ' ', 'abc', '0x10', '1_000', '2.5', '-0', ' 7 ', '\u0663', '1e', '.', '-.5', '5.', '+3',
  '<b>x</b>', '<img src=x onerror=alert(1)>', '9'.repeat(400), '1'.repeat(39), '0.1', '-2', '100',
];

/** A 1×1 PNG, a zero-byte file and junk bytes, for any file input (image upload). */
const PNG_1X1 = Buffer.from(
  'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==',
  'base64',
);

function plausibleText(rng) {
  const n = () => rng.int(10);
  switch (rng.int(6)) {
    case 0: return String(n());
    case 1: return `${n()}, ${n()}`;
    case 2: return `(${n()}, ${n()})`;
    case 3: return String(1 + rng.int(4));
    case 4: return String(rng.int(70));
    default: return rng.pick(["'same'", "'valid'", '1', '2', '3']);
  }
}

const GLOBAL_KEYS = [' ', 'ArrowLeft', 'ArrowRight', 'Home', 'End', 'Escape', 'Tab', 'Shift+Tab', 'Enter'];
const SLIDER_KEYS = ['ArrowRight', 'ArrowLeft', 'ArrowUp', 'ArrowDown', 'Home', 'End', 'PageUp', 'PageDown'];
const VIEWPORTS = [[1280, 800], [390, 844], [900, 700], [1600, 1000]];
const REACHABLE = 'input, select, textarea, button, [role=tab], [role=button], a[href^="#"], summary, canvas[data-canvas]';

// ---------------------------------------------------------------------------------------------
// The in-page half (serialised by page.evaluate: it must not close over anything).

/**
 * One round trip per action: list every element a learner can reach (document order), choose the
 * kind of action with `rKind` among those possible and an element of that kind with `rElem`,
 * bring it to the middle of the screen, focus it when the action is a keyboard one, and describe
 * where to act (its box, whether a pointer at its centre reaches it, a canvas's grid cells).
 */
function pickInPage({ SEL, weights, rKind, rElem, focusKinds }) {
  const shown = (el) => {
    if (el.closest('[hidden], [inert]')) return false;
    const r = el.getBoundingClientRect();
    if (r.width <= 0 || r.height <= 0) return false;
    const cs = getComputedStyle(el);
    return cs.visibility !== 'hidden' && cs.display !== 'none';
  };
  const nameOf = (el) => {
    const lbl = el.labels && el.labels[0] ? el.labels[0].textContent : '';
    const raw = lbl || el.getAttribute('aria-label') || el.title || el.dataset.canvas || el.dataset.fill
      || el.textContent || el.id || el.getAttribute('href') || el.tagName.toLowerCase();
    const where = el.closest('[id]');
    return `${raw.trim().replace(/\s+/g, ' ').slice(0, 40)}${where && where !== el ? ` @#${where.id}` : ''}`;
  };
  const kindOf = (el) => {
    const tag = el.tagName.toLowerCase();
    const type = (el.getAttribute('type') || '').toLowerCase();
    if (tag === 'canvas') return 'canvas';
    if (tag === 'select') return 'select';
    if (tag === 'textarea') return 'text';
    if (tag === 'input') {
      if (type === 'range') return 'slider';
      if (type === 'checkbox' || type === 'radio') return 'toggle';
      if (type === 'file') return 'file';
      if (['button', 'submit', 'reset', 'image'].includes(type)) return 'button';
      if (['hidden', 'color', 'date', 'time'].includes(type)) return null;
      return 'text';
    }
    return tag === 'a' ? 'link' : 'button';
  };
  const byKind = {};
  for (const el of document.querySelectorAll(SEL)) {
    if (el.disabled) continue;
    // a label can stand in for a visually hidden checkbox or radio; skip links show on focus
    const reachable = shown(el) || (el.labels && el.labels[0] && shown(el.labels[0])) || el.tagName === 'A';
    if (!reachable) continue;
    const kind = kindOf(el);
    if (kind) (byKind[kind] ??= []).push(el);
  }
  const canvasKinds = ['hover', 'click', 'editCell'];
  const possible = weights.filter(([k]) => (canvasKinds.includes(k) ? byKind.canvas : k === 'key' || k === 'scroll' || k === 'viewport' || byKind[k]));
  const total = possible.reduce((a, [, w]) => a + w, 0);
  let r = rKind * total;
  let kind = possible[possible.length - 1][0];
  for (const [k, w] of possible) {
    r -= w;
    if (r < 0) {
      kind = k;
      break;
    }
  }
  const pool = byKind[canvasKinds.includes(kind) ? 'canvas' : kind];
  if (!pool) return { kind };
  const el = pool[Math.floor(rElem * pool.length)];
  const tag = el.tagName.toLowerCase();
  const type = el.getAttribute('type');
  const name = `${tag}${type ? `[${type}]` : ''} "${nameOf(el)}"`;
  el.scrollIntoView({ block: 'center', inline: 'nearest' });
  let target = el;
  const r0 = el.getBoundingClientRect();
  if ((r0.width <= 0 || r0.height <= 0) && el.labels && el.labels[0]) target = el.labels[0];
  const box = target.getBoundingClientRect();
  const cx = box.left + box.width / 2;
  const cy = box.top + box.height / 2;
  const atPoint = document.elementFromPoint(cx, cy);
  const hits = Boolean(atPoint && (atPoint === target || target.contains(atPoint) || atPoint.contains(target)
    || (el.labels && [...el.labels].some((l) => l === atPoint || l.contains(atPoint)))));
  if (focusKinds.includes(kind)) {
    el.focus();
    if (kind === 'text' && typeof el.select === 'function') el.select();
  }
  let cells = null;
  if (tag === 'canvas' && el.dataset.grids) {
    cells = [];
    const walk = (v) => {
      if (Array.isArray(v) && v.length === 6 && v.every((x) => typeof x === 'number')) cells.push(v);
      else if (Array.isArray(v)) v.forEach(walk);
      else if (v && typeof v === 'object') Object.values(v).forEach(walk);
    };
    try {
      walk(JSON.parse(el.dataset.grids));
    } catch {
      cells = null;
    }
  }
  const all = [...document.querySelectorAll(SEL)];
  return {
    kind, name, index: all.indexOf(el),
    x: box.left, y: box.top, w: box.width, h: box.height, cx, cy, hits, cells,
    focused: document.activeElement === el,
    vw: innerWidth, vh: innerHeight,
  };
}

// ---------------------------------------------------------------------------------------------

/** How often each kind of action is chosen (among those the page offers at that moment). */
const WEIGHTS = [
  ['text', 26], ['slider', 12], ['toggle', 5], ['select', 5], ['button', 14], ['link', 1], ['file', 2],
  ['hover', 12], ['click', 6], ['editCell', 8], ['key', 12], ['scroll', 2], ['viewport', 0.6],
];

/** A run of random interactions on one page; `log` keeps every action (for failure reports). */
export class Monkey {
  constructor(page, seed) {
    this.page = page;
    this.rng = new Rng(seed);
    this.seed = seed;
    this.log = [];
    this.counts = {};
    /** Milliseconds spent per kind of action. */
    this.ms = {};
  }

  /** The last n actions, one per line, numbered. */
  tail(n = 20) {
    const from = Math.max(0, this.log.length - n);
    return this.log.slice(from).map((a, k) => `  #${from + k + 1} ${a}`).join('\n');
  }

  record(kind, text) {
    this.counts[kind] = (this.counts[kind] ?? 0) + 1;
    this.log.push(text);
  }

  /** Do one random action. */
  async step() {
    const { page, rng } = this;
    const t0 = performance.now();
    // a fixed number of draws before the page answers: the same seed gives the same choices
    const rKind = rng.next();
    const rElem = rng.next();
    const viaKeyboard = rng.chance(0.15);
    const focusKinds = ['text', 'slider', 'select', ...(viaKeyboard ? ['toggle', 'button'] : []), 'link'];
    const p = await page.evaluate(pickInPage, { SEL: REACHABLE, weights: WEIGHTS, rKind, rElem, focusKinds });
    try {
      await this.act(p, viaKeyboard);
    } finally {
      this.ms[p.kind] = (this.ms[p.kind] ?? 0) + performance.now() - t0;
    }
  }

  async act(p, viaKeyboard) {
    const { page, rng } = this;
    const { kind } = p;
    switch (kind) {
      case 'text': return this.typeInto(p);
      case 'slider': return this.slide(p);
      case 'select': return this.choose(p);
      case 'toggle':
      case 'button':
      case 'link': return this.press(p, viaKeyboard);
      case 'file': return this.upload(p);
      case 'hover': return this.pointCanvas(p, false);
      case 'click': return this.pointCanvas(p, true);
      case 'editCell': return this.editCell(p);
      case 'key': return this.key();
      case 'scroll': {
        const dy = rng.int(1600) - 800;
        this.record(kind, `wheel ${dy}`);
        return page.mouse.wheel(0, dy);
      }
      case 'viewport': {
        const [width, height] = rng.pick(VIEWPORTS);
        this.record(kind, `viewport ${width}×${height}`);
        return page.setViewportSize({ width, height });
      }
      default: throw new Error(`unknown action kind ${kind}`);
    }
  }

  /** The text to type: garbage three times in five, otherwise something plausible. */
  text() {
    return this.rng.chance(0.6) ? this.rng.pick(GARBAGE_TEXT) : plausibleText(this.rng);
  }

  /** Replace the focused field's (selected) text and commit it. */
  async typeText(value, commit, selected) {
    const kb = this.page.keyboard;
    if (!selected) await kb.press('ControlOrMeta+A');
    if (value === '') await kb.press('Delete');
    else await kb.insertText(value);
    if (commit !== 'none') await kb.press(commit);
  }

  commitKey() {
    return this.rng.weighted([['Enter', 55], ['Tab', 20], ['Escape', 10], ['none', 15]]);
  }

  async typeInto(p) {
    const value = this.text();
    const commit = this.commitKey();
    const shown = value.length > 30 ? `${JSON.stringify(value.slice(0, 30))}…(${value.length} chars)` : JSON.stringify(value);
    this.record('text', `type ${shown} into ${p.name} + ${commit}`);
    if (p.focused) await this.typeText(value, commit, true);
  }

  async slide(p) {
    const { rng, page } = this;
    const click = rng.chance(0.3);
    const f = rng.next();
    const key = rng.pick(SLIDER_KEYS);
    const times = 1 + rng.int(4);
    if (click && p.hits) {
      this.record('slider', `click ${p.name} at ${(f * 100).toFixed(0)}%`);
      await page.mouse.click(p.x + f * p.w, p.cy);
      return;
    }
    this.record('slider', `press ${key} ×${times} on ${p.name}`);
    for (let k = 0; k < times; k++) await page.keyboard.press(key);
  }

  async choose(p) {
    const { rng, page } = this;
    const key = rng.pick(['ArrowDown', 'ArrowUp', 'End', 'Home']);
    const times = 1 + rng.int(3);
    this.record('select', `press ${key} ×${times} on ${p.name}`);
    for (let k = 0; k < times; k++) await page.keyboard.press(key);
  }

  /** Click a button / toggle / link where a pointer reaches it, else (focused) press a key. */
  async press(p, viaKeyboard) {
    const { page } = this;
    const keyboard = p.kind === 'link' || viaKeyboard || !p.hits;
    if (!keyboard) {
      this.record(p.kind, `click ${p.name}`);
      await page.mouse.click(p.cx, p.cy);
      return;
    }
    const key = p.kind === 'toggle' ? ' ' : 'Enter';
    this.record(p.kind, `focus ${p.name} + ${JSON.stringify(key)}${p.focused ? '' : ' (covered, not focusable: skipped)'}`);
    if (p.focused) await page.keyboard.press(key);
  }

  async upload(p) {
    const { page, rng } = this;
    const file = rng.pick([
      { name: 'tiny.png', mimeType: 'image/png', buffer: PNG_1X1 },
      { name: 'empty.png', mimeType: 'image/png', buffer: Buffer.alloc(0) },
      { name: 'junk.png', mimeType: 'image/png', buffer: Buffer.from(Array.from({ length: 512 }, () => rng.int(256))) },
      { name: '<img src=x onerror=alert(1)>.txt', mimeType: 'text/plain', buffer: Buffer.from('hello') },
    ]);
    this.record('file', `upload ${JSON.stringify(file.name)} (${file.buffer.length} B) to ${p.name}`);
    const handle = (await page.$$(REACHABLE))[p.index];
    if (handle && await handle.evaluate((el) => el.type === 'file')) await handle.setInputFiles(file);
  }

  /** A point on a canvas: mostly the centre of one of its grid cells, sometimes anywhere. */
  canvasPoint(p) {
    const { rng } = this;
    const onCell = rng.chance(0.75);
    const a = rng.next();
    const b = rng.next();
    const c0 = rng.next();
    if (onCell && p.cells && p.cells.length) {
      const [x, y, rows, cols, cw, ch] = p.cells[Math.floor(a * p.cells.length)];
      const r = Math.floor(b * Math.max(1, rows));
      const c = Math.floor(c0 * Math.max(1, cols));
      return { x: p.x + x + (c + 0.5) * cw, y: p.y + y + (r + 0.5) * ch, where: `cell (${r}, ${c})` };
    }
    return { x: p.x + b * p.w, y: p.y + c0 * p.h, where: `(${(b * 100).toFixed(0)}%, ${(c0 * 100).toFixed(0)}%)` };
  }

  async pointCanvas(p, click) {
    const pt = this.canvasPoint(p);
    const inView = pt.y >= 0 && pt.y < p.vh && pt.x >= 0 && pt.x < p.vw;
    this.record(click ? 'click' : 'hover', `${click ? 'click' : 'hover'} ${p.name} ${pt.where}${inView ? '' : ' (off screen: skipped)'}`);
    if (!inView) return;
    if (click) await this.page.mouse.click(pt.x, pt.y);
    else await this.page.mouse.move(pt.x, pt.y);
  }

  /** Click a canvas cell; if that opens an editor, type a (mostly bad) value and commit it. */
  async editCell(p) {
    const { page, rng } = this;
    const pt = this.canvasPoint(p);
    const value = rng.pick(CELL_TEXT);
    const commit = rng.weighted([['Enter', 60], ['Escape', 15], ['Tab', 15], ['none', 10]]);
    const inView = pt.y >= 0 && pt.y < p.vh && pt.x >= 0 && pt.x < p.vw;
    this.record('editCell', `edit ${p.name} ${pt.where}: ${JSON.stringify(value.length > 30 ? `${value.slice(0, 30)}…` : value)} + ${commit}${inView ? '' : ' (off screen: skipped)'}`);
    if (!inView) return;
    await page.mouse.click(pt.x, pt.y);
    const editing = await page.evaluate(() => {
      const a = document.activeElement;
      return Boolean(a && a.matches('input[type=text], input:not([type]), textarea') && !a.closest('#controls'));
    });
    if (editing) await this.typeText(value, commit, false);
  }

  async key() {
    const { page, rng } = this;
    const key = rng.pick(GLOBAL_KEYS);
    const blur = rng.chance(0.5);
    const times = 1 + (rng.chance(0.2) ? rng.int(6) : 0);
    this.record('key', `${blur ? 'blur, ' : ''}press ${JSON.stringify(key)}${times > 1 ? ` ×${times}` : ''}`);
    if (blur) await page.evaluate(() => document.activeElement && document.activeElement.blur && document.activeElement.blur());
    for (let k = 0; k < times; k++) await page.keyboard.press(key);
  }
}

// ---------------------------------------------------------------------------------------------
// Judges: PyTorch's arithmetic, computed here from the parameters the page shows.

const INT = /^[+-]?\d+$/;

/** A parameter's text (control or hash) as a value: number, [h, w], 'same' / 'valid', bool, string. */
export function readValue(name, raw) {
  if (typeof raw === 'boolean') return raw;
  const s = String(raw).trim().replace(/^(['"])(.*)\1$/, '$2');
  if (s === 'same' || s === 'valid') return s;
  const inner = s.replace(/^[([]\s*(.*?)\s*[)\]]$/, '$1');
  const parts = inner.split(',').map((x) => x.trim());
  if (parts.length === 2 && parts[1] === '') parts.pop();
  if (parts.length >= 1 && parts.length <= 2 && parts.every((x) => INT.test(x))) {
    const nums = parts.map(Number);
    return nums.length === 1 ? nums[0] : nums;
  }
  return s;
}

const pair = (v) => (Array.isArray(v) ? v : [v, v]);

/** Parameters from a URL hash (the page's format: URLSearchParams, PyTorch names). */
export function paramsFromHash(hash) {
  const q = new URLSearchParams(String(hash).replace(/^#/, ''));
  const out = {};
  for (const [k, v] of q) if (!(k in out)) out[k] = k === 'bias' ? v === '1' : readValue(k, v);
  if (!out.mode) out.mode = 'conv2d';
  return out;
}

/** One spatial dimension of nn.Conv2d: ⌊(H + pad_top + pad_bottom − d·(k − 1) − 1) / s⌋ + 1. */
export function convDim(H, k, s, padding, d, axis) {
  let top;
  let bottom;
  if (padding === 'valid') [top, bottom] = [0, 0];
  else if (padding === 'same') {
    const total = d * (k - 1);
    top = Math.floor(total / 2);
    bottom = total - top;
  } else [top, bottom] = [pair(padding)[axis], pair(padding)[axis]];
  return Math.floor((H + top + bottom - d * (k - 1) - 1) / s) + 1;
}

/**
 * The output shape PyTorch gives for the parameters, by mode, or null when this judge does not
 * know the mode (one added later):
 *   conv2d, matrix (y = C·x)  [1, C_out, H_out, W_out], H_out = ⌊(H + pads − d·(k − 1) − 1) / s⌋ + 1
 *   convTranspose2d           [1, C_out, (H − 1)·s − 2·p + d·(k − 1) + output_padding + 1, …],
 *                             or output_size when it is given
 *   unfold                    [1, C_in·kh·kw, H_out·W_out]
 */
export function expectedShape(p) {
  const need = ['in_channels', 'height', 'width', 'kernel_size', 'stride', 'padding', 'dilation'];
  if (need.some((n) => p[n] === undefined || (typeof p[n] === 'string' && n !== 'padding'))) return null;
  const H = [p.height, p.width];
  const k = pair(p.kernel_size);
  const s = pair(p.stride);
  const d = pair(p.dilation);
  const conv = () => [0, 1].map((a) => convDim(H[a], k[a], s[a], p.padding, d[a], a));
  const cout = typeof p.out_channels === 'number' ? p.out_channels : null;
  switch (p.mode) {
    case 'conv2d':
    case 'matrix':
      return cout === null ? null : [1, cout, ...conv()];
    case 'unfold': {
      const [ho, wo] = conv();
      return [1, p.in_channels * k[0] * k[1], ho * wo];
    }
    case 'convTranspose2d': {
      if (cout === null || typeof p.padding === 'string') return null;
      if (Array.isArray(p.output_size) || typeof p.output_size === 'number') return [1, cout, ...pair(p.output_size)];
      const op = pair(typeof p.output_padding === 'string' || p.output_padding === undefined ? 0 : p.output_padding);
      const pad = pair(p.padding);
      return [1, cout, ...[0, 1].map((a) => (H[a] - 1) * s[a] - 2 * pad[a] + d[a] * (k[a] - 1) + op[a] + 1)];
    }
    default:
      return null;
  }
}

export const sizeText = (shape) => `torch.Size([${shape.join(', ')}])`;

/**
 * What the page shows right now: the shapes, whether an error is on screen, the URL hash and
 * each visible labelled control of the parameter form (label text → value).
 */
export async function readPage(page) {
  return page.evaluate(() => {
    const shown = (el) => el && !el.closest('[hidden]') && el.getClientRects().length > 0;
    const controls = {};
    const form = document.querySelector('#controls');
    for (const lbl of form ? form.querySelectorAll('label[for]') : []) {
      const el = document.getElementById(lbl.htmlFor);
      // the controls a learner sees (a mode hides the rows it does not use)
      if (!el || !el.matches('input, select, textarea') || el.type === 'radio' || !shown(el)) continue;
      const name = lbl.textContent.trim();
      controls[name] = el.type === 'checkbox' ? el.checked : el.value;
    }
    const errors = [...document.querySelectorAll('.ctl-error, [role=alert]')]
      .filter((e) => shown(e) && e.textContent.trim() !== '')
      .map((e) => e.textContent.trim());
    const status = document.querySelector('#status');
    // (a field a mode hides may keep a refused text and its hidden message: it is not in play)
    const invalid = [...document.querySelectorAll('#controls [aria-invalid="true"]')].filter(shown).map((e) => e.id);
    return {
      hash: location.hash,
      inputShape: document.querySelector('#input-shape')?.textContent ?? null,
      outputShape: document.querySelector('#output-shape')?.textContent ?? null,
      stale: Boolean(status && !status.hidden) || document.body.classList.contains('is-stale'),
      statusText: status && !status.hidden ? status.textContent : '',
      errors,
      invalid,
      controls,
    };
  });
}

/** Labels that are not the parameter's PyTorch name. */
const LABEL_ALIAS = { 'input height': 'height', 'input width': 'width' };

/** The parameters the controls show (label → PyTorch name → value). */
export function paramsFromControls(controls, mode = 'conv2d') {
  const out = { mode };
  for (const [label, raw] of Object.entries(controls)) out[LABEL_ALIAS[label] ?? label] = readValue(label, raw);
  return out;
}

/** Same value, whatever the spelling (3 vs [3, 3], 'same' vs same). */
export function sameValue(a, b) {
  const norm = (v) => (Array.isArray(v) && v.length === 2 && v[0] === v[1] ? v[0] : v);
  return JSON.stringify(norm(a)) === JSON.stringify(norm(b));
}

// ---------------------------------------------------------------------------------------------
// Page health: everything that must never happen, collected from the first byte.

/** Collect `securitypolicyviolation` events into window.__cspViolations (installed before any script). */
export function installCspCollector(page) {
  return page.addInitScript(() => {
    const list = [];
    Object.defineProperty(window, '__cspViolations', { value: list, enumerable: false });
    document.addEventListener('securitypolicyviolation', (e) => {
      list.push(`${e.violatedDirective} blocked ${e.blockedURI || '(inline)'} at ${e.sourceFile}:${e.lineNumber} ${e.sample || ''}`.trim());
    });
  });
}

/**
 * Record console errors / warnings, page errors, dialogs (dismissed), failed requests, HTTP
 * errors (an injected <img src=x> asks for /x), requests to other origins and navigations away
 * from the page.
 */
export function watchPage(page, origin) {
  const problems = [];
  page.on('console', (m) => {
    const text = m.text();
    if (m.type() === 'error' || m.type() === 'warning') problems.push(`console.${m.type()}: ${text}`);
    else if (/Content Security Policy|Refused to/i.test(text)) problems.push(`console.${m.type()} (CSP): ${text}`);
  });
  page.on('pageerror', (e) => problems.push(`pageerror: ${e.message}\n${e.stack ?? ''}`));
  page.on('dialog', (d) => {
    problems.push(`dialog (${d.type()}): ${d.message()}`);
    d.dismiss().catch(() => {});
  });
  page.on('requestfailed', (r) => problems.push(`requestfailed: ${r.url()} ${r.failure()?.errorText ?? ''}`));
  page.on('response', (r) => {
    if (r.status() >= 400) problems.push(`HTTP ${r.status()}: ${r.url()}`);
  });
  page.on('request', (r) => {
    const u = new URL(r.url());
    if (u.protocol === 'data:' || u.protocol === 'blob:') return;
    if (u.origin !== origin) problems.push(`request to another origin: ${r.url()}`);
  });
  // a new tab (a link to the docs, say) is the browser's business, not a fault: close it
  page.on('popup', (p) => {
    p.close().catch(() => {});
  });
  page.on('framenavigated', (f) => {
    if (f !== page.mainFrame()) return;
    const u = new URL(f.url());
    if (u.origin !== origin || (u.pathname !== '/' && u.pathname !== '/index.html')) problems.push(`navigated away: ${f.url()}`);
  });
  return problems;
}

/** Resolve after the page has run two animation frames (the page recomputes inside its frame). */
export function frames(page, n = 2) {
  return page.evaluate((k) => new Promise((resolve) => {
    const tick = (left) => (left === 0 ? resolve() : requestAnimationFrame(() => tick(left - 1)));
    tick(k);
  }), n);
}

/** Prototype pollution probes, evaluated in the page. */
export function pollution(page) {
  return page.evaluate(() => ({
    x: ({}).x,
    polluted: ({}).polluted,
    objectKeys: Object.keys(Object.prototype),
    arrayKeys: Object.keys(Array.prototype),
    functionKeys: Object.keys(Function.prototype),
    constructorIsObject: ({}).constructor === Object,
    toStringWorks: Object.prototype.toString.call([]) === '[object Array]',
  }));
}
