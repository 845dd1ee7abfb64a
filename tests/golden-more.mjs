#!/usr/bin/env node
// Compare the module of the newer ops (www/pkg/more, crates/more) with PyTorch's reference
// outputs: every case of backward.json, conv1d.json and pool.json, and every case of
// errors_more.json (refused with `.arg` and `.kind`, never a trap, the module still working).
//
//   node tests/golden-more.mjs [DIR] [-v]     DIR defaults to tests/fixtures/torch
//
// Tolerance as tests/golden.mjs: |got - expected| <= 1e-4 * max(1, |expected|), exact shapes;
// max_pool2d's indices exactly. Besides the functions, each case runs through the traces
// (conv2dBackwardTrace: its gradients, and weightSteps / inputSteps equal to them bit for bit;
// conv1dTrace's output; poolWindow for every output cell of the first plane) and, for a batch of
// one, through the unbatched forms. The forward outputs of the backward cases are checked with
// the core module (www/pkg). Last line: `N passed, M failed` (cases); exit 1 on any failure.

import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const RTOL = 1e-4;

async function load(dir, name) {
  const js = path.join(ROOT, dir, `${name}.js`);
  const wasm = path.join(ROOT, dir, `${name}_bg.wasm`);
  if (!fs.existsSync(js) || !fs.existsSync(wasm)) throw new Error(`${dir}/${name}.js is missing: run \`make build\` first`);
  const api = await import(pathToFileURL(js).href);
  api.initSync({ module: fs.readFileSync(wasm) });
  return api;
}

const prod = (a) => a.reduce((x, y) => x * y, 1);
const tensor = (t) => (t ? { shape: t.shape.slice(), data: Float32Array.from(t.data ?? new Array(prod(t.shape)).fill(0)) } : null);
/** The same tensor without its batch axis of 1. */
const unbatch = (t) => ({ shape: t.shape.slice(1), data: t.data });
const unbatchExp = (t) => ({ shape: t.shape.slice(1), data: t.data });

/** null when `got` matches `exp` (a JSON tensor), else what differs. */
function compare(got, exp, { exact = false, type = Float32Array } = {}) {
  if (!got || typeof got !== 'object') return `got ${got}, expected a tensor`;
  const shape = Array.from(got.shape ?? []);
  if (shape.join() !== exp.shape.join()) return `shape [${shape}] != expected [${exp.shape}]`;
  if (!(got.data instanceof type)) return `data is ${got.data?.constructor?.name}, expected ${type.name}`;
  if (got.data.length !== exp.data.length) return `${got.data.length} values, expected ${exp.data.length}`;
  for (let i = 0; i < exp.data.length; i++) {
    const e = exp.data[i];
    const ok = exact ? got.data[i] === e : Math.abs(got.data[i] - e) <= RTOL * Math.max(1, Math.abs(e));
    if (!ok) return `index ${i}: got ${got.data[i]}, expected ${e}`;
  }
  return null;
}

const CAMEL = (k) => k.replace(/_([a-z])/g, (_, c) => c.toUpperCase());
function options(args) {
  const o = {};
  for (const [k, v] of Object.entries(args ?? {})) if (k !== 'bias') o[CAMEL(k)] = v;
  return o;
}

/** Collects the problems of one case. */
class Check {
  constructor() { this.problems = []; }
  tensor(what, got, exp, opts) {
    const bad = compare(got, exp, opts);
    if (bad) this.problems.push(`${what}: ${bad}`);
  }
  that(what, ok) { if (!ok) this.problems.push(what); }
}

