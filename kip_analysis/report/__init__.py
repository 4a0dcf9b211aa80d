"""Reporting: the Section result contract, number formatting, figures, great-tables tables
and the memo composed from Sections.

May import: config, errors, checks, io, versions.
"""
