// Stack mode: 1–4 layers (nn.Conv2d with one channel, nn.MaxPool2d, nn.AvgPool2d), one output cell
// traced back to the input cells it reads.
//
//   sizes  = more.stackSizes(layers, [H, W])             every map's size
//   rf     = more.receptiveField(layers)                 size / jump / start after each layer
//   counts = more.pathCounts(layers, [H, W], [r, c])     paths from output cell (r, c) to every cell
//   values: each layer run on the previous map — conv2d (every weight 1, no bias) in the core
//           module, maxPool2d / avgPool2d in the more module — so the picture shows numbers too
//   params: more.conv2dParams per conv layer; a pooling has none
//
// Every number comes from a wasm call; the model only keeps and indexes them (the box around a
// map's counted cells is bookkeeping).

import { makeInput, maxAbs, ones } from '../../lib/tensors.js';
import { LAYER_CLASS } from '../../lib/layers.js';
import { blamed, keepRecent } from '../common.js';

/** The more module's form of a layer. */
const moreLayer = (l) => ({ kernelSize: l.kernel_size, stride: l.stride, padding: l.padding, dilation: l.dilation });

/** Run one layer on a map [1, 1, h, w]: the core's conv2d (weights of ones) or the more module's pooling. */
function runLayer(api, x, l) {
  if (l.kind === 'conv') {
    return api.conv2d(x, ones([1, 1, ...l.kernel_size]), null, { stride: l.stride, padding: l.padding, dilation: l.dilation });
  }
  if (l.kind === 'max') return api.more.maxPool2d(x, { kernelSize: l.kernel_size, stride: l.stride, padding: l.padding, dilation: l.dilation });
  return api.more.avgPool2d(x, { kernelSize: l.kernel_size, stride: l.stride, padding: l.padding });
}

/** Where a refusal goes: under the input size the learner just moved, else under the layers. */
const blameOf = (lastEdited) => (lastEdited === 'height' || lastEdited === 'width' ? lastEdited : 'layers');

/**
 * Build the model for a state. Throws an Error whose `param` names the control to blame: a
 * refusal says which layer ("layer 2 (nn.MaxPool2d): …").
 * @returns {StackModel}
 */
export function build(api, state, lastEdited) {
  const p = state.params;
  const layers = p.layers;
  const more = api.more;
  const ml = layers.map(moreLayer);
  const x = makeInput({ ...state, params: { ...p, in_channels: 1 } });
  const maps = [x];
  layers.forEach((l, i) => {
    try {
      maps.push(runLayer(api, maps[i], l));
    } catch (e) {
      throw blamed(`layer ${i + 1} (${LAYER_CLASS[l.kind]}): ${e && e.message ? e.message : e}`, blameOf(lastEdited));
    }
  });
  let sizes;
  let rf;
  try {
    sizes = more.stackSizes(ml, [p.height, p.width]);
    rf = more.receptiveField(ml);
  } catch (e) {
    throw blamed(String(e && e.message ? e.message : e), blameOf(lastEdited));
  }
  const weights = layers.map((l) => (l.kind === 'conv'
    ? more.conv2dParams({ inChannels: 1, outChannels: 1, kernelSize: l.kernel_size, bias: false })
    : 0));
  const last = rf[rf.length - 1];
  // one conv whose kernel is the whole receptive field: what the stack saves
  const single = more.conv2dParams({ inChannels: 1, outChannels: 1, kernelSize: [last.height.size, last.width.size], bias: false });
  return new StackModel({ api, layers, ml, maps, sizes, rf, weights, single });
}

/** Everything the Stack views and DOM read. */
export class StackModel {
  constructor(o) {
    this.kind = 'stack';
    this.more = o.api.more;
    this.layers = o.layers;
    this.ml = o.ml;
    this.maps = o.maps;
    this.sizes = o.sizes;
    this.rf = o.rf;
    this.weights = o.weights;
    this.totalWeights = o.weights.reduce((a, b) => a + b, 0);
    this.single = o.single;
    this.n = o.layers.length;
    this.input = o.maps[0];
    this.output = o.maps[this.n];
    this.cin = 1;
    this.cout = 1;
    [this.h, this.w] = o.sizes[0];
    [this.ho, this.wo] = o.sizes[this.n];
    this.L = this.ho * this.wo;
    this.total = this.L;
    this.scales = { x: maxAbs(...o.maps.map((m) => m.data)), count: this.counts(Math.floor(this.ho / 2), Math.floor(this.wo / 2))[0].max };
    this.palettes = {};
  }

  /** (co, l) of a timeline position (one channel: co = 0), and the cell (r, c). */
  position(p) {
    return { co: 0, l: p, r: Math.floor(p / this.wo), c: p % this.wo };
  }

  /**
   * The path counts from output cell (r, c) (more.pathCounts, kept for the most recent cells): per
   * map, input first, its padded count grid, with `max` and `box` — the rows and columns of the
   * cells reached inside the map (unpadded coordinates; null when none).
   */
  counts(r, c) {
    this._counts ??= new Map();
    const key = r * this.wo + c;
    let v = this._counts.get(key);
    if (!v) {
      v = this.more.pathCounts(this.ml, this.sizes[0], [r, c]).map((m) => withBox(m));
      keepRecent(this._counts, key, v);
    }
    return v;
  }

  dispose() {
    if (this._counts) this._counts.clear();
  }
}

/** A count map with its largest count and the box of the map's own cells it reaches. */
function withBox(m) {
  const [hp, wp] = m.shape;
  const [ph, pw] = m.padding;
  let max = 0;
  let r0 = Infinity, c0 = Infinity, r1 = -Infinity, c1 = -Infinity;
  for (let i = 0; i < hp; i++) {
    for (let j = 0; j < wp; j++) {
      const v = m.data[i * wp + j];
      if (v > max) max = v;
      const inside = i >= ph && i < hp - ph && j >= pw && j < wp - pw;
      if (v > 0 && inside) {
        if (i < r0) r0 = i;
        if (i > r1) r1 = i;
        if (j < c0) c0 = j;
        if (j > c1) c1 = j;
      }
    }
  }
  const box = r1 >= 0 ? { r0: r0 - ph, c0: c0 - pw, r1: r1 - ph, c1: c1 - pw } : null;
  return { ...m, max, box };
}
