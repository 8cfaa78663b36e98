"""Phase 2: turn the checked catalogue into Markdown pages, one tree per language.

The pages are real files (not MkDocs virtual files) so that any MkDocs-compatible builder can read
them. Every text field is escaped here or by the templates' autoescape before it reaches Markdown,
front matter or HTML: MkDocs renders its own templates without autoescape, and Material prints
`page.meta.title` raw. Rich text (Markdown fields) is rendered and sanitised with nh3.

Paths are language-neutral and identical in both languages (`san-pham/<id>/`), so the language
switcher and hreflang alternates only change the prefix.
"""

from __future__ import annotations

import html
import json
import posixpath
import re
from collections.abc import Callable, Iterable, Mapping, MutableMapping
from dataclasses import dataclass
from functools import partial
from pathlib import Path
from typing import Any, Protocol, TypeVar, runtime_checkable

import jinja2
import markdown
import nh3
from markupsafe import Markup

from . import figures, rawhtml, search, structured
from .catalogue import Catalogue, Group
from .errors import LANGS, Lang
from .fields import I18n
from .i18n import LABELS, format_count, format_date, format_money, format_number
from .images import Photo as ImagePhoto
from .pageinputs import PageInputs
from .programme import Programme
from .qr import Code
from .schema import Commune, Producer, Product
from .share import ShareImage
from .text import escape_md, fold

TEMPLATES = Path(__file__).parent / "templates"
IMAGE_ROOT = "anh"
SMALL_MAX_WIDTH = 720
MAX_SIBLINGS = 4
FALLBACK_WIDTH = 720
"""Renditions are published once at the site root and shared by both languages."""

# Sanitiser allowlist for rich text: prose only. No <pre> (a blank line inside it would end the
# raw-HTML block in Markdown), no images (photos go through the image pipeline), no styles.
_RICH_TAGS = {
    "p",
    "br",
    "strong",
    "em",
    "b",
    "i",
    "ul",
    "ol",
    "li",
    "a",
    "h3",
    "h4",
    "h5",
    "blockquote",
    "table",
    "thead",
    "tbody",
    "tr",
    "th",
    "td",
    "code",
    "hr",
    "sup",
    "sub",
}
_RICH_ATTRS = {"a": {"href", "title"}, "th": {"scope"}, "td": set()}
_RICH_SCHEMES = {"http", "https", "mailto", "tel"}


def page_dir(kind: str, key: str = "") -> str:
    """The docs-relative directory of a generated page; the URL path is the same."""
    dirs = {
        "catalogue": "danh-muc/",
        "producers": "nha-san-xuat/",
        "product": f"san-pham/{key}/",
        "producer": f"nha-san-xuat/{key}/",
        "group": f"nhom/{key}/",
        "stars": f"sao/{key}/",
        "commune": f"xa/{key}/",
        "commune_old": f"xa-cu/{key}/",
        "search": "tim-kiem/",
        "embed": "nhung/",
        "events": "hoi-cho/",
        "figures": "so-lieu/",
        "outlets": "noi-ban/",
        "embed_guide": "huong-dan-nhung/",
    }
    return dirs[kind]


LISTING_PAGE_SIZE = 48
"""Cards on one page of a listing (the catalogue, a group, a star rating, a commune): a multiple of
2, 3 and 4 so the last row of the card grid is full at every width; about 50 KB of HTML."""
PRODUCERS_PAGE_SIZE = 100
"""Producers on one page of the producers list (one line each, about 25 KB of HTML)."""
PAGE_SEGMENT = "trang-"
"""Listing page n > 1 lives at <listing>/trang-<n>/ ("page" in Vietnamese, in both languages)."""


T = TypeVar("T")


def listing_page_dir(directory: str, number: int) -> str:
    return directory if number == 1 else f"{directory}{PAGE_SEGMENT}{number}/"


def paginate(directory: str, items: list[T], size: int) -> tuple[list[str], list[list[T]]]:
    """The folders of a list's pages (the first at `directory`) and the items on each; an empty
    list still has its first page."""
    chunks = [items[i : i + size] for i in range(0, len(items), size)] or [[]]
    return [listing_page_dir(directory, n) for n in range(1, len(chunks) + 1)], chunks


@dataclass(frozen=True)
class PagerLink:
    number: int | None
    """None for the gap ("…") between distant page numbers."""
    href: str = ""
    current: bool = False


@dataclass(frozen=True)
class Pager:
    links: list[PagerLink]
    previous: str | None
    next: str | None


def pager(here: str, pages: list[str], number: int) -> Pager | None:
    """Links from page `number` of a listing to its neighbours, the first and last pages and the
    pages within two of it; None when the listing fits on one page."""
    if len(pages) < 2:
        return None
    count = len(pages)
    shown = sorted({1, count, *range(max(1, number - 2), min(count, number + 2) + 1)})
    links: list[PagerLink] = []
    for n in shown:
        if links and links[-1].number is not None and n - links[-1].number > 1:
            links.append(PagerLink(None))
        links.append(PagerLink(n, rel(here, pages[n - 1]), n == number))
    return Pager(
        links,
        rel(here, pages[number - 2]) if number > 1 else None,
        rel(here, pages[number]) if number < count else None,
    )


def rel(from_dir: str, to_dir: str) -> str:
    """Relative URL between two directory URLs of the same language, ending in '/'."""
    out = posixpath.relpath("/" + to_dir, "/" + (from_dir or "."))
    return "./" if out == "." else out + "/"


