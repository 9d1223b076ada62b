"""The page `sdsim app` serves (`solara run model.app.page --production`).

Mesa's SolaraViz controller (Reset, play, Step; play interval and steps per update) drives
an AppModel; the sidebar's parameters are generated from the scenario's declarations
(`controls.py`: label, unit, reach, and the meaning, allowed range and source as a
tooltip). As in Mesa, a changed parameter takes effect at Reset. The main area shows the
figures now (A, B and B - A) and the live views in tabs; only the open tab is drawn.

The scenario comes from the environment that `sdsim app` sets: SDSIM_APP_SCENARIO (a
file; default scenarios/patchwork.toml) and SDSIM_APP_SET (JSON of `--set` overrides).
"""

from __future__ import annotations

import html
import json
import os
import typing

import solara
import solara.lab
from mesa.visualization.solara_viz import ModelController
from mesa.visualization.utils import update_counter

from model.app import views
from model.app.appmodel import AppModel, app_scenario
from model.app.controls import Control, controls
from model.scenario import Scenario, ScenarioError
from model.vocabulary import DOMAINS

SAME = "(same as A)"
STEPS_PER_UPDATE = 7  # a week per press of Step, and between updates while playing


def base_scenario() -> Scenario:
    return app_scenario(
        os.environ.get("SDSIM_APP_SCENARIO") or None,
        json.loads(os.environ.get("SDSIM_APP_SET") or "{}"),
    )


BASE = base_scenario()


def choices(field: str) -> tuple[str, ...]:
    return typing.get_args(Scenario.model_fields[field].annotation)


# ----------------------------------------------------------------------------- controls
def css_class(path: str) -> str:
    """A control's class on the page (for tests): sdsim-p-domains-youth-fte_per_100k."""
    return "sdsim-p-" + path.replace(".", "-")


def _value(control: Control, value) -> str:
    if control.kind in ("int", "float"):
        unit = "" if control.unit in ("", "-") else f" {control.unit}"
        return f": {value:g}{unit}"
    return ""


@solara.component
def Input(control: Control, value, on_value) -> None:
    """One generated control: its label (with the value and unit for a slider) above it, and
    the declaration's meaning, allowed range and source as a tooltip."""
    with solara.Tooltip(control.tooltip):
        with solara.Column(classes=["sdsim-control", css_class(control.path)], gap="0px"):
            if control.kind == "select":
                solara.Select(control.label, value=value, values=list(control.values),
                              on_value=on_value)  # fmt: skip
            elif control.kind == "checkbox":
                solara.Checkbox(label=control.label, value=bool(value), on_value=on_value)
            else:
                solara.Text(f"{control.label}{_value(control, value)}",
                            classes=["sdsim-label"])  # fmt: skip
                if control.kind == "int":
                    solara.SliderInt("", value=int(value), min=int(control.low),
                                     max=int(control.high), step=1, on_value=on_value)  # fmt: skip
                else:
                    solara.SliderFloat("", value=float(value), min=control.low,
                                       max=control.high, step=control.step, on_value=on_value)  # fmt: skip


@solara.component
def Parameters(params: solara.Reactive[dict]) -> None:
    error = solara.use_reactive("")
    settings = params.value["settings"]
    protocol = settings.get("protocol", BASE.protocol)

    def change(path: str, value) -> None:
        new = {**params.value["settings"], path: value}
        try:
            BASE.replace(**new)
        except ScenarioError as exc:
            error.set(str(exc))
            return
        error.set("")
        params.set({**params.value, "settings": new})

    solara.Text("Change, then Reset. Hover over a control for its meaning, range and source.")
    solara.InputInt(
        "seed",
        value=int(params.value["seed"]),
        on_value=lambda v: params.set({**params.value, "seed": int(v)}),
    )
    for control in controls(BASE, protocol):
        Input(
            control,
            settings.get(control.path, control.default),
            lambda v, path=control.path: change(path, v),
        )
    if error.value:
        solara.Error(error.value)


