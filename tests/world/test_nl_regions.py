"""The real Dutch map: counts, population, Hattem, coverage under every scheme, and what a
user's own file gets told when it is wrong."""

import csv
import json
import re
from pathlib import Path

import numpy as np
import pytest

from model.cli.main import main
from model.scenario import ScenarioError, load_scenario, scenario_from_dict
from model.vocabulary import DOMAINS
from model.world.build import build_geography
from model.world.dutch_map import NL_2023
from model.world.schemes import catchments

SCHEMES = ("patchwork", "centralised", "decentralised", "aligned")


@pytest.fixture(scope="module")
def nl():
    return build_geography(scenario_from_dict({"geography": "nl-2023"}))


def test_counts_and_population_of_the_2023_map(nl):
    assert nl.n == 342
    assert {d: len(rs) for d, rs in nl.patchwork.items()} == {"youth": 42, "vt": 25, "shelter": 43}
    assert len(nl.alternatives["ggd"]) == 25
    assert len(nl.province_names) == 12
    assert int(nl.population.sum()) == 17_590_672
    # positions are the label points in km (RD / 1000): the country is ~ 260 x 310 km
    assert np.ptp(nl.xy_km[:, 0]) < 270 and np.ptp(nl.xy_km[:, 1]) < 320


def test_hattem(nl):
    h = nl.index_of("Hattem")
    assert nl.codes[h] == "GM0244" and nl.index_of("gm0244") == h
    assert nl.province_names[nl.province[h]] == "Gelderland"
    assert nl.patchwork["youth"].codes[nl.patchwork["youth"].member[h]] == "JZ17"
    assert nl.patchwork["vt"].codes[nl.patchwork["vt"].member[h]] == "VT14"
    assert int(nl.population[h]) == 12_307


def test_shelter_rule_is_inside_provinces_and_in_the_manifest_notes(nl):
    sh = nl.patchwork["shelter"]
    for r in range(len(sh)):
        assert len(set(nl.province[sh.municipalities_of(r)])) == 1
    # each province's most populous municipality is a centre
    for p in range(len(nl.province_names)):
        idx = np.flatnonzero(nl.province == p)
        largest = idx[np.argmax(nl.population[idx])]
        assert sh.codes[sh.member[largest]] == "SH" + nl.codes[largest][2:]
    assert any("shelter regions are an ASSUMPTION" in n for n in nl.notes)


def test_shelter_rule_can_nest_in_the_veilig_thuis_regions():
    sc = scenario_from_dict({"geography": "nl-2023", "map": {"shelter_regions_within": "vt"}})
    geo = build_geography(sc)
    sh, vt = geo.patchwork["shelter"], geo.patchwork["vt"]
    assert len(sh) == 43
    for r in range(len(sh)):
        assert len(set(vt.member[sh.municipalities_of(r)])) == 1
    with pytest.raises(ScenarioError, match=r"map.shelter_regions: 20 \(allowed: from the 25 vt"):
        build_geography(sc.replace(**{"map.shelter_regions": 20}))


@pytest.mark.parametrize("geography", ["synthetic", "nl-2023"])
@pytest.mark.parametrize("scheme", SCHEMES)
def test_every_municipality_is_served_in_every_domain(geography, scheme):
    for level in ("province", "national"):
        for aligned in ("youth", "vt", "shelter") + (("ggd",) if geography == "nl-2023" else ()):
            sc = scenario_from_dict(
                {
                    "geography": geography,
                    "scheme": scheme,
                    "schemes": {"centralised_level": level, "aligned_to": aligned},
                }
            )
            geo = build_geography(sc)
            regions = catchments(geo, scheme, sc.schemes)
            assert set(regions) == set(DOMAINS)
            for rs in regions.values():
                assert len(rs.member) == geo.n
                assert ((rs.member >= 0) & (rs.member < len(rs))).all()
                assert (np.bincount(rs.member, minlength=len(rs)) > 0).all()


def test_aligned_to_ggd_needs_a_map_with_ggd_regions(tiny):
    sc = tiny.replace(scheme="aligned", **{"schemes.aligned_to": "ggd"})
    with pytest.raises(ScenarioError, match="schemes.aligned_to.*no 'ggd' regions"):
        catchments(build_geography(sc), "aligned", sc.schemes)


