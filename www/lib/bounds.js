// Slider bounds, derived from the output-size formulas (ezyang's trick): for each slider, the
// values it may reach are those for which the wasm core accepts the geometry with every other
// parameter held where it is. So an invalid setting can be typed, never dragged.
//   sliderValues:           a conv2dOutputSize-like probe (padding_mode's own limits included)
//   transposeSliderValues:  a convTranspose2dOutputSize-like probe (output_padding, output_size)
// The probe is the caller's (a mode's): this module knows no mode.

import { PARAM } from './params.js';

const range = (lo, hi, step = 1) => {
  const out = [];
  for (let v = lo; v <= hi; v += step) out.push(v);
  return out;
};

function accepts(f) {
  try {
    f();
    return true;
  } catch {
    return false;
  }
}

function withValue(params, name, axis, v) {
  const next = { ...params };
  if (axis < 0) next[name] = v;
  else {
    const pair = [...params[name]];
    pair[axis] = v;
    next[name] = pair;
  }
  return next;
}

/**
 * The valid values of one argument in lo…hi, given whether the current value `cur` is valid
 * (`curOk`: the same for every slider — it is the current state — so the caller asks once). Every
 * argument here keeps a convolution's geometry valid on an interval around a valid value (a longer
 * kernel, a larger dilation, a smaller input only ever make it fit less; reflect's limit is one
 * more bound), so each end is found by trying the limit first (most sliders reach it: one probe)
 * and else by a binary search: a few probes instead of 64 while a slider drags.
 */
function validInterval(ok, lo, hi, cur, curOk) {
  if (!(cur >= lo && cur <= hi) || !curOk) return range(lo, hi).filter(ok);
  let a = lo;
  let b = cur;
  if (a < b && !ok(a)) {
    a++;
    while (a < b) {
      const m = (a + b) >> 1;
      if (ok(m)) b = m;
      else a = m + 1;
    }
  }
  let c = cur;
  let d = hi;
  if (c < d && !ok(d)) {
    d--;
    while (c < d) {
      const m = (c + d + 1) >> 1;
      if (ok(m)) c = m;
      else d = m - 1;
    }
  } else c = d;
  return range(a, c);
}

/**
 * The channel sliders step by `groups` (both channel counts must be multiples of it). A groups
 * value the wasm core refuses (typed, e.g. -1, and kept while the learner is in a mode that has
 * no groups: Unfold / Fold) steps them by 1, as does a mode without groups (its page passes 1).
 */
function channelValues(params) {
  const g = Number.isInteger(params.groups) && params.groups >= 1 ? params.groups : 1;
  return {
    in_channels: range(g, PARAM.in_channels.max, g),
    out_channels: range(g, PARAM.out_channels.max, g),
    groups: range(1, PARAM.groups.max).filter((d) => params.in_channels % d === 0 && params.out_channels % d === 0),
  };
}

/**
 * The key of a geometry probe that moves one axis: the arguments of that axis alone, plus
 * padding's kind and mode. PyTorch checks a convolution's geometry axis by axis (kernel within the
 * padded input, reflect / circular limits, 'same' only with stride 1 — the strides of both axes
 * are in the key then), so when the state is valid, whether a probe on one axis is accepted
 * depends on nothing else.
 */
function axisKey(q, axis) {
  const pad = Array.isArray(q.padding) ? q.padding[axis] : `${q.padding}:${q.stride.join(',')}`;
  return `${axis}|${axis ? q.width : q.height}|${q.kernel_size[axis]}|${q.stride[axis]}|${pad}|${q.dilation[axis]}|${q.padding_mode}`;
}

/**
 * The top of a slider's range: its sliderMax, or the current value when a typed value or a link
 * went past it (within the hard max), so the slider still moves around where the state is.
 */
function sliderTop(p, cur) {
  return Number.isInteger(cur) ? Math.min(p.max, Math.max(p.sliderMax, cur)) : p.sliderMax;
}

