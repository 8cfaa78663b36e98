"""Photos in, web renditions out: each source is decoded once, normalised, resized and encoded
into a content-addressed cache.

The order of operations for one source is fixed (Lektor's ``imagetools/thumbnail.py`` is the
model); each step is there because skipping it has shipped a bug somewhere:

 1. read     regular files only, opened with O_NOFOLLOW, at most MAX_SOURCE_BYTES; sha256 of them.
 2. cache    a JSON record per (source digest, parameters) lists the renditions and their sizes,
             so a cache hit needs no decoding at all.
 3. open     ``Image.open(formats=SOURCE_FORMATS)``, ``DecompressionBombWarning`` turned into an
             error. HEIC (iPhone) is recognised by its ``ftyp`` brand and refused with a hint.
 4. draft    JPEG only, before ``load()``: libjpeg decodes at 1/2, 1/4 or 1/8 scale (see below).
 5. load     always: a truncated JPEG passes ``open()`` and even ``verify()``; only ``load()``
             fails.
 6. orient   ``ImageOps.exif_transpose``: a plain re-save drops the Orientation tag, and phone
             portraits come out sideways.
 7. colour   16-bit grey scaled (not clipped) to 8 bit; palette, LA and RGBA expanded; an embedded
             ICC profile converted to sRGB with LittleCMS; CMYK without a profile converted
             naively; alpha flattened onto white (see below).
 8. resize   LANCZOS with ``reducing_gap=3.0``, one rendition per width, never upscaled.
 9. encode   WebP (method 4) and progressive, optimised JPEG, saved with no EXIF, no XMP and no
             ICC profile: the pixels are sRGB, which browsers assume for untagged images, and no
             GPS position leaves the building.
10. write    temp file + ``os.replace``: a killed build never leaves a half file under a cache name.

Alpha is flattened onto white for both formats, not only for JPEG: the JPEG fallback cannot carry
alpha, and the two formats of one photo must look the same whichever one the browser picks.

Parameters are a frozen value (``_Params``) taken from the module constants when a run starts and
handed to the worker processes, so a worker renders exactly what the key promises whatever the
process start method. Every parameter that shapes the output bytes is in the rendition key, and
the first 10 hex digits of the key are in the published name: a quality change yields new names,
never a stale file behind an old name. The Pillow version is deliberately not in the key (it is
pinned; bump PIPELINE_VERSION when an upgrade changes the output).

Measured on the 2-core build machine (a VM with noisy neighbours: best of 3), one photo-like
4000×3000 JPEG (q92, 2.7 MB) → 3 widths × 2 formats (before the 1080 px WebP), in-process, cache writes included:

    without draft()      0.50 s   decode 0.06 s, LANCZOS from 12 MP 0.39 s, encode 0.16 s
    with draft() at 1/2  0.34 s   libjpeg decodes 2000×1500 directly; LANCZOS 0.15 s
    cache hit            5 ms     read + sha256 + one JSON record + 6 stat() calls

Against the full decode the drafted renditions differ by PSNR 51 dB (1200 px) to 56 dB (360 px),
far below what the eye or the JPEG/WebP encoders keep. Eight such photos: 2.6–3.1 s with one
process, 1.5–3.0 s with two workers (runs vary that much on this VM, which reports CPU steal).
"""

from __future__ import annotations

import contextlib
import difflib
import errno
import hashlib
import io
import json
import math
import os
import re
import secrets
import stat
import unicodedata
import warnings
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path, PurePosixPath, PureWindowsPath
from typing import TypeVar, cast

from PIL import ExifTags, Image, ImageCms, ImageFile, ImageOps, UnidentifiedImageError

from generator import progress
from generator.errors import ContentError, Message, Severity, msg

PIPELINE_VERSION = 1
"""Bump when the encoding changes in a way the parameters below do not show: part of every key."""

WIDTHS: tuple[int, ...] = (360, 720, 1080, 1200)
FORMATS: tuple[str, ...] = ("webp", "jpeg")
SKIPPED: frozenset[tuple[str, int]] = frozenset({("jpeg", 1080)})
"""Renditions not made. 1080 px is for WebP only: it is what a 360 px phone at device pixel ratio 3
picks for the main photo (slot 334 px × 3; the next width, 1200, weighs about half as much again).
The JPEGs are the fallback of browsers without WebP or srcset, which ask for one fixed width."""
QUALITY = {"webp": 72, "jpeg": 78}
DENSE_WIDTH = 720
DENSE_QUALITY = {"webp": 60}
"""WebP wider than DENSE_WIDTH is only picked by high-density screens (the widest slot, 28rem, is
448 CSS px: 720 covers it at density 1.6), where each pixel is smaller and compression shows less.
At quality 72 the 1080 px WebP of the sample's busiest photo (woven bamboo) weighed 92 KB, over the
80 KB a phone's main photo may cost; at 60 it weighs 77 KB."""
MAX_PIXELS = 100_000_000
MAX_SOURCE_BYTES = 40 * 1024 * 1024
SOURCE_FORMATS = ("JPEG", "PNG", "WEBP", "GIF", "TIFF")

REDUCING_GAP = 3.0
DRAFT_MARGIN = 1.0
"""draft() is asked for DRAFT_MARGIN × the widest rendition; libjpeg keeps at least that size."""
BACKGROUND = (255, 255, 255)

_EXTENSION = {"webp": "webp", "jpeg": "jpg"}
_PIL_FORMAT = {"webp": "WEBP", "jpeg": "JPEG"}
_ENCODER: dict[str, dict[str, object]] = {
    "webp": {"method": 4},
    "jpeg": {"progressive": True, "optimize": True},
}
_SWAPS_AXES = frozenset({5, 6, 7, 8})
_HEIF_BRANDS = frozenset(
    {b"heic", b"heix", b"hevc", b"hevx", b"heim", b"heis", b"hevm", b"hevs", b"mif1", b"msf1"}
)
_PHOTO_SUFFIXES = frozenset(
    {".jpg", ".jpeg", ".png", ".webp", ".gif", ".tif", ".tiff", ".heic", ".heif", ".avif", ".bmp"}
)
_STEM = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]*")


