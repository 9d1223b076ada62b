"""`sdsim export` and `sdsim process` end to end, and what they do with bad input."""

import pandas as pd
import pytest

from model.cli.main import main


@pytest.fixture(scope="module")
def run_folder(tmp_path_factory):
    from tests.conftest import DATA

    out = tmp_path_factory.mktemp("export") / "run"
    assert main(["run", str(DATA / "tiny.toml"), "--years", "0.2", "--out", str(out)]) == 0
    return out


def test_export_csv_and_xes_of_a_run(run_folder, capsys):
    assert main(["export", str(run_folder), "--format", "csv"]) == 0
    table = pd.read_csv(run_folder / "events_log.csv")
    events = pd.read_parquet(run_folder / "events.parquet")
    assert len(table) == int((events["family"] >= 0).sum())
    assert table["time:timestamp"].min().startswith("2025-01-01")
    pytest.importorskip("pm4py")
    out = run_folder / "need.xes"
    assert main(["export", str(run_folder), "--case", "need", "--out", str(out)]) == 0
    assert out.stat().st_size > 0 and f"as xes in {out}" in capsys.readouterr().out


def test_process_maps_and_variants_of_a_run(run_folder, capsys):
    assert main(["process", str(run_folder), "--top", "2"]) == 0
    printed = capsys.readouterr().out
    assert "need paths" in printed and "need arises → signal" in printed
    names = {p.name for p in (run_folder / "process").iterdir()}
    assert {"process_map_tiny.png", "process_map_tiny.svg", "variants_tiny.csv"} <= names
    variants = pd.read_csv(run_folder / "process" / "variants_tiny.csv")
    assert variants["share"].sum() == pytest.approx(1.0)


def test_compare_keeps_event_logs_for_a_side_by_side_map(tiny_path, tmp_path, capsys):
    coop = tmp_path / "coop.toml"
    coop.write_text(
        tiny_path.read_text().replace('name = "tiny"', 'name = "coop"')
        .replace('protocol = "referral"', 'protocol = "integrated"')
    )  # fmt: skip
    out = tmp_path / "cmp"
    args = ["compare", str(tiny_path), str(coop), "--years", "0.1", "--replications", "2"]
    assert main([*args, "--workers", "1", "--events", "--out", str(out)]) == 0
    assert len(list((out / "runs").glob("*/*.events.parquet"))) == 4
    assert main(["process", str(out)]) == 0
    assert (out / "process" / "process_maps.png").is_file()
    assert main(["export", str(out), "--format", "csv"]) == 0
    table = pd.read_csv(out / "events_log.csv")
    assert set(table["scenario"]) == {"tiny", "coop"} and set(table["replication"]) == {0, 1}
    # One run's log, from the measured years, as its own file.
    per = tmp_path / "per"
    argv = ["export", str(out), "--per-run", "--format", "csv", "--out", str(per)]
    assert main([*argv, "--scenario", "coop", "--replication", "1", "--period", "measured"]) == 0
    assert [p.name for p in per.iterdir()] == ["coop_r1.csv"]
    one = pd.read_csv(per / "coop_r1.csv")
    run = table[(table["scenario"] == "coop") & (table["replication"] == 1)]
    assert set(one["family"]) < set(run["family"])  # the warm-up's families left out
    # A family arrives with its first signal (or, never signalled, its first record).
    first = run.groupby("family")["day"].min()
    signalled = run[run["kind"] == "signal"].groupby("family")["day"].min()
    arrival = signalled.reindex(first.index).fillna(first)
    assert set(one["family"]) == set(arrival.index[arrival >= 60.0])  # tiny.toml's warm-up


@pytest.mark.parametrize(
    "argv, message",
    [
        (["export", "{tmp}/nowhere"], "is not a results folder"),
        (["process", "{tmp}"], "has no events.parquet"),
        (["process", "{run}", "--min-share", "1.5"], "--min-share 1.5"),
        (["export", "{run}", "--scenario", "nope"], "--scenario nope: {run} holds tiny"),
        (["process", "{run}", "--replication", "3"], "--replication 3: {run} holds replications 0"),
    ],
)
def test_bad_input_gives_one_line_and_exit_2(run_folder, tmp_path, capsys, argv, message):
    argv = [a.format(tmp=tmp_path, run=run_folder) for a in argv]
    message = message.format(run=run_folder)
    assert main(argv) == 2
    err = capsys.readouterr().err.strip()
    assert len(err.splitlines()) == 1 and err.startswith("sdsim: error: ") and message in err
