"""The editors' guide (content/<lang>/huong-dan-bien-tap/): its pages, its generated field
reference and error examples, and the facts its prose states about the code."""

from __future__ import annotations

import argparse
import dataclasses
import html
import inspect
import itertools
import posixpath
import re
from pathlib import Path
from typing import Any

import pytest
from markupsafe import escape

from generator import cli, editor_guide, images, scaffold, serve
from generator.build import BuildResult, Project
from generator.catalogue import Catalogue, load_catalogue
from generator.errors import LANGS, ContentErrors, Lang
from generator.fields import Choice, ListOf, Model
from generator.schema import (
    EVIDENCE,
    PHOTO_ROLES,
    PRODUCER_TYPES,
    STAR_BANDS,
    STATUSES,
    VALIDITY_MONTHS,
    Photo,
    Product,
)

from .conftest import ROOT, TODAY

Site = tuple[Project, BuildResult]
GUIDE = editor_guide.GUIDE_DIR
PAGES = sorted(p.stem for p in (ROOT / "content" / "vi" / GUIDE).glob("*.md"))
"""The guide's pages, named after their files: index, them-san-pham, chup-anh…"""


def page_dir(name: str) -> str:
    return GUIDE if name == "index" else f"{GUIDE}{name}/"


def built(site: Path, lang: Lang, directory: str) -> str:
    prefix = "" if lang == "vi" else f"{lang}/"
    return (site / prefix / directory / "index.html").read_text(encoding="utf-8")


def source(lang: Lang, name: str) -> str:
    return (ROOT / "content" / lang / GUIDE / f"{name}.md").read_text(encoding="utf-8")


def primary_nav(page_html: str) -> str:
    nav = page_html[page_html.index('<nav class="md-nav md-nav--primary"') :]
    return nav[: nav.index("</nav>")]


# --- the pages ------------------------------------------------------------------------------------


def test_every_page_exists_in_both_languages_and_stays_out_of_the_nav(sample_site: Site) -> None:
    project, _ = sample_site
    assert {"index", "them-san-pham", "chup-anh", "cac-truong", "thong-bao-loi"} <= set(PAGES)
    assert sorted(p.stem for p in (ROOT / "content" / "en" / GUIDE).glob("*.md")) == PAGES
    for lang in LANGS:
        assert GUIDE not in primary_nav(built(project.public, lang, ""))
        for name in PAGES:
            page_html = built(project.public, lang, page_dir(name))
            assert f'<html lang="{lang}"' in page_html
            assert GUIDE not in primary_nav(page_html), name
            # Translated, not the Vietnamese page shown with a "not translated" note.
            assert 'class="ocop-fallback"' not in page_html, name
            # Headings in order: one h1, and no level skipped.
            levels = [int(n) for n in re.findall(r"<h([1-6])[ >]", page_html.split("<article")[1])]
            assert levels.count(1) == 1 and levels[0] == 1, name
            assert all(b - a <= 1 for a, b in itertools.pairwise(levels)), name
        # Kept out of the public site search.
        index = project.public / ("" if lang == "vi" else "en") / "search" / "search_index.json"
        assert GUIDE not in index.read_text(encoding="utf-8")


def _local_links(page_html: str) -> list[str]:
    article = page_html.split("<article", 1)[1].split("</article>", 1)[0]
    return [
        html.unescape(h)
        for h in re.findall(r'<a [^>]*href="([^"#]+)', article)
        if not h.startswith(("http:", "https:", "mailto:", "tel:"))
    ]


def test_the_open_data_page_links_the_guide_and_every_guide_link_works(sample_site: Site) -> None:
    project, _ = sample_site
    for lang in LANGS:
        prefix = "" if lang == "vi" else f"{lang}/"
        entry = _local_links(built(project.public, lang, "du-lieu/"))
        assert f"../{GUIDE}" in entry
        index_links = {
            posixpath.normpath(posixpath.join(GUIDE, h))
            for h in _local_links(built(project.public, lang, GUIDE))
        }
        for name in PAGES:
            if name != "index":
                assert page_dir(name).rstrip("/") in index_links, (lang, name)
            folder = prefix + page_dir(name)
            for href in _local_links(built(project.public, lang, page_dir(name))):
                target = project.public / posixpath.normpath(posixpath.join(folder, href))
                assert (target / "index.html").is_file() or target.is_file(), (lang, name, href)


