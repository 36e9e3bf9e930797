"""Lesson 08's sentences: the CFA's fit, reliability and convergent validity, discriminant
validity, the common-method checks, the latent model beside the composite one, attenuation,
and listwise deletion beside full-information ML.

Each function takes the tables ``helpers.measurement`` (and ``helpers.missing_answers``) return
and says what they show on the survey analysed; the thresholds come from
``measurement.THRESHOLDS``, with their sources, except Hu & Bentler's (1999) fit-index cut-offs,
which lesson 04 uses too (below). No sentence claims more than its table: in particular none says
that common-method bias is absent, which no check applied after the data were collected can show.
"""

from __future__ import annotations

import pandas as pd
from scipy import stats

from helpers import instrument as ins
from helpers import measurement, paper_model
from helpers.statements import ALPHA, NUMBER_WORDS, capitalized, count_of, listing, number, p_text
from helpers.survey import SurveySource

# Hu & Bentler's (1999) cut-offs for a close fit, as lesson 04 reads them: (measure, rule, passes)
FIT_CUTOFFS = (
    ("cfi", "CFI ≥ .95", lambda value: value >= 0.95),
    ("tli", "TLI ≥ .95", lambda value: value >= 0.95),
    ("rmsea", "RMSEA ≤ .06", lambda value: value <= 0.06),
    ("srmr", "SRMR ≤ .08", lambda value: value <= 0.08),
)
FIRMS_PER_PARAMETER = 5  # Bentler & Chou's (1987) rule of thumb for ML with normal data
REDUNDANT_CR = 0.95  # a CR above this may mean near-duplicate items (Hair et al. 2019)


def _value(key: str) -> float:
    return float(measurement.threshold(key).value)


def _test_text(chisq: float, df: float, p: float) -> str:
    return f"χ² = {chisq:.2f} on {df:.0f} df, {p_text(p)}"


def _difference_text(test: dict) -> str:
    """A χ² difference test (``measurement.chisq_difference``) in words."""
    return f"χ² difference = {test['chisq_difference']:.2f} on {test['df_difference']:.0f} df, {p_text(test['pvalue'])}"


# --- Step 2: the CFA's fit -------------------------------------------------------------------------


def cfa_fit(measures: pd.Series) -> str:
    """The six-factor CFA's χ² test and approximate indices against Hu & Bentler's cut-offs;
    ``measures`` is the fit's ``fit_measures()`` (chisq, df, pvalue, cfi, tli, rmsea, srmr,
    npar, ntotal)."""
    test = _test_text(measures["chisq"], measures["df"], measures["pvalue"])
    if measures["pvalue"] < ALPHA:
        first = f"The χ² test rejects the six-factor model ({test}): the 25 items' covariances differ from what it implies by more than chance would explain."
    else:
        first = f"The χ² test does not reject the six-factor model ({test}); that is a failure to reject, not proof that the model is right."
    met = [rule for key, rule, passes in FIT_CUTOFFS if passes(measures[key])]
    missed = [rule for key, rule, passes in FIT_CUTOFFS if not passes(measures[key])]
    values = ", ".join(f"{key.upper()} {number(measures[key], 3)}" for key, _, _ in FIT_CUTOFFS)
    if not missed:
        second = f"The approximate indices ({values}) all meet Hu & Bentler's (1999) cut-offs for a close fit"
        second += (
            ", so the misfit the test detects is small by those conventions."
            if measures["pvalue"] < ALPHA
            else "."
        )
    elif not met:
        second = (
            f"None of the approximate indices ({values}) meets Hu & Bentler's (1999) cut-off for a close fit."
        )
    else:
        second = (
            f"Of the approximate indices ({values}), {listing(met)} {'is' if len(met) == 1 else 'are'} met and "
            f"{listing(missed)} {'is' if len(missed) == 1 else 'are'} not (Hu & Bentler's 1999 cut-offs)."
        )
    text = f"{first} {second}"
    firms, parameters = measures["ntotal"], measures["npar"]
    if firms < FIRMS_PER_PARAMETER * parameters:
        text += (
            f" The model estimates {parameters:.0f} parameters from {firms:.0f} firms, fewer than the "
            f"{FIRMS_PER_PARAMETER} firms per parameter of Bentler & Chou's (1987) rule of thumb; in samples "
            "that small relative to the model, "
        )
        text += (
            "ML's χ² tends to reject correct models too often, so the rejection may overstate the misfit."
            if measures["pvalue"] < ALPHA
            else "ML's χ² has little power to detect a wrong model, so its failure to reject says even less."
        )
    return text


