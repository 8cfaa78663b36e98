"""Catalogue search: a Pagefind index written from the catalogue data, one index per language.

Material's own search downloads its whole index on every page (29.7 MB at 20,000 products, see
DESIGN.md), so products stay out of it. They are found on one search page per language
(`/tim-kiem/`, `/en/tim-kiem/`) through Pagefind: a chunked index fetched piece by piece as the
visitor types, with filters, counts and sorting. Pagefind picks the index that matches the page's
`<html lang>`, so each language searches its own texts.

The index is not made from the built product pages: each product gets a small synthetic document
whose parts carry Pagefind weights (name above producer above places above summary), its filter
values and sort keys, and — as metadata — the product card, rendered by the same template as the
listings, so the search page shows exactly the cards the catalogue shows.

Pagefind folds tone marks ("ca phe" finds "cà phê") but not đ → d: where a text has đ, a folded
copy goes into the document at a lower weight, so "dau den" finds "Đậu đen" and exact spellings
still rank first.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import html
import re
import tempfile
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from markupsafe import Markup

from .catalogue import Catalogue
from .errors import Lang
from .i18n import LABELS
from .schema import Product
from .text import fold

SEARCH_DIR = "pagefind"
"""Folder of the Pagefind bundle at the site root (both languages share it)."""
SEARCH_PAGE = "tim-kiem/"
MAX_FACET_VALUES = 40
"""Values listed per facet on the search page; the rest stay reachable through the search box
(a national catalogue has thousands of producers)."""


@dataclass(frozen=True)
class Facet:
    key: str
    """Pagefind filter name and URL query parameter."""
    label: str
    """LABELS key of the facet's title."""
    flag: bool = False
    """A yes-only filter shown as one checkbox (value "1")."""


FACETS: tuple[Facet, ...] = (
    Facet("nhom", "facet_group"),
    Facet("loai", "facet_category"),
    Facet("sao", "facet_stars"),
    Facet("xa", "facet_commune"),
    Facet("xa-cu", "facet_commune_old"),
    Facet("nsx", "facet_producer"),
    Facet("cn", "facet_certification"),
    Facet("gtin", "facet_has_gtin", flag=True),
    Facet("sieu-thi", "facet_supermarket", flag=True),
    Facet("hieu-luc", "facet_status"),
)
SORTS = ("ten", "sao", "ngay")
"""Sort keys: folded name, stars (0 when not shown), date of the latest certificate."""


@dataclass(frozen=True)
class SearchDoc:
    lang: Lang
    url: str
    html: str


def _status_label(state: str, lang: Lang) -> str:
    key = {
        "active": "status_valid",
        "expired": "expired_badge",
        "withdrawn": "withdrawn_badge",
        "unconfirmed": "unconfirmed_badge",
    }[state]
    return LABELS[lang][key]


def facet_values(cat: Catalogue, product: Product, lang: Lang, state: str) -> dict[str, list[str]]:
    """The filter values of one product in one language (labels as the visitor reads them)."""
    t = LABELS[lang]
    group = cat.taxonomy.group_of(product.ocop_category)
    commune_old = cat.region.old[product.place.commune_old]
    old_type = t["type_thi_tran" if commune_old.type == "thi-tran" else "type_xa"]
    producer = cat.producers[product.producer]
    current = product.current
    values: dict[str, list[str]] = {
        "nhom": [group.name.get(lang)],
        "loai": [cat.taxonomy.sets[product.ocop_category].name.get(lang)],
        "xa": [cat.commune_new(product).name],
        "xa-cu": [f"{old_type} {commune_old.name}"],
        "nsx": [producer.name.get(lang)],
        "cn": sorted({c.name for c in product.other_certifications}),
        "hieu-luc": [_status_label(state, lang)],
    }
    if current is not None and cat.shows_stars(product):
        values["sao"] = [str(current.stars)]
    if any(v.gtin for v in product.variants):
        values["gtin"] = ["1"]
    if any(o.kind == "supermarket" for o in product.where_to_buy):
        values["sieu-thi"] = ["1"]
    return {key: vals for key, vals in values.items() if vals}


def _weighted_fields(fields: list[tuple[float, list[str]]]) -> list[tuple[float, str]]:
    """Each word once, at the highest weight it has, plus its đ → d folded form.

    Pagefind's score behaves like an average of the weights of the places a word matched: the
    same word repeated in a lower-weight part (the category "Cà phê, ca cao" under the name "Cà
    phê hạt rang") lowered the product's rank. Pagefind folds tone marks itself but not đ, so
    words with đ also get their folded form ("Đắk" → "dak") at the same weight.
    """
    seen: set[str] = set()
    out: list[tuple[float, str]] = []
    for weight, texts in fields:
        words: list[str] = []
        for text in texts:
            for word in re.findall(r"\w+", text):
                key = fold(word)
                if key in seen:
                    continue
                seen.add(key)
                words.append(word)
                if "đ" in word.lower():
                    words.append(key)
        if words:
            out.append((weight, " ".join(words)))
    return out


