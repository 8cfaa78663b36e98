"""Live preview: rebuild on every change to products/, producers/, content/, data/ or the theme.

The server shows `public/`, which a rebuild switches atomically; a rebuild that fails prints its
errors and leaves the last good site on screen.
"""

from __future__ import annotations

import sys
import time

from mkdocs.livereload import LiveReloadServer

from .build import BuildFailed, Project, build
from .cli import report_build, report_content_errors
from .errors import ContentErrors, Lang

KEPT = {
    "vi": "Trang xem trước vẫn là bản dựng tốt gần nhất; sửa lỗi rồi lưu tệp để dựng lại.",
    "en": "The preview still shows the last good build; fix the errors and save to rebuild.",
}
WATCHED = ("products", "producers", "content", "data", "theme_overrides", "mkdocs.yml")


def serve(project: Project, *, host: str, port: int, lang: Lang) -> int:
    def rebuild() -> None:
        started = time.perf_counter()
        try:
            result = build(project)
        except ContentErrors as failure:
            report_content_errors(failure, lang, started)
            print(KEPT[lang], file=sys.stderr)
        except BuildFailed as failure:
            print(failure, file=sys.stderr)
            print(KEPT[lang], file=sys.stderr)
        else:
            report_build(result, lang, sys.stderr)

    rebuild()
    server = LiveReloadServer(builder=rebuild, host=host, port=port, root=str(project.public))
    for name in WATCHED:
        path = project.root / name
        if path.exists():
            server.watch(str(path))
    try:
        server.serve()  # type: ignore[no-untyped-call]
    except KeyboardInterrupt:
        pass
    finally:
        server.shutdown()
    return 0
