"""Helpers for the browser tests (not a test module): a headless Chromium driver, axe-core's
accessibility check run offline, and the text of a PDF's pages.

Test modules in tests/ import it as ``from browser_tools import ...`` (pytest puts tests/ on
``sys.path``: the folder has no ``__init__.py``). Selenium, axe and pypdf are imported inside the
functions, so importing this module needs none of them.
"""

from __future__ import annotations

import shutil
from pathlib import Path

#: Chromium's flags: headless, root-safe, and none of its own network traffic.
CHROME_ARGS: tuple[str, ...] = ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                                "--disable-background-networking", "--disable-component-update", "--disable-sync")


def browser_missing() -> bool:
    """Whether Chromium or its driver is missing on this machine."""
    return not (shutil.which("chromium") and shutil.which("chromedriver"))


def chrome(width: int = 1280, height: int = 800):
    """A selenium Chrome driver on Debian's chromium + chromedriver, window ``width`` x ``height``,
    collecting the browser console log. The caller quits it.

    The window is not the viewport: with chromium 156 a 1280 x 800 window shows a 1280 x 657 page
    (``benchmarks/screenshot_memo.py`` pins the viewport with DevTools' device metrics instead).
    """
    chromium, driver_path = shutil.which("chromium"), shutil.which("chromedriver")
    if not (chromium and driver_path):
        raise RuntimeError("chromium / chromedriver not installed (apt-get install chromium chromium-driver)")
    from selenium import webdriver
    from selenium.webdriver.chrome.options import Options
    from selenium.webdriver.chrome.service import Service

    options = Options()
    options.binary_location = chromium
    for arg in (*CHROME_ARGS, f"--window-size={width},{height}"):
        options.add_argument(arg)
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    return webdriver.Chrome(service=Service(driver_path), options=options)


def axe_violations(driver, url: str, impacts: tuple[str, ...] = ("serious", "critical")) -> list[dict]:
    """Load ``url`` and run axe-core on it, from the copy of ``axe.min.js`` that the
    axe-selenium-python package ships (nothing is fetched from the network).

    Returns the violations whose impact is in ``impacts`` (axe's impacts are "minor", "moderate",
    "serious" and "critical"), each as ``{"id", "impact", "help", "targets"}`` with the CSS
    selectors of at most the first three offending elements.
    """
    from axe_selenium_python import Axe

    driver.get(url)
    axe = Axe(driver)
    driver.set_script_timeout(240)  # selenium's 30 s default: a long memo on a loaded 2-core machine takes ~40 s
    axe.inject()
    # axe aggregates only the violations (its resultTypes option): passes and inapplicable rules are not
    # collected node by node, nor sent back through selenium; the violations are the same
    results = axe.run(options={"resultTypes": ["violations"]})
    return [{"id": v["id"], "impact": v["impact"], "help": v["help"],
             "targets": [" ".join(map(str, node["target"])) for node in v["nodes"][:3]]}
            for v in results["violations"] if v["impact"] in impacts]


def pdf_pages_text(pdf: Path) -> list[str]:
    """The extracted text of each page of ``pdf``, in order."""
    from pypdf import PdfReader

    return [page.extract_text() or "" for page in PdfReader(pdf).pages]
