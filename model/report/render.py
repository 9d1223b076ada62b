"""The report as one self-contained HTML file (figures embedded as data, no external
assets) and, on request, a PDF of the same document (WeasyPrint).

The numbers are computed here and in the modules beside it (findings, mkba); the Jinja2
template (`templates/report.html.j2`) only lays them out, and its words come from the
catalogues (`i18n.py`). Each number in a table carries its unrounded value
(`data-value`), so a test can set the page against the CSV it came from.
"""

from __future__ import annotations

import base64
import datetime as dt
import shlex
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from model.files import atomic_path, atomic_write
from model.records.outcomes import KEY_TABLE, OUTCOMES, REORGANISATION_ROWS, outcome
from model.report import assumptions, findings, mkba
from model.report import sensitivity as sens_mod
from model.report.data import JourneyResults, ReportError, Results
from model.report.i18n import Language
from model.report.parameters import DEFAULTS, MkbaParameters
from model.report.units import cell, unit_words, value_text
from model.runs import statistics

TEMPLATES = Path(__file__).parent / "templates"
LIMITS = ("synthetic", "assumptions", "costs", "families", "horizon", "replications")


def table_metrics(reorganising: bool) -> tuple[str, ...]:
    """The side-by-side rows: the key table without its checks, professional time by
    activity, the cost of care, and a reorganisation's figures when one is compared."""
    rows = [m for m in KEY_TABLE if outcome(m).group != "check"]
    rows += [o.name for o in OUTCOMES if o.group == "time" and o.name.startswith("hours_")]
    rows += ["cost_eur_total"]
    if reorganising:
        rows += list(REORGANISATION_ROWS)
    return tuple(dict.fromkeys(rows))


@dataclass
class Document:
    html: str
    account: mkba.Account | None  # None for a journey: one family has no account
    findings: list[str]


def _image(path: Path) -> str:
    return "data:image/png;base64," + base64.b64encode(path.read_bytes()).decode("ascii")


def _label(L: Language, metric: str) -> str:
    try:
        fallback = outcome(metric).label
    except KeyError:
        fallback = metric
    return L.get(f"metric.{metric}", fallback)


