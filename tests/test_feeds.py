"""Feeds of new and re-certified products (generator/feeds.py), from the shipped sample catalogue.

Each format is checked by a small structural validator written from its specification (RSS 2.0 at
rssboard.org, Atom in RFC 4287, JSON Feed 1.1 at jsonfeed.org), then against the catalogue: one
entry per certification event of a product whose page shows stars, newest first, titles that say
what happened, stable ids, identical bytes on a rebuild, hostile text kept as text.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import email.utils
import json
import re
import shutil
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import pytest

from generator import feeds
from generator.build import read_settings
from generator.catalogue import Catalogue, load_catalogue
from generator.errors import LANGS, Lang
from generator.fields import I18n
from generator.render import page_dir
from generator.schema import Product
from generator.text import slugify

from .conftest import ROOT, TODAY, copy_project

FIXTURES = Path(__file__).parent / "fixtures"
ATOM = "{http://www.w3.org/2005/Atom}"
DC = "{http://purl.org/dc/elements/1.1/}"
XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
SITE_URL = read_settings(ROOT).site_url
RFC3339 = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?(Z|[+-]\d\d:\d\d)$")
# What XML 1.0 forbids (and C1 controls), as raw bytes must never carry.
FORBIDDEN = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")


# --- structural validators, one per format -------------------------------------------------------

# RSS 2.0 specification, "Required/optional channel elements" and "Elements of <item>".
RSS_CHANNEL = {
    "title",
    "link",
    "description",
    "language",
    "copyright",
    "managingEditor",
    "webMaster",
    "pubDate",
    "lastBuildDate",
    "category",
    "generator",
    "docs",
    "cloud",
    "ttl",
    "image",
    "rating",
    "textInput",
    "skipHours",
    "skipDays",
    "item",
}
RSS_ITEM = {
    "title",
    "link",
    "description",
    "author",
    "category",
    "comments",
    "enclosure",
    "guid",
    "pubDate",
    "source",
}


def rss_date(text: str | None) -> dt.datetime:
    assert text, "an RSS date is empty"
    moment = email.utils.parsedate_to_datetime(text)
    assert moment.tzinfo is not None, f"{text}: an RSS date needs a zone"
    assert email.utils.format_datetime(moment) == text, f"{text} is not an RFC 822 date"
    return moment


def rfc3339(text: str | None) -> dt.datetime:
    assert text and RFC3339.match(text), f"{text!r} is not an RFC 3339 date-time"
    return dt.datetime.fromisoformat(text)


def one(parent: ET.Element, tag: str) -> ET.Element:
    found = parent.findall(tag)
    assert len(found) == 1, f"{parent.tag} needs exactly one {tag}, has {len(found)}"
    return found[0]


def text_of(parent: ET.Element, tag: str) -> str:
    text = one(parent, tag).text
    assert text and text.strip(), f"{parent.tag}/{tag} is empty"
    return text


def validate_rss(root: ET.Element, self_url: str) -> list[ET.Element]:
    """The RSS 2.0 rules the feed relies on; returns the items."""
    assert root.tag == "rss" and root.get("version") == "2.0"
    channel = one(root, "channel")
    for tag in ("title", "link", "description"):
        text_of(channel, tag)
    for child in channel:
        assert child.tag.startswith("{") or child.tag in RSS_CHANNEL, child.tag
    for tag in ("pubDate", "lastBuildDate"):
        if channel.find(tag) is not None:
            rss_date(channel.findtext(tag))
    selves = [e for e in channel.findall(f"{ATOM}link") if e.get("rel") == "self"]
    assert [e.get("href") for e in selves] == [self_url]
    items = channel.findall("item")
    for item in items:
        for child in item:
            assert child.tag.startswith("{") or child.tag in RSS_ITEM, child.tag
        for tag in ("title", "link", "guid", "pubDate"):
            text_of(item, tag)
        assert one(item, "guid").get("isPermaLink") in (None, "true", "false")
        rss_date(item.findtext("pubDate"))
        for enclosure in item.findall("enclosure"):
            assert enclosure.get("url") and enclosure.get("type")
            assert (enclosure.get("length") or "").isdigit(), "enclosure length is required"
        for category in item.findall("category"):
            assert category.text and category.text.strip()
    return items


def validate_atom(root: ET.Element, self_url: str) -> list[ET.Element]:
    """RFC 4287 §4.1.1 (feed) and §4.1.2 (entry) cardinalities; returns the entries."""
    assert root.tag == f"{ATOM}feed"
    assert root.get(XML_LANG)
    for tag in ("id", "title", "updated"):
        text_of(root, f"{ATOM}{tag}")
    rfc3339(root.findtext(f"{ATOM}updated"))

    def links(parent: ET.Element) -> list[ET.Element]:
        found = parent.findall(f"{ATOM}link")
        for link in found:
            assert link.get("href"), "atom:link needs href"
        alternates = [
            (k.get("type"), k.get("hreflang")) for k in found if k.get("rel") in (None, "alternate")
        ]
        assert len(alternates) == len(set(alternates)), (
            "two alternate links of one type and language"
        )
        return found

    assert [k.get("href") for k in links(root) if k.get("rel") == "self"] == [self_url]
    feed_author = root.findall(f"{ATOM}author")
    entries = root.findall(f"{ATOM}entry")
    for entry in entries:
        for tag in ("id", "title", "updated"):
            text_of(entry, f"{ATOM}{tag}")
        for tag in ("published", "summary", "content", "rights", "source"):
            assert len(entry.findall(f"{ATOM}{tag}")) <= 1, tag
        updated = rfc3339(entry.findtext(f"{ATOM}updated"))
        if entry.find(f"{ATOM}published") is not None:
            assert rfc3339(entry.findtext(f"{ATOM}published")) <= updated
        entry_links = links(entry)
        if entry.find(f"{ATOM}content") is None:
            assert any(k.get("rel") in (None, "alternate") for k in entry_links)
        assert any(k.get("rel") == "alternate" for k in entry_links), "entry link is required"
        authors = entry.findall(f"{ATOM}author") or feed_author
        assert authors, "atom:author in the feed or in every entry"
        for author in authors:
            text_of(author, f"{ATOM}name")
        for category in entry.findall(f"{ATOM}category"):
            assert category.get("term")
    ids = [e.findtext(f"{ATOM}id") for e in entries]
    assert len(ids) == len(set(ids))
    return entries


JSON_FEED_TOP = {
    "version",
    "title",
    "home_page_url",
    "feed_url",
    "description",
    "user_comment",
    "next_url",
    "icon",
    "favicon",
    "authors",
    "language",
    "expired",
    "hubs",
    "items",
}
JSON_FEED_ITEM = {
    "id",
    "url",
    "external_url",
    "title",
    "content_html",
    "content_text",
    "summary",
    "image",
    "banner_image",
    "date_published",
    "date_modified",
    "authors",
    "tags",
    "language",
    "attachments",
}


def validate_authors(authors: Any) -> None:
    assert isinstance(authors, list)
    for author in authors:
        assert isinstance(author, dict) and {"name", "url", "avatar"} & author.keys()


def validate_json_feed(data: Any, feed_url: str) -> list[dict[str, Any]]:
    """JSON Feed 1.1: required keys, types, and extensions only with a leading underscore."""
    assert isinstance(data, dict)
    assert data["version"] == "https://jsonfeed.org/version/1.1"
    assert isinstance(data["title"], str) and data["title"]
    assert data["feed_url"] == feed_url
    for key in data:
        assert key in JSON_FEED_TOP or key.startswith("_"), key
    validate_authors(data.get("authors", []))
    items = data["items"]
    assert isinstance(items, list)
    for item in items:
        for key in item:
            assert key in JSON_FEED_ITEM or key.startswith("_"), key
        assert isinstance(item["id"], str) and item["id"]
        assert isinstance(item.get("content_text") or item.get("content_html"), str)
        for key in ("url", "title", "summary", "image", "content_text"):
            assert isinstance(item.get(key, ""), str), key
        for key in ("date_published", "date_modified"):
            if key in item:
                rfc3339(item[key])
        assert all(isinstance(t, str) for t in item.get("tags", []))
        validate_authors(item.get("authors", []))
    assert len({i["id"] for i in items}) == len(items)
    return items


@dataclasses.dataclass(frozen=True)
class Written:
    """One language's three feeds, parsed and validated."""

    rss: list[ET.Element]
    atom: list[ET.Element]
    json: list[dict[str, Any]]
    rss_channel: ET.Element
    atom_root: ET.Element
    json_data: dict[str, Any]


