"""Feeds of new and re-certified OCOP products, per language, in RSS 2.0, Atom 1.0 and JSON Feed 1.1.

Files, release-relative; English ones sit at the same path under `en/`, as every page does:

| path (vi · en) | format | media type |
|---|---|---|
| `tin/san-pham-moi.xml` · `en/tin/san-pham-moi.xml` | RSS 2.0 | application/rss+xml |
| `tin/san-pham-moi.atom` · `en/tin/san-pham-moi.atom` | Atom 1.0 (RFC 4287) | application/atom+xml |
| `tin/san-pham-moi.json` · `en/tin/san-pham-moi.json` | JSON Feed 1.1 | application/feed+json |

Feed readers remember these URLs, so they are permanent, like the data exports. `tin/` ("news")
leaves room for the news blog's own feed beside them (`feed_path(lang, fmt, name="tin-tuc")`).

What is announced: one entry per OCOP certification event of a published product whose page shows
stars (`Catalogue.shows_stars`: an unconfirmed claim is not announced). A product's first
certification is a "new OCOP product"; a later one is "re-certified", "upgraded to N stars" when
the stars rose since the previous certification. Entries are newest first by decision date, at
most `FEED_SIZE`. A decision dated after the build day is not announced yet.

Decisions made here:

- Dates. A decision has a date, no time: it is published at 12:00 in Vietnam, a fixed UTC+07:00
  (no daylight saving since 1975; a fixed offset needs no tz database on the build machine). Noon
  keeps the calendar day a reader sees the same from UTC−05:00 to UTC+12:00, where midnight would
  show the day before anywhere west of Vietnam. An entry is updated on the product's
  `provenance.updated` (same hour) when that is later than the decision.
- No build time anywhere: the feed's `updated` / `lastBuildDate` is the newest entry's date, so a
  rebuild of unchanged data writes identical bytes (and an unchanged file is not rewritten).
- Ids: `<product page URL>#ocop-<decision date>-<decision number slug>` (RSS `guid
  isPermaLink="false"`). They change only with the site URL, the product id or the decision itself.
  Two certification events of one product with the same date and number are one event.
- Escaping. Every text is NFC with the characters XML 1.0 forbids (C0 controls but tab, line feed
  and carriage return; surrogates; U+FFFE/U+FFFF) removed, and C1 controls too; XML is built with
  ElementTree, which escapes every text and attribute. RSS `description` is HTML by convention, so
  its text is HTML-escaped first: a summary reading `<b>` shows as `<b>`, never as bold.
- RSS names the producer with `dc:creator` (RSS `author` must be an e-mail address) and carries the
  share image as an `enclosure` only when its size is known (RSS requires `length`).

`FeedEntry` is not tied to products: `write_feeds(extra_entries=…)` merges other entries (the news
blog's posts) into the products feed, and `make_feed` + `write_feed` write another feed.
"""

from __future__ import annotations

import datetime as dt
import email.utils
import html
import json
import os
import re
import unicodedata
import xml.etree.ElementTree as ET
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal, Protocol

from .catalogue import Catalogue
from .errors import LANGS, Lang
from .i18n import format_date
from .render import page_dir
from .schema import Certification, Product
from .text import slugify

FEED_SIZE = 50
"""Entries per feed: a reader polls often; older events stay on the product pages."""
FEED_DIR = "tin"
PRODUCTS_FEED = "san-pham-moi"

FeedFormat = Literal["rss", "atom", "json"]
FORMATS: tuple[FeedFormat, ...] = ("rss", "atom", "json")
EXTENSIONS: dict[FeedFormat, str] = {"rss": ".xml", "atom": ".atom", "json": ".json"}
MEDIA_TYPES: dict[FeedFormat, str] = {
    "rss": "application/rss+xml",
    "atom": "application/atom+xml",
    "json": "application/feed+json",
}
FORMAT_NAMES: dict[FeedFormat, str] = {"rss": "RSS", "atom": "Atom", "json": "JSON Feed"}

VIETNAM = dt.timezone(dt.timedelta(hours=7))
ANNOUNCED_AT = dt.time(12, 0, tzinfo=VIETNAM)

