// The tensors a state describes: input, weight and bias, made from a fill recipe plus the cells
// the learner edited. Pure data generation — the convolution itself is the wasm core's job.

/** The fill of a pasted tensor: no button of its own (the bar's "paste…" shows it). */
export const PASTED = 'pasted';

/** A small deterministic PRNG (mulberry32): same seed, same tensor, on every machine. */
export function mulberry32(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const two = (x) => Math.round(x * 100) / 100;

/** Fill `data` in place with one of the simple recipes (one loop per recipe: every recompute). */
function fillSimple(data, fill, seed, intRange) {
  const rand = mulberry32(seed);
  const n = data.length;
  switch (fill) {
    case 'ones': data.fill(1); break;
    case 'zeros': data.fill(0); break;
    // a pasted tensor (paste.js): zeros under its cell edits, which hold every non-zero value
    case PASTED: data.fill(0); break;
    case 'arange': for (let i = 0; i < n; i++) data[i] = i; break;
    case 'random': for (let i = 0; i < n; i++) data[i] = two(rand() * 2 - 1); break;
    case 'integers': for (let i = 0; i < n; i++) data[i] = Math.floor(rand() * (2 * intRange + 1)) - intRange; break;
    default: throw new Error(`unknown fill '${fill}'`);
  }
}

/** Apply edits keyed "a,b,c" onto a row-major array of `shape`; keys out of range are skipped. */
function applyEdits(data, shape, edits) {
  for (const [key, value] of Object.entries(edits)) {
    const idx = key.split(',').map(Number);
    if (idx.length !== shape.length || idx.some((v, d) => !(v >= 0 && v < shape[d]))) continue;
    let flat = 0;
    for (let d = 0; d < shape.length; d++) flat = flat * shape[d] + idx[d];
    data[flat] = value;
  }
}

/**
 * Where the last input made from an edits object is kept: on that object (a state's cell edits
 * are never changed in place — the Store replaces them — so the tensor stays right as long as the
 * key and the image match). Not a module-level cache: it lives and dies with the state's data,
 * and two apps never hold the same edits object.
 */
const MADE = Symbol('input made from these edits');

/**
 * The input tensor [1, C_in, H, W] of a state: its image when it has one of that shape, else the
 * fill; then the edits. The same state's input is the same object (callers only read it).
 */
export function makeInput(state) {
  const p = state.params;
  const shape = [1, p.in_channels, p.height, p.width];
  const im = state.image && state.image.tensor;
  const key = `${shape}|${state.input.fill}|${state.input.seed}`;
  const edits = state.edits.input;
  const last = edits[MADE];
  if (last && last.key === key && last.image === im) return last.tensor;
  const data = new Float32Array(shape[1] * shape[2] * shape[3]);
  if (im && im.data.length === data.length && im.shape.slice(1).join() === shape.slice(1).join()) data.set(im.data);
  else fillSimple(data, state.input.fill, state.input.seed, 2);
  applyEdits(data, shape.slice(1), state.edits.input);
  const tensor = { shape, data };
  if (Object.isExtensible(edits)) Object.defineProperty(edits, MADE, { value: { key, image: im, tensor }, writable: true, configurable: true });
  return tensor;
}

/**
 * A tensor of any [1, C, H, W] shape filled with the input's recipe (a different seed stream),
 * no edits: e.g. the x of the round trip, whose size is not the state's.
 */
export function makeFilled(shape, fill, seed) {
  const data = new Float32Array(shape.reduce((a, b) => a * b, 1));
  // a pasted input's recipe is its edits (zeros elsewhere): another size gets small integers
  fillSimple(data, fill === PASTED ? 'integers' : fill, seed, 2);
  return { shape, data };
}

/** torch.ones of a shape. */
export function ones(shape) {
  return { shape, data: new Float32Array(shape.reduce((a, b) => a * b, 1)).fill(1) };
}
/**
 * Weight [C_out, C_in/groups, kh, kw] and bias [C_out] (or null) of a state. 'default' asks the
 * wasm core for PyTorch's reset_parameters(); 'ones' and 'zeros' leave the bias at 0, so that
 * ones-input ⊛ ones-weight shows the lecture's C_in·kh·kw in every cell.
 */
export function makeWeights(api, state) {
  return weightsOf(api, state, 'oihw');
}

/**
 * Weight [C_in, C_out/groups, kh, kw] and bias [C_out] (or null) of nn.ConvTranspose2d: the same
 * recipes, in ConvTranspose2d's layout (and its fan-in for the default init).
 */
export function makeTransposeWeights(api, state) {
  return weightsOf(api, state, 'iohw');
}

/** The weights in a layout: 'oihw' (nn.Conv2d's) or 'iohw' (nn.ConvTranspose2d's). */
function weightsOf(api, state, layout) {
  const p = state.params;
  const [kh, kw] = p.kernel_size;
  const shape = layout === 'oihw'
    ? [p.out_channels, p.in_channels / p.groups, kh, kw]
    : [p.in_channels, p.out_channels / p.groups, kh, kw];
  let weight;
  let bias = null;
  if (state.weight.fill === 'default') {
    const init = api.defaultInit({
      kind: layout === 'oihw' ? 'conv2d' : 'convTranspose2d', // the layer whose init this is
      inChannels: p.in_channels,
      outChannels: p.out_channels,
      kernelSize: [kh, kw],
      groups: p.groups,
      bias: p.bias,
      seed: state.weight.seed,
    });
    weight = { shape, data: Float32Array.from(init.weight.data) };
    if (p.bias) bias = { shape: [p.out_channels], data: Float32Array.from(init.bias.data) };
  } else {
    weight = { shape, data: new Float32Array(shape.reduce((x, y) => x * y, 1)) };
    fillSimple(weight.data, state.weight.fill, state.weight.seed, 1);
    if (p.bias) {
      bias = { shape: [p.out_channels], data: new Float32Array(p.out_channels) };
      const f = state.weight.fill;
      if (f === 'random' || f === 'integers') fillSimple(bias.data, f, state.weight.seed + 7919, 1);
    }
  }
  applyEdits(weight.data, shape, state.edits.weight);
  if (bias) applyEdits(bias.data, bias.shape, state.edits.bias);
  return { weight, bias };
}


/** The largest finite |value| across the given arrays (null entries skipped); 1 when all are zero,
 * so a colour scale never divides by zero. An overflowed ±inf is drawn at the scale's end (and a
 * nan without a colour) instead of turning every finite value into the scale's middle. */
export function maxAbs(...arrays) {
  let m = 0;
  for (const a of arrays) {
    if (!a) continue;
    for (let i = 0; i < a.length; i++) {
      const v = Math.abs(a[i]);
      if (v > m && v !== Infinity) m = v; // (NaN is never > m)
    }
  }
  return m > 0 ? m : 1;
}
