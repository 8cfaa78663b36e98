"""Command line: `python -m generator build | check | cache | serve | new | import | export | qr |
report | schemas | deploy`.

Commands parse their options and call one function. Exit status: 0 success, 1 content errors (the
files need fixing), 2 usage or set-up error, 3 the build or its release checks failed (public/
unchanged), 4 a deployment step failed (see the message; docs/deployment.md).
"""

from __future__ import annotations

import argparse
import datetime as dt
import sys
import time
from collections.abc import Sequence
from pathlib import Path
from typing import TextIO

from . import deploy, editor_schemas, figures, progress, qr, scaffold, sheet, spreadsheet
from .build import BuildFailed, BuildResult, Project, build, load, read_settings, warm_caches
from .errors import ContentError, ContentErrors, Lang
from .programme import load_programme

EXIT_OK, EXIT_CONTENT, EXIT_USAGE, EXIT_BUILD = 0, 1, 2, 3


def _print_problems(problems: Sequence[ContentError], lang: Lang) -> None:
    for problem in problems:
        print(problem.format(lang), file=sys.stderr)


def _number(value: float, lang: Lang) -> str:
    text = f"{value:.1f}"
    return text.replace(".", ",") if lang == "vi" else text


def summary(
    lang: Lang,
    *,
    products: int,
    errors: int,
    warnings: int,
    seconds: float,
    result: BuildResult | None = None,
) -> str:
    if lang == "vi":
        parts = [f"{products} sản phẩm"]
        if result is not None:
            parts += [
                "2 ngôn ngữ",
                f"{result.renditions_made + result.renditions_cached} ảnh "
                f"({result.renditions_cached} có sẵn trong bộ nhớ đệm)",
            ]
        if result is not None and result.preview:
            parts.append(
                f"dựng lại toàn bộ {result.pages} trang"
                if result.full
                else f"dựng lại {result.pages_rendered}/{result.pages} trang"
            )
        parts += [f"{errors} lỗi", f"{warnings} cảnh báo", f"{_number(seconds, lang)} giây"]
        if result is not None and result.unchanged:
            parts.append("không có thay đổi: giữ nguyên bản đang xuất bản")
    else:
        parts = [f"{products} products"]
        if result is not None:
            parts += [
                "2 languages",
                f"{result.renditions_made + result.renditions_cached} "
                f"renditions ({result.renditions_cached} cached)",
            ]
        if result is not None and result.preview:
            parts.append(
                f"all {result.pages} pages rendered"
                if result.full
                else f"{result.pages_rendered}/{result.pages} pages rendered again"
            )
        parts += [f"{errors} errors", f"{warnings} warnings", f"{_number(seconds, lang)} s"]
        if result is not None and result.unchanged:
            parts.append("nothing changed: the live release is kept")
    return " · ".join(parts)


def done(lang: Lang, counts: Sequence[tuple[int, str, str]], seconds: float) -> str:
    """The one-line summary of a command other than build and check: "19 sản phẩm · 38 mã QR ·
    0,2 giây". `counts` are (number, Vietnamese noun, English noun)."""
    parts = [f"{n} {vi if lang == 'vi' else en}" for n, vi, en in counts]
    parts.append(f"{_number(seconds, lang)} {'giây' if lang == 'vi' else 's'}")
    return " · ".join(parts)


def report_content_errors(failure: ContentErrors, lang: Lang, started: float) -> None:
    """Every problem of the run, then the one-line summary, on stderr."""
    _print_problems(failure.problems, lang)
    print(
        summary(
            lang,
            products=0,
            errors=len(failure.errors),
            warnings=len(failure.warnings),
            seconds=time.perf_counter() - started,
        ),
        file=sys.stderr,
    )


def report_build(result: BuildResult, lang: Lang, out: TextIO) -> None:
    """The warnings of a successful build (stderr), then its one-line summary."""
    _print_problems(result.warnings, lang)
    print(
        summary(
            lang,
            products=result.products,
            errors=0,
            warnings=len(result.warnings),
            seconds=result.seconds,
            result=result,
        ),
        file=out,
    )


