"""Catalogue search: the Pagefind documents, facets and the search page as built.

What a visitor gets from a query (diacritic folding, facets, URL state) is checked in a real
browser by `make verify` (verify/run.mjs, check `search`); these tests pin down what the build
hands to Pagefind and writes on the page.
"""

from __future__ import annotations

import json
import re
from collections import Counter
from html import unescape
from pathlib import Path

from generator.build import BuildResult, Project
from generator.catalogue import Catalogue, load_catalogue
from generator.errors import Lang
from generator.i18n import LABELS
from generator.render import Renderer
from generator.search import FACETS, UNUSED_FILES, _weighted_fields, facet_values
from generator.text import fold

from .conftest import TODAY

Site = tuple[Project, BuildResult]


def catalogue(project: Project) -> Catalogue:
    cat, _ = load_catalogue(project.root, today=TODAY)
    return cat


def test_each_word_once_at_its_highest_weight_with_dd_folded() -> None:
    fields = _weighted_fields([(10, ["Đậu đen Đắk Sôr"]), (3, ["đen, Đắk"]), (1, ["cà phê đen"])])
    # "đen" and "Đắk" already appear under weight 10; words with đ also get their folded form.
    assert fields == [(10, "Đậu dau đen den Đắk dak Sôr"), (1, "cà phê")]


def test_facet_values_follow_the_product(sample_site: Site) -> None:
    project, _ = sample_site
    cat = catalogue(project)
    langs: tuple[Lang, ...] = ("vi", "en")
    for lang in langs:
        r = Renderer(cat, {}, lang, illustrative=True)
        for product in cat.published:
            values = facet_values(cat, product, lang, r.state(product))
            group = cat.taxonomy.group_of(product.ocop_category)
            assert values["nhom"] == [group.name.get(lang)]
            assert values["xa"] == [cat.commune_new(product).name]
            assert values["nsx"] == [cat.producers[product.producer].name.get(lang)]
            assert ("gtin" in values) == any(v.gtin for v in product.variants)
            assert ("sieu-thi" in values) == any(
                o.kind == "supermarket" for o in product.where_to_buy
            )
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
    languages: tuple[tuple[Lang, str], ...] = (("vi", ""), ("en", "en/"))
    for lang, prefix in languages:
        html = (site / prefix / "tim-kiem" / "index.html").read_text(encoding="utf-8")
        on_page = facet_counts_on_page(html)
        r = Renderer(cat, {}, lang, illustrative=True)
        expected: dict[str, Counter[str]] = {f.key: Counter() for f in FACETS}
        for product in cat.published:
            for key, values in facet_values(cat, product, lang, r.state(product)).items():
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
    assert "ocop-search.js" not in product_page and "pagefind" not in product_page


def test_pagefind_bundle_has_one_index_per_language_with_every_product(sample_site: Site) -> None:
    project, _ = sample_site
    cat = catalogue(project)
    bundle = project.public.resolve() / "pagefind"
    entry = json.loads((bundle / "pagefind-entry.json").read_text(encoding="utf-8"))
    assert {lang: v["page_count"] for lang, v in entry["languages"].items()} == {
        "vi": len(cat.published),
        "en": len(cat.published),
    }
    assert len(list((bundle / "fragment").glob("*.pf_fragment"))) == 2 * len(cat.published)
    assert (bundle / "pagefind.js").is_file()
    assert not [name for name in UNUSED_FILES if (bundle / name).exists()]


def test_folded_sort_key_orders_names_like_the_catalogue(sample_site: Site) -> None:
    project, _ = sample_site
    cat = catalogue(project)
    r = Renderer(cat, {}, "vi", illustrative=True)
    docs = {d.url: d.html for d in r.search_docs()}
    keys = {}
    for product in cat.published:
        html = docs[f"/san-pham/{product.id}/"]
        match = re.search(r'data-pagefind-sort="ten\[data-v\]" data-v="([^"]*)"', html)
        assert match is not None
        keys[product.id] = unescape(match.group(1))
        assert keys[product.id] == f"{fold(product.name.vi)} {product.id}"
    assert sorted(keys, key=keys.__getitem__) == [p.id for p in r.sorted(cat.published)]


def test_cards_in_the_index_are_the_catalogue_cards(sample_site: Site) -> None:
    """The search page shows the same card markup as the listings (one template)."""
    project, _ = sample_site
    cat = catalogue(project)
    site: Path = project.public.resolve()
    r = Renderer(cat, {}, "vi", illustrative=True)
    product = cat.published[0]
    html = next(d.html for d in r.search_docs() if d.url == f"/san-pham/{product.id}/")
    found = re.search(r'data-pagefind-meta="card\[data-v\]" data-v="([^"]*)"', html)
    assert found is not None
    card = unescape(found[1])
    assert card.startswith('<li class="ocop-card">')
    assert f'href="../san-pham/{product.id}/"' in card  # relative to /tim-kiem/
    assert (site / "tim-kiem" / f"../san-pham/{product.id}/index.html").resolve().is_file()