_MARKDOWN = markdown.Markdown(extensions=["sane_lists"], output_format="html")
"""One converter, reset before each text: building one per call (markdown.markdown) set up its
parser every time, 40 % of the Markdown cost of a 1,000-product build."""


def rich(text: str) -> Markup:
    """Render Markdown from an editor and keep only safe prose HTML."""
    rendered = _MARKDOWN.reset().convert(text)
    clean = nh3.clean(
        rendered,
        tags=_RICH_TAGS,
        attributes=_RICH_ATTRS,
        url_schemes=_RICH_SCHEMES,
        link_rel="noopener noreferrer nofollow",
    )
    # Page headings are ours (h1 name, h2 sections); an editor's headings start at h3.
    clean = re.sub(r"<(/?)h[12]>", r"<\1h3>", clean)
    return Markup("\n".join(line for line in clean.splitlines() if line.strip()))


@dataclass(frozen=True)
class ListingPage:
    """One page of a listing, not rendered yet."""

    rel: str
    """Docs-relative path of its Markdown file."""
    products: list[Product]
    dirs: list[str]
    """The folders of all the listing's pages."""
    number: int
    total: int
    """Products in the whole listing."""
    render: Callable[[], str]


@dataclass
class PageContext:
    """What every template of one page needs: where it is and which language it speaks."""

    lang: Lang
    dir: str
    root: str
    """Relative URL from this page to the site root (where /anh/ lives)."""


