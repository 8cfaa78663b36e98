"""QR codes for packaging, with segno.

Each product gets a code for its short path `/p/<id>` and one for every GTIN, as a GS1 Digital
Link `/01/<gtin14>` (a checkout scanner can read those). The encoded text is exactly the
permanent URL; only the scheme and host may be written in upper case (URLs ignore their case), and
only when that makes the symbol smaller: upper-case letters and digits fit QR's alphanumeric mode,
which packs 5.5 bits a character instead of 8.

Printing rules (GS1): error correction M (Q when a logo covers the centre), a quiet zone of 4
modules, a module at least 0.396 mm, and a printed size of at least 20 mm.
"""

from __future__ import annotations

import hashlib
import io
import json
import os
import re
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

import segno

from .catalogue import Catalogue
from .permalinks import gtin14
from .schema import Product

BORDER = 4
MIN_PRINT_MM = 20.0
MIN_MODULE_MM = 0.396
PNG_SCALE = 10
"""Pixels per module in the PNG download: sharp at 20–40 mm on a 300 dpi printer."""
ERROR_LEVELS = ("m", "q")
QR_ROOT = "qr"
CACHE_VERSION = 1
"""Bump when the files' form changes (SVG size, PNG scale, colours)."""


@dataclass(frozen=True)
class Code:
    key: str
    """`p/<id>` or `01/<gtin14>`: the permanent path without its trailing slash."""
    url: str
    """The permanent URL (lower-case form)."""
    text: str
    """What the symbol encodes: `url`, or the same URL with an upper-case scheme and host."""
    error: str
    version: int
    modules: int
    """Width in modules, quiet zone included."""
    label: str
    """What the code is for: "" for the product, else the pack size name."""

    @property
    def file_stem(self) -> str:
        return f"{QR_ROOT}/{self.key.removeprefix('p/')}"

    @property
    def min_print_mm(self) -> float:
        return max(MIN_PRINT_MM, round(self.modules * MIN_MODULE_MM, 1))

    def module_mm(self, size_mm: float) -> float:
        return size_mm / self.modules


def _upper_host(url: str) -> str:
    match = re.match(r"^([a-z]+://[^/]+)(.*)$", url, re.I)
    return url if match is None else match.group(1).upper() + match.group(2)


def make(url: str, error: str = "m") -> tuple[str, segno.QRCode]:
    """The smallest symbol that encodes `url` exactly (up to the case of scheme and host)."""
    candidates = []
    for text in dict.fromkeys((url, _upper_host(url))):
        # boost_error=False: the level asked for is the level printed (predictable for printers).
        qr = segno.make(text, error=error, micro=False, boost_error=False)
        candidates.append((qr.version, len(text) if text == url else len(text) + 1, text, qr))
    _, _, text, qr = min(candidates, key=lambda c: (c[0], c[1]))
    return text, qr


class QrCache:
    """Content-addressed cache of codes: segno takes about 4 ms a symbol in pure Python, and a
    catalogue of 20,000 products has tens of thousands of codes, none of which change between
    builds. Keyed on everything that shapes the files."""

    def __init__(self, folder: Path | None) -> None:
        self.folder = folder

    def _key(self, url: str, error: str) -> str:
        raw = f"{CACHE_VERSION}|{url}|{error}|{BORDER}|{PNG_SCALE}|segno {segno.__version__}"
        return hashlib.sha256(raw.encode()).hexdigest()

    def code(self, key: str, url: str, error: str, label: str) -> Code:
        record = None
        if self.folder is not None:
            path = self.folder / f"{self._key(url, error)}.json"
            try:
                record = json.loads(path.read_text(encoding="utf-8"))
            except (OSError, ValueError):
                record = None
        if record is None:
            text, qr = make(url, error)
            record = {
                "text": text,
                "version": int(qr.version),
                "modules": int(qr.symbol_size(border=BORDER)[0]),
            }
            if self.folder is not None:
                code = Code(key, url, text, error, record["version"], record["modules"], label)
                self._store(code, record, qr)
        return Code(key, url, record["text"], error, record["version"], record["modules"], label)

    def _store(self, code: Code, record: dict[str, object], qr: segno.QRCode) -> None:
        assert self.folder is not None
        self.folder.mkdir(parents=True, exist_ok=True)
        stem = self.folder / self._key(code.url, code.error)
        for ext, data in (("svg", svg_bytes(code, qr)), ("png", png_bytes(code, qr))):
            _atomic_write(stem.with_suffix(f".{ext}"), data)
        _atomic_write(stem.with_suffix(".json"), json.dumps(record).encode())

    def files(self, code: Code) -> dict[str, bytes | Path]:
        """The SVG and PNG of a code: cached files (to hard-link), or fresh bytes."""
        if self.folder is not None:
            stem = self.folder / self._key(code.url, code.error)
            if stem.with_suffix(".svg").exists() and stem.with_suffix(".png").exists():
                return {"svg": stem.with_suffix(".svg"), "png": stem.with_suffix(".png")}
        return {"svg": svg_bytes(code), "png": png_bytes(code)}


