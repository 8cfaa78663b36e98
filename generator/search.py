"""Catalogue search: a compact index of the catalogue, written per language for the search page.

Material's own search downloads its whole index on every page (29.7 MB at 20,000 products, see
DESIGN.md), so products stay out of it. They are found on one search page per language
(`/tim-kiem/`, `/en/tim-kiem/`), whose script (theme_overrides/assets/javascripts/ocop-search.js)
reads this index piece by piece. Pagefind did this job first; at 20,000 products it moved 2.9 MB
for the page and one query and took 2.6 s per keystroke (docs/benchmarks.md), because every
product is a page to it (a 250 KB list of pages and sort orders, position lists for every word).
A catalogue needs less: which products carry a word, in which part, and a few facet columns.

Per language, in `search-index/<lang>/` (file names carry a hash of their content, so they can be
cached for a year; the search page names the current ones):

- **word shards** `w-<hash>.json`: `{word: postings}`, the words as written (lower case, with their
  tone marks), sorted by their folded form ("cà" → "ca") and cut into shards of about
  SHARD_BYTES; a folded form never straddles two shards. The page lists each shard's first folded
  word, so a query word ("ca", "cà" or "CÀ") finds its shard with a binary search and matches
  every spelling that folds like it; the word being typed matches as a prefix. Postings are the
  product numbers of the word, delta-encoded, times 4, plus the best part it appears in (3 name,
  2 producer or brand, 1 places, category, group and tags, 0 summary).
- **facets** `f-<hash>.json`: for each single-valued facet a string with one character per
  product (its value's number among the values the page lists, 0 for none or unlisted), for the
  multi-valued ones (certifications) the product numbers of each value. Loaded with the first
  query or filter: counts with every other facet applied are computed in the browser.
- **dates** `d-<hash>.json`: the date of each product's latest certificate (days since
  1970-01-01), loaded only to sort by it.
- **cards** `c/<set>/<k>.json`: the catalogue's own card markup (same template as the listings),
  CARDS_PER_FILE products per file; and `sp/<id>.json`, one product's card by its id, for the
  embedded single-product widget. `<set>` is a hash of the products' order, so a product
  number means the same product in every file of a set; a card's text may change within a set,
  so these files are revalidated, not cached for a year.

Products are numbered in the catalogue's order (folded name, then id): sorting by name is the
numbering itself, and with nothing searched the page shows its built-in first cards and loads
nothing at all.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import re
from collections import Counter
from collections.abc import Collection, Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .catalogue import Catalogue
from .errors import Lang
from .i18n import LABELS, STATE_LABELS
from .schema import Product
from .text import fold, slugify

SEARCH_DIR = "search-index"
"""Folder of the index at the site root, one subfolder per language."""
SEARCH_PAGE = "tim-kiem/"
MAX_FACET_VALUES = 40
"""Values listed per facet on the search page; the rest stay reachable through the search box
(a national catalogue has thousands of producers)."""
FORMAT = 1
"""Raise when the files change shape: it is part of every file's hash."""
SHARD_BYTES = 24_000
"""Target size of a word shard before compression (about 6–10 KB sent)."""
CARDS_PER_FILE = 8
"""Cards per file: the 24 first results of a query sit in up to 24 different files, so small
files; the catalogue order (no query) reads them one after the other."""
FIRST_CARDS = 24
"""Cards built into the search page (and shown per "more" click)."""
WORD = re.compile(r"[^\W_]+")
"""A word: letters and digits (ocop-search.js splits queries the same way)."""


@dataclass(frozen=True)
class Facet:
    key: str
    """URL query parameter and key in the facets file."""
    label: str
    """LABELS key of the facet's title."""
    flag: bool = False
    """A yes-only filter shown as one checkbox (value "1")."""
    multi: bool = False
    """A product may have several values (stored as lists of products per value)."""


FACETS: tuple[Facet, ...] = (
    Facet("nhom", "facet_group"),
    Facet("loai", "facet_category"),
    Facet("sao", "facet_stars"),
    Facet("xa", "facet_commune"),
    Facet("xa-cu", "facet_commune_old"),
    Facet("nsx", "facet_producer"),
    Facet("cn", "facet_certification", multi=True),
    Facet("gtin", "facet_has_gtin", flag=True),
    Facet("sieu-thi", "facet_supermarket", flag=True),
    Facet("hieu-luc", "facet_status"),
)
SORTS = ("ten", "sao", "ngay")
"""Sort orders: name (the product numbering), stars, date of the latest certificate."""


def _status_label(state: str, lang: Lang) -> str:
    return LABELS[lang][STATE_LABELS[state]]


def facet_values(
    cat: Catalogue, product: Product, lang: Lang, state: str, supermarket: bool | None = None
) -> dict[str, list[str]]:
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
    if _in_supermarket(product, supermarket):
        values["sieu-thi"] = ["1"]
    return {key: vals for key, vals in values.items() if vals}