# --- Step 3: reliability and convergent validity ---------------------------------------------------


def _criterion(table: pd.DataFrame, value: str, met: str, name: str, cutoff: float) -> str:
    passing = table[met].astype(bool)
    lowest = table[value].idxmin()
    total = len(table)
    low = f"lowest {lowest}, {number(table.loc[lowest, value], 3)}"
    if passing.all():
        return f"{name} meets {number(cutoff)} for {count_of(total, total, 'constructs')} ({low})"
    failing = [f"{key} ({number(table.loc[key, value], 3)})" for key in table.index[~passing]]
    return f"{name} reaches {number(cutoff)} for {count_of(int(passing.sum()), total, 'constructs')}; below it: {listing(failing)}"


def reliability(table: pd.DataFrame) -> str:
    """Cronbach's α, composite reliability and AVE of each construct against their cut-offs
    (``measurement.reliability_table``), improper solutions and near-redundant items flagged."""
    parts = [
        _criterion(table, "alpha", "alpha_met", "Cronbach's α", _value("alpha")),
        _criterion(
            table, "composite_reliability", "cr_met", "composite reliability", _value("composite_reliability")
        ),
        _criterion(table, "ave", "ave_met", "AVE", _value("ave")),
    ]
    text = capitalized("; ".join(parts)) + "."
    exploratory = table[~table["cr_met"].astype(bool) & table["cr_exploratory_met"].astype(bool)]
    if len(exploratory):
        text += (
            f" {listing(list(exploratory.index))} still reach{'es' if len(exploratory) == 1 else ''} the .60 that "
            "Hair et al. (2019) accept in exploratory research."
        )
    redundant = table.index[table["composite_reliability"] > REDUNDANT_CR]
    if len(redundant):
        text += (
            f" A CR above {number(REDUNDANT_CR)} ({listing(list(redundant))}) can mean items that say nearly the "
            "same thing rather than a better scale."
        )
    weak_convergence = table[table["cr_met"].astype(bool) & ~table["ave_met"].astype(bool)]
    if len(weak_convergence):
        text += (
            f" For {listing(list(weak_convergence.index))} the composite is reliable as a whole although the "
            "average item is more error than construct: CR grows with the number of items, AVE does not."
        )
    improper = table.index[table["heywood"].astype(bool)]
    if len(improper):
        text += (
            f" The CFA's solution is improper for {listing(list(improper))} (a negative variance or a standardized "
            "loading above 1), so those rows cannot be read as they stand."
        )
    return text


# --- Step 4: discriminant validity -----------------------------------------------------------------


