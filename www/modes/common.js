// What every mode's model needs: the options objects of the wasm calls, the errors they throw
// tagged with the argument to show them under, nn.Conv2d's constructor checks, the geometry probe,
// a bounded per-cell cache, and target comparison for hover linking.

import { PARAM } from '../lib/params.js';
import { blameParam } from '../lib/blame.js';

/** How many output cells' steps a model keeps (each a few KB of tap objects at the teaching size). */
const STEPS_KEPT = 64;

/**
 * Add an entry to a per-cell cache that keeps the STEPS_KEPT most recent ones (oldest out first):
 * the cells the page shows at once (current, ghost, glide origin, hover) and recent ones, so
 * memory stays bounded while the animation visits every cell.
 */
export function keepRecent(cache, key, value) {
  if (cache.size >= STEPS_KEPT) cache.delete(cache.keys().next().value);
  cache.set(key, value);
}

/** The options object of conv2d / conv2dTrace / conv2dOutputSize for a state's parameters. */
export function convOptions(params) {
  return {
    stride: params.stride,
    padding: params.padding,
    dilation: params.dilation,
    groups: params.groups,
    paddingMode: params.padding_mode,
  };
}

/** A thrown error tagged with the parameter it should be shown beside. */
export function blamed(message, param) {
  const e = new Error(message);
  e.param = param;
  return e;
}

/**
 * nn.Conv2d's own constructor checks (before any tensor exists): positive sizes, groups divide
 * both channel counts. Messages are PyTorch's; each is shown under the argument it is about (the
 * channel count a divisibility message names: "in_channels must be divisible by groups" goes
 * under in_channels, whichever field was edited last).
 */
export function checkModule(p) {
  for (const name of ['in_channels', 'out_channels', 'height', 'width']) {
    if (p[name] < 1) throw blamed(`${PARAM[name].label}: must be a positive integer (got ${p[name]})`, name);
  }
  if (p.groups < 1) throw blamed('groups: groups must be a positive integer', 'groups');
  if (p.in_channels % p.groups) throw blamed('in_channels must be divisible by groups', 'in_channels');
  if (p.out_channels % p.groups) throw blamed('out_channels must be divisible by groups', 'out_channels');
}

/** An error of the wasm core, as a model throws it: its message, tagged with the control to show it under. */
export function blameError(e, lastEdited) {
  return blamed(String(e && e.message ? e.message : e), blameParam(e, lastEdited));
}

/**
 * Geometry only (cheap, no tensors): the arithmetic of conv2dOutputSize, padding_mode's own limits
 * included (reflect: padding < input size; circular: ≤); throws like PyTorch.
 */
export function outputSize(api, params) {
  return api.conv2dOutputSize({
    inputSize: [params.height, params.width],
    kernelSize: params.kernel_size,
    stride: params.stride,
    padding: params.padding,
    dilation: params.dilation,
    paddingMode: params.padding_mode,
  });
}

/**
 * The parameter changes that make a layer depthwise (groups = in_channels): out_channels becomes
 * the nearest multiple of in_channels (at least in_channels), within the visualizer's cap.
 */
export function depthwise(params, maxOut = PARAM.out_channels.max) {
  const cin = params.in_channels;
  let mult = Math.max(1, Math.round(params.out_channels / cin));
  while (mult > 1 && cin * mult > maxOut) mult--;
  return { groups: cin, out_channels: cin * mult };
}

/**
 * Parameter changes needed when entering a mode whose padding takes only numbers: 'same' /
 * 'valid' become the explicit halo they stand for (conv2dOutputSize's padBefore).
 */
export function numericPadding(api, params) {
  if (Array.isArray(params.padding)) return {};
  try {
    const a = outputSize(api, params);
    return { padding: [a.height.padBefore, a.width.padBefore] };
  } catch {
    return { padding: [0, 0] };
  }
}

export { sameTarget } from '../lib/targets.js';
