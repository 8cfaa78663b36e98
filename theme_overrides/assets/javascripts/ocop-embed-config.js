// The configurator of the embedding guide (/huong-dan-nhung/): choose filters, see the widget,
// copy the snippet (script + placeholder) or a plain iframe for CMSs that strip scripts.
const root = document.getElementById('ocop-configurator');
const form = document.getElementById('ocop-config-form');
const preview = document.getElementById('ocop-config-preview');
const scriptBox = document.getElementById('ocop-config-script');
const iframeBox = document.getElementById('ocop-config-iframe');
const copied = document.getElementById('ocop-config-copied');
const KEYS = ['nhom', 'loai', 'sao', 'xa', 'xa-cu', 'nsx', 'n', 'sp', 'theme'];
const site = new URL(root.dataset.script, document.baseURI); // …/nhung/embed.js
const siteRoot = new URL('../', site);
const escape = (s) => s.replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/</g, '&lt;');

function choices() {
  const data = new FormData(form);
  const out = [];
  for (const key of KEYS) {
    const value = String(data.get(key) || '').trim();
    if (value && !(key === 'n' && value === '12')) out.push([key, value]);
  }
  return { lang: data.get('lang') === 'en' ? 'en' : 'vi', params: out };
}

let frame;
let timer;
function update() {
  const { lang, params } = choices();
  const single = params.some(([key]) => key === 'sp');
  const height = single ? 360 : 480;
  const attrs = params.map(([key, value]) => ` data-ocop-${key}="${escape(value)}"`).join('');
  const langAttr = lang === 'en' ? ' data-ocop-lang="en"' : '';
  scriptBox.value = `<div data-ocop-embed${langAttr}${attrs}></div>\n<script src="${site.href}" defer></script>`;
  const query = new URLSearchParams(params).toString();
  const src = `${siteRoot.href}${lang === 'en' ? 'en/' : ''}nhung/${query ? `?${query}` : ''}`;
  const title = lang === 'en' ? 'OCOP products of Krông Nô' : 'Sản phẩm OCOP Krông Nô';
  iframeBox.value = `<iframe src="${escape(src)}" title="${title}" loading="lazy" style="width:100%;height:${height}px;border:0"></iframe>`;
  clearTimeout(timer);
  timer = setTimeout(() => {
    if (!frame) {
      frame = document.createElement('iframe');
      frame.title = title;
      frame.style.cssText = `display:block;width:100%;border:0;height:${height}px`;
      preview.append(frame);
    }
    frame.src = src;
  }, 250);
}

// The preview grows like a host page's iframe does (same message, same checks).
window.addEventListener('message', (event) => {
  if (event.origin !== siteRoot.origin || !frame || event.source !== frame.contentWindow) return;
  const height = Math.ceil(Number(event.data && event.data.height));
  if (event.data && event.data.ocop === 'height' && height > 0 && height < 20000) frame.style.height = `${height}px`;
});

form.addEventListener('input', update);
form.addEventListener('change', update);
for (const button of root.querySelectorAll('button[data-copy]')) {
  button.addEventListener('click', async () => {
    const box = document.getElementById(button.dataset.copy);
    box.select();
    try {
      await navigator.clipboard.writeText(box.value);
    } catch {
      document.execCommand('copy'); // older browsers, or no clipboard permission
    }
    copied.textContent = root.dataset.copied || '✓';
  });
}
update();
