// Catalogue search page (/tim-kiem/, /en/tim-kiem/): words, facets and sorting, state in the URL.
//
// The page is built complete: search box, every facet value with its count, the first cards of
// the catalogue. With nothing searched this script loads nothing. Once the visitor types, ticks a
// facet or sorts, it reads the index written by generator/search.py (see there for the files):
// the word shards the query needs, the facet columns, the cards of the results shown.
//
// Words fold on both sides (NFD, marks dropped, đ → d, lower case): "ca phe", "cà phê" and
// "CA PHÊ" match the same products; the word being typed matches as a prefix. Ranking: where the
// words are (name > producer or brand > places, category, tags > summary), whole words before
// prefixes, the visitor's own spelling (tone marks included) before other spellings, then the
// catalogue's order.
//
// Facets combine with AND across facets and OR within one. Each facet's counts are those of the
// results with every OTHER facet applied, so a visitor sees what ticking one more value adds.
// The URL holds the state (tim = the words, sx = sort, one parameter per facet value, n = results
// shown): typing replaces the history entry, ticking a filter or changing the sort adds one, so
// Back undoes it.
const root = document.getElementById('ocop-search');
const labels = JSON.parse(document.getElementById('ocop-search-labels').textContent);
const manifest = JSON.parse(document.getElementById('ocop-search-index').textContent);
const base = new URL(root.dataset.index, document.baseURI);
const input = document.getElementById('ocop-q');
const facetsForm = document.getElementById('ocop-facets');
const sortSelect = document.getElementById('ocop-sort');
const list = document.getElementById('ocop-results');
const status = document.getElementById('ocop-status');
const more = document.getElementById('ocop-more');
const active = document.getElementById('ocop-active');
const filtersBox = document.getElementById('ocop-filters');
const PAGE = manifest.first;
// Not "q": Material's own search opens its dialog over the page for a URL with ?q=.
const QUERY = 'tim';
const FACETS = [...facetsForm.querySelectorAll('fieldset[data-facet]')].map((f) => f.dataset.facet);
const SORTS = ['ten', 'sao', 'ngay'];
// Where a word is found (the low two bits of a posting): summary, labels, producer, name.
const PART_WEIGHT = [1, 3, 5, 10];
// A word being typed matches every word it starts; when those fill more shards than this, the
// nearest ones are read (the next keystroke narrows the prefix).
const PREFIX_SHARDS = 2;
const WORD = /[\p{L}\p{N}]+/gu;
const fold = (s) => s.normalize('NFD').replace(/\p{M}/gu, '').replace(/đ/g, 'd').replace(/Đ/g, 'D').toLowerCase();
const fmt = (template, n) => template.replace('{n}', new Intl.NumberFormat(document.documentElement.lang).format(n));

// --- the index files (each fetched once) ---------------------------------------------------------
const files = new Map();
function fetchJSON(name) {
  if (!files.has(name)) {
    files.set(name, fetch(new URL(name, base)).then((r) => {
      if (!r.ok) throw new Error(`${name}: HTTP ${r.status}`);
      return r.json();
    }));
  }
  return files.get(name);
}

let facetData;
function loadFacets() {
  facetData ||= fetchJSON(manifest.facets).then(({ facets }) => {
    const out = {};
    for (const [key, { values, column, docs }] of Object.entries(facets)) {
      const index = new Map(values.map((v, i) => [v, i + 1]));
      if (column !== undefined) {
        const col = new Uint16Array(manifest.n);
        for (let i = 0; i < column.length; i += 1) col[i] = column.charCodeAt(i) - 0x30;
        out[key] = { values, index, col };
      } else {
        // Multi-valued: one membership array per value.
        const member = docs.map((deltas) => {
          const has = new Uint8Array(manifest.n);
          let doc = -1;
          for (const d of deltas) { doc += d; has[doc] = 1; }
          return has;
        });
        out[key] = { values, index, member };
      }
    }
    return out;
  });
  return facetData;
}

let dates;
const loadDates = () => (dates ||= fetchJSON(manifest.dates));

// Shard i holds the words whose folded form is from starts[i] to starts[i + 1] (excluded).
const starts = manifest.words.map(([first]) => first);
function shardOf(word) {
  let lo = 0;
  let hi = starts.length - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (starts[mid] <= word) lo = mid; else hi = mid - 1;
  }
  return lo;
}
const foldedKeys = new WeakMap();
async function shard(i) {
  const words = await fetchJSON(manifest.words[i][1]);
  if (!foldedKeys.has(words)) foldedKeys.set(words, Object.keys(words).map((w) => [w, fold(w)]));
  return { words, keys: foldedKeys.get(words) };
}