function backwardCase(more, core, c, check) {
  const conv = c.op === 'conv2d_backward';
  const fn = conv ? more.conv2dBackward : more.convTranspose2dBackward;
  const opts = options(c.args);
  const [x, w, gy] = [tensor(c.input), tensor(c.weight), tensor(c.grad_output)];
  const e = c.expected;
  if (e.output.shape.includes(0)) {
    // PyTorch allows an empty output; convviz's forward refuses it, and so does its backward.
    try {
      fn(x, w, gy, opts);
      check.that('an empty output was accepted', false);
    } catch (err) {
      check.that(`refused without .arg: ${err.message}`, err instanceof Error && typeof err.arg === 'string');
    }
    return;
  }
  const r = fn(x, w, gy, opts);
  check.tensor('gradInput', r.gradInput, e.grad_input);
  check.tensor('gradWeight', r.gradWeight, e.grad_weight);
  if (e.grad_bias) check.tensor('gradBias', r.gradBias, e.grad_bias);
  const y = (conv ? core.conv2d : core.convTranspose2d)(x, w, tensor(c.bias), opts);
  check.tensor('output (core module)', y, e.output);
  if (x.shape[0] === 1) {
    const u = fn(unbatch(x), w, unbatch(gy), opts);
    check.tensor('unbatched gradInput', u.gradInput, unbatchExp(e.grad_input));
    check.tensor('unbatched gradWeight', u.gradWeight, e.grad_weight);
  }
  if (!conv) return;
  const t = more.conv2dBackwardTrace(x, w, gy, opts);
  try {
    check.tensor('trace.gradInput', t.gradInput, e.grad_input);
    check.tensor('trace.gradWeight', t.gradWeight, e.grad_weight);
    if (e.grad_bias) check.tensor('trace.gradBias', t.gradBias, e.grad_bias);
    check.tensor('trace.gradOutput', t.gradOutput, c.grad_output);
    const gw = t.gradWeight;
    const gi = t.gradInput;
    const [co, ci, kh, kw] = gw.shape;
    const ws = t.weightSteps(co - 1, ci - 1, kh - 1, kw - 1);
    check.that(`weightSteps sum ${ws.sum} != gradWeight ${gw.data.at(-1)}`, ws.sum === gw.data.at(-1) && ws.terms.length > 0);
    const [n, cin, h, wi] = gi.shape;
    const is = t.inputSteps(n - 1, cin - 1, h - 1, wi - 1);
    check.that(`inputSteps sum ${is.sum} != gradInput ${gi.data.at(-1)}`, Object.is(is.sum, gi.data.at(-1)) && Array.isArray(is.cells));
    check.that('gradColumns / gradPaddedInput / columns', t.gradColumns.shape.length === 3 && t.gradPaddedInput.shape.length === 4 && t.columns.shape.length === 3);
  } finally {
    t.free();
  }
}

function conv1dCase(more, c, check) {
  const opts = options(c.args);
  const [x, w, b] = [tensor(c.input), tensor(c.weight), tensor(c.bias)];
  check.tensor('conv1d', more.conv1d(x, w, b, opts), c.expected);
  const t = more.conv1dTrace(x, w, b, opts);
  try {
    check.tensor('conv1dTrace.output', t.output, c.expected);
    check.that('conv1dTrace.geometry.outputSize', t.geometry.outputSize === c.expected.shape[2]);
  } finally {
    t.free();
  }
  if (x.shape[0] === 1) check.tensor('unbatched conv1d', more.conv1d(unbatch(x), w, b, opts), unbatchExp(c.expected));
}

function poolCase(more, c, check) {
  const opts = options(c.args);
  const x = tensor(c.input);
  const max = c.op === 'max_pool2d';
  const exp = max ? c.expected.output : c.expected;
  if (max) {
    const r = more.maxPool2d(x, { ...opts, returnIndices: true });
    check.tensor('output', r.output, exp);
    check.tensor('indices', r.indices, c.expected.indices, { exact: true, type: Int32Array });
    check.tensor('output without indices', more.maxPool2d(x, { ...opts, returnIndices: false }), exp);
  } else {
    check.tensor('avgPool2d', more.avgPool2d(x, opts), exp);
  }
  if (x.shape[0] === 1) {
    const u = max ? more.maxPool2d(unbatch(x), { ...opts, returnIndices: false }) : more.avgPool2d(unbatch(x), opts);
    check.tensor('unbatched', u, unbatchExp(exp));
  }
  const [, , ho, wo] = exp.shape;
  for (let oh = 0; oh < ho; oh++) {
    for (let ow = 0; ow < wo; ow++) {
      const win = more.poolWindow(x, opts, max ? 'max' : 'avg', [0, 0, oh, ow]);
      const e = exp.data[oh * wo + ow];
      if (!(Math.abs(win.output - e) <= RTOL * Math.max(1, Math.abs(e)))) check.that(`poolWindow (${oh}, ${ow}).output ${win.output} != ${e}`, false);
      if (max && win.index !== c.expected.indices.data[oh * wo + ow]) check.that(`poolWindow (${oh}, ${ow}).index ${win.index}`, false);
      if (!max && !(win.sum !== null && win.divisor !== null)) check.that(`poolWindow (${oh}, ${ow}) has no sum / divisor`, false);
    }
  }
}

