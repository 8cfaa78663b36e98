"""Share images: one 1200×630 JPEG per product and language for Open Graph, Zalo and Facebook.

Layout (pixels; a product without a rendered photo gets the panel across the whole width: the same
card, with more room for the name)::

    0              520 530                                                1200
    ┌────────────────┬─┬─────────────────────────────────────────────────────┐ 0
    │                │ │  ★★★★ OCOP 4 sao    or a pill: "OCOP · Hết hạn"     │ 48
    │  main photo,   │g│                                                     │
    │  cover-cropped │o│  Cà phê Robusta     name: bold, 72 → 40 px, at most │
    │  to 520×630    │l│  đặc sản Nâm Nung   3 lines, "…" as the last resort │
    │                │d│  xã Nâm Nung        commune (new name)              │
    │                │ │  HTX Cà phê …       producer, at most 2 lines       │
    │                │ │  ─────────────────────────────────────────────────  │ 526
    │                │ │  OCOP Krông Nô      site name                       │ 546
    └────────────────┴─┴─────────────────────────────────────────────────────┘ 630

The name and the two detail lines are one block, centred between the badge row and the rule.

Text never sits on the photo: every run is drawn on a solid colour, and the palette is chosen for
WCAG AA (4.5:1 for text, 3:1 for the star shapes); ``CardLayout.texts`` carries each run's own
background so the tests compute the contrast instead of trusting this comment. The OCOP stars are
polygons (Pillow has no font fallback, so a ★ glyph depends on the font having one; a polygon has
an exact size), drawn only when the product's state is "active" (current certificate, confirmed,
not expired, not withdrawn); any other state is shown in a pill as "OCOP · " + the label of the
product page's badge.

Text is NFC, and every character is checked against the fonts (the bundled DejaVu Sans, which covers
Vietnamese): a character the fonts lack is replaced by its compatibility decomposition or its
unaccented form, or dropped, so a share image never shows a .notdef box. Layout uses Pillow's BASIC
engine (no libraqm): the output must not depend on which shaping library the build machine has, and
NFC Vietnamese needs no shaping (DejaVu has every precomposed letter).

Cache: ``sha256(json(card, params))`` where the card holds the text exactly as drawn (after the
glyph fallback), the badge, and the photo's identity (sha256 of the source bytes + the published
name of the rendition used, which carries the rendition's own key), and the params hold the size,
JPEG settings, palette, layout constants, LAYOUT_VERSION and the sha256 of both font files. Cached files live in
``cache_dir/<key[:2]>/<key>.jpg``; an existing non-empty file is a hit, so a rebuild with nothing
changed decodes and encodes nothing. Bump LAYOUT_VERSION whenever the drawing code changes.

Output: ``anh/chia-se/<product-id>-<lang>.<key[:10]>.jpg`` in the release (hard-linked from the
cache, copied when the file system refuses links): progressive, optimised JPEG q82, untagged sRGB,
no EXIF, XMP or ICC. The photo comes from the widest JPEG rendition of the image stage (already
oriented, sRGB and stripped), never from the original upload; ``Image.draft()`` lets libjpeg decode
it at a reduced scale when the crop allows.

Measured on the 2-core build machine (a shared VM; copies of the sample's 19 products): cold
36–37 ms per card in one process (decoding the 1200 px rendition, LANCZOS crop, text, progressive
JPEG), 19–20 ms per card with two workers (380 cards in 7.1 s); a cached rebuild 0.19 ms per card
(380 cards in 0.07 s: labels, glyph checks, key, one stat()). Cards weigh 47–102 KB, median 77 KB.
"""

from __future__ import annotations

import hashlib
import io
import json
import math
import os
import unicodedata
from collections.abc import Mapping, Sequence
from dataclasses import asdict, dataclass
from functools import lru_cache
from pathlib import Path

from PIL import Image, ImageDraw, ImageFont, ImageOps

from . import progress
from .catalogue import Catalogue
from .errors import LANGS, Lang
from .i18n import LABELS
from .images import ImageStats, Photo, write_atomic
from .schema import Product
from .text import fold

LAYOUT_VERSION = 1
"""Bump when the drawing changes in a way the parameters do not show: part of every key."""

