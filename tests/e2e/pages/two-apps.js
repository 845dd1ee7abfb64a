// Two apps in one document (tests/e2e/mount.test.mjs): each with its own id prefix and state,
// neither with the URL hash. The handles are kept on the window for the test to drive.
import { loadApi } from '../../../www/engine.js';
import { mount } from '../../../www/app/mount.js';

const { api } = await loadApi();
window.apps = {
  a: mount(document.getElementById('fig-a'), { api, idPrefix: 'a-', state: 'mode=conv2d&in_channels=1&height=6&width=6' }),
  b: mount(document.getElementById('fig-b'), { api, idPrefix: 'b-', state: 'mode=convTranspose2d&in_channels=2&out_channels=1&height=3&width=3&stride=2&padding=1&output_size=5,5' }),
};
document.body.dataset.mounted = 'true';
