// Node's side of www/engine.js: Node 20 (V8 11.3) runs relaxed SIMD only behind a V8 flag, which
// Chrome has shipped on since 114; set it at run time when this Node needs it, before compiling
// www/pkg/convviz_relaxed_bg.wasm (tests, tools/check-pkg.mjs, bench/run.mjs).
import path from 'node:path';
import v8 from 'node:v8';
import { relaxedSimdSupported } from '../www/engine.js';

/** Make this process run relaxed SIMD; returns whether it does (false: a Node without it). */
export function enableRelaxedSimd() {
  if (!relaxedSimdSupported()) v8.setFlagsFromString('--experimental-wasm-relaxed-simd');
  return relaxedSimdSupported();
}

/**
 * Before compiling `wasmFile`: a relaxed-SIMD build (a file name with "relaxed", as
 * convviz_relaxed_bg.wasm and its wasm-opt temporary) gets relaxed SIMD enabled, or an Error.
 */
export function prepareFor(wasmFile) {
  if (/relaxed/.test(path.basename(wasmFile)) && !enableRelaxedSimd()) {
    throw new Error(`this Node cannot run relaxed SIMD (${path.basename(wasmFile)})`);
  }
}