ATOM_NS = "http://www.w3.org/2005/Atom"
DC_NS = "http://purl.org/dc/elements/1.1/"
XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
JSON_FEED_VERSION = "https://jsonfeed.org/version/1.1"
RSS_DOCS = "https://www.rssboard.org/rss-specification"

_IMAGE_TYPES = {
    ".jpg": "image/jpeg",
    ".jpeg": "image/jpeg",
    ".png": "image/png",
    ".webp": "image/webp",
}
# XML 1.0 forbids C0 controls (but tab, LF, CR), surrogates, U+FFFE and U+FFFF; C1 controls are
# allowed but "discouraged" and only ever come from a bad paste, so they go too.
_FORBIDDEN = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff\ufffe\uffff]")

EventKind = Literal["new", "recertified", "upgraded"]

TEXTS: dict[Lang, dict[str, str]] = {
    "vi": {
        "site_name": "Sản phẩm OCOP Krông Nô",
        "title": "{site} — sản phẩm mới và được công nhận lại",
        "link_title": "Sản phẩm OCOP mới và được công nhận lại",
        "description": "Sản phẩm OCOP mới được công nhận và được công nhận lại của {area}, "
        "mới nhất trước.",
        "new": "{name} — sản phẩm OCOP {stars} sao mới",
        "recertified": "{name} — được công nhận lại OCOP {stars} sao",
        "upgraded": "{name} — được công nhận lại, lên {stars} sao OCOP",
        "detail": "Quyết định số {decision} ngày {date} của {issuer}: OCOP {stars} sao.",
        "previous": "Lần công nhận trước: {stars} sao.",
        "illustrative": "Dữ liệu minh họa: các chủ thể và số quyết định trong nguồn tin này là "
        "hư cấu, không phải thông tin chính thức.",
    },
    "en": {
        "site_name": "OCOP products of Krông Nô",
        "title": "{site} — new and re-certified products",
        "link_title": "New and re-certified OCOP products",
        "description": "OCOP products of {area} newly certified or re-certified, newest first.",
        "new": "{name} — new {stars}-star OCOP product",
        "recertified": "{name} — re-certified as a {stars}-star OCOP product",
        "upgraded": "{name} — re-certified, upgraded to {stars} stars",
        "detail": "Decision {decision} of {date} by {issuer}: {stars}-star OCOP product.",
        "previous": "Previously {stars} stars.",
        "illustrative": "Illustrative data: the producers and decision numbers in this feed are "
        "fictional, not official information.",
    },
}
"""The feeds' own words. They are not page labels (generator/i18n.py), which reach templates."""


class SharedImage(Protocol):
    """What a feed needs of an image: `share.ShareImage` is one."""

    @property
    def path(self) -> str:
        """Release-relative path."""
        ...

    @property
    def size(self) -> int:
        """Bytes."""
        ...


# --- the generic entry ----------------------------------------------------------------------------


@dataclass(frozen=True)
class Category:
    term: str
    """Machine token (Atom `term`)."""
    label: str
    """What people read (Atom `label`, RSS `category`, JSON Feed `tags`)."""
    scheme: str | None = None
    """URL of the vocabulary the term belongs to (Atom `scheme`)."""


@dataclass(frozen=True)
class Author:
    name: str
    url: str | None = None


@dataclass(frozen=True)
class Image:
    url: str
    type: str
    length: int | None = None
    """Bytes, when known: RSS requires it, so an image of unknown size is no RSS enclosure."""


@dataclass(frozen=True)
class Certified:
    """What a product entry announces, for machines (JSON Feed extension `_ocop`)."""

    product_id: str
    event: EventKind
    stars: int
    previous_stars: int | None
    decision: str
    date: dt.date


@dataclass(frozen=True)
class FeedEntry:
    """One entry of any feed: a certification event, or later a news post."""

    id: str
    title: str
    url: str
    summary: str
    published: dt.datetime
    """With a time zone."""
    updated: dt.datetime | None = None
    image: Image | None = None
    categories: tuple[Category, ...] = ()
    authors: tuple[Author, ...] = ()
    content: str | None = None
    """Plain text, paragraphs separated by a blank line; the summary when None."""
    certified: Certified | None = None

    @property
    def modified(self) -> dt.datetime:
        return max(self.published, self.updated) if self.updated else self.published

    @property
    def text(self) -> str:
        return self.content if self.content is not None else self.summary