def read_feeds(release: Path, lang: Lang, site_url: str = SITE_URL) -> Written:
    paths = {fmt: release / feeds.feed_path(lang, fmt) for fmt in feeds.FORMATS}
    rss_root = ET.parse(paths["rss"]).getroot()
    atom_root = ET.parse(paths["atom"]).getroot()
    data = json.loads(paths["json"].read_text(encoding="utf-8"))
    return Written(
        validate_rss(rss_root, site_url + feeds.feed_path(lang, "rss")),
        validate_atom(atom_root, site_url + feeds.feed_path(lang, "atom")),
        validate_json_feed(data, site_url + feeds.feed_path(lang, "json")),
        one(rss_root, "channel"),
        atom_root,
        data,
    )


# --- what the catalogue says should be announced ------------------------------------------------


@dataclasses.dataclass(frozen=True)
class Expected:
    product: Product
    date: dt.date
    decision: str
    stars: int
    kind: str
    """new, recertified or upgraded."""


def expected_events(cat: Catalogue) -> list[Expected]:
    """Every certification event of a published product whose page shows stars, newest first."""
    out = []
    for product in cat.published:
        if not cat.shows_stars(product):
            continue
        history = sorted(product.certifications, key=lambda c: c.date)
        for i, cert in enumerate(history):
            if cert.date > cat.today:
                continue
            kind = "new"
            if i:
                kind = "upgraded" if cert.stars > history[i - 1].stars else "recertified"
            out.append(Expected(product, cert.date, cert.decision, cert.stars, kind))
    return sorted(out, key=lambda e: e.date, reverse=True)


