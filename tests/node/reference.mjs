// A plain-JavaScript reference of the convviz JS API (docs/js-api.md), in float64, slow and simple.
//
// Two uses:
//  * `judge(op, args, {maxElements})` classifies a call the way PyTorch + the contract would:
//      { status: 'valid', shape, value? }   the call is legal: the result must have `shape` (and be
//                                           close to `value` when given); an Error is tolerated
//                                           (implementation limits such as u32 sizes)
//      { status: 'invalid', reason }        the call must throw an Error
//      { status: 'ambiguous', reason }      the contract does not say: either outcome is fine
//    The fuzz test (tests/js_api_fuzz.mjs) uses it.
//  * The exported conv2d / convTranspose2d / unfold / fold / *Trace functions make this module a
//    stand-in package for tests/golden.mjs (`--module tests/node/reference.mjs`), which is how the
//    golden harness itself was checked against the PyTorch fixtures.

export const DEFAULT_MAX_ELEMENTS = 1 << 26;

/** A call that PyTorch / the contract rejects: the implementation must throw. */
export class Invalid extends Error {}
/** A call whose outcome the contract leaves open. */
export class Ambiguous extends Error {}

const invalid = (m) => { throw new Invalid(m); };
const ambiguous = (m) => { throw new Ambiguous(m); };

const isObj = (v) => v !== null && typeof v === 'object';
const prod = (a) => a.reduce((x, y) => x * y, 1);

function readOpts(opts, name = 'options') {
  if (opts === undefined) return {};
  if (opts === null) ambiguous(`${name} is null`);
  if (typeof opts !== 'object' || Array.isArray(opts)) ambiguous(`${name} is not an object`);
  return opts;
}

function field(opts, key) {
  const v = opts[key];
  if (v === null) ambiguous(`${key} is null`);
  return v;
}

function intValue(v, name, min) {
  if (typeof v === 'bigint') ambiguous(`${name} is a BigInt`);
  if (typeof v !== 'number') invalid(`${name} is not a number`);
  if (!Number.isInteger(v)) invalid(`${name} is not an integer`);
  if (v < min) invalid(`${name} < ${min}`);
  if (v > Number.MAX_SAFE_INTEGER) ambiguous(`${name} is beyond 2^53`);
  return v === 0 ? 0 : v; // -0 -> 0
}

/** n | [h, w] -> [h, w]; `def` when undefined. */
function pairOf(v, name, min, def) {
  if (v === undefined) {
    if (def === undefined) invalid(`${name} is required`);
    return def;
  }
  if (v === null) ambiguous(`${name} is null`);
  if (Array.isArray(v)) {
    if (v.length === 1) ambiguous(`${name} has one element`);
    if (v.length !== 2) invalid(`${name} must have 2 elements`);
    return [intValue(v[0], name, min), intValue(v[1], name, min)];
  }
  if (isObj(v) && typeof v.length === 'number' && ArrayBuffer.isView(v)) ambiguous(`${name} is a typed array`);
  return [intValue(v, name, min), intValue(v, name, min)];
}

/** Parse and check a tensor argument. */
export function tensorOf(t, name, rank, { maxElements = DEFAULT_MAX_ELEMENTS } = {}) {
  if (!isObj(t)) invalid(`${name} is not an object`);
  const { shape, data } = t;
  if (!Array.isArray(shape)) {
    if (ArrayBuffer.isView(shape)) ambiguous(`${name}.shape is a typed array`);
    invalid(`${name}.shape is not an array`);
  }
  const dims = Array.from(shape, (d, i) => intValue(d, `${name}.shape[${i}]`, 0));
  if (rank !== undefined && dims.length !== rank) {
    if (rank === 4 && dims.length === 3) ambiguous(`${name} is rank 3 (unbatched)`);
    if (rank === 3 && dims.length === 2) ambiguous(`${name} is rank 2 (unbatched)`);
    invalid(`${name} must have rank ${rank}`);
  }
  const n = prod(dims);
  if (n > maxElements) invalid(`${name} has ${n} elements > cap`);
  let arr;
  if (data instanceof Float32Array || data instanceof Float64Array) arr = data;
  else if (Array.isArray(data)) {
    for (let i = 0; i < data.length; i++) {
      if (typeof data[i] !== 'number') invalid(`${name}.data[${i}] is not a number`);
    }
    arr = data;
  } else if (ArrayBuffer.isView(data) && !(data instanceof DataView)) ambiguous(`${name}.data is another typed array`);
  else invalid(`${name}.data is not an array`);
  if (arr.length !== n) invalid(`${name}.data has ${arr.length} elements, shape needs ${n}`);
  for (let i = 0; i < arr.length; i++) if (!Number.isFinite(arr[i])) invalid(`${name}.data[${i}] is not finite`);
  for (let i = 0; i < arr.length; i++) if (!Number.isFinite(Math.fround(arr[i]))) ambiguous(`${name}.data[${i}] overflows float32`);
  if (dims.some((d) => d === 0)) ambiguous(`${name} has an empty dimension`);
  return { shape: dims, data: Float64Array.from(arr) };
}

