// Real images in: a picture (upload, drag-and-drop, or the built-in procedural sample — no
// network) becomes an input tensor, and classic image kernels become weight tensors.
//
// Only `imageToTensor` and `sampleImage` need a canvas (the browser's, or OffscreenCanvas); the
// pixel maths (`rgbaToTensor`, `samplePixels`) and the kernels are pure and run in Node too.

/** Sizes an image may be scaled to (the page offers 32–256). */
export const MIN_IMAGE_SIZE = 1;
/** The largest side accepted. */
export const MAX_IMAGE_SIZE = 1024;

function checkSize(size) {
  if (!Number.isInteger(size) || size < MIN_IMAGE_SIZE || size > MAX_IMAGE_SIZE) {
    throw new Error(`size: expected an integer from ${MIN_IMAGE_SIZE} to ${MAX_IMAGE_SIZE}, got ${size}`);
  }
}

function checkChannels(channels) {
  if (channels !== 1 && channels !== 3) throw new Error(`channels: expected 1 (grayscale) or 3 (RGB), got ${channels}`);
}

/**
 * RGBA bytes (e.g. `ImageData.data`) to a tensor `[1, C, height, width]` in [0, 1]: C = 3 gives
 * the R, G, B planes; C = 1 gives Rec. 601 luma, 0.299 R + 0.587 G + 0.114 B. Alpha is ignored
 * (draw onto an opaque background first).
 * @param {Uint8Array|Uint8ClampedArray|number[]} rgba width·height·4 bytes, row-major
 * @param {number} width
 * @param {number} height
 * @param {1|3} channels
 * @returns {{shape: number[], data: Float32Array}}
 */
export function rgbaToTensor(rgba, width, height, channels) {
  checkChannels(channels);
  const n = width * height;
  if (!(Number.isInteger(width) && Number.isInteger(height) && width > 0 && height > 0) || rgba.length !== n * 4) {
    throw new Error(`rgba: expected ${width}·${height}·4 bytes, got ${rgba.length}`);
  }
  const data = new Float32Array(channels * n);
  for (let i = 0; i < n; i++) {
    const r = rgba[i * 4];
    const g = rgba[i * 4 + 1];
    const b = rgba[i * 4 + 2];
    if (channels === 3) {
      data[i] = r / 255;
      data[n + i] = g / 255;
      data[2 * n + i] = b / 255;
    } else {
      data[i] = (0.299 * r + 0.587 * g + 0.114 * b) / 255;
    }
  }
  return { shape: [1, channels, height, width], data };
}

/** A canvas of `size`×`size`: a <canvas> element on a page (it can be shown), else (a worker)
 * an OffscreenCanvas. */
function makeCanvas(size) {
  if (typeof document === 'undefined' && typeof OffscreenCanvas === 'function') return new OffscreenCanvas(size, size);
  const c = document.createElement('canvas');
  c.width = size;
  c.height = size;
  return c;
}

/** Natural pixel size of an image source. */
function sourceSize(source) {
  const w = source.naturalWidth || source.videoWidth || source.width;
  const h = source.naturalHeight || source.videoHeight || source.height;
  if (!(w > 0 && h > 0)) throw new Error('source: the image has no pixels (not loaded yet?)');
  return [w, h];
}

/**
 * An image as an input tensor: centre-cropped to a square, scaled to `size`×`size` with the
 * canvas's smoothing, composited over white, then `rgbaToTensor`.
 * @param {ImageBitmap|HTMLImageElement|HTMLCanvasElement|OffscreenCanvas} source
 * @param {number} size side of the result (the page offers 32–256)
 * @param {1|3} channels 1 = grayscale (Rec. 601 luma), 3 = RGB
 * @returns {{shape: number[], data: Float32Array}} shape [1, channels, size, size], values in [0, 1]
 * @throws {Error} naming size / channels / source; the browser's SecurityError for a cross-origin
 *   image (uploads, dropped files and the sample are same-origin)
 */
