// Real images in: the built-in sample, an uploaded picture (file input, or dropped onto the
// input view), scaled to a chosen size and channels. In Conv2d it is filtered by a classic kernel
// or the learner's own; in ConvTranspose2d it is upsampled ×2 (nearest, bilinear, or the uneven
// kernel that makes checkerboard artefacts). The image becomes the state's input tensor; the
// kernel becomes weight edits (so links and "Copy as PyTorch" keep it). Uploaded pixels are not
// kept in links.

import { imageToTensor, sampleImage, parseKernel, kernelFor } from '../lib/imagein.js';
import { imageActive } from '../lib/state.js';
import { el, setData, setProp, setText } from '../lib/dom.js';
import { MODES } from '../modes/registry.js';

export const IMAGE_SIZES = [32, 48, 64, 96, 128, 192, 256];
/** ConvTranspose2d doubles the side: its image inputs stop at 128 (a 256×256 output). */

/** The tensor of an image source at a size and channel count. */
function tensorOf(source, size, channels) {
  return imageToTensor(source, size, channels);
}

/**
 * Give a state from a link its image tensor: the sample is rebuilt (it is procedural); an upload's
 * pixels are not in links, so the sample stands in. Returns a notice text or null.
 */
export function restoreImage(state) {
  const im = state.image;
  if (!im || im.tensor) return null;
  im.tensor = tensorOf(sampleImage(im.size), im.size, im.channels);
  if (im.src === 'upload') {
    im.src = 'sample';
    return 'Image inputs are not kept in links (an uploaded picture is too big for a URL): showing the built-in sample image at the same size instead.';
  }
  return null;
}

/**
 * The store.update(...) argument for an image input filtered by a kernel (Conv2d, 'same' padding)
 * or upsampled by one of UPSAMPLERS (ConvTranspose2d: its stride, padding and output_padding).
 */
export function imageChange(image, kernel, mode) {
  const c = image.channels;
  const { weight, groups } = kernelFor(kernel, c, c);
  const [, , kh, kw] = weight.shape;
  const edits = {};
  const per = weight.shape[1] * kh * kw;
  for (let i = 0; i < weight.data.length; i++) {
    if (weight.data[i] === 0) continue;
    const o = Math.floor(i / per);
    const r = i % per;
    const ci = Math.floor(r / (kh * kw));
    const a = Math.floor((r % (kh * kw)) / kw);
    const b = r % kw;
    edits[`${o},${ci},${a},${b}`] = weight.data[i];
  }
  const shared = { in_channels: c, out_channels: c, height: image.size, width: image.size, kernel_size: [kh, kw], dilation: [1, 1], groups, bias: false };
  const params = { ...shared, ...mode.classroom.image.params(kernel, [kh, kw]) };
  return {
    mode: mode.name,
    params,
    image,
    weight: { fill: 'zeros', seed: 1 },
    edits: { input: {}, weight: edits, bias: {} },
  };
}

