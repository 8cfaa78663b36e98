// The embeddable widget (/nhung/, /en/nhung/): a grid of product cards, or one product's card,
// chosen by the page's URL, for an iframe on another site (theme_overrides/nhung/embed.js).
//
//   ?nhom=thuc-pham&sao=4&sao=5&xa=nam-nung&n=6&theme=dark    a grid (AND across, OR within)
//   ?sp=gao-buon-choah                                      one product
//
// Filter values are language-neutral keys (group slug, category code, commune and producer ids),
// so the same snippet works in both languages. Data: the catalogue search index
// (generator/search.py): its facet columns, card files and per-product card files. Cards are the
// catalogue's own markup; their links open the full page in a new tab. The page tells its parent
// its height (postMessage) so the host's iframe fits the content without a scroll bar.
const root = document.getElementById('ocop-embed');
const manifest = JSON.parse(document.getElementById('ocop-search-index').textContent);
const labels = JSON.parse(document.getElementById('ocop-embed-labels').textContent);
const base = new URL(root.dataset.index, document.baseURI);
const list = document.getElementById('ocop-embed-list');
const status = document.getElementById('ocop-embed-status');
const more = document.getElementById('ocop-embed-more');
const params = new URLSearchParams(location.search);
const FILTERS = ['nhom', 'loai', 'sao', 'xa', 'xa-cu', 'nsx', 'cn', 'gtin', 'sieu-thi', 'hieu-luc'];
const LIMIT = Math.min(48, Math.max(1, parseInt(params.get('n') || '', 10) || 12));
const ID = /^[a-z0-9][a-z0-9-]{0,79}$/;

const fetchJSON = async (name) => {
  const response = await fetch(new URL(name, base));
  if (!response.ok) throw Object.assign(new Error(`${name}: HTTP ${response.status}`), { status: response.status });
  return response.json();
};
const fmt = (template, n) => template.replace('{n}', new Intl.NumberFormat(document.documentElement.lang).format(n));

// Tell the host page how tall the widget is (the host script checks that the message comes from
// this site and from its own iframe). The height is not secret: any origin may receive it.
let lastHeight = 0;
function postHeight() {
  if (window.parent === window) return;
  // The widget's bottom plus the page's own bottom margins (24 px) and a little air: the
  // document's scrollHeight cannot be used, it never drops below the iframe's current height.
  const height = Math.ceil(root.getBoundingClientRect().bottom + window.scrollY + 32);
  if (height === lastHeight) return;
  lastHeight = height;
  window.parent.postMessage({ ocop: 'height', height }, '*');
}
new ResizeObserver(postHeight).observe(root);

// The products of the grid: the first LIMIT in the catalogue's order that pass every filter.
// Without filters the grid is the catalogue's first products: only their card files are read.
async function grid() {
  const wantedOf = (key) => params.getAll(key).flatMap((v) => v.split(',')).map((v) => v.trim()).filter(Boolean);
  const filtered = FILTERS.some((key) => wantedOf(key).length);
  const { facets } = filtered ? await fetchJSON(manifest.facets) : { facets: {} };
  const tests = [];
  const searchLink = new URLSearchParams();
  for (const key of FILTERS) {
    const wanted = wantedOf(key);
    const facet = facets[key];
    if (!wanted.length || !facet) continue;
    const numbers = wanted.map((v) => facet.keys.indexOf(v) + 1).filter((k) => k > 0);
    for (const k of numbers) searchLink.append(key, facet.values[k - 1]);
    if (facet.column !== undefined) {
      const set = new Set(numbers);
      tests.push((doc) => set.has(facet.column.charCodeAt(doc) - 0x30));
    } else {
      const members = numbers.map((k) => {
        const has = new Set();
        let doc = -1;
        for (const d of facet.docs[k - 1]) { doc += d; has.add(doc); }
        return has;
      });
      tests.push((doc) => members.some((has) => has.has(doc)));
    }
  }
  const docs = [];
  let total = 0;
  for (let doc = 0; doc < manifest.n; doc += 1) {
    if (!tests.every((test) => test(doc))) continue;
    total += 1;
    if (docs.length < LIMIT) docs.push(doc);
  }
  const per = manifest.perFile;
  const chunks = new Map(await Promise.all([...new Set(docs.map((d) => Math.floor(d / per)))]
    .map(async (k) => [k, await fetchJSON(`${manifest.cards}${k}.json`)])));
  const query = searchLink.toString();
  if (total > docs.length) {
    more.href = `${more.getAttribute('href')}${query ? `?${query}` : ''}`;
    more.textContent = `${labels.embed_more} (${fmt(labels.search_results, total)})`;
    more.hidden = false;
  }
  return docs.map((d) => chunks.get(Math.floor(d / per))[d % per]);
}

async function single(id) {
  if (!ID.test(id)) return [];
  try {
    return [await fetchJSON(`${manifest.byId}${id}.json`)];
  } catch (error) {
    if (error.status === 404) return [];
    throw error;
  }
}

try {
  const id = params.get('sp');
  const cards = id !== null ? await single(id) : await grid();
  // The cards were rendered and escaped by the generator's templates.
  list.innerHTML = cards.join('');
  for (const link of list.querySelectorAll('a')) {
    link.target = '_blank';
    link.rel = 'noopener';
  }
  if (!cards.length) status.textContent = id !== null ? labels.embed_missing : labels.search_none;
  if (id !== null) root.classList.add('ocop-embed--single');
} catch (error) {
  status.textContent = labels.search_error;
  throw error;
} finally {
  postHeight();
}
