// www/lib/python.js: the generated PyTorch code, read back with a small regex-based parser, states
// exactly the trace's arguments, tensors (shape and float32 values) and expected output, and
// leaves defaults out. Every tensor comes from the real wasm core.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import api from './pkg.mjs';
import { pythonCode, pyFloat, pyRounded } from '../../www/lib/python.js';

// ---------------------------------------------------------------- a small parser of the output

/** The text inside the parentheses that open at `start` (the index of '('). */
function balanced(text, start) {
  let depth = 0;
  let quote = null;
  for (let i = start; i < text.length; i++) {
    const ch = text[i];
    if (quote) {
      if (ch === quote) quote = null;
    } else if (ch === "'" || ch === '"') quote = ch;
    else if ('([{'.includes(ch)) depth++;
    else if (')]}'.includes(ch) && --depth === 0) return text.slice(start + 1, i);
  }
  throw new Error(`unbalanced from ${start}`);
}

/** Split at top-level commas. */
function splitArgs(text) {
  const out = [];
  let depth = 0;
  let cur = '';
  for (const ch of text) {
    if ('([{'.includes(ch)) depth++;
    if (')]}'.includes(ch)) depth--;
    if (ch === ',' && depth === 0) {
      out.push(cur.trim());
      cur = '';
    } else cur += ch;
  }
  if (cur.trim()) out.push(cur.trim());
  return out;
}

/** A Python literal: int, float, 'str', True/False/None, or a tuple of those. */
function pyValue(text) {
  const t = text.trim();
  if (/^\(.*\)$/s.test(t)) return splitArgs(t.slice(1, -1)).map(pyValue);
  if (/^'.*'$/.test(t)) return t.slice(1, -1);
  if (t === 'True') return true;
  if (t === 'False') return false;
  if (t === 'None') return null;
  if (/^-?\d+$/.test(t)) return Number(t);
  if (/^-?(\d+\.\d*|\d*\.\d+|\d+)(e-?\d+)?$/.test(t) || /^-?\d+(\.\d*)?e-?\d+$/.test(t)) return Number(t);
  throw new Error(`not a literal: ${t}`);
}

/** A call `name(...)` in the code: { positional, keywords }. */
function call(code, name) {
  const at = code.indexOf(`${name}(`);
  assert.ok(at >= 0, `no call to ${name} in:\n${code}`);
  const parts = splitArgs(balanced(code, at + name.length));
  const positional = [];
  const keywords = {};
  for (const p of parts) {
    const m = /^([a-z_]+)=(.*)$/s.exec(p);
    if (m) keywords[m[1]] = m[2];
    else positional.push(p);
  }
  return { positional, keywords };
}

/** A nested list literal → { shape, data }. */
function nestedList(text) {
  const data = [];
  const shape = [];
  let depth = 0;
  const counts = [];
  const tokens = text.match(/\[|\]|[^,\s[\]]+/g);
  for (const tok of tokens) {
    if (tok === '[') {
      if (depth > 0) counts[depth - 1]++;
      counts[depth] = 0;
      depth++;
    } else if (tok === ']') {
      depth--;
      if (shape[depth] === undefined) shape[depth] = counts[depth];
      else assert.equal(counts[depth], shape[depth], 'ragged list');
    } else {
      counts[depth - 1]++;
      data.push(pyValue(tok));
    }
  }
  return { shape, data };
}

/** A tensor expression as pycode writes it → { shape, data }. */
function tensorExpr(expr) {
  const e = expr.trim();
  let m = /^torch\.(ones|zeros)\(([\d, ]+)\)$/.exec(e);
  if (m) {
    const shape = m[2].split(',').map(Number);
    return { shape, data: new Array(shape.reduce((a, b) => a * b, 1)).fill(m[1] === 'ones' ? 1 : 0) };
  }
  m = /^torch\.full\(\(([\d, ]+)\), (.+)\)$/.exec(e);
  if (m) {
    const shape = m[1].split(',').filter((s) => s.trim()).map(Number);
    return { shape, data: new Array(shape.reduce((a, b) => a * b, 1)).fill(pyValue(m[2])) };
  }
  m = /^torch\.arange\((\d+)\.\)(?:\.reshape\(([\d, ]+)\))?$/.exec(e);
  if (m) {
    const n = Number(m[1]);
    return { shape: m[2] ? m[2].split(',').map(Number) : [n], data: Array.from({ length: n }, (_, i) => i) };
  }
  assert.ok(e.startsWith('torch.tensor('), `unknown tensor expression ${e.slice(0, 40)}`);
  return nestedList(balanced(e, 'torch.tensor'.length));
}

