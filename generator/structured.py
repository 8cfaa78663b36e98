"""Structured data (schema.org JSON-LD) and sharing tags of the product and producer pages.

- A product page describes one `Product`: name, description, images, brand, category, the
  producer as `manufacturer` (`Organization`), country of origin, `sku` (the permanent product
  id), `gtin13`/`gtin14` when the product has a single GTIN, and one `Offer` per pack size with
  a reference retail price (VND, with its validity date, the pack's own GTIN and SKU). A pack
  with a GTIN carries its GS1 Digital Link (`hasGS1DigitalLink`, the URL its QR code encodes).
- OCOP stars are a certification, not a customer rating: `hasCertification` → `Certification`
  with `certificationRating` (a `Rating` 1–5), the decision as `certificationIdentification`,
  issuer, `validFrom`, `expires` and active/inactive status — never `aggregateRating`, which
  search engines reserve for reviews. Stars appear only where the page shows them (an
  unconfirmed claim shows none). Other certifications (VietGAP, organic…) follow as
  `Certification`s without rating.
- A producer page describes an `Organization`; every product and producer page carries a
  `BreadcrumbList` matching its visible path.

The JSON goes into the page as a `<script type="application/ld+json">` block (browsers never run
it, so the CSP needs no hash for it); "</" is escaped so no text can close the element.
"""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

from .catalogue import Catalogue
from .errors import Lang
from .permalinks import gtin14
from .schema import Producer, Product

SCHEMA = "https://schema.org"
ORIGIN = {"vi": "Việt Nam", "en": "Vietnam"}
ORGANIZATION_TYPE = {"cooperative": "Organization", "enterprise": "Corporation"}


def script(data: dict[str, Any]) -> str:
    """A JSON-LD block for an HTML page."""
    text = json.dumps(data, ensure_ascii=False, separators=(",", ":")).replace("</", "<\\/")
    return f'<script type="application/ld+json">{text}</script>'


def _drop_empty(data: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in data.items() if v not in (None, "", [], {})}


def organization(cat: Catalogue, producer: Producer, lang: Lang, url: str) -> dict[str, Any]:
    address = producer.address_new or producer.address_old
    return _drop_empty(
        {
            "@type": ORGANIZATION_TYPE.get(producer.type, "Organization"),
            "@id": f"{url}#organization",
            "name": producer.name.get(lang),
            "url": url,
            "telephone": producer.phone,
            "email": producer.email,
            "sameAs": [producer.website] if producer.website else [],
            "taxID": producer.registration_number,
            "address": _drop_empty(
                {
                    "@type": "PostalAddress",
                    "streetAddress": address.get(lang) if address else None,
                    "addressCountry": "VN",
                }
            ),
        }
    )


def _certifications(
    cat: Catalogue, product: Product, lang: Lang, today: dt.date
) -> list[dict[str, Any]]:
    out: list[dict[str, Any]] = []
    current = product.current
    if current is not None and cat.shows_stars(product):
        active = product.status != "withdrawn" and not cat.is_expired(product)
        out.append(
            _drop_empty(
                {
                    "@type": "Certification",
                    "name": "OCOP",
                    "certificationIdentification": current.decision,
                    "certificationRating": {
                        "@type": "Rating",
                        "ratingValue": current.stars,
                        "bestRating": 5,
                        "worstRating": 1,
                    },
                    "issuedBy": {"@type": "Organization", "name": current.issuer.get(lang)},
                    "validFrom": current.date.isoformat(),
                    "expires": current.expires.isoformat(),
                    "certificationStatus": (
                        f"{SCHEMA}/CertificationActive"
                        if active
                        else f"{SCHEMA}/CertificationInactive"
                    ),
                    "url": current.document_url,
                }
            )
        )
    for other in product.other_certifications:
        expired = other.valid_until is not None and other.valid_until < today
        out.append(
            _drop_empty(
                {
                    "@type": "Certification",
                    "name": other.name,
                    "certificationIdentification": other.number,
                    "issuedBy": (
                        {"@type": "Organization", "name": other.issuer.get(lang)}
                        if other.issuer
                        else None
                    ),
                    "expires": other.valid_until.isoformat() if other.valid_until else None,
                    "certificationStatus": (
                        f"{SCHEMA}/CertificationInactive"
                        if expired
                        else f"{SCHEMA}/CertificationActive"
                    ),
                }
            )
        )
    return out


def _gtin_property(gtin: str) -> str:
    return "gtin13" if len(gtin) == 13 else "gtin14" if len(gtin) == 14 else "gtin"


def product_ld(
    cat: Catalogue,
    product: Product,
    lang: Lang,
    *,
    site_url: str,
    page_url: str,
    producer_url: str,
    images: list[str],
    today: dt.date,
) -> dict[str, Any]:
    """The `Product` of a product page (absolute URLs throughout)."""
    producer = cat.producers[product.producer]
    gtins = sorted({v.gtin for v in product.variants if v.gtin})
    offers = []
    for variant in product.variants:
        if variant.price_retail is None:
            continue  # an Offer without a price is not an offer
        offer: dict[str, Any] = {
            "@type": "Offer",
            "name": variant.name.get(lang),
            "price": variant.price_retail,
            "priceCurrency": "VND",
            "sku": variant.sku,
            "url": page_url,
            "seller": {"@id": f"{producer_url}#organization"},
        }
        if variant.price_valid_until:
            offer["priceValidUntil"] = variant.price_valid_until.isoformat()
        if variant.gtin:
            offer[_gtin_property(variant.gtin)] = variant.gtin
            offer["hasGS1DigitalLink"] = f"{site_url}01/{gtin14(variant.gtin)}"
        offers.append(_drop_empty(offer))
    data: dict[str, Any] = {
        "@context": SCHEMA,
        "@type": "Product",
        "@id": f"{page_url}#product",
        "name": product.name.get(lang),
        "description": product.summary.get(lang),
        "url": page_url,
        "image": images,
        "sku": product.id,
        "category": cat.taxonomy.sets[product.ocop_category].name.get(lang),
        "brand": {"@type": "Brand", "name": product.brand} if product.brand else None,
        "manufacturer": organization(cat, producer, lang, producer_url),
        "countryOfOrigin": {"@type": "Country", "name": ORIGIN[lang]},
        "hasCertification": _certifications(cat, product, lang, today),
        "offers": offers,
    }
    if len(gtins) == 1:
        data[_gtin_property(gtins[0])] = gtins[0]
        data["hasGS1DigitalLink"] = f"{site_url}01/{gtin14(gtins[0])}"
    return _drop_empty(data)


def breadcrumbs(items: list[tuple[str, str]]) -> dict[str, Any]:
    """A BreadcrumbList of (name, absolute URL) from the home page down to the page."""
    return {
        "@context": SCHEMA,
        "@type": "BreadcrumbList",
        "itemListElement": [
            {"@type": "ListItem", "position": k + 1, "name": name, "item": url}
            for k, (name, url) in enumerate(items)
        ],
    }


def producer_ld(cat: Catalogue, producer: Producer, lang: Lang, url: str) -> dict[str, Any]:
    data = organization(cat, producer, lang, url)
    return {"@context": SCHEMA, **data}
