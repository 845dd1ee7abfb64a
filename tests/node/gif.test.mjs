// encodeGif through the GIF package (www/pkg/gif, built from crates/gif by `make build`; the page
// imports it on the first GIF export): a GIF file comes back for RGBA frames (Uint8Array or
// Uint8ClampedArray, as ImageData holds them), and every bad argument is an Error naming it. The
// pixels themselves are checked by decoding in crates/gif/tests/gif_export.rs.
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
