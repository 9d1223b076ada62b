"""The command line end to end, and what it does with bad input."""

import json
import subprocess
import sys

import pandas as pd
import pytest

from model.cli.main import main

REQUIRED = (
    "families",
    "signals",
    "handovers",
    "handover_delay_days_mean",
    "handover_delay_days_p50",
    "handover_delay_days_p90",
    "signal_to_care_days_mean",
    "signal_to_care_days_p50",
    "signal_to_care_days_p90",
    "intakes_per_family_mean",
    "redundant_intakes",
    "stories_told_per_family_mean",
    "organisations_per_family_mean",
    "border_crossings",
    "coordination_hours",
    "admin_hours_share",
    "escalations",
    "repeat_report_share",
    "unmet_need_share",
    "cost_eur_total",
    "cost_eur_per_family",
    "littles_law_max_rel_error",
)


def test_run_writes_a_complete_results_folder(tiny_path, tmp_path, capsys):
    out = tmp_path / "res"
    assert main(["run", str(tiny_path), "--out", str(out), "--seed", "3"]) == 0
    assert "results in" in capsys.readouterr().out
    summary = json.loads((out / "summary.json").read_text())
    assert set(REQUIRED) <= set(summary)
    manifest = json.loads((out / "manifest.json").read_text())
    assert manifest["seeds"] == [3]
    assert (
        "tiny" in manifest["scenarios"] and 'name = "tiny"' in manifest["scenarios"]["tiny"]["text"]
    )
    assert manifest["scenarios"]["tiny"]["parameters"]["domains"]["youth"]["intake_hours"] == 4.0
    assert {"mesa", "numpy", "python"} <= set(manifest["packages"])
    assert "commit" in manifest["git"]
    events = pd.read_parquet(out / "events.parquet")
    assert {"time", "kind", "family", "organisation", "domain", "region"} <= set(events.columns)
    # A metric checked by hand against the log.
    assert summary["signals"] == int(((events.kind == "signal") & (events.time >= 60)).sum())
    assert summary["handovers"] == int(
        ((events.kind == "handover_sent") & (events.time >= 60)).sum()
    )
    ts = pd.read_csv(out / "timeseries.csv")
    assert len(ts) == 6 and ts["signals"].sum() == summary["signals"]
    assert sorted(p.name for p in (out / "figures").iterdir()) == [
        "signal_to_care.png",
        "time_use.png",
        "timeseries.png",
    ]


def test_set_and_years_override(tiny_path, tmp_path):
    out = tmp_path / "res"
    assert (
        main(
            [
                "run",
                str(tiny_path),
                "--out",
                str(out),
                "--years",
                "0.25",
                "--set",
                'protocol="integrated"',
                "--set",
                "domains.youth.intake_hours=5",
            ]
        )
        == 0
    )
    params = json.loads((out / "manifest.json").read_text())["scenarios"]["tiny"]["parameters"]
    assert params["years"] == 0.25 and params["protocol"] == "integrated"
    assert params["domains"]["youth"]["intake_hours"] == 5


def test_compare_writes_paired_table(tiny_path, tmp_path, capsys):
    other = tmp_path / "tiny_integrated.toml"
    other.write_text(
        tiny_path.read_text()
        .replace('name = "tiny"', 'name = "tiny_integrated"')
        .replace('protocol = "referral"', 'protocol = "integrated"')
    )
    out = tmp_path / "cmp"
    assert (
        main(
            [
                "compare",
                str(tiny_path),
                str(other),
                "--replications",
                "2",
                "--workers",
                "1",
                "--out",
                str(out),
                "--years",
                "0.3",
            ]
        )
        == 0
    )
    table = pd.read_csv(out / "comparison.csv")
    assert list(table.columns) == ["scenario", "metric", "mean", "ci_low", "ci_high", "n"]
    stories = table[table.metric == "stories_told_per_family_mean"].set_index("scenario")["mean"]
    assert stories["tiny_integrated"] < stories["tiny"]
    diffs = pd.read_csv(out / "differences.csv")
    assert set(diffs["scenario"]) == {"tiny_integrated"} and set(diffs["baseline"]) == {"tiny"}
    runs = pd.read_csv(out / "runs.csv")
    assert len(runs) == 4
    # Common random numbers: both scenarios' replication r met the same families.
    fams = runs.pivot(index="replication", columns="scenario", values="families")
    assert (fams["tiny"] == fams["tiny_integrated"]).all()
    assert (out / "figures" / "compare_key_metrics.png").exists()
    assert "stories_told_per_family_mean" in capsys.readouterr().out