WIDTH, HEIGHT = 1200, 630
QUALITY = 82
SUBSAMPLING = 2
"""4:2:0. Compared at 2× zoom, white-on-green and red-on-white text look the same as with 4:4:4,
and the sample's cards weigh 74 KB on average, 92 KB at most (4:4:4: 93 and 115 KB), which leaves
room under the 150 KB target for busier photos."""
SHARE_ROOT = "anh/chia-se"
"""Beside the photo renditions (``render.IMAGE_ROOT``); not imported from render, which may want
to import this module for its ``og:image`` tags."""
SITE_NAME = "OCOP Krông Nô"

FONT_DIR = Path(__file__).parent / "fonts"
FONT_REGULAR = FONT_DIR / "DejaVuSans.ttf"
FONT_BOLD = FONT_DIR / "DejaVuSans-Bold.ttf"

Colour = tuple[int, int, int]
PALETTE: dict[str, Colour] = {
    "panel": (0x1B, 0x5E, 0x20),  # the site's primary green
    "text": (0xFF, 0xFF, 0xFF),
    "muted": (0xDC, 0xEB, 0xD8),
    "gold": (0xF2, 0xB7, 0x05),  # stars and the stripe: brighter than the site's #e0a100 for 3:1
    "rule": (0x5B, 0x8F, 0x5E),
    "pill": (0xFF, 0xFF, 0xFF),
    "pill_expired": (0x8E, 0x1B, 0x1B),  # text colours on the white pill, as on the site
    "pill_withdrawn": (0x8E, 0x1B, 0x1B),
    "pill_unconfirmed": (0x4A, 0x4F, 0x55),
    "pill_draft": (0x8A, 0x4B, 0x00),  # the live preview's drafts and candidates
    "pill_candidate": (0x8A, 0x4B, 0x00),
}

# Geometry. Sizes are for a 1200 px card shown about 500 px wide in a phone feed, so the smallest
# text (30 px) still lands near 12–13 CSS px.
PHOTO_WIDTH = 520
STRIPE = 10
PAD = 48
TOP = 48
STAR_SIZE = 48
STAR_GAP = 6
BADGE_SIZE = 34
NAME_TOP = 126
NAME_SIZES = (72, 66, 60, 54, 48, 44, 40)
NAME_MAX_LINES = 3
NAME_LEADING = 1.22
META_SIZE = 30
META_LEADING = 1.3
PRODUCER_MAX_LINES = 2
GAP = 22
FOOTER_SIZE = 30
ELLIPSIS = "…"
STAR_INNER = 0.382
"""Inner/outer radius of a regular five-pointed star."""
SUPERSAMPLE = 4
"""Stars and pills are drawn at 4× and reduced: Pillow draws shapes without anti-aliasing."""


_GEOMETRY = (
    "PHOTO_WIDTH",
    "STRIPE",
    "PAD",
    "TOP",
    "STAR_SIZE",
    "STAR_GAP",
    "BADGE_SIZE",
    "NAME_TOP",
    "NAME_SIZES",
    "NAME_MAX_LINES",
    "NAME_LEADING",
    "META_SIZE",
    "META_LEADING",
    "PRODUCER_MAX_LINES",
    "GAP",
    "FOOTER_SIZE",
    "ELLIPSIS",
    "STAR_INNER",
    "SUPERSAMPLE",
)


# --- public values ------------------------------------------------------------------------------


@dataclass(frozen=True)
class ShareCard:
    """What one share image says, with every text exactly as drawn."""

    product_id: str
    lang: Lang
    name: str
    state: str
    """``active``, ``expired``, ``withdrawn`` or ``unconfirmed`` (as on the product page)."""
    stars: int | None
    """Drawn as shapes when the state is ``active``; None otherwise."""
    badge: str
    """"OCOP 4 sao" next to the stars, or "OCOP · Hết hạn" (the page badge's label) in a pill."""
    commune: str
    producer: str
    site_name: str
    photo: Path | None
    """The JPEG rendition the photo is cropped from (in the image cache), or None."""
    photo_id: str | None
    """sha256 of the source photo + the rendition's published name: what the key sees."""


@dataclass(frozen=True)
class TextRun:
    text: str
    x: int
    y: int
    """Top of the line box (Pillow anchor ``la``)."""
    size: int
    bold: bool
    colour: Colour
    background: Colour
    """The solid colour under this run, for the contrast check."""


