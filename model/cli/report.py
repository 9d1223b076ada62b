"""`sdsim report RESULTS`: a comparison's or a journey's folder as the advisor's report
(HTML, and PDF on request), in Dutch or English, with a comparison's cost-benefit account
as CSVs beside it."""

from __future__ import annotations

import argparse
from pathlib import Path

from model.scenario import ScenarioError


def register(sub) -> None:
    p = sub.add_parser(
        "report",
        help="write the advisor's report (HTML, optionally PDF) of a comparison's folder",
    )
    p.add_argument(
        "results",
        help="the folder of `sdsim compare`, a sweep of scenarios, or `sdsim journey`",
    )
    p.add_argument("--lang", choices=("nl", "en"), default="nl", help="language (default nl)")
    p.add_argument(
        "--out", help="HTML file (default RESULTS/report.html, or report.en.html in English)"
    )
    p.add_argument("--pdf", action="store_true", help="also write a PDF beside the HTML")
    p.add_argument(
        "--baseline",
        help="scenario the others are set against (default: the folder's own baseline, "
        "the first scenario of a comparison; for a journey SCHEME/PROTOCOL, default the "
        "scenario's own)",
    )
    p.add_argument(
        "--sensitivity",
        metavar="SWEEP_FOLDER",
        help="a Morris or Sobol sweep's folder whose sensitivity.csv ranks the parameters "
        "that matter most in the assumptions (default: RESULTS's own, when it has one)",
    )
    p.set_defaults(func=main)


def main(args: argparse.Namespace) -> int:
    try:
        from model.report.data import read_folder
        from model.report.render import write
    except ImportError as exc:
        raise ScenarioError(
            f"report: {exc.name} is not installed; pip install -e '.[report]'"
        ) from None
    results = read_folder(args.results)
    default = "report.html" if args.lang == "nl" else f"report.{args.lang}.html"
    out = Path(args.out) if args.out else Path(args.results) / default
    if out.suffix.lower() not in (".html", ".htm"):
        raise ScenarioError(f"report: --out {out}: expected a file ending in .html")
    try:
        written = write(results, out, args.lang, args.pdf, args.baseline, args.command_line,
                        args.sensitivity)  # fmt: skip
    except OSError as exc:
        raise ScenarioError(f"report: {exc.filename or out}: {exc.strerror or exc}") from None
    for path in written[1:]:
        print(f"  {path}")
    print(f"report in {written[0]}")
    return 0
