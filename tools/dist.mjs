#!/usr/bin/env node
// `make dist`: the static site in dist/, ready for any static host at any path.
//
//   dist/index.html              the page
//   dist/www/…                   its modules, style.css, embed.js + embed.css (<conv-viz>), icons
//   dist/www/pkg/…               the wasm-bindgen glue and the wasm modules exactly as `make build`
//                                left them in www/pkg (wasm-opt -O3: the bytes CI builds and the
//                                benchmark measures); no .d.ts
//   dist/examples/…              the example deck (slides.html, reveal.js in examples/vendor/) and
//                                the plain-page example (embed.html)
//   dist/.nojekyll               GitHub Pages serves the files as they are
//
// Every URL in it is relative, so dist/ works from a sub-path (https://host/course/convviz/); the
// build fails if a served text file holds an absolute one, or if the wasm module is not optimised.
//
// CLI:  node tools/dist.mjs [--out DIR]        build (default dist/)
//       node tools/dist.mjs --vendor            only copy reveal.js from node_modules into
//                                               examples/vendor/reveal (make examples)
// Library: buildDist({ root, out }), copyReveal(root), absoluteUrls(dir), wasmCustomSections(bytes)

import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

/** reveal.js's files the example deck loads, from node_modules/reveal.js (npm's dev dependency). */
const REVEAL_FILES = ['dist/reveal.mjs', 'dist/reveal.css', 'dist/theme/serif.css', 'LICENSE'];

/** What of the repository the site is (paths relative to the root; directories are copied whole). */
const SITE = ['index.html', 'www', 'examples'];

/** Left out of the site: docs and generated type declarations, build stamps. */
const SKIP = [/(^|\/)README\.md$/, /\.d\.ts$/, /(^|\/)\.built$/, /(^|\/)\.gitignore$/];

/** Files whose text is scanned for absolute URLs. */
const TEXT = /\.(html?|m?js|css|json|svg|txt|webmanifest)$/;

/**
 * Absolute URLs that would break the site under a sub-path: root-relative or protocol-relative
 * asset references (`src="/…"`, `href="/…"`, `url(/…)`, `import … from '/…'`, `import('/…')`,
 * `new URL('/…')`, `fetch('/…')`) and any string that starts with `/www/`.
 */
