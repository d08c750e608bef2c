"""The `seip` command (../shared/spec/cli.md): exit 0 success, 1 data refused, 2 wrong usage."""

from __future__ import annotations

import argparse
import json
import os
import sys
from pathlib import Path

from dashboard.settings import ROOT, SettingError, Settings

ROLES = ("commissioner", "chair", "head", "governor")


def _print_problems(problems, fmt: str) -> None:
    if fmt == "json":
        print(json.dumps([p.as_dict() for p in problems], indent=1))
        return
    for p in problems:
        print(p.as_text(), file=sys.stderr if p.severity == "error" else sys.stdout)


def cmd_import(args, settings: Settings) -> int:
    from dashboard.load import import_paths

    result = import_paths([Path(p) for p in args.paths], settings.db_path)
    _print_problems(result.problems, args.format)
    if args.format == "text":
        print(result.summary())
    return 0 if result.ok else 1


def cmd_validate(args, settings: Settings) -> int:
    from dashboard.load import check_paths

    result = check_paths([Path(p) for p in args.paths], settings.db_path)
    _print_problems(result.problems, args.format)
    if args.format == "text":
        errors = sum(p.severity == "error" for p in result.problems)
        warnings = len(result.problems) - errors
        print(f"{errors} error(s), {warnings} warning(s)" + ("" if errors else ": the export would import cleanly"))
    return 0 if result.ok else 1


def cmd_demo(args, settings: Settings) -> int:
    from dashboard.demo import build_demo

    result = build_demo(settings.db_path)
    _print_problems(result.problems, "text")
    print(result.summary())
    return 0 if result.ok else 1


def cmd_metrics(args, settings: Settings) -> int:
    from dashboard.metrics import UsageError, metrics_payload, payload_csv

    try:
        payload = metrics_payload(settings, year=args.year, partnership=args.partnership, role=args.role)
    except UsageError as exc:
        print(f"seip metrics: {exc}", file=sys.stderr)
        return 2
    if args.format == "csv":
        sys.stdout.write(payload_csv(payload))
    else:
        import orjson  # C encoder: json.dumps(indent=1) was nearly half the time at 150 authorities

        print(orjson.dumps(payload).decode())
    return 0


def cmd_impact(args, settings: Settings) -> int:
    from dashboard import impact

    try:
        result = impact.for_settings(settings, measure=args.measure, start=args.start, donor_pool=args.donors)
    except impact.TooLittleData as exc:
        print(f"seip impact: {exc}", file=sys.stderr)
        return 1
    if args.format == "csv":
        sys.stdout.write(impact.table_csv(result))
    else:
        print(json.dumps(result.payload(), indent=1))
    return 0


def _academic_year(text: str) -> str:
    from dashboard.settings import check_academic_year

    try:
        return check_academic_year(text)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None


def cmd_serve(args, settings: Settings) -> int:
    from dashboard.components import launch

    # Streamlit runs in this process (no child to orphan): SIGTERM and SIGINT sent to `seip serve`
    # stop the server and free the port.
    os.environ["SEIP_DB"] = str(settings.db_path.resolve())
    options = ["--server.port", str(args.port)]
    if args.address:
        options += ["--server.address", args.address]
    return launch.serve(ROOT / "dashboard" / "app.py", options)


def cmd_users(args, settings: Settings) -> int:
    from dashboard import auth

    return auth.users_command(args, settings)


def cmd_report(args, settings: Settings) -> int:
    if args.format != "pdf":
        return _report(args, settings)
    from dashboard.reports import images

    try:
        images.start()  # Chromium starts (3-4 s) while the rest loads and the packs are built
        return _report(args, settings)
    except images.NoBrowser as exc:  # none found, or one that did not start: nothing was written
        print(f"seip report: {exc}", file=sys.stderr)
        return 1


def _report(args, settings: Settings) -> int:
    from streamlit import logger

    # the pack reuses the pages' wording; imported outside a server, Streamlit's caches warn about it
    logger.set_log_level("error")
    from dashboard.reports.run import command

    return command(args, settings)