@dataclass(frozen=True)
class Feed:
    name: str
    """File name stem (`feed_path`)."""
    lang: Lang
    site_url: str
    title: str
    description: str
    home_url: str
    author: Author
    updated: dt.datetime
    entries: tuple[FeedEntry, ...]

    def path(self, fmt: FeedFormat) -> str:
        return feed_path(self.lang, fmt, self.name)

    def url(self, fmt: FeedFormat) -> str:
        return self.site_url + self.path(fmt)


def feed_path(lang: Lang, fmt: FeedFormat, name: str = PRODUCTS_FEED) -> str:
    """Release-relative path of a feed file."""
    prefix = "" if lang == "vi" else f"{lang}/"
    return f"{prefix}{FEED_DIR}/{name}{EXTENSIONS[fmt]}"


def clean(text: str, *, inline: bool = True) -> str:
    """NFC text without what XML forbids; `inline` text (titles, names) on one line."""
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    text = unicodedata.normalize("NFC", _FORBIDDEN.sub("", text))
    return " ".join(text.split()) if inline else text.strip()


def _site(site_url: str) -> str:
    if not site_url.startswith(("https://", "http://")):
        raise ValueError(f"a feed needs the site's absolute URL, got {site_url!r}")
    return site_url.rstrip("/") + "/"


def _lang_root(site_url: str, lang: Lang) -> str:
    return site_url if lang == "vi" else f"{site_url}{lang}/"


def announced(day: dt.date) -> dt.datetime:
    """When a day's decision is dated in the feeds (see the module docstring)."""
    return dt.datetime.combine(day, ANNOUNCED_AT)


# --- products → entries --------------------------------------------------------------------------


@dataclass(frozen=True)
class _Event:
    product: Product
    cert: Certification
    kind: EventKind
    previous: int | None


def _events(cat: Catalogue) -> list[_Event]:
    events: list[_Event] = []
    for product in cat.published:
        if not cat.shows_stars(product):
            continue
        # Stable sort: two decisions of one day keep the order the file lists them in.
        history = sorted(product.certifications, key=lambda c: c.date)
        seen: set[tuple[dt.date, str]] = set()
        previous: Certification | None = None
        for cert in history:
            key = (cert.date, slugify(cert.decision))
            if key in seen:
                continue
            seen.add(key)
            if previous is None:
                kind: EventKind = "new"
            elif cert.stars > previous.stars:
                kind = "upgraded"
            else:
                kind = "recertified"
            if cert.date <= cat.today:
                events.append(
                    _Event(product, cert, kind, previous.stars if previous is not None else None)
                )
            previous = cert
    return events


def _image(site_url: str, image: SharedImage | None) -> Image | None:
    if image is None:
        return None
    media_type = _IMAGE_TYPES.get(Path(image.path).suffix.lower(), "application/octet-stream")
    return Image(clean(site_url + image.path), media_type, image.size)


def feed_entries(
    cat: Catalogue,
    lang: Lang,
    *,
    site_url: str,
    shares: Mapping[tuple[str, Lang], SharedImage] | None = None,
    illustrative: bool = False,
) -> list[FeedEntry]:
    """Every certification event to announce in `lang`, newest first (not capped)."""
    site_url = _site(site_url)
    root = _lang_root(site_url, lang)
    texts = TEXTS[lang]
    shares = shares or {}
    entries = []
    for event in _events(cat):
        product, cert = event.product, event.cert
        name = clean(product.name.get(lang))
        page_url = root + page_dir("product", product.id)
        group = cat.taxonomy.group_of(product.ocop_category)
        category = cat.taxonomy.sets[product.ocop_category]
        producer = cat.producers[product.producer]
        detail = texts["detail"].format(
            decision=cert.decision,
            date=format_date(cert.date, lang),
            issuer=cert.issuer.get(lang),
            stars=cert.stars,
        )
        if event.kind == "upgraded":
            detail += " " + texts["previous"].format(stars=event.previous)
        summary = clean(product.summary.get(lang))
        paragraphs = [summary, clean(detail)]
        if illustrative:
            paragraphs.append(texts["illustrative"])
        updated = product.provenance.updated
        entries.append(
            FeedEntry(
                id=f"{page_url}#ocop-{cert.date.isoformat()}-{slugify(cert.decision)}",
                title=clean(texts[event.kind].format(name=name, stars=cert.stars)),
                url=page_url,
                summary=summary,
                published=announced(cert.date),
                updated=announced(updated) if updated > cert.date else None,
                image=_image(site_url, shares.get((product.id, lang))),
                categories=(
                    Category(group.slug, clean(group.name.get(lang)), root + "nhom/"),
                    Category(category.code, clean(category.name.get(lang))),
                ),
                authors=(
                    Author(
                        clean(producer.name.get(lang)), root + page_dir("producer", producer.id)
                    ),
                ),
                content="\n\n".join(p for p in paragraphs if p),
                certified=Certified(
                    product.id, event.kind, cert.stars, event.previous, cert.decision, cert.date
                ),
            )
        )
    return _newest_first(entries)


