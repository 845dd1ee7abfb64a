// www/lib/imagein.js, the parts that need no canvas: kernels (standard values, sums), kernelFor's
// weight shapes (checked by running them through the real wasm conv2d), RGBA → tensor, the
// procedural sample and the kernel parser. imageToTensor / sampleImage draw on a canvas: the
// page's browser tests cover them.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import api from './pkg.mjs';
import {
  KERNELS, UPSAMPLERS, kernelById, upsamplerById, kernelFor, parseKernel, rgbaToTensor, samplePixels,
} from '../../www/lib/imagein.js';

const sum = (a) => Array.from(a).reduce((s, v) => s + v, 0);
const close = (a, b, tol = 1e-6) => Math.abs(a - b) <= tol;

test('KERNELS: the standard values; smoothing sums to 1, edge detectors to 0', () => {
  const ids = KERNELS.map((k) => k.id);
  assert.deepEqual(ids, ['identity', 'box', 'gaussian', 'gaussian5', 'sharpen', 'sobel-x', 'sobel-y', 'laplacian', 'emboss']);
  for (const k of KERNELS) {
    assert.equal(k.data.length, k.shape[0] * k.shape[1], k.id);
    assert.ok(k.title, k.id);
  }
  for (const id of ['identity', 'box', 'gaussian', 'gaussian5', 'sharpen', 'emboss']) assert.ok(close(sum(kernelById(id).data), 1), id);
  for (const id of ['sobel-x', 'sobel-y', 'laplacian']) assert.equal(sum(kernelById(id).data), 0, id);
  assert.deepEqual([...kernelById('gaussian').data].map((v) => v * 16), [1, 2, 1, 2, 4, 2, 1, 2, 1]);
  assert.deepEqual([...kernelById('sobel-x').data], [-1, 0, 1, -2, 0, 2, -1, 0, 1]);
  assert.deepEqual([...kernelById('sobel-y').data], [-1, -2, -1, 0, 0, 0, 1, 2, 1]);
  assert.deepEqual([...kernelById('laplacian').data], [0, 1, 0, 1, -4, 1, 0, 1, 0]);
  const g5 = kernelById('gaussian5').data;
  assert.equal(g5[12] * 256, 36);
  assert.equal(g5[0] * 256, 1);
  // symmetric smoothing, antisymmetric Sobel
  assert.ok(g5.every((v, i) => v === g5[24 - i]));
  const sx = kernelById('sobel-x').data;
  assert.ok(sx.every((v, i) => v === -sx[Math.floor(i / 3) * 3 + (2 - (i % 3))]));
  assert.throws(() => { KERNELS[0].data[0] = 5; }, TypeError); // frozen
});

test('UPSAMPLERS double H and W through the real ConvTranspose2d; nearest and bilinear keep a flat image flat, the uneven kernel makes a checkerboard', () => {
  assert.deepEqual(UPSAMPLERS.map((k) => k.id), ['nearest2', 'bilinear2', 'uneven2']);
  assert.equal(upsamplerById('bilinear2').shape[0], 4);
  assert.equal(upsamplerById('sobel-x'), undefined);
  assert.throws(() => { UPSAMPLERS[0].data[0] = 5; }, TypeError); // frozen
  const run = (k, x, c) => {
    const { weight, groups } = kernelFor(k, c, c);
    return api.convTranspose2d(x, weight, null, { stride: k.stride, padding: k.padding, outputPadding: k.outputPadding, groups });
  };
  const flat = { shape: [1, 3, 6, 6], data: new Float32Array(108).fill(0.5) };
  for (const k of UPSAMPLERS) {
    assert.equal(k.data.length, k.shape[0] * k.shape[1], k.id);
    const y = run(k, flat, 3);
    assert.deepEqual(y.shape, [1, 3, 12, 12], k.id);
  }
  // every inner cell of nearest / bilinear gets total weight 1 (bilinear: the border rows and
  // columns only 3/4 of it, their missing neighbour is outside); nearest copies each pixel 2×2
  const near = run(upsamplerById('nearest2'), flat, 3);
  assert.ok(near.data.every((v) => v === 0.5));
  const bil = run(upsamplerById('bilinear2'), flat, 3);
  for (let r = 1; r < 11; r++) for (let c = 1; c < 11; c++) assert.ok(close(bil.data[r * 12 + c], 0.5), `${r},${c}`);
  assert.ok(close(bil.data[0], 0.5 * 0.75 * 0.75) && close(bil.data[5], 0.5 * 0.75));
  const gray = rgbaToTensor(samplePixels(8).data, 8, 8, 1);
  const n2 = run(upsamplerById('nearest2'), gray, 1);
  for (let r = 0; r < 16; r++) for (let c = 0; c < 16; c++) assert.equal(n2.data[r * 16 + c], gray.data[(r >> 1) * 8 + (c >> 1)]);
  // uneven: 1, 2 or 4 stamps per cell, every other row and column
  const odd = run(upsamplerById('uneven2'), flat, 3);
  const inner = new Set();
  for (let r = 1; r < 11; r++) for (let c = 1; c < 11; c++) inner.add(odd.data[r * 12 + c]);
  assert.deepEqual([...inner].sort(), [0.5, 1, 2]);
  assert.notEqual(odd.data[1 * 12 + 1], odd.data[1 * 12 + 2]);
});

