"""The memos and the index as a reviewer meets them in headless Chromium (the 2019 and 2025 memos):
answers on the first screen, nothing sideways on a phone, a short main body with no fact id and
no SIMULATED result, every CSV and source link resolving, no scientific notation, the PDF's first
two pages, the Vietnamese page, and no serious or critical accessibility violation (axe-core).

Without Chromium the module is skipped with one line saying how to run it (``make test-browser``
after ``apt-get install chromium chromium-driver``); with ``KIP_REQUIRE_BROWSER=1`` (set by
``.ci/run``) a missing browser is a failure instead."""

from __future__ import annotations

import os
import re
from urllib.parse import unquote, urlparse

import pandas as pd
import pytest
from browser_tools import axe_violations, browser_missing, chrome, pdf_pages_text

from kip_analysis.batch import pdf as memo_pdf

pytestmark = [pytest.mark.browser, pytest.mark.notebook]

HOW_TO_RUN = ("browser tests skipped: no headless Chromium here; to run them: apt-get install chromium "
              "chromium-driver, then make test-browser")
YEARS = (2019, 2025)
SCIENTIFIC = re.compile(r"\b\d+(?:\.\d+)?[eE][+-]?\d+\b")
FACT_ID = re.compile(r"\b(?:[a-e]\d{3}|[wsnv]\d{3})\b")

if browser_missing():
    if os.environ.get("KIP_REQUIRE_BROWSER") == "1":
        pytest.fail("KIP_REQUIRE_BROWSER=1 but chromium / chromedriver are not installed "
                    "(apt-get install chromium chromium-driver)", pytrace=False)
    pytest.skip(HOW_TO_RUN, allow_module_level=True)


@pytest.fixture(scope="module")
def reports(memo_batch):
    out, _ = memo_batch
    return out


@pytest.fixture(scope="module")
def browser():
    driver = chrome(1280, 900)
    yield driver
    driver.quit()


def _viewport(browser, width: int, height: int, mobile: bool = False) -> None:
    browser.execute_cdp_cmd("Emulation.setDeviceMetricsOverride", {"width": width, "height": height,
                                                                  "deviceScaleFactor": 1, "mobile": mobile})


def _load(browser, path):
    browser.get(path.as_uri())
    errors = [e for e in browser.get_log("browser") if e["level"] == "SEVERE"]
    assert errors == [], errors


def _memo(reports, year):
    return reports / str(year) / "baseline" / "memo.html"


MAIN_TEXT = ("const a = document.getElementById('annex'); const r = document.createRange();"
             "r.setStartBefore(document.body.firstChild); r.setEndBefore(a);"
             "const d = document.createElement('div'); d.appendChild(r.cloneContents());"
             "return [d.textContent, d.querySelectorAll('img').length];")


def test_index_loads_links_every_memo_and_shows_no_simulated_headline(browser, reports):
    _viewport(browser, 1280, 800)
    _load(browser, reports / "index.html")
    links = browser.execute_script("return Array.from(document.links).map(a => a.getAttribute('href'))")
    for year in YEARS:
        assert f"{year}/baseline/memo.html" in links
    text = browser.execute_script("return document.body.innerText")
    assert "SIMULATED" not in text and not SCIENTIFIC.search(text)
    assert "Each target's verdict as each memo gave it" in text


@pytest.mark.parametrize("year", YEARS)
def test_the_answers_are_on_the_first_screen(browser, reports, year):
    _viewport(browser, 1280, 800)
    _load(browser, _memo(reports, year))
    tops = browser.execute_script(
        "return [document.getElementById('bottom-line').getBoundingClientRect().top,"
        " ...Array.from(document.querySelectorAll('.kip-answer')).map(e => e.getBoundingClientRect().top)];")
    assert len(tops) == 4 and all(0 <= top < 800 for top in tops), tops


