// The embeddable widget in a real browser: a host page on ANOTHER origin (its own server and
// port) embeds the catalogue with /nhung/embed.js, as the district's portal would.
//
// Expected sets are never written here: they come from the site's own listing pages (a group
// and the star ratings, in the catalogue's order). The catalogue is served with the per-path
// headers of its `_headers` file (server.mjs `rules`), so the framing rules are the release's.
import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

const VIEW = { viewport: { width: 412, height: 900 } };
const norm = (s) => s.trim().replace(/\s+/g, ' ');

async function cardNames(page, url) {
  await page.goto(url, { waitUntil: 'load' });
  return (await page.locator('.ocop-card__name').allTextContents()).map(norm);
}

async function frameOf(page, selector) {
  const handle = await page.waitForSelector(selector, { timeout: 10000 });
  const iframe = await handle.$('iframe');
  return { iframe, frame: await iframe.contentFrame() };
}

export async function checkEmbed(base, browser, serve) {
  const details = [];
  const fails = [];
  const context = await browser.newContext(VIEW);
  const page = await context.newPage();
  const errors = [];
  page.on('pageerror', (e) => errors.push(e.message));
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'ocop-host-'));
  let host;
  try {
    // Expected: products of group "thuc-pham" with 4 or 5 stars, first 4 in catalogue order.
    const all = await cardNames(page, `${base}danh-muc/`);
    const firstId = await page.evaluate(() => new URL(document.querySelector('.ocop-card a').href).pathname.split('/').filter(Boolean).pop());
    const group = new Set(await cardNames(page, `${base}nhom/thuc-pham/`));
    const starred = new Set([...(await cardNames(page, `${base}sao/4/`)), ...(await cardNames(page, `${base}sao/5/`))]);
    const expected = all.filter((n) => group.has(n) && starred.has(n));
    const first = all[0];
    await page.goto(`${base}en/san-pham/${firstId}/`, { waitUntil: 'load' });
    const firstEn = norm(await page.evaluate(() => {
      const h1 = document.querySelector('h1').cloneNode(true);
      for (const anchor of h1.querySelectorAll('.headerlink')) anchor.remove();
      return h1.textContent;
    }));

    await fs.writeFile(path.join(dir, 'index.html'), `<!doctype html><html lang="vi"><head><meta charset="utf-8"><title>Cổng thông tin (thử)</title></head><body>
<h1>Host page</h1>
<div id="grid" data-ocop-embed data-ocop-nhom="thuc-pham" data-ocop-sao="4,5" data-ocop-n="4"></div>
<p id="after">after the widget</p>
<div id="one" data-ocop-embed data-ocop-sp="${firstId}" data-ocop-lang="en"></div>
<iframe id="refused" title="not embeddable" src="${base}san-pham/${firstId}/" style="width:100%;height:300px"></iframe>
<script src="${base}nhung/embed.js"></script>
</body></html>`);
    host = await serve(dir);
    if (new URL(host.base).origin === new URL(base).origin) fails.push('the host page is not on another origin');
    await page.goto(host.base, { waitUntil: 'load' });

    // (a) the grid: the right products, links to new tabs
    const grid = await frameOf(page, '#grid');
    await grid.frame.waitForSelector('#ocop-embed-list li', { timeout: 10000 });
    const shown = (await grid.frame.locator('.ocop-card__name').allTextContents()).map(norm);
    const want = expected.slice(0, 4);
    if (shown.join('|') !== want.join('|')) fails.push(`grid shows ${JSON.stringify(shown)}, the listings give ${JSON.stringify(want)}`);
    const links = await grid.frame.$$eval('#ocop-embed-list a', (as) => as.map((a) => [a.target, a.rel, a.href]));
    if (!links.length || links.some(([target, rel]) => target !== '_blank' || !rel.includes('noopener'))) fails.push(`card links must open a new tab with rel=noopener: ${JSON.stringify(links.slice(0, 2))}`);
    details.push(`grid nhom=thuc-pham sao=4,5 n=4: ${shown.length} products = listings (${expected.length} match in all)`);

    // (b) the iframe grows to its content: no inner scroll, no clipping
    await page.waitForTimeout(800);
    const sizes = await page.evaluate(() => [...document.querySelectorAll('[data-ocop-embed] iframe')].map((f) => f.getBoundingClientRect().height));
    for (const [name, target] of [['grid', grid], ['single', await frameOf(page, '#one')]]) {
      const inner = await target.frame.evaluate(() => ({ scroll: document.documentElement.scrollHeight, height: innerHeight }));
      if (inner.scroll > inner.height + 1) fails.push(`${name}: content ${inner.scroll}px is taller than its iframe ${inner.height}px`);
    }
    if (!(sizes[0] > 480)) fails.push(`the grid iframe kept its reserved height (${sizes[0]}px)`);
    details.push(`iframes sized to content: ${sizes.map((s) => `${Math.round(s)}px`).join(', ')} (reserved 480px)`);

    // (c) one product, English
    const one = await frameOf(page, '#one');
    await one.frame.waitForSelector('#ocop-embed-list li', { timeout: 10000 });
    const single = (await one.frame.locator('.ocop-card__name').allTextContents()).map(norm);
    if (single.join('|') !== firstEn) fails.push(`single product shows ${JSON.stringify(single)}, expected ${JSON.stringify(firstEn)} (vi: ${first})`);
    details.push(`single product ${firstId} (en): "${single[0] || ''}"`);

    // (d) a page that is not embeddable refuses to be framed
    const refused = await page.$('#refused');
    const refusedFrame = await refused.contentFrame();
    // Refused: the browser shows its own error page in the frame, not the catalogue's page.
    const framed = refusedFrame ? await refusedFrame.evaluate(() => !!document.querySelector('.md-header')).catch(() => false) : false;
    if (framed) fails.push(`/san-pham/${firstId}/ was shown inside another site's iframe`);
    details.push(`/san-pham/${firstId}/ in a foreign iframe: refused${refusedFrame ? ` (${refusedFrame.url().slice(0, 40)})` : ''}`);
    if (errors.length) fails.push(`page errors: ${errors.join('; ')}`);
  } finally {
    await context.close();
    if (host) await host.close();
    await fs.rm(dir, { recursive: true, force: true });
  }
  return { details, fails };
}
