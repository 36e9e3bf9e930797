"""Lesson 05's sentences: bootstrap intervals of paths, R² and indirect effects, robust standard
errors, the Bollen–Stine test, alternative models and modification indices."""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
import pandas as pd
from scipy import stats

from helpers import instrument as ins
from helpers import paper_model
from helpers.statements import ALPHA, capitalized, listing, number, p_text

HYPOTHESIS_OF_PATH = {h.short_path: h.code for h in paper_model.HYPOTHESES}
SYMMETRIC = '"estimate ± 1.96 SE"'


def outcome_name(abbreviation: str) -> str:
    """'market reach' for MR: a construct's label, lower case, from its abbreviation."""
    construct = next(c for c in ins.CONSTRUCTS if c.abbreviation == abbreviation)
    return construct.label.lower()


def _standardized(summary: pd.DataFrame, kind: str) -> pd.DataFrame:
    return summary.loc[kind].xs("β", level="scale")


def _path(effect: str) -> str:
    return f"{effect} ({HYPOTHESIS_OF_PATH[effect]})"


BC_CAVEAT = (
    "BC intervals of indirect effects can reject zero too often in small samples (Fritz, Taylor & "
    "MacKinnon 2012), so such a result is borderline"
)


def misspecification_note(model_test: Mapping[str, float] | None) -> str:
    """' But the data reject the model itself ...' when the model test (lavaan's ``fit_measures``:
    chisq, df, pvalue) rejects at α = .05; '' otherwise or without a model test."""
    if model_test is None or model_test["pvalue"] >= ALPHA:
        return ""
    return (
        f" But the data reject the model itself (χ² = {model_test['chisq']:.1f} on {model_test['df']:.0f} df, "
        f"{p_text(model_test['pvalue'])}; lesson 04): these estimates come from a model that does not fit, and "
        "bootstrapping does not repair a misspecified model; it only drops the normality assumption."
    )


def percentile_bc_splits(summary: pd.DataFrame, kinds: tuple[str, ...]) -> list[str]:
    """The standardized effects of ``kinds`` whose 95% percentile and BC intervals disagree about
    zero (one excludes it, the other does not)."""
    rows = summary[summary.index.get_level_values("kind").isin(kinds)].xs("β", level="scale")
    percentile = (rows["pct_lower"] > 0) | (rows["pct_upper"] < 0)
    bc = (rows["bc_lower"] > 0) | (rows["bc_upper"] < 0)
    return [effect for (_, effect) in rows.index[percentile != bc]]


def path_intervals(summary: pd.DataFrame, model_test: Mapping[str, float] | None = None) -> str:
    """Which paths' bootstrap (BC) intervals exclude zero, and which comes closest to it; whether
    the percentile interval disagrees about zero; and, when the model test rejects (``model_test``:
    ``fit_measures()`` of the paper's model), that the paths come from a model the data reject."""
    text = _path_interval_verdicts(summary)
    splits = percentile_bc_splits(summary, ("path",))
    if splits:
        text += (
            f" For {listing(splits)} the percentile interval and the BC interval disagree about zero: a "
            "borderline result either way."
        )
    return text + misspecification_note(model_test)


def _path_interval_verdicts(summary: pd.DataFrame) -> str:
    paths = _standardized(summary, "path")
    above, below = paths[paths["bc_lower"] > 0], paths[paths["bc_upper"] < 0]
    spanning = paths[(paths["bc_lower"] <= 0) & (paths["bc_upper"] >= 0)]
    if len(above) == len(paths):
        weakest, closest = paths["estimate"].idxmin(), paths["bc_lower"].idxmin()
        first = "Every interval stays above zero, so all eight hypotheses survive without the normality assumption."
        lower = paths.loc[closest, "bc_lower"]
        if closest == weakest:
            bound = (
                "its lower bound is only just positive."
                if lower < 0.05
                else f"its lower bound is {number(lower, 3)}."
            )
            return f"{first} The weakest, {_path(weakest)}, comes closest to zero; {bound}"
        return (
            f"{first} The weakest path is {_path(weakest)} (β = {number(paths.loc[weakest, 'estimate'])}); the interval "
            f"closest to zero is that of {_path(closest)} (lower bound {number(lower, 3)})."
        )
    parts = []
    if len(above):
        parts.append(
            f"{len(above)} of the {len(paths)} intervals lie wholly above zero ({listing(map(_path, above.index))}): "
            "those hypotheses survive without the normality assumption."
        )
    else:
        parts.append(
            "No interval lies wholly above zero: none of the hypotheses survives without the normality assumption."
        )
    if len(spanning):
        what = "this path" if len(spanning) == 1 else "these paths"
        parts.append(
            f"The intervals of {listing(map(_path, spanning.index))} include zero: the bootstrap cannot tell {what} from no effect."
        )
    if len(below):
        parts.append(
            f"The interval of {listing(map(_path, below.index))} lies wholly below zero: an effect opposite to the hypothesis."
        )
    return " ".join(parts)


