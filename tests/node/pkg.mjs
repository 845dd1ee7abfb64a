// The wasm package (www/pkg, from `make build`), initialised synchronously for Node tests.
import fs from 'node:fs';
import { fileURLToPath } from 'node:url';
import * as api from '../../www/pkg/convviz.js';

const wasm = fileURLToPath(new URL('../../www/pkg/convviz_bg.wasm', import.meta.url));
api.initSync({ module: fs.readFileSync(wasm) });

export default api;