class Renderer:
    def __init__(
        self,
        catalogue: Catalogue,
        photos: dict[Path, ImagePhoto],
        lang: Lang,
        *,
        illustrative: bool,
        codes: dict[str, list[Code]] | None = None,
        site_url: str = "",
        shares: Mapping[tuple[str, Lang], ShareImage] | None = None,
        programme: Programme | None = None,
    ) -> None:
        self.cat = catalogue
        self.programme = programme or Programme(
            [], [], catalogue.today, {p.id: p for p in catalogue.published}
        )
        """Fairs and outlets (data/hoi-cho.yaml, data/diem-ban.yaml)."""
        self.codes = codes or {}
        self.site_url = site_url
        """The site's root URL (the Vietnamese site; English pages live under `en/`)."""
        self.shares = shares or {}
        self._cards: dict[tuple[str, str, str], tuple[Markup, bool]] = {}
        self.photos = photos
        self.lang = lang
        self.t = LABELS[lang]
        self.illustrative = illustrative
        self.env = jinja2.Environment(
            loader=jinja2.FileSystemLoader(TEMPLATES),
            autoescape=True,
            trim_blocks=True,
            lstrip_blocks=True,
            keep_trailing_newline=True,
            undefined=jinja2.StrictUndefined,
        )
        self.env.filters.update(md=lambda v: Markup(escape_md(str(v))))
        self.fallback_used = False

    # --- small helpers the templates call ------------------------------------------------------

    def tr(self, text: I18n | None) -> Markup:
        """A bilingual text in this page's language; Vietnamese fallback marked with lang="vi"."""
        if text is None:
            return Markup("")
        if self.lang == "en" and not text.en:
            self.fallback_used = True
            return Markup('<span lang="vi">{}</span>').format(text.vi)
        return Markup("{}").format(text.get(self.lang))

    def card(self, ctx: PageContext, product: Product) -> Markup:
        """A product card. Cards repeat on many listings (catalogue, group, stars, communes,
        producer), and their links depend only on where the page sits: render each once per
        relative position."""
        key = (product.id, rel(ctx.dir, "san-pham/"), ctx.root)
        hit = self._cards.get(key)
        if hit is None:
            outer, self.fallback_used = self.fallback_used, False
            html = self._template("_card.md.j2", ctx, p=product)
            hit = self._cards[key] = (Markup(html.strip("\n")), self.fallback_used)
            self.fallback_used = outer
        self.fallback_used = self.fallback_used or hit[1]
        return hit[0]

    def heading(self, text: I18n) -> Markup:
        """A page title for a Markdown `#` line; a Vietnamese fallback gets `{ lang="vi" }`."""
        if self.lang == "en" and not text.en:
            self.fallback_used = True
            return Markup(escape_md(text.vi) + ' { lang="vi" }')
        return Markup(escape_md(text.get(self.lang)))

    def tr_rich(self, text: I18n | None) -> Markup:
        if text is None:
            return Markup("")
        if self.lang == "en" and not text.en:
            self.fallback_used = True
            return Markup('<div lang="vi">\n{}\n</div>').format(rich(text.vi))
        return rich(text.get(self.lang))

    def plain(self, text: I18n | None) -> str:
        return "" if text is None else text.get(self.lang)

    def label(self, key: str, **params: object) -> str:
        return self.t[key].format(**params)

    def stars(self, product: Product) -> int | None:
        current = product.current
        return current.stars if current and self.cat.shows_stars(product) else None

    def state(self, product: Product) -> str:
        return self.cat.state(product)

    def commune_type(self, commune: Commune) -> str:
        return self.t["type_thi_tran" if commune.type == "thi-tran" else "type_xa"]

    def picture(
        self,
        ctx: PageContext,
        product: Product,
        photo_index: int,
        *,
        sizes: str,
        eager: bool = False,
        decorative: bool = False,
        small: bool = False,
    ) -> Markup:
        photo = product.photos[photo_index]
        image = self.photos.get(self.cat.photo_files[(product.id, photo.file)])
        if image is None:
            return Markup("")
        base = f"{ctx.root}{IMAGE_ROOT}/{product.id}/"
        # WebP for every browser that has srcset; one JPEG as the fallback of the rest. Small
        # slots (cards, thumbnails) never need the widest rendition: leaving it out keeps the
        # product page HTML small (a QR landing on a phone).
        webp = [r for r in image.by_format("webp") if not small or r.width <= SMALL_MAX_WIDTH]
        srcset = ", ".join(f"{base}{r.name} {r.width}w" for r in webp)
        jpegs = image.by_format("jpeg")
        fallback = next((r for r in jpegs if r.width >= FALLBACK_WIDTH), jpegs[-1])
        alt = "" if decorative else photo.alt.get(self.lang)
        loading = Markup(' fetchpriority="high"') if eager else Markup(' loading="lazy"')
        source = Markup('<source type="image/webp" srcset="{}" sizes="{}">').format(srcset, sizes)
        img = Markup(
            '<img src="{src}" width="{w}" height="{h}" alt="{alt}" decoding="async"{loading}>'
        ).format(
            src=base + fallback.name, w=fallback.width, h=fallback.height, alt=alt, loading=loading
        )
        return Markup("<picture>{}{}</picture>").format(source, img)

    def content_picture(self, ctx: PageContext, image: ImagePhoto, alt: str) -> Markup:
        """A photo of content/anh/ (news covers), in the column width of a content page."""
        base = f"{ctx.root}{NEWS_IMAGE_DIR}/"
        webp = image.by_format("webp")
        srcset = ", ".join(f"{base}{r.name} {r.width}w" for r in webp)
        jpegs = image.by_format("jpeg")
        fallback = next((r for r in jpegs if r.width >= FALLBACK_WIDTH), jpegs[-1])
        sizes = "(min-width: 60em) 38rem, calc(100vw - 1.6rem)"
        return Markup(
            '<figure class="ocop-news-photo"><picture><source type="image/webp" srcset="{}" '
            'sizes="{}"><img src="{}" width="{}" height="{}" alt="{}" decoding="async" '
            'loading="lazy"></picture></figure>'
        ).format(srcset, sizes, base + fallback.name, fallback.width, fallback.height, alt)

    # --- pages ---------------------------------------------------------------------------------

    def context(self, directory: str) -> PageContext:
        depth = directory.count("/")
        root = "../" * depth + ("../" if self.lang == "en" else "")
        return PageContext(self.lang, directory, root)

    def _template(self, template: str, ctx: PageContext, **data: Any) -> str:
        """Render a template with what every template of a page may use."""
        return self.env.get_template(template).render(
            r=self,
            t=self.t,
            ctx=ctx,
            cat=self.cat,
            rel=lambda to: rel(ctx.dir, to),
            page_dir=page_dir,
            fmt_date=lambda d: format_date(d, self.lang),
            money=lambda a: format_money(a, self.lang),
            number=lambda v: format_number(v, self.lang),
            programme=self.programme,
            **data,
        )

    def _render(self, template: str, ctx: PageContext, meta: dict[str, Any], **data: Any) -> str:
        self.fallback_used = False
        body = self._template(template, ctx, **data)
        if self.fallback_used:
            body = body.replace(
                "<!-- fallback-note -->",
                Markup('<p class="ocop-fallback" role="note">{}</p>').format(
                    self.t["no_translation"]
                ),
                1,
            )
        body = body.replace("<!-- fallback-note -->\n", "")
        return front_matter(meta) + rawhtml.mark(body)

    def product_page(self, product: Product) -> str:
        ctx = self.context(page_dir("product", product.id))
        producer = self.cat.producers[product.producer]
        # A few cards, not all: a producer with many products must not grow every page of theirs
        # (the product page is a QR landing on a phone); the producer page lists them all.
        others = [p for p in self.cat.products_of(producer.id) if p.id != product.id]
        siblings = self.sorted(others)[:MAX_SIBLINGS]
        meta: dict[str, Any] = {
            "title": product.name.get(self.lang),
            "description": product.summary.get(self.lang),
            "search": {"exclude": True},
            "hide": ["navigation"],
            "ocop": {
                "id": product.id,
                "kind": "product",
                "updated": product.provenance.updated.isoformat(),
            },
        }
        # The buyers' downloads: the PDF spec sheets (written beside the page of each language by
        # generator/specsheet.py) and the product's JSON record (one file for both languages).
        # Imported here, not at the top: specsheet imports this module (it renders with Renderer).
        from .specsheet import pdf_path

        here = ("" if self.lang == "vi" else f"{self.lang}/") + ctx.dir
        downloads = {
            "pdf": posixpath.relpath(pdf_path(product.id, self.lang), here),
            "pdf_other": [
                {
                    "href": posixpath.relpath(pdf_path(product.id, other), here),
                    "lang": other,
                    "name": LABELS[other]["lang_name"],
                }
                for other in LANGS
                if other != self.lang
            ],
            # The JSON export's path (one file per product, shared by both languages).
            "json": f"{ctx.root}du-lieu/san-pham/{product.id}.json",
        }
        print_code = next(
            (c for c in self.codes.get(product.id, []) if c.key == f"p/{product.id}"), None
        )
        shared = self.shares.get((product.id, self.lang))
        if shared is not None and self.site_url:
            meta["ocop"]["share_image"] = self.site_url + shared.path
        page = self._render(
            "product.md.j2",
            ctx,
            meta,
            p=product,
            producer=producer,
            downloads=downloads,
            print_code=print_code,
            siblings=siblings,
            more_siblings=len(others) > len(siblings),
            group=self.cat.taxonomy.group_of(product.ocop_category),
            category=self.cat.taxonomy.sets[product.ocop_category],
            commune_old=self.cat.region.old[product.place.commune_old],
            commune_new=self.cat.commune_new(product),
        )
        return page + self._product_ld(ctx, product)

    def _url(self, directory: str) -> str:
        """Absolute URL of a page folder of this language."""
        return self.site_url + ("" if self.lang == "vi" else f"{self.lang}/") + directory

    def _product_ld(self, ctx: PageContext, product: Product) -> str:
        """schema.org JSON-LD of a product page (generator/structured.py); none without a
        site URL (absolute URLs are required)."""
        if not self.site_url:
            return ""
        images = []
        shared = self.shares.get((product.id, self.lang))
        photo = product.main_photo
        image = self.photos.get(self.cat.photo_files[(product.id, photo.file)]) if photo else None
        if image is not None:
            widest = image.by_format("jpeg")[-1]
            images.append(f"{self.site_url}{IMAGE_ROOT}/{product.id}/{widest.name}")
        if shared is not None:
            images.append(self.site_url + shared.path)
        page_url = self._url(ctx.dir)
        group = self.cat.taxonomy.group_of(product.ocop_category)
        data = structured.product_ld(
            self.cat,
            product,
            self.lang,
            site_url=self.site_url,
            page_url=page_url,
            producer_url=self._url(page_dir("producer", product.producer)),
            images=images,
            today=self.cat.today,
        )
        crumbs = structured.breadcrumbs(
            [
                (self.t["catalogue"], self._url(page_dir("catalogue"))),
                (
                    self.t["group_title"].format(name=group.name.get(self.lang)),
                    self._url(page_dir("group", group.slug)),
                ),
                (product.name.get(self.lang), page_url),
            ]
        )
        return f"\n{structured.script(data)}\n{structured.script(crumbs)}\n"

    def qr_page(self, product: Product) -> str:
        ctx = self.context(page_dir("product", product.id) + "qr/")
        name = product.name.get(self.lang)
        meta = {
            "title": self.label("qr_title", name=name),
            "description": self.t["qr_intro"][:160],
            "search": {"exclude": True},
            "hide": ["navigation"],
            "ocop": {"id": product.id, "kind": "qr"},
        }
        return self._render("qr.md.j2", ctx, meta, p=product, codes=self.codes[product.id])

    def listing_pages(
        self, directory: str, title: str, intro: str, products: list[Product], *, kind: str
    ) -> list[ListingPage]:
        """A listing in pages of LISTING_PAGE_SIZE cards: `directory` holds the first, then
        `directory`trang-2/, trang-3/… A page stays the same size however large the catalogue
        grows; only the number of pages grows. Each page is rendered when asked (`render`), so
        that a page whose inputs are unchanged need not be."""
        ordered = self.sorted(products)
        dirs, chunks = paginate(directory, ordered, LISTING_PAGE_SIZE)
        return [
            ListingPage(
                dirs[i] + "index.md",
                chunk,
                dirs,
                i + 1,
                len(ordered),
                partial(
                    self.listing_page,
                    dirs[i],
                    title,
                    intro,
                    chunk,
                    kind=kind,
                    total=len(ordered),
                    pages=dirs,
                    number=i + 1,
                ),
            )
            for i, chunk in enumerate(chunks)
        ]

    def listing_page(
        self,
        directory: str,
        title: str,
        intro: str,
        products: list[Product],
        *,
        kind: str,
        total: int | None = None,
        pages: list[str] | None = None,
        number: int = 1,
    ) -> str:
        """One page of a listing: `products` already sorted; `pages` the directories of all the
        listing's pages (one when it fits on a page)."""
        ctx = self.context(directory)
        pages = pages or [directory]
        if len(pages) > 1:
            title = self.label("page_title", title=title, n=number, count=len(pages))
        meta = {
            "title": title,
            "description": intro[:160],
            "hide": ["navigation"],
            "search": {"exclude": True},
            "ocop": {"kind": kind},
        }
        return self._render(
            "listing.md.j2",
            ctx,
            meta,
            title=title,
            intro=intro,
            products=products,
            total=len(products) if total is None else total,
            pager=pager(ctx.dir, pages, number),
            page_number=number,
            browse=kind == "catalogue",
        )

    def producer_page(self, producer: Producer) -> str:
        ctx = self.context(page_dir("producer", producer.id))
        name = producer.name.get(self.lang)
        meta = {
            "title": name,
            "description": self.label("products_of", name=name)[:160],
            "hide": ["navigation"],
            "search": {"exclude": True},
            "ocop": {"id": producer.id, "kind": "producer"},
        }
        page = self._render(
            "producer.md.j2",
            ctx,
            meta,
            producer=producer,
            products=self.sorted(self.cat.products_of(producer.id)),
            commune_old=self.cat.region.old[producer.commune_old],
        )
        if not self.site_url:
            return page
        url = self._url(ctx.dir)
        crumbs = structured.breadcrumbs(
            [(self.t["producers"], self._url(page_dir("producers"))), (name, url)]
        )
        data = structured.producer_ld(self.cat, producer, self.lang, url)
        return f"{page}\n{structured.script(data)}\n{structured.script(crumbs)}\n"

    def producers_pages(self) -> dict[str, str]:
        """The list of producers, PRODUCERS_PAGE_SIZE a page (docs-relative path → Markdown)."""
        ordered = sorted(self.cat.producers.values(), key=lambda p: (fold(p.name.vi), p.id))
        dirs, chunks = paginate(page_dir("producers"), ordered, PRODUCERS_PAGE_SIZE)
        pages = {}
        for i, chunk in enumerate(chunks):
            ctx = self.context(dirs[i])
            title = self.t["producers"]
            if len(dirs) > 1:
                title = self.label("page_title", title=title, n=i + 1, count=len(dirs))
            meta = {
                "title": title,
                "description": self.t["producers_intro"],
                "hide": ["navigation"],
                "ocop": {"kind": "producers"},
            }
            pages[dirs[i] + "index.md"] = self._render(
                "producers.md.j2",
                ctx,
                meta,
                title=title,
                producers=chunk,
                total=len(ordered),
                page_number=i + 1,
                pager=pager(ctx.dir, dirs, i + 1),
            )
        return pages

    def search_index(self) -> search.SearchIndex:
        """The catalogue search index of this language (generator/search.py)."""
        ctx = self.context(page_dir("search"))
        entries = [
            search.Entry(p, self.state(p), str(self.card(ctx, p)))
            for p in self.sorted(self.cat.published)
        ]
        supermarket = {p.id for p in self.programme.supermarket_products()}
        return search.build_index(self.cat, entries, self.lang, supermarket)

    def figures_page(self, targets: figures.Targets | None) -> str:
        """The programme in figures (generator/figures.py): computed from the data at build time,
        charts as static SVG with their tables, targets against actuals."""
        ctx = self.context(page_dir("figures"))
        t = figures.LABELS[self.lang]
        meta = {
            "title": t["page_title"],
            "description": t["page_title"],
            "hide": ["navigation"],
            "search": {"exclude": True},
            "ocop": {"kind": "figures"},
        }
        figs = figures.compute(
            self.cat,
            targets=targets,
            fairs=self.programme.fairs_per_year(),
            new_cooperatives=figures.cooperatives_founded(self.cat),
        )
        body = figures.page_markdown(
            figs, self.lang, lambda pid: rel(ctx.dir, page_dir("product", pid))
        )
        return front_matter(meta) + body + "\n"

    def events_page(self) -> str:
        """Trade fairs and events, upcoming then past (data/hoi-cho.yaml)."""
        ctx = self.context(page_dir("events"))
        meta = {
            "title": self.t["events_title"],
            "description": self.t["events_intro"],
            "hide": ["navigation"],
            "ocop": {"kind": "events"},
        }
        prog = self.programme
        return self._render(
            "events.md.j2",
            ctx,
            meta,
            upcoming=prog.upcoming(),
            past=prog.past(),
            per_year=prog.fairs_per_year(),
        )

    def outlets_page(self) -> str:
        """Where to buy: the outlets of data/diem-ban.yaml by kind, and the products sold in
        supermarkets."""
        ctx = self.context(page_dir("outlets"))
        meta = {
            "title": self.t["where_to_buy"],
            "description": self.t["outlets_intro"],
            "hide": ["navigation"],
            "ocop": {"kind": "outlets"},
        }
        order = ("ocop_shop", "supermarket", "market", "producer", "shop", "online")
        outlets = self.programme.outlets
        groups = [(k, [o for o in outlets if o.kind == k]) for k in order]
        # The filter's choices: the communes that have an outlet, the products some outlet sells.
        communes = [
            c for c in self.cat.region.new.values() if any(o.commune == c.id for o in outlets)
        ]
        sold = {p.id: p for o in outlets for p in self.programme.shown_products(o)}
        return self._render(
            "outlets.md.j2",
            ctx,
            meta,
            groups=[g for g in groups if g[1]],
            supermarket=self.sorted(self.programme.supermarket_products()),
            communes=communes,
            sold=self.sorted(sold.values()),
        )

    def embed_page(self, index: search.SearchIndex) -> str:
        """The embeddable widget (`/nhung/`, `/en/nhung/`): a product grid or one product's card
        for other sites' iframes, filtered by its URL (assets/javascripts/ocop-embed.js). No
        header, navigation or footer (theme_overrides/embed.html); not indexed by search
        engines (the products have their own pages)."""
        ctx = self.context(page_dir("embed"))
        meta = {
            "title": self.t["embed_title"],
            "description": self.t["embed_title"],
            "template": "embed.html",
            "search": {"exclude": True},
            "ocop": {"kind": "embed"},
        }
        labels = {
            key: self.t[key]
            for key in (
                "search_results",
                "search_none",
                "search_error",
                "embed_more",
                "embed_missing",
            )
        }
        return self._render(
            "embed.md.j2",
            ctx,
            meta,
            index_json=self._data_block(index.manifest),
            labels_json=self._data_block(labels),
            index_base=f"{ctx.root}{search.SEARCH_DIR}/{self.lang}/",
        )

    def embed_guide_blocks(self) -> dict[str, str]:
        """The configurator of the embedding guide (content/<lang>/huong-dan-nhung/index.md):
        the filter choices, built from the catalogue with their language-neutral keys."""
        ctx = self.context(page_dir("embed_guide"))
        published = self.cat.published
        taxonomy = self.cat.taxonomy
        used_sets = {p.ocop_category for p in published}
        producers = sorted(
            {p.producer for p in published},
            key=lambda pid: -len(self.cat.products_of(pid)),
        )[: search.MAX_FACET_VALUES]
        options = {
            "nhom": [(g.slug, g.name.get(self.lang)) for g in taxonomy.groups],
            "loai": [
                (code, taxonomy.sets[code].name.get(self.lang))
                for code in sorted(
                    used_sets, key=lambda c: fold(taxonomy.sets[c].name.get(self.lang))
                )
            ],
            "sao": [(str(n), self.label("stars_label", n=n)) for n in (5, 4, 3)],
            "xa": [(c.id, c.name) for c in self.cat.region.new.values()],
            "xa-cu": [
                (c.id, f"{self.commune_type(c)} {c.name}")
                for c in self.cat.region.old.values()
                if any(p.place.commune_old == c.id for p in published)
            ],
            "nsx": sorted(
                ((pid, self.cat.producers[pid].name.get(self.lang)) for pid in producers),
                key=lambda kv: fold(kv[1]),
            ),
        }
        example = self.sorted(published)[0].id if published else ""
        return {
            "embed-configurator.md": self._template(
                "embed-configurator.md.j2",
                ctx,
                options=options,
                example=example,
                embed_labels={
                    "nhom": "facet_group",
                    "loai": "facet_category",
                    "sao": "facet_stars",
                    "xa": "facet_commune",
                    "xa-cu": "facet_commune_old",
                    "nsx": "facet_producer",
                },
            )
        }

    def _data_block(self, data: Any) -> Markup:
        """A JSON data block: "</" is escaped so no text can close the <script> element."""
        return Markup(json.dumps(data, ensure_ascii=False).replace("</", "<\\/"))

    def search_page(self, index: search.SearchIndex) -> str:
        ctx = self.context(page_dir("search"))
        labels = {
            key: self.t[key]
            for key in ("search_results", "search_none", "search_loading", "search_error")
        }
        meta = {
            "title": self.t["search"],
            "description": self.t["search_intro"][:160],
            "hide": ["navigation", "toc"],
            "search": {"exclude": True},
            "ocop": {"kind": "search"},
        }
        first = self.sorted(self.cat.published)[: search.FIRST_CARDS]
        total = len(self.cat.published)

        def data_block(data: Any) -> Markup:
            # A JSON data block: "</" is escaped so no text can close the <script> element.
            return Markup(json.dumps(data, ensure_ascii=False).replace("</", "<\\/"))

        return self._render(
            "search.md.j2",
            ctx,
            meta,
            facets=search.FACETS,
            counts=index.counts,
            more_producers=len(self.cat.producers) > search.MAX_FACET_VALUES,
            total=total,
            status=self.label("search_results", n=format_count(total, self.lang)),
            cards=[self.card(ctx, p) for p in first],
            more=total > len(first),
            index_json=data_block(index.manifest),
            index_base=f"{ctx.root}{search.SEARCH_DIR}/{self.lang}/",
            labels_json=data_block(labels),
        )

    def sorted(self, products: Iterable[Product]) -> list[Product]:
        return sorted(products, key=lambda p: (fold(p.name.get(self.lang)), p.id))

    def block(self, name: str, **data: Any) -> str:
        """A snippet for hand-written pages (included at the site root: index.md)."""
        return self._template(f"{name}.md.j2", self.context(""), **data)

    def open_data_blocks(self) -> dict[str, str]:
        """The generated parts of the open data page (content/<lang>/du-lieu/index.md)."""
        # Imported here: exports builds its records with this module's Renderer.
        from . import exports

        t = self.t
        ctx = self.context(f"{exports.DATA_DIR}/")
        files = [(exports.CATALOGUE_JSON, "JSON", t["open_data_all"])]
        for ext, kind in (("xlsx", "Excel (XLSX)"), ("csv", "CSV (UTF-8)")):
            for lang in ("vi", "en"):
                path = exports.table_path(lang, ext)  # type: ignore[arg-type]
                files.append((path, kind, t["open_data_rows_" + lang]))
        files += [
            (exports.product_json_path(t["open_data_id"]), "JSON", t["open_data_one"]),
            (exports.PRODUCT_SCHEMA, "JSON Schema", t["open_data_schema_product"]),
            (exports.CATALOGUE_SCHEMA, "JSON Schema", t["open_data_schema_catalogue"]),
        ]
        return {
            # Included by the page at du-lieu/: links relative to it.
            "open-data-files.md": self._template(
                "open-data-files.md.j2", ctx, files=files, licence=exports.DATA_LICENCE
            ),
            "open-data-fields.md": self._template(
                "open-data-fields.md.j2", ctx, fields=exports.field_reference(self.lang)
            ),
        }

    def editor_guide_blocks(self) -> dict[str, str]:
        """The generated parts of the editors' guide (content/<lang>/huong-dan-bien-tap/): the
        field reference of each content file, the checked example files, the common mistakes
        with the messages the real loader gives, and the commands' summary lines."""
        # Imported here: editor_guide reaches the CLI, which imports the build and this module.
        from . import editor_guide as guide

        ctx = self.context(guide.GUIDE_DIR)
        h = guide.LABELS[self.lang]
        blocks = {
            f"editor-fields-{name}.md": self._template(
                "editor-fields.md.j2",
                ctx,
                fields=guide.input_fields(model, self.lang),
                caption=h[f"fields_{name}"],
                h=h,
            )
            for name, model in guide.FILES.items()
        }
        blocks["editor-example-files.md"] = self._template(
            "editor-examples.md.j2",
            ctx,
            files=[
                (h[f"example_{kind}"], guide.EXAMPLE_PATHS[kind], text)
                for kind, text in guide.example_files(self.cat).items()
            ],
        )
        blocks["editor-error-examples.md"] = self._template(
            "editor-errors.md.j2", ctx, examples=guide.error_examples(self.cat, self.lang), h=h
        )
        renditions = sum(len(photo.renditions) for photo in self.photos.values())
        blocks["editor-summaries.md"] = self._template(
            "editor-summaries.md.j2",
            ctx,
            summaries=guide.summaries(self.cat, renditions, self.lang),
            h=h,
        )
        return blocks

    def browse_data(self) -> dict[str, Any]:
        published = self.cat.published
        groups: list[tuple[Group, int]] = []
        for group in self.cat.taxonomy.groups:
            n = sum(1 for p in published if self.cat.taxonomy.group_of(p.ocop_category) is group)
            groups.append((group, n))
        stars = [(n, sum(1 for p in published if self.stars(p) == n)) for n in (3, 4, 5)]
        communes_new = [
            (c, sum(1 for p in published if self.cat.commune_new(p).id == c.id))
            for c in self.cat.region.new.values()
        ]
        communes_old = [
            (c, sum(1 for p in published if p.place.commune_old == c.id))
            for c in self.cat.region.old.values()
        ]
        return {
            "groups": groups,
            "stars": stars,
            "communes_new": [x for x in communes_new if x[1]],
            "communes_old": [x for x in communes_old if x[1]],
        }


