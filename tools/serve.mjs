#!/usr/bin/env node
// Static file server for convviz: serves the repository root (index.html, www/, www/pkg/).
//
// CLI:     node tools/serve.mjs [--root DIR] [--port N] [--host H] [--prefix /course/convviz/]
//          (PORT / HOST env work too)
// Library: import { startServer } from './tools/serve.mjs';
//          const { server, url, close } = await startServer({ root, port: 0, host: '127.0.0.1' });
//
// `prefix` serves the root under a sub-path, as a static host serves a site that is not at its
// domain's root (GitHub Pages' https://user.github.io/repo/): anything outside it is a 404.
//
// No dependencies. Every response carries `Cache-Control: no-store` and a strict
// Content-Security-Policy; .wasm is served as application/wasm so that
// WebAssembly.instantiateStreaming works. Requests outside the root are refused.

import http from 'node:http';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

/** The Content-Security-Policy every response carries (the page is built to work under it). */
export const CONTENT_SECURITY_POLICY = [
  "default-src 'self'",
  "script-src 'self' 'wasm-unsafe-eval'",
  "style-src 'self'",
  "img-src 'self' data: blob:",
  "object-src 'none'",
  "base-uri 'none'",
  "frame-ancestors 'none'",
].join('; ');

/** Content types by lower-case file extension. */
export const MIME_TYPES = {
  '.html': 'text/html; charset=utf-8',
  '.htm': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
  '.wasm': 'application/wasm',
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.jpeg': 'image/jpeg',
  '.gif': 'image/gif',
  '.svg': 'image/svg+xml',
  '.ico': 'image/x-icon',
  '.webp': 'image/webp',
  '.txt': 'text/plain; charset=utf-8',
  '.md': 'text/markdown; charset=utf-8',
  '.ts': 'text/plain; charset=utf-8',
  '.woff2': 'font/woff2',
};

const DEFAULT_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

function baseHeaders(extra = {}) {
  return {
    'Cache-Control': 'no-store',
    'Content-Security-Policy': CONTENT_SECURITY_POLICY,
    'X-Content-Type-Options': 'nosniff',
    'Referrer-Policy': 'no-referrer',
    'Cross-Origin-Opener-Policy': 'same-origin',
    ...extra,
  };
}

function sendError(res, status, message) {
  const body = `${status} ${message}\n`;
  res.writeHead(status, baseHeaders({
    'Content-Type': 'text/plain; charset=utf-8',
    'Content-Length': Buffer.byteLength(body),
  }));
  res.end(res.req.method === 'HEAD' ? undefined : body);
}

/**
 * Map a request URL path to a file under `root`, or null when it would escape the root.
 * Decodes percent-escapes once, refuses NUL bytes and backslashes, and checks the result
 * (after resolving symlinks) still lies inside the root.
 */
export function resolveRequestPath(root, urlPath) {
  let decoded;
  try {
    decoded = decodeURIComponent(urlPath);
  } catch {
    return null;
  }
  if (decoded.includes('\0') || decoded.includes('\\')) return null;
  const segments = decoded.split('/');
  if (segments.some((s) => s === '..')) return null;
  const candidate = path.resolve(root, '.' + path.posix.normalize('/' + decoded));
  const rel = path.relative(root, candidate);
  if (rel.startsWith('..') || path.isAbsolute(rel)) return null;
  return candidate;
}

function isInside(root, p) {
  const rel = path.relative(root, p);
  return rel === '' || (!rel.startsWith('..') && !path.isAbsolute(rel));
}

/** '/course/convviz' → '/course/convviz/' ('' and '/' → '/'). */
function normalPrefix(prefix) {
  const p = `/${String(prefix ?? '').replace(/^\/+|\/+$/g, '')}/`;
  return p === '//' ? '/' : p;
}