function checkCap(shape, what, maxElements) {
  const n = prod(shape);
  if (n > maxElements) invalid(`${what} would have ${n} elements > cap`);
}

// ---------------------------------------------------------------- padding

function padIndex(i, size, before, mode) {
  const k = i - before;
  if (k >= 0 && k < size) return k;
  switch (mode) {
    case 'zeros': return -1;
    case 'reflect': return k < 0 ? -k : 2 * (size - 1) - k;
    case 'replicate': return k < 0 ? 0 : size - 1;
    case 'circular': return ((k % size) + size) % size;
    default: throw new Error(`bad mode ${mode}`);
  }
}

function padTensor(x, [top, bottom, left, right], mode) {
  const [N, C, H, W] = x.shape;
  const Hp = H + top + bottom;
  const Wp = W + left + right;
  const out = new Float64Array(N * C * Hp * Wp);
  const rows = Array.from({ length: Hp }, (_, p) => padIndex(p, H, top, mode));
  const cols = Array.from({ length: Wp }, (_, p) => padIndex(p, W, left, mode));
  for (let n = 0; n < N; n++) for (let c = 0; c < C; c++) {
    const base = (n * C + c) * H * W;
    for (let ph = 0; ph < Hp; ph++) for (let pw = 0; pw < Wp; pw++) {
      const ih = rows[ph];
      const iw = cols[pw];
      out[((n * C + c) * Hp + ph) * Wp + pw] = ih < 0 || iw < 0 ? 0 : x.data[base + ih * W + iw];
    }
  }
  return { shape: [N, C, Hp, Wp], data: out };
}

// ---------------------------------------------------------------- im2col / col2im

function outDim(padded, k, s, d) {
  return Math.floor((padded - (d * (k - 1) + 1)) / s) + 1;
}

function im2col(xp, [kh, kw], [sh, sw], [dh, dw], Ho, Wo) {
  const [N, C, Hp, Wp] = xp.shape;
  const R = C * kh * kw;
  const L = Ho * Wo;
  const out = new Float64Array(N * R * L);
  for (let n = 0; n < N; n++) for (let c = 0; c < C; c++) for (let i = 0; i < kh; i++) for (let j = 0; j < kw; j++) {
    const r = (c * kh + i) * kw + j;
    for (let oh = 0; oh < Ho; oh++) for (let ow = 0; ow < Wo; ow++) {
      out[(n * R + r) * L + oh * Wo + ow] = xp.data[((n * C + c) * Hp + oh * sh + i * dh) * Wp + ow * sw + j * dw];
    }
  }
  return { shape: [N, R, L], data: out };
}

function col2im(cols, C, [H, W], [kh, kw], [sh, sw], [ph, pw], [dh, dw], Lh, Lw) {
  const N = cols.shape[0];
  const R = C * kh * kw;
  const L = Lh * Lw;
  const out = new Float64Array(N * C * H * W);
  for (let n = 0; n < N; n++) for (let c = 0; c < C; c++) for (let i = 0; i < kh; i++) for (let j = 0; j < kw; j++) {
    const r = (c * kh + i) * kw + j;
    for (let bh = 0; bh < Lh; bh++) for (let bw = 0; bw < Lw; bw++) {
      const y = bh * sh - ph + i * dh;
      const x = bw * sw - pw + j * dw;
      if (y < 0 || y >= H || x < 0 || x >= W) continue;
      out[((n * C + c) * H + y) * W + x] += cols.data[(n * R + r) * L + bh * Lw + bw];
    }
  }
  return { shape: [N, C, H, W], data: out };
}

// ---------------------------------------------------------------- conv2d

const MODES = ['zeros', 'reflect', 'replicate', 'circular'];