export function imageToTensor(source, size, channels) {
  checkSize(size);
  checkChannels(channels);
  const [w, h] = sourceSize(source);
  const side = Math.min(w, h);
  const sx = Math.floor((w - side) / 2);
  const sy = Math.floor((h - side) / 2);
  const canvas = makeCanvas(size);
  const ctx = canvas.getContext('2d', { willReadFrequently: true });
  ctx.fillStyle = '#fff';
  ctx.fillRect(0, 0, size, size);
  ctx.imageSmoothingEnabled = true;
  ctx.imageSmoothingQuality = 'high';
  ctx.drawImage(source, sx, sy, side, side, 0, 0, size, size);
  const { data } = ctx.getImageData(0, 0, size, size);
  return rgbaToTensor(data, size, size, channels);
}

// ---------------------------------------------------------------- the built-in sample

/** Colour of the sample scene at (u, v) in [0, 1)²: a gradient, shapes with straight and round
 * edges in several orientations, and stripes; no text. */
function sceneColour(u, v) {
  // stripes, vertical then horizontal: strong edges for Sobel x / Sobel y
  if (u > 0.62 && u < 0.94 && v > 0.6 && v < 0.76) return Math.floor(u * 20) % 2 ? [20, 20, 20] : [240, 240, 240];
  if (u > 0.62 && u < 0.94 && v > 0.78 && v < 0.94) return Math.floor(v * 20) % 2 ? [20, 20, 20] : [240, 240, 240];
  // disc
  const dx = u - 0.3;
  const dy = v - 0.32;
  if (dx * dx + dy * dy < 0.2 * 0.2) return [230, 90, 40];
  // a ring on the rectangle
  const rx = u - 0.72;
  const ry = v - 0.28;
  const r2 = rx * rx + ry * ry;
  if (r2 < 0.1 * 0.1 && r2 > 0.06 * 0.06) return [30, 60, 200];
  // rectangle
  if (u > 0.56 && u < 0.88 && v > 0.12 && v < 0.44) return [40, 170, 90];
  // triangle (0.1, 0.92) – (0.33, 0.56) – (0.56, 0.92)
  const inTri = v < 0.92 && v > 0.56 + Math.abs(u - 0.33) * (0.36 / 0.23);
  if (inTri) return [250, 210, 40];
  // background: a diagonal gradient
  const t = (u + v) / 2;
  return [Math.round(40 + 150 * t), Math.round(60 + 120 * u), Math.round(200 - 120 * v)];
}

/**
 * The procedural sample as RGBA pixels (deterministic, 2×2 supersampled), for Node and canvas.
 * @param {number} size
 * @returns {{width: number, height: number, data: Uint8ClampedArray}}
 */
export function samplePixels(size) {
  checkSize(size);
  const data = new Uint8ClampedArray(size * size * 4);
  for (let y = 0; y < size; y++) {
    for (let x = 0; x < size; x++) {
      const sum = [0, 0, 0];
      for (const [ox, oy] of [[0.25, 0.25], [0.75, 0.25], [0.25, 0.75], [0.75, 0.75]]) {
        const c = sceneColour((x + ox) / size, (y + oy) / size);
        sum[0] += c[0];
        sum[1] += c[1];
        sum[2] += c[2];
      }
      const i = (y * size + x) * 4;
      data[i] = Math.round(sum[0] / 4);
      data[i + 1] = Math.round(sum[1] / 4);
      data[i + 2] = Math.round(sum[2] / 4);
      data[i + 3] = 255;
    }
  }
  return { width: size, height: size, data };
}

/**
 * The built-in sample image drawn on a canvas (no network): a gradient, a disc, a rectangle, a
 * triangle, a ring and stripes. Pass it to `imageToTensor` like any picture.
 * @param {number} size side in pixels
 * @returns {HTMLCanvasElement|OffscreenCanvas} a <canvas> element on a page (OffscreenCanvas in a
 *   worker)
 */