@pytest.mark.parametrize("year", YEARS)
def test_on_a_phone_nothing_scrolls_sideways_and_the_answers_come_first(browser, reports, year):
    _viewport(browser, 390, 844, mobile=True)
    _load(browser, _memo(reports, year))
    width, inner = browser.execute_script("return [document.documentElement.scrollWidth, window.innerWidth]")
    assert width <= inner, (width, inner)
    first = browser.execute_script(
        "const a = document.querySelector('.kip-answer'); const others = document.querySelectorAll('table, figure');"
        "return Array.from(others).every(e => a.compareDocumentPosition(e) & Node.DOCUMENT_POSITION_FOLLOWING);")
    assert first
    _viewport(browser, 1280, 800)


@pytest.mark.parametrize("year", YEARS)
def test_main_body_is_short_and_free_of_fact_ids_and_simulated_results(browser, reports, year):
    _load(browser, _memo(reports, year))
    text, charts = browser.execute_script(MAIN_TEXT)
    words = len(text.split())
    assert words <= 1500 and charts <= 4, (words, charts)
    assert "SIMULATED" not in text and not FACT_ID.search(text), FACT_ID.findall(text)[:5]
    whole = browser.execute_script("return document.body.innerText")
    assert not SCIENTIFIC.search(whole), SCIENTIFIC.findall(whole)[:5]


@pytest.mark.parametrize("year", YEARS)
def test_every_csv_and_source_link_resolves(browser, reports, year):
    path = _memo(reports, year)
    _load(browser, path)
    hrefs = browser.execute_script("return Array.from(document.links).map(a => [a.getAttribute('href'), a.href])")
    csvs = [absolute for href, absolute in hrefs if href.endswith(".csv")]
    assert len(csvs) >= 10
    for url in csvs:
        frame = pd.read_csv(unquote(urlparse(url).path))
        assert {"units", "source"} <= set(frame.columns), url  # a table may have no rows (e.g. no influence yet)
    ids = browser.execute_script("return Array.from(document.querySelectorAll('[id]')).map(e => e.id)")
    targets = {href[1:] for href, _ in hrefs if href.startswith("#")}
    assert targets <= set(ids), targets - set(ids)
    annex_text = browser.execute_script("return document.getElementById('annex').innerText")
    named = set(FACT_ID.findall(annex_text))
    sources = {i[4:] for i in ids if i.startswith("src-")}
    assert named and named <= sources, named - sources


@pytest.mark.parametrize("year", YEARS)
def test_the_pdf_opens_with_the_answers_and_the_dashboard(reports, year):
    pdf = memo_pdf.write_pdf(_memo(reports, year))
    pages = pdf_pages_text(pdf)
    first_two = " ".join(" ".join(pages[:2]).split())
    for text in ("Bottom line", "Will the targets be met?", "What did recognition do to firms?",
                 "Do lease differentials drive firms out of Hanoi?", "Targets dashboard"):
        assert text in first_two, text
    # the part after the dashboard starts within the first two pages, so the dashboard ends there
    assert first_two.count("What did recognition do to firms?") >= 2


@pytest.mark.parametrize("year", YEARS)
def test_the_vietnamese_page_holds_the_three_answers(browser, reports, year):
    path = _memo(reports, year).with_name("memo.vi.html")
    _load(browser, path)
    answers = browser.execute_script("return document.querySelectorAll('.kip-answer').length")
    lang = browser.execute_script("return document.documentElement.lang")
    text = browser.execute_script("return document.body.innerText")
    assert answers == 3 and lang == "vi" and "Bảng theo dõi mục tiêu" in text
    assert not SCIENTIFIC.search(text)


@pytest.mark.parametrize("page", ["2019/baseline/memo.html", "2025/baseline/memo.html", "index.html",
                                  "2025/baseline/memo.vi.html"])
def test_no_serious_or_critical_accessibility_violation(browser, reports, page):
    _viewport(browser, 1280, 800)
    violations = axe_violations(browser, (reports / page).as_uri())
    assert violations == [], violations