function conv2dParams(input, weight, bias, opts, cap) {
  const x = tensorOf(input, 'input', 4, { maxElements: cap });
  const w = tensorOf(weight, 'weight', 4, { maxElements: cap });
  const o = readOpts(opts);
  const stride = pairOf(field(o, 'stride'), 'stride', 1, [1, 1]);
  const dilation = pairOf(field(o, 'dilation'), 'dilation', 1, [1, 1]);
  let groups = field(o, 'groups');
  groups = groups === undefined ? 1 : intValue(groups, 'groups', 1);
  let mode = field(o, 'paddingMode');
  if (mode === undefined) mode = 'zeros';
  if (!MODES.includes(mode)) invalid('paddingMode');
  if (x.shape.length !== 4) ambiguous('unbatched');
  const [N, C, H, W] = x.shape;
  const [Co, Cg, kh, kw] = w.shape;
  if (Co % groups !== 0) invalid('out channels not divisible by groups');
  if (Cg * groups !== C) invalid('weight channels mismatch');
  let b = null;
  if (bias !== null && bias !== undefined) {
    b = tensorOf(bias, 'bias', 1, { maxElements: cap });
    if (b.shape[0] !== Co) invalid('bias length');
  }
  const p = field(o, 'padding');
  let pads; // top, bottom, left, right
  if (p === 'same') {
    if (stride[0] !== 1 || stride[1] !== 1) invalid("padding='same' with stride");
    const th = dilation[0] * (kh - 1);
    const tw = dilation[1] * (kw - 1);
    pads = [Math.floor(th / 2), th - Math.floor(th / 2), Math.floor(tw / 2), tw - Math.floor(tw / 2)];
  } else if (p === 'valid') pads = [0, 0, 0, 0];
  else if (typeof p === 'string') invalid('padding string');
  else {
    const [a, c] = pairOf(p, 'padding', 0, [0, 0]);
    pads = [a, a, c, c];
  }
  if (N === 0 || C === 0 || Co === 0 || kh === 0 || kw === 0 || H === 0 || W === 0) ambiguous('empty dimension');
  if (mode === 'reflect' && (pads[0] >= H || pads[1] >= H || pads[2] >= W || pads[3] >= W)) invalid('reflect pad >= size');
  if (mode === 'circular' && (pads[0] > H || pads[1] > H || pads[2] > W || pads[3] > W)) invalid('circular pad > size');
  const Hp = H + pads[0] + pads[1];
  const Wp = W + pads[2] + pads[3];
  if (dilation[0] * (kh - 1) + 1 > Hp || dilation[1] * (kw - 1) + 1 > Wp) invalid('kernel larger than padded input');
  const Ho = outDim(Hp, kh, stride[0], dilation[0]);
  const Wo = outDim(Wp, kw, stride[1], dilation[1]);
  const outShape = [N, Co, Ho, Wo];
  checkCap(outShape, 'output', cap);
  return { x, w, b, stride, dilation, groups, mode, pads, Hp, Wp, Ho, Wo, outShape };
}

function conv2dCompute(P) {
  const { x, w, b, stride, dilation, groups, mode, pads, Ho, Wo } = P;
  const [N, C] = x.shape;
  const [Co, Cg, kh, kw] = w.shape;
  const xp = padTensor(x, pads, mode);
  const cols = im2col(xp, [kh, kw], stride, dilation, Ho, Wo);
  const K = Cg * kh * kw;
  const L = Ho * Wo;
  const R = C * kh * kw;
  const product = new Float64Array(N * Co * L);
  const og = Co / groups;
  for (let n = 0; n < N; n++) for (let o = 0; o < Co; o++) {
    const g = Math.floor(o / og);
    for (let r = 0; r < K; r++) {
      const wv = w.data[o * K + r];
      if (wv === 0) continue;
      const rowBase = (n * R + g * K + r) * L;
      const outBase = (n * Co + o) * L;
      for (let l = 0; l < L; l++) product[outBase + l] += wv * cols.data[rowBase + l];
    }
  }
  const output = Float64Array.from(product, (v, i) => v + (b ? b.data[Math.floor(i / L) % Co] : 0));
  return {
    paddedInput: xp,
    columns: cols,
    weightMatrix: { shape: [Co, K], data: w.data },
    product: { shape: [N, Co, L], data: product },
    output: { shape: [N, Co, Ho, Wo], data: output },
  };
}

// ---------------------------------------------------------------- conv_transpose2d

