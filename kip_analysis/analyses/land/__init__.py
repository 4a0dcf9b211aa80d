"""The land analysis (notebook: see kip_analysis.analyses.VALIDATORS)."""
