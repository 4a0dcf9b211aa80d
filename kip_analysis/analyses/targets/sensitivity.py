"""The output share under every anchor, numerator definition and renewal overlap: a sensitivity
grid for the notebook, never a probability in the memo.

May import: data.anchors, analyses.targets.shares.
"""

from __future__ import annotations

import pandas as pd

from kip_analysis.analyses.targets.shares import ShareAssumptions, in_force


def sensitivity_grid(table: pd.DataFrame, values: pd.DataFrame, production_value: pd.DataFrame, year: int,
                     overlaps: tuple[float, ...] = (0.0, 0.5, 1.0), validity: int = 3) -> pd.DataFrame:
    """The output share in ``year`` under every anchor x numerator definition x renewal overlap.

    ``values`` are the rounds' base-year revenues (:func:`~kip_analysis.analyses.targets.shares.round_values`),
    ``production_value`` the b017-anchored denominator by year; another anchor rescales it by the
    ratio of its implied level to b017's. Numerators: recognitions in force for ``validity`` years,
    or every recognition renewed once (in force ``2 x validity`` years) with a share ``overlap`` of
    each later round being those renewals (so counted once, not twice).
    """
    rows = []
    denominator = float(production_value.set_index("year").loc[year, "production_value_vnd_bn"])
    first = int(values["round"].min())
    for a in table[table["concept"] == "industrial production value"].itertuples():
        scale = a.implied_vnd_bn / a.reference_vnd_bn  # this anchor's level relative to b015 / b017's
        for overlap in overlaps:
            for numerator in ("in force", "renewed once"):
                if numerator == "in force":
                    if overlap != overlaps[0]:
                        continue
                    kip = in_force(values, year, "revenue", ShareAssumptions(validity_years=validity))
                else:
                    adjusted = values.copy()
                    later = adjusted["round"] >= first + validity
                    adjusted.loc[later, "revenue"] *= 1 - overlap
                    kip = in_force(adjusted, year, "revenue", ShareAssumptions(validity_years=2 * validity))
                rows.append({"anchor": a.anchor, "numerator": numerator,
                             "renewal_overlap": overlap if numerator == "renewed once" else None,
                             "output_share_pct": 100 * kip / (denominator * scale)})
    return pd.DataFrame(rows)
