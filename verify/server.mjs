// A tiny static file server for the built site, bound to 127.0.0.1 on a free port.
// Behaves like the production host for what the checks need: "dir" -> 301 "dir/",
// "dir/" -> dir/index.html, unknown path -> 404 with the site's 404.html, and gzip for text
// (as nginx `gzip on` does in production: Lighthouse would otherwise time uncompressed CSS/JS).
import { createServer } from 'node:http';
import { createReadStream, promises as fs } from 'node:fs';
import path from 'node:path';
import { gzipSync } from 'node:zlib';

const TYPES = {
  '.html': 'text/html; charset=utf-8', '.css': 'text/css; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8', '.mjs': 'text/javascript; charset=utf-8',
  '.json': 'application/json; charset=utf-8', '.xml': 'application/xml; charset=utf-8',
  '.txt': 'text/plain; charset=utf-8', '.svg': 'image/svg+xml', '.png': 'image/png',
  '.jpg': 'image/jpeg', '.jpeg': 'image/jpeg', '.webp': 'image/webp', '.avif': 'image/avif',
  '.gif': 'image/gif', '.ico': 'image/x-icon', '.woff2': 'font/woff2', '.woff': 'font/woff',
  '.ttf': 'font/ttf', '.gz': 'application/gzip', '.webmanifest': 'application/manifest+json',
  '.pdf': 'application/pdf',
};

const COMPRESSIBLE = /^(text\/|application\/(json|xml|manifest\+json)|image\/svg\+xml)/;

// options.headers: extra response headers sent on every response (e.g. the security headers of
// the release's Netlify `_headers` file, see parseHeadersFile); off by default.
// options.rules: the per-path rules of a whole `_headers` file (parseHeaderRules), applied like
// Cloudflare Pages does: every rule whose path matches, in file order; in a rule, "! Name"
// first detaches a header an earlier rule set, then the rule's own headers are set.
export async function serve(root, options = {}) {
  const extra = options.headers || {};
  const rules = options.rules || [];
  const gzCache = new Map();
  root = await fs.realpath(root);
  const server = createServer(async (req, res) => {
    for (const [name, value] of Object.entries(extra)) res.setHeader(name, value);
    try {
      const url = new URL(req.url, 'http://127.0.0.1');
      for (const rule of rules) {
        if (!rule.test(url.pathname)) continue;
        for (const name of rule.detach) res.removeHeader(name);
        for (const [name, value] of Object.entries(rule.set)) res.setHeader(name, value);
      }
      let rel = decodeURIComponent(url.pathname);
      let file = path.join(root, rel);
      if (file !== root && !file.startsWith(root + path.sep)) return send404(res);
      let st = await fs.stat(file).catch(() => null);
      if (st && st.isDirectory()) {
        if (!rel.endsWith('/')) {
          res.writeHead(301, { Location: url.pathname + '/' + url.search });
          return res.end();
        }
        file = path.join(file, 'index.html');
        st = await fs.stat(file).catch(() => null);
      }
      if (!st || !st.isFile()) return send404(res);
      const type = TYPES[path.extname(file).toLowerCase()] || 'application/octet-stream';
      if (COMPRESSIBLE.test(type) && /\bgzip\b/.test(req.headers['accept-encoding'] || '')) {
        const key = `${file}:${st.mtimeMs}:${st.size}`;
        let body = gzCache.get(key);
        if (!body) { body = gzipSync(await fs.readFile(file), { level: 6 }); gzCache.set(key, body); }
        res.writeHead(200, { 'Content-Type': type, 'Content-Encoding': 'gzip', 'Vary': 'Accept-Encoding',
          'Content-Length': body.length, 'Cache-Control': 'no-cache' });
        return res.end(req.method === 'HEAD' ? undefined : body);
      }
      res.writeHead(200, { 'Content-Type': type, 'Content-Length': st.size, 'Cache-Control': 'no-cache' });
      if (req.method === 'HEAD') return res.end();
      createReadStream(file).pipe(res);
    } catch (e) {
      res.writeHead(500); res.end(String(e));
    }
  });
  async function send404(res) {
    const body = await fs.readFile(path.join(root, '404.html')).catch(() => Buffer.from('Not found'));
    res.writeHead(404, { 'Content-Type': 'text/html; charset=utf-8' });
    res.end(body);
  }
  await new Promise((ok) => server.listen(0, '127.0.0.1', ok));
  const base = `http://127.0.0.1:${server.address().port}/`;
  return { base, root, close: () => new Promise((ok) => { server.closeAllConnections(); server.close(ok); }) };
}

// Netlify `_headers`: only the `/*` block (all paths) is read; `  Name: value` lines below it.
export function parseHeaderRules(text) {
  const rules = [];
  let rule = null;
  for (const line of text.split('\n')) {
    if (!line.trim() || line.trim().startsWith('#')) continue;
    if (!/^\s/.test(line)) {
      const pattern = line.trim();
      const re = new RegExp(`^${pattern.replace(/[.+?^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*').replace(/:[A-Za-z]+/g, '[^/]+')}$`);
      rule = { pattern, test: (p) => re.test(p), set: {}, detach: [] };
      rules.push(rule);
      continue;
    }
    const detach = line.match(/^\s+!\s*([A-Za-z0-9-]+)\s*$/);
    if (rule && detach) { rule.detach.push(detach[1]); continue; }
    const m = line.match(/^\s+([A-Za-z0-9-]+):\s*(.*?)\s*$/);
    if (rule && m) rule.set[m[1]] = m[2];
  }
  return rules;
}

export function parseHeadersFile(text) {
  const headers = {};
  let inAll = false;
  for (const line of text.split('\n')) {
    if (!line.trim() || line.trim().startsWith('#')) continue;
    if (!/^\s/.test(line)) { inAll = line.trim() === '/*'; continue; }
    const m = line.match(/^\s+([A-Za-z0-9-]+):\s*(.*?)\s*$/);
    if (inAll && m) headers[m[1]] = m[2];
  }
  return headers;
}

// `node verify/server.mjs DIR [--headers]` serves DIR until interrupted (handy for looking at
// failures); --headers also sends the `/*` headers of DIR/_headers (CSP, …).
if (import.meta.url === `file://${process.argv[1]}`) {
  const dir = process.argv.slice(2).find((a) => !a.startsWith('--')) || 'public';
  const headers = process.argv.includes('--headers')
    ? parseHeadersFile(await fs.readFile(path.join(dir, '_headers'), 'utf8')) : {};
  const s = await serve(dir, { headers });
  console.log(`serving ${s.root} at ${s.base}`);
}
