// encodeGif through the GIF package (www/pkg/gif, built from crates/gif by `make build`; the page
// imports it on the first GIF export): a GIF file comes back for RGBA frames (Uint8Array or
// Uint8ClampedArray, as ImageData holds them), and every bad argument is an Error naming it; and
// the page's GIF export, end to end, makes a GIF whose every frame, decoded and composited as a
// viewer does, is the frame drawn, with the whole title. The encoder's pixels are checked in
// detail by decoding in crates/gif/tests/gif_export.rs.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import { fileURLToPath } from 'node:url';
import * as api from '../../www/pkg/gif/convviz_gif.js';
import main from './pkg.mjs';

api.initSync({ module: fs.readFileSync(fileURLToPath(new URL('../../www/pkg/gif/convviz_gif_bg.wasm', import.meta.url))) });

test('the GIF encoder is only in the GIF package, not in the module every visitor loads', () => {
  assert.equal(typeof api.encodeGif, 'function');
  assert.equal(main.encodeGif, undefined);
});

function frames(width, height, count) {
  const data = new Uint8Array(width * height * 4 * count);
  for (let f = 0; f < count; f++) {
    for (let i = 0; i < width * height; i++) {
      const o = (f * width * height + i) * 4;
      data.set(i === f ? [220, 40, 40, 255] : [250, 250, 250, 255], o);
    }
  }
  return data;
}

test('encodeGif returns a looping GIF89a of the given size', () => {
  const gif = api.encodeGif(3, 2, frames(3, 2, 3), 200);
  assert.ok(gif instanceof Uint8Array);
  assert.equal(new TextDecoder().decode(gif.subarray(0, 6)), 'GIF89a');
  assert.equal(gif[6] | (gif[7] << 8), 3);
  assert.equal(gif[8] | (gif[9] << 8), 2);
  assert.ok(new TextDecoder().decode(gif).includes('NETSCAPE2.0'), 'loop extension');
  assert.equal(gif.at(-1), 0x3b, 'trailer');
  // one graphic control extension (0x21 0xF9) per frame, delay 20 (hundredths)
  let controls = 0;
  for (let i = 0; i + 5 < gif.length; i++) {
    if (gif[i] === 0x21 && gif[i + 1] === 0xf9 && gif[i + 2] === 4) {
      controls++;
      assert.equal(gif[i + 4] | (gif[i + 5] << 8), 20);
    }
  }
  assert.equal(controls, 3);
  const clamped = new Uint8ClampedArray(frames(3, 2, 3).buffer);
  assert.deepEqual(api.encodeGif(3, 2, clamped, 200), gif);
  // a view into a bigger buffer is read from its own offset
  const big = new Uint8ClampedArray(8 + 72);
  big.set(frames(3, 2, 3), 8);
  assert.deepEqual(api.encodeGif(3, 2, big.subarray(8), 200), gif);
});

test('encodeGif: bad arguments are Errors naming them, and the module keeps working', () => {
  const ok = frames(2, 2, 1);
  const cases = [
    [[0, 2, ok, 100], /^width: /],
    [[2, -1, ok, 100], /^height: /],
    [[2.5, 2, ok, 100], /^width: /],
    [['2', 2, ok, 100], /^width: /],
    [[70000, 1, ok, 100], /^width: /],
    [[2, 2, ok, 5], /^delay_ms: /],
    [[2, 2, ok, -100], /^delay_ms: /],
    [[2, 2, ok, 1e9], /^delay_ms: /],
    [[2, 2, ok.subarray(1), 100], /^rgba: /],
    [[2, 2, new Uint8Array(0), 100], /^rgba: /],
    [[2, 2, Array.from(ok), 100], /^rgba: .*Uint8Array/],
    [[2, 2, null, 100], /^rgba: /],
    [[2, 2, new Float32Array(16), 100], /^rgba: /],
  ];
  for (const [args, re] of cases) {
    assert.throws(() => api.encodeGif(...args), (e) => e instanceof Error && re.test(e.message), String(args.slice(0, 2)));
  }
  assert.ok(api.encodeGif(2, 2, ok, 100).length > 20);
});

