"""Share images (Open Graph / Zalo / Facebook previews) of the shipped sample catalogue.

What is checked: one clean 1200×630 JPEG per published product and language, the cache contract
(an unchanged card is never encoded twice; what is drawn and every parameter are in the key), the
text (every character in the font, long names fitted, contrast), and stars only where the product
page shows them.
"""

from __future__ import annotations

import dataclasses
import hashlib
import os
import re
import unicodedata
from collections.abc import Iterator
from pathlib import Path, PurePosixPath

import pytest
from fontTools.ttLib import TTFont  # type: ignore[import-untyped]
from PIL import Image, ImageFont

from generator import share
from generator.build import photo_jobs
from generator.catalogue import Catalogue, load_catalogue
from generator.checks import CheckReport, check_images
from generator.errors import LANGS, Lang
from generator.fields import I18n
from generator.i18n import LABELS
from generator.images import ImageStats, Photo, audit_published_image, process_photos
from generator.render import IMAGE_ROOT, Renderer
from generator.schema import Product
from generator.share import (
    SHARE_ROOT,
    CardLayout,
    ShareCard,
    ShareImage,
    TextRun,
    drawable,
    has_glyph,
    layout_card,
    make_card,
    render_card,
    share_images,
    write_share_images,
)

from .conftest import ROOT, TODAY

Cards = dict[tuple[str, Lang], ShareImage]
OG_SIZE = (1200, 630)
"""The size Facebook and Zalo recommend for link previews: the requirement, not a computation."""
SIZE_TARGET = 150 * 1024
STACKED = "Ễnh ương Đặc sản Đắk Lắk, Mặt Trời Ặ ỗ ự ỹ"
"""Vietnamese letters carrying two marks (circumflex or breve + tone), upper and lower case."""


# --- fixtures -----------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def cat() -> Catalogue:
    return load_catalogue(ROOT, today=TODAY)[0]


@pytest.fixture(scope="module")
def photos(cat: Catalogue, image_cache: Path) -> dict[Path, Photo]:
    """Main photos only (the cards use nothing else), in the session's shared rendition cache."""
    mains = {cat.photo_files[(p.id, p.main_photo.file)] for p in cat.published if p.main_photo}
    jobs = [job for job in photo_jobs(cat) if job.source in mains]
    found, errors, _ = process_photos(jobs, image_cache / "images", workers=2)
    assert [e for e in errors if e.is_error] == []
    return found


@pytest.fixture(scope="module")
def cold(
    cat: Catalogue, photos: dict[Path, Photo], tmp_path_factory: pytest.TempPathFactory
) -> tuple[Cards, ImageStats, Path]:
    """The sample's cards made once, into a cache of their own."""
    cache = tmp_path_factory.mktemp("share-cache")
    cards, stats = share_images(cat, photos, cache, workers=1)
    return cards, stats, cache


def _only(cat: Catalogue, *products: Product) -> Catalogue:
    """A catalogue of just these products: a fresh object, so its cached properties are too."""
    return dataclasses.replace(cat, products=list(products))


def _product(cat: Catalogue, pid: str) -> Product:
    return next(p for p in cat.products if p.id == pid)


def _renamed(product: Product, vi: str, en: str | None = None) -> Product:
    return dataclasses.replace(product, name=I18n(vi, en))


def _cmap(path: Path) -> set[int]:
    return set(TTFont(str(path), lazy=True).getBestCmap())


def _font(run: TextRun) -> ImageFont.FreeTypeFont:
    path = share.FONT_BOLD if run.bold else share.FONT_REGULAR
    return ImageFont.truetype(str(path), run.size, layout_engine=ImageFont.Layout.BASIC)


def _box(run: TextRun) -> tuple[float, float, float, float]:
    left, top, right, bottom = _font(run).getbbox(run.text, anchor="la")
    return run.x + left, run.y + top, run.x + right, run.y + bottom


def _inside(inner: tuple[float, ...], outer: tuple[float, ...]) -> bool:
    return (
        outer[0] <= inner[0]
        and outer[1] <= inner[1]
        and inner[2] <= outer[2]
        and inner[3] <= outer[3]
    )


def _luminance(colour: tuple[int, int, int]) -> float:
    def channel(value: int) -> float:
        c = value / 255
        return c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4

    r, g, b = (channel(v) for v in colour)
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def _contrast(a: tuple[int, int, int], b: tuple[int, int, int]) -> float:
    high, low = sorted((_luminance(a), _luminance(b)), reverse=True)
    return (high + 0.05) / (low + 0.05)


