"""The targets analysis (notebook: see kip_analysis.analyses.VALIDATORS)."""
