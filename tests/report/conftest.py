"""One small comparison for every report test: the tiny country, half a year, three
replications of today's referral protocol, the integrated one and a redraw at day 30
(about 10 s on one core)."""

import shutil
from pathlib import Path

import pytest

from model.cli.main import main

DATA = Path(__file__).resolve().parent.parent / "data"


@pytest.fixture(scope="session")
def comparison(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("report")
    tiny = (DATA / "tiny.toml").read_text()
    integrated = root / "tiny_integrated.toml"
    integrated.write_text(
        tiny.replace('name = "tiny"', 'name = "tiny_integrated"').replace(
            'protocol = "referral"', 'protocol = "integrated"'
        )
    )
    reorg = root / "tiny_reorg.toml"
    reorg.write_text(
        tiny.replace('name = "tiny"', 'name = "tiny_reorg"')
        + '\n[[reorganisation]]\nat_day = 30\nscheme = "aligned"\n'
    )
    out = root / "cmp"
    argv = ["compare", str(DATA / "tiny.toml"), str(integrated), str(reorg)]
    argv += ["--replications", "3", "--workers", "1", "--out", str(out)]
    assert main(argv) == 0
    # Stand-ins for `sdsim process`'s maps (drawing them from event logs is tested with that
    # command, and would double this fixture's time): the report picks up what is there.
    (out / "process").mkdir()
    for name in ("tiny", "tiny_integrated", "tiny_reorg"):
        shutil.copy(out / "figures" / "compare_key_metrics.png",
                    out / "process" / f"process_map_{name}.png")  # fmt: skip
    return out


@pytest.fixture(scope="session")
def reports(comparison) -> dict[str, Path]:
    """The Dutch report with its PDF, and the English one."""
    assert main(["report", str(comparison), "--pdf"]) == 0
    assert main(["report", str(comparison), "--lang", "en"]) == 0
    return {"nl": comparison / "report.html", "en": comparison / "report.en.html"}


JOURNEY = """
[journey]
label = "A test family"
municipality = "GM0003"
start_day = 5
schemes = ["patchwork", "decentralised"]
protocols = ["referral", "integrated"]
replications = 3

[[journey.signals]]
day = 0
entry = "wijkteam"
source = "school"
needs = [
  { domain = "wijkteam", severity = 1, who = "sister" },
  { domain = "youth", severity = 2, who = "the boy" },
]

[[journey.signals]]
day = 14
entry = "vt"
source = "police"
needs = [{ domain = "vt", severity = 2, who = "safety at home" }]
"""


@pytest.fixture(scope="session")
def journey(tmp_path_factory) -> Path:
    """A scripted family on the tiny country: two schemes x two protocols x three worlds
    (12 runs, about 12 s on one core), with its Dutch report (and PDF) and English one."""
    root = tmp_path_factory.mktemp("journey")
    scenario = root / "tiny_journey.toml"
    scenario.write_text(
        (DATA / "tiny.toml").read_text().replace('name = "tiny"', 'name = "tiny_journey"') + JOURNEY
    )
    out = root / "journey"
    assert main(["journey", str(scenario), "--workers", "1", "--out", str(out)]) == 0
    assert main(["report", str(out), "--pdf"]) == 0
    assert main(["report", str(out), "--lang", "en"]) == 0
    return out


@pytest.fixture(scope="session")
def screen(tmp_path_factory) -> Path:
    """A tiny Morris screen (tests/data/sensitivity_tiny.toml: 8 runs of a quarter year)."""
    out = tmp_path_factory.mktemp("screen") / "screen"
    argv = ["sweep", str(DATA / "sensitivity_tiny.toml"), "--workers", "1", "--out", str(out)]
    assert main(argv) == 0
    return out
