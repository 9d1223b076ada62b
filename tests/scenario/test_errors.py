"""The scenario layer's error lines: every problem in a scenario file is one line naming
the file, the field and what is allowed. These are unit tests of `model.scenario` alone
(no run, no command line); the lines are the ones a user sees after `sdsim: error: `."""

from __future__ import annotations

import pytest

from model.scenario import (
    Scenario,
    ScenarioError,
    apply_overrides,
    load_scenario,
    read_toml,
    scenario_from_dict,
)


def error_of(path, text: str, overrides: dict | None = None) -> str:
    path.write_text(text, encoding="utf-8")
    with pytest.raises(ScenarioError) as info:
        load_scenario(path, overrides)
    line = str(info.value)
    assert "\n" not in line, line
    return line


def test_unknown_top_level_key_lists_the_allowed_keys(tmp_path):
    f = tmp_path / "s.toml"
    line = error_of(f, "colour = 1\n")
    allowed = ", ".join(sorted(Scenario.model_fields))
    assert line == f"{f}: colour: unknown key (allowed: {allowed})"


def test_unknown_key_in_a_domain_lists_that_table_s_keys(tmp_path):
    f = tmp_path / "s.toml"
    line = error_of(f, "[domains.youth]\ncolour = 3\n")
    assert line.startswith(f"{f}: domains.youth.colour: unknown key (allowed: ")
    assert "intake_hours" in line and "fte_per_100k" in line


def test_unknown_key_in_a_list_of_tables(tmp_path):
    """[[reorganisation]] entries are numbered from 0 in the path; the keys are its table's."""
    f = tmp_path / "s.toml"
    line = error_of(f, "years = 3\n[[reorganisation]]\nat_year = 1\nscheme = 'aligned'\nhue = 1\n")
    assert line.startswith(f"{f}: reorganisation.0.hue: unknown key (allowed: ")
    assert "at_year" in line and "scheme" in line
    # Splitting one social team into columns again is not modelled: the way there only.
    back = "years = 3\n[[reorganisation]]\nat_year = 1\ncolumns = 'separate'\n"
    assert error_of(f, back) == f"{f}: reorganisation.0.columns: Input should be 'integrated'"
    nothing = "years = 3\n[[reorganisation]]\nat_year = 1\n"
    assert error_of(f, nothing).endswith(
        "give a scheme (and/or schemes options), a protocol or columns to change to"
    )


def test_wrong_type_and_out_of_range(tmp_path):
    f = tmp_path / "s.toml"
    assert error_of(f, '[domains.youth]\nintake_hours = "four"\n') == (
        f"{f}: domains.youth.intake_hours: Input should be a valid number, "
        "unable to parse string as a number"
    )
    assert error_of(f, "[domains.youth]\nintake_hours = -1\n") == (
        f"{f}: domains.youth.intake_hours: Input should be greater than or equal to 0"
    )
    assert error_of(f, "years = 0\n") == f"{f}: years: Input should be greater than 0"


def test_a_choice_names_every_allowed_value(tmp_path):
    f = tmp_path / "s.toml"
    line = error_of(f, 'scheme = "federal"\n')
    assert line == (
        f"{f}: scheme: Input should be 'patchwork', 'centralised', 'decentralised', 'aligned' "
        "or 'cooperating'"
    )


def test_more_problems_are_counted_not_listed(tmp_path):
    f = tmp_path / "s.toml"
    line = error_of(f, "years = 0\nseed = -1\n")
    assert line.endswith("(and 1 more problem(s))")


def test_rules_across_fields(tmp_path):
    f = tmp_path / "s.toml"
    assert error_of(f, 'geography = "mars"\n') == (
        f"{f}: (top level): unknown geography 'mars'; allowed: csv, nl-2023, synthetic"
    )
    assert error_of(f, 'geography = "csv"\n') == (
        f"{f}: (top level): geography 'csv' needs map.csv, the file of municipalities"
    )
    assert error_of(f, "years = 2\n[[reorganisation]]\nat_year = 3\nscheme = 'aligned'\n") == (
        f"{f}: reorganisation: entry 1 at day 1095 of the measured period: must be before "
        "its end (years = 2, 730 days)"
    )


def test_file_problems(tmp_path):
    missing = tmp_path / "nope.toml"
    with pytest.raises(ScenarioError, match=r"nope.toml: no such file$"):
        read_toml(missing)
    broken = tmp_path / "broken.toml"
    broken.write_text("name = \n")
    with pytest.raises(ScenarioError, match=r"broken.toml: not valid TOML: "):
        read_toml(broken)
    latin = tmp_path / "latin.toml"
    latin.write_bytes('name = "Sn\xeak"\n'.encode("latin-1"))
    with pytest.raises(ScenarioError, match=r"latin.toml: not a UTF-8 text file$"):
        read_toml(latin)


def test_overrides_are_dotted_paths_and_are_validated_like_the_file(tmp_path):
    f = tmp_path / "s.toml"
    f.write_text("years = 1\n")
    sc = load_scenario(f, {"domains.youth.intake_hours": 5.0, "years": 2})
    assert sc.domains.youth.intake_hours == 5.0 and sc.years == 2
    assert sc.name == "s"  # the file's stem
    line = error_of(f, "years = 1\n", {"domains.youth.intake_hours": -2})
    assert line == f"{f}: domains.youth.intake_hours: Input should be greater than or equal to 0"
    with pytest.raises(ScenarioError, match=r"^override years.x: years is not a table$"):
        apply_overrides({"years": 1}, {"years.x": 2})


def test_a_dict_source_names_itself():
    with pytest.raises(ScenarioError) as info:
        scenario_from_dict({"years": -1}, "--set")
    assert str(info.value) == "--set: years: Input should be greater than 0"


def test_replace_validates_again():
    sc = scenario_from_dict({})
    assert sc.replace(years=3.0).years == 3.0
    with pytest.raises(ScenarioError, match=r"^<scenario>: years: Input should be greater than 0$"):
        sc.replace(years=0)