@dataclass(frozen=True)
class Shape:
    kind: str
    """``star``, ``pill``, ``rect`` or ``rule``."""
    points: tuple[tuple[float, float], ...]
    """A polygon for stars; the two corners for the other kinds."""
    colour: Colour
    background: Colour


@dataclass(frozen=True)
class CardLayout:
    """Everything drawn on one card, in drawing order; ``render_card`` draws exactly this."""

    photo_box: tuple[int, int, int, int] | None
    panel_box: tuple[int, int, int, int]
    shapes: tuple[Shape, ...]
    texts: tuple[TextRun, ...]
    name_lines: tuple[str, ...]
    name_size: int
    text_width: int
    """Width available to every line of text."""

    @property
    def stars(self) -> tuple[Shape, ...]:
        return tuple(s for s in self.shapes if s.kind == "star")


@dataclass(frozen=True)
class ShareImage:
    product_id: str
    lang: Lang
    path: str
    """Release-relative: ``anh/chia-se/<product-id>-<lang>.<key[:10]>.jpg``."""
    width: int
    height: int
    file: Path
    """The encoded file in the cache."""
    size: int
    """Bytes."""
    card: ShareCard


# --- parameters and keys ------------------------------------------------------------------------


@dataclass(frozen=True)
class _Params:
    layout: int
    width: int
    height: int
    quality: int
    subsampling: int
    palette: tuple[tuple[str, Colour], ...]
    geometry: tuple[tuple[str, object], ...]
    """The layout constants: a tweak to one of them must not serve the old cards."""
    fonts: tuple[str, ...]
    """sha256 of the regular and the bold font file."""

    def to_json(self) -> dict[str, object]:
        return {
            **asdict(self),
            "format": "jpeg",
            "progressive": True,
            "optimize": True,
            "layout_engine": "basic",
            "resample": "lanczos",
            "centering": [0.5, 0.5],
        }


@lru_cache(maxsize=8)
def _file_sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _current_params() -> _Params:
    return _Params(
        layout=LAYOUT_VERSION,
        width=WIDTH,
        height=HEIGHT,
        quality=QUALITY,
        subsampling=SUBSAMPLING,
        palette=tuple(sorted(PALETTE.items())),
        geometry=tuple((name, globals()[name]) for name in _GEOMETRY),
        fonts=(_file_sha256(FONT_REGULAR), _file_sha256(FONT_BOLD)),
    )


def _canonical(value: object) -> str:
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


@lru_cache(maxsize=8)
def _params_text(params: _Params) -> str:
    # Once per build, not per card: `to_json` copies the palette and geometry (7 s of a profiled
    # 5,000-product build for 10,000 cards).
    return _canonical(params.to_json())


def _key(card: ShareCard, params: _Params) -> str:
    """Everything that shapes the bytes. The rendition's cache path is left out (moving the cache
    changes no pixel); the rendition's identity is in ``photo_id``.

    The text is the canonical JSON of {"card": …, "params": …} (keys sorted, so "card" first),
    put together from its two halves."""
    card_text = _canonical({**asdict(card), "photo": None})
    text = f'{{"card":{card_text},"params":{_params_text(params)}}}'
    return hashlib.sha256(text.encode()).hexdigest()


# --- fonts and text -----------------------------------------------------------------------------


@lru_cache(maxsize=64)
def _font(bold: bool, size: int) -> ImageFont.FreeTypeFont:
    path = FONT_BOLD if bold else FONT_REGULAR
    return ImageFont.truetype(str(path), size, layout_engine=ImageFont.Layout.BASIC)


@lru_cache(maxsize=65536)
def _length(bold: bool, size: int, text: str) -> float:
    """Cached: names share words, and fitting a name measures the same words at several sizes."""
    return _font(bold, size).getlength(text)


_MISSING = "\U0010fffd"
"""A private-use code point no font maps: FreeType draws .notdef for it."""


@lru_cache(maxsize=2)
def _notdef(bold: bool) -> tuple[tuple[int, int], bytes]:
    mask = _font(bold, 32).getmask(_MISSING)
    return mask.size, bytes(mask)