def _all_cards(cat: Catalogue, photos: dict[Path, Photo]) -> Iterator[ShareCard]:
    for product in cat.published:
        for lang in LANGS:
            yield make_card(cat, product, lang, photos)


def _long_names() -> list[str]:
    return [
        "Gạo thơm đặc sản hữu cơ Buôn Choáh trồng trên cánh đồng phù sa ven sông Krông Nô, xay "
        "xát tại hợp tác xã, đóng túi hút chân không 5 kg",
        "Mắcca" * 24,
        STACKED,
    ]


# --- one clean JPEG per product and language ----------------------------------------------------


def test_every_published_product_gets_a_clean_card_per_language(
    cat: Catalogue, cold: tuple[Cards, ImageStats, Path]
) -> None:
    cards, stats, _ = cold
    assert set(cards) == {(p.id, lang) for p in cat.published for lang in LANGS}
    assert stats == ImageStats(made=len(cards), cached=0)
    for (pid, lang), card in cards.items():
        assert card.path == f"{SHARE_ROOT}/{pid}-{lang}.{card.file.stem[:10]}.jpg"
        assert card.size == card.file.stat().st_size < SIZE_TARGET
        with Image.open(card.file) as im:
            assert im.format == "JPEG"
            assert im.size == (card.width, card.height) == OG_SIZE
            assert im.mode == "RGB"
            assert im.info.get("progressive") == 1
            assert len(im.getexif()) == 0
            assert not {"exif", "xmp", "icc_profile", "photoshop", "comment"} & set(im.info)
        assert audit_published_image(card.file) == []


def test_published_cards_pass_the_release_gate_and_no_original_is_published(
    cat: Catalogue, photos: dict[Path, Photo], cold: tuple[Cards, ImageStats, Path], tmp_path: Path
) -> None:
    cards, _, _ = cold
    release = tmp_path / "release"
    assert write_share_images(release, cards) == len(cards)
    assert write_share_images(release, cards) == 0
    for card in cards.values():
        published = release / card.path
        assert published.read_bytes() == card.file.read_bytes()
        assert os.path.samefile(published, card.file)  # hard link: no copy on one file system
    originals: dict[int, set[str]] = {}
    for photo in photos.values():
        originals.setdefault(photo.source.stat().st_size, set()).add(photo.digest)
    report = CheckReport()
    check_images(release, originals, tmp_path / "audit.json", report)
    assert report.problems == []
    assert report.images == len(cards)


def test_share_root_sits_beside_the_photo_renditions() -> None:
    assert PurePosixPath(SHARE_ROOT).parent == PurePosixPath(IMAGE_ROOT)


# --- the cache ----------------------------------------------------------------------------------


def test_a_rebuild_with_the_same_cache_encodes_nothing(
    cat: Catalogue, photos: dict[Path, Photo], cold: tuple[Cards, ImageStats, Path]
) -> None:
    cards, _, cache = cold
    before = {key: card.file.stat().st_mtime_ns for key, card in cards.items()}
    again, stats = share_images(cat, photos, cache, workers=2)
    assert stats == ImageStats(made=0, cached=len(cards))
    assert again == cards
    assert {key: card.file.stat().st_mtime_ns for key, card in again.items()} == before


def test_the_process_pool_makes_the_same_bytes_as_one_process(
    cat: Catalogue,
    photos: dict[Path, Photo],
    cold: tuple[Cards, ImageStats, Path],
    tmp_path: Path,
) -> None:
    cards, _, _ = cold
    pooled, stats = share_images(cat, photos, tmp_path / "cache", workers=2)
    assert stats == ImageStats(made=len(cards), cached=0)
    assert {k: c.path for k, c in pooled.items()} == {k: c.path for k, c in cards.items()}
    for key, card in pooled.items():
        assert card.file.read_bytes() == cards[key].file.read_bytes()


