"""The app in a real browser: `sdsim app` serves the page, headless Chromium opens it.

Chromium is the system's (Debian package `chromium`), driven by playwright; never
`playwright install`, which downloads a browser. Without chromium or playwright these tests
skip, saying why, except under CI (env CI set), where they fail: .ci/run installs chromium.
Screenshots are kept in results/app-tests/.
"""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from model.app.page import css_class

ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = "/usr/bin/chromium"
FLAGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
SHOTS = ROOT / "results" / "app-tests"
# The tiny country (16 municipalities) for half a year after 60 days: the page opens in a
# second or two.
SETTINGS = ["--set", "warmup_days=60", "--set", "years=0.5"]


def _missing(why: str) -> None:
    if os.environ.get("CI"):
        pytest.fail(f"browser tests cannot run under CI: {why}")
    pytest.skip(f"browser tests skipped: {why}")


@pytest.fixture(scope="module")
def browser():
    if not Path(CHROMIUM).exists() and not shutil.which("chromium"):
        _missing(f"no {CHROMIUM} (apt-get install chromium)")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        _missing("playwright is not installed (pip install -e '.[test]')")
    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=FLAGS)
        yield b
        b.close()


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("localhost", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def server(tiny_path_module):
    port = _free_port()
    env = {**os.environ, "SOLARA_TELEMETRY_MIXPANEL_ENABLE": "False"}
    proc = subprocess.Popen(
        [sys.executable, "-m", "model", "app", str(tiny_path_module), "--port", str(port),
         *SETTINGS],
        cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
        start_new_session=True,
    )  # fmt: skip
    url = f"http://localhost:{port}/"
    try:
        # Until the server answers or the command ends: waiting is on the server, never
        # against a deadline (a loaded machine may take minutes to start Solara).
        while True:
            if proc.poll() is not None:
                raise AssertionError(f"sdsim app stopped: {proc.stdout.read().decode()}")
            try:
                with urllib.request.urlopen(url, timeout=2) as r:
                    if r.status == 200:
                        break
            except OSError:
                time.sleep(0.5)
        yield url
    finally:
        os.killpg(proc.pid, signal.SIGTERM)  # the command and the Solara server it started
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)


@pytest.fixture(scope="module")
def tiny_path_module():
    return ROOT / "tests" / "data" / "tiny.toml"


@pytest.fixture
def page(browser, server):
    context = browser.new_context(viewport={"width": 1400, "height": 1000})
    pg = context.new_page()
    pg.errors = []
    pg.on("console", lambda m: pg.errors.append(m.text) if m.type == "error" else None)
    pg.on("pageerror", lambda e: pg.errors.append(str(e)))
    pg.goto(server)
    pg.wait_for_selector(".sdsim-now", timeout=120_000)
    yield pg
    context.close()


def _now(pg) -> str:
    return pg.locator(".sdsim-now").inner_text()


def _step(pg, day: int) -> None:
    """Press Step (a week) and wait until the page shows that day."""
    pg.get_by_role("button", name="Step").click()
    pg.wait_for_function(
        f"document.querySelector('.sdsim-day') && "
        f"document.querySelector('.sdsim-day').innerText.startsWith('Day {day} ')",
        timeout=60_000,
    )


def _reset(pg) -> None:
    """Press Reset and wait until the page shows the new model (day 0)."""
    pg.get_by_role("button", name="Reset").click()
    pg.wait_for_function(
        "document.querySelector('.sdsim-day') && "
        "document.querySelector('.sdsim-day').innerText.startsWith('Day 0 ')",
        timeout=60_000,
    )


def _pictures(pg) -> list[bytes]:
    """The plots on the open tab, as the browser shows them."""
    pg.wait_for_selector("main img", timeout=60_000)
    return [img.screenshot() for img in pg.locator("main img").all()]


def test_the_page_shows_the_controls_and_the_figures_without_errors(page):
    from model.app.appmodel import app_scenario
    from model.app.controls import controls

    expected = controls(app_scenario(ROOT / "tests" / "data" / "tiny.toml"))
    assert page.locator(".sdsim-control").count() == len(expected)
    for c in expected:  # each where the declarations put it, with its label
        control = page.locator(f".{css_class(c.path)}")
        assert control.count() == 1 and c.label in control.inner_text(), c.path
    for button in ("Reset", "Step"):
        assert page.get_by_role("button", name=button).is_visible()
    assert page.get_by_label("seed").input_value() == "7"
    assert "patchwork / referral" in _now(page)
    _step(page, 7)
    assert len(_pictures(page)) >= 2
    page.screenshot(path=str(_shot("page.png")), full_page=True)
    for tab, view in (("Stories, time, cost", "hours"), ("Map", "country"),
                      ("One family", "timeline")):  # fmt: skip
        page.get_by_role("tab", name=tab).click()
        page.locator(f".sdsim-view-{view} img").wait_for(state="visible", timeout=60_000)
        page.wait_for_timeout(1000)  # the tab's slide-in
        page.screenshot(path=str(_shot(f"tab_{view}.png")), full_page=True)
    assert page.errors == []


def test_moving_a_slider_and_stepping_changes_the_numbers(page):
    _step(page, 7)
    default = _now(page)
    pictures = _pictures(page)
    youth = page.locator(f".{css_class('domains.youth.fte_per_100k')} [role=slider]")
    youth.focus()
    page.keyboard.press("Home")  # no youth-care staff beyond each organisation's minimum
    page.wait_for_function(
        f"document.querySelector('.{css_class('domains.youth.fte_per_100k')} [role=slider]')"
        ".getAttribute('aria-valuenow') === '0'"
    )
    _reset(page)
    _step(page, 7)
    changed = _now(page)
    assert changed != default
    assert _pictures(page) != pictures
    waiting = [int(x) for x in _row(changed, "needs waiting").split()]
    assert waiting[0] > int(_row(default, "needs waiting").split()[0])
    page.screenshot(path=str(_shot("slider.png")), full_page=True)
    assert page.errors == []


def test_side_by_side_shows_two_runs_on_the_same_seed(page):
    page.locator(".v-select").filter(has_text="B: protocol").click()
    page.get_by_role("option", name="integrated").click()
    _reset(page)
    _step(page, 7)
    table = _now(page)
    assert "patchwork / referral" in table and "patchwork / integrated" in table
    assert "B - A" in table
    families = _row(table, "families measured").split()
    assert len(families) == 3 and families[0] == families[1] and families[2] == "0"
    assert "seed 7" in page.locator(".sdsim-day").inner_text()
    page.screenshot(path=str(_shot("side_by_side.png")), full_page=True)
    assert page.errors == []


def _row(table: str, start: str) -> str:
    """The cells of the row whose label starts with `start` (without the label)."""
    line = next(line for line in table.splitlines() if line.startswith(start))
    return line.split(")", 1)[1]


def _shot(name: str) -> Path:
    SHOTS.mkdir(parents=True, exist_ok=True)
    return SHOTS / name
