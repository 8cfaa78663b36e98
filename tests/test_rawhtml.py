"""Generated pages' HTML blocks skip Python-Markdown's HTML parser without changing the page."""

from __future__ import annotations

from pathlib import Path

import markdown
import pytest
from mkdocs.config import load_config
from mkdocs.structure.pages import _RawHTMLPreprocessor

from generator import rawhtml
from generator.build import BuildResult, Project


def _extensions(project: Project) -> tuple[list[object], dict[str, object]]:
    """The Markdown extensions of the project's vi build, as MkDocs loads them."""
    config = load_config(str(project.build_dir / "mkdocs-vi.yml"))
    return list(config.markdown_extensions), dict(config.mdx_configs)


def _convert(
    text: str, extensions: list[object], configs: dict[str, object], *, fast: bool
) -> tuple[str, set[str], int]:
    """HTML, the raw-HTML ids MkDocs would record, and how many blocks were stashed."""
    md = markdown.Markdown(
        extensions=[*extensions, *([rawhtml.HtmlBlocks()] if fast else [])],
        extension_configs=configs,
    )
    ids = _RawHTMLPreprocessor()
    ids._register(md)
    html = md.convert(text)
    return html, ids.present_anchor_ids, len(md.htmlStash.rawHtmlBlocks)


def _body(page: Path) -> str:
    text = page.read_text(encoding="utf-8")
    # As MkDocs strips the front matter (mkdocs.utils.meta.get_data).
    return text.split("---\n", 2)[2].lstrip("\n") if text.startswith("---\n") else text


@pytest.fixture(scope="module")
def markdown_config(
    sample_site: tuple[Project, BuildResult],
) -> tuple[list[object], dict[str, object]]:
    return _extensions(sample_site[0])


def test_every_generated_page_renders_the_same_with_and_without_the_shortcut(
    sample_site: tuple[Project, BuildResult],
    markdown_config: tuple[list[object], dict[str, object]],
) -> None:
    project, _ = sample_site
    marked = 0
    for lang in ("vi", "en"):
        for page in sorted((project.build_dir / f"docs-{lang}").rglob("*.md")):
            body = _body(page)
            if not body.startswith(rawhtml.MARKER + "\n"):
                continue
            marked += 1
            plain = body.removeprefix(rawhtml.MARKER + "\n")
            slow = _convert(plain, *markdown_config, fast=False)
            fast = _convert(body, *markdown_config, fast=True)
            assert fast[:2] == slow[:2], page
    # Every product, QR and producer page of the sample qualifies, in both languages.
    expected = 0
    for lang in ("vi", "en"):
        docs = project.build_dir / f"docs-{lang}"
        expected += len(list((docs / "san-pham").glob("*/index.md")))
        expected += len(list((docs / "san-pham").glob("*/qr/index.md")))
        expected += len(list((docs / "nha-san-xuat").glob("*/index.md")))
    assert expected > 0
    assert marked >= expected


def test_product_pages_are_marked(sample_site: tuple[Project, BuildResult]) -> None:
    project, _ = sample_site
    pages = sorted((project.build_dir / "docs-vi" / "san-pham").glob("*/index.md"))
    assert pages
    assert all(_body(page).startswith(rawhtml.MARKER + "\n") for page in pages)


CASES = {
    "headings and blocks": (
        '# Tiêu đề\n\n<div class="a" id="khung">\n<p>x &amp; y</p>\n</div>\n\n'
        '## Phần { #phan .lop }\n\n<ul>\n<li><a name="moc" href="#phan">z</a></li>\n</ul>'
    ),
    "two elements without a blank line": (
        '<script type="application/ld+json">{"a": "<b>"}</script>\n'
        '<script type="application/ld+json">{}</script>'
    ),
    "blank lines and a hash line inside an element": (
        "# T\n\n<pre><code>a\n\n# not a heading\n</code></pre>\n\n<p>b</p>"
    ),
    "comment and void elements": (
        '<!-- note -->\n<figure><img src="a.webp" alt="a"><br/></figure>'
    ),
}


@pytest.mark.parametrize("text", CASES.values(), ids=CASES.keys())
def test_marked_pages_equal_plain_markdown(
    markdown_config: tuple[list[object], dict[str, object]], text: str
) -> None:
    marked = rawhtml.mark(text)
    assert marked == f"{rawhtml.MARKER}\n{text}"
    slow_html, slow_ids, _ = _convert(text, *markdown_config, fast=False)
    fast_html, fast_ids, _ = _convert(marked, *markdown_config, fast=True)
    assert fast_html == slow_html
    assert fast_ids == slow_ids


NOT_MARKED = {
    "text after an element": '<p class="note">Ghi chú</p>\nMột dòng Markdown *nhấn*.',
    "a paragraph": "# T\n\nMột đoạn văn.",
    "inline element first": '<a href="x">liên kết</a> và chữ',
    "text after a closing tag": "<div>a</div> chữ",
    "unclosed element": "<div>\n<p>a</p>",
    "unclosed comment": "<!-- a\nb -->",
    "list": "- một\n- hai",
}


@pytest.mark.parametrize("text", NOT_MARKED.values(), ids=NOT_MARKED.keys())
def test_other_shapes_are_left_to_markdown(
    markdown_config: tuple[list[object], dict[str, object]], text: str
) -> None:
    assert rawhtml.mark(text) == text
    # A marker on a page of another shape (written by hand) changes nothing either.
    slow = _convert(text, *markdown_config, fast=False)
    fast = _convert(f"{rawhtml.MARKER}\n{text}", *markdown_config, fast=True)
    assert fast[:2] == slow[:2]


def test_marked_blocks_skip_the_html_parser(
    markdown_config: tuple[list[object], dict[str, object]],
) -> None:
    text = CASES["headings and blocks"]
    calls = 0
    original = markdown.htmlparser.htmlparser.HTMLParser.feed

    def counting_feed(self: object, data: str) -> None:
        nonlocal calls
        if "<" in data:
            calls += 1
        original(self, data)

    markdown.htmlparser.htmlparser.HTMLParser.feed = counting_feed
    try:
        _convert(rawhtml.mark(text), *markdown_config, fast=True)
        fast_calls = calls
        calls = 0
        _convert(text, *markdown_config, fast=False)
        slow_calls = calls
    finally:
        markdown.htmlparser.htmlparser.HTMLParser.feed = original
    assert (fast_calls, slow_calls) == (0, 2)


def test_generated_pages_hold_their_html_packed_until_the_template_renders() -> None:
    from types import SimpleNamespace

    rawhtml.on_pre_build(None)
    body = CASES["headings and blocks"]
    html = markdown.markdown(body)
    page = SimpleNamespace(markdown=rawhtml.mark(body), content=None)
    page.content = rawhtml.on_page_content(html, page, None, None)
    # Between conversion and rendering MkDocs holds every page: this one holds neither text.
    assert (page.markdown, page.content) == ("", "")
    _offset, length = page.ocop_packed_content  # in the spill file, compressed
    assert length < len(html.encode("utf-8"))
    rawhtml.on_page_context({}, page, None, None)
    assert page.content == html
    assert rawhtml.on_post_page("<html>…</html>", page, None) == "<html>…</html>"
    assert page.content == ""
    rawhtml.on_post_build(None)  # closes (and so deletes) the spill file

    other = SimpleNamespace(markdown="# Trang viết tay\n\nMột đoạn.", content=None)
    assert rawhtml.on_page_content("<h1>x</h1>", other, None, None) == "<h1>x</h1>"
    assert other.markdown.startswith("# Trang")
    rawhtml.on_page_context({}, other, None, None)
    assert other.content is None