@pytest.mark.parametrize(
    "edit, field, allowed",
    [
        ("bogus = 1\n", "bogus", "allowed: "),
        ('[domains.youth]\nintake_hours = "four"\n', "domains.youth.intake_hours", "number"),
        (
            "[domains.youth]\nintake_hours = -1\n",
            "domains.youth.intake_hours",
            "greater than or equal to 0",
        ),
        ("[synthetic]\nmisalignment = 2\n", "synthetic.misalignment", "less than or equal to 1"),
        ("[domains.youth]\ncolour = 3\n", "domains.youth.colour", "allowed: "),
    ],
)
def test_bad_scenario_gives_one_line_and_exit_2(tmp_path, capsys, edit, field, allowed):
    path = tmp_path / "bad.toml"
    body = 'name = "bad"\nscheme = "patchwork"\n'
    if edit.startswith("["):
        path.write_text(body + edit)
    else:
        path.write_text(edit + body)
    assert main(["run", str(path), "--out", str(tmp_path / "o")]) == 2
    err = capsys.readouterr().err.strip()
    assert len(err.splitlines()) == 1
    assert str(path) in err and field in err and allowed in err
    assert not (tmp_path / "o").exists()


def test_bad_choice_names_what_is_allowed(tmp_path, capsys):
    path = tmp_path / "bad.toml"
    path.write_text('scheme = "federal"\n')
    assert main(["run", str(path)]) == 2
    err = capsys.readouterr().err
    assert "scheme" in err and "'patchwork'" in err and "'aligned'" in err


def test_missing_file_and_broken_toml(tmp_path, capsys):
    assert main(["run", str(tmp_path / "nope.toml")]) == 2
    assert "no such file" in capsys.readouterr().err
    broken = tmp_path / "broken.toml"
    broken.write_text("name = \n")
    assert main(["run", str(broken)]) == 2
    assert "not valid TOML" in capsys.readouterr().err


def test_failed_run_leaves_existing_results_intact(tiny_path, tmp_path, monkeypatch):
    out = tmp_path / "res"
    assert main(["run", str(tiny_path), "--out", str(out)]) == 0
    before = (out / "summary.json").read_text()

    def boom(*args, **kwargs):
        raise RuntimeError("disk full")

    monkeypatch.setattr("model.output.run_folder.run_figures", boom)
    with pytest.raises(RuntimeError):
        main(["run", str(tiny_path), "--out", str(out), "--seed", "99"])
    assert (out / "summary.json").read_text() == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["res"]  # no half-written folders left


def test_installed_entry_points(tiny_path, tmp_path):
    """`python -m model` and the `sdsim` script behave like main()."""
    r = subprocess.run(
        [sys.executable, "-m", "model", "run", str(tmp_path / "missing.toml")],
        capture_output=True,
        text=True,
    )
    assert r.returncode == 2 and "Traceback" not in r.stderr and "no such file" in r.stderr
    r = subprocess.run([sys.executable, "-m", "model", "--version"], capture_output=True, text=True)
    assert r.returncode == 0 and "sdsim" in r.stdout


def test_parameter_document_is_up_to_date():
    """docs/parameters.md is generated from the schema; regenerate with `sdsim params`."""
    from model.scenario.paramdoc import render
    from tests.conftest import ROOT

    assert (ROOT / "docs" / "parameters.md").read_text(encoding="utf-8") == render(), (
        "docs/parameters.md is stale: run `sdsim params > docs/parameters.md`"
    )


def test_every_parameter_has_unit_and_source():
    from model.scenario.paramdoc import render

    for line in render().splitlines():
        if line.startswith("| `"):
            cells = [c.strip() for c in line.strip("|").split("|")]
            assert cells[2] and cells[4], f"unit or source missing: {line}"