def discriminant_validity(fornell_larcker: pd.DataFrame, htmt: pd.DataFrame) -> str:
    """Fornell–Larcker (``measurement.fornell_larcker_verdicts``) and HTMT
    (``measurement.htmt_verdicts``): which constructs and pairs pass, and the closest call."""
    total = len(fornell_larcker)
    met = fornell_larcker["criterion_met"].astype(bool)
    gap = fornell_larcker["sqrt_ave"] - fornell_larcker["largest_correlation"]
    closest = gap.idxmin()
    row = fornell_larcker.loc[closest]
    closest_text = (
        f"{closest}, √AVE {number(row['sqrt_ave'], 3)} against r = {number(row['largest_correlation'], 3)} "
        f"with {row['with']}"
    )
    if met.all():
        first = (
            f"**Fornell–Larcker.** √AVE exceeds every correlation with another construct for "
            f"{count_of(total, total, 'constructs')} (closest: {closest_text})."
        )
    else:
        failing = [
            f"{key} (r = {number(fornell_larcker.loc[key, 'largest_correlation'], 3)} with {fornell_larcker.loc[key, 'with']})"
            for key in fornell_larcker.index[~met]
        ]
        one = len(failing) == 1
        first = (
            f"**Fornell–Larcker.** The criterion fails for {listing(failing)}: "
            f"{'its √AVE does' if one else 'their √AVE do'} not exceed {'its' if one else 'their'} largest "
            "correlation with another construct, so "
            f"{'it shares' if one else 'they share'} at least as much variance with that construct (r²) as "
            f"with {'its' if one else 'their'} own items on average (AVE)."
        )
    pairs = len(htmt)
    strict, liberal = htmt["below_strict"].astype(bool), htmt["below_liberal"].astype(bool)
    largest = htmt["htmt"].abs().idxmax()
    largest_text = f"largest: {largest}, {number(htmt.loc[largest, 'htmt'], 3)}"
    if strict.all():
        second = (
            f"**HTMT.** {capitalized(count_of(pairs, pairs, 'pairs'))} are below the strict "
            f"{number(_value('htmt_strict'))} ({largest_text})."
        )
    else:
        above_strict = [f"{pair} ({number(htmt.loc[pair, 'htmt'], 3)})" for pair in htmt.index[~strict]]
        second = f"**HTMT.** Above the strict {number(_value('htmt_strict'))}: {listing(above_strict)}"
        above_liberal = list(htmt.index[~liberal])
        below_liberal = (
            "it is" if len(above_strict) == 1 else ("both are" if len(above_strict) == 2 else "all are")
        )
        if above_liberal:
            second += f"; of these, above the liberal {number(_value('htmt_liberal'))} too: {listing(above_liberal)}."
        else:
            second += f"; {below_liberal} below the liberal {number(_value('htmt_liberal'))}."
    if met.all() and strict.all():
        verdict = "Both criteria say that the six constructs are distinguishable in these data."
    elif met.all():
        verdict = (
            "The two criteria disagree: Fornell–Larcker passes where HTMT does not, the case Henseler et al. "
            "(2015) found in their simulations, where Fornell–Larcker often missed a lack of discriminant "
            "validity that HTMT detected when the loadings were similar."
        )
    elif strict.all():
        verdict = (
            "The two criteria disagree: Fornell–Larcker fails where HTMT passes (the CFA's correlations and the "
            "raw item correlations HTMT averages weigh the items differently). Paths between constructs that "
            "may not be distinct are hard to read: they may measure one thing twice."
        )
    else:
        verdict = "Paths between constructs that are not distinct are hard to read: they may measure one thing twice."
    return "\n".join([f"- {first}", f"- {second}", "", verdict])


# --- Step 5: common-method variance --------------------------------------------------------------


def _harman_text(harman: pd.DataFrame) -> str:
    row = harman.iloc[0]
    share = f"{row['share_of_variance']:.1%}".replace("%", " %")
    base = (
        f"**Harman.** The first unrotated factor explains {share} of the {row['items']:.0f} items' variance "
        f"(eigenvalue {row['first_eigenvalue']:.2f}; {row['factors_with_eigenvalue_above_1']:.0f} factors have "
        "an eigenvalue above 1)"
    )
    if bool(row["below_half"]):
        return base + ", below the 50 % that the test reads as a sign of common-method variance."
    return (
        base
        + ", more than half: one factor dominates the items. Common-method variance can cause that, and so "
        "can constructs that are strongly correlated with each other."
    )


def _single_factor_text(single_factor: pd.DataFrame) -> str:
    test = single_factor.attrs["chisq_difference"]
    if test["pvalue"] < ALPHA:
        return (
            "**One factor against six.** A single factor behind all 25 items fits worse than the six constructs "
            f"({_difference_text(test)}): the items do not behave as one general factor."
        )
    return (
        "**One factor against six.** A single factor behind all 25 items does not fit significantly worse than "
        f"the six constructs ({_difference_text(test)}): these data cannot separate the constructs from one "
        "general factor, whether that factor is a method or a construct."
    )


