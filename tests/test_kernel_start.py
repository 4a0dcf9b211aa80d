"""A kernel that dies before it answers (kip_analysis.batch.execute.run_job): no cell has run, so the notebook
is started once more in a kernel started the usual way, and the summary says so; a cell's error is never
retried. Where a failure is not a cell's, the command line prints the end of the batch log."""

from __future__ import annotations

import nbformat
import papermill
import pytest
from papermill.exceptions import PapermillExecutionError

from kip_analysis.batch import cli, execute
from kip_analysis.batch.index import summary
from kip_analysis.batch.jobs import Job


@pytest.fixture
def job(tmp_path):
    source = tmp_path / "nb"
    source.mkdir()
    nbformat.write(nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell("1 + 1")]), source / "02_x.ipynb")
    return Job("02_x", 2020, "baseline", {"memo_year": 2020}, str(tmp_path / "out"), str(source))


def _papermill(failures: list[BaseException], calls: list[bool]):
    """A stand-in for papermill.execute_notebook: raises ``failures`` in turn, then writes an executed copy."""

    def execute_notebook(source, output, kernel_manager_class=None, **_):
        calls.append(kernel_manager_class.fork)
        if failures:
            raise failures.pop(0)
        nb = nbformat.read(source, as_version=4)
        nb.cells[0].outputs = [nbformat.v4.new_output("execute_result", {"text/plain": "2"}, execution_count=1)]
        nbformat.write(nb, output)

    return execute_notebook


def test_a_kernel_that_died_before_kernel_info_is_started_again_the_usual_way(job, monkeypatch):
    calls: list[bool] = []
    died = RuntimeError("Kernel died before replying to kernel_info")
    monkeypatch.setattr(papermill, "execute_notebook", _papermill([died], calls))
    out = execute.run_job(job, "key", force=True)
    assert calls == [True, False]  # forked first, then the usual way
    assert out.status == "built" and job.html.exists() and job.executed.exists()
    assert out.extra["kernel_retried"] == "RuntimeError: Kernel died before replying to kernel_info"
    assert "RETRIED 2020/baseline/02_x: its first kernel did not start" in summary([out])


def test_a_second_kernel_that_dies_fails_the_job(job, monkeypatch):
    calls: list[bool] = []
    failures = [RuntimeError("Kernel didn't respond in 60 seconds"), RuntimeError("Kernel died before replying to "
                                                                                  "kernel_info")]
    monkeypatch.setattr(papermill, "execute_notebook", _papermill(failures, calls))
    out = execute.run_job(job, "key", force=True)
    assert calls == [True, False] and out.status == "failed" and out.cell is None
    assert out.error == "RuntimeError: Kernel died before replying to kernel_info" and not job.html.exists()


@pytest.mark.parametrize("error", [
    PapermillExecutionError(3, 3, "x = 1 / 0", "ZeroDivisionError", "division by zero", []),
    RuntimeError("something else went wrong in the kernel"),
])
def test_other_errors_are_not_retried(job, monkeypatch, error):
    calls: list[bool] = []
    monkeypatch.setattr(papermill, "execute_notebook", _papermill([error], calls))
    out = execute.run_job(job, "key", force=True)
    assert calls == [True] and out.status == "failed" and "kernel_retried" not in out.extra


def test_a_failure_outside_a_cell_prints_the_end_of_the_batch_log(tmp_path):
    log = tmp_path / execute.KERNEL_LOG
    log.write_text("".join(f"line {i}\n" for i in range(100)))
    tail = cli.log_tail(log, lines=3)
    assert tail.splitlines() == [f"kip-memos: the last 3 lines of {log}:", "  | line 97", "  | line 98",
                                 "  | line 99"]
    assert cli.log_tail(tmp_path / "missing.log").startswith("kip-memos: no batch log to show")