def page_url(lang: Lang, product_id: str, site_url: str = SITE_URL) -> str:
    return site_url + ("" if lang == "vi" else f"{lang}/") + page_dir("product", product_id)


def noon(day: dt.date) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(12), dt.timezone(dt.timedelta(hours=7)))


@pytest.fixture(scope="module")
def cat() -> Catalogue:
    return load_catalogue(ROOT, today=TODAY)[0]


@pytest.fixture(scope="module")
def release(cat: Catalogue, tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("feeds")
    feeds.write_feeds(out, cat, site_url=SITE_URL)
    return out


# --- tests ---------------------------------------------------------------------------------------


def test_every_file_is_written_and_valid(cat: Catalogue, tmp_path: Path) -> None:
    written = feeds.write_feeds(tmp_path, cat, site_url=SITE_URL)
    expected = sorted(feeds.feed_path(lang, fmt) for lang in LANGS for fmt in feeds.FORMATS)
    assert written == expected
    on_disk = sorted(p.relative_to(tmp_path).as_posix() for p in tmp_path.rglob("*") if p.is_file())
    assert on_disk == expected
    for lang in LANGS:
        got = read_feeds(tmp_path, lang)
        assert len(got.rss) == len(got.atom) == len(got.json) > 0


def test_entries_are_the_certification_events_newest_first(cat: Catalogue, release: Path) -> None:
    events = expected_events(cat)
    assert len(events) <= feeds.FEED_SIZE  # the sample fits: every event is listed
    assert {"new", "upgraded"} <= {e.kind for e in events}
    for lang in LANGS:
        got = read_feeds(release, lang)
        # RSS: (link, decision day) of each item equals the events, in order.
        rss = [
            (item.findtext("link"), rss_date(item.findtext("pubDate")).date()) for item in got.rss
        ]
        assert rss == [(page_url(lang, e.product.id), e.date) for e in events]
        atom = [one(e, f"{ATOM}link[@rel='alternate']").get("href") for e in got.atom]
        assert atom == [page_url(lang, e.product.id) for e in events]
        assert [item["url"] for item in got.json] == [page_url(lang, e.product.id) for e in events]
        for item, event in zip(got.json, events, strict=True):
            name = event.product.name.get(lang)
            assert item["title"] == feeds.TEXTS[lang][event.kind].format(
                name=name, stars=event.stars
            )
            assert item["summary"] == event.product.summary.get(lang)
            assert item["_ocop"]["event"] == event.kind
            assert item["_ocop"]["decision"] == event.decision
            assert item["id"].startswith(page_url(lang, event.product.id) + "#")
            assert slugify(event.decision) in item["id"]
            producer = cat.producers[event.product.producer]
            assert item["authors"][0]["name"] == producer.name.get(lang)
            group = cat.taxonomy.group_of(event.product.ocop_category)
            category = cat.taxonomy.sets[event.product.ocop_category]
            assert item["tags"] == [group.name.get(lang), category.name.get(lang)]


def test_published_at_noon_in_vietnam_updated_with_the_product(
    cat: Catalogue, release: Path
) -> None:
    events = expected_events(cat)
    for lang in LANGS:
        got = read_feeds(release, lang)
        for entry, event in zip(got.atom, events, strict=True):
            published = rfc3339(entry.findtext(f"{ATOM}published"))
            updated = rfc3339(entry.findtext(f"{ATOM}updated"))
            assert published == noon(event.date)
            assert published.utcoffset() == dt.timedelta(hours=7)
            assert updated == noon(max(event.date, event.product.provenance.updated))
        for item, event in zip(got.rss, events, strict=True):
            assert rss_date(item.findtext("pubDate")) == noon(event.date)
        # The feed's date is the newest entry's, not the build's.
        newest = max(noon(max(e.date, e.product.provenance.updated)) for e in events)
        assert rss_date(got.rss_channel.findtext("lastBuildDate")) == newest
        assert rfc3339(got.atom_root.findtext(f"{ATOM}updated")) == newest


def test_re_certifications_say_so(cat: Catalogue, release: Path) -> None:
    rice = next(p for p in cat.published if p.id == "gao-buon-choah")
    first, second = sorted(rice.certifications, key=lambda c: c.date)
    assert second.stars > first.stars  # the sample's upgrade
    vi = {i["_ocop"]["decision"]: i["title"] for i in read_feeds(release, "vi").json}
    en = {i["_ocop"]["decision"]: i["title"] for i in read_feeds(release, "en").json}
    assert (
        vi[second.decision] == f"{rice.name.vi} — được công nhận lại, lên {second.stars} sao OCOP"
    )
    assert (
        en[second.decision]
        == f"{rice.name.get('en')} — re-certified, upgraded to {second.stars} stars"
    )
    assert vi[first.decision] == f"{rice.name.vi} — sản phẩm OCOP {first.stars} sao mới"
    assert en[first.decision] == f"{rice.name.get('en')} — new {first.stars}-star OCOP product"


def test_same_or_fewer_stars_is_a_re_certification(cat: Catalogue, tmp_path: Path) -> None:
    """The sample only has upgrades: add a re-certification at the same stars and one at fewer."""
    product = next(
        p
        for p in cat.published
        if cat.shows_stars(p) and len(p.certifications) == 1 and p.certifications[0].stars > 3
    )
    (cert,) = product.certifications
    same = dataclasses.replace(cert, decision="77/QĐ-UBND", date=cert.date + dt.timedelta(days=1))
    fewer = dataclasses.replace(
        cert, decision="78/QĐ-UBND", date=cert.date + dt.timedelta(days=2), stars=cert.stars - 1
    )
    # Listed out of order on purpose: the history is read by date.
    changed = dataclasses.replace(product, certifications=[fewer, cert, same])
    other = dataclasses.replace(
        cat, products=[changed if p.id == product.id else p for p in cat.products]
    )
    entries = {
        e.certified.decision: e
        for e in feeds.feed_entries(other, "en", site_url=SITE_URL)
        if e.certified
    }
    name = product.name.get("en")
    assert entries[cert.decision].title == f"{name} — new {cert.stars}-star OCOP product"
    assert (
        entries[same.decision].title == f"{name} — re-certified as a {cert.stars}-star OCOP product"
    )
    assert (
        entries[fewer.decision].title
        == f"{name} — re-certified as a {fewer.stars}-star OCOP product"
    )
    assert entries[same.decision].certified == feeds.Certified(
        product.id, "recertified", cert.stars, cert.stars, same.decision, same.date
    )


def test_unconfirmed_and_unpublished_products_are_not_announced(
    cat: Catalogue, release: Path
) -> None:
    silent = [p for p in cat.products if not cat.shows_stars(p) or p not in cat.published]
    assert silent, "the sample has an unconfirmed product"
    for lang in LANGS:
        urls = {item["url"] for item in read_feeds(release, lang).json}
        for product in silent:
            assert page_url(lang, product.id) not in urls


def test_the_feed_keeps_the_newest_entries(cat: Catalogue, tmp_path: Path) -> None:
    limit = 4
    feeds.write_feeds(tmp_path, cat, site_url=SITE_URL, limit=limit)
    events = expected_events(cat)[:limit]
    for lang in LANGS:
        got = read_feeds(tmp_path, lang)
        assert len(got.rss) == len(got.atom) == len(got.json) == limit
        assert [rss_date(i.findtext("pubDate")).date() for i in got.rss] == [e.date for e in events]


def test_a_rebuild_writes_the_same_bytes_and_ids(cat: Catalogue, tmp_path: Path) -> None:
    first, second = tmp_path / "first", tmp_path / "second"
    paths = feeds.write_feeds(first, cat, site_url=SITE_URL)
    # A later build day with no new decision changes nothing: no build time in the files.
    later, _ = load_catalogue(ROOT, today=TODAY + dt.timedelta(days=400))
    assert expected_events(later) == expected_events(cat)
    feeds.write_feeds(second, later, site_url=SITE_URL)
    for path in paths:
        assert (first / path).read_bytes() == (second / path).read_bytes(), path
    before = {path: (first / path).stat().st_mtime_ns for path in paths}
    feeds.write_feeds(first, cat, site_url=SITE_URL)
    assert {path: (first / path).stat().st_mtime_ns for path in paths} == before
    for lang in LANGS:
        ids = [i["id"] for i in read_feeds(first, lang).json]
        assert len(ids) == len(set(ids))
        guids = [i.findtext("guid") for i in read_feeds(first, lang).rss]
        assert guids == ids


def test_languages_use_their_own_texts_and_urls(cat: Catalogue, release: Path) -> None:
    vi, en = read_feeds(release, "vi"), read_feeds(release, "en")
    assert vi.rss_channel.findtext("language") == "vi"
    assert en.rss_channel.findtext("language") == "en"
    assert vi.atom_root.get(XML_LANG) == "vi" and en.atom_root.get(XML_LANG) == "en"
    assert (vi.json_data["language"], en.json_data["language"]) == ("vi", "en")
    assert vi.rss_channel.findtext("link") == SITE_URL
    assert en.rss_channel.findtext("link") == SITE_URL + "en/"
    assert vi.json_data["title"] != en.json_data["title"]
    for item in vi.json:
        assert not item["url"].startswith(SITE_URL + "en/")
    for item in en.json:
        assert item["url"].startswith(SITE_URL + "en/")
    events = expected_events(cat)
    assert any(e.product.name.en for e in events), "the sample has English names"
    for vi_item, en_item, event in zip(vi.json, en.json, events, strict=True):
        assert vi_item["title"].startswith(event.product.name.vi + " — ")
        assert en_item["title"].startswith(event.product.name.get("en") + " — ")
        assert vi_item["title"] != en_item["title"]
        assert en_item["summary"] == event.product.summary.get("en")


@dataclasses.dataclass(frozen=True)
class FakeShare:
    path: str
    size: int


def test_share_images_are_attached(cat: Catalogue, tmp_path: Path) -> None:
    shares = {
        (p.id, lang): FakeShare(f"anh/chia-se/{p.id}-{lang}.abc.jpg", 1000 + i)
        for i, p in enumerate(cat.published)
        for lang in LANGS
    }
    feeds.write_feeds(tmp_path, cat, site_url=SITE_URL, shares=shares)
    for lang in LANGS:
        got = read_feeds(tmp_path, lang)
        for item, event in zip(got.rss, expected_events(cat), strict=True):
            share = shares[(event.product.id, lang)]
            enclosure = one(item, "enclosure")
            assert enclosure.attrib == {
                "url": SITE_URL + share.path,
                "length": str(share.size),
                "type": "image/jpeg",
            }
        for entry, event in zip(got.atom, expected_events(cat), strict=True):
            share = shares[(event.product.id, lang)]
            (link,) = entry.findall(f"{ATOM}link[@rel='enclosure']")
            assert link.get("href") == SITE_URL + share.path
            assert link.get("length") == str(share.size)
        for json_item, event in zip(got.json, expected_events(cat), strict=True):
            assert json_item["image"] == SITE_URL + shares[(event.product.id, lang)].path


def test_no_share_images_no_enclosures(release: Path) -> None:
    got = read_feeds(release, "vi")
    assert all(item.find("enclosure") is None for item in got.rss)
    assert all("image" not in item for item in got.json)


def test_extra_entries_are_merged(cat: Catalogue, tmp_path: Path) -> None:
    newest = max(e.date for e in expected_events(cat)) + dt.timedelta(days=1)
    post = feeds.FeedEntry(
        id=SITE_URL + "tin/hoi-cho/",
        title="Hội chợ OCOP",
        url=SITE_URL + "tin/hoi-cho/",
        summary="Tin tức",
        published=noon(newest),
        image=feeds.Image(SITE_URL + "anh/hoi-cho.jpg", "image/jpeg"),
        categories=(feeds.Category("tin-tuc", "Tin tức"),),
    )
    feeds.write_feeds(tmp_path, cat, site_url=SITE_URL, extra_entries={"vi": [post]})
    vi, en = read_feeds(tmp_path, "vi"), read_feeds(tmp_path, "en")
    assert len(vi.json) == len(en.json) + 1
    assert vi.json[0]["id"] == post.id
    assert vi.json[0]["content_text"] == post.summary
    # An image of unknown size is no RSS enclosure (length is required) but is an Atom link.
    assert vi.rss[0].find("enclosure") is None
    (link,) = vi.atom[0].findall(f"{ATOM}link[@rel='enclosure']")
    assert link.get("length") is None
    # The post is the newest entry, but a product updated later still dates the feed.
    latest = max(rfc3339(i["date_modified"]) for i in vi.json)
    assert rss_date(vi.rss_channel.findtext("lastBuildDate")) == latest


def test_ids_must_be_unique_and_dates_zoned(cat: Catalogue, tmp_path: Path) -> None:
    entry = feeds.feed_entries(cat, "vi", site_url=SITE_URL)[0]
    with pytest.raises(ValueError) as raised:
        feeds.write_feeds(tmp_path, cat, site_url=SITE_URL, extra_entries={"vi": [entry]})
    assert str(raised.value) == f"two feed entries have the id {entry.id}"
    naive = dataclasses.replace(entry, id="urn:x", published=entry.published.replace(tzinfo=None))
    with pytest.raises(ValueError) as raised:
        feeds.make_feed(
            "vi",
            [naive],
            site_url=SITE_URL,
            name="x",
            title="x",
            description="x",
            author=feeds.Author("x"),
            empty_updated=entry.published,
        )
    assert str(raised.value) == "the feed entry urn:x has a date without a time zone"
    with pytest.raises(ValueError) as raised:
        feeds.write_feeds(tmp_path, cat, site_url="")
    assert str(raised.value) == "a feed needs the site's absolute URL, got ''"


class Tags(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append(tag)


@pytest.fixture
def hostile(tmp_path: Path) -> Iterator[tuple[Catalogue, Product]]:
    """The XSS fixture product, with control characters pasted into its name and summary."""
    root = copy_project(tmp_path / "project")
    (root / "products" / "doc-hai").mkdir()
    shutil.copy(FIXTURES / "hostile-product.yaml", root / "products" / "doc-hai" / "product.yaml")
    shutil.copy(FIXTURES / "hostile-producer.yaml", root / "producers" / "nha-doc-hai.yaml")
    cat, _ = load_catalogue(root, today=TODAY)
    product = next(p for p in cat.products if p.id == "doc-hai")
    bad = dataclasses.replace(
        product,
        name=I18n("</title><script>alert(1)</script>\x1f Gạo\x00 & <b>", "</title>\x07<x>"),
        summary=I18n("]]><script>alert(2)</script>\x0b", None),
    )
    products = [bad if p.id == "doc-hai" else p for p in cat.products]
    yield dataclasses.replace(cat, products=products), bad


def test_hostile_text_stays_text(hostile: tuple[Catalogue, Product], tmp_path: Path) -> None:
    cat, product = hostile
    out = tmp_path / "release"
    paths = feeds.write_feeds(out, cat, site_url=SITE_URL)
    for path in paths:
        raw = (out / path).read_bytes().decode("utf-8")
        assert not FORBIDDEN.search(raw), path
        assert "<script" not in raw and "<x>" not in raw, path
    names = {"vi": "</title><script>alert(1)</script> Gạo & <b>", "en": "</title><x>"}
    for lang in LANGS:
        got = read_feeds(out, lang)
        url = page_url(lang, product.id)
        title = feeds.TEXTS[lang]["new"].format(name=names[lang], stars=3)
        (rss,) = [i for i in got.rss if i.findtext("link") == url]
        (atom,) = [
            e for e in got.atom if one(e, f"{ATOM}link[@rel='alternate']").get("href") == url
        ]
        (item,) = [i for i in got.json if i["url"] == url]
        assert rss.findtext("title") == atom.findtext(f"{ATOM}title") == item["title"] == title
        assert item["summary"] == "]]><script>alert(2)</script>"
        # The RSS description is HTML: once parsed, it is paragraphs of text, nothing else.
        parsed = Tags()
        parsed.feed(rss.findtext("description") or "")
        assert set(parsed.tags) <= {"p", "br"}
        assert "alert(2)" in (rss.findtext("description") or "")


def test_feed_links_name_the_written_files(release: Path) -> None:
    for lang in LANGS:
        links = feeds.feed_links(lang, site_url=SITE_URL)
        assert [t for t, _, _ in links] == [
            "application/rss+xml",
            "application/atom+xml",
            "application/feed+json",
        ]
        for _, title, href in links:
            assert title
            assert (release / href.removeprefix(SITE_URL)).is_file()
            assert href.startswith(SITE_URL + ("en/" if lang == "en" else ""))


def test_illustrative_data_says_so(cat: Catalogue, tmp_path: Path) -> None:
    feeds.write_feeds(tmp_path, cat, site_url=SITE_URL, illustrative=True)
    for lang in LANGS:
        note = feeds.TEXTS[lang]["illustrative"]
        got = read_feeds(tmp_path, lang)
        assert note in got.json_data["description"]
        assert note in (got.rss_channel.findtext("description") or "")
        for item in got.json:
            assert item["content_text"].endswith(note)
            assert note not in item["title"]
