# ---
# jupyter:
#   jupytext:
#     formats: ipynb,py:percent
#     text_representation:
#       extension: .py
#       format_name: percent
#       format_version: '1.3'
#       jupytext_version: 1.19.6
#   kernelspec:
#     display_name: KIP workbook (.venv)
#     language: python
#     name: kip-workbook
# ---

# %% tags=["parameters"]
memo_year: int = 2025  # year the memo reports on
scenario: str = "baseline"  # one of kip_analysis.analyses.targets.scenarios.NAMES
results_dir: str = ""  # folder of the analysis notebooks' published results; empty means build them now

# %%
import tempfile
from pathlib import Path

from IPython.display import HTML, display

from kip_analysis.analyses.targets import scenarios
from kip_analysis.checks import check_year
from kip_analysis.report import memo

year = check_year("memo_year", memo_year)
scenario_name = scenarios.check_scenario(scenario)
if not results_dir:  # interactive use: run the facts analysis for this year into a scratch folder
    import papermill

    results_dir = tempfile.mkdtemp(prefix="kip-memo-")
    papermill.execute_notebook("01_programme_facts.ipynb", str(Path(results_dir) / "01.ipynb"),
                               parameters={"as_of_year": year,
                                           "results_path": str(Path(results_dir) / "01_programme_facts.json")},
                               progress_bar=False)
sections = memo.load_sections(results_dir)

# %% [markdown]
# The memo as the batch writes it (`memo.html`): the bottom line, the three answers and the targets
# dashboard first, then one part per question, then the annex.

# %%
display(HTML(memo.memo_html(year, scenario_name, scenarios.describe(scenario_name), sections)))
