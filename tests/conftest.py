from pathlib import Path

import pytest
from hypothesis import settings

from model.scenario import Scenario, load_scenario

# Property tests draw the same examples on every machine and every run (derandomize), so a
# failure in CI is a failure here too; a failing example is printed with its blob to replay
# it (@reproduce_failure). Always on: the suite is a check, not a search.
settings.register_profile("sdsim", derandomize=True, print_blob=True)
settings.load_profile("sdsim")

DATA = Path(__file__).parent / "data"
ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture
def tiny() -> Scenario:
    return load_scenario(DATA / "tiny.toml")


@pytest.fixture
def tiny_path() -> Path:
    return DATA / "tiny.toml"