test('encodeGif: the messages, word for word (as when encodeGif was part of the main module)', () => {
  const ok = frames(2, 2, 1);
  const cases = [
    [[0, 2, ok, 100], 'width: must be between 1 and 65535 pixels (got 0)'],
    [[2.5, 2, ok, 100], 'width: expected an integer, got 2.5'],
    [['2', 2, ok, 100], "width: expected an integer, got '2'"],
    [[2, NaN, ok, 100], 'height: expected an integer, got NaN'],
    [[2, 2, ok, -Infinity], 'delay_ms: expected an integer, got -inf'],
    [[2, 2, ok, 1e300], 'delay_ms: 1e+300 is too large'],
    [[2, 2, ok, 5], 'delay_ms: must be between 20 and 655350 milliseconds (got 5)'],
    [[2, 2, ok.subarray(1), 100], 'rgba: expected whole frames of width·height·4 = 2·2·4 = 16 bytes, got 15 bytes'],
    [[2, 2, [1, 2], 100], 'rgba: expected a Uint8Array or Uint8ClampedArray of RGBA bytes, got an array'],
    [[2, 2, undefined, 100], 'rgba: expected a Uint8Array or Uint8ClampedArray of RGBA bytes, got undefined'],
    [[2, 2, new Float32Array(16), 100], 'rgba: expected a Uint8Array or Uint8ClampedArray of RGBA bytes, got an object'],
  ];
  for (const [args, message] of cases) {
    assert.throws(() => api.encodeGif(...args), (e) => e instanceof Error && e.message === message, message);
  }
});

test('gifBlob (www/classroom/export.js) concatenates ImageData-like frames into one image/gif Blob', async () => {
  const { gifBlob } = await import('../../www/classroom/export.js');
  const all = frames(3, 2, 3);
  const list = [0, 1, 2].map((f) => ({ width: 3, height: 2, data: new Uint8ClampedArray(all.subarray(f * 24, (f + 1) * 24)) }));
  const blob = gifBlob(api, list, 200);
  assert.equal(blob.type, 'image/gif');
  assert.deepEqual(new Uint8Array(await blob.arrayBuffer()), api.encodeGif(3, 2, all, 200));
  assert.throws(() => gifBlob(api, [], 200), /frames/);
  assert.throws(() => gifBlob(api, [list[0], { width: 2, height: 3, data: list[1].data }], 200), /frame 1 is 2×3/);
  assert.throws(() => gifBlob(api, list, 1), /delay_ms/);
});

// ---------------------------------------------------------------------------------------------
// The exported GIF, end to end: the page's GIF export (www/classroom/exporter.js) draws every
// frame on a canvas and encodes them with the GIF package; the file is decoded here by a decoder
// of this test's own and composited as a viewer does. Issue #17: from the second frame on, the
// caption read "ide=(1, 1))   cell 2 / 9…" instead of the whole "Conv2d(…) cell 2 / 9".

/**
 * A GIF decoder written from the GIF89a specification (independent of the encoder): every frame
 * drawn over the screen at its offset, then disposed of as its graphic control extension says
 * (1 keep, 2 restore its rectangle to the background, 3 restore the screen from before it), as a
 * viewer plays it. Returns { width, height, frames: [RGBA of the screen after each frame] }.
 */