function convT2dParams(input, weight, bias, opts, cap) {
  const x = tensorOf(input, 'input', 4, { maxElements: cap });
  const w = tensorOf(weight, 'weight', 4, { maxElements: cap });
  const o = readOpts(opts);
  const stride = pairOf(field(o, 'stride'), 'stride', 1, [1, 1]);
  const padding = pairOf(field(o, 'padding'), 'padding', 0, [0, 0]);
  let outputPadding = pairOf(field(o, 'outputPadding'), 'outputPadding', 0, [0, 0]);
  const dilation = pairOf(field(o, 'dilation'), 'dilation', 1, [1, 1]);
  let groups = field(o, 'groups');
  groups = groups === undefined ? 1 : intValue(groups, 'groups', 1);
  if (x.shape.length !== 4) ambiguous('unbatched');
  const [N, C, H, W] = x.shape;
  const [Ci, Cog, kh, kw] = w.shape;
  if (Ci !== C) invalid('weight in-channels mismatch');
  if (C % groups !== 0) invalid('in channels not divisible by groups');
  const Co = Cog * groups;
  let b = null;
  if (bias !== null && bias !== undefined) {
    b = tensorOf(bias, 'bias', 1, { maxElements: cap });
    if (b.shape[0] !== Co) invalid('bias length');
  }
  if (N === 0 || C === 0 || Co === 0 || kh === 0 || kw === 0 || H === 0 || W === 0) ambiguous('empty dimension');
  const k = [kh, kw];
  const inp = [H, W];
  const minOut = [0, 1].map((d) => (inp[d] - 1) * stride[d] - 2 * padding[d] + dilation[d] * (k[d] - 1) + 1);
  const os = o.outputSize;
  if (os !== undefined && os !== null) {
    if (!Array.isArray(os)) invalid('outputSize not an array');
    let hw;
    if (os.length === 2) hw = os;
    else if (os.length === 4) hw = os.slice(2);
    else invalid('outputSize length');
    const req = hw.map((v, i) => intValue(v, `outputSize[${i}]`, 0));
    for (let d = 0; d < 2; d++) {
      if (req[d] < minOut[d] || req[d] > minOut[d] + stride[d] - 1) {
        invalid(`outputSize [${req}] out of range [${minOut}] to [${minOut.map((m, i) => m + stride[i] - 1)}]`);
      }
    }
    outputPadding = [req[0] - minOut[0], req[1] - minOut[1]];
  }
  for (let d = 0; d < 2; d++) {
    if (outputPadding[d] >= Math.max(stride[d], dilation[d])) invalid('outputPadding too large');
  }
  const Ho = minOut[0] + outputPadding[0];
  const Wo = minOut[1] + outputPadding[1];
  if (Ho <= 0 || Wo <= 0) invalid('output size too small');
  const outShape = [N, Co, Ho, Wo];
  checkCap(outShape, 'output', cap);
  return { x, w, b, stride, padding, outputPadding, dilation, groups, Ho, Wo, outShape };
}

function convT2dCompute(P) {
  const { x, w, b, stride, padding, dilation, groups, Ho, Wo } = P;
  const [N, C, H, W] = x.shape;
  const [, Cog, kh, kw] = w.shape;
  const Co = Cog * groups;
  const Cgi = C / groups;
  const L = H * W;
  const R = Co * kh * kw;
  const cols = new Float64Array(N * R * L);
  for (let n = 0; n < N; n++) for (let ci = 0; ci < C; ci++) {
    const g = Math.floor(ci / Cgi);
    for (let ol = 0; ol < Cog; ol++) for (let i = 0; i < kh; i++) for (let j = 0; j < kw; j++) {
      const wv = w.data[((ci * Cog + ol) * kh + i) * kw + j];
      if (wv === 0) continue;
      const r = ((g * Cog + ol) * kh + i) * kw + j;
      for (let l = 0; l < L; l++) cols[(n * R + r) * L + l] += wv * x.data[(n * C + ci) * L + l];
    }
  }
  const columns = { shape: [N, R, L], data: cols };
  const out = col2im(columns, Co, [Ho, Wo], [kh, kw], stride, padding, dilation, H, W);
  if (b) for (let i = 0; i < out.data.length; i++) out.data[i] += b.data[Math.floor(i / (Ho * Wo)) % Co];
  return { columns, output: out };
}

// ---------------------------------------------------------------- unfold / fold

function unfoldParams(input, opts, cap) {
  const x = tensorOf(input, 'input', 4, { maxElements: cap });
  const o = readOpts(opts);
  const kernel = pairOf(field(o, 'kernelSize'), 'kernelSize', 1);
  const dilation = pairOf(field(o, 'dilation'), 'dilation', 1, [1, 1]);
  const padding = pairOf(field(o, 'padding'), 'padding', 0, [0, 0]);
  const stride = pairOf(field(o, 'stride'), 'stride', 1, [1, 1]);
  if (x.shape.length !== 4) ambiguous('unbatched');
  const [N, C, H, W] = x.shape;
  if (N === 0 || C === 0 || H === 0 || W === 0) ambiguous('empty dimension');
  const Lh = outDim(H + 2 * padding[0], kernel[0], stride[0], dilation[0]);
  const Lw = outDim(W + 2 * padding[1], kernel[1], stride[1], dilation[1]);
  if (Lh < 1 || Lw < 1) invalid('kernelSize: no sliding blocks fit in the input');
  const outShape = [N, C * kernel[0] * kernel[1], Lh * Lw];
  checkCap(outShape, 'output', cap);
  return { x, kernel, dilation, padding, stride, Lh, Lw, outShape };
}

