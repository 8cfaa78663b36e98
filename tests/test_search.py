"""Catalogue search: the index the build writes, facets and the search page as built.

What a visitor gets from a query (diacritic folding, facets, URL state) is checked in a real
browser by `make verify` (verify/run.mjs, check `search`); these tests read the index files back
and compare them with the catalogue.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from collections import Counter
from html import unescape

import pytest

from generator import search
from generator.build import BuildResult, Project
from generator.catalogue import Catalogue, load_catalogue
from generator.errors import Diagnostics, Lang
from generator.i18n import LABELS
from generator.programme import load_programme
from generator.render import Renderer
from generator.search import FACETS, facet_values, product_words
from generator.text import fold

from .conftest import TODAY

Site = tuple[Project, BuildResult]
LANGUAGES: tuple[tuple[Lang, str], ...] = (("vi", ""), ("en", "en/"))


def catalogue(project: Project) -> Catalogue:
    cat, _ = load_catalogue(project.root, today=TODAY)
    return cat


def supermarket_ids(project: Project, cat: Catalogue) -> set[str]:
    """Products sold in a supermarket: the outlets file and the products' own outlets."""
    programme = load_programme(project.root, cat, Diagnostics())
    return {p.id for p in programme.supermarket_products()}


def test_each_word_once_at_the_best_part_it_appears_in(sample_site: Site) -> None:
    project, _ = sample_site
    cat = catalogue(project)
    for product in cat.published:
        words = product_words(cat, product, "vi")
        name = re.findall(r"[^\W_]+", product.name.vi.lower())
        assert name and all(words[w] == search.NAME for w in name)
        producer = cat.producers[product.producer].name.vi.lower()
        for word in re.findall(r"[^\W_]+", producer):
            assert words[word] == (search.NAME if word in name else search.STRONG)
        # Tone marks stay (the page ranks the visitor's own spelling first); folding is the
        # shard table's job.
        assert all(w == w.lower() for w in words)


def test_facet_values_follow_the_product(sample_site: Site) -> None:
    project, _ = sample_site
    cat = catalogue(project)
    langs: tuple[Lang, ...] = ("vi", "en")
    for lang in langs:
        r = Renderer(cat, {}, lang, illustrative=True)
        sold = supermarket_ids(project, cat)
        assert sold >= {
            p.id for p in cat.published if any(o.kind == "supermarket" for o in p.where_to_buy)
        }
        for product in cat.published:
            values = facet_values(cat, product, lang, r.state(product), product.id in sold)
            group = cat.taxonomy.group_of(product.ocop_category)
            assert values["nhom"] == [group.name.get(lang)]
            assert values["xa"] == [cat.commune_new(product).name]
            assert values["nsx"] == [cat.producers[product.producer].name.get(lang)]
            assert ("gtin" in values) == any(v.gtin for v in product.variants)
            assert ("sieu-thi" in values) == (product.id in sold)
            assert values.get("sao") == ([str(r.stars(product))] if r.stars(product) else None)
            assert values.get("cn", []) == sorted({c.name for c in product.other_certifications})


def facet_counts_on_page(html: str) -> dict[str, dict[str, int]]:
    counts: dict[str, dict[str, int]] = {}
    for key, body in re.findall(r'<fieldset data-facet="([^"]+)">(.*?)</fieldset>', html, re.S):
        counts[key] = {
            unescape(value): int(n)
            for value, n in re.findall(
                r'<input type="checkbox" name="[^"]+" value="([^"]*)">.*?'
                r'<span class="ocop-count" data-count>(\d+)</span>',
                body,
                re.S,
            )
        }
    return counts


def test_search_page_lists_every_facet_value_with_its_count(sample_site: Site) -> None:
    project, _ = sample_site
    cat = catalogue(project)
    site = project.public.resolve()
    for lang, prefix in LANGUAGES:
        html = (site / prefix / "tim-kiem" / "index.html").read_text(encoding="utf-8")
        on_page = facet_counts_on_page(html)
        r = Renderer(cat, {}, lang, illustrative=True)
        expected: dict[str, Counter[str]] = {f.key: Counter() for f in FACETS}
        for product in cat.published:
            sold = product.id in supermarket_ids(project, cat)
            for key, values in facet_values(cat, product, lang, r.state(product), sold).items():
                expected[key].update(values)
        for facet in FACETS:
            assert on_page.get(facet.key, {}) == dict(expected[facet.key]), (lang, facet.key)
        stars = Counter(str(r.stars(p)) for p in cat.published if r.stars(p))
        assert on_page["sao"] == dict(stars)
        assert r.label("search_label", n=len(cat.published)) in unescape(html)
        # The results and the script that fills them: only on this page.
        assert 'id="ocop-results"' in html
        assert re.search(
            r'<script type="module" src="[^"]*assets/javascripts/ocop-search\.js">', html
        )
        assert LABELS[lang]["search_noscript"] in unescape(html)
    product_page = (site / "san-pham" / cat.published[0].id / "index.html").read_text("utf-8")
    assert "ocop-search.js" not in product_page and "search-index" not in product_page


def page_manifest(html: str) -> dict[str, object]:
    found = re.search(
        r'<script type="application/json" id="ocop-search-index">(.*?)</script>', html, re.S
    )
    assert found is not None
    data: dict[str, object] = json.loads(found.group(1))
    return data


def decode_postings(codes: list[int]) -> list[tuple[int, int]]:
    out, doc = [], -1
    for code in codes:
        doc += code >> 2
        out.append((doc, code & 3))
    return out


