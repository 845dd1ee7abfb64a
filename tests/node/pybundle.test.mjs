// tools/pybundle.mjs, the Jupyter widget's front end as one module: every module the widget
// reaches is in it, dependencies first, with no relative import and no import.meta.url left
// (anywidget imports the bundle from a blob URL, against which neither resolves).

import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

test('the widget bundle: whole modules, dependencies first, no relative URL left', { skip: !fs.existsSync(path.join(ROOT, 'www/pkg/convviz.js')) && 'www/pkg is not built' }, () => {
  const out = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'pybundle-')), 'widget.js');
  execFileSync(process.execPath, [path.join(ROOT, 'tools/pybundle.mjs'), out], { cwd: ROOT });
  const text = fs.readFileSync(out, 'utf8');
  const modules = JSON.parse(/^const MODULES = (.*);$/m.exec(text)[1]);
  const assets = JSON.parse(/^const ASSETS = (.*);$/m.exec(text)[1]);
  const order = modules.map(([rel]) => rel);
  assert.equal(order.at(-1), 'python/js/widget.js');
  for (const need of ['www/app/mount.js', 'www/engine.js', 'www/lib/state.js', 'www/pkg/convviz.js', 'www/modes/registry.js']) {
    assert.ok(order.includes(need), need);
  }
  assert.deepEqual(Object.keys(assets).sort(), ['embed.css', 'favicon.svg', 'style.css']);
  for (const [rel, source] of modules) {
    assert.ok(!source.includes('import.meta.url'), `${rel}: import.meta.url left`);
    assert.doesNotMatch(source, /(\bfrom\s*|\bimport\s*\(?\s*)(['"])\.{1,2}\//, `${rel}: a relative import left`);
    // each dependency comes before its importer
    for (const m of source.matchAll(/(["'])convviz:\/([^"'\n]+)\1/g)) {
      assert.ok(order.indexOf(m[2]) > -1 && order.indexOf(m[2]) < order.indexOf(rel), `${rel} imports ${m[2]} before it is made`);
    }
    // the same code as the file, but for the rewritten specifiers and import.meta.url
    const original = fs.readFileSync(path.join(ROOT, rel), 'utf8');
    const back = source.replace(/(\bfrom\s*|\bimport\s*\(?\s*)(["'])convviz:\/[^"'\n]+\2/g, '$1X').replace(/"convviz-widget:\/[^"]+"/g, 'Y');
    const orig = original.replace(/(\bfrom\s*|\bimport\s*\(?\s*)(['"])\.{1,2}\/[^'"\n]+\2/g, '$1X').replaceAll('import.meta.url', 'Y');
    assert.equal(back, orig, `${rel}: changed beyond its imports`);
  }
});