const ABSOLUTE = [
  /\b(?:src|href|action|poster|srcset|data)\s*=\s*["']?\/[^"'\s>]*/gi,
  /\burl\(\s*["']?\/[^)"']*/gi,
  /\b(?:from|import)\s*\(?\s*["']\/[^"']*/g,
  /\bnew\s+URL\(\s*["']\/[^"']*/g,
  /\bfetch\(\s*["']\/[^"']*/g,
  /["'`]\/www\/[^"'`]*/g,
];

function copyFile(from, to) {
  fs.mkdirSync(path.dirname(to), { recursive: true });
  fs.copyFileSync(from, to);
}

/** Copy reveal.js's files into examples/vendor/reveal (git-ignored); returns that directory. */
export function copyReveal(root = ROOT) {
  const from = path.join(root, 'node_modules/reveal.js');
  if (!fs.existsSync(path.join(from, 'dist/reveal.mjs'))) {
    throw new Error('node_modules/reveal.js is missing: run `npm ci` (make deps-node)');
  }
  const to = path.join(root, 'examples/vendor/reveal');
  for (const f of REVEAL_FILES) copyFile(path.join(from, f), path.join(to, f.replace(/^dist\//, '')));
  return to;
}

/** Every file under `dir`, as paths relative to it with '/' separators. */
function walk(dir, base = dir) {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) return walk(p, base);
    return e.isFile() ? [path.relative(base, p).split(path.sep).join('/')] : [];
  });
}

/** The names of a wasm module's custom sections (wasm-opt strips 'producers' and 'target_features'). */
export function wasmCustomSections(bytes) {
  const names = [];
  let i = 8;
  const leb = () => {
    let v = 0;
    let shift = 0;
    let b;
    do {
      b = bytes[i++];
      v += (b & 0x7f) * 2 ** shift;
      shift += 7;
    } while (b & 0x80);
    return v;
  };
  while (i < bytes.length) {
    const id = bytes[i++];
    const size = leb();
    const end = i + size;
    if (id === 0) {
      const len = leb();
      names.push(Buffer.from(bytes.subarray(i, i + len)).toString('utf8'));
    }
    i = end;
  }
  return names;
}

/** Absolute URLs in the text files under `dir`: [{ file, line, match }]. */
export function absoluteUrls(dir) {
  const found = [];
  for (const rel of walk(dir)) {
    if (!TEXT.test(rel)) continue;
    const text = fs.readFileSync(path.join(dir, rel), 'utf8');
    const seen = []; // [start, end) of what is reported: two patterns matching one URL report it once
    for (const re of ABSOLUTE) {
      for (const m of text.matchAll(re)) {
        const end = m.index + m[0].length;
        if (seen.some(([a, b]) => m.index < b && a < end)) continue;
        seen.push([m.index, end]);
        found.push({ file: rel, line: text.slice(0, m.index).split('\n').length, match: m[0].slice(0, 80) });
      }
    }
  }
  return found;
}

/**
 * Build the site into `out` (emptied first). Throws when the wasm package is missing or not
 * optimised, or when a file holds an absolute URL.
 * @returns {{ files: string[], bytes: number, wasm: Array<{ file: string, bytes: number }> }}
 */
export function buildDist({ root = ROOT, out = path.join(root, 'dist') } = {}) {
  for (const f of ['www/pkg/convviz.js', 'www/pkg/convviz_bg.wasm', 'www/pkg/convviz_relaxed_bg.wasm', 'www/pkg/gif/convviz_gif.js']) {
    if (!fs.existsSync(path.join(root, f))) throw new Error(`${f} is missing: run \`make build\``);
  }
  if (!fs.existsSync(path.join(root, 'examples/vendor/reveal/reveal.mjs'))) copyReveal(root);
  fs.rmSync(out, { recursive: true, force: true });
  const files = [];
  for (const entry of SITE) {
    const from = path.join(root, entry);
    const rels = fs.statSync(from).isDirectory() ? walk(from).map((r) => `${entry}/${r}`) : [entry];
    for (const rel of rels) {
      if (SKIP.some((re) => re.test(rel))) continue;
      copyFile(path.join(root, rel), path.join(out, rel));
      files.push(rel);
    }
  }
  fs.writeFileSync(path.join(out, '.nojekyll'), '');
  const wasm = files.filter((f) => f.endsWith('.wasm')).map((file) => {
    const bytes = fs.readFileSync(path.join(out, file));
    const unoptimised = wasmCustomSections(bytes).filter((n) => n === 'producers' || n === 'target_features');
    if (unoptimised.length) {
      throw new Error(`${file} is not optimised (it has the ${unoptimised.join(', ')} section that wasm-opt strips): \`npm ci\` installs binaryen, then \`make build\``);
    }
    return { file, bytes: bytes.length };
  });
  const absolute = absoluteUrls(out);
  if (absolute.length) {
    throw new Error(`absolute URLs would break dist/ under a sub-path:\n${absolute.map((a) => `  ${a.file}:${a.line}: ${a.match}`).join('\n')}`);
  }
  const bytes = files.reduce((n, f) => n + fs.statSync(path.join(out, f)).size, 0);
  return { files, bytes, wasm };
}

const isMain = process.argv[1] && import.meta.url === pathToFileURL(path.resolve(process.argv[1])).href;
if (isMain) {
  try {
    const args = process.argv.slice(2);
    if (args.includes('--vendor')) {
      console.log(`reveal.js → ${path.relative(ROOT, copyReveal())}/`);
    } else {
      const i = args.indexOf('--out');
      const out = path.resolve(i >= 0 ? args[i + 1] : path.join(ROOT, 'dist'));
      const { files, bytes, wasm } = buildDist({ out });
      for (const w of wasm) console.log(`  ${w.file}  ${w.bytes} bytes (wasm-opt)`);
      console.log(`dist: ${files.length} files, ${(bytes / 1024).toFixed(0)} KiB in ${path.relative(process.cwd(), out) || '.'}/ — relative URLs only: serve it from any path`);
    }
  } catch (e) {
    console.error(`dist: ${e.message}`);
    process.exit(1);
  }
}