@solara.component
def SideBySide(params: solara.Reactive[dict]) -> None:
    other = params.value["other"]

    def change(field: str, value: str) -> None:
        new = {**params.value["other"], field: "" if value == SAME else value}
        params.set({**params.value, "other": new})

    solara.Text(
        "Run B on the same seed: the same families meet another scheme or protocol. "
        "Choose, then Reset."
    )
    for field in ("scheme", "protocol"):
        solara.Select(
            f"B: {field}",
            value=other.get(field) or SAME,
            values=[SAME, *choices(field)],
            on_value=lambda v, field=field: change(field, v),
        )


# ----------------------------------------------------------------------------- views
COUNTS = ("families", "needs_waiting")


def _fmt(x: float, key: str = "") -> str:
    if x != x:
        return "-"
    if abs(x) >= 100 or key in COUNTS:
        return f"{x:,.0f}"
    return f"{x:.2f}"


@solara.component
def Now(app: AppModel) -> None:
    """The figures now, as a table (A, and side by side B and B - A)."""
    update_counter.get()
    rows = [run.live.figures() for run in app.runs]
    head = "".join(f"<th>{html.escape(r.label)}</th>" for r in app.runs)
    if app.b is not None:
        head += "<th>B - A</th>"
    body = []
    for key in views.NOW_ROWS:
        name, unit = views.label(key)
        cells = "".join(f"<td class='sdsim-{key}'>{_fmt(row[key], key)}</td>" for row in rows)
        if app.b is not None:
            cells += f"<td>{_fmt(rows[1][key] - rows[0][key], key)}</td>"
        body.append(f"<tr><td>{html.escape(name)} ({html.escape(unit)})</td>{cells}</tr>")
    day = app.day - app.a.model.measure_from
    solara.HTML(
        tag="div",
        unsafe_innerHTML=(
            f"<p class='sdsim-day'>Day {day:g} after the warm-up (seed {app.seed_used})</p>"
            f"<table class='sdsim-now' style='border-spacing: 14px 2px'><tr><th></th>{head}</tr>{''.join(body)}</table>"
        ),
    )


@solara.component
def Picture(draw, app: AppModel, *args) -> None:
    update_counter.get()
    with solara.Div(classes=[f"sdsim-view-{draw.__name__}"]):
        solara.FigureMatplotlib(draw(app, *args), format="png", dependencies=[update_counter.value])


@solara.component
def Views(app: AppModel) -> None:
    domain = solara.use_reactive("youth")
    with solara.lab.Tabs(lazy=True):
        with solara.lab.Tab("Waiting"):
            Now(app)
            with solara.Columns([1, 1]):
                Picture(views.waiting, app)
                Picture(views.signal_to_care, app)
            if app.b is not None:
                Picture(views.difference, app)
        with solara.lab.Tab("Stories, time, cost"):
            with solara.Columns([1, 1]):
                Picture(views.stories, app)
                Picture(views.hours, app)
            Picture(views.cost, app)
        with solara.lab.Tab("Map"):
            solara.ToggleButtonsSingle(value=domain, values=list(DOMAINS))
            Picture(views.country, app, domain.value)
        with solara.lab.Tab("One family"):
            Picture(views.timeline, app)


# ----------------------------------------------------------------------------- the page
def initial_parameters() -> dict:
    return {"base": BASE, "seed": BASE.seed, "settings": {}, "other": {}}


@solara.component
def Page() -> None:
    params = solara.use_reactive(initial_parameters())
    first = solara.use_memo(lambda: AppModel(**initial_parameters()), [])
    model = solara.use_reactive(first)
    play_interval = solara.use_reactive(50)
    steps = solara.use_reactive(STEPS_PER_UPDATE)
    use_threads = solara.use_reactive(False)

    solara.Title("sdsim: the students' app")
    with solara.AppBar():
        solara.AppBarTitle(f"sdsim: {BASE.name}")
    with solara.Sidebar(), solara.Column():
        with solara.Card("Run"):
            ModelController(
                model,
                model_parameters=params,
                play_interval=play_interval,
                render_interval=steps,
                use_threads=use_threads,
            )
            solara.SliderInt("days per step", value=steps, min=1, max=28)
        with solara.Card("Parameters"):
            Parameters(params)
        with solara.Card("Side by side"):
            SideBySide(params)
    Views(model.value)
