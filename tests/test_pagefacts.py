"""Facts of a release's pages (noindex, inline scripts) read once per file."""

from __future__ import annotations

import base64
import hashlib
import os
from pathlib import Path

from generator.pagefacts import PageFacts

PAGE = (
    '<html><head><meta name="robots" content="noindex, follow">'
    '<script type="application/json">{"data": 1}</script></head>'
    "<body><script>go()</script><script src='x.js'></script></body></html>"
)


def _csp(body: str) -> str:
    return f"'sha256-{base64.b64encode(hashlib.sha256(body.encode()).digest()).decode()}'"


def test_a_page_is_read_once_and_its_facts_kept_while_the_file_is_the_same(
    tmp_path: Path,
) -> None:
    page, other = tmp_path / "a" / "index.html", tmp_path / "b" / "index.html"
    page.parent.mkdir()
    other.parent.mkdir()
    page.write_text(PAGE, encoding="utf-8")
    other.write_text("<html><head></head><body><script>b()</script></body></html>", "utf-8")
    memo = tmp_path / "page-facts.json"

    first = PageFacts(memo)
    facts = first.of(page)
    # Only the executable inline script counts; the JSON data block and src= do not.
    assert facts.noindex and facts.scripts == {_csp("go()")}
    assert not first.of(other).noindex and first.of(other).scripts == {_csp("b()")}
    assert first.read == 2
    first.save()

    again = PageFacts(memo)
    assert again.of(page) == facts and again.read == 0  # the same file: not read
    # Written again (new modification time): read again, whatever the text.
    page.write_text(PAGE.replace("go()", "went()"), encoding="utf-8")
    assert again.of(page).scripts == {_csp("went()")} and again.read == 1
    again.save()
    # The memo keeps the files of the last build only: `other` was not asked for.
    third = PageFacts(memo)
    assert third.of(page).scripts == {_csp("went()")} and third.read == 0
    third.of(other)
    assert third.read == 1

    memo.write_text("[1, 2", encoding="utf-8")  # damaged: every page is read
    damaged = PageFacts(memo)
    damaged.of(other)
    assert damaged.read == 1


def test_a_hard_link_shares_the_facts_of_its_file(tmp_path: Path) -> None:
    page = tmp_path / "site" / "index.html"
    page.parent.mkdir()
    page.write_text(PAGE, encoding="utf-8")
    release = tmp_path / "release"
    release.mkdir()
    os.link(page, release / "index.html")  # how a release takes MkDocs' kept output
    facts = PageFacts()
    assert facts.of(page) == facts.of(release / "index.html") and facts.read == 1