def test_population_scale_scales_families_not_the_map():
    sc = scenario_from_dict({"geography": "nl-2023", "population_scale": 0.1})
    scaled, real = build_geography(sc), build_geography(sc, scaled=False)
    assert scaled.population.sum() == pytest.approx(1_759_067.2)
    assert real.population.sum() == 17_590_672
    assert any("population_scale = 0.1" in n for n in scaled.notes)
    with pytest.raises(ScenarioError, match="population_scale"):
        scenario_from_dict({"population_scale": 0})


# ----------------------------------------------------------------------------- own files
def _rows():
    with NL_2023.open(encoding="utf-8") as fh:
        return list(csv.DictReader(fh))


def _write(path: Path, rows, columns=None, delimiter=","):
    columns = columns or list(rows[0])
    with path.open("w", encoding="utf-8", newline="") as fh:
        w = csv.DictWriter(fh, columns, delimiter=delimiter, extrasaction="ignore")
        w.writeheader()
        w.writerows(rows)
    return path


def _scenario(tmp_path, csv_name="own.csv", **extra_map):
    text = f'geography = "csv"\n[map]\ncsv = "{csv_name}"\n' + "".join(
        f'{k} = "{v}"\n' for k, v in extra_map.items()
    )
    path = tmp_path / "own.toml"
    path.write_text(text, encoding="utf-8")
    return path


def test_own_csv_with_the_same_columns_works_and_paths_are_read_beside_the_scenario(tmp_path):
    rows = _rows()
    for r in rows:  # a what-if: Hattem's youth region merged into its neighbour
        if r["jz_code"] == "JZ17":
            r["jz_code"], r["jz_naam"] = "JZ12", "Noord-Veluwe"
    _write(tmp_path / "own.csv", rows, delimiter=";")  # as Dutch spreadsheets save it
    geo = build_geography(load_scenario(_scenario(tmp_path)))
    assert geo.n == 342 and len(geo.patchwork["youth"]) == 41
    h = geo.index_of("Hattem")
    assert geo.patchwork["youth"].codes[geo.patchwork["youth"].member[h]] == "JZ12"


@pytest.mark.parametrize(
    ("edit", "message"),
    [
        (
            lambda rows: rows.__setitem__(5, {**rows[5], "gm_code": rows[2]["gm_code"]}),
            r"row 7, column gm_code: duplicate code GM0037 \(also on row 4\)",
        ),
        (
            lambda rows: rows[9].__setitem__("population", ""),
            r"row 11, column population: missing population",
        ),
        (
            lambda rows: rows[9].__setitem__("population", "-12"),
            r"row 11, column population: -12 \(allowed: a whole number >= 1\)",
        ),
        (
            lambda rows: rows[3].__setitem__("vt_code", ""),
            r"row 5, column vt_code: municipality GM0047 has no vt region",
        ),
        (
            lambda rows: rows[20].__setitem__("jz_naam", "Nowhere"),
            r"row 22, column jz_naam: youth region JZ\d\d is called 'Nowhere' here but '.+' on row \d+",
        ),
        (
            lambda rows: rows[4].__setitem__("x_rd", "far"),
            r"row 6, column x_rd: 'far' is not a number",
        ),
    ],
)
def test_own_csv_errors_name_file_row_and_column(tmp_path, capsys, edit, message):
    rows = _rows()
    edit(rows)
    own = _write(tmp_path / "own.csv", rows)
    scenario = _scenario(tmp_path)
    assert main(["regions", "--scenario", str(scenario)]) == 2
    err = capsys.readouterr().err.strip()
    assert len(err.splitlines()) == 1
    assert err.startswith(f"sdsim: error: {own}: ")
    assert re.search(message, err), err


def test_own_csv_missing_column_and_missing_file(tmp_path):
    rows = _rows()
    _write(tmp_path / "own.csv", rows, columns=[c for c in rows[0] if c != "vt_naam"])
    with pytest.raises(ScenarioError, match=r"own.csv: row 1: missing column\(s\) vt_naam"):
        build_geography(load_scenario(_scenario(tmp_path)))
    with pytest.raises(ScenarioError, match="nope.csv: no such file"):
        build_geography(load_scenario(_scenario(tmp_path, "nope.csv")))
    with pytest.raises(ScenarioError, match="geography 'csv' needs map.csv"):
        scenario_from_dict({"geography": "csv"})


