#!/usr/bin/env node
// Time convviz's kernels inside wasm, without the JS boundary: bench/kernels (a cdylib of raw
// exports) built for wasm32 + simd128. For development of src/gemm.rs and the fast conv paths.
//
// usage: node bench/kernels.mjs [--build] [--wasm FILE] [--runs N=15] [what ...]
//   what: gemm:M,K,N  conv:N,C,H,W,COUT,K,STRIDE,PAD  convT:N,C,H,W,COUT,K,STRIDE,PAD
//   (default: the cases of bench/run.mjs plus the thin photo GEMM)
import fs from 'node:fs';
import path from 'node:path';
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { performance } from 'node:perf_hooks';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const args = process.argv.slice(2);
const wi = args.indexOf('--wasm');
const wasmFile = wi >= 0 ? path.resolve(args[wi + 1])
  : path.join(root, 'target/bench-kernels/wasm32-unknown-unknown/release/convviz_bench_kernels.wasm');
if (args.includes('--build') || !fs.existsSync(wasmFile)) {
  execFileSync('cargo', ['build', '--release', '--target', 'wasm32-unknown-unknown', '--manifest-path',
    'bench/kernels/Cargo.toml', '--target-dir', 'target/bench-kernels'], { cwd: root, stdio: 'inherit' });
}
const ri = args.indexOf('--runs');
const RUNS = ri >= 0 ? Number(args[ri + 1]) : 15;
const whats = args.filter((a, i) => !a.startsWith('--') && !(ri >= 0 && i === ri + 1) && !(wi >= 0 && i === wi + 1));

const mod = new WebAssembly.Module(fs.readFileSync(wasmFile));
// Dependencies' wasm-bindgen imports are never called by these exports: stub them.
const imports = {};
for (const im of WebAssembly.Module.imports(mod)) {
  imports[im.module] ??= {};
  imports[im.module][im.name] = () => { throw new Error(`stub ${im.module}.${im.name} called`); };
}
const { exports: ex } = new WebAssembly.Instance(mod, imports);
const fill = (ptr, n, seed) => {
  const v = new Float32Array(ex.memory.buffer, ptr, n);
  let s = seed;
  for (let i = 0; i < n; i++) { s = (s * 1103515245 + 12345) >>> 0; v[i] = (s / 2 ** 32) * 2 - 1; }
  return ptr;
};

function time(f) {
  let t0 = performance.now();
  let calls = 0;
  while (calls < 3 || performance.now() - t0 < 200) { f(1); calls++; }
  const reps = Math.max(1, Math.ceil(5 / ((performance.now() - t0) / calls)));
  const s = [];
  for (let r = 0; r < RUNS; r++) { t0 = performance.now(); f(reps); s.push((performance.now() - t0) / reps); }
  s.sort((a, b) => a - b);
  return s[s.length >> 1];
}

const defaults = ['gemm:256,256,256', 'gemm:64,576,3136', 'gemm:8,27,262144', 'gemm:8,75,262144',
  'conv:1,3,5,5,1,3,1,0', 'conv:1,8,32,32,8,3,2,1', 'conv:1,64,56,56,64,3,1,1', 'conv:1,3,512,512,8,3,1,1',
  'conv:1,3,512,512,8,5,1,2', 'convT:1,64,28,28,32,4,2,1', 'conv:1,256,16,16,256,1,1,0'];
for (const w of whats.length ? whats : defaults) {
  const [kind, spec] = w.split(':');
  const p = spec.split(',').map(Number);
  if (kind === 'gemm') {
    const [m, k, n] = p;
    const a = fill(ex.buf(m * k), m * k, 1), b = fill(ex.buf(k * n), k * n, 2), c = ex.buf(m * n);
    const ms = time((r) => ex.gemm(m, k, n, a, b, c, r));
    console.log(`${w.padEnd(32)} ${ms.toFixed(3).padStart(9)} ms  ${(2 * m * k * n / ms / 1e6).toFixed(1)} GFLOP/s`);
  } else {
    const [n, c, h, wd, co, k, s, pd] = p;
    const t = kind === 'conv';
    const ho = t ? Math.floor((h + 2 * pd - k) / s) + 1 : (h - 1) * s - 2 * pd + k;
    const wo = t ? Math.floor((wd + 2 * pd - k) / s) + 1 : (wd - 1) * s - 2 * pd + k;
    const x = fill(ex.buf(n * c * h * wd), n * c * h * wd, 1), wt = fill(ex.buf(co * c * k * k), co * c * k * k, 2);
    const b = fill(ex.buf(co), co, 3), out = ex.buf(n * co * ho * wo);
    const f = t ? ex.conv2d : ex.conv_transpose2d;
    const ms = time((r) => f(n, c, h, wd, co, k, BigInt(s), BigInt(pd), x, wt, b, out, r));
    const flop = 2 * n * co * ho * wo * c * k * k * (t ? 1 : (h * wd) / (ho * wo));
    console.log(`${w.padEnd(32)} ${ms.toFixed(3).padStart(9)} ms  ${(flop / ms / 1e6).toFixed(1)} GFLOP/s`);
  }
}