@lru_cache(maxsize=4096)
def has_glyph(char: str) -> bool:
    """True when both fonts draw ``char`` with a glyph of their own, not the .notdef box.

    Pillow exposes no cmap lookup; a character without a glyph renders exactly the .notdef mask.
    """
    for bold in (False, True):
        mask = _font(bold, 32).getmask(char)
        if (mask.size, bytes(mask)) == _notdef(bold):
            return False
    return True


def drawable(text: str) -> str:
    """``text`` as it can be drawn: NFC, one space between words, characters the fonts lack
    replaced by a compatibility form (ﬁ → fi), else an unaccented one, else dropped (emoji)."""
    out: list[str] = []
    for char in unicodedata.normalize("NFC", text):
        if char.isspace():
            out.append(" ")
        elif has_glyph(char):
            out.append(char)
        else:
            for candidate in (unicodedata.normalize("NFKC", char), fold(char)):
                if candidate and candidate != char and all(has_glyph(c) for c in candidate):
                    out.append(candidate)
                    break
    return " ".join("".join(out).split())


def _clusters(word: str) -> list[str]:
    """Grapheme-ish clusters: a base character with its combining marks, never split apart."""
    clusters: list[str] = []
    for char in word:
        if clusters and unicodedata.combining(char):
            clusters[-1] += char
        else:
            clusters.append(char)
    return clusters


def _wrap(text: str, bold: bool, size: int, width: float) -> list[str]:
    """Greedy word wrap; a word wider than a whole line is broken between clusters."""
    lines: list[str] = []
    line = ""
    for word in text.split(" "):
        candidate = f"{line} {word}" if line else word
        if _length(bold, size, candidate) <= width:
            line = candidate
            continue
        if line:
            lines.append(line)
        line = ""
        for cluster in _clusters(word):
            if line and _length(bold, size, line + cluster) > width:
                lines.append(line)
                line = ""
            line += cluster
    if line:
        lines.append(line)
    return lines


def _ellipsize(text: str, bold: bool, size: int, width: float) -> str:
    """The longest start of ``text`` that fits with "…", cut at a space when that keeps most of
    the line (a cut word reads worse than a shorter line)."""
    if _length(bold, size, text) <= width:
        return text
    clusters = _clusters(text)
    low, high = 0, len(clusters)
    while low < high:  # the longest prefix that fits with the ellipsis
        mid = (low + high + 1) // 2
        if _length(bold, size, "".join(clusters[:mid]).rstrip() + ELLIPSIS) <= width:
            low = mid
        else:
            high = mid - 1
    prefix = "".join(clusters[:low])
    space = prefix.rfind(" ")
    if space > 0 and _length(bold, size, prefix[:space]) >= 0.6 * width:
        prefix = prefix[:space]
    return prefix.rstrip(" ,;:-–—") + ELLIPSIS


def _fit_lines(
    text: str, bold: bool, size: int, width: float, max_lines: int
) -> tuple[list[str], bool]:
    """At most ``max_lines`` lines; the last ends in "…" when the text did not fit."""
    lines = _wrap(text, bold, size, width)
    if len(lines) <= max_lines:
        return lines, False
    kept = lines[: max_lines - 1]
    # Lines are pieces of the text in order (a long word is split without a space): find where
    # the kept ones end instead of re-joining them.
    end = 0
    for line in kept:
        end = text.index(line, end) + len(line)
    rest = text[end:].strip()
    return [*kept, _ellipsize(rest, bold, size, width)], True


def _line_height(size: int, leading: float) -> int:
    return round(size * leading)


# --- what a card says ---------------------------------------------------------------------------


def commune_text(cat: Catalogue, product: Product, lang: Lang) -> str:
    """The new commune as the product page words it: "xã Nâm Nung", "Nâm Nung commune"."""
    commune = cat.commune_new(product)
    kind = LABELS[lang]["type_thi_tran" if commune.type == "thi-tran" else "type_xa"]
    return f"{kind} {commune.name}" if lang == "vi" else f"{commune.name} {kind}"


