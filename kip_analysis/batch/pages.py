"""An executed notebook's page: standalone HTML, code hidden, from the workbook's nbconvert template.

nbconvert's ``HTMLExporter`` ends by parsing its own output with BeautifulSoup to give every image an alt text
and every output (and input) area a ``tabindex``, then serialising the whole tree again: 80% of the time a page
takes (0.16-0.34 s of 0.2-0.4 s for the workbook's pages). :class:`PageExporter` makes the same two edits on
the text, where the template's own tags are known.

May import: io.
"""

from __future__ import annotations

import functools
import re
from pathlib import Path
from typing import Any

from kip_analysis.io import atomic_write

TEMPLATES = Path(__file__).parent / "templates"
#: nbconvert's text for an image without one (nbconvert/exporters/html.py).
NO_ALT = "No description has been provided for this image"
#: An opening ``<img`` tag without an ``alt`` attribute (a data URI has no ``>``).
IMG_WITHOUT_ALT = re.compile(r"<img\b(?![^>]*\salt=)")
#: An opening ``<div`` whose class list holds an output or input area and that has no ``tabindex``.
AREA_WITHOUT_TABINDEX = re.compile(
    r'<div\b(?=[^>]*\sclass="(?:[^"]*\s)?jp-(?:OutputArea-output|Cell-inputWrapper)(?:\s[^"]*)?")(?![^>]*\stabindex=)')


def accessible(html: str) -> str:
    """``html`` with nbconvert's two accessibility edits: an alt text on each image that has none, and
    ``tabindex="0"`` on each output and input area, so a keyboard reaches them.

    Examples
    --------
    >>> accessible('<div class="jp-RenderedText jp-OutputArea-output" x="1"><img src="a.png"></div>')[:62]
    '<div tabindex="0" class="jp-RenderedText jp-OutputArea-output"'
    >>> accessible('<img src="a.png">') == f'<img alt="{NO_ALT}" src="a.png">'
    True
    >>> accessible('<div class="jp-OutputArea-output-x"><img alt="" src="b.png"></div>')
    '<div class="jp-OutputArea-output-x"><img alt="" src="b.png"></div>'
    """
    html = IMG_WITHOUT_ALT.sub(f'<img alt="{NO_ALT}"', html)
    return AREA_WITHOUT_TABINDEX.sub('<div tabindex="0"', html)


@functools.cache
def _exporter():
    """One exporter per process: its Jinja templates are compiled once, not for every page (0.3 s each)."""
    from nbconvert import HTMLExporter
    from nbconvert.exporters.templateexporter import TemplateExporter
    from nbconvert.filters.highlight import Highlight2HTML
    from nbconvert.filters.widgetsdatatypefilter import WidgetsDataTypeFilter

    class PageExporter(HTMLExporter):
        """``HTMLExporter`` whose accessibility edits are made on the text (:func:`accessible`)."""

        def from_notebook_node(self, nb: Any, resources: dict | None = None, **kw: Any) -> tuple[str, dict]:
            # nbconvert 7's HTMLExporter.from_notebook_node up to its BeautifulSoup pass (exporters/html.py)
            info = nb.metadata.get("language_info", {})
            lexer = info.get("pygments_lexer", info.get("name", None))
            self.register_filter("highlight_code",
                                 self.filters.get("highlight_code", Highlight2HTML(pygments_lexer=lexer, parent=self)))
            resources = self._init_resources(resources)
            self.register_filter("filter_data_type", WidgetsDataTypeFilter(
                notebook_metadata=self._nb_metadata, parent=self, resources=resources))
            html, resources = TemplateExporter.from_notebook_node(self, nb, resources, **kw)
            return accessible(html), resources

    exporter = PageExporter(template_name="kip_memo", extra_template_basedirs=[str(TEMPLATES)])
    exporter.exclude_input = True
    exporter.exclude_input_prompt = True
    exporter.exclude_output_prompt = True
    return exporter


def render_html(executed: Path, target: Path, title: str) -> None:
    """Render an executed notebook to standalone HTML titled ``title``, code hidden; atomic write."""
    import nbformat

    nb = nbformat.read(executed, as_version=4)
    nb.metadata["title"] = title
    body, _ = _exporter().from_notebook_node(nb)
    atomic_write(target, body)