function decodeGif(bytes) {
  const b = bytes;
  const u16 = (i) => b[i] | (b[i + 1] << 8);
  assert.equal(new TextDecoder().decode(b.subarray(0, 6)), 'GIF89a');
  const width = u16(6);
  const height = u16(8);
  let pos = 13;
  const table = (packed) => {
    const n = 2 << (packed & 7);
    const t = b.subarray(pos, pos + 3 * n);
    pos += 3 * n;
    return t;
  };
  const global = b[10] & 0x80 ? table(b[10]) : null;
  const bg = global ? [...global.subarray(3 * b[11], 3 * b[11] + 3), 255] : [0, 0, 0, 0];
  const screen = new Uint8Array(width * height * 4);
  for (let i = 0; i < width * height; i++) screen.set(bg, i * 4);
  const frames = [];
  let control = { disposal: 0, transparent: -1 };
  const subBlocks = () => {
    const parts = [];
    while (b[pos] !== 0) {
      parts.push(b.subarray(pos + 1, pos + 1 + b[pos]));
      pos += 1 + b[pos];
    }
    pos++;
    return parts;
  };
  for (;;) {
    const block = b[pos++];
    if (block === 0x3b) break;
    if (block === 0x21) {
      const label = b[pos++];
      const parts = subBlocks();
      if (label === 0xf9) control = { disposal: (parts[0][0] >> 2) & 7, transparent: parts[0][0] & 1 ? parts[0][3] : -1 };
      continue;
    }
    assert.equal(block, 0x2c, `a block at byte ${pos - 1}`);
    const [left, top, fw, fh, packed] = [u16(pos), u16(pos + 2), u16(pos + 4), u16(pos + 6), b[pos + 8]];
    pos += 9;
    assert.equal(packed & 0x40, 0, 'not interlaced');
    assert.ok(left + fw <= width && top + fh <= height, 'frame inside the screen');
    const palette = packed & 0x80 ? table(packed) : global;
    const minCodeSize = b[pos++];
    const data = Uint8Array.from(subBlocks().flatMap((p) => [...p]));
    const indices = lzwDecode(data, minCodeSize, fw * fh);
    const before = screen.slice();
    indices.forEach((index, i) => {
      if (index === control.transparent) return;
      const o = ((top + Math.floor(i / fw)) * width + left + (i % fw)) * 4;
      screen.set([...palette.subarray(3 * index, 3 * index + 3), 255], o);
    });
    frames.push(screen.slice());
    if (control.disposal === 2) {
      for (let y = top; y < top + fh; y++) for (let x = left; x < left + fw; x++) screen.set(bg, (y * width + x) * 4);
    } else if (control.disposal === 3) screen.set(before);
    control = { disposal: 0, transparent: -1 };
  }
  return { width, height, frames };
}

/** GIF's variable-width LZW (codes least significant bit first); `n` indices expected. */
function lzwDecode(data, minCodeSize, n) {
  const clear = 1 << minCodeSize;
  let width = minCodeSize + 1;
  let bit = 0;
  const read = () => {
    let code = 0;
    for (let i = 0; i < width; i++, bit++) code |= ((data[bit >> 3] >> (bit & 7)) & 1) << i;
    return code;
  };
  const out = [];
  let dict = [];
  let prev = null;
  for (;;) {
    assert.ok(bit + width <= data.length * 8, 'the data ends with the end code');
    const code = read();
    if (code === clear) {
      dict = Array.from({ length: clear + 2 }, (_, i) => [i]);
      width = minCodeSize + 1;
      prev = null;
      continue;
    }
    if (code === clear + 1) break;
    let entry;
    if (code < dict.length) entry = dict[code];
    else if (code === dict.length && prev) entry = [...prev, prev[0]];
    else assert.fail(`LZW code ${code} not in the dictionary (${dict.length})`);
    if (prev && dict.length < 4096) dict.push([...prev, entry[0]]);
    if (dict.length === 1 << width && width < 12) width++;
    out.push(...entry);
    prev = entry;
  }
  assert.equal(out.length, n, 'one index per pixel');
  return out;
}

/**
 * A 2D context for Node that rasterises what the GIF export draws: fillRect, and fillText in a
 * font of 6-pixel-wide glyphs that carry their character (a column of 9 pixels: the 8 bits of its
 * code, then one always set), placed by textAlign and textBaseline as a canvas places text, under
 * setTransform's scale and translation. readText() reads a line of such glyphs back.
 */
