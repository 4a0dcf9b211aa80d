"""The rendered index and one memo, as a reviewer sees them in headless Chromium: the page
loads with no console errors, its figures are present and visible, and the executive
summary's numbers are the published Sections' numbers.

Without Chromium the module is skipped with one line saying how to run it (``make test-browser``
after ``apt-get install chromium chromium-driver``); with ``KIP_REQUIRE_BROWSER=1`` (set by
``.ci/run``) a missing browser is a failure instead."""

from __future__ import annotations

import os
import re
import shutil

import pytest

from kip_analysis.batch import execute, index
from kip_analysis.report.memo import SUMMARY_PARTS
from kip_analysis.report.section import read as read_section

pytestmark = [pytest.mark.browser, pytest.mark.notebook]

HOW_TO_RUN = ("browser tests skipped: no headless Chromium here; to run them: apt-get install chromium "
              "chromium-driver, then make test-browser")


def browser_missing() -> bool:
    """Whether Chromium or its driver is missing on this machine."""
    return not (shutil.which("chromium") and shutil.which("chromedriver"))


if browser_missing():
    if os.environ.get("KIP_REQUIRE_BROWSER") == "1":
        pytest.fail("KIP_REQUIRE_BROWSER=1 but chromium / chromedriver are not installed "
                    "(apt-get install chromium chromium-driver)", pytrace=False)
    pytest.skip(HOW_TO_RUN, allow_module_level=True)


def _chrome():
    chromium, driver_path = shutil.which("chromium"), shutil.which("chromedriver")
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
    outcomes = execute.run_batch([2020], ["baseline"], out, n_jobs=1, force=False)
    assert all(o.status == "built" for o in outcomes), index.summary(outcomes)
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
        "const h = Array.from(document.querySelectorAll('h3')).filter(e => e.closest('.kip-summary'));"
        " return h.map(e => [e.innerText, Array.from((e.nextElementSibling.tagName === 'UL' ? "
        "e.nextElementSibling.querySelectorAll('li') : []), li => li.innerText)]);")
    assert [title for title, _ in summary] == list(SUMMARY_PARTS)
    sections = [read_section(p) for p in sorted((folder / "results").glob("*.json"))]
    published: set[float] = set()
    for sec in sections:
        published |= {float(h.value) for h in sec.headlines if h.value is not None}
        texts = [*sec.findings, *sec.method_checks, *(c.sentence() for c in sec.cannot_say)]
        for sentence in texts:
            published |= {float(x.replace(",", "")) for x in re.findall(r"\d[\d,]*(?:\.\d+)?", sentence)}
    findings = summary[0][1]
    facts = next(s for s in sections if s.key == "01_programme_facts")
    assert findings[0] == f"{facts.title} — {facts.findings[0]}"
    simulated_titles = {s.title for s in sections if s.simulated}
    assert not any("SIMULATED" in f for f in findings)
    assert all(any(m.startswith(t) for t in simulated_titles) for m in summary[1][1])
    numbers = [float(x.replace(",", "")) for _, items in summary for s in items
               for x in re.findall(r"\d[\d,]*(?:\.\d+)?", s)]
    assert numbers and set(numbers) <= published, set(numbers) - published
    assert "117" in findings[0] and "77" in findings[0]
    title = browser.execute_script("return document.title")
    assert title == "Hanoi Key Industrial Products: policy memo 2020 (baseline)"