NEWS_PHOTOS = "content/anh"
"""Photos of hand-written pages and news posts: outside content/<lang>/ (only Markdown is read
there) and published only as renditions, under /anh/tin-tuc/."""
NEWS_IMAGE_DIR = f"{IMAGE_ROOT}/tin-tuc"


class Blocks(dict[str, str]):
    """The generated blocks of one language, and blocks made on request for the page that
    includes them: `--8<-- "san-pham:id1,id2"` (those products' cards) and `--8<-- "anh:file.jpg"`
    (a photo of content/anh/, with its alt text after a "|")."""

    def __init__(self, renderer: Renderer, photos: Mapping[str, ImagePhoto], **blocks: str):
        super().__init__(blocks)
        self.renderer = renderer
        self.photos = photos
        """content/anh/ file name → its renditions."""

    def resolve(self, name: str, page_directory: str) -> str | None:
        """The block for a page at this docs-relative folder; None when the name is unknown."""
        r = self.renderer
        ctx = r.context(page_directory)
        kind, _, value = name.partition(":")
        if kind == "san-pham":
            ids = [i.strip() for i in value.split(",") if i.strip()]
            published = {p.id: p for p in r.cat.published}
            if not ids or any(i not in published for i in ids):
                return None
            cards = "\n".join(str(r.card(ctx, published[i])) for i in ids)
            return f'<ul class="ocop-cards">\n{cards}\n</ul>\n'
        if kind == "anh":
            file, _, alt = value.partition("|")
            image = self.photos.get(file.strip())
            if image is None:
                return None
            return str(r.content_picture(ctx, image, alt.strip())) + "\n"
        return None