test('kernelFor: depthwise when channel counts match, channel mean otherwise', () => {
  const gray = kernelFor('sobel-x', 1, 1);
  assert.deepEqual(gray.weight.shape, [1, 1, 3, 3]);
  assert.equal(gray.groups, 1);
  const rgb = kernelFor('gaussian5', 3, 3);
  assert.deepEqual(rgb.weight.shape, [3, 1, 5, 5]);
  assert.equal(rgb.groups, 3);
  const toGray = kernelFor('box', 3, 1);
  assert.deepEqual(toGray.weight.shape, [1, 3, 3, 3]);
  assert.equal(toGray.groups, 1);
  assert.ok(close(sum(toGray.weight.data), 1, 1e-5));
  const two = kernelFor('laplacian', 1, 2);
  assert.deepEqual(two.weight.shape, [2, 1, 3, 3]);
  assert.throws(() => kernelFor('nope', 1, 1), /unknown kernel/);
  assert.throws(() => kernelFor('box', 0, 1), /in_channels/);

  // Run them: identity on RGB gives the image back; a blur of a constant image is that constant.
  const px = samplePixels(16);
  const x = rgbaToTensor(px.data, 16, 16, 3);
  const id = kernelFor('identity', 3, 3);
  const y = api.conv2d(x, id.weight, null, { padding: 1, groups: id.groups });
  assert.deepEqual(y.shape, [1, 3, 16, 16]);
  assert.ok(y.data.every((v, i) => close(v, x.data[i])));
  const flat = { shape: [1, 3, 8, 8], data: new Float32Array(192).fill(0.5) };
  const blur = kernelFor('box', 3, 1);
  const yb = api.conv2d(flat, blur.weight, null, { groups: blur.groups });
  assert.deepEqual(yb.shape, [1, 1, 6, 6]);
  assert.ok(yb.data.every((v) => close(v, 0.5, 1e-6)));
});

test('Sobel x answers vertical edges, Sobel y horizontal ones (on the sample)', () => {
  const size = 64;
  const x = rgbaToTensor(samplePixels(size).data, size, size, 1);
  const run = (id) => {
    const k = kernelFor(id, 1, 1);
    return api.conv2d(x, k.weight, null, { padding: 1 }).data;
  };
  const gx = run('sobel-x');
  const gy = run('sobel-y');
  // vertical stripes: u in (0.62, 0.94), v in (0.6, 0.76); horizontal ones: v in (0.78, 0.94)
  const energy = (g, u0, u1, v0, v1) => {
    let e = 0;
    for (let r = Math.ceil(v0 * size) + 1; r < Math.floor(v1 * size) - 1; r++) {
      for (let c = Math.ceil(u0 * size) + 1; c < Math.floor(u1 * size) - 1; c++) e += Math.abs(g[r * size + c]);
    }
    return e;
  };
  const vStripes = [0.62, 0.94, 0.6, 0.76];
  const hStripes = [0.62, 0.94, 0.78, 0.94];
  assert.ok(energy(gx, ...vStripes) > 5 * energy(gy, ...vStripes), 'Sobel x on vertical stripes');
  assert.ok(energy(gy, ...hStripes) > 5 * energy(gx, ...hStripes), 'Sobel y on horizontal stripes');
});