def _date(value: str) -> dt.date:
    return dt.date.fromisoformat(value)


def _positive(value: str) -> int:
    if not value.isdigit() or int(value) < 1:
        raise argparse.ArgumentTypeError(
            f"cần một số nguyên dương / a positive whole number: {value!r}"
        )
    return int(value)


def _part(value: str) -> tuple[int, int]:
    k, slash, n = value.partition("/")
    if not (slash and k.isdigit() and n.isdigit() and 1 <= int(k) <= int(n)):
        raise argparse.ArgumentTypeError(
            f"cần dạng K/N với 1 ≤ K ≤ N, ví dụ 2/4 / expected K/N with 1 ≤ K ≤ N, "
            f"for example 2/4: {value!r}"
        )
    return int(k), int(n)


def cache_command(project: Project, args: argparse.Namespace, lang: Lang, started: float) -> int:
    """`python -m generator cache --part K/N`: the cold work of part K of N (build.warm_caches)."""
    result = warm_caches(project, part=args.part, today=args.today, workers=args.workers)
    k, n = result.part
    counts = [
        (result.products, "sản phẩm", "products"),
        (result.renditions_made, "ảnh mới", "new images"),
        (result.renditions_cached, "ảnh có sẵn", "cached images"),
        (result.sheets_made, "PDF mới", "new PDFs"),
        (result.sheets_cached, "PDF có sẵn", "cached PDFs"),
    ]
    line = done(lang, counts, time.perf_counter() - started)
    print(f"{'phần' if lang == 'vi' else 'part'} {k}/{n}: {line}")
    return EXIT_OK


def _common_options(defaults: bool) -> argparse.ArgumentParser:
    """The options every command takes, before or after the command's name. Only the top-level
    parser has defaults: a subcommand's default would overwrite what was given before its name
    (`python -m generator --lang en check` printed Vietnamese)."""
    common = argparse.ArgumentParser(add_help=False)

    def default(value: object) -> object:
        return value if defaults else argparse.SUPPRESS

    common.add_argument(
        "--lang",
        choices=("vi", "en"),
        default=default("vi"),
        help="language of messages (default: vi)",
    )
    common.add_argument(
        "--root",
        type=Path,
        default=default(Path.cwd()),
        help="project folder (default: the current folder)",
    )
    common.add_argument(
        "--today",
        type=_date,
        default=default(None),
        help="build date YYYY-MM-DD, decides which certificates have expired",
    )
    return common


