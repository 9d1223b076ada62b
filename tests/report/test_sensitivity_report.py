"""The assumptions list the parameters that matter most when a sensitivity study is at
hand (the folder's own sensitivity.csv, or `--sensitivity SWEEP_FOLDER`), and otherwise
the parameters the scenarios change, as before."""

import json
import math
import shutil

import pandas as pd
import pytest

from model.cli.main import main
from model.report.sensitivity import Sensitivity, ranking
from tests.report.test_report_cli import page


def study(rows, method="morris"):
    index = "mu_star" if method == "morris" else "ST"
    table = pd.DataFrame(
        [{"method": method, "scenario": "s", "metric": m, "parameter": p, index: v,
          f"{index}_ci_low": v - 0.1, f"{index}_ci_high": v + 0.1} for m, p, v in rows]
    )  # fmt: skip
    return Sensitivity(folder=None, method=method, table=table)


def test_parameters_rank_by_their_largest_share_of_a_key_metric():
    # delay: p1 10, p2 5, p3 0 -> shares 1, 0.5, 0; cost: p1 0.1, p2 0.4, p3 0.3 -> 0.25, 1,
    # 0.75. Largest share: p1 1, p2 1, p3 0.75 (p1 before p2 by name).
    rows = [
        ("signal_to_care_days_mean", "p1", 10.0),
        ("signal_to_care_days_mean", "p2", 5.0),
        ("signal_to_care_days_mean", "p3", 0.0),
        ("cost_eur_full", "p1", 0.1),
        ("cost_eur_full", "p2", 0.4),
        ("cost_eur_full", "p3", 0.3),
        ("needs", "p4", 99.0),
    ]  # fmt: skip  (not a key metric: p4 never ranks high)
    ranked, used = ranking(study(rows), "s")
    assert used == ["signal_to_care_days_mean", "cost_eur_full"]
    assert list(ranked.parameter) == ["p1", "p2", "p3"]
    assert list(ranked.share) == pytest.approx([1.0, 1.0, 0.75])
    assert ranked.iloc[0]["signal_to_care_days_mean|mu_star"] == 10.0
    # Turned over: p3 now moves the delay most (20): shares p3 1, p1 max(0.5, 0.25) = 0.5,
    # p2 max(0.25, 1) = 1.
    rows[2] = ("signal_to_care_days_mean", "p3", 20.0)
    ranked, _ = ranking(study(rows), "s")
    assert list(ranked.parameter) == ["p2", "p3", "p1"]
    assert list(ranked.share) == pytest.approx([1.0, 1.0, 0.5])
    # Sobol ranks by ST the same way; the top is cut.
    ranked, _ = ranking(study(rows, "sobol"), "s", top=1)
    assert list(ranked.parameter) == ["p2"] and "cost_eur_full|ST" in ranked


def by_hand(csv: pd.DataFrame, scenario: str) -> list[str]:
    """The ranking worked out from sensitivity.csv in plain pandas."""
    t = csv[(csv.scenario == scenario)
            & csv.metric.isin(["signal_to_care_days_mean", "stories_told_per_family_mean",
                               "cost_eur_full"])]  # fmt: skip
    t = t.assign(share=t.mu_star / t.groupby("metric").mu_star.transform("max"))
    best = t.groupby("parameter").share.max().fillna(0.0)
    return sorted(best.index, key=lambda p: (-best[p], p))


def sensitivity_numbers(path):
    return [n for n in page(path).numbers if n["table"] == "sensitivity"]


@pytest.mark.parametrize("lang", ["nl", "en"])
def test_a_comparison_report_lists_the_screen_s_parameters(comparison, screen, tmp_path, lang):
    out = tmp_path / f"r.{lang}.html"
    argv = ["report", str(comparison), "--lang", lang, "--out", str(out)]
    assert main([*argv, "--sensitivity", str(screen)]) == 0
    csv = pd.read_csv(screen / "sensitivity.csv")
    html = out.read_text(encoding="utf-8")
    order = by_hand(csv, "tiny")
    shown = [p for p in order if f'data-parameter="{p}"' in html]
    assert shown == order  # all three, in the hand order
    assert [html.index(f'data-parameter="{p}"') for p in order] == sorted(
        html.index(f'data-parameter="{p}"') for p in order
    )
    numbers = sensitivity_numbers(out)
    assert len(numbers) == 3 * 3
    index = csv.set_index(["metric", "parameter"]).mu_star
    rows = html.split('data-parameter="')[1:]
    for row in rows:
        parameter = row.split('"')[0]
        for metric in ("signal_to_care_days_mean", "stories_told_per_family_mean", "cost_eur_full"):
            cell = row.split(f'data-metric="{metric}"')[1].split('data-value="')[1].split('"')[0]
            assert float(cell) == pytest.approx(index[(metric, parameter)], rel=1e-12, abs=1e-12)
    # each with the report's own value (the baseline's), the swept range and its source
    params = json.loads((comparison / "manifest.json").read_text())["scenarios"]["tiny"]
    latency = float(params["parameters"]["handover"]["region_border_latency_days"])
    swept = pd.read_csv(screen / "points.csv")["handover.region_border_latency_days"]
    assert latency.is_integer() and swept.min().is_integer() and swept.max().is_integer()
    low, high = int(swept.min()), int(swept.max())
    row = next(r for r in rows if r.startswith("handover.region_border_latency_days"))
    words = {"en": f"(swept {low} to {high})", "nl": f"(gevarieerd van {low} tot {high})"}[lang]
    assert f'<td class="num">{int(latency)} {words}</td>' in row
    # what the scenarios set differently and the valuation still follow the screen's table
    assert html.index('id="sensitivity"') < html.index('id="valuation"')
    words = {"en": "Parameters the scenarios set differently", "nl": "Parameters die de"}[lang]
    assert html.index('id="sensitivity"') < html.index(words)


def test_without_a_study_the_report_is_as_before(reports):
    html = reports["en"].read_text(encoding="utf-8")
    assert 'id="sensitivity"' not in html and "The parameters that matter most" not in html


def test_a_folder_s_own_study_is_used(comparison, screen, tmp_path):
    folder = tmp_path / "cmp"
    shutil.copytree(comparison, folder)
    for name in ("sensitivity.csv", "points.csv"):
        shutil.copy(screen / name, folder / name)
    assert main(["report", str(folder), "--lang", "en"]) == 0
    numbers = sensitivity_numbers(folder / "report.en.html")
    assert len(numbers) == 9 and all(math.isfinite(n["value"]) for n in numbers)


def test_a_journey_report_takes_a_study_too(journey, screen, tmp_path):
    out = tmp_path / "j.html"
    argv = ["report", str(journey), "--lang", "en", "--out", str(out)]
    assert main([*argv, "--sensitivity", str(screen)]) == 0
    assert len(sensitivity_numbers(out)) == 9


def test_bad_studies_are_one_line(comparison, screen, tmp_path, capsys):
    out = str(tmp_path / "r.html")
    assert main(["report", str(comparison), "--sensitivity", str(tmp_path), "--out", out]) == 2
    err = capsys.readouterr().err.strip()
    assert len(err.splitlines()) == 1 and "no sensitivity.csv" in err
    # the screen itself is no comparison: it is pointed to the option
    assert main(["report", str(screen)]) == 2
    err = capsys.readouterr().err.strip()
    assert len(err.splitlines()) == 1 and "--sensitivity" in err
