// The catalogue search page (/tim-kiem/, /en/tim-kiem/) in a real browser, at phone width.
//
// Expected sets are never written here: they come from the site itself — the catalogue's cards
// (names) and the listing pages of one star rating or one group (the server-side lists without
// JavaScript) — so the check follows the sample data.
const MOBILE = { viewport: { width: 360, height: 740 }, isMobile: true, hasTouch: true, deviceScaleFactor: 2 };
const fold = (s) => s.normalize('NFD').replace(/\p{M}/gu, '').replace(/đ/g, 'd').replace(/Đ/g, 'D').toLowerCase();
const norm = (s) => s.trim().replace(/\s+/g, ' ');

async function cardNames(page, url) {
  await page.goto(url, { waitUntil: 'load' });
  return (await page.locator('.ocop-card__name').allTextContents()).map(norm);
}

async function results(page) {
  return (await page.locator('#ocop-results .ocop-card__name').allTextContents()).map(norm);
}

// Waits until the results are those of the current state: the page marks the list aria-busy
// from the first keystroke or click until the matching results are in.
async function settled(page) {
  await page.waitForTimeout(50);
  await page.waitForFunction(() => {
    const list = document.getElementById('ocop-results');
    return !list.hasAttribute('aria-busy') && document.getElementById('ocop-status').textContent.trim() !== '';
  }, null, { timeout: 10000 });
}

const sameSet = (a, b) => a.length === b.length && [...a].sort().join('\n') === [...b].sort().join('\n');

