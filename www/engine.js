// Which build of the wasm engine this browser runs. `make build` makes two modules for one JS glue
// (pkg/convviz.js): convviz_bg.wasm (SIMD128) and convviz_relaxed_bg.wasm (SIMD128 + relaxed
// SIMD: the GEMM micro-kernel's multiply-adds are f32x4.relaxed_madd, one fused multiply-add
// where the CPU has FMA). A browser that validates relaxed SIMD (Chrome and Edge since 114)
// gets the second. The Conv2d trace is the same in both, bit for bit (it sums each dot product in
// k order without the micro-kernel, so that the animation's running sums replay it); everything
// the micro-kernel computes (ConvTranspose2d's columns, the fast conv2d / convTranspose2d calls,
// the Conv2d / ConvTranspose2d modules) may round differently, within 1e-5 relative of each other
// and of a float64 reference (tests/node/relaxed.test.mjs).

/** The smallest module using relaxed SIMD: one function () -> v128 = f32x4.relaxed_madd(0, 0, 0). */
export const RELAXED_SIMD_PROBE = Uint8Array.of(
  0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00, // "\0asm", version 1
  0x01, 0x05, 0x01, 0x60, 0x00, 0x01, 0x7b, // type section: one type, () -> v128
  0x03, 0x02, 0x01, 0x00, // function section: one function of type 0
  0x0a, 0x3d, 0x01, 0x3b, 0x00, // code section: one body of 59 bytes, no locals
  ...[0, 1, 2].flatMap(() => [0xfd, 0x0c, ...new Array(16).fill(0)]), // v128.const 0, three times
  0xfd, 0x85, 0x02, // f32x4.relaxed_madd (0xfd 0x105)
  0x0b, // end
);

/** Whether this JavaScript engine runs relaxed SIMD. */
export const relaxedSimdSupported = () => WebAssembly.validate(RELAXED_SIMD_PROBE);

/** The module file of each build, in pkg/. */
export const WASM_FILES = Object.freeze({ 'relaxed-simd': 'convviz_relaxed_bg.wasm', simd128: 'convviz_bg.wasm' });

/**
 * Instantiate the engine (the glue's init) with the best module this browser runs; falls back to
 * the SIMD128 one if the relaxed module cannot be loaded. Returns the build's name.
 * @returns {Promise<'relaxed-simd' | 'simd128'>}
 */
export async function loadEngine() {
  const { default: init } = await import('./pkg/convviz.js');
  const url = (build) => new URL(`./pkg/${WASM_FILES[build]}`, import.meta.url);
  if (relaxedSimdSupported()) {
    try {
      await init({ module_or_path: url('relaxed-simd') });
      return 'relaxed-simd';
    } catch (e) {
      console.warn(`convviz: the relaxed-SIMD engine did not load (${e && e.message ? e.message : e}); using the SIMD128 one`);
    }
  }
  await init({ module_or_path: url('simd128') });
  return 'simd128';
}

/**
 * The wasm functions, loaded once per page however many apps mount (the one thing apps share:
 * the engine's memory and code; every app keeps its own state).
 * @returns {Promise<{ engine: string, api: object }>}
 */
export function loadApi() {
  engineOnce ??= loadEngine().then(async (engine) => ({ engine, api: await import('./pkg/convviz.js') }));
  return engineOnce;
}
let engineOnce = null;

/**
 * The wasm functions from a module's bytes instead of a URL (a host that serves no files, e.g. a
 * Jupyter widget, which receives them from the kernel). Memoised with loadApi: the page's one
 * engine is whichever of the two was asked first.
 * @param {BufferSource|WebAssembly.Module} bytes  convviz_bg.wasm (or the relaxed-SIMD module)
 * @param {'relaxed-simd'|'simd128'} [engine='simd128']  which build the bytes are
 * @returns {Promise<{ engine: string, api: object }>}
 */
export function loadApiFromBytes(bytes, engine = 'simd128') {
  engineOnce ??= import('./pkg/convviz.js').then(async (api) => {
    await api.default({ module_or_path: bytes });
    return { engine, api };
  });
  return engineOnce;
}

/** The package of the newer ops (crates/more: backward, conv1d, pooling, receptive fields), next to the core one. */
export const MORE_PACKAGE = new URL('./pkg/more/convviz_more.js', import.meta.url).href;

/** The package of the newer ops could not be fetched or instantiated (offline, a missing build, …). */
export class MoreLoadError extends Error {
  constructor(cause) {
    super(`the module of the backward / conv1d / pooling / receptive-field tabs did not load (${cause?.message ?? cause})`, { cause });
    this.name = 'MoreLoadError';
  }
}

const moreLoads = new Map(); // url -> the promise of its package
const moreFailures = new Map(); // url -> how many loads failed

/**
 * The module of the newer ops (www/pkg/more, a wasm module of its own: the first visit downloads
 * only the core module), imported and initialised on the first call, when a tab that needs it
 * first opens. Later calls, from any app on the page, get the same promise; after a failure the
 * next call tries again (with a query string, since a browser may keep a failed module import in
 * its module map).
 * @param {string} [url] the package's JS (default MORE_PACKAGE)
 * @returns {Promise<object>} the package's exports (docs/js-api.md); rejects with a MoreLoadError
 */
export function loadMore(url = MORE_PACKAGE) {
  let p = moreLoads.get(url);
  if (!p) {
    const failed = moreFailures.get(url) ?? 0;
    p = import(failed === 0 ? url : `${url}?attempt=${failed + 1}`)
      .then(async (pkg) => {
        await pkg.default(); // fetches and instantiates convviz_more_bg.wasm next to the JS
        return pkg;
      })
      .catch((e) => {
        moreLoads.delete(url);
        moreFailures.set(url, failed + 1);
        throw new MoreLoadError(e);
      });
    moreLoads.set(url, p);
  }
  return p;
}
