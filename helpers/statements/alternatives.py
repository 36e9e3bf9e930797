"""Lesson 05's sentences on alternative models, modification indices and what the robustness
checks add up to."""

from __future__ import annotations

import pandas as pd

from helpers.statements import ALPHA, NUMBER_WORDS, count_of, listing, number, p_text
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
    """What the chi-square difference tests say about the direct paths and the residual
    covariances. A test that does not reject the direct paths is not read as showing them zero."""
    by_pair = tests.set_index(["restricted", "full"])["pvalue"]
    direct_p, covariances_p = by_pair[("paper", "direct")], by_pair[("orthogonal", "paper")]
    totals = summary.loc["total indirect"].xs("β", level="scale")["excludes_zero"].astype(bool)
    if direct_p >= ALPHA:
        first = (
            f"The test does not reject the model without direct paths (p ≈ {number(direct_p)}): the data are "
            "compatible with no direct paths, which is not the same as showing that there are none (the "
            "direct paths' intervals below say how large they could be)."
        )
        if not totals.all():
            without = listing(outcome_name(e.split(" → ")[1].split(" ")[0]) for e in totals.index[~totals])
            first += f" For {without} the total indirect effect's interval includes zero as well."
    else:
        first = (
            f"The test rejects the model without direct paths ({p_text(direct_p)}): on these data PCDP is "
            "associated with the outcomes beyond what trade and logistics carry, so the indirect effects are "
            "not the whole of that association."
        )
    if covariances_p < ALPHA:
        second = f"The residual covariances are needed ({p_text(covariances_p)}): the three outcomes share something that trade and logistics do not explain."
    else:
        second = f"The test does not reject the model without residual covariances ({p_text(covariances_p)}): the outcomes may share little that trade and logistics leave unexplained."
    return f"{first} {second}"


def _interval(low: float, high: float) -> str:
    return f"{number(low)} to {number(high)}"


def direct_paths(tests: pd.DataFrame, equivalence: pd.DataFrame, source: SurveySource) -> str:
    """What the direct paths' intervals and the equivalence test show, which kind of mediation
    that is (``equivalence``: ``alternative_models.direct_path_equivalence``) and, on the shipped
    data only, which direct associations the kit's generator built into them."""
    direct_p = tests.set_index(["restricted", "full"]).loc[("paper", "direct"), "pvalue"]
    delta = number(float(equivalence["smallest_effect"].iloc[0]))
    intervals = listing(
        f"{_interval(row.pct95_lower, row.pct95_upper)} for {path}" for path, row in equivalence.iterrows()
    )
    differ = list(equivalence.index[equivalence["differs_from_zero"]])
    if direct_p >= ALPHA:
        first = f"The joint test did not reject the hypothesis that the three direct paths are all zero, yet their 95% percentile intervals (β) are {intervals}: the data are compatible with no direct paths, and also with direct paths of those sizes."
        if differ:
            which = (
                f"the interval of {differ[0]} excludes"
                if len(differ) == 1
                else f"the intervals of {listing(differ)} exclude"
            )
            first += f" On its own, {which} zero all the same."
    else:
        first = f"The joint test rejected the model without direct paths; their 95% percentile intervals (β) are {intervals}."
    second = _equivalence_verdicts(equivalence, delta)
    kinds = equivalence.groupby("mediation", sort=False).groups
    described = listing(
        f'"{kind}" for {listing(outcome_name(p.split(" → ")[1]) for p in paths)}'
        for kind, paths in kinds.items()
    )
    third = f"In Zhao, Lynch and Chen's (2010) terms the pattern is {described}."
    indirect_only = equivalence[equivalence["mediation"] == "indirect-only"]
    if len(indirect_only):
        shown = indirect_only["within_bounds"]
        if shown.all():
            third += f" Where it is indirect-only, the direct path is also shown smaller than {delta}: only such an equivalence result supports saying that, up to |β| = {delta}, PCDP's association with that outcome runs through trade and logistics."
        else:
            third += " Indirect-only is what used to be called full or complete mediation, but a direct path that was not detected is not a direct path shown to be absent: calling the mediation complete would need an equivalence result"
            if shown.any():
                third += f", which these data give only for {listing(outcome_name(p.split(' → ')[1]) for p in shown.index[shown])}."
            else:
                third += ", which these data do not give."
    split = equivalence[equivalence["indirect_excludes_zero"] != equivalence["indirect_pct_excludes_zero"]]
    if len(split):
        outcomes = listing(outcome_name(p.split(" → ")[1]) for p in split.index)
        third += (
            f" For {outcomes} the kind of mediation rests on the BC interval of the total indirect effect, which "
            "the percentile interval contradicts about zero; BC intervals of indirect effects can reject zero too "
            "often in small samples (Fritz, Taylor & MacKinnon 2012), so that verdict is borderline."
        )
    text = f"{first} {second} {third}"
    return f"{text} {_generator_note(equivalence)}" if source.shipped else text