def _atomic_write(path: Path, data: bytes) -> None:
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    tmp.write_bytes(data)
    os.replace(tmp, path)


def product_codes(
    product: Product, site_url: str, error: str = "m", cache: QrCache | None = None
) -> list[Code]:
    keys = [(f"p/{product.id}", "")]
    seen = set()
    for variant in product.variants:
        if variant.gtin and gtin14(variant.gtin) not in seen:
            seen.add(gtin14(variant.gtin))
            keys.append((f"01/{gtin14(variant.gtin)}", variant.name.vi))
    cache = cache or QrCache(None)
    return [cache.code(key, f"{site_url}{key}", error, label) for key, label in keys]


def catalogue_codes(
    cat: Catalogue, site_url: str, error: str = "m", cache: QrCache | None = None
) -> dict[str, list[Code]]:
    return {p.id: product_codes(p, site_url, error, cache) for p in cat.published}


def former_codes(
    cat: Catalogue, site_url: str, error: str = "m", cache: QrCache | None = None
) -> list[Code]:
    """Codes of renamed products' old short paths: their downloads stay published (and valid,
    since the old path redirects)."""
    cache = cache or QrCache(None)
    return [
        cache.code(f"p/{old}", f"{site_url}p/{old}", error, "")
        for product in cat.published
        for old in product.former_ids
    ]


def svg_bytes(code: Code, qr: segno.QRCode | None = None) -> bytes:
    """A vector file sized at the recommended printed size, in millimetres."""
    if qr is None:
        _, qr = make(code.url, code.error)
    out = io.BytesIO()
    qr.save(
        out,
        kind="svg",
        border=BORDER,
        scale=code.module_mm(code.min_print_mm),
        unit="mm",
        xmldecl=False,
        title=code.url,
        dark="#000",
        light="#fff",
    )
    return out.getvalue()


def png_bytes(code: Code, qr: segno.QRCode | None = None) -> bytes:
    if qr is None:
        _, qr = make(code.url, code.error)
    out = io.BytesIO()
    qr.save(out, kind="png", border=BORDER, scale=PNG_SCALE, dark="#000", light="#fff")
    return out.getvalue()


def write_codes(release: Path, codes: Iterable[Code], cache: QrCache | None = None) -> int:
    count = 0
    for code in codes:
        for ext, source in (cache or QrCache(None)).files(code).items():
            path = release / f"{code.file_stem}.{ext}"
            path.parent.mkdir(parents=True, exist_ok=True)
            if isinstance(source, Path):
                try:
                    os.link(source, path)
                except OSError:
                    path.write_bytes(source.read_bytes())
            else:
                path.write_bytes(source)
            count += 1
    return count


def matrix_path(qr: segno.QRCode, x_mm: float, y_mm: float, size_mm: float) -> str:
    """SVG path data for the dark modules, row by row in runs (small files, crisp edges)."""
    matrix = [list(row) for row in qr.matrix_iter(border=BORDER)]
    module = size_mm / len(matrix)
    parts = []
    for row, cells in enumerate(matrix):
        col = 0
        while col < len(cells):
            if cells[col]:
                start = col
                while col < len(cells) and cells[col]:
                    col += 1
                parts.append(
                    f"M{x_mm + start * module:.3f} {y_mm + row * module:.3f}"
                    f"h{(col - start) * module:.3f}v{module:.3f}h{-(col - start) * module:.3f}z"
                )
            else:
                col += 1
    return "".join(parts)
