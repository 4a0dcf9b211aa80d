"""Helper package for the Hanoi Key Industrial Products (KIP) policy workbook.

Modules, in reading order:

- :mod:`kip_analysis.config` -- the one place paths live.
- :mod:`kip_analysis.errors` -- the error raised for bad input (file, row, column).
- :mod:`kip_analysis.provenance` -- metadata sidecars, checksums, code version.
- :mod:`kip_analysis.schemas` -- a pandera schema for every raw table.
- :mod:`kip_analysis.sources` -- loading and validating the raw tables.
- :mod:`kip_analysis.periods` / :mod:`kip_analysis.units` -- parsing periods and units.
- :mod:`kip_analysis.quotes` -- finding a figure inside its quote.
- :mod:`kip_analysis.facts` -- one tidy facts table from the articles and web figures.
- :mod:`kip_analysis.processed` -- programme timeline, targets and conflicts tables.
- :mod:`kip_analysis.tracker` -- targets against actuals (met / missed / unknown).
- :mod:`kip_analysis.params` -- notebook parameter validation.
- :mod:`kip_analysis.plots` -- figures.
- :mod:`kip_analysis.memos` -- the papermill memo batch.
"""

__version__ = "0.1.0"
