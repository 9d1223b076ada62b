"""`sdsim report` end to end on a small comparison: every number in its tables is the one
in the comparison's CSVs, the page passes basic accessibility checks, bad input is one
line."""

import math
import re
from html.parser import HTMLParser
from pathlib import Path

import pandas as pd
import pytest
from babel.numbers import parse_decimal

from model.cli.main import main
from model.records.outcomes import outcome
from model.report.data import read_results
from model.report.units import is_share


class Page(HTMLParser):
    """The parts of the report the tests look at: headings, images, tables' header cells,
    and every number that carries its unrounded value."""

    def __init__(self, text):
        super().__init__()
        self.headings, self.images, self.numbers, self.tables = [], [], [], []
        self.findings = []
        self._stack, self._table, self._metric, self._scenario, self._span = (
            [],
            None,
            None,
            None,
            None,
        )
        self._in_finding = False
        self.feed(text)

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if re.fullmatch(r"h[1-6]", tag):
            self.headings.append(int(tag[1]))
        if tag == "img":
            self.images.append(a)
        if tag == "table":
            self._table = {"id": a.get("id"), "th": 0}
            self.tables.append(self._table)
        if tag == "th" and self._table is not None:
            self._table["th"] += 1
        if tag == "tr":
            self._metric = a.get("data-metric")
        if tag == "td":
            self._scenario = a.get("data-scenario")
        if tag == "span" and "data-value" in a and self._table is not None:
            self._span = {"table": self._table["id"], "metric": self._metric,
                          "scenario": self._scenario, "field": a.get("data-field"),
                          "value": float(a["data-value"]), "text": ""}  # fmt: skip
        if tag == "li" and self._stack[-1:] == ["ol"]:
            self._in_finding = True
            self.findings.append("")
        self._stack.append(tag)

    def handle_endtag(self, tag):
        if tag == "span" and self._span is not None:
            self.numbers.append(self._span)
            self._span = None
        if tag == "li":
            self._in_finding = False
        if tag == "table":
            self._table = None
        if self._stack:
            self._stack.pop()

    def handle_data(self, data):
        if self._span is not None:
            self._span["text"] += data
        if self._in_finding:
            self.findings[-1] += data


def page(path):
    return Page(path.read_text(encoding="utf-8"))


def shown(text: str, lang: str) -> float:
    """The number a reader sees (percent signs and euro signs dropped)."""
    clean = text.replace("€", "").replace("%", "").replace("\xa0", "").strip()
    return float(parse_decimal(clean.replace(" ", ""), locale="nl_NL" if lang == "nl" else "en_GB"))


@pytest.mark.parametrize("lang", ["nl", "en"])
def test_every_number_in_the_tables_is_the_csv_one(reports, comparison, lang):
    p = page(reports[lang])
    table = pd.read_csv(comparison / "comparison.csv").set_index(["scenario", "metric"])
    diffs = pd.read_csv(comparison / "differences.csv").set_index(["scenario", "metric"])
    means = [n for n in p.numbers if n["table"] == "means"]
    deltas = [n for n in p.numbers if n["table"] == "differences"]
    assert len(means) >= 3 * 3 * 20 and len(deltas) >= 2 * 3 * 20
    for numbers, source in ((means, table), (deltas, diffs)):
        for n in numbers:
            expected = source.loc[(n["scenario"], n["metric"]), n["field"]]
            if not math.isfinite(expected):
                assert not math.isfinite(n["value"])
                continue
            assert n["value"] == pytest.approx(expected, rel=1e-12, abs=1e-12)
            # What the reader sees is the same number, rounded to the digits shown
            # (shares as percentages, their differences in percentage points).
            scale = 100 if is_share(outcome(n["metric"]).unit) else 1
            text = n["text"].strip()
            mark = "," if lang == "nl" else "."
            decimals = re.search(re.escape(mark) + r"(\d+)\s*%?$", text)
            digits = len(decimals.group(1)) if decimals else 0
            assert abs(shown(text, lang) - expected * scale) <= 0.5 * 10**-digits + 1e-9, n


def test_the_account_is_written_as_csv_and_shown(reports, comparison):
    npv = pd.read_csv(comparison / "report_mkba.csv")
    assert set(npv.rate) == {0.0225, 0.03}
    assert {"municipality", "providers", "families", "total"} <= set(npv.stakeholder)
    reorg = npv[
        (npv.scenario == "tiny_reorg") & (npv.stakeholder == "total") & (npv.rate == 0.0225)
    ]
    # A redraw costs: its one-off costs alone exclude zero.
    assert reorg.iloc[0].ci_low > 0
    yearly = pd.read_csv(comparison / "report_mkba_yearly.csv")
    assert set(yearly.year) == {1}
    html = reports["nl"].read_text(encoding="utf-8")
    assert f'data-value="{reorg.iloc[0].difference}"' in html
    # Every euro in the account's tables is a CSV figure (the net present value row is
    # minus the total).
    section = html[html.index('<section id="mkba">') : html.index('<table id="unpriced">')]
    shown = [float(v) for v in re.findall(r'data-value="([^"]+)"', section)]
    known = {*npv.difference, *(-npv.difference), *yearly.difference}
    assert shown and all(any(math.isclose(v, k, abs_tol=1e-6) for k in known) for v in shown)


