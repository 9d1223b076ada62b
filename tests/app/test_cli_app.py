"""`sdsim app`: a bad scenario or --set is one line and exit code 2, before any server starts."""

from __future__ import annotations

from model.cli.app import command
from model.cli.main import build_parser, main


def test_a_bad_scenario_is_one_line_before_any_server(capsys, tmp_path):
    assert main(["app", str(tmp_path / "missing.toml")]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and "no such file" in err[0]


def test_a_bad_setting_is_one_line(capsys, tiny_path):
    assert main(["app", str(tiny_path), "--set", "families.no_such_thing=1"]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and "no_such_thing" in err[0]


def test_the_server_is_solara_in_production_mode_on_the_port_asked():
    args = build_parser().parse_args(["app", "--port", "8999"])
    cmd = command(args)
    assert cmd[1:5] == ["-m", "solara", "run", "model.app.page"]
    assert "--production" in cmd and cmd[cmd.index("--port") + 1] == "8999"
    assert cmd[cmd.index("--host") + 1] == "localhost"
