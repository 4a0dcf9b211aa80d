"""Data: the raw-table catalog, loading and schemas, provenance, facts, processed tables,
geography and the firm panel (SIMULATED or a census extract).

May import: config, errors, checks, io, versions.
"""