def test_a_new_name_changes_that_products_cards_only(
    cat: Catalogue, photos: dict[Path, Photo], cold: tuple[Cards, ImageStats, Path]
) -> None:
    cards, _, cache = cold
    target = _product(cat, "gao-buon-choah")
    renamed = _renamed(target, "Gạo Buôn Choáh thượng hạng", "Premium Buôn Choáh rice")
    products = [renamed if p.id == target.id else p for p in cat.products]
    again, stats = share_images(dataclasses.replace(cat, products=products), photos, cache)
    assert stats == ImageStats(made=len(LANGS), cached=len(cards) - len(LANGS))
    for key, card in again.items():
        if key[0] == target.id:
            assert card.path != cards[key].path
            assert card.card.name == renamed.name.get(key[1])
        else:
            assert card.path == cards[key].path


@pytest.mark.parametrize(
    ("setting", "value"),
    [
        ("QUALITY", share.QUALITY - 10),
        ("SUBSAMPLING", 0 if share.SUBSAMPLING else 2),
        ("LAYOUT_VERSION", share.LAYOUT_VERSION + 1),
        ("PALETTE", {**share.PALETTE, "muted": (0xFF, 0xFF, 0xFF)}),
        ("PAD", share.PAD + 2),
        ("NAME_SIZES", share.NAME_SIZES[1:]),
    ],
)
def test_every_parameter_is_in_the_key(
    cat: Catalogue,
    photos: dict[Path, Photo],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    setting: str,
    value: object,
) -> None:
    small = _only(cat, _product(cat, "tieu-den-quang-phu"))
    before, _ = share_images(small, photos, tmp_path)
    monkeypatch.setattr(share, setting, value)
    after, stats = share_images(small, photos, tmp_path)
    assert stats == ImageStats(made=len(before), cached=0)
    assert all(after[key].path != card.path for key, card in before.items())


@pytest.fixture
def fresh_fonts() -> Iterator[None]:
    """Loaded fonts are cached by size: a test that swaps the font file must not leave its font
    object behind for the next test."""
    share._font.cache_clear()
    yield
    share._font.cache_clear()


