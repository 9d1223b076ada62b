"""`sdsim report` on a journey's folder: the family's table is the CSV's, its figures are
embedded, the findings flip with the numbers, and one world is told as one family's story."""

import json
import math
import re
import shutil
from html import unescape

import pandas as pd
import pytest

from model.cli.main import main
from model.report import journey as jr
from model.report.findings import Verdict
from model.report.i18n import Language
from tests.report.test_report_cli import page, shown

T_2 = 4.302652729911275  # t(0.975) with 2 degrees of freedom


@pytest.mark.parametrize("lang", ["nl", "en"])
def test_every_number_of_the_journey_table_is_the_csv_one(journey, lang):
    name = "report.html" if lang == "nl" else "report.en.html"
    p = page(journey / name)
    table = pd.read_csv(journey / "journey_table.csv")
    table.index = [f"{s}/{q}" for s, q in zip(table.scheme, table.protocol, strict=True)]
    numbers = [n for n in p.numbers if n["table"] == "journey-table"]
    figures = [c for c in table.columns if c not in ("scheme", "protocol")]
    assert len(numbers) == len(table) * len(figures) == 4 * 19  # 16 figures, 3 scripted needs
    for n in numbers:
        expected = float(table.loc[n["scenario"], n["metric"]])
        if not math.isfinite(expected):
            assert not math.isfinite(n["value"])
            continue
        assert n["value"] == expected  # written unrounded
        text = n["text"].strip()
        mark = "," if lang == "nl" else "."
        decimals = re.search(re.escape(mark) + r"(\d+)$", text)
        digits = len(decimals.group(1)) if decimals else 0
        assert abs(shown(text, lang) - expected) <= 0.5 * 10**-digits + 1e-9, n


def test_the_report_holds_the_family_its_figures_and_how_to_make_it_again(journey):
    p = page(journey / "report.en.html")
    html = (journey / "report.en.html").read_text(encoding="utf-8")
    assert p.headings[0] == 1
    # the summary and a timeline per scheme, embedded, each with its words
    assert len(p.images) == 3
    assert all(i["src"].startswith("data:image/png;base64,") and i["alt"] for i in p.images)
    assert "A test family" in html and "GM0003" in html and "the boy (youth care" in html
    assert "3 worlds" in html
    manifest = json.loads((journey / "manifest.json").read_text())
    assert manifest["command"] in html and manifest["git"]["commit"] in html
    assert all(str(s) in html for s in manifest["seeds"])
    assert "there is no cost-benefit account" in html
    assert (journey / "report.pdf").stat().st_size > 10_000
    assert not (journey / "report_mkba.csv").exists()  # one family has no account
    assert "http://" not in html and "https://" not in html


@pytest.mark.parametrize("metric, words", [("stories_told", "Times the story was told"),
                                           ("days_until_all_help", "Days until all the help")])  # fmt: skip
def test_the_findings_say_what_the_runs_say(journey, metric, words):
    # Each combination against patchwork/referral, world by world, from the runs file: the
    # mean difference and its t-interval over the three worlds decide the words.
    runs = pd.read_csv(journey / "journey_runs.csv")
    base = runs[(runs.scheme == "patchwork") & (runs.protocol == "referral")]
    text = next(f for f in page(journey / "report.en.html").findings if f.startswith(words))
    groups = {"lower": [], "higher": [], "same": []}
    for scheme, protocol in [("patchwork", "integrated"), ("decentralised", "referral"),
                             ("decentralised", "integrated")]:  # fmt: skip
        other = runs[(runs.scheme == scheme) & (runs.protocol == protocol)]
        d = (
            other.set_index("replication")[metric] - base.set_index("replication")[metric]
        ).dropna()
        assert len(d) == 3
        half = T_2 * d.std() / math.sqrt(3)
        key = "lower" if d.mean() + half < 0 else "higher" if d.mean() - half > 0 else "same"
        groups[key].append(f"{scheme} / {protocol}")
    for key, intro in (("lower", "Better: measurably lower under "),
                       ("higher", "Worse: measurably higher under "),
                       ("same", "No measurable difference under ")):  # fmt: skip
        if groups[key]:
            part = text[text.index(intro) :]
            assert all(name in part.split(". ")[0] for name in groups[key]), (key, text)
        else:
            assert intro not in text
    assert len(page(journey / "report.html").findings) == 3