def _improper_text(improper: list[str]) -> str:
    """What ``measurement.heywood_cases`` found, in words: the factors with a negative variance (the
    method factor named as such) and how many items have a negative error variance or a
    standardized loading above 1."""
    factors = [measurement.METHOD_FACTOR, *(c.abbreviation for c in ins.CONSTRUCTS)]
    negative = [
        "the method factor" if key == measurement.METHOD_FACTOR else key for key in factors if key in improper
    ]
    items = [key for key in improper if key not in factors]
    parts = []
    if negative:
        one = len(negative) == 1
        parts.append(
            f"the estimated variance{'' if one else 's'} of {listing(negative)} {'is' if one else 'are'} negative"
        )
    if items:
        parts.append(
            f"{count_of(len(items), len(ins.item_columns()), 'items')} "
            f"{'has' if len(items) == 1 else 'have'} a negative error variance or a standardized loading above 1"
        )
    return ", and ".join(parts)


def _common_factor_text(common_factor: pd.DataFrame) -> str:
    test = common_factor.attrs["chisq_difference"]
    name = "**Common latent factor.** A method factor on all 25 items (equal loadings, uncorrelated with the constructs)"
    if common_factor.attrs.get("converged") is False:
        return (
            f"{name} could not be fitted to these answers (the optimiser did not converge), so this check has "
            "nothing to say here. A method factor that the data cannot separate from the constructs' own "
            "correlations is a known weakness of this check."
        )
    improper = common_factor.attrs.get("heywood", [])
    if improper:
        return (
            f"{name} gives an improper solution ({_improper_text(improper)}), so its loadings and its share of the "
            f"items' variance cannot be read ({_difference_text(test)}). A method factor that the data cannot "
            "separate from the constructs' own correlations is a known weakness of this check."
        )
    share = f"{common_factor.attrs['method_variance_share']:.1%}".replace("%", " %")
    drop = max(float((-common_factor["difference"]).max()), 0.0)
    text = (
        f"{name} takes {share} of the average item's variance; with it the standardized loadings on the "
        f"constructs fall by at most {number(drop, 3)}"
    )
    # the method factor's variance is tested at zero, the lowest value a variance can take: the p of
    # the usual χ² on 1 df is twice the one-sided p (Stram & Lee, 1994)
    one_sided = test["pvalue"] / 2
    test_text = (
        f"χ² difference = {test['chisq_difference']:.2f} on {test['df_difference']:.0f} df, {p_text(one_sided)} "
        "with the p-value halved because a variance cannot fall below zero; Stram & Lee, 1994"
    )
    if one_sided < ALPHA:
        return text + (
            f", and it improves the fit ({test_text}). That says the items share some covariance the "
            "six factors do not reproduce; it does not say whether its source is the method or a misspecified "
            "measurement model."
        )
    return text + f", and it does not improve the fit significantly ({test_text})."


def _marker_text(marker: pd.DataFrame) -> str:
    r_m, pair = marker.attrs["r_m"], marker.attrs["marker_pair"]
    hypothesised = marker[marker["hypothesis"] != ""]
    significant = hypothesised[hypothesised["p"] < ALPHA]
    if r_m <= 0:
        return (
            f"**Marker.** The smallest correlation between two constructs ({pair}) is zero or negative, so the "
            "marker technique, which takes it as the method's share, adjusts nothing here. That is no evidence "
            "against a method effect: two constructs that are opposed in fact can correlate below zero even "
            "when a common method raises every correlation."
        )
    if significant.empty:
        return (
            f"**Marker.** None of the hypothesised correlations is significant even before the adjustment with "
            f"the smallest construct correlation ({pair}, r_M = {number(r_m, 3)}), so it has nothing to remove."
        )
    lost = significant[significant["p_adjusted"] >= ALPHA]
    kept = len(significant) - len(lost)
    text = (
        f"**Marker.** With the smallest construct correlation ({pair}, r_M = {number(r_m, 3)}) standing in for a "
        f"marker, {count_of(kept, len(significant), 'significant hypothesised correlations')} stay significant "
        "after the adjustment"
    )
    if len(lost):
        lost_names = [
            f"{code} ({marker.index[marker['hypothesis'] == code][0]})" for code in lost["hypothesis"]
        ]
        text += f"; {listing(lost_names)} do{'es' if len(lost) == 1 else ''} not."
    else:
        text += "."
    return text