def cmd_alerts(args, settings: Settings) -> int:
    from dashboard import alerts

    return alerts.alerts_command(args, settings)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="seip", description="SEIP Insight: import partnership exports, compute metrics, serve the dashboard."
    )
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument("--db", metavar="PATH", help="the warehouse file (default: $SEIP_DB, else data/seip.duckdb)")
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    p = sub.add_parser(
        "demo", parents=[common], help="write the synthetic demo exports and import them with the DfE reference data"
    )
    p.set_defaults(func=cmd_demo)

    for name, func, helptext in (
        ("import", cmd_import, "import exports and DfE reference files, all or nothing"),
        ("validate", cmd_validate, "run the import checks and change nothing"),
    ):
        p = sub.add_parser(name, parents=[common], help=helptext, description=helptext)
        p.add_argument(
            "paths",
            nargs="+",
            metavar="PATH",
            help="folders of CSVs, .xlsx workbooks, CSVs named after a table, DfE CSVs",
        )
        p.add_argument("--format", choices=("text", "json"), default="text")
        p.set_defaults(func=func)

    p = sub.add_parser("metrics", parents=[common], help="print every metric for every area and year")
    p.add_argument("--year", help="one academic year, e.g. 2023/24")
    p.add_argument(
        "--partnership",
        metavar="CODE|ALL",
        help="one partnership (with la_total and DfE areas), or ALL for no partnership",
    )
    p.add_argument(
        "--role", choices=ROLES, default="commissioner", help="whose view: governor applies disclosure control"
    )
    p.add_argument("--format", choices=("json", "csv"), default="json")
    p.set_defaults(func=cmd_metrics)

    helptext = "write a report pack (PDF or workbook) for a partnership and year, as a role sees it"
    p = sub.add_parser(
        "report",
        parents=[common],
        help=helptext,
        description=helptext
        + (". Suppression is applied as on that role's pages; every report is recorded in the audit log."),
    )
    which = p.add_mutually_exclusive_group()
    which.add_argument("--partnership", metavar="CODE|ALL", help="one partnership, or ALL for all of them together")
    which.add_argument("--all-partnerships", action="store_true", help="one file per partnership, into --out-dir")
    p.add_argument("--year", required=True, help="the academic year, e.g. 2023/24")
    p.add_argument("--role", choices=ROLES, required=True, help="whose view: governor applies disclosure control")
    p.add_argument("--scope", metavar="CODE", help="partnership code (chair, governor) or school URN (head, governor)")
    p.add_argument("--format", choices=("pdf", "xlsx"), required=True)
    p.add_argument("--out", metavar="PATH", help="the file to write (with --partnership)")
    p.add_argument("--out-dir", metavar="DIR", help="the folder to write into (with --all-partnerships)")
    p.set_defaults(func=cmd_report)

    helptext = (
        "the policy's effect for the LA in the settings (SEIP_LA_CODE) from published DfE data: "
        "gaps to England and the statistical neighbours' median, differences in differences, a "
        "synthetic control with placebo inference, and exclusions avoided; exit 1 when there is "
        "too little data"
    )
    p = sub.add_parser(
        "impact", parents=[common], help="the policy's effect since it began, from DfE data", description=helptext
    )
    p.add_argument(
        "--measure",
        choices=("pex_rate", "suspension_rate"),
        default="pex_rate",
        help="permanent exclusions or suspensions per 100 pupils, state-funded secondary",
    )
    p.add_argument(
        "--start",
        type=_academic_year,
        metavar="YEAR",
        help="the policy's first academic year, e.g. 2010/11 (default: $SEIP_POLICY_START, else 2010/11)",
    )
    p.add_argument(
        "--donors",
        choices=("all", "neighbours"),
        default="all",
        help="the synthetic control's donor pool: every other LA, or the statistical neighbours only",
    )
    p.add_argument(
        "--format",
        choices=("json", "csv"),
        default="json",
        help="json: the whole estimate; csv: one row per academic year with the gaps",
    )
    p.set_defaults(func=cmd_impact)

    p = sub.add_parser("serve", parents=[common], help="start the dashboard on the warehouse")
    p.add_argument("--port", type=int, default=8501)
    p.add_argument("--address", help="interface to listen on (default: Streamlit's)")
    p.set_defaults(func=cmd_serve)

    p = sub.add_parser("alerts", parents=[common], help="list the alerts that fire on the data in force")
    p.add_argument("--year", help="one academic year, e.g. 2023/24 (default: the latest)")
    p.add_argument(
        "--role",
        choices=ROLES,
        default="commissioner",
        help="whose view: a governor is never alerted on a suppressed figure",
    )
    p.add_argument("--format", choices=("text", "json"), default="text")
    p.set_defaults(func=cmd_alerts)

    p = sub.add_parser("users", parents=[common], help="manage sign-in accounts and their roles")
    users = p.add_subparsers(dest="users_command", required=True, metavar="ACTION")
    # --db may come before or after the action; SUPPRESS keeps `seip users --db X list` from
    # being reset to the default by the action's own parser.
    nested = argparse.ArgumentParser(add_help=False)
    nested.add_argument(
        "--db",
        metavar="PATH",
        default=argparse.SUPPRESS,
        help="the warehouse file (default: $SEIP_DB, else data/seip.duckdb)",
    )
    a = users.add_parser("add", parents=[nested], help="add or update an account")
    a.add_argument("name", help="a user name, or the e-mail address an identity provider signs in")
    a.add_argument("--role", choices=ROLES, required=True)
    a.add_argument("--scope", metavar="CODE", help="partnership code (chair, governor) or school URN (head, governor)")
    a.add_argument("--password-stdin", action="store_true", help="read the password from standard input")
    users.add_parser("list", parents=[nested], help="list accounts")
    r = users.add_parser("remove", parents=[nested], help="remove an account")
    r.add_argument("name")
    p.set_defaults(func=cmd_users)
    return parser


# Commands that read the warehouse: one made by an older version is rebuilt first (seconds)
READERS = (cmd_metrics, cmd_impact, cmd_serve, cmd_report, cmd_alerts)


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        settings = Settings.from_env(args.db)
    except SettingError as exc:
        print(f"seip: {exc}", file=sys.stderr)
        return 2
    try:
        if args.func in READERS:
            from dashboard import warehouse

            if warehouse.upgrade(settings.db_path):
                print(f"seip: rebuilt {settings.db_path} for this version of SEIP Insight", file=sys.stderr)
        return args.func(args, settings)
    except FileNotFoundError as exc:
        print(f"seip: {exc}", file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(main())