# --- public values ------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Rendition:
    # Slots, and the cache path as text: a build holds every rendition of every photo (105,000
    # at 5,000 products), and a dataclass dict and a Path object each cost more than the rest.
    path: str
    """The encoded file inside the cache (content-addressed); `file` as a Path."""
    name: str
    """Published file name: ``{stem}-{width}.{key[:10]}.{ext}``."""
    width: int
    height: int
    format: str
    """``"webp"`` or ``"jpeg"``."""
    size: int
    """Bytes."""

    @property
    def file(self) -> Path:
        return Path(self.path)


@dataclass(frozen=True, slots=True)
class Photo:
    source: Path
    digest: str
    """sha256 hex of the source bytes."""
    width: int
    """Full size of the source after EXIF orientation."""
    height: int
    renditions: tuple[Rendition, ...]
    """Sorted by (format, width)."""

    def by_format(self, fmt: str) -> list[Rendition]:
        return [r for r in self.renditions if r.format == fmt]

    def largest(self, fmt: str) -> Rendition:
        found = self.by_format(fmt)
        if not found:
            raise KeyError(fmt)
        return found[-1]


@dataclass(frozen=True)
class PhotoJob:
    source: Path
    """A resolved, existing file (see ``resolve_photo``)."""
    display_path: str
    """For error messages, e.g. ``products/gao/anh-chinh.jpg``."""
    stem: str
    """ASCII slug used in published names."""


@dataclass
class ImageStats:
    made: int = 0
    """Renditions encoded in this run."""
    cached: int = 0
    """Renditions served from the cache."""


# --- messages -----------------------------------------------------------------------------------
# Vietnamese first: readers are district officials. Each says what is wrong and what to do.

_MISSING = msg(
    "không tìm thấy tệp ảnh; hãy kiểm tra ảnh còn nằm trong thư mục sản phẩm",
    "photo file not found; check that the photo is still in the product folder",
)
_SYMLINK_SOURCE = msg(
    "tệp ảnh là một liên kết tượng trưng (symlink), không được phép; hãy chép chính tệp ảnh vào thư"
    " mục sản phẩm",
    "the photo file is a symbolic link, which is not allowed; copy the photo file itself into the"
    " product folder",
)
_NOT_A_FILE = msg(
    "đây không phải là một tệp ảnh thông thường; hãy chép chính tệp ảnh vào thư mục sản phẩm",
    "this is not a regular photo file; copy the photo file itself into the product folder",
)
_HEIF = msg(
    "ảnh HEIC/HEIF (định dạng ảnh của iPhone) chưa được hỗ trợ; hãy xuất ảnh sang JPEG (trên"
    " iPhone: Cài đặt › Camera › Định dạng › Tương thích nhất) rồi chép lại",
    "HEIC/HEIF photos (the iPhone format) are not supported; export the photo as JPEG (on the"
    " iPhone: Settings › Camera › Formats › Most Compatible) and copy it again",
)
_HTML = msg(
    "tệp này là một trang web (HTML), không phải ảnh; hãy mở trang đó, lưu chính bức ảnh"
    " (nhấp chuột phải › Lưu hình ảnh) rồi chép lại",
    "this file is a web page (HTML), not a photo; open the page, save the picture itself"
    " (right-click › Save image as) and copy it again",
)
_NOT_AN_IMAGE = msg(
    "tệp không phải là ảnh hoặc ở định dạng không hỗ trợ; hãy dùng ảnh JPEG, PNG, WebP, GIF"
    " hoặc TIFF",
    "the file is not a photo or is in an unsupported format; use a JPEG, PNG, WebP, GIF or TIFF"
    " photo",
)
_DAMAGED = msg(
    "tệp ảnh bị hỏng hoặc không đầy đủ (có thể do chép hay tải về bị ngắt giữa chừng); hãy chép lại"
    " tệp ảnh gốc",
    "the photo file is damaged or incomplete (perhaps a copy or download was interrupted); copy the"
    " original photo again",
)
_WORKER_DIED = msg(
    "tiến trình xử lý ảnh bị dừng đột ngột (có thể do thiếu bộ nhớ); hãy chạy lại, nếu vẫn lỗi hãy"
    " thu nhỏ ảnh này",
    "the image worker stopped unexpectedly (perhaps out of memory); run the build again, and if it"
    " fails again make this photo smaller",
)
_BAD_ICC = msg(
    "hồ sơ màu (ICC) nhúng trong ảnh bị hỏng hoặc không dùng được nên ảnh được xử lý như sRGB, màu"
    " có thể hơi sai; nên xuất lại ảnh ở dạng JPEG sRGB",
    "the colour profile (ICC) embedded in the photo is broken or unusable, so the photo is treated"
    " as sRGB and colours may be slightly off; re-export it as an sRGB JPEG",
)


def _too_large_file(size: int, limit: int) -> Message:
    return msg(
        "tệp ảnh quá lớn: {size_vi} MB (tối đa {limit_vi} MB); hãy giảm dung lượng, ví dụ xuất lại"
        " thành ảnh JPEG rộng khoảng 4000 điểm ảnh",
        "the photo file is too large: {size_en} MB (at most {limit_en} MB); make it smaller, for"
        " example re-export it as a JPEG about 4000 pixels wide",
        **_number("size", size / 2**20),
        **_number("limit", limit / 2**20),
    )


