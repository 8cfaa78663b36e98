// Where to buy (/noi-ban/): narrow the outlets to a commune and/or a product, state in the URL
// (?xa=<commune id>&sp=<product id>, so a product page can link its outlets). Without
// JavaScript the page lists every outlet and the filter stays hidden.
const form = document.getElementById('ocop-outlet-filter');
const status = document.getElementById('ocop-outlet-status');
const labels = { count: form.dataset.count, none: form.dataset.none };
const items = [...document.querySelectorAll('.ocop-outlets li[data-products]')];
const groups = [...document.querySelectorAll('.ocop-outlet-group')];

function apply() {
  const commune = form.elements.xa.value;
  const product = form.elements.sp.value;
  let shown = 0;
  for (const li of items) {
    const ok = (!commune || li.dataset.commune === commune)
      && (!product || li.dataset.products.split(' ').includes(product));
    li.hidden = !ok;
    if (ok) shown += 1;
  }
  for (const group of groups) group.hidden = !group.querySelector('li[data-products]:not([hidden])');
  status.textContent = shown ? labels.count.replace('{n}', String(shown)) : labels.none;
  const params = new URLSearchParams();
  if (commune) params.set('xa', commune);
  if (product) params.set('sp', product);
  const query = params.toString();
  history.replaceState(null, '', location.pathname + (query ? `?${query}` : ''));
}

const params = new URLSearchParams(location.search);
for (const name of ['xa', 'sp']) {
  const value = params.get(name);
  if (value && [...form.elements[name].options].some((o) => o.value === value)) form.elements[name].value = value;
}
form.hidden = false;
form.addEventListener('change', apply);
apply();
