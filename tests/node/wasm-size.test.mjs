// The size of the built module (www/pkg/convviz_bg.wasm, from `make build`): a measurement of an
// artifact, not a timing. Issue #7's target is 150 KB = 150,000 bytes and 60 KB = 60,000 bytes
// gzipped (level 9, as bench/run.mjs reports it); the module meets it since the second round of
// #7 (138,661 bytes, 58,727 gzipped), and the target is asserted. Besides, a ceiling just above
// the module's size catches growth where it happens: lower CEILING as the module shrinks, and
// raise it only with a measured reason in the commit that does. Raised from 139,500 / 59,200 for
// issue #16 items 6-7 (141,094 bytes, 59,757 gzipped, from 138,537 / 58,727): PyTorch's input forms
// (unbatched, empty batch, [n] pairs) and argument order, its error texts, and `.arg` / `.kind`
// on every thrown Error.
// Issues #18 / #19 (the gradients, conv1d, pooling, receptive fields) added nothing to it: their JS
// API is the module below. Splitting it off (the core crate's boundary behind its default
// `bindings` feature) left the module's code the same but for ~20 of 57,100 instructions and the
// order of its functions: 141,138 bytes, 59,647 gzipped.
// `node bench/wasm-size.mjs FILE` shows where the bytes go.
//
// The relaxed-SIMD build of the same crate (www/pkg/convviz_relaxed_bg.wasm, the module Chromium
// loads: www/engine.js) is held to the same target and ceiling: it differs in the micro-kernel's
// instructions only (138,465 bytes against 138,537 when it was added).
//
// The GIF encoder (www/pkg/gif/convviz_gif_bg.wasm, crates/gif) is a module of its own that the
// page loads on the first GIF export only; it has a ceiling of its own (34,103 bytes, 16,355
// gzipped, when it was split off; 44,342 / 20,229 since the maintained `gif` crate writes the
// file and its LZW instead of a writer of our own: +10.3 KB, issue #16).
//
// The newer ops' module (www/pkg/more/convviz_more_bg.wasm, crates/more: Conv2d / ConvTranspose2d
// backward and its trace, conv1d, pooling, receptive fields) is loaded when one of their tabs
// first opens (www/engine.js, loadMore). It carries the core's maths that these need (im2col,
// col2im, the GEMM, padding, the Conv2d trace for conv1d's) but none of the core's exports:
// 171,440 bytes, 74,035 gzipped, when it was made; 174,297 / 74,759 with conv2dGradInput and
// conv2dGradWeight (#18's benchmark times them apart).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import zlib from 'node:zlib';
import { fileURLToPath } from 'node:url';

const TARGET = { raw: 150_000, gzip: 60_000 };
const CEILING = { raw: 142_000, gzip: 60_000 };
const GIF_CEILING = { raw: 45_000, gzip: 20_600 };
const MORE_CEILING = { raw: 176_000, gzip: 75_500 };

function sizeOf(relative) {
  const bytes = fs.readFileSync(fileURLToPath(new URL(relative, import.meta.url)));
  return { raw: bytes.length, gzip: zlib.gzipSync(bytes, { level: 9 }).length };
}
const size = sizeOf('../../www/pkg/convviz_bg.wasm');
const relaxedSize = sizeOf('../../www/pkg/convviz_relaxed_bg.wasm');
const gifSize = sizeOf('../../www/pkg/gif/convviz_gif_bg.wasm');
const moreSize = sizeOf('../../www/pkg/more/convviz_more_bg.wasm');
const describe = (s) => `${s.raw} bytes, ${s.gzip} gzipped`;

test(`convviz_bg.wasm stays under its ceiling (${describe(CEILING)})`, () => {
  assert.ok(size.raw <= CEILING.raw, `${describe(size)}: ${size.raw - CEILING.raw} bytes over ${CEILING.raw}`);
  assert.ok(size.gzip <= CEILING.gzip, `${describe(size)}: ${size.gzip - CEILING.gzip} gzipped bytes over ${CEILING.gzip}`);
});

test(`convviz_bg.wasm meets the target of #7 (${describe(TARGET)})`, () => {
  assert.ok(size.raw <= TARGET.raw, `${describe(size)}: ${size.raw - TARGET.raw} bytes over ${TARGET.raw}`);
  assert.ok(size.gzip <= TARGET.gzip, `${describe(size)}: ${size.gzip - TARGET.gzip} gzipped bytes over ${TARGET.gzip}`);
});

test('the ceiling is not looser than it needs to be', () => {
  // A ceiling far above the module would let it grow unnoticed: keep the margin under 3 %.
  assert.ok(CEILING.raw <= size.raw * 1.03, `lower CEILING.raw towards ${size.raw}`);
  assert.ok(CEILING.gzip <= size.gzip * 1.03, `lower CEILING.gzip towards ${size.gzip}`);
});

test(`the relaxed-SIMD build, convviz_relaxed_bg.wasm, meets the target and the same ceiling (${describe(CEILING)})`, () => {
  for (const [limit, name] of [[CEILING, 'CEILING'], [TARGET, 'the target of #7']]) {
    assert.ok(relaxedSize.raw <= limit.raw, `${describe(relaxedSize)}: ${relaxedSize.raw - limit.raw} bytes over ${name}`);
    assert.ok(relaxedSize.gzip <= limit.gzip, `${describe(relaxedSize)}: ${relaxedSize.gzip - limit.gzip} gzipped bytes over ${name}`);
  }
});

test(`the GIF module, convviz_gif_bg.wasm, stays under its ceiling (${describe(GIF_CEILING)})`, () => {
  assert.ok(gifSize.raw <= GIF_CEILING.raw, `${describe(gifSize)}: ${gifSize.raw - GIF_CEILING.raw} bytes over ${GIF_CEILING.raw}`);
  assert.ok(gifSize.gzip <= GIF_CEILING.gzip, `${describe(gifSize)}: ${gifSize.gzip - GIF_CEILING.gzip} gzipped bytes over ${GIF_CEILING.gzip}`);
  assert.ok(GIF_CEILING.raw <= gifSize.raw * 1.03 && GIF_CEILING.gzip <= gifSize.gzip * 1.03, `lower GIF_CEILING towards ${describe(gifSize)}`);
});

test(`the newer ops' module, convviz_more_bg.wasm, stays under its ceiling (${describe(MORE_CEILING)})`, () => {
  assert.ok(moreSize.raw <= MORE_CEILING.raw, `${describe(moreSize)}: ${moreSize.raw - MORE_CEILING.raw} bytes over ${MORE_CEILING.raw}`);
  assert.ok(moreSize.gzip <= MORE_CEILING.gzip, `${describe(moreSize)}: ${moreSize.gzip - MORE_CEILING.gzip} gzipped bytes over ${MORE_CEILING.gzip}`);
  assert.ok(MORE_CEILING.raw <= moreSize.raw * 1.03 && MORE_CEILING.gzip <= moreSize.gzip * 1.03, `lower MORE_CEILING towards ${describe(moreSize)}`);
});
