"""The effects analysis (notebook: see kip_analysis.analyses.VALIDATORS)."""
