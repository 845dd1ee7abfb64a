#!/usr/bin/env node
// Where the bytes of a .wasm go: section sizes and the largest functions (by the name section,
// when present), grouped by crate. usage: node bench/wasm-size.mjs FILE.wasm [TOP=25]
import fs from 'node:fs';
import zlib from 'node:zlib';

const file = process.argv[2] ?? 'www/pkg/convviz_bg.wasm';
const top = Number(process.argv[3] ?? 25);
const buf = fs.readFileSync(file);
let pos = 8;
const u32 = () => {
  let r = 0, shift = 0, b;
  do { b = buf[pos++]; r |= (b & 0x7f) << shift; shift += 7; } while (b & 0x80);
  return r >>> 0;
};
const sections = [];
const SEC = ['custom', 'type', 'import', 'function', 'table', 'memory', 'global', 'export', 'start', 'element', 'code', 'data', 'datacount'];
let imports = 0, bodies = [], names = new Map();
while (pos < buf.length) {
  const id = buf[pos++];
  const size = u32();
  const start = pos;
  let name = SEC[id] ?? `#${id}`;
  if (id === 0) {
    const n = u32();
    name = 'custom:' + buf.subarray(pos, pos + n).toString();
    pos += n;
    if (name === 'custom:name') {
      while (pos < start + size) {
        const sub = buf[pos++], len = u32(), end = pos + len;
        if (sub === 1) {
          const count = u32();
          for (let i = 0; i < count; i++) { const idx = u32(), l = u32(); names.set(idx, buf.subarray(pos, pos + l).toString()); pos += l; }
        }
        pos = end;
      }
    }
  } else if (id === 2) {
    const count = u32();
    for (let i = 0; i < count; i++) {
      const l1 = u32(); pos += l1; const l2 = u32(); pos += l2;
      const kind = buf[pos++];
      if (kind === 0) { u32(); imports++; } else if (kind === 1) { pos++; const f = buf[pos++]; u32(); if (f & 1) u32(); }
      else if (kind === 2) { const f = buf[pos++]; u32(); if (f & 1) u32(); } else if (kind === 3) { pos += 2; } else { pos++; u32(); }
    }
  } else if (id === 10) {
    const count = u32();
    for (let i = 0; i < count; i++) { const l = u32(); bodies.push({ idx: imports + i, size: l }); pos += l; }
  }
  sections.push({ name, size });
  pos = start + size;
}
console.log(`${file}: ${buf.length} bytes, ${zlib.gzipSync(buf, { level: 9 }).length} gzipped`);
for (const s of sections) console.log(`  ${s.name.padEnd(28)} ${String(s.size).padStart(8)}`);
const named = bodies.map((b) => ({ ...b, name: names.get(b.idx) ?? `func[${b.idx}]` })).sort((a, b) => b.size - a.size);
console.log(`\nlargest of ${bodies.length} functions:`);
for (const f of named.slice(0, top)) console.log(`  ${String(f.size).padStart(7)}  ${f.name.slice(0, 110)}`);
const crate = (n) => {
  const m = n.match(/(?:_ZN|_R[A-Za-z]*?)\d*([a-z_][a-z0-9_]*)/i);
  for (const c of ['convviz_gif', 'convviz', 'ndarray', 'matrixmultiply', 'wasm_bindgen', 'js_sys', 'dlmalloc', 'core', 'alloc', 'std', 'console_error_panic_hook', 'talc']) if (n.includes(c)) return c;
  return m ? m[1] : '?';
};
const by = new Map();
for (const f of named) by.set(crate(f.name), (by.get(crate(f.name)) ?? 0) + f.size);
console.log('\nby crate (code bytes):');
for (const [k, v] of [...by].sort((a, b) => b[1] - a[1])) console.log(`  ${String(v).padStart(7)}  ${k}`);
