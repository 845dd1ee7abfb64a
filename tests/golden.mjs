#!/usr/bin/env node
// Compare the convviz wasm package with PyTorch's reference outputs.
//
//   node tests/golden.mjs [DIR]            DIR defaults to tests/fixtures/torch; every DIR/*.json is read
//                                          but the newer ops' files (MORE_FILES: their API is the module
//                                          www/pkg/more, compared by tests/golden-more.mjs)
//   node tests/golden.mjs --pkg www/pkg    the wasm-bindgen package to test (default www/pkg)
//   node tests/golden.mjs --wasm FILE      another module for the package's glue (default
//                                          PKG/convviz_bg.wasm; www/pkg/convviz_relaxed_bg.wasm is
//                                          the relaxed-SIMD build, enabled in Node when needed)
//   node tests/golden.mjs --module M.mjs   test any ES module exporting the same API (initSync optional)
//
// Each case's `op` decides the call (conv2d, conv_transpose2d, unfold, fold); a case with an `error`
// field must be rejected. Outputs and every intermediate present in the case are compared with
// |got - expected| <= 1e-4 * max(1, |expected|) and exact shapes. One line per failure, a count per
// file, and as the very last line `N passed, M failed`. Exit 1 on any failure or when no case ran.
// The fixture format is described in tests/fixtures/torch/README.md, the API in docs/js-api.md.

import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

/** The cases of the newer ops (backward, conv1d, pooling): tests/golden-more.mjs runs them through www/pkg/more. */
const MORE_FILES = ['backward.json', 'conv1d.json', 'pool.json', 'errors_more.json'];
const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const RTOL = 1e-4;

// ---------------------------------------------------------------- arguments

function parseArgs(argv) {
  const o = { dir: path.join(ROOT, 'tests/fixtures/torch'), pkg: path.join(ROOT, 'www/pkg'), wasm: null, module: null, verbose: false };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--pkg') o.pkg = path.resolve(argv[++i]);
    else if (a === '--module') o.module = path.resolve(argv[++i]);
    else if (a === '--wasm') o.wasm = path.resolve(argv[++i]);
    else if (a === '-v' || a === '--verbose') o.verbose = true;
    else if (a === '-h' || a === '--help') {
      console.log('usage: node tests/golden.mjs [DIR] [--pkg DIR [--wasm FILE] | --module FILE.mjs] [-v]');
      process.exit(0);
    } else if (a.startsWith('-')) throw new Error(`unknown option ${a}`);
    else o.dir = path.resolve(a);
  }
  return o;
}

async function loadApi({ pkg, wasm: wasmFile, module }) {
  if (module) {
    const api = await import(pathToFileURL(module).href);
    return { api, label: path.relative(process.cwd(), module) };
  }
  const js = path.join(pkg, 'convviz.js');
  const wasm = wasmFile ?? path.join(pkg, 'convviz_bg.wasm');
  if (!fs.existsSync(js) || !fs.existsSync(wasm)) {
    throw new Error(`${path.relative(process.cwd(), pkg)}/convviz.js or convviz_bg.wasm is missing: run \`make build\` first`);
  }
  const api = await import(pathToFileURL(js).href);
  (await import('../tools/relaxed-simd.mjs')).prepareFor(wasm);
  api.initSync({ module: fs.readFileSync(wasm) });
  return { api, label: `${path.relative(process.cwd(), js)} + ${path.basename(wasm)}` };
}

// ---------------------------------------------------------------- tensors and comparison

const prod = (a) => a.reduce((x, y) => x * y, 1);

/** JSON tensor -> API tensor; `{shape}` alone (some error cases) means zeros of that shape. */
function tensor(t) {
  if (t === null || t === undefined) return null;
  const data = t.data ? Float32Array.from(t.data) : new Float32Array(prod(t.shape));
  return { shape: t.shape.slice(), data };
}

function unravel(index, shape) {
  const idx = [];
  for (let d = shape.length - 1; d >= 0; d--) {
    idx.unshift(index % shape[d]);
    index = Math.floor(index / shape[d]);
  }
  return idx;
}

/** null when `got` matches `exp` (a JSON tensor); else a one-line description of the first mismatch. */
function compare(got, exp) {
  if (got === null || got === undefined || typeof got !== 'object') return `got ${got}, expected a tensor`;
  const shape = Array.from(got.shape ?? []);
  if (shape.length !== exp.shape.length || shape.some((d, i) => d !== exp.shape[i])) {
    return `shape [${shape}] != expected [${exp.shape}]`;
  }
  const data = got.data;
  if (!(data instanceof Float32Array)) return `data is ${data?.constructor?.name ?? typeof data}, expected Float32Array`;
  if (data.length !== exp.data.length) return `data has ${data.length} elements, expected ${exp.data.length}`;
  let first = -1;
  let bad = 0;
  let worst = 0;
  for (let i = 0; i < data.length; i++) {
    const e = exp.data[i];
    const err = Math.abs(data[i] - e);
    const tol = RTOL * Math.max(1, Math.abs(e));
    if (!(err <= tol)) {
      if (first < 0) first = i;
      bad++;
      if (!(err <= worst)) worst = err;
    }
  }
  if (first < 0) return null;
  return `first mismatch at index ${first} [${unravel(first, exp.shape)}]: got ${data[first]}, expected ${exp.data[first]}` +
    ` (${bad} of ${data.length} elements differ, max |diff| ${worst})`;
}