def _newest_first(entries: Iterable[FeedEntry]) -> list[FeedEntry]:
    # By id first so that entries of one day always come in the same order.
    return sorted(sorted(entries, key=lambda e: e.id), key=lambda e: e.published, reverse=True)


def make_feed(
    lang: Lang,
    entries: Iterable[FeedEntry],
    *,
    site_url: str,
    name: str,
    title: str,
    description: str,
    author: Author,
    empty_updated: dt.datetime,
    limit: int = FEED_SIZE,
) -> Feed:
    """A feed of the newest `limit` entries. `empty_updated` dates a feed without entries (Atom
    and RSS readers need a date; the build time would change the bytes of every build)."""
    site_url = _site(site_url)
    chosen = _newest_first(entries)[:limit]
    ids: set[str] = set()
    for entry in chosen:
        if entry.id in ids:
            raise ValueError(f"two feed entries have the id {entry.id}")
        ids.add(entry.id)
        for moment in (entry.published, entry.updated):
            if moment is not None and moment.utcoffset() is None:
                raise ValueError(f"the feed entry {entry.id} has a date without a time zone")
    updated = max((e.modified for e in chosen), default=empty_updated)
    return Feed(
        name,
        lang,
        site_url,
        clean(title),
        clean(description),
        _lang_root(site_url, lang),
        author,
        updated,
        tuple(chosen),
    )


def products_feed(
    cat: Catalogue,
    lang: Lang,
    *,
    site_url: str,
    shares: Mapping[tuple[str, Lang], SharedImage] | None = None,
    extra_entries: Sequence[FeedEntry] = (),
    site_name: str | None = None,
    illustrative: bool = False,
    limit: int = FEED_SIZE,
) -> Feed:
    texts = TEXTS[lang]
    site = clean(site_name or texts["site_name"])
    description = texts["description"].format(area=cat.region.area.get(lang))
    if illustrative:
        description += " " + texts["illustrative"]
    latest = max((p.provenance.updated for p in cat.published), default=cat.today)
    return make_feed(
        lang,
        [
            *feed_entries(cat, lang, site_url=site_url, shares=shares, illustrative=illustrative),
            *extra_entries,
        ],
        site_url=site_url,
        name=PRODUCTS_FEED,
        title=texts["title"].format(site=site),
        description=description,
        author=Author(site, _lang_root(_site(site_url), lang)),
        empty_updated=announced(latest),
        limit=limit,
    )


# --- serialisation -------------------------------------------------------------------------------


def _sub(
    parent: ET.Element, tag: str, text: str | None = None, attrs: Mapping[str, str] | None = None
) -> ET.Element:
    element = ET.SubElement(parent, tag, dict(attrs or {}))
    if text is not None:
        element.text = text
    return element


def _xml(root: ET.Element) -> bytes:
    ET.indent(root)
    data: bytes = ET.tostring(root, encoding="utf-8", xml_declaration=True)
    return data + b"\n"


def _rss_date(moment: dt.datetime) -> str:
    """RFC 822 with a four-digit year (RFC 2822), as the RSS board recommends."""
    return email.utils.format_datetime(moment)


def _rfc3339(moment: dt.datetime) -> str:
    return moment.isoformat()


