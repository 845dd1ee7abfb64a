// Export: the sliding animation as an animated GIF (encoded by `encodeGif` of the GIF package,
// www/pkg/gif: a small wasm module of its own, crates/gif, loaded on the first GIF export) and
// the current frame as a PNG (the canvas's own encoder). The page captures frames; these helpers
// turn them into files.

/** The GIF package's JS (built by `make build`), next to the main package. */
export const GIF_PACKAGE = new URL('../pkg/gif/convviz_gif.js', import.meta.url).href;

/** The GIF package could not be fetched or instantiated (offline, a missing build, …). */
export class GifLoadError extends Error {
  constructor(cause) {
    super(`the GIF encoder did not load (${cause?.message ?? cause})`, { cause });
    this.name = 'GifLoadError';
  }
}

const loads = new Map(); // url -> the promise of its package
const failures = new Map(); // url -> how many loads failed

/**
 * The GIF package, imported and initialised on the first call (the module every visitor
 * downloads carries only the maths; this one comes when a GIF is first exported). Later calls
 * get the same promise; after a failure the next call tries again (with a query string, since a
 * browser may keep a failed module import in its module map).
 * @param {string} [url] the package's JS (default GIF_PACKAGE)
 * @returns {Promise<{encodeGif: Function}>} rejects with a GifLoadError
 */
export function loadGifEncoder(url = GIF_PACKAGE) {
  let p = loads.get(url);
  if (!p) {
    const failed = failures.get(url) ?? 0;
    p = import(failed === 0 ? url : `${url}?attempt=${failed + 1}`)
      .then(async (pkg) => {
        await pkg.default(); // fetches and instantiates convviz_gif_bg.wasm next to the JS
        return pkg;
      })
      .catch((e) => {
        loads.delete(url);
        failures.set(url, failed + 1);
        throw new GifLoadError(e);
      });
    loads.set(url, p);
  }
  return p;
}

/**
 * Frames (ImageData, or anything with { width, height, data: RGBA bytes }) to a GIF Blob.
 * All frames must have the same size. Throws the encoder's Error (naming width / height / rgba /
 * delay_ms) for bad input: delayMs from 20 to 655350; at most 64 MiB of RGBA in all.
 * @param {{encodeGif: Function}} api the GIF package (from loadGifEncoder), or anything with its
 *   `encodeGif`
 * @param {Array<{width: number, height: number, data: Uint8ClampedArray|Uint8Array}>} frames
 * @param {number} delayMs how long each frame shows
 * @returns {Blob} type image/gif; the animation loops
 */
export function gifBlob(api, frames, delayMs) {
  if (!Array.isArray(frames) || frames.length === 0) throw new Error('frames: expected at least one frame');
  const { width, height } = frames[0];
  const frameBytes = width * height * 4;
  frames.forEach((f, i) => {
    if (f.width !== width || f.height !== height || f.data.length !== frameBytes) {
      throw new Error(`frames: frame ${i} is ${f.width}×${f.height}, the first is ${width}×${height}`);
    }
  });
  const rgba = new Uint8Array(frameBytes * frames.length);
  frames.forEach((f, i) => rgba.set(f.data, i * frameBytes));
  return new Blob([api.encodeGif(width, height, rgba, delayMs)], { type: 'image/gif' });
}

/**
 * The canvas's current picture as a PNG Blob.
 * @param {HTMLCanvasElement|OffscreenCanvas} canvas
 * @returns {Promise<Blob>}
 */
export function pngBlob(canvas) {
  if (typeof canvas.convertToBlob === 'function') return canvas.convertToBlob({ type: 'image/png' });
  return new Promise((resolve, reject) => {
    canvas.toBlob((b) => (b ? resolve(b) : reject(new Error('canvas: could not encode a PNG'))), 'image/png');
  });
}

/**
 * Offer a Blob as a download named `filename` (a temporary object URL, revoked afterwards).
 * @param {Blob} blob
 * @param {string} filename e.g. 'convolution.gif'
 * @param {Element} parent   where the link lives for its click (inside the app)
 */
export function downloadBlob(blob, filename, parent) {
  const url = URL.createObjectURL(blob);
  const a = parent.ownerDocument.createElement('a');
  a.href = url;
  a.download = filename;
  a.hidden = true;
  parent.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 0);
}
