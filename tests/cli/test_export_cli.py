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


@pytest.mark.parametrize(
    "argv, message",
    [
        (["export", "{tmp}/nowhere"], "is not a results folder"),
        (["process", "{tmp}"], "has no events.parquet"),
        (["process", "{run}", "--min-share", "1.5"], "--min-share 1.5"),
    ],
)
def test_bad_input_gives_one_line_and_exit_2(run_folder, tmp_path, capsys, argv, message):
    argv = [a.format(tmp=tmp_path, run=run_folder) for a in argv]
    assert main(argv) == 2
    err = capsys.readouterr().err.strip()
    assert len(err.splitlines()) == 1 and err.startswith("sdsim: error: ") and message in err
