"""The facts analysis (notebook: see kip_analysis.analyses.VALIDATORS)."""