def common_method(
    harman: pd.DataFrame, single_factor: pd.DataFrame, common_factor: pd.DataFrame, marker: pd.DataFrame
) -> str:
    """The four checks (``measurement.harman_single_factor``, ``single_factor_comparison``,
    ``common_latent_factor``, ``marker_variable_check``), each said as far as it goes, and what
    none of them can show."""
    bullets = [
        _harman_text(harman),
        _single_factor_text(single_factor),
        _common_factor_text(common_factor),
        _marker_text(marker),
    ]
    closing = (
        "None of these results shows that the answers are free of common-method variance: each check detects "
        "only the kind of method effect it models, and all four use the same single-respondent answers the "
        "bias would be in."
    )
    return "\n".join(f"- {bullet}" for bullet in bullets) + "\n\n" + closing


# --- Step 6: latent against composite -------------------------------------------------------------


def _predictors_of_outcome(code: str) -> int:
    """How many predictors the equation of hypothesis ``code``'s outcome has in Figure 2."""
    outcome = next(h.outcome for h in paper_model.HYPOTHESES if h.code == code)
    return sum(h.outcome == outcome for h in paper_model.HYPOTHESES)


def latent_vs_composite(paths: pd.DataFrame) -> str:
    """How the eight standardized paths change from the composite to the latent model
    (``measurement.latent_vs_composite_paths``, indexed by hypothesis)."""
    latent, composite = paths["beta_latent"], paths["beta_composite"]
    further = latent.abs() > composite.abs()
    change = latent.abs() - composite.abs()
    largest = change.abs().idxmax()
    mean_change = float(change.mean())
    if round(mean_change, 3) == 0:
        average = "unchanged to three decimals"
    else:
        average = f"{'larger' if mean_change > 0 else 'smaller'} by {number(abs(mean_change), 3)}"
    text = (
        f"With latent variables {count_of(int(further.sum()), len(paths), 'paths')} are further from zero than "
        f"between composites; averaged over the {NUMBER_WORDS[len(paths)]} paths, a path's absolute size is "
        f"{average}. The largest change is {largest}, {paths.loc[largest, 'path']}, from "
        f"{number(composite[largest])} to {number(latent[largest])}."
    )
    flipped = paths.index[(latent * composite) < 0]
    if len(flipped):
        text += f" {listing(list(flipped))} change{'s' if len(flipped) == 1 else ''} sign."
    shrunk = list(paths.index[~further])
    two_predictors = [code for code in shrunk if _predictors_of_outcome(code) > 1]
    one_predictor = [code for code in shrunk if _predictors_of_outcome(code) == 1]
    if two_predictors:
        text += (
            f" A path can also shrink ({listing(two_predictors)}): the correction applies to every construct at "
            "once, and a predictor's β in a two-predictor equation depends on how strongly the predictors "
            "correlate once both are error-free."
        )
    if one_predictor:
        text += (
            f" {listing(one_predictor)} {'has' if len(one_predictor) == 1 else 'have'} a single predictor, so "
            f"{'its β is' if len(one_predictor) == 1 else 'their β are'} the two constructs' correlation as the "
            "latent model reproduces it; Spearman's correction alone would only move it away from zero, so the "
            "smaller value comes from the latent model weighting the items by their loadings and from its "
            "restrictions (the fit comparison below tests them)."
        )
    if paths.attrs.get("warnings"):
        text += (
            " The latent model's solution came with warnings from the engine ("
            + "; ".join(paths.attrs["warnings"])
            + ")."
        )
    return text