def build(
    results: Results,
    lang: str = "nl",
    baseline: str | None = None,
    params: MkbaParameters = DEFAULTS,
    report_command: str = "",
    csv_name: str = "",
    sensitivity: sens_mod.Sensitivity | None = None,
) -> Document:
    L = Language(lang)
    names = results.names
    baseline = baseline or results.baseline
    if baseline not in names:
        raise ReportError(
            f"report: --baseline {baseline!r}: not a scenario of the comparison "
            f"({', '.join(names)})"
        )
    others = [n for n in names if n != baseline]
    reorganising = any(results.parameters(n).get("reorganisation") for n in names)
    comparison = results.comparison
    present = set(comparison["metric"])
    metrics = [m for m in table_metrics(reorganising) if m in present and m in results.runs]
    runs = results.runs
    diffs = statistics.paired_differences(runs, names, baseline, metrics) if others else None
    n_runs = int(runs.groupby("scenario").size().min())

    # -- side by side
    rows = []
    for m in metrics:
        unit = outcome(m).unit
        cells = []
        for s in names:
            r = comparison[(comparison.scenario == s) & (comparison.metric == m)].iloc[0]
            cells.append(
                {
                    k: (float(r[k]), cell(float(r[k]), unit, L))
                    for k in ("mean", "ci_low", "ci_high")
                }
            )
        dcells = []
        for s in others:
            d = diffs[(diffs.scenario == s) & (diffs.metric == m)].iloc[0]
            v = findings.verdict(d.difference, d.ci_low, d.ci_high)
            dcells.append({
                "values": {k: (float(d[k]), cell(float(d[k]), unit, L, difference=True))
                           for k in ("difference", "ci_low", "ci_high")},
                "significant": v in (findings.Verdict.LOWER, findings.Verdict.HIGHER),
            })  # fmt: skip
        rows.append({"metric": m, "label": _label(L, m), "unit": unit_words(unit, L),
                     "dunit": unit_words(unit, L, difference=True), "cells": cells,
                     "diffs": dcells})  # fmt: skip

    # -- the account and the findings
    account = mkba.account(runs, names, baseline, results.years, results.yearly, params)
    found = findings.findings(diffs) if diffs is not None else []
    main_rate = account.rates[0]
    sentences = [findings.sentence(f, L, baseline) for f in found]
    if others and len(account.npv):
        total = account.npv[(account.npv.stakeholder == mkba.TOTAL)
                            & (account.npv["item"] == mkba.TOTAL)
                            & np.isclose(account.npv.rate, main_rate)]  # fmt: skip
        sentences.append(
            findings.sentence(findings.npv_finding(total), L, baseline, rate=main_rate)
        )
    mkba_tables = _mkba_tables(account, others, L) if others else []
    unpriced = []
    if diffs is not None:
        for m in mkba.UNPRICED:
            if m in present and m in runs:
                part = statistics.paired_differences(runs, names, baseline, [m])
                unit = outcome(m).unit
                unpriced.append({
                    "label": _label(L, m), "unit": unit_words(unit, L, difference=True),
                    "cells": [{k: (float(r[k]), cell(float(r[k]), unit, L, difference=True))
                               for k in ("difference", "ci_low", "ci_high")}
                              for r in (part[part.scenario == s].iloc[0] for s in others)],
                })  # fmt: skip
    yearly = _yearly(account, others, L) if others else []

    # -- figures
    figures = []
    for path in results.figures:
        key = f"figure.{path.stem}"
        alt = L(key) if L.has(key) else L("figure.other", name=path.stem)
        figures.append({"src": _image(path), "alt": alt})
    process = [{"src": _image(p), "alt": L("figure.process", scenario=s)}
               for s, p in results.process_maps.items()]  # fmt: skip

    # -- assumptions
    changed = []
    for path, values in assumptions.changed({n: results.parameters(n) for n in names}):
        unit, source = assumptions.describe(path)
        changed.append({"path": path, "unit": unit, "source": source,
                        "values": [value_text(values.get(n), L) for n in names]})  # fmt: skip
    valuation = [
        {"label": L(f"param.{name}"), "value": L.number(v, 4 if v < 1 else 2),
         "unit": L(f"param.{name}.unit"), "source": L(f"param.{name}.source")}
        for name, v, unit, source in params.describe()
    ]  # fmt: skip

    study = sensitivity_context(sensitivity, [baseline, *others],
                                results.parameters(baseline), L)  # fmt: skip

    manifest = results.manifest
    scenarios = []
    for n in names:
        p = results.parameters(n)
        scenarios.append({
            "name": n,
            "scheme": L.get(f"scheme.{p.get('scheme')}", str(p.get("scheme"))),
            "protocol": L.get(f"protocol.{p.get('protocol')}", str(p.get("protocol"))),
            # Folders written before issue 15 have no columns: they were separate.
            "columns": L(f"columns.{p.get('columns', 'separate')}"),
            "baseline": n == baseline,
        })  # fmt: skip
    context = {
        "L": L,
        "lang": lang,
        "baseline": baseline,
        "others": others,
        "names": names,
        "scenarios": scenarios,
        "question": L("answer.question",
                      others=_listing(others, L) or baseline, baseline=baseline),
        "method": L("answer.method", n=n_runs, years=_years(results.years, L)),
        "findings": sentences,
        "rows": rows,
        "mkba_tables": mkba_tables,
        "rates": [L.rate(r) for r in account.rates],
        "mkba_intro": L("mkba.intro", baseline=baseline, years=_years(results.years, L),
                        rate=L.rate(account.rates[0]),
                        sensitivity=L.rate(account.rates[1])),
        "absent": ", ".join(L(f"mkba.item.{i.key}") for i in account.absent),
        "unpriced": unpriced,
        "yearly": yearly,
        "csv_name": csv_name,
        "figures": figures,
        "process": process,
        "changed": changed,
        "valuation": valuation,
        "limits": [L(f"limits.{k}") for k in LIMITS],
        "sensitivity": study,
        **reproducibility(manifest, results.folder, report_command, L),
    }  # fmt: skip
    html = _render("report.html.j2", context)
    return Document(html, account, sentences)


def _render(template: str, context: dict) -> str:
    from jinja2 import Environment, FileSystemLoader, select_autoescape

    env = Environment(
        loader=FileSystemLoader(TEMPLATES),
        autoescape=select_autoescape(["html", "j2"]),
        trim_blocks=True,
        lstrip_blocks=True,
    )
    return env.get_template(template).render(**context)


