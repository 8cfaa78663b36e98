// Browser half of the search benchmark (bench/search.py starts it; see its docstring).
//
//   node bench/search_probe.mjs CONFIG.json   → one JSON object on stdout
//
// CONFIG: { site, page, query, filter: {key: value}, rounds, viewport: [w, h], dpr, chrome,
//           typing: [{name, delay} | {name, link}] }
//
// 1. Transfer: for each typing mode, a fresh browser context (phone viewport, touch, an
//    empty HTTP cache) opens the search page, waits for the first results, taps the search box, types the
//    query with `delay` ms between keys and waits for the results; a `link` mode opens the page
//    with that query string (`?tim=…`, the search box's field) instead and types nothing. Every response is recorded with
//    its phase (open / query), status, type and transferred bytes.
// 2. Latency: another fresh context opens the page; the page's own search box is timed per
//    prefix of the query, `rounds` times, without and with the filter ticked.
//
// Bytes: every response from Playwright's context-wide events, headers size + the encoded body
// (Content-Length, which verify/server.mjs always sends: the gzip size for text, the file size
// otherwise). For the requests the page's CDP session sees (`Network.loadingFinished.
// encodedDataLength`: body as sent + headers, exact), the CDP figure is recorded too and the
// largest difference reported, as a check of the method.
import { createRequire } from 'node:module';
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const require = createRequire(import.meta.url);
const { chromium } = require('playwright-core');
const PROJECT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const { serve } = await import(path.join(PROJECT, 'verify', 'server.mjs'));

const config = JSON.parse(await fs.readFile(process.argv[2], 'utf8'));
const CHROME_FLAGS = ['--headless=new', '--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage',
  '--disable-background-networking', '--disable-component-update', '--no-first-run'];
const SETTLE_MS = 800; // no request in flight for this long = the page is done loading
const TIMEOUT_MS = 15 * 60 * 1000;

const sleep = (ms) => new Promise((ok) => setTimeout(ok, ms));

function contextOptions() {
  const [width, height] = config.viewport;
  return { viewport: { width, height }, isMobile: true, hasTouch: true, deviceScaleFactor: config.dpr };
}

// Requests of a context: phase, bytes, and a way to wait until the network is quiet.
function recorder(context) {
  const records = [];
  const phaseOf = new Map();
  let phase = 'open';
  let inflight = 0;
  let last = Date.now();
  const pending = [];
  const skip = (url) => url.startsWith('data:') || url.startsWith('blob:');
  context.on('request', (request) => {
    if (skip(request.url())) return;
    phaseOf.set(request, phase);
    inflight += 1;
    last = Date.now();
  });
  const finish = (request, failed) => {
    if (skip(request.url())) return;
    const job = (async () => {
      const response = failed ? null : await request.response();
      const sizes = failed ? null : await request.sizes().catch(() => null);
      const length = response ? parseInt((await response.allHeaders())['content-length'] || '', 10) : NaN;
      records.push({
        url: request.url(),
        phase: phaseOf.get(request) || phase,
        status: response ? response.status() : 0,
        type: response ? (await response.allHeaders())['content-type'] || '' : '',
        resourceType: request.resourceType(),
        headers: sizes ? sizes.responseHeadersSize : 0,
        body: Number.isFinite(length) ? length : (sizes ? sizes.responseBodySize : 0),
        failed: failed ? (request.failure() || {}).errorText || 'failed' : '',
      });
    })().finally(() => { inflight -= 1; last = Date.now(); });
    pending.push(job);
  };
  context.on('requestfinished', (request) => finish(request, false));
  context.on('requestfailed', (request) => finish(request, true));
  return {
    records,
    setPhase(p) { phase = p; },
    async settle(ready) {
      const started = Date.now();
      for (;;) {
        await sleep(100);
        if (inflight <= 0 && Date.now() - last >= SETTLE_MS && (await ready())) break;
        if (process.env.PROBE_DEBUG) console.error(`settle: ${inflight} in flight, ${Date.now() - last} ms quiet`);
        if (Date.now() - started > TIMEOUT_MS) throw new Error('timed out waiting for the page to settle');
      }
      await Promise.all(pending);
    },
  };
}

// CDP figures of the requests the page's own session sees (not those of workers).
async function cdpSizes(context, page) {
  const cdp = await context.newCDPSession(page);
  await cdp.send('Network.enable');
  if (config.disableCache) await cdp.send('Network.setCacheDisabled', { cacheDisabled: true });
  const urls = new Map();
  const sizes = [];
  cdp.on('Network.requestWillBeSent', (e) => urls.set(e.requestId, e.request.url));
  cdp.on('Network.loadingFinished', (e) => {
    const url = urls.get(e.requestId);
    if (url && !url.startsWith('data:')) sizes.push({ url, bytes: e.encodedDataLength });
  });
  return sizes;
}

// Installed in the page before typing: counts the searches the page's script completes (each
// ends by writing the result count into #ocop-status and clearing aria-busy on the list; a search
// overtaken by a newer one is dropped without either), when the last one ended and when the last
// key was typed.
function watchSearches() {
  const status = document.getElementById('ocop-status');
  const loading = JSON.parse(document.getElementById('ocop-search-labels').textContent).search_loading;
  window.__ocopSearches = 0;
  document.getElementById('ocop-q').addEventListener('input', () => { window.__ocopLastKey = performance.now(); });
  new MutationObserver(() => {
    if (status.textContent !== loading) {
      window.__ocopSearches += 1;
      window.__ocopShown = performance.now();
    }
  }).observe(status, { childList: true, characterData: true, subtree: true });
}