// ---------------------------------------------------------------- argument mapping

const CAMEL = { padding_mode: 'paddingMode', output_padding: 'outputPadding', output_size: 'outputSize', kernel_size: 'kernelSize' };
const camel = (k) => CAMEL[k] ?? k.replace(/_([a-z])/g, (_, c) => c.toUpperCase());

/** JSON args -> API options object (snake_case -> camelCase; `bias` is a flag, not an option). */
function options(args) {
  const o = {};
  for (const [k, v] of Object.entries(args ?? {})) {
    if (k === 'bias') continue;
    o[camel(k)] = Array.isArray(v) ? v.slice() : v;
  }
  return o;
}

function biasOf(c) {
  if (c.bias) return tensor(c.bias);
  if (c.args?.bias === true) throw new Error('args.bias is true but the case has no bias tensor');
  return null;
}

// op -> { call(api, c), trace(api, c)?, intermediates: [jsonName, traceName] }
const OPS = {
  conv2d: {
    call: (api, c) => api.conv2d(tensor(c.input), tensor(c.weight), biasOf(c), options(c.args)),
    trace: (api, c) => api.conv2dTrace(tensor(c.input), tensor(c.weight), biasOf(c), options(c.args)),
    intermediates: [['padded_input', 'paddedInput'], ['columns', 'columns'], ['weight_matrix', 'weightMatrix'], ['product', 'product']],
  },
  conv_transpose2d: {
    call: (api, c) => api.convTranspose2d(tensor(c.input), tensor(c.weight), biasOf(c), options(c.args)),
    trace: (api, c) => api.convTranspose2dTrace(tensor(c.input), tensor(c.weight), biasOf(c), options(c.args)),
    intermediates: [['columns', 'columns']],
  },
  unfold: { call: (api, c) => api.unfold(tensor(c.input), options(c.args)), intermediates: [] },
  fold: { call: (api, c) => api.fold(tensor(c.input), options(c.args)), intermediates: [] },
};

// ---------------------------------------------------------------- error expectations

// For each known PyTorch-rejected case: the words (any one suffices) the message must contain to
// name the offending argument. Compared case-insensitively with '_', '-' and spaces removed, so
// 'outputpadding' matches outputPadding, output_padding and "output padding". `also` is an extra
// pattern the message must match (the out-of-range outputSize message must state the range).
const ERROR_EXPECTATIONS = {
  conv_kernel_larger_than_padded_input: { words: ['kernel', 'weight'] },
  conv_dilated_kernel_too_large: { words: ['dilation', 'kernel'] },
  conv_groups_do_not_divide_channels: { words: ['groups'] },
  conv_weight_channels_mismatch: { words: ['weight', 'input', 'channels'] },
  conv_zero_stride: { words: ['stride'] },
  conv_negative_padding: { words: ['padding'] },
  conv_same_padding_with_stride: { words: ['padding', 'same', 'stride'] },
  conv_reflect_padding_too_large: { words: ['padding', 'reflect'] },
  convT_output_padding_too_large: { words: ['outputpadding'] },
  convT_output_size_out_of_range: { words: ['outputsize'], also: /7[\s\S]*8/ },
  convT_padding_removes_everything: { words: ['padding', 'outputsize', 'output'] },
  fold_block_count_mismatch: { words: ['input', 'block', 'outputsize', 'kernelsize'] },
  fold_channels_not_divisible_by_kernel_area: { words: ['input', 'kernel'] },
  unfold_kernel_larger_than_input: { words: ['kernel', 'input'] },
};

const norm = (s) => String(s).toLowerCase().replace(/[\s_-]/g, '');

/** null when `err` is an acceptable rejection for case `c`, else what is wrong with it. */
function judgeError(err, c) {
  if (err instanceof WebAssembly.RuntimeError) return `trapped (WebAssembly.RuntimeError: ${err.message})`;
  if (!(err instanceof Error)) return `threw a non-Error ${typeof err}: ${String(err)}`;
  if (typeof err.message !== 'string' || err.message.trim() === '') return 'threw an Error with an empty message';
  const exp = ERROR_EXPECTATIONS[c.name];
  if (!exp) return null;
  const m = norm(err.message);
  if (!exp.words.some((w) => m.includes(norm(w)))) {
    return `message does not name the argument (want one of ${exp.words.join(', ')}): "${err.message}"`;
  }
  if (exp.also && !exp.also.test(err.message)) return `message lacks ${exp.also}: "${err.message}"`;
  return null;
}

// ---------------------------------------------------------------- sanity call after errors

function ones(shape) {
  return { shape, data: new Float32Array(prod(shape)).fill(1) };
}

