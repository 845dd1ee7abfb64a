// Slider bounds, derived from the output-size formula (ezyang's trick): for each slider, the
// values it may reach are those for which the wasm core's conv2dOutputSize accepts the geometry
// with every other parameter held where it is. So an invalid setting can be typed, never dragged.

import { PARAM } from './params.js';
import { outputSize } from './modes/conv2d.js';

const range = (lo, hi, step = 1) => {
  const out = [];
  for (let v = lo; v <= hi; v += step) out.push(v);
  return out;
};

/**
 * padding_mode's own limit, which the output-size formula does not know: reflect needs every pad
 * smaller than the input dimension, circular at most the dimension (PyTorch's F.pad rules).
 */
function modeAllows(mode, arith) {
  const { padBefore, padAfter, input } = arith;
  if (mode === 'reflect') return padBefore < input && padAfter < input;
  if (mode === 'circular') return padBefore <= input && padAfter <= input;
  return true;
}

function geometryOk(api, params) {
  try {
    const a = outputSize(api, params);
    return modeAllows(params.padding_mode, a.height) && modeAllows(params.padding_mode, a.width);
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
 * The valid values of one argument in lo…hi, given that `cur` is valid. Every argument here keeps
 * the geometry valid on an interval around a valid value (a longer kernel, a larger dilation, a
 * smaller input only ever make it fit less; reflect's limit is one more bound), so two binary
 * searches find its ends: ~12 probes instead of 64 while a slider drags.
 */
function validInterval(ok, lo, hi, cur) {
  if (!(cur >= lo && cur <= hi) || !ok(cur)) return range(lo, hi).filter(ok);
  let a = lo;
  let b = cur;
  while (a < b) {
    const m = (a + b) >> 1;
    if (ok(m)) b = m;
    else a = m + 1;
  }
  let c = cur;
  let d = hi;
  while (c < d) {
    const m = (c + d + 1) >> 1;
    if (ok(m)) c = m;
    else d = m - 1;
  }
  return range(a, c);
}

/**
 * For every slider, the list of values it can take in the current (valid) state.
 * Keys: 'in_channels', 'kernel_size.0', 'kernel_size.1', … (axis 0 = height, 1 = width).
 * A list of one value means the slider is pinned (e.g. stride with padding='same').
 */
export function sliderValues(api, params) {
  const out = {};
  const g = params.groups;
  out.in_channels = range(g, PARAM.in_channels.max, g);
  out.out_channels = range(g, PARAM.out_channels.max, g);
  out.groups = range(1, PARAM.groups.max).filter(
    (d) => params.in_channels % d === 0 && params.out_channels % d === 0,
  );
  for (const name of ['height', 'width']) {
    const p = PARAM[name];
    const ok = (v) => geometryOk(api, withValue(params, name, -1, v));
    out[name] = validInterval(ok, p.min, p.max, params[name]);
  }
  for (const name of ['kernel_size', 'stride', 'padding', 'dilation']) {
    const p = PARAM[name];
    for (const axis of [0, 1]) {
      const key = `${name}.${axis}`;
      if (name === 'padding' && !Array.isArray(params.padding)) {
        out[key] = [];
        continue;
      }
      const ok = (v) => geometryOk(api, withValue(params, name, axis, v));
      out[key] = validInterval(ok, p.min, p.max, params[name][axis]);
    }
  }
  return out;
}