/** The tensor assigned by `lead` (e.g. 'x = ', 'c.weight = nn.Parameter(') and its Size comment. */
function assigned(code, lead) {
  const at = code.indexOf(lead);
  assert.ok(at >= 0, `no '${lead}' in the code`);
  const end = code.indexOf('\n', code.indexOf('  # torch.Size(', at));
  const line = code.slice(at + lead.length, end);
  const m = /^([\s\S]*?)\)?  # torch\.Size\(\[([\d, ]*)\]\)$/.exec(line);
  const expr = lead.endsWith('(') ? m[1] : line.slice(0, line.indexOf('  # torch.Size('));
  const t = tensorExpr(expr);
  assert.deepEqual(t.shape, m[2].split(',').map(Number), `${lead}: shape comment`);
  return t;
}

/** The expected-output comments → [{ index, rows: number[][] }] and the printed Size. */
function expectedComments(code) {
  const size = /print\(y\.shape\)  # torch\.Size\(\[([\d, ]+)\]\)/.exec(code)[1].split(',').map(Number);
  const planes = [];
  for (const line of code.split('\n')) {
    const head = /^# y(?:\[([\d, ]+)\])? =$/.exec(line);
    if (head) planes.push({ index: head[1] ? head[1].split(',').map(Number) : [], rows: [] });
    else if (planes.length && /^# {3,4}\[/.test(line)) {
      planes.at(-1).rows.push(line.match(/-?\d[\d.e+-]*/g).map(Number));
    }
  }
  return { size, planes };
}

// ---------------------------------------------------------------- checks

// −0 is written as 0. (as PyTorch prints it): compare values, not signs of zero.
const f32 = (a) => Array.from(a, (v) => Math.fround(v) + 0);

function sameTensor(parsed, t, what) {
  assert.deepEqual(parsed.shape, t.shape, `${what}: shape`);
  assert.deepEqual(f32(parsed.data), f32(t.data), `${what}: values`);
}

function checkExpected(code, output) {
  const { size, planes } = expectedComments(code);
  assert.deepEqual(size, output.shape);
  assert.ok(planes.length > 0, 'some expected values');
  const rank = output.shape.length;
  const [rows, cols] = output.shape.slice(-2);
  const lead = output.shape.slice(0, rank - 2);
  for (const { index, rows: shown } of planes) {
    assert.equal(index.length, lead.length);
    const plane = index.reduce((acc, v, d) => acc * lead[d] + v, 0);
    assert.ok(shown.length >= 1 && shown.length <= rows);
    shown.forEach((vals, r) => {
      assert.ok(vals.length <= cols);
      vals.forEach((v, c) => {
        const want = output.data[(plane * rows + r) * cols + c];
        assert.ok(Math.abs(v - want) <= 5e-4 * Math.abs(want) + 1e-30, `y[${index}][${r}][${c}] = ${v}, trace ${want}`);
      });
    });
  }
}

/** The constructor's arguments: defaults omitted, the others equal to the spec's. */
function checkModule(code, cls, spec, defaults) {
  const { positional, keywords } = call(code, cls);
  const a = spec.args;
  assert.deepEqual(positional.map(pyValue), [a.in_channels, a.out_channels, simple(a.kernel_size)]);
  for (const [name, def] of Object.entries(defaults)) {
    const want = name === 'output_padding' && a.output_size ? def : simple(a[name] ?? def);
    if (JSON.stringify(want) === JSON.stringify(simple(def))) {
      assert.ok(!(name in keywords), `${name} is a default and must be omitted:\n${code}`);
    } else {
      assert.ok(name in keywords, `${name} missing:\n${code}`);
      assert.deepEqual(pyValue(keywords[name]), want, name);
    }
  }
  const known = new Set(Object.keys(defaults));
  for (const k of Object.keys(keywords)) assert.ok(known.has(k), `unexpected keyword ${k}`);
}

/** [3, 3] → 3, [3, 2] → [3, 2]: how an argument reads once parsed. */
const simple = (v) => (Array.isArray(v) && v.length === 2 && v[0] === v[1] ? v[0] : v);

function checkPython(code) {
  const r = spawnSync('python3', ['-c', 'import ast, sys; ast.parse(sys.stdin.read())'], { input: code });
  if (r.error) return; // no python3 here: the parser checks above still ran
  assert.equal(r.status, 0, `not valid Python:\n${r.stderr}\n${code}`);
}

