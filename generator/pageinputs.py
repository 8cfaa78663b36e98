"""What a product, QR, producer or listing page is made of, as one digest per page.

These are the pages that grow with the catalogue (two per product and language, one per
producer, one per 48 cards of a listing). A build that finds a page's digest unchanged since the page was written keeps the
written Markdown instead of rendering it again (build.TreeWriter.reuse): with one product
edited, a 5,000-product build rendered 20,000 unchanged pages for nothing.

A digest must cover everything the page's templates read, or a page would keep a stale price or
certificate. It is therefore made of whole objects (their `repr`: every field, dataclasses all
the way down) rather than of the fields the templates happen to use today:

- for every page: the generator's files (code, templates, labels), the site settings, the build
  date (a certificate's state, the JSON-LD's expired certifications), preview or release, the
  product set taxonomy and the communes;
- a product (`record`): the product, its state and stars, its photos' renditions, the fairs and
  outlets listing it, its QR codes and share images;
- a product page: its record, its producer, and the record of every other product of the
  producer (the sibling cards and which of them are shown);
- a QR page: the product's record;
- a producer page: the producer and the records of its products;
- a page of a listing (catalogue, group, stars, commune): its title, intro, number, the folders of
  all the listing's pages, the number of products, and the records and producers of its cards.
  The first catalogue page also shows the whole catalogue's facets: it is always rendered.

Records are computed once per build and shared by both languages.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping, Sequence
from pathlib import Path

from .catalogue import Catalogue
from .errors import LANGS, Lang
from .images import Photo as ImagePhoto
from .package import files_digest
from .programme import Programme
from .qr import Code
from .schema import Producer, Product
from .share import ShareImage


def _digest(parts: list[str]) -> str:
    return hashlib.sha256("\0".join(parts).encode("utf-8")).hexdigest()


class PageInputs:
    def __init__(
        self,
        cat: Catalogue,
        photos: Mapping[Path, ImagePhoto],
        programme: Programme,
        codes: Mapping[str, list[Code]],
        shares: Mapping[tuple[str, Lang], ShareImage],
        settings: object,
    ) -> None:
        self.cat = cat
        self.photos = photos
        self.programme = programme
        self.codes = codes
        self.shares = shares
        self._base = _digest(
            [
                files_digest(),
                repr(settings),
                cat.today.isoformat(),
                str(cat.preview),
                repr(cat.taxonomy),
                repr(cat.region),
            ]
        )
        self._records: dict[str, str] = {}
        self._producers: dict[str, str] = {}

    def record(self, product: Product) -> str:
        """The digest of one product as every page showing it in full or as a card sees it."""
        found = self._records.get(product.id)
        if found is None:
            cat, programme = self.cat, self.programme
            parts = [
                repr(product),
                cat.state(product),
                str(cat.shows_stars(product)),
                *(
                    repr(self.photos.get(cat.photo_files[(product.id, photo.file)]))
                    for photo in product.photos
                ),
                repr(programme.where_to_buy(product)),
                repr(programme.events_of(product.id)),
                str(programme.in_supermarket(product)),
                repr(self.codes.get(product.id)),
                *(repr(self.shares.get((product.id, lang))) for lang in LANGS),
            ]
            found = self._records[product.id] = _digest(parts)
        return found

    def _producer(self, producer_id: str) -> str:
        found = self._producers.get(producer_id)
        if found is None:
            found = self._producers[producer_id] = _digest([repr(self.cat.producers[producer_id])])
        return found

    def _family(self, producer_id: str) -> list[str]:
        """The producer and the records of all its published products, in catalogue order."""
        return [
            self._producer(producer_id),
            *(self.record(p) for p in self.cat.products_of(producer_id)),
        ]

    def product_page(self, product: Product, lang: Lang) -> str:
        return _digest(
            [self._base, lang, "product", self.record(product), *self._family(product.producer)]
        )

    def qr_page(self, product: Product, lang: Lang) -> str:
        return _digest([self._base, lang, "qr", self.record(product)])

    def producer_page(self, producer: Producer, lang: Lang) -> str:
        return _digest([self._base, lang, "producer", *self._family(producer.id)])

    def listing_page(
        self,
        lang: Lang,
        kind: str,
        title: str,
        intro: str,
        products: Sequence[Product],
        pages: Sequence[str],
        number: int,
        total: int,
    ) -> str:
        """One page of a listing: its place among the listing's pages and its cards (each
        card shows the product and its producer's name)."""
        cards = [part for p in products for part in (self.record(p), self._producer(p.producer))]
        head = [self._base, lang, "listing", kind, title, intro, str(number), str(total)]
        return _digest([*head, *pages, "\0cards", *cards])