@pytest.mark.usefixtures("fresh_fonts")
def test_the_font_bytes_are_in_the_key(
    cat: Catalogue, photos: dict[Path, Photo], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    small = _only(cat, _product(cat, "tieu-den-quang-phu"))
    before, _ = share_images(small, photos, tmp_path / "cache")
    # Same glyphs, different bytes (as after a font update that only changes hinting).
    changed = tmp_path / "DejaVuSans-Bold.ttf"
    changed.write_bytes(share.FONT_BOLD.read_bytes() + b"\0\0\0\0")
    monkeypatch.setattr(share, "FONT_BOLD", changed)
    share._font.cache_clear()
    after, stats = share_images(small, photos, tmp_path / "cache")
    assert stats.made == len(before)
    assert all(after[key].path != card.path for key, card in before.items())


# --- what is drawn ------------------------------------------------------------------------------


def test_stars_are_drawn_only_where_the_product_page_shows_them(
    cat: Catalogue, photos: dict[Path, Photo]
) -> None:
    withdrawn = dataclasses.replace(_product(cat, "tieu-den-quang-phu"), status="withdrawn")
    products = [*cat.published, withdrawn]
    states: set[str] = set()
    for lang in LANGS:
        page = Renderer(cat, {}, lang, illustrative=False)
        for product in products:
            state = page.state(product)
            states.add(state)
            card = make_card(cat, product, lang, photos)
            assert card.state == state
            layout = layout_card(card)
            texts = [run.text for run in layout.texts]
            pills = [s for s in layout.shapes if s.kind == "pill"]
            if state == "active":
                stars = page.stars(product)
                assert stars is not None
                assert len(layout.stars) == stars
                assert LABELS[lang]["stars_label"].format(n=stars) in texts
                assert pills == []
            else:
                assert layout.stars == ()
                assert f"OCOP · {LABELS[lang][f'{state}_badge']}" in texts
                assert len(pills) == 1
    assert states == {"active", "expired", "withdrawn", "unconfirmed"}


def test_the_stars_are_gold_in_the_pixels_and_absent_otherwise(
    cat: Catalogue, photos: dict[Path, Photo]
) -> None:
    active = make_card(cat, _product(cat, "ca-phe-robusta-nam-nung"), "vi", photos)
    expired = make_card(cat, _product(cat, "ca-phe-hat-rang-nam-nung"), "vi", photos)
    assert active.stars is not None and expired.stars is None
    layout = layout_card(active)
    drawn, other = render_card(active, layout), render_card(expired)
    gold = share.PALETTE["gold"]
    for star in layout.stars:
        xs, ys = zip(*star.points, strict=True)
        centre = (round(sum(xs) / len(xs)), round(sum(ys) / len(ys)))
        assert drawn.getpixel(centre) == gold
        assert other.getpixel(centre) != gold


def test_commune_and_producer_are_worded_as_on_the_product_page(
    cat: Catalogue, photos: dict[Path, Photo]
) -> None:
    for card in _all_cards(cat, photos):
        product = _product(cat, card.product_id)
        place = LABELS[card.lang]["place_value"].format(
            new=cat.commune_new(product).name, old="", old_type=""
        )
        # The page says where the product comes from now and then; the card only now.
        assert place.startswith(card.commune)
        assert card.commune != cat.commune_new(product).name
        assert card.producer == cat.producers[product.producer].name.get(card.lang)
        assert card.site_name == share.SITE_NAME


def test_stacked_vietnamese_marks_are_drawn_from_the_font(
    cat: Catalogue, photos: dict[Path, Photo]
) -> None:
    regular, bold = _cmap(share.FONT_REGULAR), _cmap(share.FONT_BOLD)
    decomposed = unicodedata.normalize("NFD", STACKED)
    assert decomposed != STACKED
    product = _renamed(_product(cat, "mat-ong-hoa-ca-phe"), decomposed)
    card = make_card(_only(cat, product), product, "vi", photos)
    assert card.name == STACKED  # NFC, nothing replaced
    layout = layout_card(card)
    assert " ".join(layout.name_lines) == STACKED
    for run in layout.texts:
        assert {ord(c) for c in run.text} <= (bold if run.bold else regular), run.text
        # Drawn with the font's own glyphs: Pillow measures the line as the font says.
        assert _font(run).getlength(run.text) <= layout.text_width


def test_characters_missing_from_the_font_fall_back_instead_of_showing_boxes() -> None:
    both = _cmap(share.FONT_REGULAR) & _cmap(share.FONT_BOLD)
    vietnamese = "aăâbcdđeêghiklmnoôơpqrstuưvxy" + "àáảãạằắẳẵặầấẩẫậềếểễệồốổỗộờớởỡợừứửữựỳýỷỹỵ"
    probes = vietnamese + vietnamese.upper() + "€…·–—🍯茶\U0010fffdｆｕｌｌ"
    for char in probes:
        assert has_glyph(char) == (ord(char) in both), char
    drawn = drawable("Mật ong 🍯 ｆｕｌｌ 茶  Đắk\tNang")
    assert drawn == "Mật ong full Đắk Nang"
    assert {ord(c) for c in drawn} <= both


def test_long_names_shrink_then_wrap_then_end_in_an_ellipsis(
    cat: Catalogue, photos: dict[Path, Photo]
) -> None:
    base = _product(cat, "gao-buon-choah")
    sizes = {}
    for name in ["Gạo", "Gạo Buôn Choáh thượng hạng", *_long_names()]:
        product = _renamed(base, name)
        layout = layout_card(make_card(_only(cat, product), product, "vi", photos))
        sizes[name] = layout.name_size
        assert 1 <= len(layout.name_lines) <= share.NAME_MAX_LINES
        for line in layout.name_lines:
            run = TextRun(line, 0, 0, layout.name_size, True, (0, 0, 0), (0, 0, 0))
            assert _font(run).getlength(line) <= layout.text_width
        shown = "".join(layout.name_lines).replace(" ", "")
        if shown == name.replace(" ", ""):
            continue
        assert layout.name_lines[-1].endswith(share.ELLIPSIS)
        assert layout.name_size == min(share.NAME_SIZES)
        assert name.replace(" ", "").startswith(shown.removesuffix(share.ELLIPSIS)), name
    assert sizes["Gạo"] == max(share.NAME_SIZES)
    assert sizes["Gạo"] > sizes["Gạo Buôn Choáh thượng hạng"] >= min(share.NAME_SIZES)


def _all_layouts(cat: Catalogue, photos: dict[Path, Photo]) -> Iterator[CardLayout]:
    for card in _all_cards(cat, photos):
        yield layout_card(card)
    base = _product(cat, "tra-ca-gai-leo")
    for name in _long_names():
        for photo_list in (base.photos, []):
            product = dataclasses.replace(_renamed(base, name), photos=photo_list)
            yield layout_card(make_card(_only(cat, product), product, "vi", photos))


def test_text_stays_on_the_panel_and_runs_do_not_overlap(
    cat: Catalogue, photos: dict[Path, Photo]
) -> None:
    for layout in _all_layouts(cat, photos):
        boxes = [_box(run) for run in layout.texts]
        for run, box in zip(layout.texts, boxes, strict=True):
            assert _inside(box, layout.panel_box), run.text
        for i, a in enumerate(boxes):
            for b in boxes[i + 1 :]:
                assert a[2] <= b[0] or b[2] <= a[0] or a[3] <= b[1] or b[3] <= a[1], (a, b)


def test_text_contrast_meets_wcag_aa_on_its_real_background(
    cat: Catalogue, photos: dict[Path, Photo]
) -> None:
    panel = share.PALETTE["panel"]
    for layout in _all_layouts(cat, photos):
        for run in layout.texts:
            # The colour really under the run: the last shape drawn that holds it, else the panel.
            holders = [
                s.colour
                for s in layout.shapes
                if s.kind != "star" and _inside(_box(run), (*s.points[0], *s.points[1]))
            ]
            assert run.background == (holders[-1] if holders else panel)
            assert _contrast(run.colour, run.background) >= 4.5, run.text
        for star in layout.stars:
            # WCAG 1.4.11: graphics that carry meaning need 3:1 against what is next to them.
            assert _contrast(star.colour, star.background) >= 3


def test_a_product_without_photos_gets_the_branded_card(
    cat: Catalogue, photos: dict[Path, Photo], tmp_path: Path
) -> None:
    bare = dataclasses.replace(_product(cat, "tieu-den-quang-phu"), photos=[])
    with_photo = _product(cat, "tieu-do-quang-phu")
    # Two ways to have no photo: none listed, or none rendered (an empty photo mapping).
    for small, found in ((_only(cat, bare), photos), (_only(cat, with_photo), {})):
        cards, _ = share_images(small, found, tmp_path / "cache")
        for card in cards.values():
            assert card.card.photo is None and card.card.photo_id is None
            layout = layout_card(card.card)
            assert layout.photo_box is None
            assert layout.panel_box[2] - layout.panel_box[0] > OG_SIZE[0] * 0.9
            assert audit_published_image(card.file) == []
            with Image.open(card.file) as im:
                assert im.size == OG_SIZE
                # Where the photo would be: panel colour (JPEG may shift it by a few levels).
                pixel = im.getpixel((share.PHOTO_WIDTH // 2, OG_SIZE[1] - 10))
                assert isinstance(pixel, tuple)
                assert (
                    max(abs(a - b) for a, b in zip(pixel, share.PALETTE["panel"], strict=True)) <= 4
                )


def test_the_photo_comes_from_its_rendition_not_the_original(
    cat: Catalogue, photos: dict[Path, Photo]
) -> None:
    for card in _all_cards(cat, photos):
        product = _product(cat, card.product_id)
        assert product.main_photo is not None
        photo = photos[cat.photo_files[(product.id, product.main_photo.file)]]
        widest = photo.largest("jpeg")
        assert card.photo == widest.file
        assert card.photo_id == f"{photo.digest}:{widest.name}"
        assert hashlib.sha256(widest.file.read_bytes()).hexdigest() != photo.digest
        assert re.fullmatch(r"[0-9a-f]{64}:.+\.jpg", card.photo_id)


def test_cache_key_is_the_canonical_json_of_card_and_params() -> None:
    """The key is put together from two halves (the parameters' half once per build); it must
    stay the digest of the whole canonical JSON, or every cached card would be made again."""
    import json

    params = share._current_params()
    card = share.ShareCard(
        product_id="ca-phe-robusta-nam-nung",
        lang="vi",
        name='Cà phê "Nâm Nung" – hạt rang ★',
        state="active",
        stars=4,
        badge="4 sao OCOP",
        commune="Nâm Nung",
        producer="HTX Cà phê Nâm Nung Đỏ",
        site_name="Sản phẩm OCOP Krông Nô",
        photo=Path("/cache/images/ab/abc.jpg"),
        photo_id="abc",
    )
    whole = {"card": {**dataclasses.asdict(card), "photo": None}, "params": params.to_json()}
    text = json.dumps(whole, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    assert share._key(card, params) == hashlib.sha256(text.encode()).hexdigest()