def test_index_files_give_back_the_catalogue(sample_site: Site) -> None:
    """Every file the search page names, read back the way ocop-search.js reads it."""
    project, _ = sample_site
    cat = catalogue(project)
    site = project.public.resolve()
    for lang, prefix in LANGUAGES:
        page = (site / prefix / "tim-kiem" / "index.html").read_text(encoding="utf-8")
        manifest = page_manifest(page)
        folder = site / "search-index" / lang
        assert f'data-index="{"../" * (1 + len(prefix) // 3)}search-index/{lang}/"' in page
        r = Renderer(cat, {}, lang, illustrative=True)
        products = r.sorted(cat.published)
        assert manifest["n"] == len(products)

        # Words: the shard table is sorted, a folded form lives in one shard only, and the
        # postings are exactly each product's words with their parts.
        table = manifest["words"]
        assert isinstance(table, list)
        starts = [first for first, _name in table]
        assert starts == sorted(starts) and len(set(starts)) == len(starts)
        found: dict[str, list[tuple[int, int]]] = {}
        for k, (first, name) in enumerate(table):
            words = json.loads((folder / name).read_text(encoding="utf-8"))
            for word, codes in words.items():
                assert first <= fold(word) and (k + 1 == len(table) or fold(word) < starts[k + 1])
                found[word] = decode_postings(codes)
        expected: dict[str, list[tuple[int, int]]] = {}
        for n, product in enumerate(products):
            for word, part in product_words(cat, product, lang).items():
                expected.setdefault(word, []).append((n, part))
        assert found == expected

        # Facets: one value number per product (0: none), lists of products for multi-valued.
        facets = json.loads((folder / str(manifest["facets"])).read_text(encoding="utf-8"))
        assert facets["n"] == len(products)
        sold = supermarket_ids(project, cat)
        for n, product in enumerate(products):
            values = facet_values(cat, product, lang, r.state(product), product.id in sold)
            for facet in FACETS:
                data = facets["facets"][facet.key]
                if facet.multi:
                    members = [
                        data["values"][k]
                        for k, deltas in enumerate(data["docs"])
                        if n in {sum(deltas[: i + 1]) - 1 for i in range(len(deltas))}
                    ]
                    assert members == [v for v in values.get(facet.key, []) if v in data["values"]]
                else:
                    number = ord(data["column"][n]) - 0x30
                    value = [data["values"][number - 1]] if number else []
                    assert value == values.get(facet.key, [])[:1]

        # Dates of the latest certificate, for "newest first".
        days = json.loads((folder / str(manifest["dates"])).read_text(encoding="utf-8"))
        assert days == [
            (max(c.date for c in p.certifications) - dt.date(1970, 1, 1)).days for p in products
        ]

        # Cards: product n is card n % perFile of file n // perFile, and the cards are the
        # catalogue's own (built listing at the same depth: same links and photos).
        listing = (site / prefix / "danh-muc" / "index.html").read_text(encoding="utf-8")
        built = re.findall(r'<li class="ocop-card">.*?</li>', listing, re.S)
        assert len(built) == len(products)
        per = manifest["perFile"]
        assert isinstance(per, int)
        for n, product in enumerate(products):
            chunk = json.loads(
                (folder / f"{manifest['cards']}{n // per}.json").read_text(encoding="utf-8")
            )
            assert chunk[n % per] == built[n]
            assert f'href="../san-pham/{product.id}/"' in chunk[n % per]


def test_index_file_names_follow_their_content(sample_site: Site) -> None:
    """Word, facet and date files are named by a hash of their bytes (cacheable for a year);
    the card folder by the products' order."""
    project, _ = sample_site
    site = project.public.resolve()
    for lang, _prefix in LANGUAGES:
        folder = site / "search-index" / lang
        for path in folder.glob("*.json"):
            assert path.name == f"{path.name[0]}-{search._digest(path.read_bytes())}.json"


def test_words_are_sharded_without_splitting_a_folded_form(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(search, "SHARD_BYTES", 40)
    words = ["cà", "ca", "cá", "cải", "đen", "den", "dê", "an", "ăn", "bò"]
    postings = {w: list(range(k + 1)) for k, w in enumerate(words)}
    shards = search._shards(postings)
    assert len(shards) > 2
    seen: dict[str, int] = {}
    for k, (first, members) in enumerate(shards):
        assert first == min(fold(w) for w in members)
        for word in members:
            assert seen.setdefault(fold(word), k) == k  # every spelling of a form together
    assert sorted(w for _f, m in shards for w in m) == sorted(words)
    assert [f for f, _m in shards] == sorted(f for f, _m in shards)


def test_search_page_shows_the_first_cards_without_loading_anything(sample_site: Site) -> None:
    project, _ = sample_site
    cat = catalogue(project)
    site = project.public.resolve()
    for lang, prefix in LANGUAGES:
        html = (site / prefix / "tim-kiem" / "index.html").read_text(encoding="utf-8")
        r = Renderer(cat, {}, lang, illustrative=True)
        first = r.sorted(cat.published)[: search.FIRST_CARDS]
        results = re.search(r'<ul class="ocop-cards" id="ocop-results"[^>]*>(.*?)</ul>', html, re.S)
        assert results is not None
        ids = re.findall(r'href="\.\./san-pham/([^/]+)/"', results.group(1))
        assert ids == [p.id for p in first]
        status = re.search(r'<p class="ocop-search__status" id="ocop-status"[^>]*>(.*?)</p>', html)
        assert status is not None
        assert unescape(status.group(1)) == r.label(
            "search_results", n=f"{len(cat.published):,}".replace(",", "." if lang == "vi" else ",")
        )
        more_hidden = re.search(r'id="ocop-more"( hidden)?>', html)
        assert more_hidden is not None
        assert bool(more_hidden.group(1)) == (len(cat.published) <= search.FIRST_CARDS)
