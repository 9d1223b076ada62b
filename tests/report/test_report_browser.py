"""The report in a real browser and on paper: headless Chromium (Debian `chromium`, driven
by playwright; never `playwright install`) opens the HTML without console errors and shows
every figure; the PDF's text (pdftotext) holds the findings and its pages render (pdftoppm).

Without chromium or poppler-utils these tests skip and say why, except in CI (the variable
CI set, as .ci/run does), where a missing tool is a failure: there they must run.
"""

import os
import shutil
import subprocess

import pytest

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"


def need(tool: str, path: str | None, package: str):
    if path and os.path.exists(path):
        return path
    message = f"{tool} not found: install {package} (.ci/run does)"
    if os.environ.get("CI"):
        pytest.fail(f"CI: {message}")
    pytest.skip(message)


@pytest.fixture(scope="module")
def browser():
    need("chromium", CHROMIUM if os.path.exists(CHROMIUM) else None, "apt-get install chromium")
    try:
        from playwright import sync_api
    except ImportError:
        need("playwright", None, "the test extra: pip install -e '.[test]'")
    with sync_api.sync_playwright() as p:
        b = p.chromium.launch(
            executable_path=CHROMIUM, headless=True, args=["--no-sandbox", "--disable-gpu"]
        )
        yield b
        b.close()


@pytest.mark.parametrize("lang", ["nl", "en"])
def test_the_page_opens_without_errors_and_shows_every_figure(browser, reports, tmp_path, lang):
    page = browser.new_page(viewport={"width": 1200, "height": 1600})
    errors = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.goto(reports[lang].as_uri())
    page.wait_for_load_state("load")
    assert not errors
    images = page.eval_on_selector_all(
        "img", "els => els.map(e => [e.complete, e.naturalWidth, e.getBoundingClientRect().width])"
    )
    assert len(images) >= 5
    assert all(done and natural > 0 and shown > 0 for done, natural, shown in images)
    assert page.locator("ol.findings li").count() >= 3
    shot = tmp_path / f"first_page_{lang}.png"
    page.screenshot(path=str(shot))
    assert shot.stat().st_size > 10_000
    page.close()


def test_the_pdf_reads_back(reports, tmp_path):
    need("pdftotext", shutil.which("pdftotext"), "apt-get install poppler-utils")
    pdf = reports["nl"].with_suffix(".pdf")
    text = subprocess.run(
        ["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True, check=True
    ).stdout
    flat = " ".join(text.split())
    assert "De vraag en het antwoord" in flat and "Maatschappelijke kosten-batenanalyse" in flat
    assert "tiny_integrated ligt" in flat and "tiny_reorg kost" in flat
    assert "Reproduceerbaarheid" in flat
    need("pdftoppm", shutil.which("pdftoppm"), "apt-get install poppler-utils")
    subprocess.run(["pdftoppm", "-png", "-r", "40", str(pdf), str(tmp_path / "page")], check=True)
    pages = sorted(tmp_path.glob("page*.png"))
    assert len(pages) >= 4 and all(p.stat().st_size > 1000 for p in pages)


def test_the_journey_page_opens_without_errors_and_shows_every_figure(browser, journey):
    page = browser.new_page(viewport={"width": 1200, "height": 1600})
    errors = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.goto((journey / "report.en.html").as_uri())
    page.wait_for_load_state("load")
    assert not errors
    images = page.eval_on_selector_all(
        "img", "els => els.map(e => [e.complete, e.naturalWidth, e.getBoundingClientRect().width])"
    )
    assert len(images) == 3  # the summary and two schemes' timelines
    assert all(done and natural > 0 and shown > 0 for done, natural, shown in images)
    assert page.locator("ol.findings li").count() == 3
    assert page.locator("#journey-table tbody tr").count() == 19
    page.close()