def runs_of(values: dict[str, list[float]], metric: str = "days_until_all_help") -> pd.DataFrame:
    return pd.DataFrame(
        [
            {"scenario": s, "replication": r, metric: v}
            for s, vs in values.items()
            for r, v in enumerate(vs)
        ]  # fmt: skip
    )


def test_journey_findings_flip_on_constructed_worlds():
    # b - a per world: -10, -12, -14 (mean -12, sd 2); c - a: -1, 0, +1 (interval holds 0);
    # d lacks the figure in one world (no help by the end): two pairs left, 3 and 5.
    runs = runs_of({"a": [50, 60, 70], "b": [40, 48, 56], "c": [49, 60, 71],
                    "d": [53, 65, math.nan]})  # fmt: skip
    (f,) = jr.journey_findings(runs, ["a", "b", "c", "d"], "a", ("days_until_all_help",))
    by = {c.scenario: c for c in f.clauses}
    assert by["b"].verdict is Verdict.LOWER and by["b"].better is True
    assert by["b"].difference == pytest.approx(-12.0)
    assert by["b"].ci_high == pytest.approx(-12 + T_2 * 2 / math.sqrt(3))
    assert by["c"].verdict is Verdict.SAME and by["c"].better is None
    assert f.incomplete == {"d": 1}
    assert f.baseline_value == pytest.approx(60.0)
    assert math.isnan(f.values["d"])
    L = Language("en")
    words = {n: n for n in "abcd"}
    text = jr.sentence(f, L, "a", 3, words)
    assert text.startswith("Days until all the help is there (a: 60.0 days).")
    assert "Better: measurably lower under b (-12.0, interval" in text
    assert "No measurable difference under c" in text
    assert "missing, left out of the pairs: d 1." in text
    # Turned over: b now waits longer in every world, which is worse for the family.
    runs = runs_of({"a": [50, 60, 70], "b": [60, 72, 84]})
    (f,) = jr.journey_findings(runs, ["a", "b"], "a", ("days_until_all_help",))
    assert f.clauses[0].verdict is Verdict.HIGHER and f.clauses[0].better is False
    assert "Worse: measurably higher under b (+12.0" in jr.sentence(
        f, L, "a", 3, {"a": "a", "b": "b"}
    )


def test_one_world_is_told_as_one_familys_story(journey, tmp_path):
    # The same folder cut to its first world: the table is then that world's row per
    # combination, as `sdsim journey --replications 1` writes it.
    one = tmp_path / "one"
    shutil.copytree(journey, one)
    runs = pd.read_csv(journey / "journey_runs.csv")
    first = runs[runs.replication == 0]
    first.to_csv(one / "journey_runs.csv", index=False)
    table = pd.read_csv(journey / "journey_table.csv")
    first[table.columns].to_csv(one / "journey_table.csv", index=False)
    for lang, words in (("en", "one family's story, not a statistical comparison"),
                        ("nl", "het verhaal van één gezin, geen statistische vergelijking")):  # fmt: skip
        out = one / f"r.{lang}.html"
        assert main(["report", str(one), "--lang", lang, "--out", str(out)]) == 0
        p = page(out)
        html = unescape(out.read_text(encoding="utf-8"))
        assert words in html
        assert not any("measurabl" in f or "meetbaar" in f for f in p.findings)
    story = page(one / "r.en.html").findings[0]
    base = first[(first.scheme == "patchwork") & (first.protocol == "referral")]
    assert (
        f"patchwork / referral {Language('en').number(float(base.days_until_all_help.iloc[0]))}"
        in story
    )


def test_another_baseline_and_bad_ones(journey, tmp_path, capsys):
    out = tmp_path / "r.html"
    argv = ["report", str(journey), "--lang", "en", "--out", str(out)]
    assert main([*argv, "--baseline", "decentralised/integrated"]) == 0
    assert "(decentralised / integrated:" in page(out).findings[0]
    assert main([*argv, "--baseline", "nope"]) == 2
    err = capsys.readouterr().err.strip()
    assert len(err.splitlines()) == 1 and "not a scheme/protocol of the journey" in err
