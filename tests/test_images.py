"""Image stage: every fixture is drawn inside the test, nothing binary is committed.

One test per bad input an editor's camera, phone or browser produces (QUALITY.md, "Images" and
"Paths"), plus the cache contract: an unchanged photo is never encoded twice, and every parameter
that shapes the output is in the key.
"""

from __future__ import annotations

import io
import os
import re
import struct
import unicodedata
import zlib
from collections.abc import Iterator
from pathlib import Path

import pytest
from PIL import ExifTags, Image, ImageChops, ImageFile
from PIL.JpegImagePlugin import JpegImageFile

from generator import images
from generator.errors import ContentError, Severity
from generator.images import (
    Photo,
    PhotoJob,
    audit_published_image,
    process_photos,
    resolve_photo,
)

YAML = "products/gao/product.yaml"
Pixel = tuple[int, ...]
XMP_WITH_GPS = (
    b'<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf'
    b'-syntax-ns#"><rdf:Description xmlns:exif="http://ns.adobe.com/exif/1.0/"'
    b' exif:GPSLatitude="12,15.5N"/></rdf:RDF></x:xmpmeta>'
)

# --- helpers ------------------------------------------------------------------------------------


def _save(path: Path, im: Image.Image, fmt: str, **params: object) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    im.save(path, fmt, **params)
    return path


def _job(path: Path, stem: str = "anh") -> PhotoJob:
    return PhotoJob(path, f"products/gao/{path.name}", stem)


def _one(path: Path, cache: Path) -> tuple[Photo, list[ContentError]]:
    photos, errors, _ = process_photos([_job(path)], cache, workers=1)
    return photos[path], errors


def _refusal(path: Path, cache: Path) -> str:
    photos, errors, stats = process_photos([_job(path)], cache, workers=1)
    assert photos == {}
    assert stats.made == 0
    assert len(errors) == 1
    return errors[0].format("vi")


def _pixel(path: Path, xy: tuple[int, int]) -> Pixel:
    with Image.open(path) as im:
        value = im.convert("RGB").getpixel(xy)
    assert isinstance(value, tuple)
    return value


def _close(actual: Pixel, expected: Pixel, tolerance: int) -> bool:
    return all(abs(a - e) <= tolerance for a, e in zip(actual, expected, strict=True))


def _files(cache: Path) -> Iterator[Path]:
    return (p for p in cache.rglob("*") if p.is_file())


def _resolve(product_dir: Path, name: str) -> tuple[Path | None, list[str]]:
    path, errors = resolve_photo(
        product_dir, name, display_path=YAML, line=7, column=5, field="photos[0]"
    )
    return path, [e.format("vi") for e in errors]


def _adobe_rgb_profile() -> bytes:
    """A matrix/TRC ICC v2 profile with Adobe RGB (1998) primaries (D50-adapted) and gamma 2.2.

    ImageCms can only create sRGB, LAB and XYZ profiles, so the bytes are laid out by hand.
    """

    def s15(v: float) -> bytes:
        return struct.pack(">i", round(v * 65536))

    def xyz(x: float, y: float, z: float) -> bytes:
        return b"XYZ \0\0\0\0" + s15(x) + s15(y) + s15(z)

    text = b"Adobe RGB test profile\0"
    desc = b"desc\0\0\0\0" + struct.pack(">I", len(text)) + text + bytes(4 + 4 + 2 + 1 + 67)
    curve = b"curv\0\0\0\0" + struct.pack(">IH", 1, 563) + b"\0\0"  # u8Fixed8 563/256 = 2.1992
    tags = [
        (b"desc", desc),
        (b"cprt", b"text\0\0\0\0public domain\0"),
        (b"wtpt", xyz(0.9642, 1.0, 0.8249)),
        (b"rXYZ", xyz(0.60974, 0.31111, 0.01947)),
        (b"gXYZ", xyz(0.20528, 0.62567, 0.06087)),
        (b"bXYZ", xyz(0.14919, 0.06322, 0.74457)),
        (b"rTRC", curve),
        (b"gTRC", curve),
        (b"bTRC", curve),
    ]
    offset = 128 + 4 + 12 * len(tags)
    table, body = b"", b""
    for signature, data in tags:
        data += bytes(-len(data) % 4)
        table += signature + struct.pack(">II", offset + len(body), len(data))
        body += data
    size = offset + len(body)
    header = (
        struct.pack(">I", size)
        + b"lcms"
        + struct.pack(">I", 0x02100000)
        + b"mntrRGB XYZ "
        + bytes(12)
        + b"acsp"
        + bytes(24)
        + struct.pack(">I", 0)
        + s15(0.9642)
        + s15(1.0)
        + s15(0.8249)
    )
    header += bytes(128 - len(header))
    return header + struct.pack(">I", len(tags)) + table + body


