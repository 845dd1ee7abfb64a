// The Conv2d tab's cross-correlation / convolution switch (ui.flip, `conv=flip` in links): the
// model traces the true convolution Σₐ x[n − a]·w[a] (checked here against that sum written out,
// independently of the page), keeps the layer's own weight, and agrees with F.conv2d of flip(w);
// the Python it writes; and the export names of the tabs whose picture Conv2d's arguments do not name.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import api from './pkg.mjs';
import { defaultState, toHash, fromHash, Store } from '../../www/lib/state.js';
import { pythonCode } from '../../www/lib/python.js';
import { build, flipKernels } from '../../www/modes/conv2d/model.js';
import { mode as conv2dMode } from '../../www/modes/conv2d/index.js';
import { mode as stackMode } from '../../www/modes/stack/index.js';
import { mode as poolingMode } from '../../www/modes/pooling/index.js';
import { exportName } from '../../www/classroom/exporter.js';

/** A state with the given parameters (and the switch). */
function stateWith(params, flip) {
  const s = defaultState();
  Object.assign(s.params, params);
  s.weight = { fill: 'random', seed: 7 };
  s.input = { fill: 'random', seed: 3 };
  s.ui.flip = flip;
  return s;
}

/**
 * The true convolution by its definition, on the padded input the trace reports:
 * y[o, oh, ow] = Σ_c Σ_(a, b) xp[c, n_h − a·d_h, n_w − b·d_w] · w[o, c, a, b] + bias[o],
 * n = the footprint's last cell (oh·s_h + (kh−1)·d_h, ow·s_w + (kw−1)·d_w).
 */
function trueConvolution(m) {
  const { cout, cg, kh, kw, hp, wp, ho, wo } = m;
  const [sh, sw] = m.stride;
  const [dh, dw] = m.dilation;
  const w = m.weight.data;
  const xp = m.padded.data;
  const out = new Float64Array(cout * ho * wo);
  for (let o = 0; o < cout; o++) {
    const g = m.groupOfOut(o);
    for (let oh = 0; oh < ho; oh++) {
      for (let ow = 0; ow < wo; ow++) {
        const nh = oh * sh + (kh - 1) * dh;
        const nw = ow * sw + (kw - 1) * dw;
        let acc = m.bias ? m.bias.data[o] : 0;
        for (let ci = 0; ci < cg; ci++) {
          const c = g * cg + ci;
          for (let a = 0; a < kh; a++) {
            for (let b = 0; b < kw; b++) {
              acc += xp[(c * hp + nh - a * dh) * wp + nw - b * dw] * w[((o * cg + ci) * kh + a) * kw + b];
            }
          }
        }
        out[(o * ho + oh) * wo + ow] = acc;
      }
    }
  }
  return out;
}

const CASES = [
  { name: 'the default 3×3', params: {} },
  { name: 'stride, dilation, padding', params: { height: 7, width: 8, kernel_size: [3, 2], stride: [2, 1], dilation: [1, 2], padding: [1, 2] } },
  { name: 'groups and reflect padding', params: { in_channels: 2, out_channels: 4, groups: 2, height: 6, width: 6, padding: [1, 1], padding_mode: 'reflect', bias: false } },
  { name: "padding='same', a 2×2 kernel", params: { kernel_size: [2, 2], padding: 'same' } },
];

for (const c of CASES) {
  test(`flip: the traced true convolution equals its definition and F.conv2d with flip(w) (${c.name})`, () => {
    const off = build(api, stateWith(c.params, false));
    const on = build(api, stateWith(c.params, true));
    try {
      assert.equal(off.flip, false);
      assert.equal(off.flipped, null);
      assert.equal(on.flip, true);
      // the layer's weight is kept; flip(w) is that weight with both spatial axes reversed
      assert.deepEqual(Array.from(on.weight.data), Array.from(off.weight.data));
      const { cout, cg, kh, kw } = on;
      for (let k = 0; k < cout * cg; k++) {
        for (let i = 0; i < kh; i++) {
          for (let j = 0; j < kw; j++) {
            assert.equal(on.flipped.data[(k * kh + i) * kw + j], on.weight.data[(k * kh + kh - 1 - i) * kw + kw - 1 - j]);
          }
        }
      }
      assert.deepEqual(on.weightIndex(0, 0), [kh - 1, kw - 1]);
      assert.deepEqual(off.weightIndex(0, 0), [0, 0]);
      // the page's y is the true convolution, cell for cell
      const want = trueConvolution(on);
      assert.equal(on.output.data.length, want.length);
      on.output.data.forEach((v, i) => assert.ok(Math.abs(v - want[i]) <= 1e-4 * (1 + Math.abs(want[i])), `cell ${i}: ${v} vs ${want[i]}`));
      assert.equal(on.flipEqual, true);
      assert.deepEqual(on.flipOutput.shape, on.output.shape);
      // the cross-correlation (PyTorch's Conv2d with w) is not it, unless the kernel is symmetric
      if (c.name !== "padding='same', a 2×2 kernel") assert.ok(off.output.data.some((v, i) => Math.abs(v - on.output.data[i]) > 1e-3));
    } finally {
      off.dispose();
      on.dispose();
    }
  });
}