def _too_many_pixels(size: tuple[int, int] | None, limit: int) -> Message:
    if size is None:
        return msg(
            "ảnh có quá nhiều điểm ảnh (tối đa {limit_vi} triệu); hãy thu nhỏ ảnh, ví dụ xuống"
            " 4000×3000, rồi lưu lại",
            "the image has too many pixels (at most {limit_en} million); scale it down, for example"
            " to 4000×3000, and save it again",
            **_number("limit", limit / 1e6),
        )
    width, height = size
    return msg(
        "ảnh quá lớn: {width}×{height} = {pixels_vi} triệu điểm ảnh (tối đa {limit_vi} triệu); hãy"
        " thu nhỏ ảnh, ví dụ xuống 4000×3000, rồi lưu lại",
        "the image is too large: {width}×{height} = {pixels_en} million pixels (at most {limit_en}"
        " million); scale it down, for example to 4000×3000, and save it again",
        width=width,
        height=height,
        **_number("pixels", width * height / 1e6),
        **_number("limit", limit / 1e6),
    )


def _unreadable(exc: OSError) -> Message:
    return msg(
        "không đọc được tệp ảnh ({reason}); hãy kiểm tra quyền đọc tệp hoặc chép lại tệp",
        "cannot read the photo file ({reason}); check that the file is readable or copy it again",
        reason=exc.strerror or type(exc).__name__,
    )


def _unsupported_mode(mode: str) -> Message:
    return msg(
        "ảnh dùng hệ màu {mode} không được hỗ trợ; hãy xuất lại ảnh ở dạng JPEG sRGB",
        "the photo uses an unsupported colour mode ({mode}); re-export it as an sRGB JPEG",
        mode=mode,
    )


def _unexpected(exc: Exception) -> Message:
    return msg(
        "không xử lý được ảnh ({reason}); hãy xuất lại ảnh ở dạng JPEG rồi thử lại",
        "could not process the photo ({reason}); re-export it as a JPEG and try again",
        reason=f"{type(exc).__name__}: {exc}",
    )


def _number(name: str, value: float) -> dict[str, str]:
    """Three significant digits, with a decimal comma in Vietnamese and a point in English."""
    text = format(value, ".3g")
    return {f"{name}_vi": text.replace(".", ","), f"{name}_en": text}


# --- parameters and keys ------------------------------------------------------------------------


@dataclass(frozen=True)
class _Params:
    pipeline: int
    widths: tuple[int, ...]
    formats: tuple[str, ...]
    skipped: frozenset[tuple[str, int]]
    quality: tuple[tuple[str, int], ...]
    dense_quality: tuple[tuple[str, int], ...]
    max_pixels: int
    max_source_bytes: int

    def encoding(self, fmt: str) -> dict[str, object]:
        """Everything that shapes the bytes of one format, apart from the source and the width.

        The width list is here because it decides the draft() scale, which changes the pixels of
        every rendition, not only the widest.
        """
        return {
            "pipeline": self.pipeline,
            "format": fmt,
            "quality": dict(self.quality)[fmt],
            "dense": [DENSE_WIDTH, dict(self.dense_quality).get(fmt)],
            **_ENCODER[fmt],
            "widths": list(self.widths),
            "draft_margin": DRAFT_MARGIN,
            "resample": "lanczos",
            "reducing_gap": REDUCING_GAP,
            "background": list(BACKGROUND),
            "colour": "sRGB untagged",
        }


def _current_params() -> _Params:
    return _Params(
        pipeline=PIPELINE_VERSION,
        widths=tuple(sorted(WIDTHS)),
        formats=tuple(FORMATS),
        skipped=SKIPPED,
        quality=tuple(sorted(QUALITY.items())),
        dense_quality=tuple(sorted(DENSE_QUALITY.items())),
        max_pixels=MAX_PIXELS,
        max_source_bytes=MAX_SOURCE_BYTES,
    )