def _equivalence_verdicts(equivalence: pd.DataFrame, delta: str) -> str:
    """Per direct path: shown smaller than Δ (90% interval inside ±Δ), shown larger than Δ (wholly
    outside: a minimum-effect test), or neither (the data cannot tell)."""
    inside, beyond = equivalence["within_bounds"], equivalence["beyond_bounds"]
    neither = ~inside & ~beyond
    tests = "two one-sided tests, α = .05"
    parts = []
    if inside.all():
        return f"Every 90% interval lies inside ±{delta}: with a smallest effect of interest of |β| = {delta}, each direct path is shown smaller than that ({tests})."
    if inside.any():
        parts.append(
            f"The 90% intervals of {listing(equivalence.index[inside])} lie inside ±{delta}: with a smallest effect of "
            f"interest of |β| = {delta} those direct paths are shown smaller than that ({tests})."
        )
    if beyond.any():
        verb = "lies" if beyond.sum() == 1 else "lie"
        intervals = listing(
            f"{path} ({_interval(row.pct90_lower, row.pct90_upper)})"
            for path, row in equivalence[beyond].iterrows()
        )
        parts.append(
            f"The 90% intervals of {intervals} {verb} wholly outside ±{delta}: those direct paths are shown larger "
            f"in size than the smallest effect of interest (a minimum-effect test: one-sided, α = .05)."
        )
    if neither.any():
        paths = equivalence.index[neither]
        if neither.all():
            parts.append(
                f"No 90% interval lies wholly inside or wholly outside ±{delta}, so with a smallest effect of "
                f"interest of |β| = {delta} these data cannot show that any direct path is negligible, nor that it matters."
            )
        else:
            what = "that direct path" if len(paths) == 1 else "those direct paths"
            parts.append(
                f"The 90% {'interval' if len(paths) == 1 else 'intervals'} of {listing(paths)} "
                f"{'straddles' if len(paths) == 1 else 'straddle'} ±{delta}: these data cannot show that {what} "
                "is negligible, nor that it matters."
            )
    return " ".join(parts)


def _generator_note(equivalence: pd.DataFrame) -> str:
    """The direct associations the kit's generator built into the shipped data, and whether the
    intervals missed them (said on the shipped data only)."""
    from helpers.alternative_models import generator_direct_paths

    built = generator_direct_paths()
    paths = listing(f"{number(beta)} ({path})" for path, beta in built.items())
    missed = [
        path for path in built.index if built[path] != 0 and not equivalence.loc[path, "differs_from_zero"]
    ]
    first = (
        "A fact about the kit's synthetic data: the generator built small direct associations between PCDP and "
        "the outcomes into them (the misfit that gives the published chi-square, helpers/synthetic.py); the "
        f"correlations it aimed at imply direct paths of β = {paths}."
    )
    text = first
    if missed:
        text += f" So here the direct paths are known not to be zero, and the intervals of {listing(missed)} include zero all the same: a test that does not reject is no evidence of no effect."
    delta = float(equivalence["smallest_effect"].iloc[0])
    small = [path for path in built.index if abs(built[path]) < delta]
    unshown = [path for path in small if not equivalence.loc[path, "within_bounds"]]
    if small and len(small) == len(built) and unshown:
        text += (
            f" They all lie inside ±{number(delta)}, yet at N = {_firms()} the equivalence test cannot show that "
            f"for {'any of them' if len(unshown) == len(small) else listing(unshown)}: with this many firms an "
            "equivalence test has little power, and a negligible direct path can easily go unshown."
        )
    return text