def r_squared_intervals(summary: pd.DataFrame) -> str:
    """The least explained outcome's R² interval, and what the bootstrap bias says."""
    r_squared = summary.loc["R²"].xs("R²", level="scale")
    outcomes = r_squared.loc[["MR", "IA", "OE"]]
    least = outcomes["estimate"].idxmin()
    lower = outcomes.loc[least, "bc_lower"]
    if lower < 0.005:
        reach = "reaches down to zero"
    elif lower < 0.10:
        reach = "reaches down to a few percent of variance"
    else:
        reach = f"reaches down to {lower:.0%} of variance"
    first = f"{capitalized(outcome_name(least))} is the least explained outcome: its interval {reach}."
    bias, share = r_squared["boot_bias"], r_squared["boot_bias"] / r_squared["estimate"]
    if (bias > 0).all() and share.max() < 0.5:
        second = (
            "Note the positive `boot_bias` for the small R² values: resampling inflates R² slightly, as sampling error "
            "always adds some apparent fit."
        )
    elif (bias > 0).all():
        worst = share.idxmax()
        how_big = (
            "larger than the estimate itself" if share[worst] > 1 else f"{share[worst]:.0%} of the estimate"
        )
        second = (
            f"Note the positive `boot_bias` of every R²: resampling inflates R², as sampling error adds some apparent "
            f"fit. For {worst} the bias ({number(bias[worst], 3)}) is {how_big} ({number(r_squared.loc[worst, 'estimate'], 3)}), "
            "so that R² is hard to tell from the fit that chance alone adds."
        )
    else:
        second = "Note the sign of `boot_bias`: where it is positive, resampling inflates R², as sampling error adds some apparent fit."
    return f"{first} {second}"


def _outcome_of(effect: str) -> str:
    """'MR' for 'PCDP → IT → MR' and for 'PCDP → MR via IT + GL'."""
    parts = effect.split(" → ")
    return parts[1].split(" ")[0] if "via" in effect else parts[-1]


def indirect_effects(summary: pd.DataFrame, model_test: Mapping[str, float] | None = None) -> str:
    """Which indirect effects exclude zero, the largest total one, and the smallest; where the
    percentile interval disagrees with the BC interval about zero; and, when the model test rejects
    (``model_test``: ``fit_measures()`` of the paper's model), that they come from a model the data
    reject."""
    text = _indirect_verdicts(summary)
    splits = percentile_bc_splits(summary, ("indirect", "total indirect"))
    if splits:
        text += (
            f" For {listing(splits)} the BC interval and the percentile interval disagree about zero; "
            f"{BC_CAVEAT}."
        )
    return text + misspecification_note(model_test)


