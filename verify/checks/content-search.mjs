// Content search ignores diacritics: Material's search box (lunr over the hand-written pages:
// home, OCOP programme, Krông Nô; product pages are not in it) on the built site, in a phone-sized
// browser, in both languages. An unaccented query must give results, and the same first result as
// the accented one. Folding is done by theme_overrides/assets/javascripts/lunr/min/lunr.vi.min.js,
// loaded by Material's search worker (see that file).
//
//   import { checkContentSearch } from './checks/content-search.mjs';
//   const { ok, details } = await checkContentSearch(server.base, browser);
//
// base: URL of the served site root (ending in "/"); browser: a launched playwright-core
// chromium Browser. The check opens and closes its own contexts.

const MOBILE = { viewport: { width: 360, height: 740 }, isMobile: true, hasTouch: true, deviceScaleFactor: 2 };

// [unaccented, accented] query pairs; each word occurs on the language's content pages.
const CASES = [
  { lang: 'vi', path: '', locale: 'vi-VN', pairs: [['chuong trinh', 'chương trình'], ['lam dong', 'Lâm Đồng']] },
  { lang: 'en', path: 'en/', locale: 'en-US', pairs: [['krong no', 'Krông Nô'], ['dak nong', 'Đắk Nông']] },
];

// Results unchanged this long after the last key = the worker has answered (longer for none).
const SETTLE_MS = 600;
const SETTLE_EMPTY_MS = 3000;
const TIMEOUT_MS = 15000;

// Folding as the site does it (NFD, combining marks dropped, đ → d, lower case), to check that
// the highlighted words are the query's words.
const fold = (s) => s.normalize('NFD').replace(/\p{M}/gu, '').replace(/đ/g, 'd').replace(/Đ/g, 'D').toLowerCase();

// The results list once it has stopped changing: count, first result's link, its marked words.
async function settledResults(page) {
  const read = () => page.evaluate(() => {
    const items = [...document.querySelectorAll('.md-search-result__item')];
    const first = items[0];
    return {
      count: items.length,
      first: first ? new URL(first.querySelector('a')?.href ?? '', location.href).pathname : null,
      title: first ? (first.querySelector('h1, h2')?.textContent ?? '').trim() : null,
      marks: first ? [...first.querySelectorAll('mark')].map((m) => m.textContent) : [],
      meta: document.querySelector('.md-search-result__meta')?.textContent.trim() ?? '',
      // Highlighting must stay well-formed when two spellings of a word match the same place.
      broken: document.querySelectorAll('.md-search-result mark mark').length
        + (document.querySelector('.md-search-result__list')?.textContent.match(/<\/?mark|ark>/g) || []).length,
    };
  });
  const start = Date.now();
  let last = await read(), since = Date.now();
  while (Date.now() - start < TIMEOUT_MS) {
    await page.waitForTimeout(100);
    const now = await read();
    if (JSON.stringify(now) !== JSON.stringify(last)) { last = now; since = Date.now(); continue; }
    if (Date.now() - since >= (now.count > 0 ? SETTLE_MS : SETTLE_EMPTY_MS)) return now;
  }
  return last;
}

async function search(page, query) {
  const input = page.locator('input.md-search__input');
  await input.fill('');
  await input.pressSequentially(query, { delay: 40 });
  return settledResults(page);
}

export async function checkContentSearch(base, browser) {
  const details = [];
  let ok = true;
  const fail = (message) => { ok = false; details.push(`FAIL ${message}`); };
  for (const { lang, path, locale, pairs } of CASES) {
    const context = await browser.newContext({ ...MOBILE, locale });
    try {
      const page = await context.newPage();
      const errors = [];
      page.on('pageerror', (e) => errors.push(String(e).split('\n')[0]));
      page.on('console', (m) => { if (m.type() === 'error' || m.type() === 'warning') errors.push(m.text().split('\n')[0]); });
      page.on('requestfailed', (r) => errors.push(`request failed ${r.url().replace(base, '/')}`));
      const loaded = [];
      page.on('response', (r) => { if (/\/lunr\/|search_index\.json|workers\//.test(r.url())) loaded.push(`${r.status()} ${new URL(r.url()).pathname}`); });
      await page.goto(base + path, { waitUntil: 'load' });
      // Material's bundle starts on the first interaction (theme_overrides/main.html): the tap on
      // the search button both opens the search and starts it.
      await page.locator('label[for="__search"]').first().tap({ timeout: 5000 });
      const started = await page.waitForFunction(() => document.documentElement.classList.contains('js'), null, { timeout: 10000 })
        .then(() => true, () => false);
      if (!started) { fail(`/${path}: Material's bundle did not start after tapping the search button`); continue; }
      for (const [plain, accented] of pairs) {
        const a = await search(page, plain);
        const b = await search(page, accented);
        const words = fold(plain).split(/\s+/);
        const marked = a.marks.map(fold);
        details.push(`/${path} "${plain}": ${a.count} results, first ${a.first} "${a.title}" marks [${a.marks.join(', ')}]; "${accented}": ${b.count} results, first ${b.first}`);
        if (!a.count) fail(`/${path} "${plain}": no results (${a.meta})`);
        if (!b.count) fail(`/${path} "${accented}": no results (${b.meta})`);
        if (a.count && b.count && a.first !== b.first) fail(`/${path} "${plain}" first result ${a.first} != "${accented}" first result ${b.first}`);
        if (a.broken || b.broken) fail(`/${path} "${plain}" / "${accented}": ${a.broken + b.broken} nested or broken <mark> in the results`);
        if (a.count && !words.every((w) => marked.some((m) => m.startsWith(w)))) fail(`/${path} "${plain}": first result does not highlight every query word (marks [${a.marks.join(', ')}])`);
      }
      // Which lunr files the worker fetched (the override is lunr.vi.min.js), and no errors.
      details.push(`/${path} (${lang}) fetched: ${loaded.join(', ')}`);
      if (!loaded.some((l) => /^200 .*\/lunr\/min\/lunr\.vi\.min\.js$/.test(l))) fail(`/${path}: the search worker did not load lunr/min/lunr.vi.min.js (plugins.search.lang must list vi)`);
      if (errors.length) fail(`/${path}: console/page errors: ${errors.join(' | ')}`);
    } catch (e) {
      fail(`/${path}: ${String(e && e.stack || e).split('\n')[0]}`);
    } finally {
      await context.close();
    }
  }
  return { ok, details };
}
