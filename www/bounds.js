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
    out[name] = range(p.min, p.max).filter((v) => geometryOk(api, withValue(params, name, -1, v)));
  }
  for (const name of ['kernel_size', 'stride', 'padding', 'dilation']) {
    const p = PARAM[name];
    for (const axis of [0, 1]) {
      const key = `${name}.${axis}`;
      if (name === 'padding' && !Array.isArray(params.padding)) {
        out[key] = [];
        continue;
      }
      out[key] = range(p.min, p.max).filter((v) => geometryOk(api, withValue(params, name, axis, v)));
    }
  }
  return out;
}
