/*
 * OCOP Krông Nô: embed the catalogue in another site.
 *
 *   <div data-ocop-embed data-ocop-nhom="thuc-pham" data-ocop-sao="4,5" data-ocop-n="6"></div>
 *   <script src="https://<catalogue>/nhung/embed.js" defer></script>
 *
 * Every element with `data-ocop-embed` gets an iframe of the catalogue's widget (/nhung/ or,
 * with data-ocop-lang="en", /en/nhung/) filtered by its data-ocop-* attributes: nhom (group),
 * loai (category), sao (stars), xa (commune), xa-cu (former commune), nsx (producer), cn
 * (certification), n (how many, 1-48), sp (one product id), theme (light or dark), title (the
 * iframe's accessible name), height (the reserved height in px before the widget reports its own).
 * The iframe then takes the height the widget reports; messages are accepted only from the
 * catalogue's origin and from that iframe. Plain old syntax: host sites may serve old browsers.
 * This address is permanent.
 */
(function () {
  'use strict';
  var script = document.currentScript;
  if (!script || !window.URLSearchParams) return;
  var site = new URL('../', script.src);
  var origin = site.origin;
  var KEYS = ['nhom', 'loai', 'sao', 'xa', 'xa-cu', 'nsx', 'cn', 'n', 'sp', 'theme'];
  var frames = [];

  function embed(el) {
    if (el.getAttribute('data-ocop-ready')) return;
    el.setAttribute('data-ocop-ready', '1');
    var en = el.getAttribute('data-ocop-lang') === 'en';
    var params = new URLSearchParams();
    KEYS.forEach(function (key) {
      var value = el.getAttribute('data-ocop-' + key);
      if (!value) return;
      value.split(',').forEach(function (part) {
        if (part.trim()) params.append(key, part.trim());
      });
    });
    var query = params.toString();
    var iframe = document.createElement('iframe');
    iframe.src = site.href + (en ? 'en/' : '') + 'nhung/' + (query ? '?' + query : '');
    iframe.title = el.getAttribute('data-ocop-title') ||
      (en ? 'OCOP products of Krông Nô' : 'Sản phẩm OCOP Krông Nô');
    iframe.setAttribute('loading', 'lazy');
    var reserved = parseInt(el.getAttribute('data-ocop-height') || '', 10) || 480;
    iframe.style.cssText = 'display:block;width:100%;border:0;overflow:hidden;height:' + reserved + 'px';
    el.appendChild(iframe);
    frames.push(iframe);
  }

  window.addEventListener('message', function (event) {
    var data = event.data;
    if (event.origin !== origin || !data || data.ocop !== 'height') return;
    var height = Math.ceil(Number(data.height));
    if (!(height > 0 && height < 20000)) return;
    for (var i = 0; i < frames.length; i += 1) {
      if (frames[i].contentWindow === event.source) frames[i].style.height = height + 'px';
    }
  });

  function start() {
    var found = document.querySelectorAll('[data-ocop-embed]');
    for (var i = 0; i < found.length; i += 1) embed(found[i]);
  }
  if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', start);
  else start();
})();