def _in_supermarket(product: Product, known: bool | None) -> bool:
    """Sold in a supermarket: as the outlets file (data/diem-ban.yaml) says when the caller
    knows it, else from the product's own where_to_buy."""
    if known is not None:
        return known
    return any(o.kind == "supermarket" for o in product.where_to_buy)


def facet_keys(
    cat: Catalogue, product: Product, state: str, supermarket: bool | None = None
) -> dict[str, list[str]]:
    """The same values as facet_values, as language-neutral keys (ids and slugs): the embedded
    widget's URL parameters (`?nhom=thuc-pham&sao=4`) work on both languages' pages and outlive
    a renamed label."""
    current = product.current
    keys: dict[str, list[str]] = {
        "nhom": [cat.taxonomy.group_of(product.ocop_category).slug],
        "loai": [product.ocop_category],
        "xa": [cat.commune_new(product).id],
        "xa-cu": [product.place.commune_old],
        "nsx": [product.producer],
        "cn": [slugify(name) for name in sorted({c.name for c in product.other_certifications})],
        "hieu-luc": [state],
    }
    if current is not None and cat.shows_stars(product):
        keys["sao"] = [str(current.stars)]
    if any(v.gtin for v in product.variants):
        keys["gtin"] = ["1"]
    if _in_supermarket(product, supermarket):
        keys["sieu-thi"] = ["1"]
    return {key: vals for key, vals in keys.items() if vals}


def count_facets(
    values: Iterable[dict[str, list[str]]],
) -> dict[str, list[tuple[str, int]]]:
    """Facet values with their product counts, from each product's facet_values."""
    counts: dict[str, Counter[str]] = {f.key: Counter() for f in FACETS}
    for product_values in values:
        for key, vals in product_values.items():
            counts[key].update(vals)
    out: dict[str, list[tuple[str, int]]] = {}
    for facet in FACETS:
        c = counts[facet.key]
        if facet.key == "sao":
            items = sorted(c.items(), key=lambda kv: -int(kv[0]))
        elif facet.key == "nsx":
            # The producers with the most products; listed by name.
            items = sorted(c.items(), key=lambda kv: (-kv[1], fold(kv[0])))[:MAX_FACET_VALUES]
            items.sort(key=lambda kv: fold(kv[0]))
        else:
            items = sorted(c.items(), key=lambda kv: fold(kv[0]))[:MAX_FACET_VALUES]
        out[facet.key] = items
    return out


# --- the index --------------------------------------------------------------------------------

NAME, STRONG, LABEL, TEXT = 3, 2, 1, 0
"""Parts a word is found in, best first (the low two bits of a posting)."""


def product_words(cat: Catalogue, product: Product, lang: Lang) -> dict[str, int]:
    """The searchable words of one product (lower case, NFC, tone marks kept) → the best part
    they appear in."""
    producer = cat.producers[product.producer]
    group = cat.taxonomy.group_of(product.ocop_category)
    commune_old = cat.region.old[product.place.commune_old]
    parts: list[tuple[int, list[str]]] = [
        (NAME, [product.name.get(lang)]),
        (STRONG, [producer.name.get(lang), *([product.brand] if product.brand else [])]),
        (
            LABEL,
            [
                cat.commune_new(product).name,
                commune_old.name,
                cat.taxonomy.sets[product.ocop_category].name.get(lang),
                group.name.get(lang),
                *product.tags,
            ],
        ),
        (TEXT, [product.summary.get(lang)]),
    ]
    words: dict[str, int] = {}
    for part, texts in parts:
        for text in texts:
            for word in WORD.findall(text.lower()):
                words.setdefault(word, part)  # parts come best first
    return words


@dataclass(frozen=True)
class Entry:
    """One product as the search page knows it, in the catalogue's order."""

    product: Product
    state: str
    card: str
    """The card's HTML, links relative to the search page."""


@dataclass(frozen=True)
class SearchIndex:
    lang: Lang
    files: dict[str, bytes]
    """Path from the site root → content."""
    manifest: dict[str, Any]
    """What the search page embeds: its file names, shard table and product count."""
    counts: dict[str, list[tuple[str, int]]]
    """The facet values the page lists, with their counts."""