// ---------------------------------------------------------------- configurations

function seeded(seed) {
  let a = seed >>> 0;
  return () => {
    a = (Math.imul(a, 1664525) + 1013904223) >>> 0;
    return a / 2 ** 32;
  };
}

function randomTensor(shape, seed, decimals = null) {
  const r = seeded(seed);
  const n = shape.reduce((a, b) => a * b, 1);
  const data = Float32Array.from({ length: n }, () => {
    const v = r() * 2 - 1;
    return decimals === null ? v : Math.round(v * 10 ** decimals) / 10 ** decimals;
  });
  return { shape, data };
}

const ones = (shape) => ({ shape, data: new Float32Array(shape.reduce((a, b) => a * b, 1)).fill(1) });

const CONV_DEFAULTS = { stride: 1, padding: 0, dilation: 1, groups: 1, bias: true, padding_mode: 'zeros' };
const CONVT_DEFAULTS = { stride: 1, padding: 0, output_padding: 0, groups: 1, bias: true, dilation: 1 };

function conv2dSpec(args, input, weight, bias) {
  const t = api.conv2dTrace(input, weight, bias, {
    stride: args.stride, padding: args.padding, dilation: args.dilation, groups: args.groups, paddingMode: args.padding_mode,
  });
  const spec = { op: 'nn.Conv2d', args, input: t.input, weight: t.weight, bias: t.bias, output: t.output };
  t.free();
  return spec;
}

function convT2dSpec(args, input, weight, bias) {
  const t = api.convTranspose2dTrace(input, weight, bias, {
    stride: args.stride, padding: args.padding, outputPadding: args.output_padding, dilation: args.dilation,
    groups: args.groups, outputSize: args.output_size,
  });
  const spec = { op: 'nn.ConvTranspose2d', args, input: t.input, weight: t.weight, bias: t.bias, output: t.output };
  t.free();
  return spec;
}

const CONV_CASES = [
  {
    name: 'the lecture: ones ⊛ ones = 27, bias=False',
    args: { in_channels: 3, out_channels: 1, kernel_size: [3, 3], stride: [1, 1], padding: [0, 0], dilation: [1, 1], groups: 1, bias: false, padding_mode: 'zeros' },
    tensors: () => [ones([1, 3, 5, 5]), ones([1, 3, 3, 3]), null],
    line: 'c = nn.Conv2d(3, 1, 3, bias=False)',
  },
  {
    name: 'everything non-default: non-square kernel, stride, padding, dilation, groups, reflect',
    args: { in_channels: 4, out_channels: 6, kernel_size: [3, 2], stride: [2, 1], padding: [1, 2], dilation: [2, 1], groups: 2, bias: true, padding_mode: 'reflect' },
    tensors: () => [randomTensor([1, 4, 7, 6], 1), randomTensor([6, 2, 3, 2], 2), randomTensor([6], 3)],
    line: "c = nn.Conv2d(4, 6, (3, 2), stride=(2, 1), padding=(1, 2), dilation=(2, 1), groups=2, padding_mode='reflect')",
  },
  {
    name: "padding='same' with dilation and circular halo, integer-valued tensors",
    args: { in_channels: 2, out_channels: 2, kernel_size: [3, 3], stride: [1, 1], padding: 'same', dilation: [2, 2], groups: 1, bias: true, padding_mode: 'circular' },
    tensors: () => [randomTensor([1, 2, 6, 6], 4, 0), randomTensor([2, 2, 3, 3], 5, 0), { shape: [2], data: Float32Array.of(0.5, -0.25) }],
    line: "c = nn.Conv2d(2, 2, 3, padding='same', dilation=2, padding_mode='circular')",
  },
  {
    name: 'a big input: summarised comments, wrapped literal',
    args: { in_channels: 3, out_channels: 2, kernel_size: [5, 5], stride: [1, 1], padding: 'valid', dilation: [1, 1], groups: 1, bias: false, padding_mode: 'zeros' },
    tensors: () => [randomTensor([1, 3, 20, 24], 6, 2), randomTensor([2, 3, 5, 5], 7, 2), null],
    line: "c = nn.Conv2d(3, 2, 5, padding='valid', bias=False)",
  },
];