const GLYPH = 6;
class RasterContext {
  constructor(canvas) {
    this.canvas = canvas;
    this.data = new Uint8ClampedArray(canvas.width * canvas.height * 4);
    this.m = [1, 0, 0, 1, 0, 0];
    Object.assign(this, { fillStyle: '#000', font: '10px monospace', textAlign: 'start', textBaseline: 'alphabetic' });
  }
  setTransform(a, b, c, d, e, f) { this.m = [a, b, c, d, e, f]; }
  rgba() {
    const h = /^#([0-9a-f]{3}|[0-9a-f]{6})$/i.exec(this.fillStyle)[1];
    const full = h.length === 3 ? [...h].map((c) => c + c).join('') : h;
    return [0, 2, 4].map((i) => parseInt(full.slice(i, i + 2), 16)).concat(255);
  }
  pixel(x, y, c) {
    const { width, height } = this.canvas;
    if (x >= 0 && y >= 0 && x < width && y < height) this.data.set(c, (y * width + x) * 4);
  }
  fillRect(x, y, w, h) {
    const [a, , , d, e, f] = this.m;
    const c = this.rgba();
    const [x0, y0, x1, y1] = [a * x + e, d * y + f, a * (x + w) + e, d * (y + h) + f].map(Math.round);
    for (let py = y0; py < y1; py++) for (let px = x0; px < x1; px++) this.pixel(px, py, c);
  }
  measureText(s) { return { width: GLYPH * s.length }; }
  fillText(s, x, y) {
    const [a, , , d, e, f] = this.m;
    const w = GLYPH * s.length;
    const left = { center: x - w / 2, right: x - w, end: x - w }[this.textAlign] ?? x;
    const top = { top: y, middle: y - 4.5, bottom: y - 9 }[this.textBaseline] ?? y - 8;
    const c = this.rgba();
    [...s].forEach((ch, i) => {
      const code = ch.charCodeAt(0) & 255;
      const gx = Math.round(a * (left + i * GLYPH) + e);
      const gy = Math.round(d * top + f);
      for (let k = 0; k < 8; k++) if ((code >> k) & 1) this.pixel(gx, gy + k, c);
      this.pixel(gx, gy + 8, c);
    });
  }
  getImageData(x, y, w, h) {
    assert.deepEqual([x, y, w, h], [0, 0, this.canvas.width, this.canvas.height]);
    return { width: w, height: h, data: this.data.slice() };
  }
}

/** The text drawn in colour `ink` (its lowest line of glyphs), read back from RGBA pixels. */
function readText(rgba, width, height, ink) {
  const isInk = (x, y) => x >= 0 && y >= 0 && x < width && y < height && [0, 1, 2].every((k) => rgba[(y * width + x) * 4 + k] === ink[k]);
  let base = -1;
  for (let y = 0; y < height; y++) for (let x = 0; x < width; x++) if (isInk(x, y)) base = y;
  let s = '';
  for (let x = 0; x < width; x++) {
    if (!isInk(x, base)) continue;
    let code = 0;
    for (let k = 0; k < 8; k++) if (isInk(x, base - 8 + k)) code |= 1 << k;
    s += String.fromCharCode(code);
  }
  return s;
}