function unfoldCompute(P) {
  const { x, kernel, dilation, padding, stride, Lh, Lw } = P;
  const xp = padTensor(x, [padding[0], padding[0], padding[1], padding[1]], 'zeros');
  return im2col(xp, kernel, stride, dilation, Lh, Lw);
}

function foldParams(input, opts, cap) {
  const x = tensorOf(input, 'input', 3, { maxElements: cap });
  const o = readOpts(opts);
  const outputSize = pairOf(field(o, 'outputSize'), 'outputSize', 1);
  const kernel = pairOf(field(o, 'kernelSize'), 'kernelSize', 1);
  const dilation = pairOf(field(o, 'dilation'), 'dilation', 1, [1, 1]);
  const padding = pairOf(field(o, 'padding'), 'padding', 0, [0, 0]);
  const stride = pairOf(field(o, 'stride'), 'stride', 1, [1, 1]);
  const [N, R, L] = x.shape;
  if (N === 0) ambiguous('empty batch');
  const kk = kernel[0] * kernel[1];
  if (R % kk !== 0) invalid('channels not divisible by kernel area');
  const Lh = outDim(outputSize[0] + 2 * padding[0], kernel[0], stride[0], dilation[0]);
  const Lw = outDim(outputSize[1] + 2 * padding[1], kernel[1], stride[1], dilation[1]);
  if (Lh < 1 || Lw < 1) invalid('no sliding blocks');
  if (Lh * Lw !== L) invalid('block count mismatch');
  const C = R / kk;
  if (C === 0) ambiguous('zero channels');
  const outShape = [N, C, outputSize[0], outputSize[1]];
  checkCap(outShape, 'output', cap);
  return { x, C, outputSize, kernel, dilation, padding, stride, Lh, Lw, outShape };
}

function foldCompute(P) {
  const { x, C, outputSize, kernel, stride, padding, dilation, Lh, Lw } = P;
  return col2im(x, C, outputSize, kernel, stride, padding, dilation, Lh, Lw);
}

// ---------------------------------------------------------------- output-size arithmetic

function arith(input, [before, after], dilation, kernel, stride) {
  const effectiveKernel = dilation * (kernel - 1) + 1;
  const paddedInput = input + before + after;
  const numerator = paddedInput - effectiveKernel;
  const output = Math.floor(numerator / stride) + 1;
  const used = (output - 1) * stride + effectiveKernel;
  return { input, padBefore: before, padAfter: after, dilation, kernel, stride, effectiveKernel,
    paddedInput, numerator, output, used, unused: paddedInput - used };
}

function conv2dOutputSizeParams(args, cap) {
  const o = readOpts(args, 'arguments');
  const inputSize = pairOf(field(o, 'inputSize'), 'inputSize', 1);
  const kernel = pairOf(field(o, 'kernelSize'), 'kernelSize', 1);
  const stride = pairOf(field(o, 'stride'), 'stride', 1, [1, 1]);
  const dilation = pairOf(field(o, 'dilation'), 'dilation', 1, [1, 1]);
  const p = field(o, 'padding');
  let pads;
  if (typeof p === 'string') {
    if (p === 'valid') pads = [[0, 0], [0, 0]];
    else if (p === 'same') {
      if (stride[0] !== 1 || stride[1] !== 1) invalid("'same' with stride");
      pads = [0, 1].map((d) => {
        const t = dilation[d] * (kernel[d] - 1);
        return [Math.floor(t / 2), t - Math.floor(t / 2)];
      });
    } else invalid('padding string');
  } else {
    const pp = pairOf(p, 'padding', 0, [0, 0]);
    pads = [[pp[0], pp[0]], [pp[1], pp[1]]];
  }
  const mode = field(o, 'paddingMode') ?? 'zeros';
  if (!MODES.includes(mode)) invalid('paddingMode');
  for (let d = 0; d < 2; d++) {
    const most = Math.max(...pads[d]);
    if (mode === 'reflect' && most >= inputSize[d]) invalid('reflect pad >= size');
    if (mode === 'circular' && most > inputSize[d]) invalid('circular pad > size');
  }
  const [h, w] = [0, 1].map((d) => arith(inputSize[d], pads[d], dilation[d], kernel[d], stride[d]));
  if (h.output < 1 || w.output < 1) invalid('kernel larger than padded input');
  if ([h, w].some((a) => !Number.isSafeInteger(a.paddedInput) || !Number.isSafeInteger(a.used))) ambiguous('beyond 2^53');
  void cap;
  return { height: h, width: w };
}

