"""Make a report file for a viewer and record it in the audit log: the one path the CLI and the
app's download buttons take."""

from __future__ import annotations

import getpass
import io
import os
import sys
import time
from collections.abc import Iterable, Iterator
from pathlib import Path

import duckdb
import pandas as pd

from dashboard import audit
from dashboard.access import Viewer
from dashboard.reports import collector, workbook
from dashboard.reports import pack as packs
from dashboard.settings import Settings

FORMATS = ("pdf", "xlsx")


def render(pack: packs.Pack, fmt: str) -> bytes:
    """The pack as the bytes of a `fmt` ('pdf' | 'xlsx') file. Raises ValueError for another format."""
    return next(rendered([pack], fmt, 1))[1]


def rendered(to_come: Iterable[packs.Pack], fmt: str, count: int) -> Iterator[tuple[packs.Pack, bytes]]:
    """Each of the `count` packs of `to_come` with the bytes of its `fmt` file, in order. For PDFs
    the packs may be built as they are taken: each pack's charts go to the browser as soon as it
    is built, and its layout to a worker process as soon as they are drawn (`typeset.typeset_all`),
    while the next pack is built; every pack is built before the first file is given. Raises
    ValueError for an unknown format."""
    with collector.less_often():
        yield from _rendered(to_come, fmt, count)


def _rendered(to_come: Iterable[packs.Pack], fmt: str, count: int) -> Iterator[tuple[packs.Pack, bytes]]:
    if fmt == "xlsx":
        for pack in to_come:
            buffer = io.BytesIO()
            workbook.write(pack, buffer)
            yield pack, buffer.getvalue()
    elif fmt == "pdf":
        from dashboard.reports import pdf, typeset  # weasyprint and kaleido load only when a PDF is asked for

        if count == 1:
            (pack,) = to_come
            yield pack, pdf.render(pack)
            return
        built = []

        def jobs() -> Iterator[tuple[str, dict]]:
            for pack in to_come:
                built.append(pack)
                drawings = pdf.draw(pack)  # first: the browser starts on them at once
                yield pdf.html(pack), drawings

        for i, content in enumerate(typeset.typeset_all(jobs(), count)):
            yield built[i], content
    else:
        raise ValueError(f"unknown report format {fmt!r}; expected one of {', '.join(FORMATS)}")


def report(
    con: duckdb.DuckDBPyConnection,
    viewer: Viewer,
    settings: Settings,
    *,
    partnership: str,
    year: str,
    fmt: str,
    destination: str,
    frame: pd.DataFrame | None = None,
    as_of: str | None = None,
    pages: tuple[str, ...] | None = None,
) -> tuple[packs.Pack, bytes]:
    """Build and render the pack of `partnership` and `year` as `viewer` sees it, and record in the
    audit log who made it, for which role and scope, and where it went (`destination`: a path or
    'download'); `pages` as `pack.build` takes it.

    Raises pack.ReportError for an unknown partnership or a year without data.
    """
    pack = packs.build(
        con,
        viewer,
        settings,
        partnership=partnership,
        year=year,
        frame=frame,
        as_of=as_of,
        pages=pages,
        drawn=fmt == "pdf",
    )
    content = render(pack, fmt)
    record(settings, pack, fmt, destination, len(content))
    return pack, content


def record(settings: Settings, pack: packs.Pack, fmt: str, destination: str, size: int) -> None:
    """The audit entry for a report: who, role and scope (from the pack's viewer), and what was written where."""
    viewer = pack.viewer
    audit.write(
        settings.db_path,
        user=viewer.name,
        role=viewer.role,
        scope=viewer.scope,
        action="report",
        detail=(
            f"{fmt} report, {pack.partnership_name} ({pack.area_code}), {pack.year}: {destination} ({size:,} bytes)"
        ),
        now=time.time(),
    )


def write_file(path: Path, content: bytes) -> None:
    """Write `content` to `path` whole: a half-written report never sits under the final name."""
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_name(f".{path.name}.partial")
    partial.write_bytes(content)
    os.replace(partial, path)


def _progress(done: int, total: int, what: str) -> None:
    # a bar only for a person watching: redirected output stays clean
    if not sys.stderr.isatty():
        return
    width = 30
    filled = width * done // total
    sys.stderr.write(f"\r[{'#' * filled}{'.' * (width - filled)}] {done}/{total} {what:<40}")
    if done == total:
        sys.stderr.write("\n")
    sys.stderr.flush()


def command(args, settings: Settings) -> int:
    """`seip report` (cli.md): exit 0 written, 2 wrong usage (with a message saying what to change)."""
    from dashboard import access, warehouse

    def usage(message: str) -> int:
        print(f"seip report: {message}", file=sys.stderr)
        return 2

    if args.all_partnerships:
        if args.out_dir is None or args.out is not None:
            return usage("--all-partnerships writes one file per partnership: give --out-dir DIR, not --out")
    elif args.partnership is None:
        return usage("say which partnership: --partnership CODE (or ALL), or --all-partnerships --out-dir DIR")
    elif args.out is None or args.out_dir is not None:
        return usage("--partnership writes one file: give --out PATH (--out-dir goes with --all-partnerships)")
    con = warehouse.open_read_only(settings.db_path)
    try:
        try:
            scope = access.check_scope(con, args.role, args.scope)
        except access.ScopeError as exc:
            return usage(f"--role {args.role} --scope: {exc}")
        viewer = access.Viewer(name=getpass.getuser(), role=args.role, scope=scope)
        frame = access.metrics(con, viewer, settings)
        if args.all_partnerships:
            codes = list(packs.partnerships(frame))
            if not codes:
                return usage("the warehouse holds no partnerships: import an export first")
            jobs = [(code, Path(args.out_dir)) for code in codes]
        else:
            jobs = [(args.partnership, None)]
        try:  # every partnership and the year checked first: a wrong one writes nothing
            for code, _ in jobs:
                packs.resolve(frame, code, args.year)
        except packs.ReportError as exc:
            return usage(str(exc))
        steps = 2 * len(jobs)
        as_of = None

        def each_pack() -> Iterator[packs.Pack]:
            nonlocal as_of
            for done, (code, _) in enumerate(jobs):
                _progress(done, steps, f"reading {code}")
                pack = packs.build(
                    con,
                    viewer,
                    settings,
                    partnership=code,
                    year=args.year,
                    frame=frame,
                    as_of=as_of,
                    drawn=args.format == "pdf",
                )
                as_of = pack.data_as_of
                yield pack

        contents = rendered(each_pack(), args.format, len(jobs))
        for done, ((_, folder), (pack, content)) in enumerate(zip(jobs, contents, strict=True), start=len(jobs)):
            _progress(done, steps, f"writing {pack.file_stem}.{args.format}")
            path = Path(args.out) if folder is None else folder / f"{pack.file_stem}.{args.format}"
            write_file(path, content)
            record(settings, pack, args.format, str(path), len(content))
            print(path)
        _progress(steps, steps, "done")
    finally:
        con.close()
    return 0
