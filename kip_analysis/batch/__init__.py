"""The memo batch: jobs, cache, execution under papermill, the index page and the command line.

May import: everything below it (analyses, report, data, estimators, base modules).
"""