for (const c of CONV_CASES) {
  test(`conv2d: ${c.name}`, () => {
    const spec = conv2dSpec(c.args, ...c.tensors());
    const code = pythonCode(spec);
    assert.ok(code.includes(`\n${c.line}\n`), `expected ${c.line} in:\n${code}`);
    checkModule(code, 'nn.Conv2d', spec, CONV_DEFAULTS);
    sameTensor(assigned(code, 'x = '), spec.input, 'input');
    sameTensor(assigned(code, 'c.weight = nn.Parameter('), spec.weight, 'weight');
    if (spec.bias) sameTensor(assigned(code, 'c.bias = nn.Parameter('), spec.bias, 'bias');
    else assert.ok(!code.includes('c.bias'));
    assert.ok(code.includes('\ny = c(x)\n'));
    checkExpected(code, spec.output);
    checkPython(code);
  });
}

test('convTranspose2d: the lecture’s output_size=(5, 5) goes to the call, not the constructor', () => {
  const args = { in_channels: 2, out_channels: 1, kernel_size: [3, 3], stride: [2, 2], padding: [1, 1], output_padding: [0, 0], output_size: [5, 5], dilation: [1, 1], groups: 1, bias: true };
  const spec = convT2dSpec(args, randomTensor([1, 2, 3, 3], 8), randomTensor([2, 1, 3, 3], 9), randomTensor([1], 10));
  const code = pythonCode(spec);
  assert.ok(code.includes('\nc = nn.ConvTranspose2d(2, 1, 3, stride=2, padding=1)\n'), code);
  assert.ok(code.includes('\ny = c(x, output_size=(5, 5))\n'), code);
  checkModule(code, 'nn.ConvTranspose2d', spec, CONVT_DEFAULTS);
  sameTensor(assigned(code, 'x = '), spec.input, 'input');
  sameTensor(assigned(code, 'c.weight = nn.Parameter('), spec.weight, 'weight');
  sameTensor(assigned(code, 'c.bias = nn.Parameter('), spec.bias, 'bias');
  checkExpected(code, spec.output);
  checkPython(code);
});

test('convTranspose2d: output_padding, groups, dilation, no bias', () => {
  const args = { in_channels: 4, out_channels: 2, kernel_size: [2, 3], stride: [2, 3], padding: [0, 1], output_padding: [1, 0], output_size: null, dilation: [2, 1], groups: 2, bias: false };
  const spec = convT2dSpec(args, randomTensor([1, 4, 3, 4], 11), randomTensor([4, 1, 2, 3], 12), null);
  const code = pythonCode(spec);
  assert.ok(code.includes('\nc = nn.ConvTranspose2d(4, 2, (2, 3), stride=(2, 3), padding=(0, 1), output_padding=(1, 0), groups=2, bias=False, dilation=(2, 1))\n'), code);
  assert.ok(code.includes('\ny = c(x)\n'));
  checkModule(code, 'nn.ConvTranspose2d', spec, CONVT_DEFAULTS);
  sameTensor(assigned(code, 'c.weight = nn.Parameter('), spec.weight, 'weight');
  checkExpected(code, spec.output);
  checkPython(code);
});

test('unfold: F.unfold with kernel_size and the non-default arguments only', () => {
  const x = { shape: [1, 2, 5, 6], data: Float32Array.from({ length: 60 }, (_, i) => i) };
  const args = { kernel_size: [2, 3], dilation: [1, 1], padding: [1, 0], stride: [2, 2] };
  const y = api.unfold(x, { kernelSize: args.kernel_size, dilation: args.dilation, padding: args.padding, stride: args.stride });
  const code = pythonCode({ op: 'F.unfold', args, input: x, output: y });
  assert.ok(code.includes('\nx = torch.arange(60.).reshape(1, 2, 5, 6)  # torch.Size([1, 2, 5, 6])\n'), code);
  const { positional, keywords } = call(code, 'F.unfold');
  assert.deepEqual(positional, ['x']);
  assert.deepEqual(Object.keys(keywords).sort(), ['kernel_size', 'padding', 'stride']);
  assert.deepEqual(pyValue(keywords.kernel_size), [2, 3]);
  assert.deepEqual(pyValue(keywords.padding), [1, 0]);
  assert.deepEqual(pyValue(keywords.stride), 2);
  sameTensor(assigned(code, 'x = '), x, 'input');
  checkExpected(code, y);
  checkPython(code);
});