/** The lecture example: conv2d(ones(1,3,5,5), ones(1,3,3,3)) is 27 everywhere, shape [1,1,3,3]. */
function sanity(api) {
  try {
    const y = api.conv2d(ones([1, 3, 5, 5]), ones([1, 3, 3, 3]), null, {});
    if (Array.from(y.shape).join() !== '1,1,3,3' || y.data.length !== 9 || !y.data.every((v) => v === 27)) {
      return `valid call after the error gave shape [${Array.from(y.shape)}] data [${Array.from(y.data)}]`;
    }
    return null;
  } catch (e) {
    return `valid call after the error threw: ${e && e.message}`;
  }
}

// ---------------------------------------------------------------- running one case

function get(handle, name) {
  const v = handle[name];
  return typeof v === 'function' ? v.call(handle) : v;
}

function runCase(api, c) {
  const problems = [];
  const spec = OPS[c.op];
  if (!spec) return [`unknown op "${c.op}"`];

  if ('error' in c) {
    const attempts = [['', spec.call]];
    if (spec.trace) attempts.push(['trace: ', spec.trace]);
    for (const [label, fn] of attempts) {
      let result;
      try {
        result = fn(api, c);
      } catch (e) {
        const bad = judgeError(e, c);
        if (bad) problems.push(label + bad);
        const s = sanity(api);
        if (s) problems.push(label + s);
        continue;
      }
      try { result?.free?.(); } catch { /* ignore */ }
      const shape = result && result.shape ? ` (shape [${Array.from(result.shape)}])` : '';
      problems.push(`${label}accepted arguments PyTorch rejects${shape}; PyTorch: ${c.error}`);
    }
    return problems;
  }

  if (!c.expected) return ['case has neither `expected` nor `error`'];
  try {
    const bad = compare(spec.call(api, c), c.expected);
    if (bad) problems.push(`output: ${bad}`);
  } catch (e) {
    problems.push(`threw ${e?.constructor?.name}: ${e?.message}`);
  }

  const inter = c.intermediates ?? {};
  if (spec.trace) {
    let t;
    try {
      t = spec.trace(api, c);
    } catch (e) {
      problems.push(`trace threw ${e?.constructor?.name}: ${e?.message}`);
    }
    if (t) {
      try {
        for (const [jsonName, apiName] of spec.intermediates) {
          if (!inter[jsonName]) continue;
          const bad = compare(get(t, apiName), inter[jsonName]);
          if (bad) problems.push(`trace.${apiName}: ${bad}`);
        }
        const bad = compare(get(t, 'output'), c.expected);
        if (bad) problems.push(`trace.output: ${bad}`);
      } catch (e) {
        problems.push(`reading the trace threw ${e?.constructor?.name}: ${e?.message}`);
      } finally {
        try {
          t.free?.();
        } catch (e) {
          problems.push(`trace.free() threw: ${e?.message}`);
        }
      }
    }
  }
  return problems;
}

// ---------------------------------------------------------------- main


async function main() {
  const opts = parseArgs(process.argv.slice(2));
  const files = fs.existsSync(opts.dir)
    ? fs.readdirSync(opts.dir).filter((f) => f.endsWith('.json') && !MORE_FILES.includes(f)).sort()
    : [];
  if (files.length === 0) {
    console.log(`golden: no *.json files in ${opts.dir}`);
    console.log('0 passed, 0 failed');
    process.exit(1);
  }
  let api;
  let label;
  try {
    ({ api, label } = await loadApi(opts));
  } catch (e) {
    console.log(`golden: cannot load the package: ${e.message}`);
    console.log('0 passed, 1 failed');
    process.exit(1);
  }
  console.log(`golden: ${label} against ${path.relative(process.cwd(), opts.dir) || '.'}`);

  let passed = 0;
  let failed = 0;
  const t0 = performance.now();
  for (const file of files) {
    let doc;
    try {
      doc = JSON.parse(fs.readFileSync(path.join(opts.dir, file), 'utf8'));
    } catch (e) {
      console.log(`FAIL ${file}: cannot read: ${e.message}`);
      failed++;
      continue;
    }
    const cases = Array.isArray(doc.cases) ? doc.cases : [];
    let p = 0;
    let f = 0;
    for (const c of cases) {
      let problems;
      try {
        problems = runCase(api, c);
      } catch (e) {
        problems = [`harness error: ${e.stack}`];
      }
      if (problems.length === 0) {
        p++;
        if (opts.verbose) console.log(`ok   ${file}/${c.name}`);
      } else {
        f++;
        console.log(`FAIL ${file}/${c.name} (${c.op}${'error' in c ? ', must be rejected' : ''}): ${problems.join('; ')}`);
      }
    }
    console.log(`  ${file}: ${p} passed, ${f} failed (${cases.length} cases)`);
    passed += p;
    failed += f;
  }
  console.log(`golden: ${passed + failed} cases in ${files.length} files, ${((performance.now() - t0) / 1000).toFixed(2)}s`);
  if (passed + failed === 0) console.log('golden: no case ran');
  console.log(`${passed} passed, ${failed} failed`);
  process.exit(failed > 0 || passed === 0 ? 1 : 0);
}

main().catch((e) => {
  console.log(`golden: ${e.stack}`);
  console.log('0 passed, 1 failed');
  process.exit(1);
});
