"""Lesson 05's sentences on alternative models, modification indices and what the robustness
checks add up to."""

from __future__ import annotations

import pandas as pd

from helpers.statements import ALPHA, count_of, listing, number, p_text
from helpers.statements.robustness import outcome_name
from helpers.survey import SurveySource


def _model_name(comparison: pd.DataFrame, model: str) -> str:
    return (
        "the paper's model" if model == "paper" else f"the model with {comparison.loc[model, 'description']}"
    )


def _one_decimal(x: float) -> str:
    return "0" if round(x, 1) == 0 else f"{x:.1f}"


def model_comparison(comparison: pd.DataFrame) -> str:
    """Which model has the lowest AIC and BIC, and what the direct paths and the uncorrelated
    residuals do to the fit (``comparison``: ``alternative_models.compare_models``)."""
    best_aic, best_bic = comparison["aic"].idxmin(), comparison["bic"].idxmin()
    paper = comparison.loc["paper"]
    if best_aic == best_bic == "paper":
        first = "The paper's model has the lowest of both."
    elif "paper" in (best_aic, best_bic):
        won, lost, other = ("AIC", "BIC", best_bic) if best_aic == "paper" else ("BIC", "AIC", best_aic)
        behind = paper[f"delta_{lost.lower()}"]
        first = f"The paper's model has the lowest {won}, but {_model_name(comparison, other)} has the lowest {lost} (the paper's model is {behind:.1f} {lost} points behind)."
    elif best_aic == best_bic:
        first = f"{_model_name(comparison, best_aic)[:1].upper()}{_model_name(comparison, best_aic)[1:]} has the lowest of both; the paper's model is {paper['delta_aic']:.1f} AIC and {paper['delta_bic']:.1f} BIC points behind."
    else:
        first = f"The lowest AIC belongs to {_model_name(comparison, best_aic)}, the lowest BIC to {_model_name(comparison, best_bic)}; the paper's model is {paper['delta_aic']:.1f} AIC and {paper['delta_bic']:.1f} BIC points behind."
    direct = comparison.loc["direct"]
    fall = f"its chi-square falls from {_one_decimal(paper['chisq'])} to {_one_decimal(direct['chisq'])}"
    if direct["aic"] > paper["aic"]:
        direct_text = (
            f"Adding the three direct paths buys almost nothing ({fall} at the cost of three parameters)"
        )
    else:
        direct_text = f"Adding the three direct paths improves the fit ({fall}, more than the three extra parameters cost)"
    orthogonal = comparison.loc["orthogonal"]
    worse_aic, worse_bic = orthogonal["aic"] - paper["aic"], orthogonal["bic"] - paper["bic"]
    if worse_aic > 10 and worse_bic > 10:
        orthogonal_text = "forcing the outcomes' residuals to be uncorrelated makes the fit clearly worse."
    elif worse_aic > 0 and worse_bic > 0:
        orthogonal_text = "forcing the outcomes' residuals to be uncorrelated makes the fit worse."
    elif worse_aic > 0:
        orthogonal_text = "forcing the outcomes' residuals to be uncorrelated makes the fit worse by AIC but better by BIC, which charges more for the three covariances."
    else:
        orthogonal_text = "forcing the outcomes' residuals to be uncorrelated does not make the fit worse."
    return f"{first} {direct_text}, while {orthogonal_text}"


