"""Live preview: rebuild on every change to products/, producers/, content/, data/ or the theme.

The server shows `public/`, which a rebuild switches atomically; a rebuild that fails prints its
errors and leaves the last good site on screen.
"""

from __future__ import annotations

import sys

from mkdocs.livereload import LiveReloadServer

from .build import BuildFailed, Project, build
from .errors import ContentErrors, Lang

WATCHED = ("products", "producers", "content", "data", "theme_overrides", "mkdocs.yml")


def serve(project: Project, *, host: str, port: int, lang: Lang) -> int:
    def rebuild() -> None:
        try:
            result = build(project)
        except ContentErrors as failure:
            for problem in failure.problems:
                print(problem.format(lang), file=sys.stderr)
        except BuildFailed as failure:
            print(failure, file=sys.stderr)
        else:
            print(f"OK · {result.products} · {result.seconds:.1f} s", file=sys.stderr)

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