export async function checkCatalogueSearch(base, browser) {
  const details = [];
  const fails = [];
  const context = await browser.newContext(MOBILE);
  const page = await context.newPage();
  const errors = [];
  page.on('pageerror', (e) => errors.push(e.message));
  try {
    // Each language searches its own texts: coffee is "cà phê" in Vietnamese names, while the
    // English names keep the place name "Nâm Nung".
    for (const [lang, prefix, query, accented, upper] of [['vi', '', 'ca phe', 'cà phê', 'CA PHÊ'], ['en', 'en/', 'nam nung', 'Nâm Nung', 'NÂM NUNG']]) {
      const all = await cardNames(page, `${base}${prefix}danh-muc/`);
      // (a) no query: every product, in the catalogue's order (alphabetical by folded name),
      // built into the page: nothing is fetched from the index.
      const fetched = [];
      const watch = (request) => { if (request.url().includes('/search-index/')) fetched.push(request.url()); };
      page.on('request', watch);
      await page.goto(`${base}${prefix}tim-kiem/`, { waitUntil: 'load' });
      await settled(page);
      await page.waitForTimeout(300);
      page.off('request', watch);
      let shown = await results(page);
      const total = await page.locator('#ocop-status').textContent();
      if (!sameSet(shown, all)) fails.push(`${lang}: empty query shows ${shown.length} products, catalogue has ${all.length}`);
      if (fetched.length) fails.push(`${lang}: the search page as opened fetched ${fetched.join(', ')}`);
      // Sorted by name, the script computes the list and the counts from the index files: the
      // catalogue's order, and the counts built into the page.
      await page.goto(`${base}${prefix}tim-kiem/?sx=ten`, { waitUntil: 'load' });
      await settled(page);
      const sorted = await results(page);
      if (sorted.join('|') !== all.slice(0, sorted.length).join('|') || !sorted.length) fails.push(`${lang}: ?sx=ten shows ${JSON.stringify(sorted)}, the catalogue ${JSON.stringify(all)}`);
      const counts = await page.evaluate(async () => {
        const read = (root) => [...root.querySelectorAll('#ocop-facets label')].map((l) => `${l.querySelector('input').name}=${l.querySelector('input').value}:${l.querySelector('[data-count]').textContent}`);
        const built = new DOMParser().parseFromString(await (await fetch(location.pathname)).text(), 'text/html');
        return { live: read(document), built: read(built) };
      });
      if (counts.live.join('|') !== counts.built.join('|') || !counts.live.length) fails.push(`${lang}: live facet counts ${JSON.stringify(counts.live)} differ from the built ones ${JSON.stringify(counts.built)}`);
      details.push(`${lang}: ${shown.length}/${all.length} products with no query ("${norm(total)}"), no index request; ?sx=ten: catalogue order, ${counts.live.length} facet counts computed = built`);
      await page.goto(`${base}${prefix}tim-kiem/`, { waitUntil: 'load' }); // best match again
      // (b) diacritics: unaccented, accented and upper case give the same set, which holds every
      // product whose folded name contains the query, those first.
      const named = all.filter((n) => fold(n).includes(fold(query)));
      const sets = {};
      for (const q of [query, accented, upper]) {
        await page.locator('#ocop-q').fill('');
        await page.locator('#ocop-q').pressSequentially(q, { delay: 30 });
        await settled(page);
        sets[q] = await results(page);
      }
      const first = sets[query];
      if (!named.length) fails.push(`${lang}: no product named with "${query}" in the catalogue to test with`);
      if (!sameSet(first, sets[accented]) || !sameSet(first, sets[upper])) fails.push(`${lang}: "${query}", "${accented}", "${upper}" differ: ${JSON.stringify(sets)}`);
      if (!sameSet(first.slice(0, named.length), named)) fails.push(`${lang}: "${query}" does not list the ${named.length} products named with it first: ${JSON.stringify(first)}`);
      if (new URL(page.url()).searchParams.get('tim') !== upper) fails.push(`${lang}: URL ${page.url()} does not hold the query`);
      details.push(`${lang}: "${query}"/"${accented}"/"${upper}" → same ${first.length} results, the ${named.length} named ones first`);
      // The search box of the home page opens the search page with the words typed.
      await page.goto(`${base}${prefix}`, { waitUntil: 'load' });
      await page.locator('#ocop-q-browse').fill(accented);
      await Promise.all([page.waitForURL(/\/tim-kiem\/\?tim=/), page.locator('#ocop-q-browse').press('Enter')]);
      await settled(page);
      const fromHome = await results(page);
      if (!sameSet(fromHome, first) || (await page.locator('#ocop-q').inputValue()) !== accented) fails.push(`${lang}: the home page's search box gave ${JSON.stringify(fromHome)} at ${page.url()}`);
      details.push(`${lang}: home page search box → ${new URL(page.url()).pathname}?tim=… with the same ${fromHome.length} results`);
      // (c) facets: OR within stars (4 or 5), AND with a group; expected from the listing pages.
      await page.locator('#ocop-q').fill('');
      await page.locator('#ocop-q').press('Enter');
      await settled(page);
      const filters = page.locator('#ocop-filters');
      if (!(await filters.evaluate((d) => d.open))) await filters.locator('summary').click();
      // The group with the most products, so that the combination has something to find.
      const groupName = await page.locator('fieldset[data-facet="nhom"] label').evaluateAll((labels) => labels
        .map((l) => [l.querySelector('input').value, Number(l.querySelector('[data-count]').textContent)])
        .sort((a, b) => b[1] - a[1])[0][0]);
      const star4 = new Set(await cardNames(page, `${base}${prefix}sao/4/`));
      const star5 = new Set(await cardNames(page, `${base}${prefix}sao/5/`));
      await page.goto(`${base}${prefix}danh-muc/`, { waitUntil: 'load' });
      const groupHref = await page.locator('.ocop-browse a', { hasText: groupName }).first().getAttribute('href');
      const inGroup = new Set(await cardNames(page, new URL(groupHref, page.url()).href));
      const expected = all.filter((n) => (star4.has(n) || star5.has(n)) && inGroup.has(n));
      await page.goto(`${base}${prefix}tim-kiem/`, { waitUntil: 'load' });
      await settled(page);
      if (!(await page.locator('#ocop-filters').evaluate((d) => d.open))) await page.locator('#ocop-filters summary').click();
      // Keyboard: focus a checkbox and press Space, as a keyboard user does.
      await page.locator('fieldset[data-facet="sao"] input[value="4"]').focus();
      await page.keyboard.press('Space');
      await settled(page);
      const after4 = await results(page);
      await page.locator('fieldset[data-facet="sao"] input[value="5"]').check();
      await settled(page);
      await page.locator(`fieldset[data-facet="nhom"] input[value="${groupName}"]`).check();
      await settled(page);
      const combined = await results(page);
      if (!sameSet(after4, all.filter((n) => star4.has(n)))) fails.push(`${lang}: 4★ (ticked with the keyboard) gives ${JSON.stringify(after4)}`);
      if (!sameSet(combined, expected)) fails.push(`${lang}: (4★ or 5★) and "${groupName}" gives ${JSON.stringify(combined)}, listing pages say ${JSON.stringify(expected)}`);
      // The group facet's own counts ignore the group filter: its count equals the expected size.
      const groupCount = await page.locator('fieldset[data-facet="nhom"] label', { has: page.locator(`input[value="${groupName}"]`) }).locator('[data-count]').textContent();
      if (Number(groupCount) !== expected.length) fails.push(`${lang}: count beside "${groupName}" is ${groupCount}, expected ${expected.length}`);
      details.push(`${lang}: (4★ or 5★) and ${groupName} → ${combined.length} (listing pages: ${expected.length}); 4★ alone ${after4.length}`);
      // (d) the URL round-trips the state, and Back undoes the last filter.
      const url = page.url();
      const params = new URL(url).searchParams;
      if (!(params.getAll('sao').includes('4') && params.getAll('sao').includes('5') && params.get('nhom') === groupName)) fails.push(`${lang}: URL ${url} does not hold the filters`);
      const copy = await context.newPage();
      await copy.goto(url, { waitUntil: 'load' });
      await settled(copy);
      const reopened = await results(copy);
      const checked = await copy.locator('#ocop-facets input:checked').count();
      if (!sameSet(reopened, combined) || checked !== 3) fails.push(`${lang}: opening ${url} gives ${reopened.length} results, ${checked} boxes ticked`);
      await copy.close();
      await page.goBack();
      await settled(page);
      const back = await results(page);
      const backUrl = new URL(page.url()).searchParams;
      if (!sameSet(back, all.filter((n) => star4.has(n) || star5.has(n))) || backUrl.get('nhom')) fails.push(`${lang}: Back gives ${back.length} results at ${page.url()}`);
      details.push(`${lang}: URL reopens the same ${reopened.length} results with ${checked} boxes ticked; Back → ${back.length}`);
      // (e) sorting by stars: every 5★ product before every 4★ before every 3★, then the rest
      await page.goto(`${base}${prefix}tim-kiem/?sx=sao`, { waitUntil: 'load' });
      await settled(page);
      const star3 = new Set(await cardNames(page, `${base}${prefix}sao/3/`));
      await page.goto(`${base}${prefix}tim-kiem/?sx=sao`, { waitUntil: 'load' });
      await settled(page);
      const byStars = await results(page);
      const rank = (n) => (star5.has(n) ? 3 : star4.has(n) ? 2 : star3.has(n) ? 1 : 0);
      const ranks = byStars.map(rank);
      const sortedOk = ranks.every((r, i) => i === 0 || ranks[i - 1] >= r) && byStars.length === all.length;
      if (!sortedOk || (await page.locator('#ocop-sort').inputValue()) !== 'sao') fails.push(`${lang}: ?sx=sao gives stars ${ranks.join(',')}`);
      details.push(`${lang}: ?sx=sao → ${byStars.length} products ordered 5★ → 4★ → 3★ → no stars`);
      // (f) no horizontal scroll at 360 px with results and filters open
      const overflow = await page.evaluate(() => document.documentElement.scrollWidth - Math.min(window.innerWidth, document.documentElement.clientWidth, 360));
      if (overflow > 0) fails.push(`${lang}: ${overflow} px horizontal overflow at 360 px`);
    }
    if (errors.length) fails.push(`page errors: ${errors.join(' | ')}`);
  } finally { await context.close(); }
  return { ok: fails.length === 0, details, fails };
}
