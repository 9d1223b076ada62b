from pathlib import Path

import pytest

from model.scenario import Scenario, load_scenario

DATA = Path(__file__).parent / "data"
ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture
def tiny() -> Scenario:
    return load_scenario(DATA / "tiny.toml")


@pytest.fixture
def tiny_path() -> Path:
    return DATA / "tiny.toml"
