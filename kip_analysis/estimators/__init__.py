"""General-purpose estimators with no programme names, each tested against a reference:
difference-in-differences (csdid / pyfixest wrappers and a vectorised Callaway-Sant'Anna),
the conditional logit, the delta method and growth models.

May import: config, errors, checks, io.
"""
