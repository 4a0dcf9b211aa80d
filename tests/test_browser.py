"""The rendered index and one memo, as a reviewer sees them in headless Chromium: the page
loads with no console errors, its figures are present and visible, and the executive
summary's numbers are the published results' numbers."""

from __future__ import annotations

import json
import os
import re
import shutil

import pytest

from kip_analysis import memos

pytestmark = [pytest.mark.browser, pytest.mark.notebook]


def _chrome():
    chromium, driver_path = shutil.which("chromium"), shutil.which("chromedriver")
    if os.environ.get("KIP_NO_BROWSER") == "1":
        pytest.skip("KIP_NO_BROWSER=1")
    if not (chromium and driver_path):
        pytest.fail("headless Chromium is needed: apt-get install chromium chromium-driver "
                    "(.ci/run does this), or set KIP_NO_BROWSER=1 to skip")
    from selenium import webdriver
    from selenium.webdriver.chrome.options import Options
    from selenium.webdriver.chrome.service import Service

    options = Options()
    options.binary_location = chromium
    for arg in ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                "--disable-background-networking", "--disable-component-update", "--disable-sync",
                "--window-size=1200,1600"):
        options.add_argument(arg)
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    return webdriver.Chrome(service=Service(driver_path), options=options)


@pytest.fixture(scope="module")
def reports(tmp_path_factory):
    out = tmp_path_factory.mktemp("browser-reports")
    outcomes = memos.run_batch([2020], ["baseline"], out, n_jobs=1, force=False)
    assert all(o.status == "built" for o in outcomes), memos.summary(outcomes)
    return out


@pytest.fixture(scope="module")
def browser():
    driver = _chrome()
    yield driver
    driver.quit()


def _load(browser, path):
    browser.get(path.as_uri())
    errors = [e for e in browser.get_log("browser") if e["level"] == "SEVERE"]
    assert errors == [], errors


def test_index_loads_and_links_the_memo(browser, reports):
    _load(browser, reports / "index.html")
    links = browser.execute_script("return Array.from(document.links).map(a => a.getAttribute('href'))")
    assert "2020/baseline/memo.html" in links
    assert "built" in browser.execute_script("return document.body.innerText")


def test_memo_figures_visible_and_summary_numbers_match(browser, reports):
    folder = reports / "2020" / "baseline"
    _load(browser, folder / "memo.html")
    images = browser.execute_script(
        "return Array.from(document.images).map(i => { const r = i.getBoundingClientRect();"
        " const s = getComputedStyle(i); return [i.complete, i.naturalWidth, r.width, r.height,"
        " s.display, s.visibility]; })")
    assert images, "no figure in the memo"
    for complete, natural, width, height, display, visibility in images:
        assert complete and natural > 0 and width > 100 and height > 100
        assert display != "none" and visibility == "visible"
    summary = browser.execute_script(
        "const h = Array.from(document.querySelectorAll('h2')).find(e => e.innerText.startsWith('Executive summary'));"
        " let n = h.nextElementSibling; while (n && n.tagName !== 'UL') n = n.nextElementSibling;"
        " return Array.from(n.querySelectorAll('li')).map(li => li.innerText);")
    published: set[float] = set()
    results = {p.stem: json.loads(p.read_text()) for p in (folder / "results").glob("*.json")}
    for r in results.values():
        published |= {float(v) for v in r["headline"].values() if isinstance(v, int | float)}
        for sentence in r["reading"]:
            published |= {float(x.replace(",", "")) for x in re.findall(r"\d[\d,]*(?:\.\d+)?", sentence)}
    assert summary[0] == results["01_programme_facts"]["reading"][0]
    numbers = [float(x.replace(",", "")) for s in summary for x in re.findall(r"\d[\d,]*(?:\.\d+)?", s)]
    assert numbers and set(numbers) <= published, set(numbers) - published
    assert "117" in summary[0] and "77" in summary[0]