test('the exported GIF shows the whole title in every frame (issue #17: later frames read "ide=(1, 1))  cell 2 / 9")', async (t) => {
  // Just what www/classroom/exporter.js touches of the page: its controls, a canvas, a link.
  const elements = new Map();
  const element = (props = {}) => ({
    dataset: {}, hidden: false, disabled: false, textContent: '', listeners: {},
    addEventListener(type, fn) { this.listeners[type] = fn; },
    setAttribute() {}, removeAttribute() {}, click() {}, remove() {},
    get ownerDocument() { return doc; },
    get parentElement() { return { ownerDocument: doc, append() {} }; },
    ...props,
  });
  for (const id of ['export-png', 'export-gif', 'export-status', 'export-progress']) elements.set(`#${id}`, element());
  elements.set('#gif-size', element({ value: 'small' }));
  elements.set('#gif-speed', element({ value: 'normal' }));
  const drawn = [];
  const downloads = [];
  const saved = { requestAnimationFrame: globalThis.requestAnimationFrame, createObjectURL: URL.createObjectURL, revokeObjectURL: URL.revokeObjectURL };
  const doc = {
    querySelector: (sel) => elements.get(sel) ?? null,
    createElement: (tag) => {
      if (tag !== 'canvas') return element();
      const canvas = {
        width: 300, height: 150,
        getContext() {
          const g = new RasterContext(canvas);
          const read = g.getImageData.bind(g);
          g.getImageData = (...args) => {
            const frame = read(...args);
            drawn.push(frame);
            return frame;
          };
          return g;
        },
      };
      return canvas;
    },
    body: { append() {} },
  };
  globalThis.requestAnimationFrame = (fn) => setImmediate(fn);
  URL.createObjectURL = (blob) => {
    downloads.push(blob);
    return 'blob:test';
  };
  URL.revokeObjectURL = () => {};
  t.after(() => {
    globalThis.requestAnimationFrame = saved.requestAnimationFrame;
    URL.createObjectURL = saved.createObjectURL;
    URL.revokeObjectURL = saved.revokeObjectURL;
  });

  // A Conv2d page with two views that draw as the real ones do: a grid with a kernel box that
  // moves, and each cell's number centred in it (grid.js sets textAlign 'center' and leaves it).
  const total = 9;
  const repr = 'Conv2d(3, 1, kernel_size=(3, 3), stride=(1, 1))';
  const view = (colour) => ({
    layout: (model, width) => ({ width, height: 3 * 20 }),
    draw(g, model, frame, focus, geom) {
      g.fillStyle = '#eeeeee';
      g.fillRect(0, 0, geom.width, geom.height);
      g.fillStyle = colour;
      g.fillRect(20 * (focus % 3), 20 * Math.floor(focus / 3), 20, 20);
      g.fillStyle = '#333333';
      g.textAlign = 'center';
      g.textBaseline = 'middle';
      for (let cell = 0; cell < 9; cell++) g.fillText(String(cell), 20 * (cell % 3) + 10, 20 * Math.floor(cell / 3) + 10);
    },
  });
  const mode = {
    name: 'conv2d',
    classroom: { gifViews: () => ['input', 'output'], fileBase: 'conv2d', groups: true },
    views: [['input', view('#dd3322')], ['output', view('#2255cc')]],
    focus: (model, position) => position,
    frame: (model, timeline) => ({ position: timeline.position }),
    positionText: (model, position) => `cell ${position + 1} / ${model.total}`,
  };
  const state = { params: { kernel_size: [3, 3], stride: [1, 1], padding: [0, 0], dilation: [1, 1], groups: 1 } };
  const { buildExport } = await import('../../www/classroom/exporter.js');
  buildExport({
    $: (sel) => elements.get(sel) ?? null,
    listen: (target, type, fn) => target.addEventListener(type, fn),
    current: () => ({ mode, model: { total }, state }),
    canvases: new Map(),
    drawAll() {},
    hold() {},
    edited: () => false,
    repr: () => repr,
  });
  await elements.get('#export-gif').listeners.click();
  const status = elements.get('#export-status');
  assert.equal(status.dataset.result, 'gif', status.textContent);
  assert.equal(downloads.length, 1);
  assert.equal(drawn.length, total);

  const gif = decodeGif(new Uint8Array(await downloads[0].arrayBuffer()));
  assert.equal(gif.frames.length, total);
  const ink = [0x1f, 0x23, 0x28]; // the caption's colour
  gif.frames.forEach((screen, i) => {
    // The GIF shows what was drawn (a few colours: the palette is exact)...
    assert.ok(Buffer.from(screen).equals(Buffer.from(drawn[i].data)), `frame ${i + 1}: the GIF shows the drawn frame`);
    // ...and what was drawn carries the whole title.
    assert.equal(readText(screen, gif.width, gif.height, ink), `${repr}   cell ${i + 1} / ${total}`, `frame ${i + 1}`);
  });
});