def search_document(
    cat: Catalogue, product: Product, lang: Lang, state: str, card: Markup
) -> SearchDoc:
    """The synthetic document Pagefind indexes for one product in one language."""
    name = product.name.get(lang)
    producer = cat.producers[product.producer]
    group = cat.taxonomy.group_of(product.ocop_category)
    commune_old = cat.region.old[product.place.commune_old]
    places = [cat.commune_new(product).name, commune_old.name]
    labels = [
        cat.taxonomy.sets[product.ocop_category].name.get(lang),
        group.name.get(lang),
        *product.tags,
    ]
    strong = [producer.name.get(lang), *([product.brand] if product.brand else [])]
    summary = product.summary.get(lang)
    esc = html.escape
    parts = [f'<html lang="{lang}"><head><title>{esc(name)}</title></head><body>']
    fields = _weighted_fields([(10, [name]), (5, strong), (3, places), (2, labels), (1, [summary])])
    for weight, words in fields:
        tag = "h1" if weight == 10 else "p"
        parts.append(f'<{tag} data-pagefind-weight="{weight:g}">{esc(words)}</{tag}>')

    def attr(kind: str, key: str, value: str) -> str:
        return f'<span data-pagefind-{kind}="{key}[data-v]" data-v="{esc(value)}"></span>'

    parts.append(attr("meta", "title", name))
    parts.append(attr("meta", "card", str(card)))
    for key, values in facet_values(cat, product, lang, state).items():
        parts.extend(attr("filter", key, value) for value in values)
    current = product.current
    stars = current.stars if current is not None and cat.shows_stars(product) else 0
    latest = max((c.date for c in product.certifications), default=dt.date(1900, 1, 1))
    parts.append(attr("sort", "ten", f"{fold(name)} {product.id}"))
    parts.append(attr("sort", "sao", str(stars)))
    parts.append(attr("sort", "ngay", latest.isoformat()))
    parts.append("</body></html>")
    prefix = "" if lang == "vi" else f"{lang}/"
    return SearchDoc(lang, f"/{prefix}san-pham/{product.id}/", "".join(parts))


def facet_counts(
    cat: Catalogue, products: Iterable[tuple[Product, str]], lang: Lang
) -> dict[str, list[tuple[str, int]]]:
    """Facet values with their product counts, for the search page as built (no JavaScript)."""
    counts: dict[str, Counter[str]] = {f.key: Counter() for f in FACETS}
    for product, state in products:
        for key, values in facet_values(cat, product, lang, state).items():
            counts[key].update(values)
    out: dict[str, list[tuple[str, int]]] = {}
    for facet in FACETS:
        c = counts[facet.key]
        if facet.key == "sao":
            items = sorted(c.items(), key=lambda kv: -int(kv[0]))
        elif facet.key == "nsx":
            items = sorted(c.items(), key=lambda kv: (-kv[1], fold(kv[0])))[:MAX_FACET_VALUES]
            items.sort(key=lambda kv: fold(kv[0]))
        else:
            items = sorted(c.items(), key=lambda kv: fold(kv[0]))[:MAX_FACET_VALUES]
        out[facet.key] = items
    return out


async def _write(docs: list[SearchDoc], out: Path) -> int:
    """Index the documents with Pagefind and write its bundle to `out`.

    The documents are written as files and indexed with one `add_directory` request: sending
    them one by one (`add_html_file`) cost about 0.1 s each over the service's pipe (20 s for
    200 documents, over an hour at 20,000 products × 2 languages); the directory takes 0.4 s for
    200, indexed in parallel by Pagefind itself. The file paths give the URLs:
    `en/san-pham/<id>/index.html` → `/en/san-pham/<id>/`.
    """
    # Imported here: the Pagefind binary is only needed when a site is written.
    from pagefind.index import IndexConfig, PagefindIndex

    with tempfile.TemporaryDirectory(prefix="ocop-search-") as tmp:
        for doc in docs:
            path = Path(tmp) / doc.url.strip("/") / "index.html"
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(doc.html, encoding="utf-8")
        async with PagefindIndex(IndexConfig(output_path=str(out))) as index:
            result = await index.add_directory(tmp)
    return int(result["page_count"])


UNUSED_FILES = (
    "pagefind-ui.js",
    "pagefind-ui.css",
    "pagefind-modular-ui.js",
    "pagefind-modular-ui.css",
    "pagefind-component-ui.js",
    "pagefind-component-ui.css",
    "pagefind-highlight.js",
)
"""Pagefind's ready-made interfaces: the search page has its own (assets/javascripts)."""


def write_search_index(release: Path, docs: list[SearchDoc]) -> Path:
    """Write the Pagefind bundle of every language into `release/pagefind/`."""
    out = release / SEARCH_DIR
    asyncio.run(_write(docs, out))
    for name in UNUSED_FILES:
        (out / name).unlink(missing_ok=True)
    return out