def _indirect_verdicts(summary: pd.DataFrame) -> str:
    indirect, total = _standardized(summary, "indirect"), _standardized(summary, "total indirect")
    specific, totals = indirect["excludes_zero"].astype(bool), total["excludes_zero"].astype(bool)
    if specific.all() and totals.all():
        parts = [
            "Every BC interval excludes zero: on these data each indirect effect the model implies is distinguishable from zero."
        ]
    else:
        if specific.any():
            parts = [
                f"{int(specific.sum())} of the six specific indirect effects have a BC interval that excludes zero ({listing(indirect.index[specific])})."
            ]
            if (~specific).any():
                parts.append(
                    f"For {listing(indirect.index[~specific])} the interval includes zero: these data cannot tell that indirect effect from none."
                )
        else:
            parts = [
                "None of the six specific indirect effects has a BC interval that excludes zero: these data cannot tell any of them from none."
            ]
        names = lambda effects: listing(outcome_name(_outcome_of(e)) for e in effects)  # noqa: E731
        if totals.all():
            parts.append("The total indirect effect on each outcome excludes zero.")
        elif totals.any():
            parts.append(
                f"The total indirect effect excludes zero for {names(total.index[totals])}, not for {names(total.index[~totals])}."
            )
        else:
            parts.append("No total indirect effect excludes zero.")
    largest = total["estimate"].idxmax()
    size, outcome = total.loc[largest, "estimate"], outcome_name(_outcome_of(largest))
    caveat = "." if totals[largest] else ", although its interval includes zero."
    parts.append(
        f"The total indirect effect on {outcome} (β ≈ {number(size)}) is the largest: in the model, firms one SD apart "
        f"on PCDP are expected to differ by about {size:.1f} SD on {outcome} through trade and logistics{caveat} The "
        "model has no direct paths, so it routes all of PCDP's association with the outcomes through the mediators by "
        "assumption; whether the data allow direct paths is tested below."
    )
    paths = _standardized(summary, "path")
    weakest, smallest = paths["estimate"].abs().idxmin(), indirect["estimate"].abs().idxmin()
    lower, upper = indirect.loc[smallest, ["bc_lower", "bc_upper"]]
    if lower <= 0 <= upper:
        where = "its interval includes zero"
    elif 0 < lower < 0.01 or -0.01 < upper < 0:
        where = "its interval nearly touches zero"
    else:
        where = f"its interval stays clear of zero ({number(lower, 3)} to {number(upper, 3)})"
    mediator_path = " → ".join(smallest.split(" → ")[1:])
    if mediator_path == weakest:
        parts.append(
            f"The smallest, {smallest}, runs through the weakest path of the model ({weakest}, β = {number(paths.loc[weakest, 'estimate'])}), and {where}."
        )
    else:
        parts.append(
            f"The smallest in size is {smallest} (β = {number(indirect.loc[smallest, 'estimate'], 3)}), and {where}."
        )
    return " ".join(parts)


def bootstrap_shapes(draws: pd.DataFrame, summary: pd.DataFrame) -> str:
    """How the bootstrap distributions of the indirect effects lean, and whether the percentile
    and BC intervals agree."""
    columns = [c for c in draws.columns if c[0] == "indirect" and c[2] == "β"]
    skew = pd.Series({c[1]: stats.skew(draws[c]) for c in columns})
    positive = (_standardized(summary, "path")["estimate"] > 0).all()
    if (skew > 0).all() and positive:
        first = f"The histograms are slightly skewed to the right (a product of two positive estimates), which is exactly why a symmetric {SYMMETRIC} interval would be off."
    else:
        right, left = list(skew.index[skew > 0.1]), list(skew.index[skew < -0.1])
        sides = [
            f"to the right for {listing(right)}" if right else "",
            f"to the left for {listing(left)}" if left else "",
        ]
        lean = " and ".join(side for side in sides if side) or "hardly"
        first = f"The histograms are skewed {lean} (the others are nearly symmetric), which is why a symmetric {SYMMETRIC} interval can be off."
    rows = summary[summary.index.get_level_values("kind") != "R²"]
    width = rows["pct_upper"] - rows["pct_lower"]
    gap = (
        np.maximum((rows["bc_lower"] - rows["pct_lower"]).abs(), (rows["bc_upper"] - rows["pct_upper"]).abs())
        / width
    )
    percentile_excludes = (rows["pct_lower"] > 0) | (rows["pct_upper"] < 0)
    flips = sorted(
        {
            effect
            for (_, effect, scale) in rows.index[percentile_excludes != rows["excludes_zero"].astype(bool)]
            if scale == "β"
        }
    )
    if gap.max() < 0.10 and not flips:
        return f"{first} Here the percentile and BC intervals almost coincide, because the bootstrap distributions are centred on the estimates."
    second = f"Here the percentile and BC intervals differ by up to {gap.max():.0%} of the interval's width, because some bootstrap distributions are not centred on their estimates."
    if flips:
        second += (
            f" For {listing(flips)} the two intervals disagree about zero: a borderline result either way."
        )
        if any(flip.count(" → ") >= 2 or "via" in flip for flip in flips):
            second += (
                " BC intervals of indirect effects can reject zero too often in small samples (Fritz, Taylor & "
                "MacKinnon 2012), so there the percentile interval is the safer reading."
            )
    return f"{first} {second}"


