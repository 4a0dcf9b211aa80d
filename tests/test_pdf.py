"""The memo PDF (headless Chromium prints a local page to A4, atomically, skipping a current PDF)
and the offline accessibility check (axe-core from the axe-selenium-python package).

Without Chromium the module is skipped with one line; with ``KIP_REQUIRE_BROWSER=1`` (set by
``.ci/run``) a missing browser is a failure instead."""

from __future__ import annotations

import os

import pytest
from browser_tools import axe_violations, browser_missing, chrome, pdf_pages_text

from kip_analysis.batch import pdf as memo_pdf

pytestmark = pytest.mark.browser

HOW_TO_RUN = ("PDF and accessibility tests skipped: no headless Chromium here; to run them: apt-get install "
              "chromium chromium-driver")

if browser_missing():
    if os.environ.get("KIP_REQUIRE_BROWSER") == "1":
        pytest.fail("KIP_REQUIRE_BROWSER=1 but chromium / chromedriver are not installed "
                    "(apt-get install chromium chromium-driver)", pytrace=False)
    pytest.skip(HOW_TO_RUN, allow_module_level=True)

HEADING = "Hanoi KIP policy memo 2025"
ROWS = 150


def _memo(path, heading=HEADING):
    rows = "\n".join(f"<tr><td>Product {i}</td><td>{i * 1.5:.1f}</td><td>{2000 + i % 26}</td></tr>"
                     for i in range(ROWS))
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(f"""<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>{heading}</title>
<style>body {{ font-family: sans-serif; }} td {{ padding: 4px; }}</style></head>
<body><h1>{heading}</h1>
<table><thead><tr><th>Product</th><th>Value (bn VND)</th><th>Year</th></tr></thead>
<tbody>{rows}</tbody></table></body></html>
""", encoding="utf-8")
    return path


def test_write_pdf_prints_the_page_to_a4(tmp_path):
    html = _memo(tmp_path / "memo.html")
    pdf = memo_pdf.write_pdf(html)
    assert pdf == html.with_suffix(".pdf") and pdf.is_file()
    pages = pdf_pages_text(pdf)
    assert len(pages) >= 2, "a 150-row table fills more than one page"
    assert HEADING in pages[0]
    assert "Product 0" in pages[0] and f"Product {ROWS - 1}" in pages[-1]
    from pypdf import PdfReader

    box = PdfReader(pdf).pages[0].mediabox
    assert (round(float(box.width)), round(float(box.height))) == (595, 842), "A4 is 595 x 842 points"
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".")] == [], "temporary file left behind"


def test_write_pdf_to_another_path(tmp_path):
    html = _memo(tmp_path / "memo.html")
    target = tmp_path / "out" / "printed.pdf"
    assert memo_pdf.write_pdf(html, target) == target
    assert target.read_bytes()[:5] == b"%PDF-"
    assert not html.with_suffix(".pdf").exists()


def test_write_pdf_names_the_file_when_it_cannot_print(tmp_path, monkeypatch):
    missing = tmp_path / "nope.html"
    with pytest.raises(memo_pdf.PdfError, match="nope.html"):
        memo_pdf.write_pdf(missing)
    html = _memo(tmp_path / "memo.html")
    monkeypatch.setattr(memo_pdf, "CHROMIUM_NAMES", ("no-such-chromium-here",))
    with pytest.raises(memo_pdf.PdfError, match=r"memo\.html.*Chromium is not installed"):
        memo_pdf.write_pdf(html)
    assert not html.with_suffix(".pdf").exists()


def test_write_all_skips_a_current_pdf(tmp_path, capsys):
    old = _memo(tmp_path / "2024" / "baseline" / "memo.html", "Memo 2024")
    new = _memo(tmp_path / "2025" / "baseline" / "memo.html", "Memo 2025")
    written = memo_pdf.write_all(tmp_path)
    assert sorted(written) == sorted([old.with_name("memo.pdf"), new.with_name("memo.pdf")])
    stamp = old.with_name("memo.pdf").stat().st_mtime_ns

    assert memo_pdf.write_all(tmp_path) == [], "both PDFs are newer than their HTML"

    later = new.with_name("memo.pdf").stat().st_mtime_ns + 1_000_000  # the memo is rebuilt after its PDF
    os.utime(new, ns=(later, later))
    assert memo_pdf.write_all(tmp_path) == [new.with_name("memo.pdf")]
    assert old.with_name("memo.pdf").stat().st_mtime_ns == stamp, "the current PDF was left alone"
    assert "Memo 2025" in pdf_pages_text(new.with_name("memo.pdf"))[0]

    assert memo_pdf.main(["--out", str(tmp_path)]) == 0
    out = capsys.readouterr().out.strip().splitlines()
    assert len(out) == 1 and "0 written, 2 up to date" in out[0], out


def test_main_without_memos_says_so(tmp_path, capsys):
    assert memo_pdf.main(["--out", str(tmp_path)]) == 1
    assert "no memo.html" in capsys.readouterr().err


@pytest.fixture(scope="module")
def driver():
    browser = chrome()
    yield browser
    browser.quit()


ACCESSIBLE = """<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>An accessible memo</title></head>
<body>
<header><h1>Hanoi KIP memo</h1></header>
<nav aria-label="Sections"><a href="#summary">Summary</a></nav>
<main><h2 id="summary">Summary</h2><p>Output rose.</p>
<img src="data:image/gif;base64,R0lGODlhAQABAAAAACw=" alt="Output by year, 2018 to 2025"></main>
<footer><p>Sources: programme data.</p></footer>
</body></html>
"""

INACCESSIBLE = """<!DOCTYPE html>
<html><head><meta charset="utf-8"><title>An inaccessible memo</title></head>
<body><main><h1>Hanoi KIP memo</h1><img src="data:image/gif;base64,R0lGODlhAQABAAAAACw="></main></body></html>
"""


def test_an_accessible_page_has_no_serious_violation(driver, tmp_path):
    page = tmp_path / "good.html"
    page.write_text(ACCESSIBLE, encoding="utf-8")
    assert axe_violations(driver, page.as_uri()) == []


def test_an_image_without_alt_is_a_violation(driver, tmp_path):
    page = tmp_path / "bad.html"
    page.write_text(INACCESSIBLE, encoding="utf-8")
    found = {v["id"]: v for v in axe_violations(driver, page.as_uri())}
    # axe-core 3.1 rates a missing alt text "critical" and a missing lang "serious": both are reported
    assert found["image-alt"]["impact"] == "critical"
    assert found["image-alt"]["targets"] == ["img"]
    assert found["html-has-lang"]["impact"] == "serious"
    only_critical = axe_violations(driver, page.as_uri(), impacts=("critical",))
    assert [v["id"] for v in only_critical] == ["image-alt"]
