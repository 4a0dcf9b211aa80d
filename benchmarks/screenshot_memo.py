"""Screenshot the first screen of a memo as a reviewer sees it: headless Chromium, 1280 x 800.

Run: ``.venv/bin/python benchmarks/screenshot_memo.py reports/2025/baseline/memo.html
docs/memo_2025_first_screen.png`` (after ``make memos``). The driver is the browser tests' own
(``tests/browser_tools.chrome``: Debian's chromium + chromedriver, same flags, no network); the
output's folder is created. Prints the output path and the image's size.
"""

from __future__ import annotations

import argparse
import struct
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))

from browser_tools import browser_missing, chrome  # noqa: E402


def png_size(data: bytes) -> tuple[int, int]:
    """Width and height of a PNG, read from its IHDR chunk."""
    if data[:8] != b"\x89PNG\r\n\x1a\n":
        raise ValueError("not a PNG")
    return struct.unpack(">II", data[16:24])


def screenshot(html: Path, png: Path, width: int = 1280, height: int = 800) -> tuple[int, int]:
    """Write a ``width`` x ``height`` screenshot of the top of ``html`` to ``png``; returns its size."""
    driver = chrome(width, height)
    try:
        # --window-size is the window, not the page: with Debian's chromium 156 a 1280 x 800 window
        # shows a 1280 x 657 viewport. Pin the viewport itself (DevTools) so the screenshot is
        # exactly width x height.
        driver.execute_cdp_cmd("Emulation.setDeviceMetricsOverride",
                               {"width": width, "height": height, "deviceScaleFactor": 1, "mobile": False})
        driver.get(html.resolve().as_uri())
        driver.execute_async_script("const done = arguments[arguments.length - 1];"
                                    "document.fonts.ready.then(() => done(true));")
        data = driver.get_screenshot_as_png()
    finally:
        driver.quit()
    png.parent.mkdir(parents=True, exist_ok=True)
    tmp = png.with_name(f".{png.name}.tmp")
    tmp.write_bytes(data)
    tmp.replace(png)
    return png_size(data)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("html", type=Path, help="the memo, e.g. reports/2025/baseline/memo.html")
    parser.add_argument("png", type=Path, help="the screenshot to write, e.g. docs/memo_2025_first_screen.png")
    parser.add_argument("--width", type=int, default=1280)
    parser.add_argument("--height", type=int, default=800)
    args = parser.parse_args()
    if not args.html.is_file():
        sys.exit(f"{args.html}: no such file (make memos writes the memos)")
    if browser_missing():
        sys.exit("chromium / chromedriver not installed (apt-get install chromium chromium-driver)")
    width, height = screenshot(args.html, args.png, args.width, args.height)
    print(f"{args.png}  {width} x {height} px, {args.png.stat().st_size / 1024:.0f} KB")


if __name__ == "__main__":
    main()
