"""An analysis page (kip_analysis.batch.pages): the same document nbconvert's HTMLExporter writes, tag for tag,
with its alt texts and tabindexes, made without its BeautifulSoup pass."""

from __future__ import annotations

import base64

import nbformat
import pytest
from bs4 import BeautifulSoup

from kip_analysis.batch import pages

PNG = base64.b64encode(bytes.fromhex(
    "89504e470d0a1a0a0000000d49484452000000010000000108060000001f15c4890000000d49444154789c6360000002000154a24f5d0000"
    "000049454e44ae426082")).decode()


def _document(html: str) -> tuple[list, str]:
    """Every tag with its attributes (in any order) and the text."""
    soup = BeautifulSoup(html, "html.parser")
    tags = [(t.name, sorted((k, " ".join(v) if isinstance(v, list) else v) for k, v in t.attrs.items()))
            for t in soup.find_all(True)]
    return tags, soup.get_text()


@pytest.fixture
def notebook():
    md = nbformat.v4.new_markdown_cell("## A heading with <b>html</b> & an ampersand")
    code = nbformat.v4.new_code_cell("show()", execution_count=1)
    code.outputs = [
        nbformat.v4.new_output("stream", name="stdout", text="a line\n"),
        nbformat.v4.new_output("display_data", {"image/png": PNG, "text/plain": "<Figure>"}),
        nbformat.v4.new_output("execute_result", {"text/html": "<table><tr><td>1 &amp; 2</td></tr></table>"
                                                               "<img src='x.png' alt='kept'>",
                                                  "text/plain": "table"}, execution_count=1),
    ]
    nb = nbformat.v4.new_notebook(cells=[md, code])
    nb.metadata["title"] = "A page"
    return nb


def test_a_page_is_nbconverts_document_with_its_alt_texts_and_tabindexes(notebook):
    from nbconvert import HTMLExporter

    stock = HTMLExporter(template_name="kip_memo", extra_template_basedirs=[str(pages.TEMPLATES)])
    stock.exclude_input = stock.exclude_input_prompt = stock.exclude_output_prompt = True
    theirs, _ = stock.from_notebook_node(notebook)
    ours, _ = pages._exporter().from_notebook_node(notebook)
    assert _document(ours) == _document(theirs)
    soup = BeautifulSoup(ours, "html.parser")
    assert [img.get("alt") for img in soup.find_all("img")] == [pages.NO_ALT, "kept"]
    outputs = soup.select("div.jp-OutputArea-output")
    assert len(outputs) == 3 and all(d.get("tabindex") == "0" for d in outputs)


def test_a_page_is_written_whole(notebook, tmp_path):
    executed = tmp_path / "nb.ipynb"
    nbformat.write(notebook, executed)
    pages.render_html(executed, tmp_path / "page.html", "Targets — Hanoi KIP workbook, 2025")
    html = (tmp_path / "page.html").read_text()
    assert "<title>Targets — Hanoi KIP workbook, 2025</title>" in html and "show()" not in html
    assert not list(tmp_path.glob("*.tmp"))