def reproducibility(manifest: dict, folder: Path, report_command: str, L: Language) -> dict:
    """What the reproducibility section of every report shows."""
    git = manifest.get("git") or {}
    return {
        "command": manifest.get("command", ""),
        "report_command": report_command,
        "seeds": ", ".join(str(s) for s in manifest.get("seeds", [])),
        "packages": ", ".join(f"{k} {v}" for k, v in (manifest.get("packages") or {}).items()),
        "commit": git.get("commit", ""),
        "dirty": bool(git.get("dirty")),
        "created": L.date(manifest.get("created_utc", "")),
        "made": L.date(dt.datetime.now(dt.UTC).replace(microsecond=0)),
        "folder": str(folder),
    }


def sensitivity_context(
    sens: sens_mod.Sensitivity | None, wanted: list[str], parameters: dict, L: Language
) -> dict | None:
    """The table of the parameters that matter most (None without a study): each with the
    report's own value (its baseline's), unit, source, and its index per key metric."""
    if sens is None or sens.table.empty:
        return None
    scenario = sens_mod.scenario_of(sens, wanted)
    ranked, metrics = sens_mod.ranking(sens, scenario)
    flat = assumptions.flatten(parameters)
    idx = sens.index
    heads = []
    for m in metrics:
        try:
            unit = outcome(m).unit
        except KeyError:
            unit = ""
        heads.append({"metric": m, "unit": unit,
                      "header": L(f"sensitivity.index.{sens.method}", metric=_label(L, m),
                                  unit=unit_words(unit, L, difference=True))})  # fmt: skip
    rows = []
    for _, row in ranked.iterrows():
        path = str(row["parameter"])
        unit, source = assumptions.describe(path)
        value = value_text(flat[path], L) if path in flat else L("misc.na")
        if path in sens.ranges:
            low, high = sens.ranges[path]
            value += " " + L("sensitivity.range", low=value_text(low, L), high=value_text(high, L))
        cells = []
        for h in heads:
            x = float(row[f"{h['metric']}|{idx}"])
            half = float(row[f"{h['metric']}|{idx}_ci_high"]) - x
            fmt = (lambda v, u=h["unit"]: cell(v, u, L, difference=True)) if sens.method == "morris" \
                else (lambda v: L.number(v, 2))  # fmt: skip
            cells.append({"metric": h["metric"], "value": (x, fmt(x)),
                          "conf": fmt(half) if np.isfinite(half) else ""})  # fmt: skip
        rows.append({"parameter": path, "value": value, "unit": unit,
                     "source": source if source.strip("- ") else L("sensitivity.assumption"),
                     "cells": cells})  # fmt: skip
    intro = L(f"sensitivity.intro.{sens.method}", folder=str(sens.folder), scenario=scenario,
              n=len(rows), total=sens.table["parameter"].nunique())  # fmt: skip
    return {"intro": intro, "index": idx, "metrics": heads, "rows": rows}


def build_journey(
    results: JourneyResults,
    lang: str = "nl",
    baseline: str | None = None,
    report_command: str = "",
    sensitivity: sens_mod.Sensitivity | None = None,
) -> Document:
    """The report of a journey's folder (`model/report/journey.py` computes its parts)."""
    from model.report import journey

    L = Language(lang)
    journey.check_numbers(results)
    context = journey.build_context(results, L, baseline)
    context["figures"] = [{"src": _image(p), "alt": alt} for p, alt in context["figures"]]
    context["protocol_words"] = list({p["name"]: p for p in context["protocols"]}.values())
    context.update(
        L=L,
        lang=lang,
        settings=journey.settings_table(results, L),
        sensitivity=sensitivity_context(sensitivity, [results.name], results.parameters, L),
        **reproducibility(results.manifest, results.folder, report_command, L),
    )
    html = _render("journey.html.j2", context)
    return Document(html, None, context["findings"])


def _listing(names: list[str], L: Language) -> str:
    """a, b or c"""
    if len(names) < 2:
        return "".join(names)
    return f"{', '.join(names[:-1])} {L('answer.or')} {names[-1]}"


def _years(years: float, L: Language) -> str:
    return L.number(years, 0 if float(years).is_integer() else 1)