export function sampleImage(size) {
  const { data } = samplePixels(size);
  const canvas = makeCanvas(size);
  canvas.getContext('2d').putImageData(new ImageData(data, size, size), 0, 0);
  return canvas;
}

// ---------------------------------------------------------------- kernels

const k3 = (...rows) => Object.freeze(rows.flat());
const scaled = (data, s) => Object.freeze(data.map((v) => v / s));
const binomial5 = [1, 4, 6, 4, 1].flatMap((a) => [1, 4, 6, 4, 1].map((b) => a * b));

/**
 * Classic image kernels, as PyTorch applies them (cross-correlation, no flip):
 * `{ id, title, shape: [k, k], data }`. Smoothing kernels and sharpen/emboss sum to 1 (they keep
 * the brightness); edge detectors sum to 0 (flat regions give 0).
 */
export const KERNELS = Object.freeze(
  [
    { id: 'identity', title: 'Identity', shape: [3, 3], data: k3([0, 0, 0], [0, 1, 0], [0, 0, 0]) },
    { id: 'box', title: 'Box blur', shape: [3, 3], data: scaled([1, 1, 1, 1, 1, 1, 1, 1, 1], 9) },
    { id: 'gaussian', title: 'Gaussian blur 3×3', shape: [3, 3], data: scaled([1, 2, 1, 2, 4, 2, 1, 2, 1], 16) },
    { id: 'gaussian5', title: 'Gaussian blur 5×5', shape: [5, 5], data: scaled(binomial5, 256) },
    { id: 'sharpen', title: 'Sharpen', shape: [3, 3], data: k3([0, -1, 0], [-1, 5, -1], [0, -1, 0]) },
    { id: 'sobel-x', title: 'Sobel x (vertical edges)', shape: [3, 3], data: k3([-1, 0, 1], [-2, 0, 2], [-1, 0, 1]) },
    { id: 'sobel-y', title: 'Sobel y (horizontal edges)', shape: [3, 3], data: k3([-1, -2, -1], [0, 0, 0], [1, 2, 1]) },
    { id: 'laplacian', title: 'Laplacian', shape: [3, 3], data: k3([0, 1, 0], [1, -4, 1], [0, 1, 0]) },
    { id: 'emboss', title: 'Emboss', shape: [3, 3], data: k3([-2, -1, 0], [-1, 1, 1], [0, 1, 2]) },
  ].map((k) => Object.freeze({ ...k, shape: Object.freeze(k.shape) })),
);

/** Look up a kernel by id (undefined when unknown). */
export function kernelById(id) {
  return KERNELS.find((k) => k.id === id);
}

const bilinear4 = [0.25, 0.75, 0.75, 0.25];

/**
 * Upsamplers for an image input in ConvTranspose2d, each doubling H and W, applied to every channel
 * on its own: `{ id, title, shape, data, stride, padding, outputPadding }`. Nearest and bilinear
 * give every output cell the same total weight (a flat image stays flat); the uneven kernel (3 wide
 * at stride 2) does not: its stamps overlap on every other row and column, so a flat image comes
 * out in a checkerboard of 1×, 2× and 4× (the artefact of Odena et al., Distill 2016).
 */
export const UPSAMPLERS = Object.freeze(
  [
    { id: 'nearest2', title: 'Nearest ×2 (k2, stride 2)', shape: [2, 2], data: Object.freeze([1, 1, 1, 1]), stride: 2, padding: 0, outputPadding: 0 },
    {
      id: 'bilinear2',
      title: 'Bilinear ×2 (k4, stride 2, padding 1)',
      shape: [4, 4],
      data: Object.freeze(bilinear4.flatMap((a) => bilinear4.map((b) => a * b))),
      stride: 2,
      padding: 1,
      outputPadding: 0,
    },
    {
      id: 'uneven2',
      title: 'Uneven overlap ×2 (k3, stride 2): checkerboard',
      shape: [3, 3],
      data: Object.freeze(new Array(9).fill(1)),
      stride: 2,
      padding: 1,
      outputPadding: 1,
    },
  ].map((k) => Object.freeze({ ...k, shape: Object.freeze(k.shape) })),
);

