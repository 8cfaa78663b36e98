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

import io
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


def product_codes(product: Product, site_url: str, error: str = "m") -> list[Code]:
    keys = [(f"p/{product.id}", "")]
    seen = set()
    for variant in product.variants:
        if variant.gtin and gtin14(variant.gtin) not in seen:
            seen.add(gtin14(variant.gtin))
            keys.append((f"01/{gtin14(variant.gtin)}", variant.name.vi))
    codes = []
    for key, label in keys:
        url = f"{site_url}{key}"
        text, qr = make(url, error)
        codes.append(
            Code(
                key, url, text, error, int(qr.version), int(qr.symbol_size(border=BORDER)[0]), label
            )
        )
    return codes


def catalogue_codes(cat: Catalogue, site_url: str, error: str = "m") -> dict[str, list[Code]]:
    return {p.id: product_codes(p, site_url, error) for p in cat.published}


def former_codes(cat: Catalogue, site_url: str, error: str = "m") -> list[Code]:
    """Codes of renamed products' old short paths: their downloads stay published (and valid,
    since the old path redirects)."""
    codes = []
    for product in cat.published:
        for old in product.former_ids:
            text, qr = make(f"{site_url}p/{old}", error)
            codes.append(
                Code(
                    f"p/{old}",
                    f"{site_url}p/{old}",
                    text,
                    error,
                    int(qr.version),
                    int(qr.symbol_size(border=BORDER)[0]),
                    "",
                )
            )
    return codes


def svg_bytes(code: Code) -> bytes:
    """A vector file sized at the recommended printed size, in millimetres."""
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


def png_bytes(code: Code) -> bytes:
    _, qr = make(code.url, code.error)
    out = io.BytesIO()
    qr.save(out, kind="png", border=BORDER, scale=PNG_SCALE, dark="#000", light="#fff")
    return out.getvalue()


def write_codes(release: Path, codes: Iterable[Code]) -> int:
    count = 0
    for code in codes:
        for ext, data in (("svg", svg_bytes(code)), ("png", png_bytes(code))):
            path = release / f"{code.file_stem}.{ext}"
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(data)
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