def test_veilig_thuis_is_priced_from_its_domain_cost(reports, comparison):
    # Recounted from the run files: Veilig Thuis's cost of care per run, each scenario's
    # run minus the baseline's of the same replication, averaged (one measured year: no
    # discounting).
    import json

    def vt(name):
        files = sorted((comparison / "runs" / name).glob("p*-r*.json"))
        return [json.loads(f.read_text())["metrics"]["by_domain.vt.cost_eur_total"] for f in files]

    base = vt("tiny")
    npv = pd.read_csv(comparison / "report_mkba.csv")
    for name in ("tiny_integrated", "tiny_reorg"):
        mine = vt(name)
        expected = sum(m - b for m, b in zip(mine, base, strict=True)) / len(base)
        row = npv[(npv.scenario == name) & (npv.stakeholder == "veilig_thuis")
                  & (npv["item"] == "vt_care") & (npv.rate == 0.0225)]  # fmt: skip
        assert row.iloc[0].difference == pytest.approx(expected, rel=1e-9, abs=1e-6)
    assert sum(base) > 0
    html = reports["en"].read_text(encoding="utf-8")
    section = html[html.index('<section id="mkba">') : html.index('<section id="figures">')]
    assert "hours booked to families" in section
    # only the others (police, schools, GPs) are still not priced
    assert section.count("not priced in the model") == 2  # one table per other scenario


def test_first_page_has_three_to_five_findings_computed_from_the_numbers(reports):
    nl, en = page(reports["nl"]), page(reports["en"])
    assert 3 <= len(nl.findings) <= 5 and len(nl.findings) == len(en.findings)
    # The integrated protocol shortens the wait in the constructed comparison; the redraw's
    # cost is an extra cost.
    assert "tiny_integrated ligt" in nl.findings[0] and "lager" in nl.findings[0]
    assert "tiny_reorg kost" in nl.findings[-1]
    assert "tiny_reorg costs" in en.findings[-1]


def test_accessibility_basics_and_process_maps(reports):
    p = page(reports["en"])
    assert p.headings[0] == 1
    for before, after in zip(p.headings, p.headings[1:], strict=False):
        assert after <= before + 1, "a heading level skipped"
    assert p.images and all(img.get("alt") for img in p.images)
    assert all(img["src"].startswith("data:image/png;base64,") for img in p.images)
    assert all(t["th"] > 0 for t in p.tables)
    process = [img for img in p.images if img["alt"].startswith("Process map of")]
    assert len(process) == 3
    html = reports["en"].read_text(encoding="utf-8")
    assert "http://" not in html and "https://" not in html  # self-contained
    assert '<html lang="en">' in html and '<html lang="nl">' in reports["nl"].read_text()


def test_another_baseline(comparison, tmp_path):
    out = tmp_path / "r.html"
    argv = ["report", str(comparison), "--lang", "en", "--baseline", "tiny_integrated"]
    assert main([*argv, "--out", str(out)]) == 0
    p = page(out)
    assert p.findings and "than tiny_integrated" in " ".join(p.findings)
    assert (tmp_path / "r_mkba.csv").exists()


def test_reads_what_the_folder_holds(comparison):
    r = read_results(comparison)
    assert r.names == ["tiny", "tiny_integrated", "tiny_reorg"]
    assert len(r.runs) == 9 and "reorganisation.cost_eur_by_item.training" in r.runs
    assert r.yearly is not None and set(r.yearly.year) == {0}
    assert set(r.process_maps) == set(r.names)


@pytest.mark.parametrize(
    "argv, words",
    [
        (["report", "/nonexistent/folder"], "no such folder"),
        (["report", "{tmp}"], "no comparison.csv"),
        (["report", "{cmp}", "--baseline", "nope"], "not a scenario of the comparison"),
        (["report", "{cmp}", "--out", "{tmp}/report.txt"], "expected a file ending in .html"),
        (["report", "{tmp}/journey"], "a journey's folder"),
    ],
)
def test_bad_input_is_one_line(comparison, tmp_path, capsys, argv, words):
    (tmp_path / "journey").mkdir()
    (tmp_path / "journey" / "journey_table.csv").write_text("scheme\n")
    argv = [a.format(tmp=tmp_path, cmp=comparison) for a in argv]
    assert main(argv) == 2
    err = capsys.readouterr().err.strip()
    assert len(err.splitlines()) == 1 and words in err and "Traceback" not in err


def test_a_sweep_of_scenarios_is_reported_against_its_own_baseline(tmp_path):
    data = Path(__file__).resolve().parent.parent / "data"
    (tmp_path / "tiny.toml").write_text((data / "tiny.toml").read_text())
    (tmp_path / "sw.toml").write_text(
        'name = "sw"\nmaster_seed = 11\nbaseline = "patchwork"\n'
        "[set]\nyears = 0.25\nwarmup_days = 30\n"
        '[scenarios.centralised]\nfile = "tiny.toml"\nset = { scheme = "centralised" }\n'
        '[scenarios.patchwork]\nfile = "tiny.toml"\n'
        "[replications]\nn = 2\n"
    )
    out = tmp_path / "out"
    assert main(["sweep", str(tmp_path / "sw.toml"), "--workers", "1", "--out", str(out)]) == 0
    assert main(["report", str(out), "--lang", "en"]) == 0
    p = page(out / "report.en.html")
    assert "than patchwork" in " ".join(p.findings) or "from patchwork" in " ".join(p.findings)
    summary = pd.read_csv(out / "summary.csv").set_index(["scenario", "metric"])
    means = [n for n in p.numbers if n["table"] == "means" and n["field"] == "mean"]
    assert means
    for n in means:
        expected = summary.loc[(n["scenario"], n["metric"]), "mean"]
        assert n["value"] == pytest.approx(expected, rel=1e-12, abs=1e-12) or not math.isfinite(
            expected
        )
