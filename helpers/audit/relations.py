"""Relations the printed fit indices must satisfy among themselves, whatever the data.

Unlike the checks of ``fit_checks``, these need no formula run forward from χ²: a CI must hold
its estimate, CFI is a truncated RNI, and so on. A broken relation shows that at least one of
the numbers involved cannot be what the software printed.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np
import pandas as pd

from helpers import paper_model
from helpers.audit.printed import EPS, Check, fmt_range, has, join_sources, overlaps, span, verdict_for
from helpers.sem.fit_measures import sample_moments


def check_index_relations(values: Mapping[str, Any], n_observed: int) -> list[Check]:
    """Relations the printed indices must satisfy among themselves, whatever the data:

    - the RMSEA CI contains the RMSEA;
    - χ² below df forces RMSEA = 0, CFI = 1, TLI ≥ 1 and RNI ≥ 1;
    - CFI is RNI truncated to [0, 1];
    - 1 - TLI = (1 - RNI)·df_b/df, so TLI ≤ CFI whenever CFI < 1 and df < df_b;
    - lavaan's AGFI = 1 - (p(p+1)/2 / df)(1 - GFI), so GFI and AGFI imply the df;
    - the baseline model has a larger χ² and more df than the user model;
    - the baseline χ² is at least what the strongest correlation Table 5 fixes demands
      (``baseline_chisq_floor``).
    """
    rows = [
        _relation_ci_contains(values),
        _relation_below_df(values),
        _relation_cfi_rni(values),
        _relation_tli_rni(values),
        _relation_tli_cfi_order(values),
        _relation_gfi_agfi(values, n_observed),
        _relation_model_baseline(values),
        _relation_baseline_paths(values),
    ]
    return [row for row in rows if row is not None]


def baseline_chisq_floor(paths: pd.DataFrame, n: int) -> tuple[float, str]:
    """The smallest baseline χ² the printed paths allow, and the path that sets it.

    lavaan's baseline χ² tests that the variables are uncorrelated: it equals -N·ln|R| (R the
    sample correlation matrix, exogenous block fixed). Since |R| ≤ 1 - r² for any one pair
    (Fischer's inequality), it is at least -N·ln(1 - r²) for every correlation r. The β of a
    path that is the only predictor of its outcome (H1a, H1b) is exactly such a correlation;
    the smallest |β| its rounding allows gives the floor.
    """
    equations = paper_model.equations()
    single = {h.code for h in paper_model.HYPOTHESES if len(equations[h.outcome]) == 1}
    floors = {}
    for r in paths.itertuples():
        if r.hypothesis in single:
            smallest = max(abs(r.beta) - 0.5 * 10.0**-r.beta_decimals, 0.0)
            floors[r.hypothesis] = -n * np.log(1 - smallest**2)
    if not floors:
        return 0.0, ""
    code = max(floors, key=floors.get)
    return float(floors[code]), code


def _relation(check: str, item: str, what: str, **fields: Any) -> Check:
    return Check(check=check, topic="index relations", item=item, what=what, **fields)


def _relation_ci_contains(v: Mapping[str, Any]) -> Check | None:
    if not has(v, "rmsea", "rmsea_ci_lower", "rmsea_ci_upper"):
        return None
    point, lower, upper = v["rmsea"], v["rmsea_ci_lower"], v["rmsea_ci_upper"]
    ok = lower.interval()[0] <= point.interval()[1] + EPS and point.interval()[0] <= upper.interval()[1] + EPS
    return _relation(
        "R-rmsea-ci-contains",
        "Table 3, RMSEA and its CI",
        "the CI contains the point estimate",
        published=f"{point} in [{lower}, {upper}]",
        source=join_sources(point.source, lower.source, upper.source),
        implied="lower ≤ RMSEA ≤ upper",
        tolerance=point.tolerance,
        verdict=verdict_for(ok),
        explanation="the interval brackets the estimate" if ok else "the estimate is outside its interval",
    )


def _relation_below_df(v: Mapping[str, Any]) -> Check | None:
    if not has(v, "chisq", "df") or v["chisq"].interval()[1] >= v["df"].value:
        return None
    rules = {
        "rmsea": ("= 0", lambda interval: interval[0] <= EPS),
        "cfi": ("= 1", lambda interval: interval[1] >= 1 - EPS),
        "tli": ("≥ 1", lambda interval: interval[1] >= 1 - EPS),
        "rni": ("≥ 1", lambda interval: interval[1] >= 1 - EPS),
    }
    present = [k for k in rules if v.get(k) is not None]
    if not present:
        return None
    broken = [f"{k.upper()} = {v[k]}" for k in present if not rules[k][1](v[k].interval())]
    return _relation(
        "R-below-df",
        "Tables 2-4",
        "χ² below its df forces RMSEA = 0, CFI = 1, TLI ≥ 1, RNI ≥ 1",
        published=", ".join(f"{k.upper()} = {v[k]}" for k in present)
        + f" (χ² = {v['chisq']}, df = {v['df'].value:g})",
        source=join_sources(v["chisq"].source, *(v[k].source for k in present)),
        implied=", ".join(f"{k.upper()} {rules[k][0]}" for k in present),
        tolerance="rounding of each printed value",
        verdict=verdict_for(not broken),
        explanation="every index at its bound" if not broken else "broken by " + ", ".join(broken),
    )


def _relation_cfi_rni(v: Mapping[str, Any]) -> Check | None:
    if not has(v, "cfi", "rni"):
        return None
    cfi, rni = v["cfi"], v["rni"]
    implied = tuple(min(max(x, 0.0), 1.0) for x in rni.interval())
    ok = overlaps(implied, cfi.interval())
    return _relation(
        "R-cfi-rni",
        "Table 4, CFI and RNI",
        "CFI equals RNI truncated to [0, 1]",
        published=f"CFI = {cfi}, RNI = {rni}",
        source=join_sources(cfi.source, rni.source),
        implied=f"CFI = {fmt_range(implied)}",
        tolerance=cfi.tolerance,
        verdict=verdict_for(ok),
        explanation="CFI is the truncated RNI" if ok else "an RNI inside [0, 1] must equal CFI",
    )


def _relation_tli_rni(v: Mapping[str, Any]) -> Check | None:
    if not has(v, "tli", "rni", "df", "baseline_df") or v["df"].value <= 0:
        return None
    tli, rni, df, base_df = v["tli"], v["rni"], v["df"].value, v["baseline_df"].value
    implied = span(lambda r: 1 - (1 - r) * base_df / df, rni.interval())
    return _relation(
        "R-tli-rni",
        "Table 4, TLI and RNI; Table 2, df",
        "1 - TLI = (1 - RNI)·df_b/df",
        published=f"TLI = {tli}, RNI = {rni}",
        source=join_sources(tli.source, rni.source, v["df"].source),
        implied=f"TLI = {fmt_range(implied)}",
        tolerance=tli.tolerance,
        verdict=verdict_for(overlaps(implied, tli.interval())),
        explanation=f"with df_b/df = {base_df:g}/{df:g}, the printed RNI gives TLI = {fmt_range(implied)}",
    )


def _relation_tli_cfi_order(v: Mapping[str, Any]) -> Check | None:
    if not has(v, "tli", "cfi", "df", "baseline_df") or v["df"].value >= v["baseline_df"].value:
        return None
    tli, cfi = v["tli"], v["cfi"]
    if cfi.interval()[1] >= 1:
        return None  # the ordering only binds for a model that misfits (CFI < 1)
    ok = tli.interval()[0] <= cfi.interval()[1] + EPS
    return _relation(
        "R-tli-cfi-order",
        "Table 4, TLI and CFI",
        "TLI ≤ CFI when CFI < 1 (TLI charges for each df used)",
        published=f"TLI = {tli}, CFI = {cfi}",
        source=join_sources(tli.source, cfi.source),
        implied="TLI ≤ CFI",
        tolerance=tli.tolerance,
        verdict=verdict_for(ok),
        explanation="in the right order" if ok else "a TLI above CFI is impossible when CFI < 1",
    )


def _relation_gfi_agfi(v: Mapping[str, Any], n_observed: int) -> Check | None:
    if not has(v, "gfi", "agfi", "df"):
        return None
    nel = sample_moments(n_observed)  # lavaan's AGFI counts every moment, fixed.x or not
    implied = span(
        lambda g, a: nel * (1 - g) / (1 - a) if a < 1 else np.inf, v["gfi"].interval(), v["agfi"].interval()
    )
    ok = implied[0] - EPS <= v["df"].value <= implied[1] + EPS
    return _relation(
        "R-gfi-agfi-df",
        "Table 4, GFI and AGFI; Table 2, df",
        f"df implied by AGFI = 1 - ({nel}/df)(1 - GFI)",
        published=f"df = {v['df'].value:g} (GFI = {v['gfi']}, AGFI = {v['agfi']})",
        source=join_sources(v["gfi"].source, v["agfi"].source, v["df"].source),
        implied=f"df = {fmt_range(implied, 1)}",
        tolerance="rounding of GFI and AGFI",
        verdict=verdict_for(ok),
        explanation=f"lavaan's AGFI counts all {nel} moments; the printed GFI and AGFI allow "
        f"df {fmt_range(implied, 1)}",
    )


def _relation_model_baseline(v: Mapping[str, Any]) -> Check | None:
    if not has(v, "chisq", "df", "baseline_chisq", "baseline_df"):
        return None
    ok = v["chisq"].value <= v["baseline_chisq"].value and v["df"].value < v["baseline_df"].value
    return _relation(
        "R-model-vs-baseline",
        "Table 2",
        "the baseline model has a larger χ² and more df than the user model",
        published=f"χ² {v['chisq']} vs {v['baseline_chisq']}; df {v['df'].value:g} vs "
        f"{v['baseline_df'].value:g}",
        source=join_sources(v["chisq"].source, v["baseline_chisq"].source),
        implied="user χ² ≤ baseline χ², user df < baseline df",
        tolerance="rounding of each printed value",
        verdict=verdict_for(ok),
        explanation="in the right order" if ok else "the order is broken",
    )


def _relation_baseline_paths(v: Mapping[str, Any]) -> Check | None:
    if not has(v, "baseline_chisq", "paths"):
        return None
    floor, code = baseline_chisq_floor(v["paths"], int(v["n"]))
    if not code:
        return None
    base = v["baseline_chisq"]
    beta = v["paths"].set_index("hypothesis").loc[code, "beta"]
    return _relation(
        "R-baseline-vs-paths",
        f"Table 2, Baseline Model; Table 5, {code}",
        "the baseline χ² is at least -N·ln(1 - r²) for the correlation a one-predictor path fixes",
        published=f"baseline χ² = {base}; {code}: β = {beta:g}",
        source=join_sources(base.source, str(v["paths"].set_index("hypothesis").loc[code, "source"])),
        implied=f"baseline χ² ≥ {floor:.1f}",
        tolerance=f"{base.tolerance}; β rounded",
        verdict=verdict_for(base.interval()[1] >= floor - EPS),
        explanation=f"the correlation {code} fixes is enough for χ² ≥ {floor:.1f} at N = {v['n']}",
    )