def parser() -> argparse.ArgumentParser:
    common = _common_options(defaults=False)
    p = argparse.ArgumentParser(
        prog="python -m generator",
        description="OCOP catalogue generator",
        parents=[_common_options(defaults=True)],
    )
    # The commands that make photos, share images and PDF sheets take the pool size.
    pools = argparse.ArgumentParser(add_help=False)
    pools.add_argument(
        "--workers",
        type=_positive,
        default=None,
        help="processes for photos, share images and PDF spec sheets (default: one per core)",
    )
    sub = p.add_subparsers(dest="command", required=True)
    b = sub.add_parser("build", parents=[common, pools], help="build the site into public/")
    b.add_argument("--public", type=Path, default=None, help="where to publish (default public/)")
    b.add_argument(
        "--force",
        action="store_true",
        help="rebuild even when nothing changed since the live release, rendering every page",
    )
    sub.add_parser("check", parents=[common], help="validate products and producers only")
    c = sub.add_parser(
        "cache",
        parents=[common, pools],
        help="fill build/cache/ (photos, share images, QR codes, PDF sheets) for part K of N "
        "of the products, without building: one job of a CI matrix",
    )
    c.add_argument(
        "--part", type=_part, default=(1, 1), help="K/N: this job's part (default 1/1, all)"
    )
    sub.add_parser(
        "schemas",
        parents=[common],
        help="write the editors' JSON Schemas (schemas/) and the VS Code mapping",
    )
    q = sub.add_parser("qr", parents=[common], help="list QR codes, or write print sheets")
    q.add_argument("--sheet", action="store_true", help="write A4 SVG label sheets")
    q.add_argument("--producer", default=None, help="only this producer's products")
    q.add_argument(
        "--error",
        choices=("m", "q"),
        default=None,
        help="error correction (default from mkdocs.yml, m; q for logo overlays)",
    )
    q.add_argument("--out", type=Path, default=None, help="folder (default build/qr-sheets)")
    r = sub.add_parser(
        "report",
        parents=[common],
        help="programme figures and what needs action, printed and written as CSV and Markdown",
    )
    r.add_argument("--format", choices=("md", "csv"), default="md", help="what to print")
    r.add_argument("--days", type=int, default=90, help="certificates expiring within (90)")
    r.add_argument("--out", type=Path, default=None, help="folder (default build/report)")
    scaffold.add_arguments(
        sub.add_parser(
            "new", parents=[common], help="start a new product file (asks what is missing)"
        )
    )
    spreadsheet.add_export_arguments(
        sub.add_parser(
            "export", parents=[common], help="write the editing spreadsheet (XLSX or CSV)"
        )
    )
    spreadsheet.add_import_arguments(
        sub.add_parser("import", parents=[common], help="create or update files from a spreadsheet")
    )
    deploy.add_arguments(
        sub.add_parser("deploy", parents=[common], help="publish public/ (docs/deployment.md)")
    )
    s = sub.add_parser("serve", parents=[common], help="live preview while editing")
    s.add_argument("--port", type=int, default=8000)
    s.add_argument("--host", default="127.0.0.1")
    return p


def qr_command(project: Project, args: argparse.Namespace, lang: Lang, started: float) -> int:
    settings = read_settings(project.root)
    cat, diag = load(project, args.today)
    _print_problems(diag.warnings, lang)
    if args.producer is not None and args.producer not in cat.producers:
        print(
            f'không có chủ thể "{args.producer}" / no producer "{args.producer}"', file=sys.stderr
        )
        return EXIT_USAGE
    codes = qr.catalogue_codes(cat, settings.site_url, args.error or settings.qr_error)
    chosen = [p for p in cat.published if args.producer in (None, p.producer)]
    products = (len(chosen), "sản phẩm", "products")
    if not args.sheet:
        for product in chosen:
            for code in codes[product.id]:
                print(
                    f"{code.text}  v{code.version} {code.error.upper()} "
                    f"≥{code.min_print_mm:g} mm  {product.id} {code.label}".rstrip()
                )
        listed = sum(len(codes[p.id]) for p in chosen)
        print(
            done(lang, [products, (listed, "mã QR", "QR codes")], time.perf_counter() - started),
            file=sys.stderr,
        )
        return EXIT_OK
    stars = {
        p.id: (
            p.current.stars if p.current and cat.shows_stars(p) and not cat.is_expired(p) else None
        )
        for p in cat.published
    }
    out = args.out or project.build_dir / "qr-sheets"
    sheets = sheet.write_sheets(cat, codes, out, lang, args.producer, stars)
    for path in sheets:
        print(path)
    print(
        done(
            lang,
            [products, (len(sheets), "tờ nhãn A4", "A4 sheets")],
            time.perf_counter() - started,
        ),
        file=sys.stderr,
    )
    return EXIT_OK