def _html_paragraphs(text: str) -> str:
    """Plain text as the HTML an RSS description holds: escaped, one <p> per paragraph."""
    return "".join(
        "<p>" + html.escape(par, quote=False).replace("\n", "<br>") + "</p>"
        for par in text.split("\n\n")
        if par.strip()
    )


def rss_bytes(feed: Feed) -> bytes:
    # Prefixed names are written literally with their xmlns on the root: ElementTree's
    # register_namespace is process-wide, and its default_namespace refuses unprefixed attributes.
    rss = ET.Element("rss", {"version": "2.0", "xmlns:atom": ATOM_NS, "xmlns:dc": DC_NS})
    channel = _sub(rss, "channel")
    _sub(channel, "title", feed.title)
    _sub(channel, "link", feed.home_url)
    _sub(channel, "description", feed.description)
    _sub(channel, "language", feed.lang)
    _sub(
        channel,
        "atom:link",
        attrs={"href": feed.url("rss"), "rel": "self", "type": MEDIA_TYPES["rss"]},
    )
    if feed.entries:
        _sub(channel, "pubDate", _rss_date(max(e.published for e in feed.entries)))
    _sub(channel, "lastBuildDate", _rss_date(feed.updated))
    _sub(channel, "docs", RSS_DOCS)
    for entry in feed.entries:
        item = _sub(channel, "item")
        _sub(item, "title", clean(entry.title))
        _sub(item, "link", clean(entry.url))
        _sub(item, "description", _html_paragraphs(clean(entry.text, inline=False)))
        for author in entry.authors:
            _sub(item, "dc:creator", clean(author.name))
        for category in entry.categories:
            _sub(item, "category", clean(category.label))
        if entry.image is not None and entry.image.length is not None:
            _sub(
                item,
                "enclosure",
                attrs={
                    "url": clean(entry.image.url),
                    "length": str(entry.image.length),
                    "type": entry.image.type,
                },
            )
        _sub(item, "guid", clean(entry.id), {"isPermaLink": "false"})
        _sub(item, "pubDate", _rss_date(entry.published))
    return _xml(rss)


def _atom_author(parent: ET.Element, author: Author) -> None:
    element = _sub(parent, "author")
    _sub(element, "name", clean(author.name))
    if author.url:
        _sub(element, "uri", clean(author.url))


def atom_bytes(feed: Feed) -> bytes:
    root = ET.Element("feed", {"xmlns": ATOM_NS, XML_LANG: feed.lang})
    _sub(root, "id", feed.url("atom"))
    _sub(root, "title", feed.title, {"type": "text"})
    _sub(root, "subtitle", feed.description, {"type": "text"})
    _sub(root, "updated", _rfc3339(feed.updated))
    _sub(root, "link", attrs={"rel": "self", "type": MEDIA_TYPES["atom"], "href": feed.url("atom")})
    _sub(
        root,
        "link",
        attrs={
            "rel": "alternate",
            "type": "text/html",
            "hreflang": feed.lang,
            "href": feed.home_url,
        },
    )
    _atom_author(root, feed.author)
    for entry in feed.entries:
        element = _sub(root, "entry")
        _sub(element, "id", clean(entry.id))
        _sub(element, "title", clean(entry.title), {"type": "text"})
        _sub(element, "updated", _rfc3339(entry.modified))
        _sub(element, "published", _rfc3339(entry.published))
        _sub(
            element,
            "link",
            attrs={"rel": "alternate", "type": "text/html", "href": clean(entry.url)},
        )
        if entry.image is not None:
            attrs = {"rel": "enclosure", "type": entry.image.type, "href": clean(entry.image.url)}
            if entry.image.length is not None:
                attrs["length"] = str(entry.image.length)
            _sub(element, "link", attrs=attrs)
        for author in entry.authors:
            _atom_author(element, author)
        for category in entry.categories:
            attrs = {"term": clean(category.term), "label": clean(category.label)}
            if category.scheme:
                attrs["scheme"] = clean(category.scheme)
            _sub(element, "category", attrs=attrs)
        _sub(element, "summary", clean(entry.summary), {"type": "text"})
        text = clean(entry.text, inline=False)
        if text != clean(entry.summary):
            _sub(element, "content", text, {"type": "text"})
    return _xml(root)