test('fold: F.fold with output_size and kernel_size', () => {
  const args = { output_size: [4, 5], kernel_size: [2, 2], dilation: [1, 2], padding: [0, 0], stride: [1, 1] };
  const cols = randomTensor([1, 2 * 4, 3 * 3], 13, 1); // L = 3 × 3 positions for 4×5, k2, d(1,2)
  const y = api.fold(cols, { outputSize: args.output_size, kernelSize: args.kernel_size, dilation: args.dilation, padding: args.padding, stride: args.stride });
  const code = pythonCode({ op: 'F.fold', args, input: cols, output: y });
  const { positional, keywords } = call(code, 'F.fold');
  assert.deepEqual(positional, ['x']);
  assert.deepEqual(Object.keys(keywords).sort(), ['dilation', 'kernel_size', 'output_size']);
  assert.deepEqual(pyValue(keywords.output_size), [4, 5]);
  assert.deepEqual(pyValue(keywords.dilation), [1, 2]);
  sameTensor(assigned(code, 'x = '), cols, 'columns');
  checkExpected(code, y);
  checkPython(code);
});

test('without weights the code says the values come from PyTorch’s random init', () => {
  const args = { in_channels: 1, out_channels: 1, kernel_size: [3, 3], bias: true };
  const code = pythonCode({ op: 'nn.Conv2d', args, input: ones([1, 1, 4, 4]), output: { shape: [1, 1, 2, 2], data: [1, 2, 3, 4] } });
  assert.ok(code.includes('c = nn.Conv2d(1, 1, 3)\n'));
  assert.ok(code.includes('random initialisation'));
  assert.ok(code.includes('print(y.shape)  # torch.Size([1, 1, 2, 2])'));
  assert.ok(!code.includes('significant digits'));
  checkPython(code);
});

test('float literals round-trip through float32; integers end with a dot; −0 is 0.', () => {
  const r = seeded(99);
  for (let i = 0; i < 20000; i++) {
    const v = Math.fround((r() - 0.5) * 10 ** Math.floor(r() * 24 - 12));
    const s = pyFloat(v);
    assert.equal(Math.fround(Number(s)), v, `${v} → ${s}`);
    assert.match(s, /^-?(\d+\.\d*|\d+(\.\d+)?e-?\d+)$/, s);
  }
  assert.equal(pyFloat(1), '1.');
  assert.equal(pyFloat(-27), '-27.');
  assert.equal(pyFloat(-0), '0.');
  assert.equal(pyFloat(0.1), '0.1');
  assert.equal(pyFloat(Math.fround(0.1085)), '0.1085');
  assert.equal(pyFloat(1e-8), '1e-8');
  assert.equal(pyRounded(-0.0033999905), '-0.0034');
  assert.equal(pyRounded(27), '27');
  assert.throws(() => pythonCode({ op: 'nn.Conv3d', input: ones([1]) }), /op/);
  assert.throws(() => pythonCode({ op: 'nn.Conv2d', args: {}, input: { shape: [1, 1, 2, 2], data: [1] } }), /input/);
});

test('Conv2d code ends with the lecture\'s Unfold + Matmul + Fold, checked against conv(x); F.unfold code folds back', () => {
  const ones = (shape) => ({ shape, data: new Float32Array(shape.reduce((a, b) => a * b, 1)).fill(1) });
  const args = { in_channels: 4, out_channels: 2, kernel_size: [3, 3], stride: [2, 1], padding: 'same', dilation: [1, 1], groups: 2, bias: true, padding_mode: 'reflect' };
  const code = pythonCode({
    op: 'nn.Conv2d', args, input: ones([1, 4, 5, 5]), weight: ones([2, 2, 3, 3]), bias: ones([2]), output: ones([1, 2, 3, 5]), pads: [1, 1, 1, 1],
  });
  assert.match(code, /xp = F\.pad\(x, \(1, 1, 1, 1\), mode='reflect'\)/);
  assert.match(code, /cols = F\.unfold\(xp, kernel_size=3, stride=\(2, 1\)\)/);
  assert.match(code, /w = c\.weight\.reshape\(2, 1, -1\)/);
  assert.match(code, /prod = prod \+ c\.bias\.view\(1, -1, 1\)/);
  assert.match(code, /y2 = F\.fold\(prod, output_size=\(3, 5\), kernel_size=1\)/);
  assert.match(code, /print\(torch\.allclose\(y2, y, atol=1e-5\)\)  # True\n$/);
  const u = pythonCode({ op: 'F.unfold', args: { kernel_size: [2, 2], stride: [1, 1], padding: [0, 0], dilation: [1, 1] }, input: ones([1, 1, 3, 3]), output: ones([1, 4, 4]) });
  assert.match(u, /back = F\.fold\(y, output_size=\(3, 3\), kernel_size=2\)/);
  assert.match(u, /print\(torch\.allclose\(back, x \* count\)\)  # True\n$/);
});
