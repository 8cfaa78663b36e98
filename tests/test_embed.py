"""The embeddable widget and its guide as built (the browser side: verify/checks/embed.mjs)."""

from __future__ import annotations

import json
import re
from html import unescape

from generator.build import BuildResult, Project
from generator.catalogue import load_catalogue
from generator.errors import Diagnostics, Lang
from generator.programme import load_programme
from generator.render import Renderer
from generator.search import FACETS, facet_keys, facet_values

from .conftest import TODAY

Site = tuple[Project, BuildResult]
LANGUAGES: tuple[tuple[Lang, str], ...] = (("vi", ""), ("en", "en/"))


def manifest(html: str) -> dict[str, object]:
    found = re.search(
        r'<script type="application/json" id="ocop-search-index">(.*?)</script>', html
    )
    assert found is not None
    data: dict[str, object] = json.loads(found.group(1))
    return data


def test_widget_pages_are_bare_unindexed_and_load_only_their_script(sample_site: Site) -> None:
    project, _ = sample_site
    site = project.public.resolve()
    for lang, prefix in LANGUAGES:
        html = (site / prefix / "nhung" / "index.html").read_text(encoding="utf-8")
        head = html.split("</head>")[0]
        assert '<meta name="robots" content="noindex">' in head
        assert 'class="md-header' not in html and 'class="md-footer' not in html
        assert 'class="md-nav' not in html
        scripts = re.findall(r'<script[^>]* src="([^"]+)"', html)
        assert [s.rsplit("/", 1)[-1] for s in scripts] == ["ocop-embed.js"]
        assert f'<html lang="{lang}"' in html
        # The same index as the search page of that language.
        search = (site / prefix / "tim-kiem" / "index.html").read_text(encoding="utf-8")
        assert manifest(html) == manifest(search)
    # The host script sits at one permanent, language-neutral address.
    script = (site / "nhung" / "embed.js").read_text(encoding="utf-8")
    assert "data-ocop-embed" in script and "event.origin !== origin" in script


def test_widget_filters_by_language_neutral_keys(sample_site: Site) -> None:
    """The facet file's keys are the ids the widget's URL uses, aligned with its values."""
    project, _ = sample_site
    site = project.public.resolve()
    cat, _ = load_catalogue(project.root, today=TODAY)
    for lang, prefix in LANGUAGES:
        data = manifest((site / prefix / "nhung" / "index.html").read_text(encoding="utf-8"))
        folder = site / "search-index" / lang
        facets = json.loads((folder / str(data["facets"])).read_text(encoding="utf-8"))["facets"]
        r = Renderer(cat, {}, lang, illustrative=True)
        programme = load_programme(project.root, cat, Diagnostics())
        sold = {p.id for p in programme.supermarket_products()}
        for product in r.sorted(cat.published):
            labels = facet_values(cat, product, lang, r.state(product), product.id in sold)
            keys = facet_keys(cat, product, r.state(product), product.id in sold)
            for facet in FACETS:
                listed = facets[facet.key]
                for label, key in zip(
                    labels.get(facet.key, []), keys.get(facet.key, []), strict=True
                ):
                    if label in listed["values"]:
                        assert listed["keys"][listed["values"].index(label)] == key
        # Every product's card by id, for the single-product widget: the catalogue's card.
        listing = (site / prefix / "danh-muc" / "index.html").read_text(encoding="utf-8")
        cards = re.findall(r'<li class="ocop-card">.*?</li>', listing, re.S)
        for product, card in zip(r.sorted(cat.published), cards, strict=True):
            by_id = json.loads((folder / "sp" / f"{product.id}.json").read_text(encoding="utf-8"))
            assert by_id == card


def test_embedding_guide_offers_the_catalogue_s_own_choices(sample_site: Site) -> None:
    project, _ = sample_site
    site = project.public.resolve()
    cat, _ = load_catalogue(project.root, today=TODAY)
    for _lang, prefix in LANGUAGES:
        html = (site / prefix / "huong-dan-nhung" / "index.html").read_text(encoding="utf-8")
        assert re.search(r'<script type="module" src="[^"]*ocop-embed-config\.js">', html)
        options = {
            name: re.findall(r'<option value="([^"]+)"', body)
            for name, body in re.findall(
                r'<select id="ocop-config-[^"]+" name="([^"]+)">(.*?)</select>', html, re.S
            )
        }
        assert options["nhom"] == [g.slug for g in cat.taxonomy.groups]
        assert set(options["nsx"]) == {p.producer for p in cat.published}
        assert set(options["xa"]) == {c.id for c in cat.region.new.values()}
        script = re.search(r'data-script="([^"]+)"', html)
        assert script is not None
        target = (site / prefix / "huong-dan-nhung" / unescape(script.group(1))).resolve()
        assert target == (site / "nhung" / "embed.js").resolve() and target.is_file()