def report_command(project: Project, args: argparse.Namespace, lang: Lang, started: float) -> int:
    """`python -m generator report`: the programme's figures (figures.py) and the products that
    need action (certificates expiring within --days, missing English, photos or buyer fields,
    candidates awaiting rating); printed, and written to build/report/ as CSV and Markdown."""
    cat, diag = load(project, args.today)
    programme = load_programme(project.root, cat, diag)
    diag.raise_if_errors()
    _print_problems(diag.warnings, lang)
    targets_file = project.root / figures.TARGETS_FILE
    targets = figures.load_targets(targets_file) if targets_file.is_file() else None
    figs = figures.compute(
        cat,
        targets=targets,
        fairs=programme.fairs_per_year(),
        new_cooperatives=figures.cooperatives_founded(cat),
    )
    actions = figures.needs_action(cat, args.days)
    tables = [figures.report_rows(figs, lang), figures.action_rows(actions, lang)]
    out = args.out or project.build_dir / "report"
    out.mkdir(parents=True, exist_ok=True)
    name = "bao-cao" if lang == "vi" else "report"
    texts = {
        "md": "\n\n".join(figures.to_markdown(t) for t in tables),
        "csv": "\n".join(figures.to_csv(t) for t in tables),
    }
    for fmt, text in texts.items():
        # Excel opens a CSV with a byte order mark as UTF-8 (Vietnamese text).
        encoding = "utf-8-sig" if fmt == "csv" else "utf-8"
        (out / f"{name}.{fmt}").write_text(text, encoding=encoding)
    print(texts[args.format])
    print(f"→ {out / (name + '.md')}, {out / (name + '.csv')}", file=sys.stderr)
    counts = [
        (len(cat.published), "sản phẩm", "products"),
        (len(actions), "việc cần làm", "actions"),
        (len(diag.warnings), "cảnh báo", "warnings"),
    ]
    print(done(lang, counts, time.perf_counter() - started), file=sys.stderr)
    return EXIT_OK


def main(argv: Sequence[str] | None = None) -> int:
    args = parser().parse_args(argv)
    lang: Lang = args.lang
    project = Project.at(
        args.root, public=args.public.resolve() if getattr(args, "public", None) else None
    )
    progress.configure(lang)  # bars on a terminal's stderr only; never in CI logs or pipes
    if args.command == "serve":
        from .serve import serve

        return serve(project, host=args.host, port=args.port, lang=lang)
    if args.command == "new":
        return scaffold.new_command(project.root, args)
    if args.command == "export":
        return spreadsheet.export_command(project.root, project.build_dir, args)
    if args.command == "import":
        return spreadsheet.import_command(project.root, args)
    if args.command == "deploy":
        return deploy.deploy_command(project, args)
    started = time.perf_counter()
    try:
        if args.command == "qr":
            return qr_command(project, args, lang, started)
        if args.command == "report":
            return report_command(project, args, lang, started)
        if args.command == "cache":
            return cache_command(project, args, lang, started)
        if args.command == "schemas":
            paths = editor_schemas.write(project.root)
            for path in paths:
                print(path.relative_to(project.root))
            print(
                done(lang, [(len(paths), "tệp", "files")], time.perf_counter() - started),
                file=sys.stderr,
            )
            return EXIT_OK
        if args.command == "check":
            cat, diag = load(project, args.today)
            load_programme(project.root, cat, diag)  # fairs and outlets refer to products
            diag.raise_if_errors()
            _print_problems(diag.warnings, lang)
            print(
                summary(
                    lang,
                    products=len(cat.products),
                    errors=0,
                    warnings=len(diag.warnings),
                    seconds=time.perf_counter() - started,
                )
            )
            return EXIT_OK
        result = build(project, today=args.today, force=args.force, workers=args.workers)
    except ContentErrors as failure:
        report_content_errors(failure, lang, started)
        return EXIT_CONTENT
    except BuildFailed as failure:
        print(failure, file=sys.stderr)
        print(
            "Bản dựng thất bại; public/ được giữ nguyên."
            if lang == "vi"
            else "The build failed; public/ is unchanged.",
            file=sys.stderr,
        )
        return EXIT_BUILD
    report_build(result, lang, sys.stdout)
    return EXIT_OK