/**
 * For every slider, the list of values it can take in the current (valid) Conv2d state.
 * Keys: 'in_channels', 'kernel_size.0', 'kernel_size.1', … (axis 0 = height, 1 = width).
 * A list of one value means the slider is pinned (e.g. stride with padding='same').
 * `geometry(params)` is the mode's conv2dOutputSize probe (throws when the core refuses).
 * `maxSide` caps the input height / width (the matrix view draws C up to a size).
 * `memo` is the caller's own object (one per app and mode): a probe the previous call made with
 * the same arguments on its axis (an edit of the other axis, of the channels, of the values) is
 * read from it instead of crossing into wasm again.
 */
export function sliderValues(geometry, params, { maxSide = PARAM.height.max, memo = {} } = {}) {
  const out = channelValues(params);
  const probes = new Map();
  const lastProbes = memo.probes ?? new Map();
  let geometryOk = (q, axis) => {
    const key = axisKey(q, axis);
    let v = probes.get(key) ?? lastProbes.get(key);
    if (v === undefined) v = accepts(() => geometry(q));
    probes.set(key, v);
    return v;
  };
  const curOk = geometryOk(params, 0) && geometryOk(params, 1);
  if (!curOk) {
    // not a valid state (not what the page asks): no keys by axis, every value tried as it is
    probes.clear();
    geometryOk = (q) => accepts(() => geometry(q));
  }
  ['height', 'width'].forEach((name, axis) => {
    const ok = (v) => geometryOk(withValue(params, name, -1, v), axis);
    out[name] = validInterval(ok, PARAM[name].min, maxSide, params[name], curOk);
  });
  for (const name of ['kernel_size', 'stride', 'padding', 'dilation']) {
    const p = PARAM[name];
    for (const axis of [0, 1]) {
      const key = `${name}.${axis}`;
      if (name === 'padding' && !Array.isArray(params.padding)) {
        out[key] = [];
        continue;
      }
      const ok = (v) => geometryOk(withValue(params, name, axis, v), axis);
      out[key] = validInterval(ok, p.min, sliderTop(p, params[name][axis]), params[name][axis], curOk);
    }
  }
  memo.probes = probes;
  return out;
}

/**
 * The same for nn.ConvTranspose2d. Without output_size every constraint is monotone in each
 * argument (the output must stay ≥ 1, output_padding < max(stride, dilation)), so the binary
 * search applies; with output_size given the valid set need not be an interval (the range
 * minOutput…maxOutput moves with stride), so each value is tried.
 * output_size's own sliders run over minOutput…maxOutput (PyTorch's valid range).
 */
export function transposeSliderValues(geometry, params) {
  const out = channelValues(params);
  const ok = (q) => accepts(() => geometry(q));
  const scan = params.output_size !== null;
  const curOk = scan || ok(params);
  const valuesOf = (name, axis) => {
    const p = PARAM[name];
    const test = (v) => ok(withValue(params, name, axis, v));
    const cur = axis < 0 ? params[name] : params[name][axis];
    const top = sliderTop(p, cur);
    return scan ? range(p.min, top).filter(test) : validInterval(test, p.min, top, cur, curOk);
  };
  for (const name of ['height', 'width']) out[name] = valuesOf(name, -1);
  for (const name of ['kernel_size', 'stride', 'padding', 'dilation', 'output_padding']) {
    for (const axis of [0, 1]) {
      out[`${name}.${axis}`] = name === 'output_padding' && scan ? [params.output_padding[axis]] : valuesOf(name, axis);
    }
  }
  const free = geometry({ ...params, output_size: null });
  out['output_size.0'] = range(free.height.minOutput, free.height.maxOutput).filter((v) => v >= 1);
  out['output_size.1'] = range(free.width.minOutput, free.width.maxOutput).filter((v) => v >= 1);
  return out;
}
