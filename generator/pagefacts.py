"""What the steps after MkDocs read from a release's pages, remembered per file.

Two steps read every HTML page of a release: the sitemaps (is the page `noindex`?) and the
host headers (the hashes of its inline scripts, for the Content-Security-Policy). Most pages of
a rebuild are the very files of the last build: MkDocs kept their HTML and the release
hard-links it. A file is known here, as the image audit knows its files, by device, inode,
modification time and size; when all four are the same, so is what it says. At 5,000 products
the two steps read 22,000 pages (900 MB) in every build, 14 s of a profiled rebuild.
"""

from __future__ import annotations

import base64
import hashlib
import json
import os
import re
from dataclasses import dataclass
from pathlib import Path

from .checks import file_key
from .images import write_atomic

_NOINDEX = re.compile(r'<meta name="robots" content="[^"]*noindex', re.I)
_INLINE_SCRIPT = re.compile(r"<script(?P<attrs>(?:\s[^>]*)?)>(?P<body>.*?)</script>", re.S)
_EXECUTABLE_TYPES = ("", "text/javascript", "application/javascript", "module")


def noindex(text: str) -> bool:
    """True when the page's head asks search engines not to index it."""
    return _NOINDEX.search(text.split("</head>", 1)[0]) is not None


def script_hashes(text: str) -> set[str]:
    """CSP source expressions ('sha256-…') of the page's executable inline scripts."""
    hashes = set()
    for match in _INLINE_SCRIPT.finditer(text):
        attrs = match.group("attrs")
        if re.search(r"\ssrc\s*=", attrs):
            continue
        kind = re.search(r'\stype\s*=\s*"([^"]*)"', attrs)
        if kind and kind.group(1).strip().lower() not in _EXECUTABLE_TYPES:
            continue  # data blocks such as Material's JSON config are never executed
        digest = hashlib.sha256(match.group("body").encode("utf-8")).digest()
        hashes.add(f"'sha256-{base64.b64encode(digest).decode()}'")
    return hashes


@dataclass(frozen=True)
class Facts:
    noindex: bool
    scripts: frozenset[str]


class PageFacts:
    """Facts of a release's pages, read once per file. With a `memo` file, the facts of files
    seen by an earlier build are taken from it (`save` keeps those of this build's files)."""

    def __init__(self, memo: Path | None = None) -> None:
        self.memo = memo
        self.read = 0
        self._known: dict[str, Facts] = {}
        self._used: dict[str, Facts] = {}
        if memo is None:
            return
        try:
            data = json.loads(memo.read_text(encoding="utf-8"))
            table = data["scripts"]
            for key, (flag, indices) in data["files"].items():
                self._known[key] = Facts(bool(flag), frozenset(table[i] for i in indices))
        except (OSError, ValueError, KeyError, TypeError, IndexError):
            self._known = {}  # no memo, or a damaged one: every page is read

    def of(self, page: Path) -> Facts:
        info = os.stat(page, follow_symlinks=False)
        key = file_key(info)
        facts = self._used.get(key) or self._known.get(key)
        if facts is None:
            text = page.read_text(encoding="utf-8")
            facts = Facts(noindex(text), frozenset(script_hashes(text)))
            self.read += 1
        self._used[key] = facts
        return facts

    def save(self) -> None:
        if self.memo is None:
            return
        table = sorted({h for facts in self._used.values() for h in facts.scripts})
        index = {h: i for i, h in enumerate(table)}
        files = {
            key: [int(facts.noindex), sorted(index[h] for h in facts.scripts)]
            for key, facts in self._used.items()
        }
        text = json.dumps({"scripts": table, "files": files}, separators=(",", ":"))
        write_atomic(self.memo, text.encode())