/** Wire #image-panel. ctx: { store, pushHistory, notice }. Returns { sync(state) }. */
export function buildImagePanel(ctx) {
  const { $, $$, listen } = ctx;
  const panel = $('#image-panel');
  const size = $('#img-size');
  const channels = $('#img-channels');
  const kernel = $('#img-kernel');
  const custom = $('#img-custom');
  const customRow = $('#img-custom-row');
  const status = $('#img-status');
  const file = $('#img-file');
  for (const s of IMAGE_SIZES) size.append(Object.assign(el('option', { text: `${s}×${s}` }), { value: String(s) }));
  size.value = '64';
  const kernelLabel = kernel.closest('label').firstChild;

  let uploaded = null; // the last uploaded picture (an ImageBitmap), to rescale
  let source = 'sample';
  let mode = null;
  const chosen = new Map(); // the menu's choice in each mode, while the learner moves between them

  /** The menu of a mode: its filters (and the learner's own) or its upsamplers. */
  function showMode(m) {
    const hook = m && m.classroom.image;
    if (m === mode || !hook) return;
    if (mode) chosen.set(mode, kernel.value);
    mode = m;
    kernelLabel.data = `${hook.label} `;
    const options = hook.choices.map((k) => Object.assign(el('option', { text: k.title }), { value: k.id }));
    if (hook.custom) options.push(Object.assign(el('option', { text: 'Your own (type it below)' }), { value: 'custom' }));
    kernel.replaceChildren(...options);
    kernel.value = chosen.get(m) ?? hook.initial;
    customRow.hidden = kernel.value !== 'custom';
    for (const o of size.options) o.disabled = Number(o.value) > hook.maxSide;
    if (Number(size.value) > hook.maxSide) size.value = String(hook.maxSide);
  }

  // until the first sync names the mode on screen: the first mode that takes an image
  showMode(MODES.find((m) => m.classroom.image));

  function currentKernel() {
    if (kernel.value === 'custom') return parseKernel(custom.value);
    return mode.classroom.image.choices.find((k) => k.id === kernel.value);
  }

  function apply(push = true) {
    customRow.hidden = kernel.value !== 'custom';
    let k;
    try {
      k = currentKernel();
    } catch (e) {
      status.textContent = e.message;
      status.classList.add('is-bad');
      return;
    }
    status.classList.remove('is-bad');
    const n = Number(size.value);
    const c = Number(channels.value);
    const src = source === 'upload' && uploaded ? uploaded : sampleImage(n);
    let tensor;
    try {
      tensor = tensorOf(src, n, c);
    } catch (e) {
      status.textContent = `Could not read the image: ${e.message}`;
      status.classList.add('is-bad');
      return;
    }
    if (push) ctx.pushHistory();
    ctx.store.update(imageChange({ src: source === 'upload' && uploaded ? 'upload' : 'sample', size: n, channels: c, tensor }, k, mode));
  }

  async function loadFile(f) {
    if (!f || !/^image\//.test(f.type)) {
      status.textContent = 'That is not an image file (PNG, JPEG, GIF, WebP…).';
      status.classList.add('is-bad');
      return;
    }
    try {
      uploaded = await createImageBitmap(f);
    } catch {
      status.textContent = 'The browser could not decode that image.';
      status.classList.add('is-bad');
      return;
    }
    source = 'upload';
    panel.open = true;
    apply();
  }

  listen($('#img-sample'), 'click', () => {
    source = 'sample';
    apply();
  });
  listen(file, 'change', () => loadFile(file.files && file.files[0]));
  for (const s of [size, channels, kernel]) listen(s, 'change', () => apply());
  listen($('#img-apply'), 'click', () => apply());
  listen($('#img-off'), 'click', () => {
    ctx.pushHistory();
    ctx.store.update({
      params: { height: 5, width: 5, in_channels: 3, out_channels: 1, groups: 1, kernel_size: [3, 3], stride: [1, 1], padding: [0, 0], output_padding: [0, 0], bias: true },
      input: { fill: 'integers', seed: 1 },
      weight: { fill: 'integers', seed: 2 },
    });
  });

  // drag and drop onto the input view (Conv2d) or the scatter-add card, which shows the input (ConvTranspose2d)
  for (const drop of $$('[data-image-drop]')) {
    listen(drop, 'dragover', (e) => {
      if (![...(e.dataTransfer?.types ?? [])].includes('Files')) return;
      e.preventDefault();
      drop.classList.add('is-drop');
    });
    listen(drop, 'dragleave', () => drop.classList.remove('is-drop'));
    listen(drop, 'drop', (e) => {
      e.preventDefault();
      drop.classList.remove('is-drop');
      loadFile(e.dataTransfer?.files?.[0]);
    });
  }

  return {
    /** After a recompute: `shown` is the mode on screen. */
    sync(state, shown) {
      showMode(shown);
      const on = imageActive(state);
      setData(panel, 'active', String(on));
      setProp($('#img-off'), 'hidden', !on);
      if (on) {
        const im = state.image;
        size.value = String(im.size);
        channels.value = String(im.channels);
        source = im.src;
        const what = im.src === 'upload' ? 'Your picture' : 'The sample image';
        status.textContent = `${what} is the input: torch.Size([1, ${im.channels}, ${im.size}, ${im.size}]).${im.src === 'upload' ? ' Image inputs are not kept in links (the link keeps the settings and shows the sample).' : ' The link rebuilds the sample.'}`;
        status.classList.remove('is-bad');
      } else if (!status.classList.contains('is-bad')) {
        setText(status, 'Drop a picture on the input view, upload one, or use the sample.');
      }
    },
  };
}