def front_matter(meta: dict[str, Any]) -> str:
    """YAML front matter with every string HTML-escaped: Material prints these values raw.

    Written by hand rather than with yaml.safe_dump (which took 3.4 s for 2,000 pages): scalars
    are JSON strings and booleans, which YAML reads the same way.
    """

    def scalar(value: Any) -> str:
        if isinstance(value, str):
            value = html.escape(value, quote=True)
        return json.dumps(value, ensure_ascii=False)

    def block(data: dict[str, Any], indent: str) -> list[str]:
        lines = []
        for key, value in data.items():
            if isinstance(value, dict):
                lines.append(f"{indent}{key}:")
                lines += block(value, indent + "  ")
            elif isinstance(value, list):
                lines.append(f"{indent}{key}: [{', '.join(scalar(v) for v in value)}]")
            else:
                lines.append(f"{indent}{key}: {scalar(value)}")
        return lines

    return "---\n" + "\n".join(block(meta, "")) + "\n---\n\n"


@runtime_checkable
class KeepsPages(Protocol):
    """A page tree that can keep a page written by an earlier build (build.TreeWriter)."""

    def reuse(self, rel: str, digest: str) -> bool:
        """Keep the written page `rel` if it was written from inputs of this digest."""

    def put(self, rel: str, content: str, digest: str, *, by_content: bool = False) -> None:
        """Write the page `rel`, remembering the digest of its inputs (`by_content`: and of
        its text, for a page whose modification time MkDocs' dirty build will change)."""