// --- matching ----------------------------------------------------------------------------------
// One query word → Map(product → score of its best match).
async function matchWord(folded, exact, prefix) {
  const first = shardOf(folded);
  const wanted = [first];
  if (prefix) {
    for (let i = first + 1; i < starts.length && wanted.length < PREFIX_SHARDS && starts[i].startsWith(folded); i += 1) wanted.push(i);
  }
  const scores = new Map();
  for (const { words, keys } of await Promise.all(wanted.map(shard))) {
    for (const [word, key] of keys) {
      const whole = key === folded;
      if (!whole && !(prefix && key.startsWith(folded))) continue;
      // Whole words before prefixes; the visitor's own spelling before the other spellings.
      const bonus = (whole ? 1 : 0.6) + (word === exact ? 0.5 : 0);
      let doc = -1;
      for (const code of words[word]) {
        doc += code >> 2;
        const score = PART_WEIGHT[code & 3] * bonus;
        if (!(scores.get(doc) >= score)) scores.set(doc, score);
      }
    }
  }
  return scores;
}

// The query → Map(product → score), every word required; null for a query without words.
async function match(query) {
  const exact = query.normalize('NFC').toLowerCase().match(/[\p{L}\p{N}\p{M}]+/gu) || [];
  const folded = fold(query).match(WORD) || [];
  if (!folded.length) return null;
  const typing = !/[\s\p{P}]$/u.test(query); // the last word is still being typed
  const seen = new Set();
  const words = [];
  folded.forEach((w, i) => {
    const prefix = typing && i === folded.length - 1;
    const key = `${w} ${prefix}`;
    if (!seen.has(key)) { seen.add(key); words.push([w, exact[i], prefix]); }
  });
  const maps = await Promise.all(words.map(([w, e, p]) => matchWord(w, e, p)));
  maps.sort((a, b) => a.size - b.size);
  const out = new Map();
  for (const [doc, score] of maps[0]) {
    let total = score;
    for (const other of maps.slice(1)) {
      const s = other.get(doc);
      if (s === undefined) { total = -1; break; }
      total += s;
    }
    if (total >= 0) out.set(doc, total);
  }
  return out;
}

// --- state and URL -----------------------------------------------------------------------------
let shown = PAGE;
function readState() {
  const params = new URLSearchParams(location.search);
  const state = { q: params.get(QUERY) || '', sx: params.get('sx') || '', n: parseInt(params.get('n') || '', 10) || PAGE, facets: {} };
  for (const key of FACETS) {
    const values = params.getAll(key).filter(Boolean);
    if (values.length) state.facets[key] = values;
  }
  if (!SORTS.includes(state.sx)) state.sx = '';
  return state;
}

function currentState() {
  const state = { q: input.value.trim() ? input.value : '', sx: sortSelect.value, n: shown, facets: {} };
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
  if (state.q.trim()) params.set(QUERY, state.q.trim());
  for (const key of FACETS) for (const v of state.facets[key] || []) params.append(key, v);
  if (state.sx) params.set('sx', state.sx);
  if (state.n > PAGE) params.set('n', String(state.n));
  const query = params.toString();
  return location.pathname + (query ? `?${query}` : '');
}

const isEmpty = (state) => !state.q.trim() && !state.sx && !Object.keys(state.facets).length;