# --- the field reference --------------------------------------------------------------------------


Expected = tuple[str, bool, tuple[str, ...], dict[str, Any]]


def expected_fields(model: type[Any]) -> list[Expected]:
    """(path, required, allowed values, metadata) of every field declared in the schema,
    walked here independently of editor_guide.input_fields."""
    out: list[Expected] = []

    def walk(cls: type[Any], prefix: str) -> None:
        for f in dataclasses.fields(cls):
            if "conv" not in f.metadata:
                continue
            conv = f.metadata["conv"]
            item = conv.item if isinstance(conv, ListOf) else conv
            values = item.values if isinstance(item, Choice) else ()
            out.append((prefix + f.name, f.metadata["required"], values, dict(f.metadata)))
            if isinstance(item, Model):
                walk(item.cls, f"{prefix}{f.name}{'[].' if isinstance(conv, ListOf) else '.'}")

    walk(model, "")
    return out


_ROW = re.compile(
    r'<tr><th scope="row"><code>([^<]*)</code></th><td>([^<]*)</td><td>(.*?)</td>'
    r"<td>(.*?)</td></tr>"
)


def reference_rows(page_html: str, caption: str) -> dict[str, tuple[str, str, str]]:
    """path → (required cell, form cell, meaning cell) of the table labelled `caption`."""
    table = page_html.split(f'aria-label="{escape(caption)}"', 1)[1].split("</table>", 1)[0]
    return {m[0]: (m[1], m[2], m[3]) for m in _ROW.findall(table)}


@pytest.mark.parametrize("name", list(editor_guide.FILES))
def test_the_field_reference_lists_every_schema_field(sample_site: Site, name: str) -> None:
    project, _ = sample_site
    expected = expected_fields(editor_guide.FILES[name])
    assert len(expected) > (40 if name == "product" else 10)
    for lang in LANGS:
        labels = editor_guide.LABELS[lang]
        rows = reference_rows(
            built(project.public, lang, page_dir("cac-truong")), labels[f"fields_{name}"]
        )
        assert list(rows) == [path for path, *_ in expected]
        for path, required, values, meta in expected:
            required_cell, form, meaning = rows[path]
            assert required_cell == labels["yes" if required else "no"], (lang, path)
            for value in values:
                assert f"<code>{escape(value)}</code>" in form, (lang, path, value)
            assert meaning == escape(meta[lang]), (lang, path)


def test_the_reference_says_how_values_are_written() -> None:
    fields = {f.path: f for f in editor_guide.input_fields(Product, "vi")}
    assert fields["variants[].gtin"].form.startswith("mã GTIN")
    assert "NĂM-THÁNG-NGÀY" in fields["certifications[].date"].form
    assert fields["certifications[].stars"].form == "số từ 3 đến 5"
    assert fields["photos[].role"].values == PHOTO_ROLES
    assert fields["photos[].role"].default == "other"
    assert fields["featured"].default == "false"
    assert "tối đa 160 ký tự" in fields["summary"].form
    assert (
        editor_guide.input_fields(Product, "en")[0].description
        == "permanent product id (the folder name)"
    )


# --- the error examples ---------------------------------------------------------------------------


@pytest.fixture(scope="module")
def catalogue() -> Catalogue:
    return load_catalogue(ROOT, TODAY)[0]


def test_the_example_files_are_valid_and_every_correction_works(catalogue: Catalogue) -> None:
    text = editor_guide.example_files(catalogue)["product"]
    assert editor_guide.check_example(catalogue, text) == []
    for mistake in editor_guide.MISTAKES:
        assert (
            editor_guide.check_example(catalogue, editor_guide.fixed_text(catalogue, mistake)) == []
        )
        problems = editor_guide.check_example(
            catalogue, editor_guide.mistyped_text(catalogue, mistake)[0]
        )
        assert any(p.is_error for p in problems), mistake.title.en