def test_own_shelter_regions_replace_the_rule(tmp_path):
    rows = _rows()
    shelter = [
        {"gm_code": r["gm_code"], "sh_code": "SH-" + r["pv_code"], "sh_naam": r["pv_naam"]}
        for r in rows
    ]
    own = _write(tmp_path / "shelter.csv", shelter)
    sc = scenario_from_dict({"geography": "nl-2023", "map": {"shelter_regions_csv": str(own)}})
    geo = build_geography(sc)
    assert len(geo.patchwork["shelter"]) == 12
    assert not any("ASSUMPTION" in n for n in geo.notes)
    # an unknown municipality, and one left without a shelter region
    _write(own, [*shelter[:-1], {**shelter[0], "gm_code": "GM9999"}])
    with pytest.raises(
        ScenarioError, match=r"row 343, column gm_code: unknown municipality 'GM9999'"
    ):
        build_geography(sc)
    _write(own, shelter[:-1])
    with pytest.raises(
        ScenarioError, match=r"shelter.csv: column gm_code: no shelter region for GM"
    ):
        build_geography(sc)


# ----------------------------------------------------------------------------- sdsim regions
def test_regions_command_for_hattem(capsys):
    assert main(["regions", "--municipality", "Hattem", "--json"]) == 0
    report = json.loads(capsys.readouterr().out)
    assert report["municipality"]["code"] == "GM0244"
    assert report["regions"]["youth"]["code"] == "JZ17"
    assert report["regions"]["youth"]["name"] == "Midden IJssel / Oost Veluwe"
    assert report["regions"]["vt"]["code"] == "VT14"
    assert report["regions"]["wijkteam"]["code"] == "GM0244"
    assert report["shelter_elsewhere"]["seat"] == "Zwolle"  # the mother's shelter, for safety
    assert report["shelter_elsewhere"]["seat_province"] == "Overijssel"
    assert main(["regions", "--municipality", "GM0244"]) == 0
    text = capsys.readouterr().out
    assert "JZ17" in text and "Noord- en Oost-Gelderland" in text


def test_regions_command_counts_and_unknown_municipality(capsys):
    assert main(["regions", "--json"]) == 0
    report = json.loads(capsys.readouterr().out)
    assert report["municipalities"] == 342 and report["inhabitants"] == 17_590_672
    assert report["regions"] == {"wijkteam": 342, "youth": 42, "vt": 25, "shelter": 43,
                                 "wmo": 342, "income": 342}  # fmt: skip
    assert main(["regions", "--municipality", "Hatem"]) == 2
    assert "did you mean Hattem" in capsys.readouterr().err


def test_a_hand_typed_map_of_three_municipalities_runs_on_the_defaults(tmp_path):
    """The default count of shelter regions (43, the Dutch one) fits the map it meets: three
    municipalities in two provinces get three, and the notes say so; the full map keeps 43."""
    columns = list(_rows()[0])
    rows = [
        dict.fromkeys(columns, "")
        | {
            "gm_code": c,
            "gm_naam": n,
            "pv_code": pv,
            "pv_naam": pv,
            "population": pop,
            "x_rd": x,
            "y_rd": y,
            "jz_code": "JZ1",
            "jz_naam": "Eén",
            "vt_code": "VT1",
            "vt_naam": "Eén",
        }  # fmt: skip
        for c, n, pv, pop, x, y in [
            ("GM0001", "Aa", "PV1", "12000", "150000", "450000"),
            ("GM0002", "Bee", "PV1", "8000", "160000", "455000"),
            ("GM0003", "Cee", "PV2", "30000", "190000", "470000"),
        ]
    ]
    _write(tmp_path / "own.csv", rows)
    geo = build_geography(load_scenario(_scenario(tmp_path)))
    assert len(geo.patchwork["shelter"]) == 3
    (note,) = [n for n in geo.notes if "shelter regions are an ASSUMPTION" in n]
    assert "does not fit a map of 3 municipalities in 2 areas, so 3" in note
    full = build_geography(scenario_from_dict({"geography": "nl-2023"}))
    assert len(full.patchwork["shelter"]) == 43
    assert any("43: the Dutch count (VNG)" in n for n in full.notes)