def _firms() -> int:
    from helpers import published

    return int(published.fact("n_firms"))


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
            " (an arrow into PCDP would turn the model's exogenous starting point into an outcome)"
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


def _borderline(table5: pd.DataFrame) -> pd.DataFrame:
    """Paths on which ML, robust and BC inference agree at α = .05 but only just: a p-value between
    .025 and .10, or a percentile interval that disagrees with the BC interval about zero."""
    p_values = table5[["p_ml", "p_robust"]]
    near = ((p_values >= ALPHA / 2) & (p_values < 2 * ALPHA)).any(axis=1)
    bc = (table5["bc_lower"] > 0) | (table5["bc_upper"] < 0)
    percentile = (table5["pct_lower"] > 0) | (table5["pct_upper"] < 0)
    agreeing = table5.drop(index=_disagreements(table5).index)
    return agreeing[(near | (bc != percentile)).loc[agreeing.index]]


def inference_agreement(table5: pd.DataFrame) -> str:
    """Whether ML, robust and bootstrap inference agree on every path at α = .05, and which of the
    agreements are borderline."""
    split = _disagreements(table5)
    close = _borderline(table5)
    borderline = ""
    if len(close):
        rows = [
            f"{code} ({row.path}: ML {p_text(row.p_ml)}, robust {p_text(row.p_robust)}, percentile interval "
            f"{number(row.pct_lower, 3)} to {number(row.pct_upper, 3)}, BC interval {number(row.bc_lower, 3)} to {number(row.bc_upper, 3)})"
            for code, row in close.iterrows()
        ]
        borderline = f" The agreement is borderline for {listing(rows)}: a p-value near .05 or a percentile interval that disagrees with the BC interval about zero, so {'that conclusion is' if len(close) == 1 else 'those conclusions are'} fragile."
    if split.empty and close.empty:
        return "What the robustness checks add is that none of the conclusions depends on normality: ML, robust and bootstrap inference agree."
    if split.empty:
        return f"What the robustness checks add: ML, robust and BC bootstrap inference reach the same decision at α = .05 for every path.{borderline}"
    rows = [
        f"{code} ({row.path}: ML {p_text(row.p_ml)}, robust {p_text(row.p_robust)}, BC interval {number(row.bc_lower, 3)} to {number(row.bc_upper, 3)})"
        for code, row in split.iterrows()
    ]
    return f"What the robustness checks add: ML, robust and bootstrap inference disagree at α = .05 for {listing(rows)}, so that conclusion depends on the normality assumption; for the other paths they agree.{borderline}"


def _inside_count(equivalence: pd.DataFrame) -> str:
    """'no direct path's 90% interval lies' or '1 of the three direct paths' 90% intervals lie'."""
    inside = int(equivalence["within_bounds"].sum())
    if inside == 0:
        return "no direct path's 90% interval lies"
    return f"only {NUMBER_WORDS[inside]} of the {NUMBER_WORDS[len(equivalence)]} direct paths' 90% intervals {'lies' if inside == 1 else 'lie'}"


