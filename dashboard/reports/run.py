"""Make a report file for a viewer and record it in the audit log: the one path the CLI and the
app's download buttons take."""

from __future__ import annotations

import getpass
import io
import os
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import duckdb
import pandas as pd

from dashboard import audit
from dashboard.access import Viewer
from dashboard.reports import pack as packs
from dashboard.reports import workbook
from dashboard.settings import Settings

FORMATS = ("pdf", "xlsx")


def render(pack: packs.Pack, fmt: str) -> bytes:
    """The pack as the bytes of a `fmt` ('pdf' | 'xlsx') file. Raises ValueError for another format."""
    return next(rendered([pack], fmt))


def rendered(built: list[packs.Pack], fmt: str) -> Iterator[bytes]:
    """Each pack as the bytes of a `fmt` file, in order. For PDFs the charts of every pack are
    handed to the browser first, so it draws the next packs' while the first are laid out, several
    packs at once in worker processes (`typeset.typeset_all`). Raises ValueError for an unknown format."""
    if fmt == "xlsx":
        for pack in built:
            buffer = io.BytesIO()
            workbook.write(pack, buffer)
            yield buffer.getvalue()
    elif fmt == "pdf":
        from dashboard.reports import pdf, typeset  # weasyprint and kaleido load only when a PDF is asked for

        drawings = [pdf.draw(pack) for pack in built]
        if len(built) == 1:
            yield pdf.render(built[0], drawings[0])
        else:
            jobs = ((pdf.html(pack), drawn) for pack, drawn in zip(built, drawings, strict=True))
            yield from typeset.typeset_all(jobs, len(built))
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
    pack = packs.build(con, viewer, settings, partnership=partnership, year=year, frame=frame, as_of=as_of, pages=pages)
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
        as_of = None
        if args.all_partnerships:
            codes = list(packs.partnerships(frame))
            if not codes:
                return usage("the warehouse holds no partnerships: import an export first")
            jobs = [(code, Path(args.out_dir)) for code in codes]
        else:
            jobs = [(args.partnership, None)]
        if args.format == "pdf" and len(jobs) > 1:
            from dashboard.reports import typeset

            typeset.start(len(jobs))  # the workers load weasyprint while the packs are built
        steps = 2 * len(jobs)
        built = []
        for done, (code, _) in enumerate(jobs):  # every pack first: a wrong partnership or year writes nothing
            _progress(done, steps, f"reading {code}")
            try:
                built.append(
                    packs.build(con, viewer, settings, partnership=code, year=args.year, frame=frame, as_of=as_of)
                )
            except packs.ReportError as exc:
                return usage(str(exc))
            as_of = built[-1].data_as_of
        contents = rendered(built, args.format)
        for done, ((_, folder), pack) in enumerate(zip(jobs, built, strict=True), start=len(jobs)):
            _progress(done, steps, f"writing {pack.file_stem}.{args.format}")
            content = next(contents)
            path = Path(args.out) if folder is None else folder / f"{pack.file_stem}.{args.format}"
            write_file(path, content)
            record(settings, pack, args.format, str(path), len(content))
            print(path)
        _progress(steps, steps, "done")
    finally:
        con.close()
    return 0
