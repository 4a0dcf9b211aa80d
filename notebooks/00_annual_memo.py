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
scenario: str = "baseline"  # one of kip_analysis.scenarios.NAMES
results_dir: str = ""  # folder of the analysis notebooks' published results; empty means build them now

# %%
import base64
import html
import tempfile
from pathlib import Path

import pandas as pd
from IPython.display import HTML, Markdown, display

from kip_analysis import memo_text, params, scenarios

year = params.check_year("memo_year", memo_year)
scenario_name = scenarios.check_scenario(scenario)
if not results_dir:  # interactive use: run the analyses for this year into a scratch folder
    import papermill

    results_dir = tempfile.mkdtemp(prefix="kip-memo-")
    papermill.execute_notebook("01_programme_facts.ipynb", str(Path(results_dir) / "01.ipynb"),
                               parameters={"as_of_year": year,
                                           "results_path": str(Path(results_dir) / "01_programme_facts.json")},
                               progress_bar=False)
results = memo_text.load_results(results_dir)
display(Markdown(f"# Hanoi Key Industrial Products: policy memo {year}\n\n"
                 f"*Scenario: {html.escape(scenario_name)} — {html.escape(scenarios.describe(scenario_name))}.*"))
if any(r.get("simulated") for r in results.values()):
    display(HTML('<p class="kip-simulated">Contains SIMULATED firm-level results (see caveats)</p>'))

# %%
display(Markdown("## Executive summary\n\n"
                 + "\n".join(f"- {html.escape(s)}" for s in memo_text.executive_summary(results))))

# %%
for name, title in memo_text.SECTIONS.items():
    if name not in results:
        continue
    r = results[name]
    display(Markdown(f"## {title}\n\n" + "\n\n".join(html.escape(s) for s in r.get("reading", []))))
    for figure in r.get("figures", []):
        img = base64.b64decode(figure["png_base64"])
        display(HTML(f'<figure><img alt="{html.escape(figure["name"])}" '
                     f'src="data:image/png;base64,{base64.b64encode(img).decode()}">'
                     f"<figcaption><em>{html.escape(figure['caption'])}</em></figcaption></figure>"))
    for caption, records in r.get("tables", {}).items():
        display(HTML(f"<h3>{html.escape(caption)}</h3>"
                     + pd.DataFrame.from_records(records).to_html(index=False, escape=True, border=0)))

# %%
display(Markdown("## Caveats\n\n" + "\n".join(f"- {html.escape(c)}" for c in memo_text.caveats(results))))

# %%
display(HTML(memo_text.provenance_footer(year, scenario_name, results)))