test('rgbaToTensor: planes for RGB, Rec. 601 luma for grayscale, values in [0, 1]', () => {
  const rgba = Uint8ClampedArray.from([255, 0, 0, 255, 0, 255, 0, 255, 0, 0, 255, 255, 255, 255, 255, 0]);
  const rgb = rgbaToTensor(rgba, 2, 2, 3);
  assert.deepEqual(rgb.shape, [1, 3, 2, 2]);
  assert.deepEqual([...rgb.data], [1, 0, 0, 1, 0, 1, 0, 1, 0, 0, 1, 1]);
  const g = rgbaToTensor(rgba, 2, 2, 1);
  assert.deepEqual(g.shape, [1, 1, 2, 2]);
  const want = [0.299, 0.587, 0.114, 1];
  g.data.forEach((v, i) => assert.ok(close(v, want[i], 1e-6), `${v} vs ${want[i]}`));
  assert.throws(() => rgbaToTensor(rgba, 3, 2, 1), /rgba/);
  assert.throws(() => rgbaToTensor(rgba, 2, 2, 2), /channels/);
});

test('samplePixels: deterministic, opaque, varied, any size', () => {
  const a = samplePixels(48);
  const b = samplePixels(48);
  assert.equal(a.data.length, 48 * 48 * 4);
  assert.deepEqual(a.data, b.data);
  const colours = new Set();
  for (let i = 0; i < a.data.length; i += 4) {
    assert.equal(a.data[i + 3], 255);
    colours.add((a.data[i] << 16) | (a.data[i + 1] << 8) | a.data[i + 2]);
  }
  assert.ok(colours.size > 100, `only ${colours.size} colours`);
  for (const s of [1, 32, 256]) assert.equal(samplePixels(s).data.length, s * s * 4);
  assert.throws(() => samplePixels(0), /size/);
  assert.throws(() => samplePixels(2.5), /size/);
});

test('parseKernel: rows by ; or new lines, numbers by spaces or commas, fractions', () => {
  assert.deepEqual(parseKernel('1 0 -1; 2 0 -2; 1 0 -1'), { id: 'custom', title: 'Your kernel', shape: [3, 3], data: [1, 0, -1, 2, 0, -2, 1, 0, -1] });
  assert.deepEqual(parseKernel('[[1, 0], [0, -1]]').data, [1, 0, 0, -1]);
  assert.deepEqual(parseKernel('1/4, 1/4\n1/4, .25').data, [0.25, 0.25, 0.25, 0.25]);
  assert.deepEqual(parseKernel('2.5e-1 -1').shape, [1, 2]);
  assert.throws(() => parseKernel('1 2; 3'), /same number/);
  assert.throws(() => parseKernel('1 x'), /not a number/);
  assert.throws(() => parseKernel(''), /no numbers/);
  const k = parseKernel('0 1 0; 1 -4 1; 0 1 0');
  assert.deepEqual(kernelFor(k, 3, 3).weight.shape, [3, 1, 3, 3]);
});

test('leaving an image input brings its sides back within the table caps: the state can be typed and linked again', async () => {
  const { Store, defaultState, fromHash, toHash } = await import('../../www/lib/state.js');
  const { PARAM } = await import('../../www/lib/params.js');
  const { imageChange } = await import('../../www/classroom/imagepanel.js');
  const { modeByName } = await import('../../www/modes/registry.js');
  const cap = PARAM.height.max;
  assert.equal(cap, PARAM.width.max);
  const withImage = () => {
    const s = defaultState();
    s.params = { ...s.params, in_channels: 3, height: 256, width: 256 };
    s.image = { src: 'sample', size: 256, channels: 3, tensor: null };
    return new Store(s);
  };
  const ways = {
    'a fill of the input': (st) => st.setFill('input', 'ones', 0),
    'a typed height': (st) => st.setParam('height', 32),
    'another in_channels': (st) => st.setParam('in_channels', 1),
    'an update with an input recipe': (st) => st.update({ input: { fill: 'arange', seed: 0 } }),
    'an update that removes the image': (st) => st.update({ image: null }),
  };
  for (const [how, act] of Object.entries(ways)) {
    const st = withImage();
    act(st);
    assert.equal(st.state.image, null, how);
    assert.ok(st.state.params.height <= cap && st.state.params.width <= cap, `${how}: ${st.state.params.height}×${st.state.params.width}`);
    const back = fromHash(`#${toHash(st.state)}`);
    assert.equal(back.notice, null, `${how}: its link reads back`);
    assert.deepEqual(back.state.params, st.state.params, how);
  }
  assert.equal(withImage().state.params.height, 256, 'an image keeps its own size');
  // loading an image sets its size, past the caps, together with the image
  const st = new Store(defaultState());
  st.update(imageChange({ src: 'sample', size: 128, channels: 1, tensor: null }, 'box', modeByName('conv2d')));
  assert.equal(st.state.params.height, 128);
  assert.ok(st.state.image);
});
