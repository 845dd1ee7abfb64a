// The size of the built module (www/pkg/convviz_bg.wasm, from `make build`): a measurement of an
// artifact, not a timing. Issue #7's target is 150 KB = 150,000 bytes and 60 KB = 60,000 bytes
// gzipped (level 9, as bench/run.mjs reports it). Until the module gets there, the check that
// holds is a ceiling just above its size (171,587 bytes, 73,024 gzipped, when this was written),
// so that growth is caught where it happens: lower CEILING as the module shrinks, and raise it
// only with a measured reason in the commit that does. `node bench/wasm-size.mjs FILE` shows
// where the bytes go.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import zlib from 'node:zlib';
import { fileURLToPath } from 'node:url';

const TARGET = { raw: 150_000, gzip: 60_000 };
const CEILING = { raw: 173_500, gzip: 74_000 };

const file = fileURLToPath(new URL('../../www/pkg/convviz_bg.wasm', import.meta.url));
const bytes = fs.readFileSync(file);
const size = { raw: bytes.length, gzip: zlib.gzipSync(bytes, { level: 9 }).length };
const describe = (s) => `${s.raw} bytes, ${s.gzip} gzipped`;

test(`convviz_bg.wasm stays under its ceiling (${describe(CEILING)})`, () => {
  assert.ok(size.raw <= CEILING.raw, `${describe(size)}: ${size.raw - CEILING.raw} bytes over ${CEILING.raw}`);
  assert.ok(size.gzip <= CEILING.gzip, `${describe(size)}: ${size.gzip - CEILING.gzip} gzipped bytes over ${CEILING.gzip}`);
});

const met = size.raw <= TARGET.raw && size.gzip <= TARGET.gzip;
test(
  `convviz_bg.wasm meets the target of #7 (${describe(TARGET)})`,
  { todo: met ? false : `not yet: ${describe(size)} (${size.raw - TARGET.raw} and ${size.gzip - TARGET.gzip} over)` },
  () => {
    assert.ok(size.raw <= TARGET.raw, `${describe(size)}`);
    assert.ok(size.gzip <= TARGET.gzip, `${describe(size)}`);
  },
);

test('the ceiling is not looser than it needs to be', () => {
  // A ceiling far above the module would let it grow unnoticed: keep the margin under 3 %.
  assert.ok(CEILING.raw <= Math.max(TARGET.raw, size.raw * 1.03), `lower CEILING.raw towards ${size.raw}`);
  assert.ok(CEILING.gzip <= Math.max(TARGET.gzip, size.gzip * 1.03), `lower CEILING.gzip towards ${size.gzip}`);
});