def what_this_means(
    source: SurveySource,
    summary: pd.DataFrame,
    table5: pd.DataFrame,
    bollen_stine_table: pd.DataFrame,
    comparison: pd.DataFrame,
    tests: pd.DataFrame,
    equivalence: pd.DataFrame,
) -> str:
    """The lesson's conclusion about the analysed data (``equivalence``:
    ``alternative_models.direct_path_equivalence``)."""
    paths = summary.loc["path"].xs("β", level="scale")
    indirect = summary.loc["indirect"].xs("β", level="scale")
    paths_clear = int(((paths["bc_lower"] > 0) | (paths["bc_upper"] < 0)).sum())
    indirect_clear = int(indirect["excludes_zero"].astype(bool).sum())
    changed = int(((table5["p_ml"] < ALPHA) != (table5["p_robust"] < ALPHA)).sum())
    row = bollen_stine_table.iloc[0]
    tests_agree = (row["p_normal_theory"] < ALPHA) == (row["p_bollen_stine"] < ALPHA)
    paper_aic, paper_bic = comparison["aic"].idxmin() == "paper", comparison["bic"].idxmin() == "paper"
    paper_best = paper_aic and paper_bic
    rejected = row["p_normal_theory"] < ALPHA
    direct_p = tests.set_index(["restricted", "full"]).loc[("paper", "direct"), "pvalue"]
    totals = summary.loc["total indirect"].xs("β", level="scale")["excludes_zero"].astype(bool)
    everything = (
        paths_clear == len(paths)
        and indirect_clear == len(indirect)
        and changed == 0
        and tests_agree
        and paper_best
        and not rejected
    )
    negligible = bool(equivalence["within_bounds"].all())
    delta = number(float(equivalence["smallest_effect"].iloc[0]))
    if direct_p < ALPHA:
        mediation = f"The test of the direct paths finds direct associations of digital partnerships with the outcomes ({p_text(direct_p)}): the paper's model, which has none, leaves out part of what these data show."
    elif negligible:
        mediation = f"The test of the direct paths does not reject the hypothesis that they are all zero (p ≈ {number(direct_p)}), and every direct path's 90% interval lies inside ±{delta}: within that smallest effect of interest, PCDP's association with the outcomes runs through trade and logistics, a mediation claim the paper could have tested and did not."
    else:
        mediation = (
            f"The test of the direct paths does not reject the hypothesis that they are all zero (p ≈ {number(direct_p)}), but that does not show "
            f"that they are zero: {_inside_count(equivalence)} inside ±{delta}, so these data cannot call the "
            "mediation complete"
        )
        mediation += (
            "; the most they support is indirect effects beside direct paths that were not detected."
            if totals.all()
            else ", and not every total indirect effect excludes zero either."
        )
    if source.shipped and everything:
        return (
            "On the kit's data the paper's conclusions do not depend on the normality assumption: every path and "
            "every indirect effect has a bootstrap interval that excludes zero, robust standard errors change no "
            "decision, the Bollen–Stine test agrees with the normal-theory chi-square, and the paper's model has the "
            f"lowest AIC and BIC of the four. {mediation} None of these checks can show that the associations are "
            "causal: one survey of each firm at one time cannot. And all of this describes simulated firms; with real "
            "data any of these checks could turn out differently, which is why they are worth running."
        )
    decisions = (
        "change no decision" if changed == 0 else f"change {changed} decision{'s' if changed > 1 else ''}"
    )
    agreement = "agrees with" if tests_agree else "disagrees with"
    if paper_best:
        best = "has the lowest AIC and BIC of the four"
    elif paper_aic or paper_bic:
        best = f"has the lowest {'AIC' if paper_aic else 'BIC'} of the four but not the lowest {'BIC' if paper_aic else 'AIC'}"
    else:
        best = "has neither the lowest AIC nor the lowest BIC of the four"
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
    firms = source.n_firms
    few = (
        '; with so few firms several of these checks have little power, and "no effect found" is not "no effect".'
        if firms < 100
        else "."
    )
    whose = f"the kit's {firms} simulated firms" if source.shipped else f"the {firms} firms of your survey"
    misfit = (
        f" And the data reject the paper's model itself (χ² = {row['chi_square']:.1f} on {row['df']:.0f} df, "
        f"{p_text(row['p_normal_theory'])}; lesson 04): its paths and indirect effects are estimated in a model that "
        "does not fit, and neither the bootstrap nor robust standard errors repair a misspecified model."
        if rejected
        else ""
    )
    return f"{first}{misfit} {mediation} None of these checks can show that the associations are causal. All of this describes {whose}{few}"
