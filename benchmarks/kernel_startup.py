"""Where a notebook's kernel spends its time before the first analysis line (issue 21).

Run: ``.venv/bin/python benchmarks/kernel_startup.py``. For each notebook: the kernel's start-up to ready, then
its import cell (the first code cell after ``parameters``) timed inside that kernel, and the ten slowest
modules of that cell by ``python -X importtime`` (cumulative, in a fresh interpreter). Then the same two times
for a kernel forked from a warm zygote, as a batch worker starts its kernels (kip_analysis/batch/forkserver.py),
and what the zygote's one-off imports cost.
"""

from __future__ import annotations

import asyncio
import re
import subprocess
import sys
import time
from pathlib import Path

import nbformat
from jupyter_client.manager import AsyncKernelManager

ROOT = Path(__file__).resolve().parent.parent


def import_cell(path: Path) -> str:
    """The notebook's first code cell after its parameters cell, import lines only."""
    nb = nbformat.read(path, as_version=4)
    code = [c for c in nb.cells if c.cell_type == "code"]
    after = next(i for i, c in enumerate(code) if "parameters" in c.metadata.get("tags", [])) + 1
    lines = code[after].source.splitlines()
    return "\n".join(line for line in lines if re.match(r"^(import|from) \S+", line))


async def kernel_times(manager: type, imports: str) -> tuple[float, float]:
    """Seconds to a ready kernel of ``manager`` (an async kernel manager class), then the import cell's."""
    start = time.perf_counter()
    km = manager(kernel_name="python3")
    await km.start_kernel(cwd=str(ROOT / "notebooks"))
    kc = km.client()
    kc.start_channels()
    await kc.wait_for_ready(timeout=60)
    ready = time.perf_counter() - start
    start = time.perf_counter()
    await kc.execute_interactive(imports, timeout=600)
    cell = time.perf_counter() - start
    kc.stop_channels()
    await km.shutdown_kernel(now=True)
    return ready, cell


def slowest_imports(imports: str, n: int = 10) -> list[tuple[float, str]]:
    done = subprocess.run([sys.executable, "-X", "importtime", "-c", imports], capture_output=True, text=True,
                          cwd=ROOT)
    rows = []
    for line in done.stderr.splitlines():
        m = re.match(r"import time:\s+\d+ \|\s+(\d+) \| (\s*)(\S+)", line)
        if m and len(m.group(2)) <= 2:  # top-level modules and their direct imports
            rows.append((int(m.group(1)) / 1e6, m.group(3)))
    return sorted(rows, reverse=True)[:n]


def main() -> None:
    paths = sorted((ROOT / "notebooks").glob("[0-9][0-9]_*.ipynb"))
    for path in paths:
        imports = import_cell(path)
        ready, cell = asyncio.run(kernel_times(AsyncKernelManager, imports))
        print(f"{path.stem}: kernel ready {ready:.1f} s; import cell {cell:.1f} s")
        for seconds, module in slowest_imports(imports):
            print(f"    {seconds:6.2f} s  {module}")
    from kip_analysis.batch import forkserver

    start = time.perf_counter()
    if forkserver.start() is None:
        print("forked kernels: off (KIP_FORK_KERNELS=0 or no os.fork)")
        return
    print(f"zygote: imports and fork {time.perf_counter() - start:.1f} s, once per batch worker")
    for path in paths:
        ready, cell = asyncio.run(kernel_times(forkserver.manager_class(), import_cell(path)))
        print(f"{path.stem} (forked kernel): kernel ready {ready:.2f} s; import cell {cell:.2f} s")


if __name__ == "__main__":
    main()
