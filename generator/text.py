"""Text helpers shared by every stage: NFC, diacritic folding, slugs, escaping.

Vietnamese needs care in all three: "đ" is a letter of its own (not d + a mark), so NFD decomposition
alone leaves it in place and the default slugifiers drop it ("Đặc điểm" → "ac-iem").
"""

from __future__ import annotations

import html
import re
import unicodedata

_MARKS = re.compile(r"[\u0300-\u036f]")
_NON_SLUG = re.compile(r"[^a-z0-9]+")
# Characters that start Markdown syntax inline. Escaping them keeps plain text plain even when a
# product name contains "*", "_" or "[a](javascript:...)".
_MD_SPECIAL = re.compile(r"([\\`*_{}\[\]()#+\-.!|~])")


def nfc(value: str) -> str:
    return unicodedata.normalize("NFC", value)


def fold(value: str) -> str:
    """Lower-case ASCII-ish form for matching and search: "Đắk Mâm" → "dak mam"."""
    decomposed = unicodedata.normalize("NFD", value.replace("đ", "d").replace("Đ", "D"))
    return _MARKS.sub("", decomposed).casefold()


def slugify(value: str) -> str:
    """Slug for paths and anchors; the same for NFC and NFD input; never empty."""
    slug = _NON_SLUG.sub("-", fold(value)).strip("-")
    return slug or "x"


def escape_html(value: str) -> str:
    """Escape text for an HTML context (element content or quoted attribute)."""
    return html.escape(value, quote=True)


def escape_md(value: str) -> str:
    """Escape text for a Markdown inline context: Markdown punctuation, then HTML specials.

    In this order the backslashes never land inside an entity such as ``&#x27;``. Line breaks
    become spaces: a plain-text field must not start a new Markdown block.
    """
    flat = " ".join(value.split())
    return html.escape(_MD_SPECIAL.sub(r"\\\1", flat), quote=False)