def nested_tests(tests: pd.DataFrame, summary: pd.DataFrame) -> str:
    """What the chi-square difference tests say about the direct paths (mediation) and the
    residual covariances."""
    by_pair = tests.set_index(["restricted", "full"])["pvalue"]
    direct_p, covariances_p = by_pair[("paper", "direct")], by_pair[("orthogonal", "paper")]
    totals = summary.loc["total indirect"].xs("β", level="scale")["excludes_zero"].astype(bool)
    if direct_p >= ALPHA:
        first = f"The direct paths are not needed (p ≈ {number(direct_p)})"
        if totals.all():
            first += ": on these data the mediation through IT and GL is *complete*."
        elif totals.any():
            without = listing(outcome_name(e.split(" → ")[1].split(" ")[0]) for e in totals.index[~totals])
            first += f", but for {without} the total indirect effect's interval includes zero as well, so there is no effect to call mediated; for the other outcomes the mediation through IT and GL is *complete*."
        else:
            first += (
                ", but no total indirect effect excludes zero either, so there is no effect to call mediated."
            )
    else:
        first = f"The direct paths are needed ({p_text(direct_p)}): on these data PCDP also acts on the outcomes directly, so the mediation through IT and GL is at most *partial*."
    if covariances_p < ALPHA:
        second = f"The residual covariances are needed ({p_text(covariances_p)}): the three outcomes share something that trade and logistics do not explain."
    else:
        second = f"The residual covariances are not needed ({p_text(covariances_p)}): on these data the outcomes share little that trade and logistics leave unexplained."
    return f"{first} {second}"


def modification_indices(mod: pd.DataFrame) -> str:
    """Whether any MI reaches 3.84, and the first group of identical MIs (equivalent models)."""
    top = mod.iloc[0]
    if top["mi"] < 0.75 * 3.84:
        first = "No MI comes near 3.84, so nothing in the model calls for a change."
    elif top["mi"] < 3.84:
        first = f"No MI reaches 3.84, though the largest ({top['path']}, {top['mi']:.2f}) comes close; nothing in the model clearly calls for a change."
    else:
        over = int((mod["mi"] >= 3.84).sum())
        count = "One MI exceeds" if over == 1 else f"{over} MIs exceed"
        into_pcdp = (
            " (an arrow into PCDP would make the model's starting cause an outcome)"
            if top["path"].endswith("→ PCDP")
            else ""
        )
        first = f"{count} 3.84; the largest is {top['path']} ({top['mi']:.2f}), so the data ask for something the model leaves out. Which parameter to free is a question for theory, not for the MI{into_pcdp}."
    rounded = mod["mi"].round(3)
    groups = [list(group["path"]) for _, group in mod.groupby(rounded, sort=False) if len(group) >= 2]
    if not groups:
        return first
    group = [path.replace(" (residuals)", "") for path in groups[0]]
    value = rounded[mod["path"] == groups[0][0]].iloc[0]
    return f"{first} Notice the groups of identical MIs: {listing(group)} all have MI {value:.2f}, because freeing any one of them gives a different model with exactly the same fit."


def beta_agreement(table5: pd.DataFrame, source: SurveySource) -> str:
    """The β beside the published ones (``table5``: ``robustness.table5_comparison``)."""
    if source.shipped:
        return "The synthetic data reproduce the published β by construction."
    difference = (table5["beta"] - table5["published_beta"]).abs()
    return f"On this survey the β differ from the published ones by up to {difference.max():.2f} ({difference.idxmax()}); beside the paper they describe your firms, not a replication."


def _disagreements(table5: pd.DataFrame) -> pd.DataFrame:
    ml, robust = table5["p_ml"] < ALPHA, table5["p_robust"] < ALPHA
    bootstrap = (table5["bc_lower"] > 0) | (table5["bc_upper"] < 0)
    return table5[(ml != robust) | (ml != bootstrap)]


def inference_agreement(table5: pd.DataFrame) -> str:
    """Whether ML, robust and bootstrap inference agree on every path at α = .05."""
    split = _disagreements(table5)
    if split.empty:
        return "What the robustness checks add is that none of the conclusions depends on normality: ML, robust and bootstrap inference agree."
    rows = [
        f"{code} ({row.path}: ML {p_text(row.p_ml)}, robust {p_text(row.p_robust)}, BC interval {number(row.bc_lower, 3)} to {number(row.bc_upper, 3)})"
        for code, row in split.iterrows()
    ]
    return f"What the robustness checks add: ML, robust and bootstrap inference disagree at α = .05 for {listing(rows)}, so that conclusion depends on the normality assumption; for the other paths they agree."