/** Look up an upsampler by id (undefined when unknown). */
export function upsamplerById(id) {
  return UPSAMPLERS.find((k) => k.id === id);
}

/**
 * A user's own kernel from text: rows separated by ';' or new lines, numbers by spaces or commas,
 * e.g. "1 0 -1; 2 0 -2; 1 0 -1" or "[[1, 0], [0, -1]]". Fractions like 1/9 are allowed.
 * Returns `{ id: 'custom', title, shape: [kh, kw], data }` or throws an Error saying what is wrong.
 * @param {string} text
 */
export function parseKernel(text) {
  const rows = String(text)
    .replace(/^\s*\[\s*\[/, '')
    .replace(/\]\s*\]\s*$/, '')
    .split(/\]\s*,\s*\[|;|\n/)
    .map((r) => r.trim())
    .filter((r) => r !== '');
  if (rows.length === 0) throw new Error('kernel: no numbers');
  const num = (s) => {
    const m = /^([+-]?(?:\d+\.?\d*|\.\d+)(?:e[+-]?\d+)?)(?:\/(\d+\.?\d*))?$/i.exec(s);
    const v = m ? Number(m[1]) / (m[2] === undefined ? 1 : Number(m[2])) : NaN;
    if (!Number.isFinite(v)) throw new Error(`kernel: '${s.slice(0, 16)}' is not a number`);
    return v;
  };
  const values = rows.map((r) => r.replace(/[[\]]/g, '').split(/[\s,]+/).filter((s) => s !== '').map(num));
  const kw = values[0].length;
  if (values.some((r) => r.length !== kw)) throw new Error('kernel: every row needs the same number of values');
  if (values.length > 15 || kw > 15) throw new Error('kernel: at most 15×15');
  return { id: 'custom', title: 'Your kernel', shape: [values.length, kw], data: values.flat() };
}

/**
 * A Conv2d weight applying a kernel (a `KERNELS` id, or a kernel object such as `parseKernel`'s)
 * to images of `inChannels` channels, giving `outChannels` channels. The choice:
 * - outChannels === inChannels (grayscale → grayscale, RGB → RGB): depthwise, `groups =
 *   inChannels`, weight [C, 1, kh, kw]: each channel filtered on its own, so a blurred colour
 *   image stays in colour;
 * - otherwise: weight [outChannels, inChannels, kh, kw] with kernel / inChannels in every slot,
 *   `groups = 1`: each output channel is the kernel applied to the mean of the input channels
 *   (RGB → 1 gives the filtered brightness).
 * @param {string|{shape:number[], data:ArrayLike<number>}} kernel
 * @param {number} inChannels
 * @param {number} outChannels
 * @returns {{weight: {shape: number[], data: Float32Array}, groups: number}}
 */
export function kernelFor(kernel, inChannels, outChannels) {
  const k = typeof kernel === 'string' ? kernelById(kernel) : kernel;
  if (!k) throw new Error(`kernel: unknown kernel '${kernel}'`);
  for (const [name, v] of [['in_channels', inChannels], ['out_channels', outChannels]]) {
    if (!Number.isInteger(v) || v < 1) throw new Error(`${name}: expected a positive integer, got ${v}`);
  }
  const [kh, kw] = k.shape;
  const size = kh * kw;
  if (inChannels === outChannels) {
    const data = new Float32Array(inChannels * size);
    for (let c = 0; c < inChannels; c++) data.set(k.data, c * size);
    return { weight: { shape: [inChannels, 1, kh, kw], data }, groups: inChannels };
  }
  const data = new Float32Array(outChannels * inChannels * size);
  for (let s = 0; s < outChannels * inChannels; s++) {
    for (let i = 0; i < size; i++) data[s * size + i] = k.data[i] / inChannels;
  }
  return { weight: { shape: [outChannels, inChannels, kh, kw], data }, groups: 1 };
}
