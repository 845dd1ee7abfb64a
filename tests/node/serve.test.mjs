// Unit tests for tools/serve.mjs: content types, headers, path-traversal safety.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import net from 'node:net';
import { startServer, CONTENT_SECURITY_POLICY, resolveRequestPath } from '../../tools/serve.mjs';

let dir;
let srv;

before(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'convviz-serve-'));
  const root = path.join(dir, 'root');
  fs.mkdirSync(path.join(root, 'www', 'pkg'), { recursive: true });
  fs.writeFileSync(path.join(root, 'index.html'), '<!doctype html><title>x</title>');
  fs.writeFileSync(path.join(root, 'www', 'main.js'), 'export {};');
  fs.writeFileSync(path.join(root, 'www', 'a.mjs'), 'export {};');
  fs.writeFileSync(path.join(root, 'www', 'style.css'), 'body{}');
  fs.writeFileSync(path.join(root, 'www', 'd.json'), '{}');
  fs.writeFileSync(path.join(root, 'www', 'i.png'), Buffer.from([0x89, 0x50, 0x4e, 0x47]));
  fs.writeFileSync(path.join(root, 'www', 'pkg', 'convviz_bg.wasm'), Buffer.from([0, 0x61, 0x73, 0x6d, 1, 0, 0, 0]));
  fs.writeFileSync(path.join(dir, 'secret.txt'), 'secret');
  fs.symlinkSync(path.join(dir, 'secret.txt'), path.join(root, 'link.txt'));
  srv = await startServer({ root, port: 0, host: '127.0.0.1' });
});

after(async () => {
  await srv.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

// A raw request, so that the path reaches the server exactly as written (fetch normalises '..').
function raw(reqPath, method = 'GET') {
  return new Promise((resolve, reject) => {
    const sock = net.connect(srv.port, '127.0.0.1', () => {
      sock.write(`${method} ${reqPath} HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n`);
    });
    let data = '';
    sock.on('data', (d) => (data += d.toString('latin1')));
    sock.on('end', () => resolve({ status: Number(data.split(' ')[1]), text: data }));
    sock.on('error', reject);
  });
}

test('url and port 0', () => {
  assert.ok(srv.port > 0);
  assert.equal(srv.url, `http://127.0.0.1:${srv.port}/`);
});

test('content types', async () => {
  const cases = {
    '': 'text/html',
    'index.html': 'text/html',
    'www/main.js': 'text/javascript',
    'www/a.mjs': 'text/javascript',
    'www/style.css': 'text/css',
    'www/d.json': 'application/json',
    'www/i.png': 'image/png',
    'www/pkg/convviz_bg.wasm': 'application/wasm',
  };
  for (const [p, type] of Object.entries(cases)) {
    const r = await fetch(srv.url + p);
    assert.equal(r.status, 200, p);
    assert.ok(r.headers.get('content-type').startsWith(type), `${p}: ${r.headers.get('content-type')}`);
    assert.equal(r.headers.get('cache-control'), 'no-store');
    assert.equal(r.headers.get('content-security-policy'), CONTENT_SECURITY_POLICY);
    await r.arrayBuffer();
  }
});

test('wasm body is intact and instantiable by streaming', async () => {
  const r = await fetch(srv.url + 'www/pkg/convviz_bg.wasm');
  const { module } = await WebAssembly.instantiateStreaming(r);
  assert.ok(module instanceof WebAssembly.Module);
});

test('csp is the strict one', () => {
  assert.match(CONTENT_SECURITY_POLICY, /script-src 'self' 'wasm-unsafe-eval'/);
  assert.match(CONTENT_SECURITY_POLICY, /frame-ancestors 'none'/);
});

test('double slashes and query strings', async () => {
  assert.equal((await raw('//')).status, 200);
  assert.equal((await raw('/www//main.js?v=1#x')).status, 200);
  assert.equal((await raw('*', 'GET')).status, 400);
});

test('missing file is 404, directory without slash redirects', async () => {
  assert.equal((await fetch(srv.url + 'nope.js')).status, 404);
  const r = await fetch(srv.url + 'www', { redirect: 'manual' });
  assert.equal(r.status, 301);
  assert.equal(r.headers.get('location'), '/www/');
  assert.equal((await fetch(srv.url + 'www/')).status, 404); // no index.html there
});

test('path traversal is refused', async () => {
  for (const p of ['/../secret.txt', '/www/../../secret.txt', '/%2e%2e/secret.txt', '/www/%2e%2e%2f%2e%2e%2fsecret.txt',
    '/..%2fsecret.txt', '/%2e%2e%5csecret.txt', '/..\\secret.txt', '/www/%00.js', '/link.txt', '/%E0%A4%A']) {
    const r = await raw(p);
    assert.ok([400, 403, 404].includes(r.status), `${p} -> ${r.status}`);
    assert.ok(!r.text.includes('secret\n') && !/\r\n\r\nsecret$/.test(r.text), `${p} leaked`);
  }
  assert.equal(resolveRequestPath('/srv', '/a/../../b'), null);
  assert.equal(resolveRequestPath('/srv', '/a/b.js'), path.resolve('/srv/a/b.js'));
});

test('methods other than GET/HEAD are 405; HEAD has no body', async () => {
  assert.equal((await fetch(srv.url + 'index.html', { method: 'POST' })).status, 405);
  const r = await raw('/index.html', 'HEAD');
  assert.equal(r.status, 200);
  assert.ok(r.text.endsWith('\r\n\r\n'));
});

test('prefix: the root served under a sub-path, as a static host serves a project site', async () => {
  const sub = await startServer({ root: path.join(dir, 'root'), port: 0, host: '127.0.0.1', prefix: '/course/convviz' });
  try {
    assert.equal(sub.url, `http://127.0.0.1:${sub.port}/course/convviz/`);
    const get = (p) => fetch(new URL(p, sub.url), { redirect: 'manual' });
    assert.equal((await get('/course/convviz/www/main.js')).status, 200);
    assert.equal(await (await get('/course/convviz/')).text(), '<!doctype html><title>x</title>');
    const bare = await get('/course/convviz');
    assert.equal(bare.status, 301);
    assert.equal(bare.headers.get('location'), '/course/convviz/');
    const dirNoSlash = await get('/course/convviz/www');
    assert.equal(dirNoSlash.headers.get('location'), '/course/convviz/www/');
    for (const outside of ['/www/main.js', '/index.html', '/course/www/main.js']) assert.equal((await get(outside)).status, 404, outside);
  } finally {
    await sub.close();
  }
});
