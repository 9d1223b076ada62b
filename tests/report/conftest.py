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
