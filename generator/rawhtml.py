"""Hand MkDocs the generated pages' HTML without re-parsing it (issue 10).

The pages this generator writes (products, QR codes, producers, listings) are HTML blocks
between Markdown headings: the templates already escaped and assembled every element. Python-
Markdown still runs every raw block through its HTML parser (md_in_html looks for `markdown=`
attributes), and MkDocs parses the whole page once more to collect anchor ids. Measured at
1,000 products: 37 of 47 s of a language build were `Markdown.convert`, 28 s of it in
`HTMLParser.feed`, for output the parser leaves unchanged.

So the generator marks a page whose body has that shape (`mark`) and this Markdown extension,
added to MkDocs by the hook below, stores each marked HTML block in Python-Markdown's own stash
before the parsers run, exactly where Python-Markdown's HTML block processor would have stored
it. The headings stay Markdown: titles, the table of contents, permalinks and attribute lists
are made by the same extensions as before. Ids inside the blocks are still reported to MkDocs'
anchor validation. A page of any other shape is left alone and rendered as before.

This file is also a MkDocs hook file (`hooks:` in the per-language config, loaded by path), so
it imports nothing of the generator package: the benchmark runs MkDocs on projects without it.
"""

from __future__ import annotations

import html
import os
import re
import tempfile
import zlib
from collections.abc import Callable
from typing import IO, Any

from markdown import Markdown
from markdown.extensions import Extension
from markdown.preprocessors import Preprocessor

MARKER = "<!-- ocop:html-blocks -->"
"""First line of a page body whose blocks are headings and finished HTML."""

# The elements Python-Markdown stores as raw blocks with md_in_html on (mkdocs.yml), as the
# generator predicts them; the extension asks the page's own Markdown instance again.
_BLOCK_LEVEL = Markdown(extensions=["md_in_html"]).is_block_level
_HEADING = re.compile(r"#{1,6}(?: |$)")
_TAG = re.compile(r"<!--.*?-->|<(/?)([a-zA-Z][a-zA-Z0-9-]*)\b[^>]*?(/?)>")
_OPENING = re.compile(r"<(?:!--|([a-zA-Z][a-zA-Z0-9-]*))")
_RAW_TEXT = {"script": re.compile(r"</script\s*>", re.I), "style": re.compile(r"</style\s*>", re.I)}
_VOID_NAMES = "area|base|br|col|embed|hr|img|input|link|meta|param|source|track|wbr"
_VOID = frozenset(_VOID_NAMES.split("|"))
_VOID_OPENING = re.compile(rf"<(?:{_VOID_NAMES})\b", re.I)
# Lines the element count below cannot read: comments, raw text elements, self-closing syntax.
_UNCOUNTABLE = re.compile(r"<!|<script|<style|/>", re.I)
_ID = re.compile(r"""<(\w+)\b[^>]*?\s(id|name)="([^"]*)\"""")


def _opens_block(line: str, block_level: Callable[[str], bool]) -> bool:
    match = _OPENING.match(line)
    return match is not None and (match.group(1) is None or block_level(match.group(1)))


def _depth_after(line: str, depth: int, block_level: Callable[[str], bool]) -> int | None:
    """The element depth at the end of `line`, or None where Python-Markdown would leave raw
    HTML mid-line (text after the last element closed, an unclosed comment or script)."""
    if depth > 0 and not _UNCOUNTABLE.search(line):
        # Inside an element, only the depth at the line's end matters unless it reaches 0 there.
        # Counting in C is ten times faster than the tokenizer below, which runs on the few
        # lines that open or close a top-level element. The generator escapes every `<` of text.
        closing = line.count("</")
        after = depth + line.count("<") - 2 * closing - len(_VOID_OPENING.findall(line))
        if after > 0:
            return after
    return _tokenize(line, depth, block_level)


def _tokenize(line: str, depth: int, block_level: Callable[[str], bool]) -> int | None:
    pos = 0
    while True:
        if depth == 0 and pos > 0:
            rest = line[pos:]
            if not rest.strip():
                return 0
            if not _opens_block(rest, block_level):
                return None
        match = _TAG.search(line, pos)
        if match is None:
            break
        pos = match.end()
        if match.group(2) is None:  # a comment
            continue
        name = match.group(2).lower()
        if match.group(1):
            depth -= 1
        elif name in _RAW_TEXT:
            close = _RAW_TEXT[name].search(line, pos)
            if close is None:
                return None
            pos = close.end()
        elif name not in _VOID and not match.group(3):
            depth += 1
    if "<!--" in line[pos:] or depth < 0:
        return None
    return depth


def chunks(lines: list[str], block_level: Callable[[str], bool]) -> list[str | list[str]] | None:
    """The page split into heading lines (str) and raw HTML blocks (lists of lines), as
    Python-Markdown would split it; None if any part is something else."""
    out: list[str | list[str]] = []
    raw: list[str] = []
    depth = 0
    for line in lines:
        if not raw:
            if not line.strip():
                continue
            if _HEADING.match(line):
                out.append(line)
                continue
            if not _opens_block(line, block_level):
                return None
        elif depth == 0:
            # The element closed at the end of the previous line: a blank line ends the block,
            # another block-level element continues it (Python-Markdown stores them in turn).
            if not line.strip():
                out.append(raw)
                raw = []
                continue
            if not _opens_block(line, block_level):
                return None
        raw.append(line)
        after = _depth_after(line, depth, block_level)
        if after is None:
            return None
        depth = after
    if raw:
        if depth != 0:
            return None
        out.append(raw)
    return out