// --- results -----------------------------------------------------------------------------------
// The products of a state, ordered, and each facet's counts with the other facets applied.
async function compute(state) {
  const [scores, facets] = await Promise.all([
    state.q.trim() ? match(state.q) : null,
    loadFacets(),
    state.sx === 'ngay' ? loadDates() : null,
  ]);
  const chosen = Object.entries(state.facets)
    .filter(([key]) => facets[key])
    .map(([key, values]) => {
      const f = facets[key];
      const numbers = values.map((v) => f.index.get(v)).filter(Boolean);
      const test = f.col
        ? ((wanted) => (doc) => wanted.has(f.col[doc]))(new Set(numbers))
        : (doc) => numbers.some((k) => f.member[k - 1][doc]);
      return { key, test };
    });
  const counts = Object.fromEntries(Object.entries(facets).map(([key, f]) => [key, new Uint32Array(f.values.length + 1)]));
  const countDoc = (key, doc) => {
    const f = facets[key];
    if (f.col) counts[key][f.col[doc]] += 1;
    else f.member.forEach((has, k) => { if (has[doc]) counts[key][k + 1] += 1; });
  };
  const results = [];
  const visit = (doc) => {
    let failed = null;
    for (const c of chosen) {
      if (!c.test(doc)) {
        if (failed !== null) return; // fails two facets: counts nowhere
        failed = c.key;
      }
    }
    if (failed !== null) { countDoc(failed, doc); return; }
    results.push(doc);
    for (const key of FACETS) if (facets[key]) countDoc(key, doc);
  };
  if (scores) for (const doc of scores.keys()) visit(doc);
  else for (let doc = 0; doc < manifest.n; doc += 1) visit(doc);

  const byNumber = (a, b) => a - b;
  if (state.sx === 'ten' || (!state.sx && !scores)) results.sort(byNumber);
  else if (state.sx === 'sao') {
    const f = facets.sao;
    const stars = f.values.map(Number);
    const of = (doc) => (f.col[doc] ? stars[f.col[doc] - 1] : 0);
    results.sort((a, b) => of(b) - of(a) || a - b);
  } else if (state.sx === 'ngay') {
    const days = await loadDates();
    results.sort((a, b) => days[b] - days[a] || a - b);
  } else results.sort((a, b) => scores.get(b) - scores.get(a) || a - b);

  const facetCounts = {};
  for (const [key, f] of Object.entries(facets)) {
    facetCounts[key] = Object.fromEntries(f.values.map((v, i) => [v, counts[key][i + 1]]));
  }
  return { results, facetCounts };
}

async function cards(docs) {
  const per = manifest.perFile;
  const chunks = await Promise.all([...new Set(docs.map((d) => Math.floor(d / per)))]
    .map(async (k) => [k, await fetchJSON(`${manifest.cards}${k}.json`)]));
  const byChunk = new Map(chunks);
  return docs.map((d) => byChunk.get(Math.floor(d / per))[d % per]);
}

function updateCounts(counts) {
  for (const fieldset of facetsForm.querySelectorAll('fieldset[data-facet]')) {
    const mine = counts[fieldset.dataset.facet] || {};
    for (const label of fieldset.querySelectorAll('label')) {
      const box = label.querySelector('input');
      const n = mine[box.value] || 0;
      label.querySelector('[data-count]').textContent = String(n);
      label.classList.toggle('ocop-facet--empty', n === 0 && !box.checked);
    }
  }
}

let results = null; // product numbers of the current state; null: the page as built
let generation = 0;

async function renderResults(upTo, mine = generation) {
  const docs = (results || [...Array(manifest.n).keys()]).slice(list.children.length, upTo);
  const html = (await cards(docs)).join('');
  if (mine !== generation) return; // a newer query owns the list now
  // The cards were rendered and escaped by the generator's templates: the catalogue's own cards.
  list.insertAdjacentHTML('beforeend', html);
  more.hidden = list.children.length >= (results ? results.length : manifest.n);
}

async function run({ push = false } = {}) {
  const state = currentState();
  const url = toURL(state);
  if (url !== location.pathname + location.search) history[push ? 'pushState' : 'replaceState'](null, '', url);
  const mine = ++generation;
  list.setAttribute('aria-busy', 'true');
  // "Searching…" only when a query is slow, so screen readers do not hear it at every keystroke.
  const slow = setTimeout(() => { if (mine === generation) status.textContent = labels.search_loading; }, 400);
  try {
    const { results: found, facetCounts } = await compute(state);
    if (mine !== generation) return; // a newer query started meanwhile
    results = found;
    updateCounts(facetCounts);
    const nActive = Object.values(state.facets).reduce((a, v) => a + v.length, 0);
    active.textContent = nActive ? `(${nActive})` : '';
    list.replaceChildren();
    await renderResults(Math.max(shown, PAGE), mine);
    if (mine !== generation) return;
    status.textContent = results.length ? fmt(labels.search_results, results.length) : labels.search_none;
    list.removeAttribute('aria-busy');
  } catch (error) {
    if (mine !== generation) return;
    status.textContent = labels.search_error;
    list.removeAttribute('aria-busy');
    throw error;
  } finally {
    clearTimeout(slow);
  }
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
  shown = first + PAGE;
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
// The page as built shows the catalogue's first cards and the counts of everything: nothing to
// load until the visitor asks for something else.
if (!isEmpty(initial) || initial.n > PAGE) {
  list.setAttribute('aria-busy', 'true');
  run({});
}
