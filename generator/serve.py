"""Live preview: rebuild on every change to products/, producers/, content/, data/ or the theme.

The preview is built into build/preview/ (never `public/`, and without extending permalinks.txt)
by `build(preview=True)`, which lets MkDocs re-render only the pages whose text changed; photo
renditions, share images and PDF sheets come from their caches. A rebuild that fails prints its
errors in the terminal and lays them over every page in the browser, on top of the last good
preview, until a save fixes them; the server itself never stops on a content error.
"""

from __future__ import annotations

import html
import sys
import time
from pathlib import Path
from typing import Any

from mkdocs.livereload import LiveReloadServer

from .build import BuildFailed, BuildResult, Project, build
from .cli import report_build, report_content_errors
from .errors import ContentErrors, Lang

KEPT = {
    "vi": "Trang xem trước vẫn là bản dựng tốt gần nhất; sửa lỗi rồi lưu tệp để dựng lại.",
    "en": "The preview still shows the last good build; fix the errors and save to rebuild.",
}
NOTHING_YET = {
    "vi": "Chưa có bản dựng nào thành công; sửa lỗi rồi lưu tệp để dựng lại.",
    "en": "No build has succeeded yet; fix the errors and save to rebuild.",
}
OVERLAY_TITLE = {
    "vi": "Bản xem trước có lỗi",
    "en": "The preview has errors",
}
LISTENING = {
    "vi": "Xem trước tại {url} — tự dựng lại khi lưu tệp; bấm Ctrl+C để dừng.",
    "en": "Preview at {url} — rebuilt when a file is saved; press Ctrl+C to stop.",
}
WATCHED = ("products", "producers", "content", "data", "theme_overrides", "mkdocs.yml")

# Styles inline in the overlay: the preview server sends no Content-Security-Policy, and the
# overlay must not depend on the site's stylesheet (a theme error may be what broke).
_OVERLAY_STYLE = (
    "#ocop-preview-errors{position:fixed;inset:auto 0 0 0;z-index:10000;max-height:70vh;"
    "overflow:auto;margin:0;padding:1rem 1.25rem;background:#fff8f6;color:#3b0b06;"
    "border-top:4px solid #b3261e;font:15px/1.5 system-ui,sans-serif;"
    "box-shadow:0 -4px 16px rgba(0,0,0,.25)}"
    "#ocop-preview-errors summary{font-weight:700;font-size:1.1rem;cursor:pointer}"
    "#ocop-preview-errors pre{white-space:pre-wrap;margin:.5rem 0;font:14px/1.45 monospace}"
)


def overlay(problems: list[str], lang: Lang, *, nothing_built: bool = False) -> bytes:
    """The error panel laid over every page after a failed rebuild (escaped: messages quote
    what the editor typed)."""
    items = "".join(f"<pre>{html.escape(p)}</pre>" for p in problems)
    note = NOTHING_YET[lang] if nothing_built else KEPT[lang]
    return (
        f"<style>{_OVERLAY_STYLE}</style>"
        f'<details id="ocop-preview-errors" open role="alert" lang="{lang}">'
        f"<summary>{OVERLAY_TITLE[lang]} ({len(problems)})</summary>"
        f"{items}<p>{html.escape(note)}</p></details>"
    ).encode()


def error_page(problems: list[str], lang: Lang) -> bytes:
    """What the browser shows when no preview was ever built: the errors on a page of their own."""
    return (
        f'<!doctype html><html lang="{lang}"><head><meta charset="utf-8">'
        f"<title>{OVERLAY_TITLE[lang]}</title></head><body>"
        + overlay(problems, lang, nothing_built=True).decode()
        + "</body></html>"
    ).encode()


class PreviewServer(LiveReloadServer):
    """MkDocs' live-reload server, with the last rebuild's errors laid over every page."""

    def __init__(self, *args: Any, lang: Lang, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.lang: Lang = lang
        self.problems: list[str] = []
        self.error_handler = self._error_page

    def _error_page(self, code: int) -> bytes | None:
        if self.problems and not Path(self.root).exists():
            return error_page(self.problems, self.lang)
        return None

    def _inject_js_into_html(self, content: bytes, epoch: int) -> bytes:
        content = super()._inject_js_into_html(content, epoch)  # type: ignore[no-untyped-call]
        if not self.problems:
            return content
        try:
            end = content.rindex(b"</body>")
        except ValueError:
            end = len(content)
        return content[:end] + overlay(self.problems, self.lang) + content[end:]


def rebuild(project: Project, lang: Lang) -> tuple[BuildResult | None, list[str]]:
    """One preview build: its result, or the problems that stopped it (also printed)."""
    started = time.perf_counter()
    try:
        result = build(project, preview=True)
    except ContentErrors as failure:
        report_content_errors(failure, lang, started)
        print(KEPT[lang], file=sys.stderr)
        return None, [p.format(lang) for p in failure.errors]
    except BuildFailed as failure:
        print(failure, file=sys.stderr)
        print(KEPT[lang], file=sys.stderr)
        return None, [str(failure)]
    report_build(result, lang, sys.stderr)
    return result, []


def serve(project: Project, *, host: str, port: int, lang: Lang) -> int:
    server: PreviewServer | None = None

    def builder() -> None:
        _, problems = rebuild(project, lang)
        if server is not None:
            server.problems = problems

    _, first_problems = rebuild(project, lang)
    server = PreviewServer(
        builder=builder, host=host, port=port, root=str(project.preview), lang=lang
    )
    server.problems = first_problems
    for name in WATCHED:
        path = project.root / name
        if path.exists():
            server.watch(str(path))
    print(LISTENING[lang].format(url=server.url), file=sys.stderr)
    try:
        server.serve()  # type: ignore[no-untyped-call]
    except KeyboardInterrupt:
        pass
    finally:
        server.shutdown()
    return 0