def mark(body: str) -> str:
    """The page body with the marker when it is only headings and raw HTML blocks."""
    if chunks(body.split("\n"), _BLOCK_LEVEL):
        return f"{MARKER}\n{body}"
    return body


class _StashBlocks(Preprocessor):  # type: ignore[misc]  # Markdown is untyped
    """Store a marked page's HTML blocks in the stash, as Python-Markdown's HTML block
    processor would, and tell MkDocs the ids they hold."""

    def run(self, lines: list[str]) -> list[str]:
        if not lines or lines[0] != MARKER:
            return lines
        parts = chunks(lines[1:], self.md.is_block_level)
        if parts is None:  # not the shape the generator promised: Markdown as usual
            return lines[1:]
        out: list[str] = []
        ids: set[str] = set()
        # Consecutive blocks become one stash entry: Python-Markdown would write each block's
        # paragraph on its own line, which is the same text as the blocks joined by a blank line,
        # and one placeholder instead of dozens saves the inline and toc passes over them.
        run: list[str] = []
        for part in [*parts, ""]:
            if isinstance(part, list):
                run.append("\n".join(part))
                continue
            if run:
                text = "\n\n".join(run)
                run = []
                for tag, attribute, value in _ID.findall(text):
                    if attribute == "id" or tag.lower() == "a":
                        ids.add(html.unescape(value))
                # Stored with its line end, as Python-Markdown's HTML block processor stores it.
                out.extend([self.md.htmlStash.store(text + "\n"), ""])
            if part:
                out.extend([part, ""])
        self._report_ids(ids)
        # No blank line after the last block: the block parser would keep the line end in the
        # last paragraph, and the stashed HTML would not replace it whole.
        while out and not out[-1]:
            out.pop()
        return out

    def _report_ids(self, ids: set[str]) -> None:
        # MkDocs (1.6) collects the ids of a page's raw HTML in its `mkdocs_raw_html`
        # preprocessor, which runs after this one and now sees only placeholders: add ours to
        # what it finds. Without MkDocs (tests of this module) there is nothing to tell.
        if not ids or "mkdocs_raw_html" not in self.md.preprocessors:
            return
        extractor = self.md.preprocessors["mkdocs_raw_html"]
        run = extractor.run

        def run_and_add(lines: list[str]) -> list[str]:
            result: list[str] = run(lines)
            extractor.present_anchor_ids |= ids
            return result

        extractor.run = run_and_add


class HtmlBlocks(Extension):  # type: ignore[misc]  # Markdown is untyped
    def extendMarkdown(self, md: Markdown) -> None:
        # After whitespace normalisation (30), before MkDocs' id collector (21) and the HTML
        # block processor (20).
        md.preprocessors.register(_StashBlocks(md), "ocop_html_blocks", 25)


def on_config(config: Any) -> Any:
    """MkDocs hook: every page's Markdown gets the extension (unmarked pages pass through)."""
    config.markdown_extensions.append(HtmlBlocks())
    return config


# MkDocs converts every page before it writes the first one, so it holds the Markdown and the
# HTML of all pages at once: about 150 KB per product page as Python text (Vietnamese takes two
# bytes a character), 3 GB per language at 20,000 products. The generated pages give their
# Markdown back once converted, and their HTML waits in a temporary file, zlib-compressed (level
# 1, about 0.2 ms a page), until MkDocs renders their template. Kept in memory instead, the
# compressed HTML was 36 MB of a 196 MB language build at 5,000 products (11,066 pages).
_PACKED = "ocop_packed_content"
"""(offset, length) of a page's compressed HTML in the spill file."""
_spill: IO[bytes] | None = None


def on_pre_build(config: Any) -> None:
    """MkDocs hook: a fresh spill file for this build (anonymous: gone when closed)."""
    global _spill
    _close_spill()
    # Open across hooks (pre_build to post_build), so no context manager.
    _spill = tempfile.TemporaryFile(prefix="ocop-mkdocs-")  # noqa: SIM115


def _close_spill() -> None:
    global _spill
    if _spill is not None:
        _spill.close()
        _spill = None


def on_post_build(config: Any) -> None:
    """MkDocs hook."""
    _close_spill()


def on_build_error(error: Exception) -> None:
    """MkDocs hook."""
    _close_spill()


def on_page_content(html: str, page: Any, config: Any, files: Any) -> str:
    """MkDocs hook: set a generated page's HTML aside until its template is rendered."""
    if not (page.markdown or "").startswith(MARKER):
        return html
    if _spill is None:  # called outside a build (tests): a spill file of its own
        on_pre_build(config)
    assert _spill is not None
    page.markdown = ""
    packed = zlib.compress(html.encode("utf-8"), 1)
    setattr(page, _PACKED, (_spill.seek(0, os.SEEK_END), len(packed)))
    _spill.write(packed)
    return ""


def on_page_context(context: Any, page: Any, config: Any, nav: Any) -> Any:
    """MkDocs hook, before every plugin (the search plugin reads the content here)."""
    where = getattr(page, _PACKED, None)
    if where is not None and _spill is not None:
        _spill.flush()
        offset, length = where
        page.content = zlib.decompress(os.pread(_spill.fileno(), length, offset)).decode("utf-8")
    return context


# What `mkdocs.plugins.event_priority(100)` sets ("first"); importing MkDocs here would add 0.1 s
# to every start of the generator, which imports this module too.
on_page_context.mkdocs_priority = 100  # type: ignore[attr-defined]


def on_post_page(output: str, page: Any, config: Any) -> str:
    """MkDocs hook: the page is written; its HTML need not stay in memory twice."""
    if getattr(page, _PACKED, None) is not None:
        page.content = ""
    return output
