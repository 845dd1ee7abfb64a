// The standalone page's boot: the only module that touches `document` and `location`. It loads
// the wasm engine and mounts the app into <body>, with the URL hash as the state's link and the
// keys read on the whole document.

import { loadApi, loadMore } from './engine.js';
import { mount } from './app/mount.js';

/** A line at the top of the page when the app cannot start (no wasm package, an old browser). */
function fail(e) {
  const p = document.createElement('p');
  p.className = 'notice';
  p.setAttribute('role', 'alert');
  p.textContent = `convviz could not start: ${e && e.message ? e.message : e}. If www/pkg/convviz.js is missing, run \`make build\`.`;
  document.body.prepend(p);
  console.error(e);
}

async function boot() {
  const { engine, api } = await loadApi();
  // the build is named on <html> for tools (relaxed SIMD where the browser has it)
  document.documentElement.dataset.engine = engine;
  // the newer tabs' ops (backward, conv1d, pooling, stacks) are fetched when one first opens
  mount(document.body, { api, hash: window, keyTarget: document, modules: { more: () => loadMore() } });
}

boot().catch(fail);
