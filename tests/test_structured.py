"""Structured data: schema.org JSON-LD of product and producer pages (generator/structured.py)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from generator import structured
from generator.catalogue import Catalogue, load_catalogue
from generator.errors import Lang
from generator.permalinks import gtin14

from .conftest import ROOT, TODAY

VOCABULARY = json.loads(
    (Path(__file__).parent / "fixtures" / "schemaorg-subset.json").read_text(encoding="utf-8")
)
SITE = "https://ocop.example/"
LANGS: tuple[Lang, ...] = ("vi", "en")


def shape_problems(node: Any, where: str = "$", prop: str = "") -> list[str]:
    """Types and properties outside the schema.org vocabulary (tests/fixtures/schemaorg-subset.json)."""
    problems: list[str] = []
    if isinstance(node, list):
        for k, item in enumerate(node):
            problems += shape_problems(item, f"{where}[{k}]", prop)
        return problems
    if not isinstance(node, dict):
        if prop in VOCABULARY["enumerations"] and node not in VOCABULARY["enumerations"][prop]:
            problems.append(f"{where}: {node!r} is not a member of {prop}")
        return problems
    kind = node.get("@type")
    if kind is None:
        if set(node) != {"@id"}:
            problems.append(f"{where}: a node without @type that is not a reference")
        return problems
    allowed = VOCABULARY["types"].get(kind)
    if allowed is None:
        return [f"{where}: unknown type {kind}"]
    if prop in VOCABULARY["ranges"] and kind not in VOCABULARY["ranges"][prop]:
        problems.append(f"{where}: {kind} is not expected as {prop}")
    for key, value in node.items():
        if key in ("@type", "@context"):
            continue
        if key not in allowed:
            problems.append(f"{where}: {kind} has no property {key}")
        problems += shape_problems(value, f"{where}.{key}", key)
    return problems


def catalogue() -> Catalogue:
    cat, _ = load_catalogue(ROOT, today=TODAY)
    return cat


def product_data(cat: Catalogue, product_id: str, lang: Lang) -> dict[str, Any]:
    product = next(p for p in cat.published if p.id == product_id)
    prefix = "" if lang == "vi" else "en/"
    return structured.product_ld(
        cat,
        product,
        lang,
        site_url=SITE,
        page_url=f"{SITE}{prefix}san-pham/{product.id}/",
        producer_url=f"{SITE}{prefix}nha-san-xuat/{product.producer}/",
        images=[f"{SITE}anh/{product.id}.jpg"],
        today=TODAY,
    )


def test_products_fit_the_schema_org_vocabulary_and_carry_their_certification() -> None:
    cat = catalogue()
    for lang in LANGS:
        for product in cat.published:
            data = product_data(cat, product.id, lang)
            assert data["@type"] == "Product"
            assert shape_problems(data) == [], product.id
            text = json.dumps(data)
            # Stars are a certification, never a customer rating.
            assert "aggregateRating" not in text and "review" not in text
            ocop = [c for c in data.get("hasCertification", []) if c["name"] == "OCOP"]
            current = product.current
            if current is not None and cat.shows_stars(product):
                (cert,) = ocop
                assert cert["certificationRating"]["ratingValue"] == current.stars
                assert cert["certificationIdentification"] == current.decision
                assert cert["expires"] == current.expires.isoformat()
                active = product.status != "withdrawn" and not cat.is_expired(product)
                assert cert["certificationStatus"].endswith(
                    "CertificationActive" if active else "CertificationInactive"
                )
            else:
                assert ocop == []
            others = [c["name"] for c in data.get("hasCertification", []) if c["name"] != "OCOP"]
            assert others == [c.name for c in product.other_certifications]
            # One offer per pack size with a reference price, in VND, with the pack's GTIN.
            priced = [v for v in product.variants if v.price_retail is not None]
            offers = data.get("offers", [])
            assert [o["price"] for o in offers] == [v.price_retail for v in priced]
            for offer, variant in zip(offers, priced, strict=True):
                assert offer["priceCurrency"] == "VND"
                if variant.gtin:
                    assert offer[f"gtin{len(variant.gtin)}"] == variant.gtin
                    assert offer["hasGS1DigitalLink"] == f"{SITE}01/{gtin14(variant.gtin)}"
            gtins = {v.gtin for v in product.variants if v.gtin}
            assert (len(gtins) == 1) == ("hasGS1DigitalLink" in data)
            producer = cat.producers[product.producer]
            assert data["manufacturer"]["name"] == producer.name.get(lang)
            assert data["sku"] == product.id


def test_json_ld_block_cannot_be_closed_by_a_text() -> None:
    block = structured.script({"name": "</script><script>alert(1)</script>"})
    assert block.count("</script>") == 1
    inner = block.removeprefix('<script type="application/ld+json">').removesuffix("</script>")
    assert json.loads(inner) == {"name": "</script><script>alert(1)</script>"}


def test_producers_and_breadcrumbs_fit_the_vocabulary() -> None:
    cat = catalogue()
    for producer in cat.producers.values():
        data = structured.producer_ld(cat, producer, "vi", f"{SITE}nha-san-xuat/{producer.id}/")
        assert shape_problems(data) == []
        assert data["name"] == producer.name.vi
    crumbs = structured.breadcrumbs([("Trang chủ", SITE), ("Danh mục", f"{SITE}danh-muc/")])
    assert shape_problems(crumbs) == []
    assert [i["position"] for i in crumbs["itemListElement"]] == [1, 2]
