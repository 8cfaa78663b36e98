"""Print sheets: A4 pages of labels (QR, product name, stars, short URL) with crop marks.

Sizes are in millimetres in the SVG itself (`width="210mm"`), so printing at 100 % gives the
physical sizes below; the QR stays above the 20 mm GS1 recommendation. One SVG per page: print
shops and office printers open SVG in a browser or Inkscape; a PDF needs no more than "print to
PDF" from there.
"""

from __future__ import annotations

import html
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from .catalogue import Catalogue
from .errors import Lang
from .i18n import LABELS
from .qr import BORDER, Code, make, matrix_path
from .schema import Product

PAGE_W, PAGE_H = 210.0, 297.0
COLS, ROWS = 3, 6
LABEL_W, LABEL_H = 60.0, 45.0
MARGIN_X = (PAGE_W - COLS * LABEL_W) / 2
MARGIN_Y = (PAGE_H - ROWS * LABEL_H) / 2
QR_MM = 26.0
"""Quiet zone included; the symbol itself is about 21 mm at version 3–4."""
CROP = 4.0
FONT = "'Segoe UI', Roboto, 'Noto Sans', 'DejaVu Sans', Arial, sans-serif"
STAR = "M0 -1 L0.2245 -0.309 L0.9511 -0.309 L0.3633 0.118 L0.5878 0.809 L0 0.382 L-0.5878 0.809 L-0.3633 0.118 L-0.9511 -0.309 L-0.2245 -0.309 Z"


@dataclass(frozen=True)
class Label:
    product: Product
    code: Code
    stars: int | None


def _wrap(text: str, width: int, lines: int) -> list[str]:
    words, out, line = text.split(), [], ""
    for word in words:
        candidate = f"{line} {word}".strip()
        if len(candidate) <= width or not line:
            line = candidate
        else:
            out.append(line)
            line = word
    if line:
        out.append(line)
    if len(out) > lines:
        out = out[:lines]
        out[-1] = out[-1][: width - 1].rstrip() + "…"
    return out


def _label(label: Label, x: float, y: float, lang: Lang) -> list[str]:
    _, qr = make(label.code.url, label.code.error)
    parts = [f'<path d="{matrix_path(qr, x + 1.5, y + (LABEL_H - QR_MM) / 2, QR_MM)}"/>']
    tx, ty = x + QR_MM + 3.0, y + 7.0
    for line in _wrap(label.product.name.get(lang), 17, 3):
        parts.append(
            f'<text x="{tx:.2f}" y="{ty:.2f}" font-size="2.9" font-weight="700">'
            f"{html.escape(line)}</text>"
        )
        ty += 3.8
    for line in _wrap(label.code.label, 22, 2):
        parts.append(f'<text x="{tx:.2f}" y="{ty:.2f}" font-size="2.4">{html.escape(line)}</text>')
        ty += 3.2
    if label.stars:
        ty += 1.2
        for i in range(label.stars):
            parts.append(
                f'<path transform="translate({tx + 1.4 + i * 3.1:.2f} {ty:.2f}) scale(1.4)" '
                f'd="{STAR}" fill="#e0a100" stroke="#8a5a00" stroke-width="0.15"/>'
            )
        stars_text = LABELS[lang]["stars_label"].format(n=label.stars)
        parts.append(
            f'<text x="{tx:.2f}" y="{ty + 5.0:.2f}" font-size="2.4">{html.escape(stars_text)}</text>'
        )
    short = label.code.url.split("://", 1)[-1]
    # Monospace glyphs are about 0.6 em wide: long addresses shrink to stay inside the label.
    size = min(2.3, (LABEL_W - 3.0) / (0.6 * len(short)))
    parts.append(
        f'<text x="{x + 1.5:.2f}" y="{y + LABEL_H - 2.0:.2f}" font-size="{size:.2f}" '
        f'font-family="DejaVu Sans Mono, monospace">{html.escape(short)}</text>'
    )
    return parts


def _crop_marks() -> list[str]:
    """Cut lines marked in the page margins, outside the labels."""
    marks = []
    for col in range(COLS + 1):
        x = MARGIN_X + col * LABEL_W
        marks.append(f"M{x:.2f} {MARGIN_Y - CROP - 1:.2f}v{CROP:.2f}")
        marks.append(f"M{x:.2f} {PAGE_H - MARGIN_Y + 1:.2f}v{CROP:.2f}")
    for row in range(ROWS + 1):
        y = MARGIN_Y + row * LABEL_H
        marks.append(f"M{MARGIN_X - CROP - 1:.2f} {y:.2f}h{CROP:.2f}")
        marks.append(f"M{PAGE_W - MARGIN_X + 1:.2f} {y:.2f}h{CROP:.2f}")
    return [f'<path d="{"".join(marks)}" stroke="#000" stroke-width="0.2" fill="none"/>']


def render_page(labels: Sequence[Label], lang: Lang, page: int, pages: int) -> str:
    body: list[str] = []
    for index, label in enumerate(labels):
        col, row = index % COLS, index // COLS
        body += _label(label, MARGIN_X + col * LABEL_W, MARGIN_Y + row * LABEL_H, lang)
    title = "Nhãn mã QR sản phẩm OCOP" if lang == "vi" else "OCOP product QR labels"
    return "\n".join(
        [
            f'<svg xmlns="http://www.w3.org/2000/svg" width="{PAGE_W:g}mm" height="{PAGE_H:g}mm" '
            f'viewBox="0 0 {PAGE_W:g} {PAGE_H:g}">',
            f"<title>{title} {page}/{pages}</title>",
            f'<rect width="{PAGE_W:g}" height="{PAGE_H:g}" fill="#fff"/>',
            *_crop_marks(),
            f'<g font-family="{FONT}" fill="#000">',
            *body,
            "</g>",
            f'<text x="{MARGIN_X:.2f}" y="{PAGE_H - 4:.2f}" font-size="2.4" font-family="{FONT}">'
            f"{title} · {page}/{pages} · {COLS}×{ROWS} × {LABEL_W:g}×{LABEL_H:g} mm · QR "
            f"{QR_MM:g} mm (quiet zone {BORDER})</text>",
            "</svg>",
            "",
        ]
    )


def write_sheets(
    cat: Catalogue,
    codes: dict[str, list[Code]],
    out_dir: Path,
    lang: Lang,
    producer: str | None = None,
    stars_of: dict[str, int | None] | None = None,
) -> list[Path]:
    labels = []
    for product in cat.published:
        if producer is not None and product.producer != producer:
            continue
        for code in codes[product.id]:
            stars = (stars_of or {}).get(product.id)
            labels.append(Label(product, code, stars))
    per_page = COLS * ROWS
    pages = [labels[i : i + per_page] for i in range(0, len(labels), per_page)] or [[]]
    out_dir.mkdir(parents=True, exist_ok=True)
    written = []
    for number, page_labels in enumerate(pages, 1):
        path = out_dir / f"qr-sheet-{number:02d}.svg"
        path.write_text(render_page(page_labels, lang, number, len(pages)), encoding="utf-8")
        written.append(path)
    return written
