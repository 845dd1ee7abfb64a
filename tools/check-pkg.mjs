#!/usr/bin/env node
// Load a wasm-bindgen `--target web` package in Node and make one real call, to prove the module
// (for example after wasm-opt) still instantiates and works: conv2d for the main package (www/pkg),
// encodeGif for the GIF package (www/pkg/gif, NAME convviz_gif), conv1d and conv2dBackward for the
// package of the newer ops (www/pkg/more, NAME convviz_more).
// usage: node tools/check-pkg.mjs [PKG_DIR=www/pkg] [WASM_FILE=PKG_DIR/NAME_bg.wasm] [NAME=convviz]
// (a WASM_FILE named *relaxed* is the relaxed-SIMD build: tools/relaxed-simd.mjs enables it in Node)
import fs from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { prepareFor } from './relaxed-simd.mjs';

const dir = path.resolve(process.argv[2] ?? 'www/pkg');
const name = process.argv[4] ?? 'convviz';
const wasmFile = path.resolve(process.argv[3] || path.join(dir, `${name}_bg.wasm`));
try {
  prepareFor(wasmFile);
  const pkg = await import(pathToFileURL(path.join(dir, `${name}.js`)).href);
  pkg.initSync({ module: fs.readFileSync(wasmFile) });
  const info = [];
  if (typeof pkg.version === 'function') info.push(`version ${pkg.version()}`);
  if (typeof pkg.conv2d === 'function') {
    const ones = (shape) => ({ shape, data: new Float32Array(shape.reduce((a, b) => a * b, 1)).fill(1) });
    const y = pkg.conv2d(ones([1, 3, 5, 5]), ones([1, 3, 3, 3]), null, {});
    if (y.shape.join() !== '1,1,3,3' || !y.data.every((v) => v === 27)) {
      throw new Error(`conv2d(ones(1,3,5,5), ones(1,3,3,3)) gave shape [${y.shape}] data [${y.data}]`);
    }
    info.push('conv2d ok');
  }
  if (typeof pkg.encodeGif === 'function') {
    const gif = pkg.encodeGif(2, 1, new Uint8Array([255, 0, 0, 255, 0, 0, 255, 255]), 100);
    const head = new TextDecoder().decode(gif.subarray(0, 6));
    if (head !== 'GIF89a' || gif.at(-1) !== 0x3b) throw new Error(`encodeGif gave ${gif.length} bytes starting ${head}`);
    info.push('encodeGif ok');
  }
  if (typeof pkg.conv1d === 'function') {
    const ones = (shape) => ({ shape, data: new Float32Array(shape.reduce((a, b) => a * b, 1)).fill(1) });
    const y = pkg.conv1d(ones([1, 2, 5]), ones([1, 2, 3]), null, { padding: 1 });
    if (y.shape.join() !== '1,1,5' || y.data.join() !== '4,6,6,6,4') {
      throw new Error(`conv1d(ones(1,2,5), ones(1,2,3), padding=1) gave shape [${y.shape}] data [${y.data}]`);
    }
    const g = pkg.conv2dBackward(ones([1, 1, 3, 3]), ones([1, 1, 2, 2]), ones([1, 1, 2, 2]), {});
    if (g.gradInput.data.join() !== '1,2,1,2,4,2,1,2,1' || g.gradBias.data.join() !== '4') {
      throw new Error(`conv2dBackward(ones) gave gradInput [${g.gradInput.data}] gradBias [${g.gradBias.data}]`);
    }
    info.push('conv1d ok', 'conv2dBackward ok');
  }
  console.log(`check-pkg: ${path.relative(process.cwd(), wasmFile)} loads (${info.join(', ') || 'no exports checked'})`);
} catch (e) {
  console.error(`check-pkg: ${wasmFile} does not work: ${e && e.stack ? e.stack : e}`);
  process.exit(1);
}