def attenuation(table: pd.DataFrame) -> str:
    """Composite correlations, Spearman's correction and the CFA's latent correlations
    (``measurement.attenuation_table``)."""
    smaller = (table["r_composite"].abs() < table["r_latent"].abs()).sum()
    gap = (table["r_corrected_cr"] - table["r_latent"]).abs()
    largest = gap.idxmax()
    return (
        f"The composite correlation is smaller in absolute size than the latent one for "
        f"{count_of(int(smaller), len(table), 'hypothesised pairs')}. Spearman's correction with composite "
        f"reliability brings the composites to within {number(gap.max(), 3)} of the latent correlations (largest "
        f"gap: {largest}, {table.loc[largest, 'pair']}, corrected {number(table.loc[largest, 'r_corrected_cr'], 3)} "
        f"against latent {number(table.loc[largest, 'r_latent'], 3)}); the two estimate the same error-free "
        "correlation in different ways, so a small gap is expected and a large one points to items that do not "
        "fit the one-factor-per-construct model, or to composites that weigh the items differently from the model."
    )


def fit_comparison(fits: pd.DataFrame) -> str:
    """The composite model, the CFA and the latent SEM, each with its own test
    (``measurement.fit_comparison``); the structural restrictions tested on the items as the
    χ² difference of the latent SEM and the CFA (nested, same data)."""
    composite = fits.loc["composite path model"]
    cfa = fits.loc["CFA (six factors)"]
    latent = fits.loc["latent SEM (Figure 2)"]
    difference = latent["chisq"] - cfa["chisq"]
    df = latent["df"] - cfa["df"]
    p = float(stats.chi2.sf(difference, df))
    composite_verdict = "rejects" if composite["pvalue"] < ALPHA else "does not reject"
    structural_verdict = "rejects" if p < ALPHA else "does not reject"
    text = (
        f"The composite model's test ({_test_text(composite['chisq'], composite['df'], composite['pvalue'])}) "
        f"{composite_verdict} Figure 2's {composite['df']:.0f} missing links among the six scores. The latent SEM's "
        f"χ² ({latent['chisq']:.2f} on {latent['df']:.0f} df) tests those links and the measurement model "
        f"together. The part that belongs to Figure 2's paths is its difference from the CFA, fitted to the same "
        f"items: χ² difference = {difference:.2f} on {df:.0f} df, {p_text(p)}, which {structural_verdict} the "
        "same restrictions with the constructs measured by their items. That difference, not the composite "
        "model's χ² beside the latent one, is the comparison the data allow."
    )
    if cfa["pvalue"] < ALPHA:
        text += (
            f" The difference test takes the CFA as correct, and its own test rejects it here "
            f"({_test_text(cfa['chisq'], cfa['df'], cfa['pvalue'])}; step 2), so this p-value is approximate."
        )
    return text


# --- Published vs reproduced -----------------------------------------------------------------------


def published_comparison(table: pd.DataFrame, source: SurveySource) -> str:
    """Table 5's β beside the composite and the latent β of the survey analysed (columns
    ``published``, ``reproduced_composite``, ``reproduced_latent``)."""
    composite_close = (table["reproduced_composite"].round(2) - table["published"]).abs() < 1e-9
    further = table["reproduced_latent"].abs() > table["published"].abs()
    text = (
        f"The composite β agree with Table 5's at the two decimals it prints for {count_of(int(composite_close.sum()), len(table), 'paths')}; "
        f"the latent β are further from zero than Table 5's for {count_of(int(further.sum()), len(table), 'paths')}."
    )
    composite_opposite = list(table.index[(table["reproduced_composite"] * table["published"]) < 0])
    latent_opposite = list(table.index[(table["reproduced_latent"] * table["published"]) < 0])
    if composite_opposite and composite_opposite == latent_opposite:
        text += f" The composite and the latent β of {listing(composite_opposite)} have the opposite sign to Table 5's."
    else:
        for model, paths in (("composite", composite_opposite), ("latent", latent_opposite)):
            if paths:
                verb = "has" if len(paths) == 1 else "have"
                text += f" The {model} β of {listing(paths)} {verb} the opposite sign to Table 5's."
    if source.shipped:
        text += (
            " The kit's answers were calibrated so that the composites reproduce Table 5; the latent column is "
            "what the same answers give once measurement error is modelled. It estimates nothing about the "
            "authors' latent paths, which their unpublished items alone could give."
        )
    else:
        text += (
            " These are this survey's estimates; how the paper's own paths would change with a measurement model "
            "cannot be known without its items."
        )
    return text