// The argument each case of errors_more.json names (as the crate's tests/backward.rs,
// tests/conv1d.rs and tests/pool.rs expect).
function expectedArg(name) {
  if (name.includes('grad_output')) return 'grad_output';
  const table = {
    conv2d_backward_kernel_larger_than_input: 'kernel_size',
    conv2d_backward_weight_channels_mismatch: 'weight',
    conv2d_backward_zero_stride: 'stride',
    convT_backward_output_padding_too_large: 'output_padding',
    convT_backward_output_size_out_of_range: 'output_size',
    conv1d_groups_do_not_divide_channels: 'groups',
    conv1d_groups_do_not_divide_out_channels: 'groups',
    conv1d_kernel_larger_than_input: 'kernel_size',
    conv1d_dilated_kernel_larger_than_input: 'kernel_size',
    conv1d_weight_channels_mismatch: 'weight',
    conv1d_zero_stride: 'stride',
    conv1d_negative_padding: 'padding',
    conv1d_same_padding_with_stride: 'padding',
    conv1d_reflect_padding_too_large: 'padding',
    conv1d_bias_length_mismatch: 'bias',
    max_pool_zero_dilation: 'dilation',
    avg_pool_divisor_override_zero: 'divisor_override',
  };
  if (table[name]) return table[name];
  if (/padding/.test(name)) return 'padding';
  if (/stride/.test(name)) return 'stride';
  if (/kernel/.test(name)) return 'kernel_size';
  return '?';
}

function errorCase(more, c, check) {
  const opts = options(c.args);
  const x = tensor(c.input);
  const call = {
    conv2d_backward: () => more.conv2dBackward(x, tensor(c.weight), tensor(c.grad_output), opts),
    conv_transpose2d_backward: () => more.convTranspose2dBackward(x, tensor(c.weight), tensor(c.grad_output), opts),
    conv1d: () => more.conv1d(x, tensor(c.weight), tensor(c.bias), opts),
    max_pool2d: () => more.maxPool2d(x, opts),
    avg_pool2d: () => more.avgPool2d(x, opts),
  }[c.op];
  const calls = [call];
  if (c.op === 'conv2d_backward') calls.push(() => more.conv2dBackwardTrace(x, tensor(c.weight), tensor(c.grad_output), opts));
  if (c.op === 'conv1d') calls.push(() => more.conv1dTrace(x, tensor(c.weight), tensor(c.bias), opts));
  if (c.op.endsWith('pool2d')) calls.push(() => more.poolWindow(x, opts, c.op.slice(0, 3), [0, 0, 0, 0]));
  const want = expectedArg(c.name);
  for (const f of calls) {
    try {
      const r = f();
      r?.free?.();
      check.that(`accepted; PyTorch says: ${c.error}`, false);
    } catch (e) {
      if (e instanceof WebAssembly.RuntimeError || !(e instanceof Error)) {
        check.that(`trapped or threw a non-Error: ${e}`, false);
        continue;
      }
      check.that(`.arg ${e.arg} (${e.message}), expected ${want}`, e.arg === want);
      check.that(`.kind ${e.kind}`, typeof e.kind === 'string' && e.kind.length > 0);
      check.that(`message ${e.message} does not start with its argument`, e.message.startsWith(`${e.arg}: `));
    }
  }
  // The module keeps working.
  const ones = (shape) => ({ shape, data: new Float32Array(prod(shape)).fill(1) });
  const y = more.conv1d(ones([1, 2, 5]), ones([1, 2, 3]), null, { padding: 1 });
  check.that('conv1d after the error', y.data.join() === '4,6,6,6,4');
}

const RUNNERS = {
  'backward.json': backwardCase,
  'conv1d.json': (more, core, c, check) => conv1dCase(more, c, check),
  'pool.json': (more, core, c, check) => poolCase(more, c, check),
  'errors_more.json': (more, core, c, check) => errorCase(more, c, check),
};

async function main() {
  const argv = process.argv.slice(2);
  const verbose = argv.includes('-v');
  const dir = path.resolve(argv.find((a) => !a.startsWith('-')) ?? path.join(ROOT, 'tests/fixtures/torch'));
  let more, core;
  try {
    more = await load('www/pkg/more', 'convviz_more');
    core = await load('www/pkg', 'convviz');
  } catch (e) {
    console.log(`golden-more: ${e.message}`);
    console.log('0 passed, 1 failed');
    process.exit(1);
  }
  let passed = 0;
  let failed = 0;
  for (const [file, run] of Object.entries(RUNNERS)) {
    const { cases } = JSON.parse(fs.readFileSync(path.join(dir, file), 'utf8'));
    let ok = 0;
    for (const c of cases) {
      const check = new Check();
      try {
        run(more, core, c, check);
      } catch (e) {
        check.problems.push(`threw ${e?.constructor?.name}: ${e?.message}`);
      }
      if (check.problems.length === 0) {
        ok++;
        if (verbose) console.log(`ok   ${file} ${c.name}`);
      } else {
        console.log(`FAIL ${file} ${c.name}: ${check.problems.slice(0, 3).join('; ')}`);
      }
    }
    console.log(`${file}: ${ok} of ${cases.length} cases pass`);
    passed += ok;
    failed += cases.length - ok;
  }
  console.log(`${passed} passed, ${failed} failed`);
  process.exit(failed > 0 || passed === 0 ? 1 : 0);
}

main();