def test_the_error_examples_are_what_make_check_reports(
    project: Project, catalogue: Catalogue, sample_site: Site
) -> None:
    """Each mistyped example written into a project and loaded by load_catalogue gives exactly
    the messages the built guide shows, in both languages."""
    site, _ = sample_site
    files = editor_guide.example_files(catalogue)
    for kind, path in editor_guide.EXAMPLE_PATHS.items():
        (project.root / path).parent.mkdir(parents=True, exist_ok=True)
        (project.root / path).write_text(files[kind], encoding="utf-8")
    load_catalogue(project.root, TODAY)  # the finished example: no error
    shown = {lang: editor_guide.error_examples(catalogue, lang) for lang in LANGS}
    pages = {lang: built(site.public, lang, page_dir("thong-bao-loi")) for lang in LANGS}
    for i, mistake in enumerate(editor_guide.MISTAKES):
        product_file = project.root / editor_guide.EXAMPLE_PRODUCT_PATH
        product_file.write_text(editor_guide.mistyped_text(catalogue, mistake)[0], encoding="utf-8")
        with pytest.raises(ContentErrors) as failure:
            load_catalogue(project.root, TODAY)
        reported = [
            p for p in failure.value.problems if p.path == editor_guide.EXAMPLE_PRODUCT_PATH
        ]
        assert reported, mistake.title.en
        for lang in LANGS:
            assert shown[lang][i].messages == [p.format(lang) for p in reported]
            for message in shown[lang][i].messages:
                assert str(escape(message)) in pages[lang], message


# --- what the prose says about the code -----------------------------------------------------------


def test_the_prose_states_what_the_code_does() -> None:
    for lang in LANGS:
        adding = " ".join(source(lang, "them-san-pham").split())
        photos = source(lang, "chup-anh")
        publishing = source(lang, "kiem-tra-xuat-ban")
        # Every option of `python -m generator new` is explained.
        new = argparse.ArgumentParser(add_help=False)
        scaffold.add_arguments(new)
        options = [o for action in new._actions for o in action.option_strings]
        assert "--producer-type" in options
        for option in options:
            assert f"`{option}`" in adding, (lang, option)
        for value in (*STATUSES, *PRODUCER_TYPES, *EVIDENCE):
            assert f"`{value}`" in adding, (lang, value)
        for value in PHOTO_ROLES:
            assert f"| `{value}` |" in photos, (lang, value)
        assert f"**{VALIDITY_MONTHS} " in adding
        for stars, (low, high) in STAR_BANDS.items():
            assert re.search(rf"{stars} (sao|stars) (từ|from) {low} (đến|to) {high}\b", adding)
        alt = Photo.__dataclass_fields__["alt"].metadata["conv"]
        assert f"{alt.max_len} " in photos
        assert f"{images.MAX_SOURCE_BYTES // 2**20} MB" in photos
        assert f"{images.MAX_PIXELS // 10**6} " in photos
        # Messages quoted verbatim, in Vietnamese (what the commands print by default).
        assert serve.KEPT["vi"].replace(" ", "").replace("\n", "") in publishing.replace(
            " ", ""
        ).replace("\n", "")
        for quoted in (
            "Bản dựng thất bại; public/ được giữ nguyên.",
            "không có thay đổi: giữ nguyên bản đang xuất bản",
        ):
            assert quoted in inspect.getsource(cli)
            assert quoted.replace(" ", "") in publishing.replace(" ", "").replace("\n", "")
        # The exit codes table.
        for code in (cli.EXIT_OK, cli.EXIT_CONTENT, cli.EXIT_USAGE, cli.EXIT_BUILD):
            assert re.search(rf"^\| {code} \|", publishing, re.M), (lang, code)
        assert (cli.EXIT_OK, cli.EXIT_CONTENT, cli.EXIT_USAGE, cli.EXIT_BUILD) == (0, 1, 2, 3)
