// Where to buy (/noi-ban/) in a browser: the filter by product shows exactly the outlets whose
// product lists (data attributes written by the build from data/diem-ban.yaml) name it, the
// state round-trips through the URL, and without a choice every outlet shows.
export async function checkOutlets(base, browser) {
  const details = [];
  const fails = [];
  const page = await browser.newPage({ viewport: { width: 360, height: 740 } });
  try {
    await page.goto(`${base}noi-ban/`, { waitUntil: 'load' });
    const all = await page.$$eval('.ocop-outlets li[data-products]', (lis) => lis.map((li) => [li.id, li.dataset.products.split(' ')]));
    const visible = () => page.$$eval('.ocop-outlets li[data-products]', (lis) => lis.filter((li) => !li.hidden && li.offsetParent !== null).map((li) => li.id));
    if ((await visible()).length !== all.length || !all.length) fails.push(`no filter: ${(await visible()).length} of ${all.length} outlets shown`);
    const options = await page.$$eval('#ocop-outlet-sp option', (os) => os.map((o) => o.value).filter(Boolean));
    const product = options.find((id) => all.filter(([, ps]) => ps.includes(id)).length > 1) || options[0];
    await page.selectOption('#ocop-outlet-sp', product);
    const expected = all.filter(([, ps]) => ps.includes(product)).map(([id]) => id);
    const shown = await visible();
    if (shown.join('|') !== expected.join('|')) fails.push(`sp=${product}: shows ${shown}, the data says ${expected}`);
    if (new URL(page.url()).searchParams.get('sp') !== product) fails.push(`the URL does not keep the choice: ${page.url()}`);
    await page.goto(`${base}noi-ban/?sp=${product}`, { waitUntil: 'load' });
    if ((await visible()).join('|') !== expected.join('|')) fails.push(`reopening ?sp=${product} shows ${await visible()}`);
    details.push(`${all.length} outlets; ?sp=${product} → ${expected.length} (${expected.join(', ')}), URL round trip`);
  } finally { await page.close(); }
  return { details, fails };
}
