// Real images in: the built-in sample, an uploaded picture (file input, or dropped onto the
// input view), scaled to a chosen size and channels. In Conv2d it is filtered by a classic kernel
// or the learner's own; in ConvTranspose2d it is upsampled ×2 (nearest, bilinear, or the uneven
// kernel that makes checkerboard artefacts). The image becomes the state's input tensor; the
// kernel becomes weight edits (so links and "Copy as PyTorch" keep it). Uploaded pixels are not
// kept in links.

import {
  imageToTensor, sampleImage, KERNELS, UPSAMPLERS, kernelById, upsamplerById, parseKernel, kernelFor,
} from '../imagein.js';
import { imageActive } from '../state.js';
import { $, el, setData, setProp, setText } from '../pages/dom.js';

export const IMAGE_SIZES = [32, 48, 64, 96, 128, 192, 256];
/** ConvTranspose2d doubles the side: its image inputs stop at 128 (a 256×256 output). */
export const TRANSPOSE_MAX_IMAGE = 128;

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
export function imageChange(image, kernel, mode = 'conv2d') {
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
  const params = mode === 'convTranspose2d'
    ? {
      ...shared,
      stride: [kernel.stride, kernel.stride],
      padding: [kernel.padding, kernel.padding],
      output_padding: [kernel.outputPadding, kernel.outputPadding],
      output_size: null,
    }
    : { ...shared, stride: [1, 1], padding: [kh >> 1, kw >> 1], padding_mode: 'zeros' };
  return {
    mode,
    params,
    image,
    weight: { fill: 'zeros', seed: 1 },
    edits: { input: {}, weight: edits, bias: {} },
  };
}

/** Wire #image-panel. ctx: { store, pushHistory, notice }. Returns { sync(state) }. */
export function buildImagePanel(ctx) {
  const panel = $('#image-panel');
  const size = $('#img-size');
  const channels = $('#img-channels');
  const kernel = $('#img-kernel');
  const custom = $('#img-custom');
  const customRow = $('#img-custom-row');
  const status = $('#img-status');
  const file = $('#img-file');
  for (const s of IMAGE_SIZES) size.append(Object.assign(el('option', null, `${s}×${s}`), { value: String(s) }));
  size.value = '64';
  const kernelLabel = kernel.closest('label').firstChild;

  let uploaded = null; // the last uploaded picture (an ImageBitmap), to rescale
  let source = 'sample';
  let mode = '';
  const chosen = { conv2d: 'sobel-x', convTranspose2d: 'bilinear2' };

  /** The kernel menu of a mode: Conv2d's filters and the learner's own, or the upsamplers. */
  function showMode(m) {
    if (m === mode || !(m in chosen)) return;
    if (mode) chosen[mode] = kernel.value;
    mode = m;
    const upsample = m === 'convTranspose2d';
    kernelLabel.data = upsample ? 'upsample ' : 'kernel ';
    const options = (upsample ? UPSAMPLERS : KERNELS).map((k) => Object.assign(el('option', null, k.title), { value: k.id }));
    if (!upsample) options.push(Object.assign(el('option', null, 'Your own (type it below)'), { value: 'custom' }));
    kernel.replaceChildren(...options);
    kernel.value = chosen[m];
    customRow.hidden = kernel.value !== 'custom';
    for (const o of size.options) o.disabled = upsample && Number(o.value) > TRANSPOSE_MAX_IMAGE;
    if (upsample && Number(size.value) > TRANSPOSE_MAX_IMAGE) size.value = String(TRANSPOSE_MAX_IMAGE);
  }

  showMode('conv2d'); // until the first sync names the page's mode

  function currentKernel() {
    if (mode === 'convTranspose2d') return upsamplerById(kernel.value);
    if (kernel.value !== 'custom') return kernelById(kernel.value);
    return parseKernel(custom.value);
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

  $('#img-sample').addEventListener('click', () => {
    source = 'sample';
    apply();
  });
  file.addEventListener('change', () => loadFile(file.files && file.files[0]));
  for (const s of [size, channels, kernel]) s.addEventListener('change', () => apply());
  $('#img-apply').addEventListener('click', () => apply());
  $('#img-off').addEventListener('click', () => {
    ctx.pushHistory();
    ctx.store.update({
      params: { height: 5, width: 5, in_channels: 3, out_channels: 1, groups: 1, kernel_size: [3, 3], stride: [1, 1], padding: [0, 0], output_padding: [0, 0], bias: true },
      input: { fill: 'integers', seed: 1 },
      weight: { fill: 'integers', seed: 2 },
    });
  });

  // drag and drop onto the input view (Conv2d) or the scatter-add card, which shows the input (ConvTranspose2d)
  for (const drop of [$('#card-input'), $('#card-scatter')]) {
    drop.addEventListener('dragover', (e) => {
      if (![...(e.dataTransfer?.types ?? [])].includes('Files')) return;
      e.preventDefault();
      drop.classList.add('is-drop');
    });
    drop.addEventListener('dragleave', () => drop.classList.remove('is-drop'));
    drop.addEventListener('drop', (e) => {
      e.preventDefault();
      drop.classList.remove('is-drop');
      loadFile(e.dataTransfer?.files?.[0]);
    });
  }

  return {
    sync(state) {
      showMode(state.mode);
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