function convT2dOutputSizeParams(args) {
  const o = readOpts(args, 'arguments');
  const inputSize = pairOf(field(o, 'inputSize'), 'inputSize', 1);
  const kernel = pairOf(field(o, 'kernelSize'), 'kernelSize', 1);
  const stride = pairOf(field(o, 'stride'), 'stride', 1, [1, 1]);
  const padding = pairOf(field(o, 'padding'), 'padding', 0, [0, 0]);
  let outputPadding = pairOf(field(o, 'outputPadding'), 'outputPadding', 0, [0, 0]);
  const dilation = pairOf(field(o, 'dilation'), 'dilation', 1, [1, 1]);
  const full = [0, 1].map((d) => (inputSize[d] - 1) * stride[d] + dilation[d] * (kernel[d] - 1) + 1);
  const minOut = [0, 1].map((d) => full[d] - 2 * padding[d]);
  const os = o.outputSize;
  if (os !== undefined && os !== null) {
    if (!Array.isArray(os) || os.length !== 2) ambiguous('outputSize form');
    const req = os.map((v, i) => intValue(v, `outputSize[${i}]`, 0));
    for (let d = 0; d < 2; d++) if (req[d] < minOut[d] || req[d] > minOut[d] + stride[d] - 1) invalid('outputSize range');
    outputPadding = [req[0] - minOut[0], req[1] - minOut[1]];
  }
  for (let d = 0; d < 2; d++) if (outputPadding[d] >= Math.max(stride[d], dilation[d])) invalid('outputPadding too large');
  const out = [0, 1].map((d) => minOut[d] + outputPadding[d]);
  if (out[0] < 1 || out[1] < 1) invalid('output too small');
  if ([...full, ...out].some((v) => !Number.isSafeInteger(v))) ambiguous('beyond 2^53');
  const mk = (d) => ({ input: inputSize[d], stride: stride[d], padding: padding[d], dilation: dilation[d],
    kernel: kernel[d], outputPadding: outputPadding[d], full: full[d] + outputPadding[d], output: out[d],
    minOutput: minOut[d], maxOutput: minOut[d] + stride[d] - 1 });
  return { height: mk(0), width: mk(1) };
}

function convMatrixParams(args, cap) {
  const o = readOpts(args, 'arguments');
  if (typeof o.padding === 'string' && ['same', 'valid'].includes(o.padding)) ambiguous('string padding');
  const inputSize = pairOf(field(o, 'inputSize'), 'inputSize', 1);
  const kernel = tensorOf(field(o, 'kernel'), 'kernel', 2, { maxElements: cap });
  const stride = pairOf(field(o, 'stride'), 'stride', 1, [1, 1]);
  const padding = pairOf(field(o, 'padding'), 'padding', 0, [0, 0]);
  const dilation = pairOf(field(o, 'dilation'), 'dilation', 1, [1, 1]);
  const [kh, kw] = kernel.shape;
  if (kh === 0 || kw === 0) ambiguous('empty kernel');
  const Ho = outDim(inputSize[0] + 2 * padding[0], kh, stride[0], dilation[0]);
  const Wo = outDim(inputSize[1] + 2 * padding[1], kw, stride[1], dilation[1]);
  if (Ho < 1 || Wo < 1) invalid('kernel larger than padded input');
  const shape = [Ho * Wo, inputSize[0] * inputSize[1]];
  checkCap(shape, 'matrix', cap);
  return { inputSize, kernel, stride, padding, dilation, Ho, Wo, shape };
}

function convMatrixCompute(P) {
  const { inputSize: [H, W], kernel, stride, padding, dilation, Ho, Wo, shape } = P;
  const [kh, kw] = kernel.shape;
  const m = new Float64Array(shape[0] * shape[1]);
  for (let oh = 0; oh < Ho; oh++) for (let ow = 0; ow < Wo; ow++) for (let i = 0; i < kh; i++) for (let j = 0; j < kw; j++) {
    const y = oh * stride[0] - padding[0] + i * dilation[0];
    const x = ow * stride[1] - padding[1] + j * dilation[1];
    if (y < 0 || y >= H || x < 0 || x >= W) continue;
    m[(oh * Wo + ow) * shape[1] + y * W + x] += kernel.data[i * kw + j];
  }
  return { shape, data: m };
}