function handler(root, log, prefix) {
  const realRoot = fs.realpathSync(root);
  return async (req, res) => {
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.setHeader('Allow', 'GET, HEAD');
      return sendError(res, 405, 'Method Not Allowed');
    }
    // The path part of the request target, as sent (no URL parsing: '//x' is a path here).
    const sent = String(req.url).split(/[?#]/, 1)[0];
    if (prefix !== '/' && sent === prefix.slice(0, -1)) {
      res.writeHead(301, baseHeaders({ Location: prefix }));
      return res.end();
    }
    if (!sent.startsWith(prefix)) return sendError(res, sent.startsWith('/') ? 404 : 400, sent.startsWith('/') ? 'Not Found' : 'Bad Request');
    const urlPath = sent.slice(prefix.length - 1);
    let file = resolveRequestPath(realRoot, urlPath);
    if (file === null) return sendError(res, 403, 'Forbidden');
    try {
      let stat = await fs.promises.stat(file);
      if (stat.isDirectory()) {
        if (!urlPath.endsWith('/')) {
          res.writeHead(301, baseHeaders({ Location: sent + '/' }));
          return res.end();
        }
        file = path.join(file, 'index.html');
        stat = await fs.promises.stat(file);
      }
      const real = await fs.promises.realpath(file);
      if (!isInside(realRoot, real)) return sendError(res, 403, 'Forbidden');
      if (!stat.isFile()) return sendError(res, 404, 'Not Found');
      const type = MIME_TYPES[path.extname(file).toLowerCase()] ?? 'application/octet-stream';
      res.writeHead(200, baseHeaders({ 'Content-Type': type, 'Content-Length': stat.size }));
      if (req.method === 'HEAD') return res.end();
      const stream = fs.createReadStream(real);
      stream.on('error', () => res.destroy());
      stream.pipe(res);
    } catch (e) {
      if (e && (e.code === 'ENOENT' || e.code === 'ENOTDIR')) return sendError(res, 404, 'Not Found');
      if (log) console.error(`serve: ${req.url}: ${e && e.message}`);
      return sendError(res, 500, 'Internal Server Error');
    } finally {
      if (log) console.log(`${req.method} ${req.url} -> ${res.statusCode}`);
    }
  };
}

/**
 * Start serving `root` on `host:port` (port 0 picks a free port), under `prefix` (default '/').
 * Resolves to `{ server, url, port, close }`; `url` (the prefix's) ends with '/', `close()`
 * resolves when stopped.
 */
export function startServer({ root = DEFAULT_ROOT, port = 8000, host = '127.0.0.1', log = false, prefix = '/' } = {}) {
  const absRoot = path.resolve(root);
  const base = normalPrefix(prefix);
  const server = http.createServer(handler(absRoot, log, base));
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      const actual = server.address().port;
      const shownHost = host.includes(':') ? `[${host}]` : host;
      resolve({
        server,
        port: actual,
        url: `http://${shownHost}:${actual}${base}`,
        close: () => new Promise((r) => {
          server.close(() => r());
          server.closeAllConnections?.();
        }),
      });
    });
  });
}

function parseArgs(argv) {
  const opts = {
    root: DEFAULT_ROOT,
    port: Number(process.env.PORT ?? 8000),
    host: process.env.HOST || '127.0.0.1',
    log: true,
  };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const next = () => {
      if (i + 1 >= argv.length) throw new Error(`${a} needs a value`);
      return argv[++i];
    };
    if (a === '--root') opts.root = next();
    else if (a === '--port' || a === '-p') opts.port = Number(next());
    else if (a === '--host') opts.host = next();
    else if (a === '--prefix') opts.prefix = next();
    else if (a === '--quiet' || a === '-q') opts.log = false;
    else if (a === '--help' || a === '-h') {
      console.log('usage: node tools/serve.mjs [--root DIR] [--port N] [--host H] [--prefix /sub/path/] [--quiet]');
      process.exit(0);
    } else throw new Error(`unknown argument ${a}`);
  }
  if (!Number.isInteger(opts.port) || opts.port < 0 || opts.port > 65535) {
    throw new Error(`port must be an integer in 0..65535 (got ${opts.port})`);
  }
  return opts;
}

const isMain = process.argv[1] && import.meta.url === pathToFileURL(path.resolve(process.argv[1])).href;
if (isMain) {
  let opts;
  try {
    opts = parseArgs(process.argv.slice(2));
  } catch (e) {
    console.error(`serve: ${e.message}`);
    process.exit(2);
  }
  try {
    const { url, close } = await startServer(opts);
    console.log(`convviz: serving ${path.resolve(opts.root)} at ${url}  (Ctrl-C to stop)`);
    const stop = async () => {
      await close();
      process.exit(0);
    };
    process.on('SIGINT', stop);
    process.on('SIGTERM', stop);
  } catch (e) {
    console.error(`serve: cannot listen on ${opts.host}:${opts.port}: ${e.message}`);
    process.exit(1);
  }
}
