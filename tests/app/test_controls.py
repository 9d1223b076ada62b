"""The app's controls follow the parameters' declarations (model/scenario/)."""

from __future__ import annotations

import typing

import pytest
from pydantic import Field

from model.app.controls import SHOWN, controls, defaults, expand
from model.scenario import P, Scenario, SchemeOptions, load_scenario
from model.scenario.domains import DOMAIN_DEFAULTS
from model.vocabulary import DOMAINS, PROTOCOLS


def test_each_control_says_what_its_declaration_says(tiny):
    for c in controls(tiny):
        owner: typing.Any = tiny
        *parents, name = c.path.split(".")
        for part in parents:
            owner = getattr(owner, part)
        field = type(owner).model_fields[name]
        extra = field.json_schema_extra
        assert c.default == getattr(owner, name)
        assert c.unit == extra["unit"] and c.doc == field.description
        if parents[:1] == ["domains"] and name in DOMAIN_DEFAULTS[parents[1]]:
            assert c.source == DOMAIN_DEFAULTS[parents[1]][name][1]
        else:
            assert c.source == extra["source"]
        assert c.source and c.source in c.tooltip and c.doc in c.tooltip
        if c.kind in ("int", "float"):
            assert c.low <= c.default <= c.high
            for bound in field.metadata:  # the slider stays inside the declared range
                if hasattr(bound, "ge"):
                    assert c.low >= bound.ge
                if hasattr(bound, "gt"):
                    assert c.low > bound.gt
                if hasattr(bound, "le"):
                    assert c.high <= bound.le
        if c.kind == "select":
            assert c.values == typing.get_args(field.annotation)


def test_the_shown_list_covers_the_briefs_parameters_and_every_scheme_option(tiny):
    paths = [c.path for c in controls(tiny)]
    assert paths[:2] == ["scheme", "protocol"]
    # every scheme option, a scheme's own rules (pooling, rule books) field by field
    expected = []
    for f, info in SchemeOptions.model_fields.items():
        sub = getattr(info.annotation, "model_fields", None)
        expected += [f"schemes.{f}.{g}" for g in sub] if sub else [f"schemes.{f}"]
    assert expected == [p for p in paths if p.startswith("schemes.")]
    assert [f"domains.{d}.{f}" for f in ("fte_per_100k", "team_fte") for d in DOMAINS] == [
        p for p in paths if p.startswith("domains.")
    ]
    for p in ("families.motivation_decay_days", "warmup_days"):
        assert p in paths
    assert len(SHOWN) == len(set(SHOWN))


@pytest.mark.parametrize("protocol", PROTOCOLS)
def test_protocol_controls_follow_the_chosen_protocol(tiny, protocol):
    shown = {c.path: c.default for c in controls(tiny, protocol)}
    table = getattr(tiny.protocols, protocol)
    assert shown[f"protocols.{protocol}.transfer_latency_days"] == table.transfer_latency_days
    assert shown[f"protocols.{protocol}.municipal_decision"] == table.municipal_decision
    assert not [p for p in shown if p.startswith("protocols.") and f".{protocol}." not in p]
    assert defaults(tiny)[f"protocols.{protocol}.transfer_latency_days"] == (
        table.transfer_latency_days
    )


def test_a_new_scheme_mechanism_gets_its_control_by_itself(tiny_path):
    """A parameter declared under `schemes` (a pooling threshold, say) appears with its own
    unit, range and source, and nothing in model/app changes."""

    class Pooling(SchemeOptions):
        pool_below_fte: float = P(
            4.0, unit="FTE", source="a test", ge=0, le=50, doc="teams this small are pooled"
        )
        pooling: bool = P(False, unit="-", source="a test", doc="pool small teams")

    class Future(Scenario):
        schemes: Pooling = Field(default_factory=Pooling)

    sc = Future.model_validate(load_scenario(tiny_path).model_dump())
    new = {c.path: c for c in controls(sc)}
    assert new["schemes.pool_below_fte"].kind == "float"
    assert new["schemes.pool_below_fte"].unit == "FTE"
    assert (new["schemes.pool_below_fte"].low, new["schemes.pool_below_fte"].high) == (0, 12)
    assert "a test" in new["schemes.pool_below_fte"].tooltip
    assert new["schemes.pooling"].kind == "checkbox"
    assert expand(Future, "schemes.*")[-2:] == ["schemes.pool_below_fte", "schemes.pooling"]


def test_an_unknown_path_in_the_list_is_an_error():
    with pytest.raises(KeyError, match="no parameter"):
        expand(Scenario, "families.no_such_thing")