def what_this_means(
    source: SurveySource,
    summary: pd.DataFrame,
    table5: pd.DataFrame,
    bollen_stine_table: pd.DataFrame,
    comparison: pd.DataFrame,
    tests: pd.DataFrame,
) -> str:
    """The lesson's conclusion about the analysed data."""
    paths = summary.loc["path"].xs("β", level="scale")
    indirect = summary.loc["indirect"].xs("β", level="scale")
    paths_clear = int(((paths["bc_lower"] > 0) | (paths["bc_upper"] < 0)).sum())
    indirect_clear = int(indirect["excludes_zero"].astype(bool).sum())
    changed = int(((table5["p_ml"] < ALPHA) != (table5["p_robust"] < ALPHA)).sum())
    row = bollen_stine_table.iloc[0]
    tests_agree = (row["p_normal_theory"] < ALPHA) == (row["p_bollen_stine"] < ALPHA)
    paper_best = comparison["aic"].idxmin() == "paper" and comparison["bic"].idxmin() == "paper"
    direct_p = tests.set_index(["restricted", "full"]).loc[("paper", "direct"), "pvalue"]
    totals = summary.loc["total indirect"].xs("β", level="scale")["excludes_zero"].astype(bool)
    everything = (
        paths_clear == len(paths)
        and indirect_clear == len(indirect)
        and changed == 0
        and tests_agree
        and paper_best
    )
    if source.shipped and everything and direct_p >= ALPHA and totals.all():
        return (
            "On the kit's data the paper's conclusions are robust: every path and every indirect effect has a bootstrap "
            "interval that excludes zero, robust standard errors change no decision, the Bollen–Stine test agrees with "
            "the normal-theory chi-square, and the paper's model beats all three alternatives on AIC and BIC. The model "
            "also says more than the paper reports: the effect of digital partnerships on the outcomes runs entirely "
            "through trade and logistics (no direct paths are needed), which is a mediation claim the paper could have "
            "tested and did not. Remember that all of this describes simulated firms; with real data any of these checks "
            "could turn out differently, which is why they are worth running."
        )
    decisions = (
        "change no decision" if changed == 0 else f"change {changed} decision{'s' if changed > 1 else ''}"
    )
    agreement = "agrees with" if tests_agree else "disagrees with"
    best = (
        "beats all three alternatives on AIC and BIC"
        if paper_best
        else "does not have both the lowest AIC and the lowest BIC"
    )
    data = "the kit's data" if source.shipped else "this survey"
    paths_text, indirect_text = (
        count_of(paths_clear, len(paths), "paths"),
        count_of(indirect_clear, len(indirect), "indirect effects"),
    )
    first = (
        f"On {data} {paths_text} and {indirect_text} have a bootstrap interval that excludes zero, robust "
        f"standard errors {decisions}, the Bollen–Stine test {agreement} the normal-theory chi-square, and the "
        f"paper's model {best}."
    )
    if direct_p < ALPHA:
        second = f"The direct-path test finds direct effects of digital partnerships on the outcomes ({p_text(direct_p)}): the paper's model, which has none, leaves out part of what these data show."
    elif totals.all():
        second = f"The direct-path test finds no direct effect (p ≈ {number(direct_p)}): the effect of digital partnerships on the outcomes runs entirely through trade and logistics, a mediation claim the paper could have tested and did not."
    else:
        second = f"The direct-path test finds no direct effect (p ≈ {number(direct_p)}), but not every total indirect effect excludes zero either, so these data do not show full mediation for every outcome."
    firms = source.n_firms
    few = (
        '; with so few firms several of these checks have little power, and "no effect found" is not "no effect".'
        if firms < 100
        else "."
    )
    whose = f"the kit's {firms} simulated firms" if source.shipped else f"the {firms} firms of your survey"
    return f"{first} {second} All of this describes {whose}{few}"