def make_card(
    cat: Catalogue,
    product: Product,
    lang: Lang,
    photos: Mapping[Path, Photo],
    *,
    site_name: str = SITE_NAME,
) -> ShareCard:
    """What the card of ``product`` in ``lang`` says, as it will be drawn (see ``drawable``)."""
    labels = LABELS[lang]
    state = cat.state(product)
    current = product.current
    stars = current.stars if state == "active" and current is not None else None
    if stars is not None:
        badge = labels["stars_label"].format(n=stars)
    else:
        # "OCOP · Hết hạn", not "Hết hạn" alone: out of context, a card must say what expired.
        badge = f"OCOP · {labels[f'{state}_badge']}"
    main = product.main_photo
    source = cat.photo_files.get((product.id, main.file)) if main is not None else None
    image = photos.get(source) if source is not None else None
    rendition = image.largest("jpeg") if image is not None and image.by_format("jpeg") else None
    return ShareCard(
        product_id=product.id,
        lang=lang,
        name=drawable(product.name.get(lang)),
        state=state,
        stars=stars,
        badge=drawable(badge),
        commune=drawable(commune_text(cat, product, lang)),
        producer=drawable(cat.producers[product.producer].name.get(lang)),
        site_name=drawable(site_name),
        photo=rendition.file if rendition is not None else None,
        photo_id=f"{image.digest}:{rendition.name}" if image and rendition else None,
    )


# --- layout -------------------------------------------------------------------------------------


def _star(cx: float, cy: float, radius: float) -> tuple[tuple[float, float], ...]:
    points = []
    for i in range(10):
        r = radius if i % 2 == 0 else radius * STAR_INNER
        angle = -math.pi / 2 + i * math.pi / 5
        points.append((round(cx + r * math.cos(angle), 2), round(cy + r * math.sin(angle), 2)))
    return tuple(points)


def _middle_top(bold: bool, size: int, middle: float) -> int:
    """The ``la`` top that centres a line of text on ``middle``."""
    ascent, descent = _font(bold, size).getmetrics()
    return round(middle - (ascent + descent) / 2)