# --- Step 8: missing answers -----------------------------------------------------------------------


ABBREVIATION = {c.key: c.abbreviation for c in ins.CONSTRUCTS}


def _path_name(outcome: str, predictor: str) -> str:
    """'IT → MR', for construct scores (keys) and latent constructs (abbreviations) alike."""
    return f"{ABBREVIATION.get(predictor, predictor)} → {ABBREVIATION.get(outcome, outcome)}"


def listwise_and_fiml(side_by_side: pd.DataFrame) -> str:
    """Listwise deletion beside FIML on one survey with blank answers
    (``missing_answers.listwise_and_fiml``): firms used, the paths' standard errors and, when the
    complete answers are known (a copy blanked on purpose), which method lands closer to them."""
    firms = side_by_side.attrs["firms"]
    paths = side_by_side.xs("~", level="op")
    names = [_path_name(outcome, predictor) for outcome, predictor in paths.index]
    if side_by_side.attrs.get("not_fitted", {}).get("listwise"):
        return (
            f"Listwise deletion keeps {firms['listwise']} of the {firms['FIML']} firms, too few to fit the model "
            f"at all; FIML uses every answer of all {firms['FIML']} firms. With blanks spread over many firms, "
            "listwise deletion can leave nothing to analyse while the answers given still carry the information."
        )
    ratio = (paths[("listwise", "se")] / paths[("FIML", "se")]).mean()
    text = (
        f"Listwise deletion keeps {firms['listwise']} of the {firms['FIML']} firms; FIML uses every answer of all "
        f"{firms['FIML']}. The standard errors of the {NUMBER_WORDS[len(paths)]} paths are on average "
    )
    if round(ratio, 1) > 1:
        text += f"{ratio:.1f} times as large after listwise deletion as by FIML."
    elif round(ratio, 1) == 1:
        text += f"about as large after listwise deletion as by FIML (ratio {ratio:.2f})."
    else:
        text += (
            f"{ratio:.1f} times those by FIML: smaller after listwise deletion, although it uses fewer firms. A "
            "standard error also depends on how the firms kept vary, and it measures only the estimate's "
            "noise, not its distance from the estimate all firms would give."
        )
    if "complete data" in firms:
        complete = paths[("complete data", "est")].to_numpy()
        listwise_off = abs(paths[("listwise", "est")].to_numpy() - complete)
        fiml_off = abs(paths[("FIML", "est")].to_numpy() - complete)
        closer = int((fiml_off < listwise_off).sum())
        worst = int(listwise_off.argmax())
        text += (
            f" Against the estimates from the answers before they were blanked, FIML is closer for "
            f"{count_of(closer, len(paths), 'paths')}; listwise deletion is furthest off for {names[worst]} "
            f"({number(paths[('listwise', 'est')].iloc[worst])} against {number(complete[worst])}). One survey shows "
            "differences, not bias: the simulation below shows what happens on average."
        )
    else:
        difference = abs(paths[("listwise", "est")] - paths[("FIML", "est")]).to_numpy()
        largest = int(difference.argmax())
        text += (
            f" The two estimates differ most for {names[largest]} ({number(paths[('listwise', 'est')].iloc[largest])} "
            f"after listwise deletion, {number(paths[('FIML', 'est')].iloc[largest])} by FIML). Which one is closer to "
            "the truth one survey cannot say; if the blanks are missing at random given the answers in the model, "
            "FIML's is the one to trust."
        )
    return text