def _json_author(author: Author) -> dict[str, str]:
    out = {"name": clean(author.name)}
    if author.url:
        out["url"] = clean(author.url)
    return out


def json_feed(feed: Feed) -> dict[str, Any]:
    items = []
    for entry in feed.entries:
        item: dict[str, Any] = {
            "id": clean(entry.id),
            "url": clean(entry.url),
            "title": clean(entry.title),
            "summary": clean(entry.summary),
            "content_text": clean(entry.text, inline=False),
            "date_published": _rfc3339(entry.published),
            "date_modified": _rfc3339(entry.modified),
        }
        if entry.image is not None:
            item["image"] = clean(entry.image.url)
        if entry.categories:
            item["tags"] = [clean(c.label) for c in entry.categories]
        if entry.authors:
            item["authors"] = [_json_author(a) for a in entry.authors]
        if entry.certified is not None:
            # A JSON Feed extension (keys starting with "_" are the publisher's): embedding sites
            # can badge the entry without parsing its title.
            c = entry.certified
            item["_ocop"] = {
                "product_id": c.product_id,
                "event": c.event,
                "stars": c.stars,
                "previous_stars": c.previous_stars,
                "decision": clean(c.decision),
                "decision_date": c.date.isoformat(),
            }
        items.append(item)
    return {
        "version": JSON_FEED_VERSION,
        "title": feed.title,
        "home_page_url": feed.home_url,
        "feed_url": feed.url("json"),
        "description": feed.description,
        "language": feed.lang,
        "authors": [_json_author(feed.author)],
        "items": items,
    }


def json_feed_bytes(feed: Feed) -> bytes:
    text = json.dumps(json_feed(feed), ensure_ascii=False, indent=2)
    # "<" only ever occurs inside strings; as \u003c the file stays inert even if a page pastes it
    # into a <script> block (the same value for every JSON reader).
    return (text.replace("<", "\\u003c") + "\n").encode("utf-8")


SERIALISERS: dict[FeedFormat, Callable[[Feed], bytes]] = {
    "rss": rss_bytes,
    "atom": atom_bytes,
    "json": json_feed_bytes,
}


# --- files ---------------------------------------------------------------------------------------


def _write(path: Path, data: bytes) -> bool:
    """Write atomically; leave a file whose bytes are unchanged alone (quiet live reload)."""
    try:
        if path.read_bytes() == data:
            return False
    except OSError:
        pass
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    tmp.write_bytes(data)
    os.replace(tmp, path)
    return True


def write_feed(release: Path, feed: Feed) -> list[str]:
    """Write a feed in every format; returns the release-relative paths."""
    written = []
    for fmt in FORMATS:
        _write(release / feed.path(fmt), SERIALISERS[fmt](feed))
        written.append(feed.path(fmt))
    return written


def write_feeds(
    release: Path,
    cat: Catalogue,
    *,
    site_url: str,
    shares: Mapping[tuple[str, Lang], SharedImage] | None = None,
    extra_entries: Mapping[Lang, Sequence[FeedEntry]] | None = None,
    site_names: Mapping[Lang, str] | None = None,
    illustrative: bool = False,
    limit: int = FEED_SIZE,
) -> list[str]:
    """Write the products feeds of both languages; returns their paths (release-relative), sorted."""
    written: list[str] = []
    for lang in LANGS:
        feed = products_feed(
            cat,
            lang,
            site_url=site_url,
            shares=shares,
            extra_entries=(extra_entries or {}).get(lang, ()),
            site_name=(site_names or {}).get(lang),
            illustrative=illustrative,
            limit=limit,
        )
        written.extend(write_feed(release, feed))
    return sorted(written)


def feed_links(
    lang: Lang, *, site_url: str, name: str = PRODUCTS_FEED, title: str | None = None
) -> list[tuple[str, str, str]]:
    """(media type, title, absolute URL) of each format of a feed of a language, for the pages'
    `<link rel="alternate">` tags (feed autodiscovery); the products feed by default."""
    site_url = _site(site_url)
    title = title or TEXTS[lang]["link_title"]
    return [
        (MEDIA_TYPES[fmt], f"{title} ({FORMAT_NAMES[fmt]})", site_url + feed_path(lang, fmt, name))
        for fmt in FORMATS
    ]