def _png_declaring(width: int, height: int) -> bytes:
    """A valid PNG header for a huge grey image, with only a few bytes of pixel data behind it."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        crc = zlib.crc32(kind + data)
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", crc)

    ihdr = struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)
    idat = zlib.compress(bytes(width + 1))
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", ihdr) + chunk(b"IDAT", idat) + chunk(b"IEND", b"")


def _exif_with_gps(orientation: int = 1) -> Image.Exif:
    exif = Image.Exif()
    exif[ExifTags.Base.Orientation] = orientation
    exif[ExifTags.Base.Make] = "PhoneMaker"
    exif[ExifTags.IFD.GPSInfo] = {
        ExifTags.GPS.GPSLatitudeRef: "N",
        ExifTags.GPS.GPSLatitude: (12.0, 15.0, 30.0),
        ExifTags.GPS.GPSLongitudeRef: "E",
        ExifTags.GPS.GPSLongitude: (107.0, 50.0, 10.0),
    }
    return exif


def _spy_on_draft(monkeypatch: pytest.MonkeyPatch) -> list[tuple[int, int]]:
    """The sizes JPEGs were drafted to (libjpeg's choice, after draft() returns)."""
    drafted: list[tuple[int, int]] = []
    draft = JpegImageFile.draft

    def spy(self: JpegImageFile, mode: str | None, size: tuple[int, int] | None) -> object:
        result = draft(self, mode, size)
        drafted.append(self.size)
        return result

    monkeypatch.setattr(JpegImageFile, "draft", spy)
    return drafted


@pytest.fixture
def cache(tmp_path: Path) -> Path:
    return tmp_path / "cache"


# --- orientation, metadata, colour --------------------------------------------------------------


def test_exif_orientation_6_turns_a_landscape_jpeg_portrait(tmp_path: Path, cache: Path) -> None:
    im = Image.new("RGB", (80, 40), (220, 0, 0))
    im.paste((0, 0, 220), (40, 0, 80, 40))
    exif = Image.Exif()
    exif[ExifTags.Base.Orientation] = 6
    source = _save(tmp_path / "phone.jpg", im, "JPEG", exif=exif, quality=95)

    photo, errors = _one(source, cache)

    assert errors == []
    assert (photo.width, photo.height) == (40, 80)
    for r in photo.renditions:
        assert (r.width, r.height) == (40, 80)
        with Image.open(r.file) as out:
            assert out.size == (40, 80)
            assert not out.getexif()
        # Orientation 6 = rotate 90° clockwise to display: the stored left half ends up on top.
        assert _close(_pixel(r.file, (20, 10)), (220, 0, 0), 30)
        assert _close(_pixel(r.file, (20, 70)), (0, 0, 220), 30)


def test_orientation_is_known_before_draft_decoding(
    tmp_path: Path, cache: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Stored 4800×2400, shown 2400×4800: the draft scale comes from the shown width (1/2). Taken
    # from the stored width it would be 1/4, and the 1200 px rendition would be upscaled from 600.
    exif = Image.Exif()
    exif[ExifTags.Base.Orientation] = 6
    source = _save(tmp_path / "tall.jpg", Image.new("RGB", (4800, 2400), "red"), "JPEG", exif=exif)
    drafted = _spy_on_draft(monkeypatch)

    photo, errors = _one(source, cache)

    assert errors == []
    assert drafted == [(2400, 1200)]
    assert (photo.width, photo.height) == (2400, 4800)
    assert [(r.width, r.height) for r in photo.by_format("webp")] == [
        (360, 720),
        (720, 1440),
        (1080, 2160),
        (1200, 2400),
    ]


def test_gps_and_all_exif_are_gone_from_every_rendition(tmp_path: Path, cache: Path) -> None:
    source = _save(
        tmp_path / "gps.jpg", Image.new("RGB", (800, 480), "green"), "JPEG", exif=_exif_with_gps()
    )
    with Image.open(source) as check:
        assert check.getexif().get_ifd(ExifTags.IFD.GPSInfo)

    photo, errors = _one(source, cache)

    assert errors == []
    assert len(photo.renditions) == 4
    for r in photo.renditions:
        data = r.file.read_bytes()
        assert b"Exif\0\0" not in data and b"EXIF" not in data
        with Image.open(r.file) as out:
            assert "exif" not in out.info
            assert not out.getexif()
        assert audit_published_image(r.file) == []


def test_xmp_is_gone(tmp_path: Path, cache: Path) -> None:
    source = _save(
        tmp_path / "xmp.jpg", Image.new("RGB", (64, 48), "blue"), "JPEG", xmp=XMP_WITH_GPS
    )
    with Image.open(source) as check:
        assert check.info.get("xmp")

    photo, errors = _one(source, cache)

    assert errors == []
    for r in photo.renditions:
        assert b"xmpmeta" not in r.file.read_bytes()
        with Image.open(r.file) as out:
            assert not out.info.get("xmp")


def test_cmyk_jpeg_comes_out_rgb(tmp_path: Path, cache: Path) -> None:
    source = _save(
        tmp_path / "cmyk.jpg", Image.new("CMYK", (64, 48), (0, 255, 255, 0)), "JPEG", quality=95
    )

    photo, errors = _one(source, cache)

    assert errors == []
    for r in photo.renditions:
        with Image.open(r.file) as out:
            assert out.mode == "RGB"
        assert _close(_pixel(r.file, (32, 24)), (255, 0, 0), 12)


def test_16_bit_png_mid_grey_stays_mid_grey(tmp_path: Path, cache: Path) -> None:
    source = _save(tmp_path / "grey16.png", Image.new("I;16", (64, 48), 32768), "PNG")
    with Image.open(source) as check:
        assert check.mode == "I;16"  # and check.convert("RGB") would be white

    photo, errors = _one(source, cache)

    assert errors == []
    for r in photo.renditions:
        assert _close(_pixel(r.file, (32, 24)), (128, 128, 128), 2)


def test_adobe_rgb_profile_is_converted_to_srgb_and_stripped(tmp_path: Path, cache: Path) -> None:
    profile = _adobe_rgb_profile()
    im = Image.new("RGB", (64, 48), (100, 150, 100))
    source = _save(tmp_path / "adobe.png", im, "PNG", icc_profile=profile)

    photo, errors = _one(source, cache)

    assert errors == []
    for r in photo.renditions:
        with Image.open(r.file) as out:
            assert not out.info.get("icc_profile")
        # Adobe RGB (100, 150, 100) → XYZ → sRGB by the published matrices is (66, 151, 97);
        # passed through untouched it would stay (100, 150, 100).
        assert _close(_pixel(r.file, (32, 24)), (66, 151, 97), 3)


def test_broken_icc_profile_is_a_warning_and_the_photo_is_still_made(
    tmp_path: Path, cache: Path
) -> None:
    source = _save(
        tmp_path / "broken-icc.jpg",
        Image.new("RGB", (64, 48), "red"),
        "JPEG",
        icc_profile=b"not a profile" * 20,
    )

    photo, errors = _one(source, cache)

    assert len(photo.renditions) == 2
    assert [e.severity for e in errors] == [Severity.WARNING]
    assert errors[0].format("vi") == (
        "products/gao/broken-icc.jpg: cảnh báo: hồ sơ màu (ICC) nhúng trong ảnh bị hỏng hoặc không"
        " dùng được nên ảnh được xử lý như sRGB, màu có thể hơi sai; nên xuất lại ảnh ở dạng JPEG"
        " sRGB"
    )
    # The warning comes from the cache record too, so a rebuild reports the same thing.
    _, again, stats = process_photos([_job(source)], cache, workers=1)
    assert stats.made == 0
    assert again == errors


def test_rgba_png_is_flattened_onto_white(tmp_path: Path, cache: Path) -> None:
    im = Image.new("RGBA", (64, 48), (0, 0, 0, 0))
    im.paste((200, 0, 0, 255), (32, 0, 64, 48))
    source = _save(tmp_path / "cutout.png", im, "PNG")

    photo, errors = _one(source, cache)

    assert errors == []
    for r in photo.renditions:
        with Image.open(r.file) as out:
            assert out.mode == "RGB"
        assert _close(_pixel(r.file, (8, 24)), (255, 255, 255), 3)
        assert _close(_pixel(r.file, (56, 24)), (200, 0, 0), 12)


def test_animated_gif_gives_its_first_frame(tmp_path: Path, cache: Path) -> None:
    frames = [Image.new("RGB", (64, 48), colour).convert("P") for colour in ("red", "blue")]
    source = tmp_path / "anim.gif"
    frames[0].save(source, "GIF", save_all=True, append_images=frames[1:], duration=100, loop=0)

    photo, errors = _one(source, cache)

    assert errors == []
    for r in photo.renditions:
        with Image.open(r.file) as out:
            assert getattr(out, "n_frames", 1) == 1
        assert _close(_pixel(r.file, (32, 24)), (255, 0, 0), 12)


# --- refusals -----------------------------------------------------------------------------------


@pytest.mark.parametrize("pillow_lenient", [False, True])
def test_truncated_jpeg_is_refused(
    tmp_path: Path, cache: Path, monkeypatch: pytest.MonkeyPatch, pillow_lenient: bool
) -> None:
    # WeasyPrint turns Pillow's LOAD_TRUNCATED_IMAGES on for the whole process when imported:
    # the photo pipeline must refuse a cut file either way.
    monkeypatch.setattr(ImageFile, "LOAD_TRUNCATED_IMAGES", pillow_lenient)
    buffer = io.BytesIO()
    Image.effect_noise((200, 150), 60).convert("RGB").save(buffer, "JPEG")
    source = tmp_path / "cut.jpg"
    source.write_bytes(buffer.getvalue()[: len(buffer.getvalue()) // 2])
    with Image.open(source) as check:
        check.verify()  # passes: only load() notices

    assert _refusal(source, cache) == (
        "products/gao/cut.jpg: tệp ảnh bị hỏng hoặc không đầy đủ (có thể do chép hay tải về bị ngắt"
        " giữa chừng); hãy chép lại tệp ảnh gốc"
    )
    assert list(_files(cache)) == []


def test_decompression_bomb_is_refused(tmp_path: Path, cache: Path) -> None:
    source = tmp_path / "bomb.png"
    source.write_bytes(_png_declaring(20000, 20000))
    assert source.stat().st_size < 2000

    assert _refusal(source, cache) == (
        "products/gao/bomb.png: ảnh quá lớn: 20000×20000 = 400 triệu điểm ảnh (tối đa 100 triệu);"
        " hãy thu nhỏ ảnh, ví dụ xuống 4000×3000, rồi lưu lại"
    )


def test_pillow_bomb_warning_is_an_error_too(
    tmp_path: Path, cache: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # 1200 pixels against a limit of 1000: Pillow only *warns* between 1× and 2× its limit.
    monkeypatch.setattr(images, "MAX_PIXELS", 1000)
    source = _save(tmp_path / "big.png", Image.new("RGB", (40, 30), "red"), "PNG")

    assert _refusal(source, cache) == (
        "products/gao/big.png: ảnh quá lớn: 40×30 = 0,0012 triệu điểm ảnh (tối đa 0,001 triệu);"
        " hãy thu nhỏ ảnh, ví dụ xuống 4000×3000, rồi lưu lại"
    )
    assert Image.MAX_IMAGE_PIXELS != 1000  # the global limit is restored afterwards


def test_html_saved_as_jpg_is_refused(tmp_path: Path, cache: Path) -> None:
    source = tmp_path / "from-browser.jpg"
    source.write_text("<!DOCTYPE html>\n<html><body><img src='x.jpg'></body></html>")

    assert _refusal(source, cache) == (
        "products/gao/from-browser.jpg: tệp này là một trang web (HTML), không phải ảnh; hãy mở"
        " trang đó, lưu chính bức ảnh (nhấp chuột phải › Lưu hình ảnh) rồi chép lại"
    )


def test_text_saved_as_jpg_is_refused(tmp_path: Path, cache: Path) -> None:
    source = tmp_path / "notes.jpg"
    source.write_text("gạo ngon\n")

    assert _refusal(source, cache) == (
        "products/gao/notes.jpg: tệp không phải là ảnh hoặc ở định dạng không hỗ trợ; hãy dùng ảnh"
        " JPEG, PNG, WebP, GIF hoặc TIFF"
    )


def test_heic_is_refused_with_an_export_hint(tmp_path: Path, cache: Path) -> None:
    source = tmp_path / "IMG_0001.HEIC"
    source.write_bytes(b"\0\0\0\x18ftypheic\0\0\0\0mif1heic" + bytes(64))

    assert _refusal(source, cache) == (
        "products/gao/IMG_0001.HEIC: ảnh HEIC/HEIF (định dạng ảnh của iPhone) chưa được hỗ trợ;"
        " hãy xuất ảnh sang JPEG (trên iPhone: Cài đặt › Camera › Định dạng › Tương thích nhất)"
        " rồi chép lại"
    )


def test_oversize_source_is_refused_before_decoding(
    tmp_path: Path, cache: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(images, "MAX_SOURCE_BYTES", 2**20)
    source = tmp_path / "huge.jpg"
    source.write_bytes(b"\xff\xd8" + bytes(3 * 2**19))

    assert _refusal(source, cache) == (
        "products/gao/huge.jpg: tệp ảnh quá lớn: 1,5 MB (tối đa 1 MB); hãy giảm dung lượng, ví dụ"
        " xuất lại thành ảnh JPEG rộng khoảng 4000 điểm ảnh"
    )


def test_missing_source_and_symlinked_source_are_refused(tmp_path: Path, cache: Path) -> None:
    target = _save(tmp_path / "real.png", Image.new("RGB", (8, 8)), "PNG")
    link = tmp_path / "link.png"
    link.symlink_to(target)

    assert _refusal(tmp_path / "gone.png", cache) == (
        "products/gao/gone.png: không tìm thấy tệp ảnh; hãy kiểm tra ảnh còn nằm trong thư mục"
        " sản phẩm"
    )
    assert _refusal(link, cache) == (
        "products/gao/link.png: tệp ảnh là một liên kết tượng trưng (symlink), không được phép;"
        " hãy chép chính tệp ảnh vào thư mục sản phẩm"
    )


# --- widths, names, cache -----------------------------------------------------------------------


def test_widths_never_upscale_and_keep_the_aspect_ratio(tmp_path: Path, cache: Path) -> None:
    sizes = {"wide": (1500, 1000), "odd": (1000, 333), "exact": (720, 480), "small": (300, 200)}
    sources = {
        stem: _save(tmp_path / f"{stem}.png", Image.new("RGB", size, "olive"), "PNG")
        for stem, size in sizes.items()
    }
    bad = tmp_path / "bad.jpg"
    bad.write_text("not an image")
    jobs = [_job(path, stem) for stem, path in sources.items()] + [_job(bad, "bad")]

    photos, errors, stats = process_photos(jobs, cache, workers=2)  # through the process pool

    assert [e.path for e in errors] == ["products/gao/bad.jpg"]  # worker errors come back as data
    expected = {
        "wide": [(360, 240), (720, 480), (1080, 720), (1200, 800)],
        "odd": [(360, 120), (720, 240)],  # 333 × 360 / 1000 = 119.88
        "exact": [(360, 240), (720, 480)],  # equal is not upscaling
        "small": [(300, 200)],  # narrower than the smallest width: one at its own size
    }
    for stem, path in sources.items():
        photo = photos[path]
        assert (photo.width, photo.height) == sizes[stem]
        # 1080 px is made in WebP only (the DPR 3 phone's pick); JPEG is the fixed-width fallback.
        jpeg = [size for size in expected[stem] if size[0] != 1080]
        assert [(r.width, r.height) for r in photo.by_format("webp")] == expected[stem]
        assert [(r.width, r.height) for r in photo.by_format("jpeg")] == jpeg
        for fmt in ("jpeg", "webp"):
            assert photo.largest(fmt).width == expected[stem][-1][0]
        assert [r.format for r in photo.renditions] == ["jpeg"] * len(jpeg) + ["webp"] * len(
            expected[stem]
        )
        for r in photo.renditions:
            with Image.open(r.file) as out:
                assert out.size == (r.width, r.height)
                assert out.format == {"jpeg": "JPEG", "webp": "WEBP"}[r.format]
            assert r.size == r.file.stat().st_size
    assert stats.made == sum(len(sizes) for sizes in expected.values()) * 2 - 1  # no JPEG 1080


def test_published_names_are_stable_ascii_and_content_addressed(tmp_path: Path) -> None:
    source = _save(tmp_path / "ảnh chính.png", Image.new("RGB", (800, 600), "teal"), "PNG")

    first, _, _ = process_photos([_job(source, "gao-buon-choah")], tmp_path / "a", workers=1)
    second, _, _ = process_photos([_job(source, "gao-buon-choah")], tmp_path / "b", workers=1)

    names = [r.name for r in first[source].renditions]
    assert names == [r.name for r in second[source].renditions]
    for r in first[source].renditions:
        assert r.name.isascii()
        assert re.fullmatch(r"gao-buon-choah-(360|720)\.[0-9a-f]{10}\.(webp|jpg)", r.name)
        key = r.file.stem
        assert r.file == tmp_path / "a" / key[:2] / f"{key}.{r.file.suffix[1:]}"
        assert r.name.split(".")[1] == key[:10]
    with pytest.raises(ValueError, match="ASCII slug"):
        process_photos([_job(source, "ảnh-chính")], tmp_path / "c", workers=1)


def test_second_run_encodes_nothing_and_touches_nothing(
    tmp_path: Path, cache: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    sources = [
        _save(tmp_path / f"p{i}.jpg", Image.new("RGB", (800, 600), (40 * i, 90, 20)), "JPEG")
        for i in range(3)
    ]
    jobs = [_job(path, f"p{i}") for i, path in enumerate(sources)]
    first, errors, stats = process_photos(jobs, cache, workers=1)
    assert errors == [] and (stats.made, stats.cached) == (12, 0)
    old = 1_000_000_000
    for file in _files(cache):
        os.utime(file, ns=(old, old))

    def no_decoding(*args: object, **kwargs: object) -> None:
        raise AssertionError("a cache hit must not decode")

    monkeypatch.setattr(images, "_decode", no_decoding)
    second, errors, stats = process_photos(jobs, cache, workers=1)

    assert errors == []
    assert (stats.made, stats.cached) == (0, 12)
    assert second == first
    assert all(file.stat().st_mtime_ns == old for file in _files(cache))


def test_a_lost_rendition_is_made_again_alone(tmp_path: Path, cache: Path) -> None:
    source = _save(tmp_path / "p.png", Image.new("RGB", (800, 600), "navy"), "PNG")
    photo, _ = _one(source, cache)
    photo.renditions[0].file.unlink()

    again, errors, stats = process_photos([_job(source)], cache, workers=1)

    assert errors == []
    assert (stats.made, stats.cached) == (1, 3)
    assert again[source] == photo


def test_same_bytes_under_two_names_are_decoded_once(tmp_path: Path, cache: Path) -> None:
    first = _save(tmp_path / "a.png", Image.new("RGB", (400, 300), "navy"), "PNG")
    second = tmp_path / "b.png"
    second.write_bytes(first.read_bytes())

    photos, errors, stats = process_photos([_job(first, "a"), _job(second, "b")], cache, workers=2)

    assert errors == []
    assert stats.made == 2  # one decode: 360 px in two formats
    assert [r.file for r in photos[first].renditions] == [r.file for r in photos[second].renditions]
    assert photos[second].renditions[0].name.startswith("b-360.")


def test_an_interrupted_write_leaves_nothing_that_counts_as_cached(
    tmp_path: Path, cache: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    source = _save(tmp_path / "p.png", Image.new("RGB", (400, 300), "navy"), "PNG")

    def killed(src: object, dst: object) -> None:
        raise KeyboardInterrupt  # as if the build were killed between write and rename

    monkeypatch.setattr(os, "replace", killed)
    with pytest.raises(KeyboardInterrupt):
        process_photos([_job(source)], cache, workers=1)
    monkeypatch.undo()

    assert list(_files(cache)) == []  # no half file, and the temp file is gone too
    _, errors, stats = process_photos([_job(source)], cache, workers=1)
    assert errors == [] and (stats.made, stats.cached) == (2, 0)


def test_pipeline_version_and_quality_are_in_the_key(
    tmp_path: Path, cache: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    source = _save(tmp_path / "p.png", Image.new("RGB", (400, 300), "navy"), "PNG")

    def names() -> tuple[dict[str, str], int]:
        photos, _, stats = process_photos([_job(source)], cache, workers=1)
        return {r.format: r.name for r in photos[source].renditions}, stats.made

    base, made = names()
    assert made == 2

    monkeypatch.setitem(images.QUALITY, "jpeg", 60)
    lower, made = names()
    assert made == 1  # only the JPEG is encoded again
    assert lower["jpeg"] != base["jpeg"] and lower["webp"] == base["webp"]

    monkeypatch.setattr(images, "PIPELINE_VERSION", images.PIPELINE_VERSION + 1)
    bumped, made = names()
    assert made == 2
    assert set(bumped.values()).isdisjoint(set(base.values()) | set(lower.values()))


# --- resolve_photo ------------------------------------------------------------------------------


def test_nfd_file_name_is_found_from_an_nfc_name_and_back(tmp_path: Path) -> None:
    name = "ảnh-chính.jpg"
    nfd = unicodedata.normalize("NFD", name)
    (tmp_path / "mac").mkdir()
    (tmp_path / "mac" / nfd).write_bytes(b"x")
    (tmp_path / "win").mkdir()
    (tmp_path / "win" / unicodedata.normalize("NFC", name)).write_bytes(b"x")

    found, errors = _resolve(tmp_path / "mac", unicodedata.normalize("NFC", name))
    assert errors == [] and found == (tmp_path / "mac" / nfd).resolve()
    found, errors = _resolve(tmp_path / "win", nfd)
    assert errors == [] and found is not None and found.parent == (tmp_path / "win").resolve()


def test_wrong_case_gets_did_you_mean(tmp_path: Path) -> None:
    (tmp_path / "Anh-Chinh.JPG").write_bytes(b"x")

    assert _resolve(tmp_path, "anh-chinh.jpg") == (
        None,
        [
            'products/gao/product.yaml:7:5: photos[0]: không tìm thấy ảnh "anh-chinh.jpg"; có phải'
            ' ý bạn là "Anh-Chinh.JPG"? (tên tệp phân biệt chữ hoa và chữ thường)'
        ],
    )


def test_near_miss_gets_did_you_mean_and_a_miss_lists_the_photos(tmp_path: Path) -> None:
    for name in ("anh-chinh.jpg", "goi-gao.png", "product.yaml"):
        (tmp_path / name).write_bytes(b"x")

    assert _resolve(tmp_path, "anh-chin.jpg")[1] == [
        'products/gao/product.yaml:7:5: photos[0]: không tìm thấy ảnh "anh-chin.jpg"; có phải ý'
        ' bạn là "anh-chinh.jpg"?'
    ]
    assert _resolve(tmp_path, "logo.webp")[1] == [
        'products/gao/product.yaml:7:5: photos[0]: không tìm thấy ảnh "logo.webp"; trong thư mục'
        " sản phẩm chỉ có: anh-chinh.jpg, goi-gao.png"
    ]
    empty = tmp_path / "empty"
    empty.mkdir()
    assert _resolve(empty, "logo.webp")[1] == [
        'products/gao/product.yaml:7:5: photos[0]: không tìm thấy ảnh "logo.webp"; thư mục sản'
        " phẩm không có tệp ảnh nào, hãy chép ảnh vào đó"
    ]


def test_photo_in_a_subfolder(tmp_path: Path) -> None:
    (tmp_path / "anh").mkdir()
    (tmp_path / "anh" / "mat-truoc.jpg").write_bytes(b"x")

    assert _resolve(tmp_path, "anh/mat-truoc.jpg") == (
        (tmp_path / "anh" / "mat-truoc.jpg").resolve(),
        [],
    )
    assert _resolve(tmp_path, "anh")[1] == [
        'products/gao/product.yaml:7:5: photos[0]: "anh" là một thư mục, không phải tệp ảnh; hãy'
        " ghi tên một tệp ảnh"
    ]


def test_symlinks_are_refused(tmp_path: Path) -> None:
    product = tmp_path / "gao"
    outside = tmp_path / "outside"
    outside.mkdir()
    product.mkdir()
    (outside / "a.jpg").write_bytes(b"x")
    (product / "a.jpg").symlink_to(outside / "a.jpg")
    (product / "photos").symlink_to(outside)

    assert _resolve(product, "a.jpg")[1] == [
        'products/gao/product.yaml:7:5: photos[0]: ảnh "a.jpg" là một liên kết tượng trưng'
        ' (symlink) ở "a.jpg", không được phép; hãy chép chính tệp ảnh vào thư mục sản phẩm'
    ]
    assert _resolve(product, "photos/a.jpg")[1] == [
        'products/gao/product.yaml:7:5: photos[0]: ảnh "photos/a.jpg" là một liên kết tượng trưng'
        ' (symlink) ở "photos", không được phép; hãy chép chính tệp ảnh vào thư mục sản phẩm'
    ]


@pytest.mark.parametrize(
    ("name", "message"),
    [
        (
            "../khac/anh.jpg",
            'đường dẫn ảnh "../khac/anh.jpg" trỏ ra ngoài thư mục sản phẩm (có ".."); hãy chép ảnh'
            " vào thư mục sản phẩm rồi chỉ ghi tên tệp",
        ),
        (
            "/etc/passwd",
            'đường dẫn ảnh "/etc/passwd" là đường dẫn tuyệt đối; hãy chép ảnh vào thư mục sản phẩm'
            ' rồi chỉ ghi tên tệp, ví dụ "passwd"',
        ),
        (
            "C:\\a.jpg",
            'đường dẫn ảnh "C:\\a.jpg" là đường dẫn tuyệt đối; hãy chép ảnh vào thư mục sản phẩm'
            ' rồi chỉ ghi tên tệp, ví dụ "a.jpg"',
        ),
        (
            "anh\\a.jpg",
            'đường dẫn ảnh "anh\\a.jpg" dùng dấu \\; hãy dùng dấu / giữa thư mục và tên tệp:'
            ' "anh/a.jpg"',
        ),
        (
            "a\0.jpg",
            'tên tệp ảnh "a\\x00.jpg" chứa ký tự điều khiển (như NUL); hãy gõ lại tên tệp',
        ),
        (
            "./",
            "tên tệp ảnh bị trống; hãy ghi tên một tệp ảnh trong thư mục sản phẩm, ví dụ"
            " anh-chinh.jpg",
        ),
        (
            " ",
            "tên tệp ảnh bị trống; hãy ghi tên một tệp ảnh trong thư mục sản phẩm, ví dụ"
            " anh-chinh.jpg",
        ),
    ],
)
def test_bad_photo_names_are_refused(tmp_path: Path, name: str, message: str) -> None:
    (tmp_path / "a.jpg").write_bytes(b"x")

    assert _resolve(tmp_path, name) == (
        None,
        [f"products/gao/product.yaml:7:5: photos[0]: {message}"],
    )


# --- release gate -------------------------------------------------------------------------------


def test_audit_flags_metadata_and_wrong_formats(tmp_path: Path) -> None:
    red = Image.new("RGB", (16, 16), "red")
    gps = _save(tmp_path / "gps.jpg", red, "JPEG", exif=_exif_with_gps())
    xmp = _save(tmp_path / "xmp.jpg", red, "JPEG", xmp=XMP_WITH_GPS)
    icc = _save(tmp_path / "icc.png", red, "PNG", icc_profile=_adobe_rgb_profile())
    disguised = _save(tmp_path / "disguised.jpg", red, "WEBP")
    tiff = _save(tmp_path / "scan.tif", red, "TIFF")
    clean = _save(tmp_path / "clean.webp", red, "WEBP")
    svg = tmp_path / "logo.svg"
    svg.write_text('<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>')

    assert audit_published_image(gps) == [
        "carries EXIF metadata",
        "carries a GPS position (EXIF GPSInfo)",
    ]
    assert audit_published_image(xmp) == [
        "carries XMP metadata",
        "carries a GPS position (XMP exif:GPSLatitude)",
    ]
    assert audit_published_image(icc) == [
        "carries an ICC colour profile (renditions are untagged sRGB)"
    ]
    assert audit_published_image(disguised) == [
        "has WEBP content, not JPEG as its extension .jpg says"
    ]
    assert audit_published_image(tiff) == [
        ".tif is not a web image format (.webp .jpg .png .svg .avif)"
    ]
    assert audit_published_image(svg) == [
        "SVG contains script (a <script> element, an on* handler or javascript:)"
    ]
    assert audit_published_image(clean) == []


def test_draft_decoding_looks_like_a_full_decode(
    tmp_path: Path, cache: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    im = Image.linear_gradient("L").resize((2400, 1800)).convert("RGB")
    source = _save(tmp_path / "gradient.jpg", im, "JPEG", quality=95)
    drafted = _spy_on_draft(monkeypatch)

    photo, errors = _one(source, cache)

    assert errors == []
    assert drafted == [(1200, 900)]  # libjpeg decoded at 1/2 scale
    with Image.open(photo.largest("jpeg").file) as out:
        reference = im.resize(out.size, Image.Resampling.LANCZOS)
        diff = ImageChops.difference(out.convert("L"), reference.convert("L"))
    assert (
        diff.point(lambda v: 255 if v > 6 else 0).getbbox() is None
    )  # no pixel off by more than 6


def test_an_unchanged_source_is_not_read_again(
    tmp_path: Path, cache: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    source = _save(tmp_path / "a.jpg", Image.new("RGB", (640, 480), (200, 40, 40)), "JPEG")
    first, _ = _one(source, cache)
    reads: list[Path] = []
    real_read = images._read_source

    def counting(path: Path, max_bytes: int) -> bytes:
        reads.append(path)
        return real_read(path, max_bytes)

    monkeypatch.setattr(images, "_read_source", counting)
    again, _ = _one(source, cache)
    assert reads == [] and again.digest == first.digest  # known by its identity: not read
    # Rewritten in place with other pixels: read, hashed and rendered again.
    _save(source, Image.new("RGB", (640, 480), (40, 40, 200)), "JPEG")
    changed, _ = _one(source, cache)
    assert reads and changed.digest != first.digest
    assert _pixel(changed.renditions[0].file, (10, 10))[2] > 150


def test_only_high_density_webp_widths_take_the_lower_quality(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # A busy picture, so that quality shows in the bytes.
    source = _save(
        tmp_path / "busy.png", Image.effect_noise((1600, 1200), 60).convert("RGB"), "PNG"
    )
    made: dict[int, dict[tuple[str, int], bytes]] = {}
    for quality in (72, 60):
        monkeypatch.setattr(images, "DENSE_QUALITY", {"webp": quality})
        photo, errors = _one(source, tmp_path / f"cache-{quality}")
        assert errors == []
        made[quality] = {(r.format, r.width): r.file.read_bytes() for r in photo.renditions}
    assert sorted(made[60]) == sorted(made[72])
    for (fmt, width), data in made[60].items():
        if fmt == "webp" and width > images.DENSE_WIDTH:
            assert len(data) < len(made[72][(fmt, width)]), (fmt, width)
        else:
            assert data == made[72][(fmt, width)], (fmt, width)
    assert {key for key in made[60] if key[1] > images.DENSE_WIDTH} == {
        ("webp", 1080),
        ("webp", 1200),
        ("jpeg", 1200),
    }