def layout_card(card: ShareCard) -> CardLayout:
    """Place everything; pure (fonts are only measured), so tests can inspect what is drawn."""
    panel = PALETTE["panel"]
    left = PHOTO_WIDTH + STRIPE if card.photo is not None else STRIPE
    shapes: list[Shape] = [
        Shape("rect", ((left - STRIPE, 0), (left, HEIGHT)), PALETTE["gold"], panel)
    ]
    texts: list[TextRun] = []
    x = left + PAD
    width = WIDTH - PAD - x

    # Badge row: stars + "OCOP n sao", or the state in a pill.
    middle = TOP + STAR_SIZE / 2
    if card.stars is not None:
        radius = STAR_SIZE / 2
        for i in range(card.stars):
            cx = x + radius + i * (STAR_SIZE + STAR_GAP)
            # A five-pointed star's points reach the radius above the centre but only
            # cos(36°) of it below: shift it down to centre it optically.
            cy = middle + radius * (1 - math.cos(math.pi / 5)) / 2
            shapes.append(Shape("star", _star(cx, cy, radius), PALETTE["gold"], panel))
        text_x = x + card.stars * (STAR_SIZE + STAR_GAP) + 10
        texts.append(
            TextRun(
                card.badge,
                round(text_x),
                _middle_top(True, BADGE_SIZE, middle),
                BADGE_SIZE,
                True,
                PALETTE["text"],
                panel,
            )
        )
    else:
        pad_x, pill_h = 18, STAR_SIZE + 4
        badge = _ellipsize(card.badge, True, BADGE_SIZE, width - 2 * pad_x)
        pill_w = math.ceil(_length(True, BADGE_SIZE, badge)) + 2 * pad_x
        top = round(middle - pill_h / 2)
        shapes.append(Shape("pill", ((x, top), (x + pill_w, top + pill_h)), PALETTE["pill"], panel))
        texts.append(
            TextRun(
                badge,
                x + pad_x,
                _middle_top(True, BADGE_SIZE, middle),
                BADGE_SIZE,
                True,
                PALETTE[f"pill_{card.state}"],
                PALETTE["pill"],
            )
        )

    # Footer, from the bottom up: site name, rule above it.
    footer_top = HEIGHT - PAD - _line_height(FOOTER_SIZE, 1.2)
    rule_y = footer_top - 18
    shapes.append(Shape("rule", ((x, rule_y), (WIDTH - PAD, rule_y + 2)), PALETTE["rule"], panel))
    texts.append(
        TextRun(
            _ellipsize(card.site_name, True, FOOTER_SIZE, width),
            x,
            footer_top,
            FOOTER_SIZE,
            True,
            PALETTE["text"],
            panel,
        )
    )

    # Commune and producer under the name; the name gets what is left above them.
    meta_lh = _line_height(META_SIZE, META_LEADING)
    producer, _ = _fit_lines(card.producer, False, META_SIZE, width, PRODUCER_MAX_LINES)
    meta_lines = [_ellipsize(card.commune, False, META_SIZE, width), *producer]
    meta_height = meta_lh * len(meta_lines)
    room = rule_y - GAP - NAME_TOP
    name_room = room - GAP - meta_height

    name_lines: list[str] = []
    name_size = NAME_SIZES[-1]
    for size in NAME_SIZES:
        lines, cut = _fit_lines(card.name, True, size, width, NAME_MAX_LINES)
        fits = _line_height(size, NAME_LEADING) * len(lines) <= name_room
        if (not cut and fits) or size == NAME_SIZES[-1]:
            name_lines, name_size = lines, size
            break
    name_lh = _line_height(name_size, NAME_LEADING)
    # Name and details are centred as one block in the room left between badge and rule: a short
    # name top-aligned left a hole above the footer.
    block = name_lh * len(name_lines) + GAP + meta_height
    name_top = NAME_TOP + max(0, (room - block) // 2)
    for i, line in enumerate(name_lines):
        texts.append(
            TextRun(line, x, name_top + i * name_lh, name_size, True, PALETTE["text"], panel)
        )
    meta_top = name_top + name_lh * len(name_lines) + GAP
    for i, line in enumerate(meta_lines):
        colour = PALETTE["text"] if i == 0 else PALETTE["muted"]
        texts.append(TextRun(line, x, meta_top + i * meta_lh, META_SIZE, False, colour, panel))

    return CardLayout(
        photo_box=(0, 0, PHOTO_WIDTH, HEIGHT) if card.photo is not None else None,
        panel_box=(left, 0, WIDTH, HEIGHT),
        shapes=tuple(shapes),
        texts=tuple(texts),
        name_lines=tuple(name_lines),
        name_size=name_size,
        text_width=width,
    )


# --- drawing ------------------------------------------------------------------------------------


def _cover(path: Path, size: tuple[int, int]) -> Image.Image:
    """The photo scaled to cover ``size`` and centre-cropped; ``draft`` lets libjpeg decode a
    wide rendition at 1/2 or 1/4 scale when the crop still gets enough pixels."""
    with Image.open(path, formats=("JPEG",)) as im:
        scale = max(size[0] / im.width, size[1] / im.height)
        im.draft("RGB", (math.ceil(im.width * scale), math.ceil(im.height * scale)))
        rgb = im.convert("RGB")
    return ImageOps.fit(rgb, size, Image.Resampling.LANCZOS, centering=(0.5, 0.5))


def _draw_shapes(canvas: Image.Image, shapes: Sequence[Shape]) -> None:
    draw = ImageDraw.Draw(canvas)
    for shape in shapes:
        if shape.kind in ("rect", "rule"):
            # Whole-pixel corners: nothing to smooth.
            (x0, y0), (x1, y1) = shape.points
            draw.rectangle((x0, y0, x1 - 1, y1 - 1), fill=shape.colour)
            continue
        xs = [p[0] for p in shape.points]
        ys = [p[1] for p in shape.points]
        box = (math.floor(min(xs)), math.floor(min(ys)), math.ceil(max(xs)), math.ceil(max(ys)))
        size = (box[2] - box[0], box[3] - box[1])
        big = Image.new("L", (size[0] * SUPERSAMPLE, size[1] * SUPERSAMPLE))
        scaled = [((x - box[0]) * SUPERSAMPLE, (y - box[1]) * SUPERSAMPLE) for x, y in shape.points]
        if shape.kind == "star":
            ImageDraw.Draw(big).polygon(scaled, fill=255)
        else:
            ImageDraw.Draw(big).rounded_rectangle(
                (*scaled[0], *scaled[1]), radius=big.height / 2, fill=255
            )
        canvas.paste(shape.colour, box, big.resize(size, Image.Resampling.BOX))


def render_card(card: ShareCard, layout: CardLayout | None = None) -> Image.Image:
    layout = layout or layout_card(card)
    canvas = Image.new("RGB", (WIDTH, HEIGHT), PALETTE["panel"])
    if layout.photo_box is not None and card.photo is not None:
        x0, y0, x1, y1 = layout.photo_box
        canvas.paste(_cover(card.photo, (x1 - x0, y1 - y0)), (x0, y0))
    _draw_shapes(canvas, layout.shapes)
    draw = ImageDraw.Draw(canvas)
    for run in layout.texts:
        draw.text(
            (run.x, run.y), run.text, fill=run.colour, font=_font(run.bold, run.size), anchor="la"
        )
    return canvas


def _encode(image: Image.Image, params: _Params) -> bytes:
    buffer = io.BytesIO()
    image.info = {}
    image.save(
        buffer,
        "JPEG",
        quality=params.quality,
        subsampling=params.subsampling,
        progressive=True,
        optimize=True,
    )
    return buffer.getvalue()


@dataclass(frozen=True)
class _Task:
    card: ShareCard
    file: Path
    params: _Params


def _make(task: _Task) -> int:
    """Draw and encode one card into the cache; returns its size in bytes."""
    # Layout and drawing read the module's constants. A worker started with "spawn" has its own
    # copy of them; a card drawn differently from what its key promises must never be cached.
    if _current_params() != task.params:
        raise RuntimeError("share image parameters differ between the build and a worker process")
    data = _encode(render_card(task.card), task.params)
    write_atomic(task.file, data)
    return len(data)


def _run(tasks: list[_Task], workers: int | None) -> list[int]:
    return progress.run_tasks(_make, tasks, workers=workers, step_name="share")


def _cached_size(path: Path) -> int:
    try:
        return path.stat().st_size
    except OSError:
        return 0


# --- the stage ----------------------------------------------------------------------------------


def share_images(
    cat: Catalogue,
    photos: Mapping[Path, Photo],
    cache_dir: Path,
    *,
    workers: int | None = None,
    site_name: str | Mapping[Lang, str] = SITE_NAME,
    products: Sequence[Product] | None = None,
) -> tuple[dict[tuple[str, Lang], ShareImage], ImageStats]:
    """A share image per published product (or per one of `products`) and language, keyed by
    (product id, language).

    ``site_name`` is the footer line, one for every language or one per language (the sample
    catalogue says there that its data is illustrative: a shared card travels without the
    site's banner).

    ``photos`` is what ``images.process_photos`` returned; a product whose main photo is not in it
    (or that has no photo) gets the photo-less card. Cards already in ``cache_dir`` are neither
    drawn nor encoded; the others are made in a process pool.
    """
    params = _current_params()
    cache_dir = Path(cache_dir)
    stats = ImageStats()
    planned: list[tuple[ShareCard, str, Path]] = []
    sizes: dict[Path, int] = {}
    tasks: list[_Task] = []
    for product in cat.published if products is None else products:
        for lang in LANGS:
            footer = site_name if isinstance(site_name, str) else site_name[lang]
            card = make_card(cat, product, lang, photos, site_name=footer)
            key = _key(card, params)
            file = cache_dir / key[:2] / f"{key}.jpg"
            planned.append((card, key, file))
            sizes[file] = _cached_size(file)
            if sizes[file]:
                stats.cached += 1
            else:
                tasks.append(_Task(card, file, params))
    sizes.update(zip((task.file for task in tasks), _run(tasks, workers), strict=True))
    stats.made += len(tasks)

    result: dict[tuple[str, Lang], ShareImage] = {}
    for card, key, file in planned:
        result[(card.product_id, card.lang)] = ShareImage(
            product_id=card.product_id,
            lang=card.lang,
            path=f"{SHARE_ROOT}/{card.product_id}-{card.lang}.{key[:10]}.jpg",
            width=WIDTH,
            height=HEIGHT,
            file=file,
            size=sizes[file],
            card=card,
        )
    return result, stats


def write_share_images(release: Path, images: Mapping[tuple[str, Lang], ShareImage]) -> int:
    """Publish the cached share images into ``release``; returns how many files were added.

    Hard links cost no copy; the cache files are content-addressed and never rewritten in place.
    """
    count = 0
    for image in images.values():
        target = release / image.path
        if target.exists():
            continue
        target.parent.mkdir(parents=True, exist_ok=True)
        try:
            os.link(image.file, target)
        except OSError:
            target.write_bytes(image.file.read_bytes())
        count += 1
    return count