def _json(data: Any) -> bytes:
    return json.dumps(data, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


def _digest(*parts: bytes) -> str:
    h = hashlib.sha256(f"ocop-search {FORMAT}".encode())
    for part in parts:
        h.update(len(part).to_bytes(8, "big"))
        h.update(part)
    return h.hexdigest()[:12]


def _deltas(numbers: Iterable[int]) -> list[int]:
    out: list[int] = []
    previous = -1
    for n in numbers:
        out.append(n - previous)
        previous = n
    return out


def _shards(postings: dict[str, list[int]]) -> list[tuple[str, dict[str, list[int]]]]:
    """Words grouped by folded form, cut into shards of about SHARD_BYTES: (first folded word,
    {word: postings})."""
    by_fold: dict[str, list[str]] = {}
    for word in postings:
        by_fold.setdefault(fold(word), []).append(word)
    shards: list[tuple[str, dict[str, list[int]]]] = []
    size = SHARD_BYTES
    for key in sorted(by_fold):
        words = {w: postings[w] for w in sorted(by_fold[key])}
        weight = sum(len(w) + 4 + 4 * len(p) for w, p in words.items())  # ≈ JSON bytes
        if size + weight > SHARD_BYTES and size > 0:
            shards.append((key, {}))
            size = 0
        shards[-1][1].update(words)
        size += weight
    return shards


def _days(date: dt.date) -> int:
    return (date - dt.date(1970, 1, 1)).days


def build_index(
    cat: Catalogue,
    entries: Sequence[Entry],
    lang: Lang,
    supermarket: Collection[str] | None = None,
) -> SearchIndex:
    """The index of one language; entries in the catalogue's order (their numbers).
    `supermarket`: ids of the products sold in supermarkets (all outlets known to the build)."""

    def sold(product: Product) -> bool | None:
        return None if supermarket is None else product.id in supermarket

    base = f"{SEARCH_DIR}/{lang}/"
    files: dict[str, bytes] = {}

    def add(prefix: str, content: bytes) -> str:
        name = f"{prefix}-{_digest(content)}.json"
        files[base + name] = content
        return name

    # Words → postings (product numbers ascending, since products are visited in order).
    postings: dict[str, list[int]] = {}
    for n, entry in enumerate(entries):
        for word, part in product_words(cat, entry.product, lang).items():
            postings.setdefault(word, []).append(n * 4 + part)
    table: list[list[str]] = []
    for first, words in _shards(postings):
        encoded = {}
        for word, numbers in words.items():
            previous = -1
            out = []
            for code in numbers:
                doc, part = divmod(code, 4)
                out.append((doc - previous) * 4 + part)
                previous = doc
            encoded[word] = out
        table.append([first, add("w", _json(encoded))])

    # Facets: what the page lists, then one column per facet.
    values = [facet_values(cat, e.product, lang, e.state, sold(e.product)) for e in entries]
    counts = count_facets(values)
    # Label → key (facet_keys lists a product's values in the same order as facet_values).
    key_of: dict[str, dict[str, str]] = {f.key: {} for f in FACETS}
    for entry, labels in zip(entries, values, strict=True):
        for name, keys in facet_keys(cat, entry.product, entry.state, sold(entry.product)).items():
            for label, key in zip(labels[name], keys, strict=True):
                key_of[name].setdefault(label, key)
    facets: dict[str, Any] = {}
    for facet in FACETS:
        listed = [value for value, _n in counts[facet.key]]
        keys = [key_of[facet.key].get(value, "") for value in listed]
        number = {value: k + 1 for k, value in enumerate(listed)}
        if facet.multi:
            members: list[list[int]] = [[] for _ in listed]
            for n, vals in enumerate(values):
                for value in vals.get(facet.key, []):
                    if value in number:
                        members[number[value] - 1].append(n)
            facets[facet.key] = {
                "values": listed,
                "keys": keys,
                "docs": [_deltas(m) for m in members],
            }
        else:
            column = "".join(
                chr(0x30 + number.get((vals.get(facet.key) or [""])[0], 0)) for vals in values
            )
            facets[facet.key] = {"values": listed, "keys": keys, "column": column}
    facets_file = add("f", _json({"n": len(entries), "facets": facets}))

    latest = [
        max((c.date for c in e.product.certifications), default=dt.date(1970, 1, 1))
        for e in entries
    ]
    dates_file = add("d", _json([_days(d) for d in latest]))

    order = _digest("\n".join(e.product.id for e in entries).encode(), str(CARDS_PER_FILE).encode())
    for k in range(0, len(entries), CARDS_PER_FILE):
        chunk = [e.card for e in entries[k : k + CARDS_PER_FILE]]
        files[f"{base}c/{order}/{k // CARDS_PER_FILE}.json"] = _json(chunk)

    # One card per product by id: the embedded single-product widget (`/nhung/?sp=<id>`) knows
    # the id, not the number.
    for entry in entries:
        files[f"{base}sp/{entry.product.id}.json"] = _json(entry.card)

    manifest = {
        "v": FORMAT,
        "n": len(entries),
        "words": table,
        "facets": facets_file,
        "dates": dates_file,
        "cards": f"c/{order}/",
        "byId": "sp/",
        "perFile": CARDS_PER_FILE,
        "first": FIRST_CARDS,
    }
    return SearchIndex(lang, files, manifest, counts)


def write_search_index(release: Path, indexes: Iterable[SearchIndex]) -> Path:
    """Write the index files of every language into `release/search-index/`."""
    for index in indexes:
        for path, content in index.files.items():
            target = release / path
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(content)
    return release / SEARCH_DIR