function defaultInitParams(args, cap) {
  const o = readOpts(args, 'arguments');
  const kind = field(o, 'kind');
  if (kind === undefined) ambiguous('kind missing');
  if (kind !== 'conv2d' && kind !== 'convTranspose2d') invalid('kind');
  const inC = intValue(field(o, 'inChannels'), 'inChannels', 1);
  const outC = intValue(field(o, 'outChannels'), 'outChannels', 1);
  const kernel = pairOf(field(o, 'kernelSize'), 'kernelSize', 1);
  let groups = field(o, 'groups');
  groups = groups === undefined ? 1 : intValue(groups, 'groups', 1);
  if (inC % groups !== 0 || outC % groups !== 0) invalid('groups must divide channels');
  const bias = field(o, 'bias');
  if (bias !== undefined && typeof bias !== 'boolean') ambiguous('bias not boolean');
  const seed = field(o, 'seed');
  if (seed === undefined || typeof seed !== 'number' || !Number.isInteger(seed) || seed < 0 || seed > 0xffffffff) {
    if (isObj(seed) || typeof seed === 'string' || typeof seed === 'symbol') invalid('seed type');
    ambiguous('seed missing or unusual');
  }
  const weightShape = kind === 'conv2d'
    ? [outC, inC / groups, kernel[0], kernel[1]]
    : [inC, outC / groups, kernel[0], kernel[1]];
  checkCap(weightShape, 'weight', cap);
  const fanIn = weightShape[1] * kernel[0] * kernel[1];
  const biasShape = bias === false ? null : (bias === true ? [outC] : undefined); // undefined: either
  return { weightShape, biasShape, outChannels: outC, bound: 1 / Math.sqrt(fanIn) };
}

// ---------------------------------------------------------------- judge

/**
 * Classify one call. `args` is the argument list as passed. Returns
 * `{status:'valid', shape, expected?}` | `{status:'invalid', reason}` | `{status:'ambiguous', reason}`.
 * For the *OutputSize functions `expected` is the full {height, width} object; for
 * defaultInit, `expected` is { weightShape, biasShape, bound }.
 */
export function judge(op, args, { maxElements = DEFAULT_MAX_ELEMENTS, values = true, valueLimit = 200000 } = {}) {
  const cap = maxElements;
  // Intermediates above the cap: a trace materialises them all, so it must refuse; a plain call may
  // or may not build them.
  const intermediates = (sizes, isTrace) => {
    const big = sizes.find(([, n]) => n > cap);
    if (big) (isTrace ? invalid : ambiguous)(`${big[0]} would have ${big[1]} elements > cap`);
    return Math.max(...sizes.map(([, n]) => n)) <= valueLimit;
  };
  try {
    switch (op) {
      case 'conv2d':
      case 'conv2dTrace': {
        const P = conv2dParams(args[0], args[1], args[2], args[3], cap);
        const [N, C] = P.x.shape;
        const [Co, , kh, kw] = P.w.shape;
        const L = P.Ho * P.Wo;
        const small = intermediates([['paddedInput', N * C * P.Hp * P.Wp], ['columns', N * C * kh * kw * L],
          ['product', N * Co * L]], op === 'conv2dTrace');
        return { status: 'valid', shape: P.outShape, expected: values && small ? conv2dCompute(P).output : undefined };
      }
      case 'convTranspose2d':
      case 'convTranspose2dTrace': {
        const P = convT2dParams(args[0], args[1], args[2], args[3], cap);
        const [N, C, H, W] = P.x.shape;
        const [, Cog, kh, kw] = P.w.shape;
        const Co = Cog * P.groups;
        const full = [0, 1].map((d) => ([H, W][d] - 1) * P.stride[d] + P.dilation[d] * ([kh, kw][d] - 1) + 1 + P.outputPadding[d]);
        const zi = [0, 1].map((d) => ([H, W][d] - 1) * P.stride[d] + 1 + 2 * (P.dilation[d] * ([kh, kw][d] - 1) - P.padding[d]) + P.outputPadding[d]);
        const small = intermediates([['columns', N * Co * kh * kw * H * W], ['full', N * Co * full[0] * full[1]],
          ['zeroInsert.input', N * C * Math.max(zi[0], 1) * Math.max(zi[1], 1)]], op === 'convTranspose2dTrace');
        return { status: 'valid', shape: P.outShape, expected: values && small ? convT2dCompute(P).output : undefined };
      }
      case 'unfold': {
        const P = unfoldParams(args[0], args[1], cap);
        const [N, C, H, W] = P.x.shape;
        const small = intermediates([['padded', N * C * (H + 2 * P.padding[0]) * (W + 2 * P.padding[1])], ['output', prod(P.outShape)]], false);
        return { status: 'valid', shape: P.outShape, expected: values && small ? unfoldCompute(P) : undefined };
      }
      case 'fold': {
        const P = foldParams(args[0], args[1], cap);
        const small = prod(P.outShape) <= valueLimit && prod(P.x.shape) <= valueLimit;
        return { status: 'valid', shape: P.outShape, expected: values && small ? foldCompute(P) : undefined };
      }
      case 'conv2dOutputSize':
        return { status: 'valid', expected: conv2dOutputSizeParams(args[0], cap) };
      case 'convTranspose2dOutputSize':
        return { status: 'valid', expected: convT2dOutputSizeParams(args[0]) };
      case 'convMatrix': {
        const P = convMatrixParams(args[0], cap);
        const small = prod(P.shape) <= valueLimit;
        return { status: 'valid', shape: P.shape, expected: values && small ? convMatrixCompute(P) : undefined };
      }
      case 'defaultInit':
        return { status: 'valid', expected: defaultInitParams(args[0], cap) };
      default:
        throw new Error(`judge: unknown op ${op}`);
    }
  } catch (e) {
    if (e instanceof Invalid) return { status: 'invalid', reason: e.message };
    if (e instanceof Ambiguous) return { status: 'ambiguous', reason: e.message };
    // The fuzz test's hostile arguments (throwing getters / proxies): reading them must fail the call.
    if (e instanceof Error && /^(hostile getter|proxy \w+ trap)/.test(e.message)) return { status: 'invalid', reason: e.message };
    throw e;
  }
}

