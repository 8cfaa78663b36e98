// Catalogue search page (/tim-kiem/, /en/tim-kiem/): Pagefind + facets, state in the URL.
//
// The page is built complete (search box, every facet value with its count, sort list); this
// module fills the results and keeps the counts current. Pagefind (generator/search.py) loads
// only the index chunks a query needs and picks the index of the page's <html lang>.
//
// Facets combine with AND across facets and OR within one. Each facet's counts are those of the
// results with every OTHER facet applied, so a visitor sees what ticking one more value adds.
// The URL holds the state (tim = the words, sx = sort, one parameter per facet value, n = results shown): typing
// replaces the history entry, ticking a filter or changing the sort adds one, so Back undoes it.
const root = document.getElementById('ocop-search');
const labels = JSON.parse(document.getElementById('ocop-search-labels').textContent);
const input = document.getElementById('ocop-q');
const facetsForm = document.getElementById('ocop-facets');
const sortSelect = document.getElementById('ocop-sort');
const list = document.getElementById('ocop-results');
const status = document.getElementById('ocop-status');
const more = document.getElementById('ocop-more');
const active = document.getElementById('ocop-active');
const filtersBox = document.getElementById('ocop-filters');
const PAGE = 24;
// Not "q": Material's own search opens its dialog over the page for a URL with ?q=.
const QUERY = 'tim';
const FACETS = [...facetsForm.querySelectorAll('fieldset[data-facet]')].map((f) => f.dataset.facet);
const SORTS = { ten: { ten: 'asc' }, sao: { sao: 'desc' }, ngay: { ngay: 'desc' } };

const pagefind = await import(new URL(root.dataset.pagefind, document.baseURI).href);
await pagefind.options({ excerptLength: 0 });
pagefind.init();
// Pagefind counts filter values only once its filter index is loaded; without this the first
// searches (no filter ticked yet) come back without counts.
await pagefind.filters();

let shown = PAGE;
let results = [];
let generation = 0;
const RERANK = 48;
const dataOf = new WeakMap();
const load = (result) => { if (!dataOf.has(result)) dataOf.set(result, result.data()); return dataOf.get(result); };
const fold = (s) => s.normalize('NFD').replace(/\p{M}/gu, '').replace(/đ/g, 'd').replace(/Đ/g, 'D').toLowerCase();

// Pagefind ranks by matched words, and folds tone marks, so "cà phê" and "ca phe" rank alike; a
// product NAMED with the query should still come first, exact spelling before folded spelling.
// Its order is refined for the first RERANK results (their data is loaded for display anyway).
async function rerank(all, query) {
  const q = query.trim().toLowerCase();
  const fq = fold(q);
  if (!q) return all;
  const head = all.slice(0, RERANK);
  const titles = (await Promise.all(head.map(load))).map((d) => (d.meta.title || '').toLowerCase());
  const score = (title) => {
    const folded = fold(title);
    return (title.includes(q) ? 8 : 0) + (title.startsWith(q) ? 4 : 0) + (folded.includes(fq) ? 2 : 0) + (folded.startsWith(fq) ? 1 : 0);
  };
  const order = head.map((r, i) => [score(titles[i]), i]).sort((a, b) => b[0] - a[0] || a[1] - b[1]);
  return [...order.map(([, i]) => head[i]), ...all.slice(RERANK)];
}

const fmt = (template, n) => template.replace('{n}', new Intl.NumberFormat(document.documentElement.lang).format(n));

function readState() {
  const params = new URLSearchParams(location.search);
  const state = { q: params.get(QUERY) || '', sx: params.get('sx') || '', n: parseInt(params.get('n') || '', 10) || PAGE, facets: {} };
  for (const key of FACETS) {
    const values = params.getAll(key).filter(Boolean);
    if (values.length) state.facets[key] = values;
  }
  if (!(state.sx in SORTS)) state.sx = '';
  return state;
}

function currentState() {
  const state = { q: input.value.trim(), sx: sortSelect.value, n: shown, facets: {} };
  for (const box of facetsForm.querySelectorAll('input[type=checkbox]:checked')) {
    (state.facets[box.name] ||= []).push(box.value);
  }
  return state;
}

function applyState(state) {
  input.value = state.q;
  sortSelect.value = state.sx;
  for (const box of facetsForm.querySelectorAll('input[type=checkbox]')) {
    box.checked = (state.facets[box.name] || []).includes(box.value);
  }
  shown = state.n;
}