def render_language(
    catalogue: Catalogue,
    photos: dict[Path, ImagePhoto],
    lang: Lang,
    *,
    illustrative: bool,
    codes: dict[str, list[Code]] | None = None,
    site_url: str = "",
    shares: Mapping[tuple[str, Lang], ShareImage] | None = None,
    news_photos: Mapping[str, ImagePhoto] | None = None,
    programme: Programme | None = None,
    targets: figures.Targets | None = None,
    pages: MutableMapping[str, str] | None = None,
    inputs: PageInputs | None = None,
) -> tuple[MutableMapping[str, str], Blocks, search.SearchIndex]:
    """Every generated page (docs-relative path → Markdown), snippet block and the search index
    of one language. The pages go into `pages` as they are rendered (build.TreeWriter writes
    them at once) or into a new dict.

    With `inputs` and a `pages` tree that keeps pages (KeepsPages), a product, QR, producer or
    listing page whose inputs digest is the one it was written from is kept, not rendered
    again (generator/pageinputs.py says what each digest covers)."""
    r = Renderer(
        catalogue,
        photos,
        lang,
        illustrative=illustrative,
        codes=codes,
        site_url=site_url,
        shares=shares,
        programme=programme,
    )
    t = r.t
    cat = catalogue
    published = cat.published
    if pages is None:
        pages = {}

    keeper = pages if inputs is not None and isinstance(pages, KeepsPages) else None

    def listing(directory: str, title: str, intro: str, members: list[Product], kind: str) -> None:
        for page in r.listing_pages(directory, title, intro, members, kind=kind):
            # The first catalogue page shows the whole catalogue's facets (browse.md.j2).
            if keeper is None or inputs is None or (kind == "catalogue" and page.number == 1):
                pages[page.rel] = page.render()
                continue
            known = inputs.listing_page(
                lang, kind, title, intro, page.products, page.dirs, page.number, page.total
            )
            if not keeper.reuse(page.rel, known):
                keeper.put(page.rel, page.render(), known, by_content=True)

    def grown(rel: str, digest: Callable[[PageInputs], str], render: Callable[[], str]) -> None:
        """A page of those that grow with the catalogue, kept when its inputs are unchanged."""
        if keeper is None or inputs is None:
            pages[rel] = render()
            return
        known = digest(inputs)
        if not keeper.reuse(rel, known):
            keeper.put(rel, render(), known)

    for product in published:
        grown(
            page_dir("product", product.id) + "index.md",
            partial(PageInputs.product_page, product=product, lang=lang),
            partial(r.product_page, product),
        )
        if product.id in r.codes:
            grown(
                page_dir("product", product.id) + "qr/index.md",
                partial(PageInputs.qr_page, product=product, lang=lang),
                partial(r.qr_page, product),
            )
    for producer in cat.producers.values():
        grown(
            page_dir("producer", producer.id) + "index.md",
            partial(PageInputs.producer_page, producer=producer, lang=lang),
            partial(r.producer_page, producer),
        )
    pages.update(r.producers_pages())
    index = r.search_index()
    pages[page_dir("search") + "index.md"] = r.search_page(index)
    pages[page_dir("embed") + "index.md"] = r.embed_page(index)
    pages[page_dir("events") + "index.md"] = r.events_page()
    pages[page_dir("figures") + "index.md"] = r.figures_page(targets)
    pages[page_dir("outlets") + "index.md"] = r.outlets_page()
    area = r.plain(cat.region.area)
    listing(
        page_dir("catalogue"),
        t["catalogue"],
        t["catalogue_intro"].format(area=area),
        published,
        "catalogue",
    )
    for group in cat.taxonomy.groups:
        title = t["group_title"].format(name=group.name.get(lang))
        members = [p for p in published if cat.taxonomy.group_of(p.ocop_category) is group]
        listing(page_dir("group", group.slug), title, title, members, "group")
    for n in (3, 4, 5):
        title = t["stars_title"].format(n=n)
        members = [p for p in published if r.stars(p) == n]
        listing(page_dir("stars", str(n)), title, title, members, "stars")
    for commune in cat.region.new.values():
        olds = ", ".join(
            f"{r.commune_type(cat.region.old[o])} {cat.region.old[o].name}" for o in commune.old_ids
        )
        members = [p for p in published if cat.commune_new(p).id == commune.id]
        listing(
            page_dir("commune", commune.id),
            t["commune_new_title"].format(name=commune.name),
            t["commune_new_note"].format(name=commune.name, old=olds),
            members,
            "commune",
        )
    for commune in cat.region.old.values():
        members = [p for p in published if p.place.commune_old == commune.id]
        if not members:
            continue  # the old list includes units from other districts (merged in 2025)
        kind = r.commune_type(commune)
        new = cat.region.new[commune.new_id].name if commune.new_id else ""
        listing(
            page_dir("commune_old", commune.id),
            t["commune_old_title"].format(name=commune.name, type=kind),
            t["commune_old_note"].format(name=commune.name, type=kind, new=new),
            members,
            "commune_old",
        )

    featured = [p for p in published if p.featured and r.state(p) == "active"]
    if not featured:
        featured = sorted(
            (p for p in published if r.state(p) == "active"), key=lambda p: -(r.stars(p) or 0)
        )[:6]
    blocks = Blocks(
        r,
        news_photos or {},
        **{
            "featured.md": r.block("featured", products=r.sorted(featured)),
            "browse.md": r.block("browse"),
            **r.open_data_blocks(),
            **r.embed_guide_blocks(),
            **r.editor_guide_blocks(),
        },
    )
    return pages, blocks, index