def _sha256_json(value: object) -> str:
    text = json.dumps(value, sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(text.encode()).hexdigest()


def _rendition_key(digest: str, width: int, fmt: str, params: _Params) -> str:
    return _sha256_json({"digest": digest, "width": width, **params.encoding(fmt)})


def _record_key(digest: str, params: _Params) -> str:
    return _sha256_json(
        {
            "digest": digest,
            "record": [params.encoding(fmt) for fmt in params.formats],
            "skipped": sorted(params.skipped),
        }
    )


def _cache_path(cache_dir: Path, key: str, ext: str) -> Path:
    return cache_dir / key[:2] / f"{key}.{ext}"


def _plan_widths(source_width: int, widths: Sequence[int]) -> list[int]:
    """Equal to the source width is not upscaling: a 720 px photo still gets a 720 rendition."""
    return [w for w in widths if w <= source_width] or [source_width]


# --- the cache record ---------------------------------------------------------------------------


@dataclass(frozen=True)
class _Encoded:
    """A rendition before it has a published name (the name depends on the job's stem)."""

    key: str
    width: int
    height: int
    format: str
    size: int


@dataclass(frozen=True)
class _Record:
    digest: str
    width: int
    height: int
    renditions: tuple[_Encoded, ...]
    warnings: tuple[Message, ...]

    def to_json(self) -> bytes:
        value = {
            "digest": self.digest,
            "width": self.width,
            "height": self.height,
            "renditions": [vars(r) for r in self.renditions],
            "warnings": [{"vi": m.vi, "en": m.en} for m in self.warnings],
        }
        return json.dumps(value, ensure_ascii=False, indent=1).encode()

    @classmethod
    def from_json(cls, data: bytes) -> _Record:
        value = json.loads(data)
        renditions = tuple(
            _Encoded(
                str(r["key"]), int(r["width"]), int(r["height"]), str(r["format"]), int(r["size"])
            )
            for r in value["renditions"]
        )
        messages = tuple(Message(str(m["vi"]), str(m["en"])) for m in value["warnings"])
        return cls(
            str(value["digest"]), int(value["width"]), int(value["height"]), renditions, messages
        )


def _load_record(cache_dir: Path, digest: str, params: _Params) -> _Record | None:
    """The record, if it and every file it lists are intact; None means "render this source"."""
    try:
        record = _Record.from_json(
            _cache_path(cache_dir, _record_key(digest, params), "json").read_bytes()
        )
    except (OSError, ValueError, KeyError, TypeError):
        return None
    if record.digest != digest:
        return None
    for r in record.renditions:
        # A size check, not a hash: cheap for 20,000 photos, and it catches the zero-length file
        # a power cut can leave behind an os.replace that was never fsynced.
        try:
            if _cache_path(cache_dir, r.key, _EXTENSION[r.format]).stat().st_size != r.size:
                return None
        except (OSError, KeyError):
            return None
    return record


def write_atomic(path: Path, data: bytes | Iterable[bytes]) -> None:
    """Temp file + ``os.replace``: a killed build never leaves a half file under a cache name
    (the renditions', share images' and QR codes' caches). `data` may come in parts, so that a
    large file need not be held whole in memory."""
    path.parent.mkdir(parents=True, exist_ok=True)
    temp = path.with_name(f".{path.name}.{os.getpid()}.{secrets.token_hex(4)}.tmp")
    try:
        with open(temp, "xb") as f:
            if isinstance(data, bytes):
                f.write(data)
            else:
                f.writelines(data)
        os.replace(temp, path)
    except BaseException:
        temp.unlink(missing_ok=True)
        raise


# --- reading and decoding one source ------------------------------------------------------------


class _Refused(Exception):
    def __init__(self, message: Message) -> None:
        super().__init__(message.en)
        self.message = message


SOURCE_MEMO = "sources.json"
"""In the cache folder: each source photo's digest with the file identity it was computed for."""


def _source_digest(path: Path, max_bytes: int, memo: dict[str, list[int | str]]) -> str:
    """The SHA-256 of a source photo, read only when the file changed since it was last hashed.

    Hashing every photo on every build read 900 MB at 1,000 products (3 photos each) and took a
    third of a rebuild's image stage; a no-change rebuild at 20,000 products would read 18 GB.
    The file is still opened the guarded way (_read_source's flags and checks) and identified by
    device, inode, size, modification and change times in nanoseconds: any write to the file, or a
    new file under the same name, changes one of them.
    """
    flags = os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_NONBLOCK", 0)
    flags |= getattr(os, "O_BINARY", 0)
    try:
        fd = os.open(path, flags)
    except OSError:
        return hashlib.sha256(_read_source(path, max_bytes)).hexdigest()  # raises the refusal
    try:
        info = os.fstat(fd)
    finally:
        os.close(fd)
    identity: list[int | str] = [
        info.st_dev,
        info.st_ino,
        info.st_size,
        info.st_mtime_ns,
        info.st_ctime_ns,
    ]
    known = memo.get(str(path))
    if stat.S_ISREG(info.st_mode) and known is not None and known[:-1] == identity:
        return str(known[-1])
    digest = hashlib.sha256(_read_source(path, max_bytes)).hexdigest()
    memo[str(path)] = [*identity, digest]
    return digest


def _load_memo(cache_dir: Path) -> dict[str, list[int | str]]:
    try:
        memo = json.loads((cache_dir / SOURCE_MEMO).read_bytes())
    except (OSError, ValueError):
        return {}
    return memo if isinstance(memo, dict) else {}


def _read_source(path: Path, max_bytes: int) -> bytes:
    # O_NOFOLLOW: resolve_photo refused symlinks, but the file may have been swapped since.
    # O_NONBLOCK: opening a FIFO for reading would otherwise wait forever for a writer.
    flags = os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_NONBLOCK", 0)
    flags |= getattr(os, "O_BINARY", 0)
    try:
        fd = os.open(path, flags)
    except FileNotFoundError:
        raise _Refused(_MISSING) from None
    except OSError as exc:
        raise _Refused(_SYMLINK_SOURCE if exc.errno == errno.ELOOP else _unreadable(exc)) from None
    with os.fdopen(fd, "rb") as f:
        info = os.fstat(f.fileno())
        if not stat.S_ISREG(info.st_mode):
            raise _Refused(_NOT_A_FILE)
        if info.st_size > max_bytes:
            raise _Refused(_too_large_file(info.st_size, max_bytes))
        try:
            data = f.read(max_bytes + 1)
        except OSError as exc:
            raise _Refused(_unreadable(exc)) from None
    if len(data) > max_bytes:
        raise _Refused(_too_large_file(len(data), max_bytes))
    return data


@contextlib.contextmanager
def _pixel_limit(max_pixels: int) -> Iterator[None]:
    """Pillow only warns between 1× and 2× its limit; a warning that merely logs is no guard.

    Truncated files are refused here too, whatever the process-wide setting says: WeasyPrint
    (the PDF spec sheets) sets `ImageFile.LOAD_TRUNCATED_IMAGES = True` when it is imported, and
    a photo worker forked from a process that imported it would quietly render half a photo.
    """
    saved = Image.MAX_IMAGE_PIXELS
    saved_truncated = ImageFile.LOAD_TRUNCATED_IMAGES
    Image.MAX_IMAGE_PIXELS = max_pixels
    ImageFile.LOAD_TRUNCATED_IMAGES = False
    try:
        with warnings.catch_warnings():
            # Only this category: Pillow's other warnings (palette transparency, odd EXIF) are
            # harmless, and turning them into errors would refuse good photos.
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            yield
    finally:
        Image.MAX_IMAGE_PIXELS = saved
        ImageFile.LOAD_TRUNCATED_IMAGES = saved_truncated


def _declared_size(data: bytes) -> tuple[int, int] | None:
    """The size a header declares, for the error message only: open() parses headers, no pixels."""
    saved = Image.MAX_IMAGE_PIXELS
    Image.MAX_IMAGE_PIXELS = None
    try:
        with Image.open(io.BytesIO(data), formats=SOURCE_FORMATS) as im:
            return im.size
    except Exception:
        return None
    finally:
        Image.MAX_IMAGE_PIXELS = saved


def _is_heif(data: bytes) -> bool:
    return data[4:8] == b"ftyp" and data[8:12] in _HEIF_BRANDS


def _is_html(data: bytes) -> bool:
    head = data[:1024].lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    return head.startswith((b"<!doctype html", b"<html", b"<head", b"<body")) or b"<html" in head


def _open(data: bytes, max_pixels: int) -> Image.Image:
    if _is_heif(data):
        raise _Refused(_HEIF)
    try:
        return Image.open(io.BytesIO(data), formats=SOURCE_FORMATS)
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        raise _Refused(_too_many_pixels(_declared_size(data), max_pixels)) from None
    except UnidentifiedImageError:
        raise _Refused(_HTML if _is_html(data) else _NOT_AN_IMAGE) from None
    except (OSError, SyntaxError, ValueError, EOFError, IndexError):
        raise _Refused(_DAMAGED) from None


def _orientation(im: Image.Image) -> int:
    value = im.getexif().get(ExifTags.Base.Orientation, 1)
    return value if isinstance(value, int) else 1


@dataclass
class _Decoded:
    image: Image.Image
    """RGB, sRGB, no metadata; possibly smaller than width × height (draft)."""
    width: int
    """Full size after orientation."""
    height: int
    widths: list[int]
    warnings: list[Message]


def _decode(data: bytes, params: _Params, *, use_draft: bool = True) -> _Decoded:
    with _pixel_limit(params.max_pixels):
        im = _open(data, params.max_pixels)
        full_width, full_height = im.size
        if use_draft and im.format in ("JPEG", "MPO"):
            # EXIF sits before the pixels in a JPEG, so the orientation is known before load().
            shown = full_height if _orientation(im) in _SWAPS_AXES else full_width
            scale = max(_plan_widths(shown, params.widths)) * DRAFT_MARGIN / shown
            if scale <= 0.5:
                wanted = (math.ceil(full_width * scale), math.ceil(full_height * scale))
                im.draft("RGB", wanted)
        try:
            im.load()
        except (Image.DecompressionBombError, Image.DecompressionBombWarning):
            raise _Refused(_too_many_pixels(im.size, params.max_pixels)) from None
        except (OSError, SyntaxError, ValueError, EOFError, IndexError):
            raise _Refused(_DAMAGED) from None
        # Read again after load(): PNG may store eXIf after the pixel data.
        if _orientation(im) in _SWAPS_AXES:
            full_width, full_height = full_height, full_width
        icc = im.info.get("icc_profile")
        ImageOps.exif_transpose(im, in_place=True)
        notes: list[Message] = []
        rgb = _to_srgb(im, icc if isinstance(icc, bytes) else None, notes)
    # Nothing from the source's info (exif, xmp, icc_profile, comments) may reach an encoder.
    rgb.info = {}
    return _Decoded(rgb, full_width, full_height, _plan_widths(full_width, params.widths), notes)


def _sixteen_to_eight(im: Image.Image) -> Image.Image:
    """convert("L") clips 16-bit values at 255, so mid-grey 32768 would come out white."""
    return im.convert("I").point(lambda v: v / 257 + 0.5).convert("L")


def _to_srgb(im: Image.Image, icc: bytes | None, notes: list[Message]) -> Image.Image:
    alpha: Image.Image | None = None
    if im.mode.startswith("I;16") or im.mode == "I":
        im = _sixteen_to_eight(im)
    elif im.mode == "1":
        im = im.convert("L")
    elif im.mode in ("P", "PA"):
        transparent = im.mode == "PA" or "transparency" in im.info
        im = im.convert("RGBA" if transparent else "RGB")
    if im.mode in ("RGBA", "RGBa", "LA", "La"):
        im = im.convert("LA" if im.mode.startswith("L") else "RGBA")
        alpha = im.getchannel("A")
        im = im.convert("L" if im.mode == "LA" else "RGB")
    if im.mode not in ("RGB", "L", "CMYK"):
        try:
            im = im.convert("RGB")
        except ValueError:
            raise _Refused(_unsupported_mode(im.mode)) from None
    if icc:
        im = _apply_profile(im, icc, notes)
    if im.mode != "RGB":
        im = im.convert("RGB")
    if alpha is not None:
        flat = Image.new("RGB", im.size, BACKGROUND)
        flat.paste(im, mask=alpha)
        im = flat
    return im


_SRGB = ImageCms.createProfile("sRGB")
_MODE_OF_SPACE = {"RGB": "RGB", "GRAY": "L", "CMYK": "CMYK"}


def _apply_profile(im: Image.Image, icc: bytes, notes: list[Message]) -> Image.Image:
    try:
        profile = ImageCms.ImageCmsProfile(io.BytesIO(icc))
        mode = _MODE_OF_SPACE.get(profile.profile.xcolor_space.strip())
        if mode == "RGB" and im.mode == "L":
            im = im.convert("RGB")
        if mode != im.mode:
            notes.append(_BAD_ICC)
            return im
        converted = ImageCms.profileToProfile(im, profile, _SRGB, outputMode="RGB")
    except (OSError, ValueError, ImageCms.PyCMSError):
        notes.append(_BAD_ICC)
        return im
    assert converted is not None  # only inPlace=True returns None
    return converted


def _encode(im: Image.Image, fmt: str, params: _Params) -> bytes:
    buffer = io.BytesIO()
    quality = dict(params.quality)[fmt]
    if im.width > DENSE_WIDTH:
        quality = dict(params.dense_quality).get(fmt, quality)
    im.save(buffer, _PIL_FORMAT[fmt], quality=quality, **_ENCODER[fmt])
    return buffer.getvalue()


# --- one source, in a worker or in-process ------------------------------------------------------


@dataclass(frozen=True)
class _Task:
    source: Path
    cache_dir: Path
    params: _Params


@dataclass(frozen=True)
class _Outcome:
    record: _Record | None
    refusal: Message | None = None
    made: int = 0
    cached: int = 0


def _render_source(task: _Task) -> _Outcome:
    """Never raises: errors travel back from the worker processes as data."""
    try:
        return _render(task)
    except _Refused as refused:
        return _Outcome(None, refused.message)
    except Exception as exc:
        # Pillow's decoders raise a zoo of types on hostile input (struct.error, KeyError,
        # ZeroDivisionError, …); one bad photo must not end the run or hide the other errors.
        return _Outcome(None, _unexpected(exc))


def _render(task: _Task) -> _Outcome:
    params, cache_dir = task.params, task.cache_dir
    data = _read_source(task.source, params.max_source_bytes)
    digest = hashlib.sha256(data).hexdigest()
    decoded = _decode(data, params)
    del data
    made = cached = 0
    encoded: list[_Encoded] = []
    for width in decoded.widths:
        height = max(1, round(decoded.height * width / decoded.width))
        small: Image.Image | None = None
        for fmt in params.formats:
            if (fmt, width) in params.skipped:
                continue
            key = _rendition_key(digest, width, fmt, params)
            path = _cache_path(cache_dir, key, _EXTENSION[fmt])
            size = _existing_size(path)
            if size:  # written by an earlier run that died before its record, or by another source
                encoded.append(_Encoded(key, width, height, fmt, size))
                cached += 1
                continue
            if small is None:
                small = decoded.image
                if small.size != (width, height):
                    small = small.resize(
                        (width, height), Image.Resampling.LANCZOS, reducing_gap=REDUCING_GAP
                    )
            data_out = _encode(small, fmt, params)
            write_atomic(path, data_out)
            encoded.append(_Encoded(key, width, height, fmt, len(data_out)))
            made += 1
    record = _Record(digest, decoded.width, decoded.height, tuple(encoded), tuple(decoded.warnings))
    write_atomic(_cache_path(cache_dir, _record_key(digest, params), "json"), record.to_json())
    return _Outcome(record, None, made, cached)


def _existing_size(path: Path) -> int:
    try:
        return path.stat().st_size
    except OSError:
        return 0


def _run(tasks: list[_Task], workers: int | None) -> list[_Outcome]:
    return progress.run_tasks(
        _render_source,
        tasks,
        workers=workers,
        step_name="photos",
        died=lambda: _Outcome(None, _WORKER_DIED),
    )


# --- the stage ----------------------------------------------------------------------------------


def process_photos(
    jobs: Sequence[PhotoJob], cache_dir: Path, *, workers: int | None = None
) -> tuple[dict[Path, Photo], list[ContentError], ImageStats]:
    """Render every job's photo into ``cache_dir``; returns photos by source, problems, counts.

    Sources that hit the cache are only read and hashed. The others are grouped by digest (the same
    bytes under two names are decoded once) and rendered in a process pool. A source listed by two
    jobs is rendered once under the first job's stem. Stats count unique renditions.
    """
    params = _current_params()
    cache_dir = Path(cache_dir)
    unique: dict[Path, PhotoJob] = {}
    for job in jobs:
        if not _STEM.fullmatch(job.stem) or not job.stem.isascii():
            raise ValueError(f"not an ASCII slug: {job.stem!r}")
        unique.setdefault(job.source, job)

    stats = ImageStats()
    errors: list[ContentError] = []
    records: dict[Path, _Record] = {}
    misses: dict[str, list[PhotoJob]] = {}
    loaded = _load_memo(cache_dir)
    memo = dict(loaded)
    wanted = {str(job.source) for job in unique.values()}
    for job in unique.values():
        try:
            digest = _source_digest(job.source, params.max_source_bytes, memo)
        except _Refused as refused:
            errors.append(ContentError(job.display_path, 0, 0, "", refused.message))
            continue
        record = _load_record(cache_dir, digest, params)
        if record is None:
            misses.setdefault(digest, []).append(job)
        else:
            records[job.source] = record
            stats.cached += len(record.renditions)

    groups = list(misses.values())
    outcomes = _run([_Task(group[0].source, cache_dir, params) for group in groups], workers)
    for group, outcome in zip(groups, outcomes, strict=True):
        stats.made += outcome.made
        stats.cached += outcome.cached
        for job in group:
            if outcome.record is not None:
                records[job.source] = outcome.record
            elif outcome.refusal is not None:
                errors.append(ContentError(job.display_path, 0, 0, "", outcome.refusal))

    # Only this build's sources that made it into the cache (a refused photo is read again next
    # time), and only when something changed: a no-change build writes nothing.
    kept = {path: memo[path] for path in sorted(wanted) if path in memo and Path(path) in records}
    if kept != loaded:
        write_atomic(cache_dir / SOURCE_MEMO, json.dumps(kept, separators=(",", ":")).encode())

    photos: dict[Path, Photo] = {}
    for job in unique.values():
        found = records.get(job.source)
        if found is None:
            continue
        photos[job.source] = _photo(job, found, cache_dir)
        errors.extend(
            ContentError(job.display_path, 0, 0, "", note, Severity.WARNING)
            for note in found.warnings
        )
    return photos, sorted(errors), stats


_T = TypeVar("_T")


_POOL: dict[object, object] = {}


def _one(value: _T) -> _T:
    """One object per format and width: read from every photo's JSON record they were a new
    string or int per rendition, 14 MB of the 105,000 renditions at 5,000 products."""
    return cast(_T, _POOL.setdefault(value, value))


def _photo(job: PhotoJob, record: _Record, cache_dir: Path) -> Photo:
    renditions = [
        Rendition(
            path=str(_cache_path(cache_dir, r.key, _EXTENSION[r.format])),
            name=f"{job.stem}-{r.width}.{r.key[:10]}.{_EXTENSION[r.format]}",
            width=_one(r.width),
            height=_one(r.height),
            format=_one(r.format),
            size=r.size,
        )
        for r in record.renditions
    ]
    renditions.sort(key=lambda r: (r.format, r.width))
    return Photo(job.source, record.digest, record.width, record.height, tuple(renditions))


# --- resolving what the editor typed ------------------------------------------------------------


def _nfc(text: str) -> str:
    return unicodedata.normalize("NFC", text)


def _show(text: str) -> str:
    """Quoted, with control characters made visible (a NUL would otherwise vanish on screen)."""
    shown = "".join(c if c.isprintable() else f"\\x{ord(c):02x}" for c in text)
    return f'"{shown}"'


def _check_photo_name(name: str) -> Message | None:
    if not isinstance(name, str) or not name.strip():
        return msg(
            "tên tệp ảnh bị trống; hãy ghi tên một tệp ảnh trong thư mục sản phẩm, ví dụ"
            " anh-chinh.jpg",
            "the photo file name is empty; write the name of a photo file in the product folder,"
            " for example anh-chinh.jpg",
        )
    shown = _show(name)
    if any(unicodedata.category(c) == "Cc" for c in name):
        return msg(
            "tên tệp ảnh {name} chứa ký tự điều khiển (như NUL); hãy gõ lại tên tệp",
            "the photo file name {name} contains a control character (such as NUL); retype the"
            " file name",
            name=shown,
        )
    if PurePosixPath(name).is_absolute() or PureWindowsPath(name).drive or name.startswith("\\"):
        return msg(
            "đường dẫn ảnh {name} là đường dẫn tuyệt đối; hãy chép ảnh vào thư mục sản phẩm rồi chỉ"
            " ghi tên tệp, ví dụ {hint}",
            "the photo path {name} is absolute; copy the photo into the product folder and write"
            " only the file name, for example {hint}",
            name=shown,
            hint=_show(re.split(r"[\\/]", name)[-1]),
        )
    if ".." in re.split(r"[\\/]", name):
        return msg(
            'đường dẫn ảnh {name} trỏ ra ngoài thư mục sản phẩm (có ".."); hãy chép ảnh vào thư mục'
            " sản phẩm rồi chỉ ghi tên tệp",
            'the photo path {name} points outside the product folder (it contains ".."); copy the'
            " photo into the product folder and write only the file name",
            name=shown,
        )
    if "\\" in name:
        return msg(
            "đường dẫn ảnh {name} dùng dấu \\; hãy dùng dấu / giữa thư mục và tên tệp: {hint}",
            "the photo path {name} uses \\; use / between folder and file names: {hint}",
            name=shown,
            hint=_show(name.replace("\\", "/")),
        )
    return None


def _match_entry(part: str, entries: list[str]) -> str | None:
    if part in entries:
        return part
    # macOS writes names in NFD, editors type NFC, Linux compares bytes: compare them normalised.
    wanted = _nfc(part)
    same = sorted(e for e in entries if _nfc(e) == wanted)
    return same[0] if same else None


def _list_names(names: list[str]) -> str:
    shown = ", ".join(names[:8])
    return shown + (f", … (+{len(names) - 8})" if len(names) > 8 else "")


def _not_found(
    name: str, found: list[str], parts: list[str], entries: list[str], folder: Path
) -> Message:
    index = len(found)
    part = _nfc(parts[index])
    rest = parts[index + 1 :]
    shown = _show(name)
    normalised = {_nfc(e): e for e in entries}
    same_case = sorted(n for n in normalised if n.casefold() == part.casefold())
    if same_case:
        return msg(
            "không tìm thấy ảnh {name}; có phải ý bạn là {real}? (tên tệp phân biệt chữ hoa và chữ"
            " thường)",
            "photo {name} not found; did you mean {real}? (file names are case-sensitive)",
            name=shown,
            real=_show("/".join([*found, same_case[0], *rest])),
        )
    close = difflib.get_close_matches(part, sorted(normalised), n=1, cutoff=0.6)
    if close:
        return msg(
            "không tìm thấy ảnh {name}; có phải ý bạn là {real}?",
            "photo {name} not found; did you mean {real}?",
            name=shown,
            real=_show("/".join([*found, close[0], *rest])),
        )
    if rest:
        listed = sorted(f"{n}/" for n, e in normalised.items() if (folder / e).is_dir())
    else:
        listed = sorted(n for n in normalised if PurePosixPath(n).suffix.lower() in _PHOTO_SUFFIXES)
    where_vi = f'thư mục "{"/".join(found)}"' if found else "thư mục sản phẩm"
    where_en = f'the folder "{"/".join(found)}"' if found else "the product folder"
    if not listed:
        return msg(
            "không tìm thấy ảnh {name}; {where_vi} không có tệp ảnh nào, hãy chép ảnh vào đó",
            "photo {name} not found; {where_en} has no photo files, copy the photo there",
            name=shown,
            where_vi=where_vi,
            where_en=where_en,
        )
    return msg(
        "không tìm thấy ảnh {name}; trong {where_vi} chỉ có: {listed}",
        "photo {name} not found; {where_en} contains only: {listed}",
        name=shown,
        where_vi=where_vi,
        where_en=where_en,
        listed=_list_names(listed),
    )


def resolve_photo(
    product_dir: Path, name: str, *, display_path: str, line: int, column: int, field: str
) -> tuple[Path | None, list[ContentError]]:
    """Find the file an editor named in product.yaml, inside ``product_dir`` and nowhere else.

    Returns the resolved path, or None and one error at the caller's ``display_path:line:column``.
    Names match after NFC normalisation; a wrong upper/lower case or a near miss gets a suggestion.
    """

    def refuse(message: Message) -> tuple[Path | None, list[ContentError]]:
        return None, [ContentError(display_path, line, column, field, message)]

    parts = [p for p in name.split("/") if p not in ("", ".")] if isinstance(name, str) else []
    problem = _check_photo_name(name if parts else "")
    if problem is not None:
        return refuse(problem)
    base = Path(os.path.realpath(product_dir))
    current = base
    found: list[str] = []
    for part in parts:
        try:
            entries = os.listdir(current)
        except OSError:
            entries = []
        real = _match_entry(part, entries)
        if real is None:
            return refuse(_not_found(name, found, parts, entries, current))
        current = current / real
        found.append(real)
        if current.is_symlink():
            return refuse(
                msg(
                    "ảnh {name} là một liên kết tượng trưng (symlink) ở {link}, không được phép;"
                    " hãy chép chính tệp ảnh vào thư mục sản phẩm",
                    "photo {name} goes through a symbolic link at {link}, which is not allowed;"
                    " copy the photo file itself into the product folder",
                    name=_show(name),
                    link=_show(_nfc("/".join(found))),
                )
            )
    resolved = Path(os.path.realpath(current))
    if not resolved.is_relative_to(base) or resolved == base:
        return refuse(
            msg(
                "đường dẫn ảnh {name} nằm ngoài thư mục sản phẩm; hãy chép ảnh vào thư mục sản phẩm"
                " rồi chỉ ghi tên tệp",
                "the photo path {name} is outside the product folder; copy the photo into the"
                " product folder and write only the file name",
                name=_show(name),
            )
        )
    if not resolved.is_file():
        return refuse(
            msg(
                "{name} là một thư mục, không phải tệp ảnh; hãy ghi tên một tệp ảnh",
                "{name} is a folder, not a photo file; write the name of a photo file",
                name=_show(name),
            )
        )
    return resolved, []


# --- release gate -------------------------------------------------------------------------------

_WEB_FORMATS = {".webp": "WEBP", ".jpg": "JPEG", ".jpeg": "JPEG", ".png": "PNG", ".avif": "AVIF"}
_XMP_MARKERS = (b"<x:xmpmeta", b"http://ns.adobe.com/xap/1.0/")
_GPS_IFD = ExifTags.IFD.GPSInfo


def _sniff(data: bytes) -> str | None:
    if re.search(rb"<svg[\s>]", data[:4096]):
        return "SVG"
    if _is_heif(data):
        return "HEIF"
    if _is_html(data):
        return "HTML"
    try:
        with _pixel_limit(MAX_PIXELS), Image.open(io.BytesIO(data)) as im:
            return im.format
    except Exception:
        return None


def audit_published_image(path: Path) -> list[str]:
    """Problems with one published image file, [] if clean: the release gate for every image.

    Checks the extension and the actual content against the web formats, then looks for anything a
    re-encode should have removed: EXIF (GPS above all), XMP, ICC profiles, IPTC, extra MPO frames.
    """
    path = Path(path)
    suffix = path.suffix.lower()
    if path.is_symlink():
        return ["is a symbolic link (published files must be real files)"]
    if suffix != ".svg" and suffix not in _WEB_FORMATS:
        return [
            f"{suffix or 'no extension'} is not a web image format (.webp .jpg .png .svg .avif)"
        ]
    try:
        data = path.read_bytes()
    except OSError as exc:
        return [f"cannot be read: {exc.strerror or exc}"]
    if suffix == ".svg":
        return _audit_svg(data)
    expected = _WEB_FORMATS[suffix]
    try:
        with _pixel_limit(MAX_PIXELS):
            im = Image.open(io.BytesIO(data), formats=("JPEG", "PNG", "WEBP", "AVIF"))
            # JPEG and WebP carry EXIF, XMP and ICC in headers that open() reads; decoding every
            # rendition took a quarter of a cold build (128 s of 637 s at 1,000 products). PNG
            # may keep metadata chunks after the pixels, so PNGs are decoded in full.
            if im.format == "PNG":
                im.load()
    except UnidentifiedImageError:
        actual = _sniff(data)
        found = f"{actual} content" if actual else "content that is not an image"
        return [f"has {found}, not {expected} as its extension {suffix} says"]
    except Exception as exc:
        return [f"cannot be decoded: {type(exc).__name__}: {exc}"]

    problems: list[str] = []
    actual = "JPEG" if im.format == "MPO" else im.format
    if actual != expected:
        problems.append(f"has {actual} content, not {expected} as its extension {suffix} says")
    if im.format == "MPO":
        problems.append("holds several pictures (MPO); the extra ones carry their own metadata")
    raw_exif = im.info.get("exif")
    if raw_exif:
        problems.append("carries EXIF metadata")
        exif = Image.Exif()
        exif.load(raw_exif if isinstance(raw_exif, bytes) else b"")
        if exif.get_ifd(_GPS_IFD) or _GPS_IFD in exif:
            problems.append("carries a GPS position (EXIF GPSInfo)")
    xmp = im.info.get("xmp") or im.info.get("XML:com.adobe.xmp")
    if xmp or any(marker in data for marker in _XMP_MARKERS):
        problems.append("carries XMP metadata")
        text = xmp.encode() if isinstance(xmp, str) else xmp if isinstance(xmp, bytes) else data
        if re.search(rb"GPS(Latitude|Longitude)", text):
            problems.append("carries a GPS position (XMP exif:GPSLatitude)")
    if im.info.get("icc_profile"):
        problems.append("carries an ICC colour profile (renditions are untagged sRGB)")
    if im.info.get("photoshop"):
        problems.append("carries Photoshop/IPTC metadata")
    return problems


def _audit_svg(data: bytes) -> list[str]:
    if not re.search(rb"<svg[\s>]", data[:4096]):
        actual = _sniff(data)
        found = f"{actual} content" if actual else "content that is not an image"
        return [f"has {found}, not SVG as its extension .svg says"]
    text = data.decode("utf-8", errors="replace")
    problems: list[str] = []
    # An SVG opened directly runs its scripts with the site's origin.
    if re.search(r"<script|\bon[a-z]+\s*=|javascript:", text, re.IGNORECASE):
        problems.append("SVG contains script (a <script> element, an on* handler or javascript:)")
    if "xmpmeta" in text:
        problems.append("carries XMP metadata")
    return problems