// The page shows the results of its latest search: a count (or "none") in the status, and the
// list no longer marked busy (the page marks it busy at every keystroke and search).
function resultsShown() {
  const status = document.getElementById('ocop-status');
  const loading = JSON.parse(document.getElementById('ocop-search-labels').textContent).search_loading;
  const busy = document.getElementById('ocop-results').hasAttribute('aria-busy');
  return !busy && status.textContent.trim() !== '' && status.textContent !== loading;
}

async function transfer(browser, base, mode) {
  const context = await browser.newContext(contextOptions());
  const page = await context.newPage();
  const cdp = await cdpSizes(context, page);
  const rec = recorder(context);
  const errors = [];
  page.on('pageerror', (e) => errors.push(String(e)));
  page.on('console', (m) => { if (m.type() === 'error') errors.push(m.text()); });
  await page.goto(base + config.page + (mode.link || ''), { waitUntil: 'load' });
  await rec.settle(() => page.evaluate(resultsShown));
  const openStatus = await page.textContent('#ocop-status');
  if (!mode.link) {
    rec.setPhase('query');
    await page.evaluate(watchSearches);
    const box = page.locator('#ocop-q');
    await box.tap();
    await box.pressSequentially(config.query, { delay: mode.delay });
    await rec.settle(() => page.evaluate(() => window.__ocopSearches > 0 && document.getElementById('ocop-q').value.length > 0)
      .then(async (typed) => typed && page.evaluate(resultsShown)));
  }
  const out = {
    name: mode.name,
    delay: mode.delay || 0,
    link: mode.link || '',
    openStatus,
    queryStatus: await page.textContent('#ocop-status'),
    searches: mode.link ? 1 : await page.evaluate(() => window.__ocopSearches),
    // From the last key to the results of the whole query (the page waits 120 ms first).
    waitMs: mode.link ? 0 : await page.evaluate(() => window.__ocopShown - window.__ocopLastKey),
    cards: await page.evaluate(() => document.querySelectorAll('#ocop-results > li').length),
    records: rec.records,
    cdp,
    errors,
  };
  await context.close();
  return out;
}

// In the page: its own search box, per prefix of the query, without and with the filter ticked.
// From the input event to the first frame after the page shows the results (status written,
// list no longer busy), less the page's 120 ms typing pause: matching, facet counts, ordering,
// the cards.
async function inPage({ query, filter, rounds }) {
  const prefixes = [...query].map((_, i) => query.slice(0, i + 1));
  const input = document.getElementById('ocop-q');
  const list = document.getElementById('ocop-results');
  const status = document.getElementById('ocop-status');
  const frame = () => new Promise((ok) => requestAnimationFrame(() => setTimeout(ok, 0)));
  const count = () => parseInt(status.textContent.replace(/[^0-9]/g, ''), 10) || 0;
  function uiOnce(value) {
    return new Promise((resolve) => {
      let started = 0;
      const observer = new MutationObserver(async () => {
        if (list.hasAttribute('aria-busy')) return;
        observer.disconnect();
        await frame();
        resolve({ ms: performance.now() - started - 120, results: count() });
      });
      observer.observe(list, { attributes: true, attributeFilter: ['aria-busy'] });
      input.value = value;
      started = performance.now();
      input.dispatchEvent(new Event('input', { bubbles: true }));
    });
  }
  const out = {};
  for (const name of ['plain', 'filter']) {
    if (name === 'filter') {
      for (const [key, value] of Object.entries(filter)) {
        const box = document.querySelector(`#ocop-facets input[name="${CSS.escape(key)}"][value="${CSS.escape(value)}"]`);
        if (!box) { out.filter = { missing: `${key}=${value}` }; return out; }
        box.checked = true;
      }
    }
    out[name] = [];
    for (let round = 0; round < rounds; round += 1) {
      await uiOnce(' '); // no words (with the filter ticked, it is part of this search)
      for (const prefix of prefixes) out[name].push({ round, prefix, ...(await uiOnce(prefix)) });
    }
  }
  return out;
}

async function latency(browser, base) {
  const context = await browser.newContext(contextOptions());
  const page = await context.newPage();
  const rec = recorder(context);
  const errors = [];
  page.on('pageerror', (e) => errors.push(String(e)));
  await page.goto(base + config.page, { waitUntil: 'load' });
  await rec.settle(() => page.evaluate(resultsShown));
  const out = await page.evaluate(inPage, { query: config.query, filter: config.filter, rounds: config.rounds });
  await context.close();
  return { ...out, errors };
}

const srv = await serve(config.site);
const browser = await chromium.launch({ executablePath: config.chrome, args: CHROME_FLAGS, headless: true });
try {
  const result = { browser: `Chromium ${browser.version()}`, node: process.version, transfer: [] };
  for (const mode of config.typing) result.transfer.push(await transfer(browser, srv.base, mode));
  result.latency = config.rounds > 0 ? await latency(browser, srv.base) : {};
  for (const run of result.transfer) {
    for (const r of run.records) r.url = r.url.startsWith(srv.base) ? r.url.slice(srv.base.length) : r.url;
    for (const c of run.cdp) c.url = c.url.startsWith(srv.base) ? c.url.slice(srv.base.length) : c.url;
  }
  process.stdout.write(JSON.stringify(result) + '\n');
} finally {
  await browser.close();
  await srv.close();
}