// ---------------------------------------------------------------- a stand-in package

function f32(t) {
  return { shape: t.shape.slice(), data: Float32Array.from(t.data) };
}

function run(fn, op, args) {
  if (op) {
    const j = judge(op, args, { values: false });
    if (j.status !== 'valid') throw new Error(`reference: ${j.reason}`);
  }
  try {
    return fn();
  } catch (e) {
    if (e instanceof Invalid || e instanceof Ambiguous) throw new Error(`reference: ${e.message}`);
    throw e;
  }
}

/** No-op, so this module can stand in for www/pkg/convviz.js. */
export function initSync() {}
export function maxElements() { return DEFAULT_MAX_ELEMENTS; }
export function version() { return 'reference'; }
export function conv2d(input, weight, bias, opts) {
  return run(() => f32(conv2dCompute(conv2dParams(input, weight, bias, opts, DEFAULT_MAX_ELEMENTS)).output), 'conv2d', [input, weight, bias, opts]);
}
export function conv2dTrace(input, weight, bias, opts) {
  return run(() => {
    const r = conv2dCompute(conv2dParams(input, weight, bias, opts, DEFAULT_MAX_ELEMENTS));
    return { paddedInput: f32(r.paddedInput), columns: f32(r.columns), weightMatrix: f32(r.weightMatrix),
      product: f32(r.product), output: f32(r.output), free() {} };
  }, 'conv2dTrace', [input, weight, bias, opts]);
}
export function convTranspose2d(input, weight, bias, opts) {
  return run(() => f32(convT2dCompute(convT2dParams(input, weight, bias, opts, DEFAULT_MAX_ELEMENTS)).output), 'convTranspose2d', [input, weight, bias, opts]);
}
export function convTranspose2dTrace(input, weight, bias, opts) {
  return run(() => {
    const r = convT2dCompute(convT2dParams(input, weight, bias, opts, DEFAULT_MAX_ELEMENTS));
    return { columns: f32(r.columns), output: f32(r.output), free() {} };
  }, 'convTranspose2dTrace', [input, weight, bias, opts]);
}
export function unfold(input, opts) {
  return run(() => f32(unfoldCompute(unfoldParams(input, opts, DEFAULT_MAX_ELEMENTS))), 'unfold', [input, opts]);
}
export function fold(input, opts) {
  return run(() => f32(foldCompute(foldParams(input, opts, DEFAULT_MAX_ELEMENTS))), 'fold', [input, opts]);
}
export function conv2dOutputSize(args) { return run(() => conv2dOutputSizeParams(args), 'conv2dOutputSize', [args]); }
export function convTranspose2dOutputSize(args) { return run(() => convT2dOutputSizeParams(args), 'convTranspose2dOutputSize', [args]); }
export function convMatrix(args) {
  return run(() => f32(convMatrixCompute(convMatrixParams(args, DEFAULT_MAX_ELEMENTS))), 'convMatrix', [args]);
}

/** Deterministic uniform init in ±1/sqrt(fan_in) (an LCG, not the wasm generator). */
export function defaultInit(args) {
  return run(() => {
    const { weightShape, outChannels, biasShape, bound } = defaultInitParams(args, DEFAULT_MAX_ELEMENTS);
    let state = (args.seed >>> 0) || 1;
    const next = () => {
      state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
      return (state / 4294967296) * 2 - 1;
    };
    const weight = { shape: weightShape, data: Float32Array.from({ length: prod(weightShape) }, () => Math.fround(next() * bound)) };
    const bias = biasShape === null ? null : { shape: [outChannels], data: Float32Array.from({ length: outChannels }, () => Math.fround(next() * bound)) };
    return { weight, bias };
  }, 'defaultInit', [args]);
}