function toURL(state) {
  const params = new URLSearchParams();
  if (state.q) params.set(QUERY, state.q);
  for (const key of FACETS) for (const v of state.facets[key] || []) params.append(key, v);
  if (state.sx) params.set('sx', state.sx);
  if (state.n > PAGE) params.set('n', String(state.n));
  const query = params.toString();
  return location.pathname + (query ? `?${query}` : '');
}

function filtersOf(state, except) {
  const filters = {};
  for (const [key, values] of Object.entries(state.facets)) {
    if (key !== except) filters[key] = { any: values };
  }
  return filters;
}

function sortOf(state) {
  if (state.sx) return SORTS[state.sx];
  return state.q ? undefined : SORTS.ten; // no words: alphabetical, like the catalogue
}

async function search(state, except) {
  return pagefind.search(state.q || null, { filters: filtersOf(state, except), sort: sortOf(state) });
}

function updateCounts(key, counts) {
  const fieldset = facetsForm.querySelector(`fieldset[data-facet="${CSS.escape(key)}"]`);
  for (const label of fieldset.querySelectorAll('label')) {
    const box = label.querySelector('input');
    const n = (counts && counts[box.value]) || 0;
    label.querySelector('[data-count]').textContent = String(n);
    label.classList.toggle('ocop-facet--empty', n === 0 && !box.checked);
  }
}

async function renderResults(upTo, mine = generation) {
  const slice = results.slice(list.children.length, upTo);
  const data = await Promise.all(slice.map(load));
  if (mine !== generation) return; // a newer query owns the list now
  const html = data.map((d) => d.meta.card || '').join('');
  // The cards were rendered and escaped by the generator's templates (generator/search.py):
  // the same markup as the catalogue's own cards.
  list.insertAdjacentHTML('beforeend', html);
  more.hidden = list.children.length >= results.length;
}

async function run({ push = false, keepList = false } = {}) {
  const state = currentState();
  const url = toURL(state);
  if (url !== location.pathname + location.search) history[push ? 'pushState' : 'replaceState'](null, '', url);
  const mine = ++generation;
  list.setAttribute('aria-busy', 'true');
  // "Searching…" only when a query is slow, so screen readers do not hear it at every keystroke.
  const slow = setTimeout(() => { if (mine === generation) status.textContent = labels.search_loading; }, 400);
  const main = await search(state);
  const others = await Promise.all(Object.keys(state.facets).map(async (key) => [key, (await search(state, key)).filters[key]]));
  if (mine !== generation) return; // a newer query started meanwhile
  const ranked = state.q && !state.sx ? await rerank(main.results, state.q) : main.results;
  if (mine !== generation) return;
  results = ranked;
  for (const key of FACETS) updateCounts(key, main.filters[key]);
  for (const [key, counts] of others) updateCounts(key, counts);
  const nActive = Object.values(state.facets).reduce((a, v) => a + v.length, 0);
  active.textContent = nActive ? `(${nActive})` : '';
  if (!keepList) list.replaceChildren();
  await renderResults(Math.max(shown, PAGE), mine);
  clearTimeout(slow);
  if (mine !== generation) return;
  status.textContent = results.length ? fmt(labels.search_results, results.length) : labels.search_none;
  list.removeAttribute('aria-busy');
}

let typing;
input.addEventListener('input', () => {
  clearTimeout(typing);
  list.setAttribute('aria-busy', 'true');
  shown = PAGE;
  typing = setTimeout(() => run(), 120);
});
input.form.addEventListener('submit', (event) => {
  event.preventDefault();
  clearTimeout(typing);
  shown = PAGE;
  run({ push: true });
  input.blur(); // closes the phone keyboard so the results show
});
facetsForm.addEventListener('change', () => { shown = PAGE; run({ push: true }); });
sortSelect.addEventListener('change', () => { shown = PAGE; run({ push: true }); });
document.getElementById('ocop-clear').addEventListener('click', () => {
  for (const box of facetsForm.querySelectorAll('input[type=checkbox]:checked')) box.checked = false;
  shown = PAGE;
  run({ push: true });
});
more.addEventListener('click', async () => {
  const first = list.children.length;
  shown = list.children.length + PAGE;
  history.replaceState(null, '', toURL(currentState()));
  await renderResults(shown);
  // Keyboard and screen reader users continue from the first new card.
  const link = list.children[first] && list.children[first].querySelector('a');
  if (link) link.focus();
});
window.addEventListener('popstate', () => { applyState(readState()); run({}); });

const initial = readState();
applyState(initial);
// Filters start open beside the results on wide screens, folded above them on a phone.
if (window.matchMedia('(min-width: 60em)').matches) filtersBox.open = true;
root.classList.add('ocop-search--ready');
run({});