def _mkba_tables(account: mkba.Account, others: list[str], L: Language) -> list[dict]:
    """Per scenario: a row per item and a subtotal per stakeholder (in the order of
    Stakeholder, those with no priced item named as such), then the total; each at both
    rates."""
    t = account.npv
    tables = []
    for s in others:
        rows = []
        for sh in mkba.Stakeholder:
            items = [i for i in account.items if i.stakeholder is sh]
            if not items:
                rows.append({"stakeholder": L(f"mkba.stakeholder.{sh.value}"),
                             "item": L("mkba.not_priced"), "values": None, "kind": "none"})  # fmt: skip
                continue
            keys = [(i.key, L(f"mkba.item.{i.key}"), "item") for i in items]
            if len(items) > 1:
                keys.append((mkba.TOTAL, L("mkba.item.total"), "subtotal"))
            for key, label, kind in keys:
                rows.append({"stakeholder": L(f"mkba.stakeholder.{sh.value}"), "item": label,
                             "kind": kind, "values": _at_rates(t, s, sh.value, key, account, L)})  # fmt: skip
        total = _at_rates(t, s, mkba.TOTAL, mkba.TOTAL, account, L)
        rows.append({"stakeholder": L("mkba.stakeholder.total"), "item": "", "kind": "total",
                     "values": total})  # fmt: skip
        # The net present value is minus the cost difference: its interval turns over too.
        npv = [{"difference": (-v["difference"][0], L.euro(-v["difference"][0])),
                "ci_low": (-v["ci_high"][0], L.euro(-v["ci_high"][0])),
                "ci_high": (-v["ci_low"][0], L.euro(-v["ci_low"][0]))} for v in total]  # fmt: skip
        rows.append({"stakeholder": L("mkba.npv_row"), "item": "", "kind": "total",
                     "values": npv})  # fmt: skip
        tables.append({"scenario": s, "caption": L("mkba.caption", baseline=account.baseline,
                                                    scenario=s), "rows": rows})  # fmt: skip
    return tables


def _at_rates(t: pd.DataFrame, s: str, sh: str, key: str, account: mkba.Account, L):
    out = []
    for rate in account.rates:
        r = t[(t.scenario == s) & (t.stakeholder == sh) & (t["item"] == key)
              & np.isclose(t.rate, rate)].iloc[0]  # fmt: skip
        out.append(
            {k: (float(r[k]), L.euro(float(r[k]))) for k in ("difference", "ci_low", "ci_high")}
        )
    return out


def _yearly(account: mkba.Account, others: list[str], L: Language) -> list[dict]:
    t = account.yearly
    if t.empty:
        return []
    years = sorted(t.year.unique())
    out = []
    for s in others:
        rows = []
        for item in account.items:
            part = t[(t.scenario == s) & (t["item"] == item.key)].set_index("year")
            rows.append({
                "label": f"{L(f'mkba.stakeholder.{item.stakeholder.value}')}: "
                         f"{L(f'mkba.item.{item.key}')}",
                "cells": [(float(part.loc[y, 'difference']), L.euro(float(part.loc[y, 'difference'])))
                          for y in years],
            })  # fmt: skip
        out.append({"scenario": s, "years": [L("mkba.year", n=int(y)) for y in years],
                    "rows": rows})  # fmt: skip
    return out


def csv_paths(out: Path) -> tuple[Path, Path]:
    stem = out.name.split(".")[0]
    return out.parent / f"{stem}_mkba.csv", out.parent / f"{stem}_mkba_yearly.csv"


def write(
    results: Results | JourneyResults,
    out: Path,
    lang: str = "nl",
    pdf: bool = False,
    baseline: str | None = None,
    report_command: str = "",
    sensitivity: Path | str | None = None,
) -> list[Path]:
    """The report at `out` (and `out` with .pdf), a comparison's account as CSVs beside it;
    each file written whole or not at all. The sensitivity study is the one named, else the
    folder's own when it has one. The paths written."""
    study = (
        sens_mod.read_sensitivity(sensitivity, required=True)
        if sensitivity is not None
        else sens_mod.read_sensitivity(results.folder)
    )
    out.parent.mkdir(parents=True, exist_ok=True)
    npv_csv, yearly_csv = csv_paths(out)
    if isinstance(results, JourneyResults):
        doc = build_journey(results, lang, baseline, report_command, study)
    else:
        doc = build(results, lang, baseline, report_command=report_command,
                    csv_name=npv_csv.name, sensitivity=study)  # fmt: skip
    written = []
    atomic_write(out, doc.html)
    written.append(out)
    if doc.account is not None and not doc.account.npv.empty:
        atomic_write(npv_csv, doc.account.npv.to_csv(index=False))
        atomic_write(yearly_csv, doc.account.yearly.to_csv(index=False))
        written += [npv_csv, yearly_csv]
    if pdf:
        from weasyprint import HTML

        target = out.with_suffix(".pdf")
        with atomic_path(target) as tmp:
            HTML(string=doc.html, base_url=str(out.parent)).write_pdf(tmp)
        written.append(target)
    return written


def command_line(argv: list[str]) -> str:
    return shlex.join(argv)