def robust_standard_errors(errors: pd.DataFrame) -> str:
    """How far the robust SEs of the paths depart from ML, whether a decision changes, and which
    way the residual variances' SEs move."""
    paths = errors[errors["op"] == "~"].set_index("parameter")
    departure = (paths["se_ratio"] - 1).abs()
    changed = paths[(paths["p_ml"] < ALPHA) != (paths["p_robust"] < ALPHA)]
    first = f"For the paths the two differ by at most about {round(100 * departure.max())}% ({departure.idxmax()})"
    if len(changed):
        which = listing(
            f"{path} (ML {p_text(row.p_ml)}, robust {p_text(row.p_robust)})"
            for path, row in changed.iterrows()
        )
        first += f" and the conclusion at α = .05 changes for {which}."
    else:
        first += " and no conclusion changes."
    variances = errors[(errors["op"] == "~~") & (errors["lhs"] == errors["rhs"]) & (errors["est"] > 0)]
    variances = variances[variances["parameter"].str.contains("residual")]
    ratio = variances["se_ratio"]
    if (ratio < 1).all():
        second = "For the residual variances the robust SEs are smaller: those depend on the kurtosis of the scores, which for averages of five-point answers is lower than a normal distribution's."
    elif (ratio > 1).all():
        second = "For the residual variances the robust SEs are larger: those depend on the kurtosis of the scores, and these scores have heavier tails than a normal distribution."
    else:
        name = lambda rows: listing(p.split(" ")[0] for p in rows["parameter"])  # noqa: E731
        second = (
            f"For the residual variances the robust SEs are smaller for {name(variances[ratio < 1])} and larger for "
            f"{name(variances[ratio >= 1])}: they depend on the kurtosis of each score, which lowers the robust SE where "
            "the tails are lighter than a normal distribution's and raises it where they are heavier."
        )
    return f"{first} {second}"


def bollen_stine(table: pd.DataFrame) -> str:
    """How the bootstrap chi-squares compare with the chi-square distribution, and whether the
    two p-values agree (``table``: ``robustness.bollen_stine_table``)."""
    row = table.iloc[0]
    df, mean = int(row["df"]), row["bootstrap_mean_chi_square"]
    normal, bootstrap = row["p_normal_theory"], row["p_bollen_stine"]
    size = "a little" if abs(mean - df) / df < 0.25 else "clearly"
    first = f"The bootstrap chi-squares run {size} {'higher' if mean > df else 'lower'} than the chi-square distribution with {df} df"
    if abs(bootstrap - normal) < 0.01:
        first += ", and the Bollen–Stine p-value is about the same as the normal-theory one."
    else:
        link = "so" if (mean > df) == (bootstrap > normal) else "yet"
        amount = "somewhat" if abs(bootstrap - normal) < 0.1 else "much"
        first += f", {link} the Bollen–Stine p-value is {amount} {'larger' if bootstrap > normal else 'smaller'} than the normal-theory one."
    if normal >= ALPHA and bootstrap >= ALPHA:
        second = "Both say the same: the model's restrictions are compatible with the data."
    elif normal < ALPHA and bootstrap < ALPHA:
        second = "Both say the same: the data reject the model's restrictions."
    else:
        which = "normal-theory" if normal < ALPHA else "Bollen–Stine"
        second = f"They disagree at α = .05: only the {which} test rejects the model, so the verdict depends on whether the normality assumption is trusted."
    return f"{first} {second}"
