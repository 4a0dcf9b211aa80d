"""Helper package for the Hanoi Key Industrial Products (KIP) policy workbook.

The layout shows the direction of imports (tests/test_architecture.py enforces it)::

    batch      -> analyses -> report | estimators | data -> config | errors | checks | io | versions

- :mod:`kip_analysis.config` -- paths and workbook-wide constants.
- :mod:`kip_analysis.errors` -- errors for bad data (file, row, column) and bad parameters.
- :mod:`kip_analysis.checks` -- parameter checks shared by every validator.
- :mod:`kip_analysis.io` -- atomic writes and JSON-safe values.
- :mod:`kip_analysis.versions` -- code and package versions.
- :mod:`kip_analysis.data` -- raw tables, facts, processed tables, geography, firm panel.
- :mod:`kip_analysis.estimators` -- DiD, conditional logit, growth models (no programme names).
- :mod:`kip_analysis.report` -- the Section contract, figures, tables, the memo.
- :mod:`kip_analysis.analyses` -- facts, effects, targets, land: one folder per notebook.
- :mod:`kip_analysis.batch` -- the papermill memo batch and its index page.
"""

__version__ = "0.2.0"
