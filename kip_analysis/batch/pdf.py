"""Printing the memos to A4 PDF with headless Chromium: ``python -m kip_analysis.batch.pdf``.

Usage (``make pdf`` calls it with no options)::

    python -m kip_analysis.batch.pdf [--out reports] [--force]

Each ``memo.html`` under the output folder is printed to ``memo.pdf`` beside it, unless that PDF
is already newer than the HTML. Chromium reads only local files (the memos open alone, offline),
runs in a throwaway profile with its background networking off, and writes to a temporary name
that is renamed into place, so a reader never sees half a PDF. Chromium prints on US Letter unless
the page asks otherwise, so the page is printed from a copy that adds ``@page { size: A4 }``.

May import: config, io.
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from kip_analysis import config

#: Names Chromium goes by, tried in this order (Debian's package installs ``chromium``).
CHROMIUM_NAMES: tuple[str, ...] = ("chromium", "chromium-browser", "google-chrome")
#: Seconds one page may take to print before Chromium is stopped.
TIMEOUT: float = 120.0
#: Flags for a headless, offline print: no GPU, no sandbox (root in CI), no header or footer, and
#: none of Chromium's own network traffic (updates, sync, QUIC).
FLAGS: tuple[str, ...] = ("--headless=new", "--no-sandbox", "--disable-gpu", "--no-pdf-header-footer",
                          "--disable-quic", "--no-first-run", "--disable-background-networking",
                          "--disable-component-update", "--disable-sync")
#: Added to the printed copy: A4 paper (Chromium's default is US Letter).
PRINT_CSS: str = "<style>@page { size: A4; }</style>"


class PdfError(RuntimeError):
    """Chromium is missing, or it failed to print a page; the message names the file."""


def find_chromium() -> str | None:
    """The path of a Chromium executable on ``PATH``, or None."""
    for name in CHROMIUM_NAMES:
        if found := shutil.which(name):
            return found
    return None


def print_ready(text: str, base: str) -> str:
    """An HTML page ready to print from another folder: ``<base href>`` first in the head (relative
    links still point beside the original) and the A4 page rule last (it wins over the page's own).

    Examples
    --------
    >>> print_ready("<head><title>t</title></head>", "file:///r/")
    '<head><base href="file:///r/"><title>t</title><style>@page { size: A4; }</style></head>'
    >>> print_ready("<p>x</p>", "file:///r/")
    '<base href="file:///r/"><style>@page { size: A4; }</style><p>x</p>'
    """
    base_tag = f'<base href="{base}">'
    head = re.search(r"<head(\s[^>]*)?>", text, flags=re.IGNORECASE)
    if head is None:
        return base_tag + PRINT_CSS + text
    text = text[: head.end()] + base_tag + text[head.end():]
    close = re.search(r"</head\s*>", text, flags=re.IGNORECASE)
    if close is None:
        return text[: head.end() + len(base_tag)] + PRINT_CSS + text[head.end() + len(base_tag):]
    return text[: close.start()] + PRINT_CSS + text[close.start():]


def write_pdf(html: Path, pdf: Path | None = None, *, timeout: float = TIMEOUT) -> Path:
    """Print a local HTML file to an A4 PDF with headless Chromium; atomic write.

    Parameters
    ----------
    html
        The page to print (a local file; nothing is fetched from the network).
    pdf
        Where to write; by default beside ``html`` with the suffix ``.pdf``.
    timeout
        Seconds Chromium may take before it is stopped and the print counts as failed.

    Returns
    -------
    Path
        ``pdf``.

    Raises
    ------
    PdfError
        When ``html`` does not exist, Chromium is not installed, or it fails, times out or writes
        no PDF; the message names ``html``. The last good PDF, if any, is left in place.
    """
    html = Path(html).resolve()
    pdf = Path(pdf).resolve() if pdf is not None else html.with_suffix(".pdf")
    if not html.is_file():
        raise PdfError(f"{html}: no such HTML file to print")
    chromium = find_chromium()
    if chromium is None:
        raise PdfError(f"{html}: cannot print to PDF, Chromium is not installed "
                       "(apt-get install chromium)")
    pdf.parent.mkdir(parents=True, exist_ok=True)
    tmp = pdf.with_name(f".{pdf.name}.{os.getpid()}.tmp")
    try:
        with tempfile.TemporaryDirectory(prefix="kip-pdf-") as work:
            page = Path(work) / html.name
            base = html.parent.as_uri() + "/"
            page.write_text(print_ready(html.read_text(encoding="utf-8"), base), encoding="utf-8")
            command = [chromium, *FLAGS, f"--user-data-dir={Path(work) / 'profile'}",
                       f"--print-to-pdf={tmp}", page.as_uri()]
            try:
                done = subprocess.run(command, capture_output=True, text=True, timeout=timeout,
                                      stdin=subprocess.DEVNULL)
            except subprocess.TimeoutExpired as err:
                raise PdfError(f"{html}: Chromium did not finish printing within {timeout:g} s") from err
        if done.returncode != 0 or not tmp.is_file() or tmp.read_bytes()[:5] != b"%PDF-":
            tail = "\n".join((done.stderr or "").strip().splitlines()[-5:])
            raise PdfError(f"{html}: Chromium failed to print it to PDF (exit {done.returncode})"
                           + (f":\n{tail}" if tail else ""))
        tmp.replace(pdf)
    finally:
        tmp.unlink(missing_ok=True)
    return pdf


def is_current(html: Path, pdf: Path) -> bool:
    """Whether ``pdf`` exists and is newer than ``html`` (then it need not be printed again)."""
    return pdf.is_file() and pdf.stat().st_mtime_ns > html.stat().st_mtime_ns


def memos(out_dir: Path) -> list[Path]:
    """Every ``memo.html`` under ``out_dir``, sorted."""
    return sorted(Path(out_dir).rglob("memo.html"))


def write_all(out_dir: Path, *, force: bool = False) -> list[Path]:
    """Write ``memo.pdf`` beside every ``memo.html`` under ``out_dir``.

    A memo whose PDF is newer than its HTML is skipped unless ``force``. A memo that fails to print
    does not stop the others; after trying them all, :class:`PdfError` lists every failure.

    Returns
    -------
    list of Path
        The PDFs written (not the ones skipped as up to date).
    """
    written: list[Path] = []
    failures: list[str] = []
    for html in memos(out_dir):
        pdf = html.with_name("memo.pdf")
        if not force and is_current(html, pdf):
            continue
        try:
            written.append(write_pdf(html, pdf))
        except PdfError as err:
            failures.append(str(err))
    if failures:
        raise PdfError(f"{len(failures)} memo(s) not printed ({len(written)} written):\n" + "\n".join(failures))
    return written


def main(argv: list[str] | None = None) -> int:
    """Command-line entry point (``python -m kip_analysis.batch.pdf``); prints a one-line summary.

    Exits 0 when every memo has a current PDF, 1 when one failed to print or there is no memo.
    """
    parser = argparse.ArgumentParser(prog="python -m kip_analysis.batch.pdf",
                                     description=__doc__.split("\n\n")[0])
    parser.add_argument("--out", type=Path, default=config.REPORTS, help="folder holding the memos")
    parser.add_argument("--force", action="store_true", help="print every memo, even when its PDF is current")
    args = parser.parse_args(argv)
    found = memos(args.out)
    if not found:
        print(f"memo PDFs: no memo.html under {args.out} (run make memos first)", file=sys.stderr)
        return 1
    start = time.perf_counter()
    try:
        written = write_all(args.out, force=args.force)
    except PdfError as err:
        print(f"memo PDFs: {err}", file=sys.stderr)
        return 1
    print(f"memo PDFs: {len(written)} written, {len(found) - len(written)} up to date, under {args.out} "
          f"({time.perf_counter() - start:.1f} s)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