test('flipKernels reverses the two spatial axes only', () => {
  const w = { shape: [1, 2, 2, 3], data: Float32Array.from({ length: 12 }, (_, i) => i) };
  assert.deepEqual(Array.from(flipKernels(w).data), [5, 4, 3, 2, 1, 0, 11, 10, 9, 8, 7, 6]);
});

test('flip: links write conv=flip, read it back exactly, and refuse anything else with the notice', () => {
  const s = defaultState();
  assert.ok(!toHash(s).includes('conv='), 'off by default: not in links');
  s.ui.flip = true;
  const hash = toHash(s);
  assert.ok(hash.includes('conv=flip'), hash);
  const back = fromHash(hash);
  assert.equal(back.notice, null);
  assert.equal(back.state.ui.flip, true);
  assert.equal(toHash(back.state), hash);
  assert.equal(fromHash('conv=xcorr').state.ui.flip, false);
  for (const bad of ['conv=FLIP', 'conv=1', 'conv=', 'kernel_size=3&conv=flipped']) {
    const r = fromHash(bad);
    assert.match(r.notice, /could not be read \(conv: expected 'flip' or 'xcorr'/, bad);
    assert.equal(r.state.ui.flip, false);
  }
  const store = new Store(defaultState());
  const v = store.version;
  store.setUi('flip', true);
  assert.equal(store.version, v + 1);
  assert.equal(store.state.ui.flip, true);
});

test('flip: Copy as PyTorch adds torch.flip and the allclose check only when the switch is on', () => {
  const code = (params, flip) => {
    const st = stateWith(params, flip);
    const m = build(api, st);
    try {
      return pythonCode(conv2dMode.classroom.python(m, st));
    } finally {
      m.dispose();
    }
  };
  const off = code({}, false);
  assert.ok(!off.includes('w_flipped'));
  assert.ok(off.includes('# y, to 4 significant digits'), 'the layer’s y with its values when off');

  const on = code({ stride: [2, 2], padding: [1, 1] }, true);
  assert.ok(on.includes('w_flipped = torch.flip(c.weight, dims=(2, 3))'), on);
  assert.ok(on.includes('y_conv = F.conv2d(x, w_flipped, c.bias, stride=2, padding=1)'), on);
  assert.ok(on.includes('print(torch.allclose(F.conv2d(x, w_flipped, c.bias, stride=2, padding=1), y_def, atol=1e-5))  # True'), on);
  assert.ok(on.includes('# y_conv, to 4 significant digits'), 'the page’s numbers are the true convolution’s');
  assert.ok(!on.includes('# y, to 4 significant digits'), 'c(x) is not what the page shows: no expected values for it');
  assert.ok(on.includes('sh, sw, dh, dw, g = 2, 2, 1, 1, 1'));
  assert.ok(on.indexOf('xp = F.pad(') < on.indexOf('y_def'), 'xp (the padded x) comes before the definition uses it');

  const reflect = code({ in_channels: 2, out_channels: 2, groups: 2, padding: [1, 1], padding_mode: 'reflect', bias: false }, true);
  assert.ok(reflect.includes("y_conv = F.conv2d(xp, w_flipped, None, groups=2)  # xp: x padded with padding_mode='reflect'"), reflect);
  assert.ok(reflect.includes('print(torch.allclose(F.conv2d(xp, w_flipped, None, groups=2), y_def, atol=1e-5))'));
  assert.ok(!reflect.includes('y_def += c.bias'));
});

test('export names: Stack and Pooling name their own picture, Conv2d keeps its arguments', () => {
  const s = defaultState();
  assert.equal(exportName(conv2dMode, s, 'png'), 'conv2d_k3_s1_p0.png');
  const stack = { ...s, params: { ...s.params, layers: [{}, {}, {}] } };
  const rf = [{ height: { size: 3 }, width: { size: 3 } }, { height: { size: 5 }, width: { size: 5 } }, { height: { size: 7 }, width: { size: 7 } }];
  assert.equal(exportName(stackMode, stack, 'png', { rf }), 'stack_3layers_rf7x7.png');
  assert.equal(exportName(stackMode, stack, 'gif', null), 'stack_3layers.gif');
  const pool = { ...s, params: { ...s.params, pool: 'max', kernel_size: [2, 2], pool_stride: null, padding: [0, 0], dilation: [1, 1], ceil_mode: false } };
  assert.equal(exportName(poolingMode, pool, 'png'), 'pool_max_k2_s2.png');
  const avg = { ...s, params: { ...pool.params, pool: 'avg', kernel_size: [3, 2], pool_stride: [1, 1], padding: [1, 0], ceil_mode: true } };
  assert.equal(exportName(poolingMode, avg, 'gif'), 'pool_avg_k3x2_s1_p1x0_ceil.gif');
});
