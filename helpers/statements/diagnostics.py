"""Lesson 03's sentences: normality tests, skewness and kurtosis, Mardia, outliers, VIF,
reliability, correlations, and the summary of what the diagnostics mean for estimation."""

from __future__ import annotations

import math

import pandas as pd

from helpers import instrument as ins
from helpers.diagnostics import networking_outcome_correlations
from helpers.statements import ALPHA, listing, number, p_text
from helpers.survey import SurveySource

ABBREVIATION = {c.key: c.abbreviation for c in ins.CONSTRUCTS}
Z = 1.96


def _rejected(normality: pd.DataFrame, column: str) -> list[str]:
    return [ABBREVIATION[key] for key in normality.loc[normality[column] < ALPHA, "construct"]]


def _verdict(rejected: list[str], total: int) -> str:
    if not rejected:
        return "rejects nothing"
    if len(rejected) == total:
        return "rejects every construct"
    return f"rejects {len(rejected)} of the {total} constructs ({', '.join(rejected)})"


def normality_tests(normality: pd.DataFrame, source: SurveySource) -> str:
    """What each univariate test rejects, and whether "KS and Shapiro–Wilk confirmed normality"
    can hold on these data."""
    total = len(normality)
    ks, lilliefors, shapiro = (_rejected(normality, c) for c in ("ks_p", "lilliefors_p", "shapiro_p"))
    shapiro_text = _verdict(shapiro, total)
    if shapiro_text == "rejects every construct" and _verdict(lilliefors, total) == shapiro_text:
        shapiro_text += " as well"
    bullets = [
        f"- The **uncorrected KS** test (`ks_p`), the version many packages print, {_verdict(ks, total)}.",
        f"- **Lilliefors** (`lilliefors_p`) uses the same statistic D but the correct reference distribution, and it {_verdict(lilliefors, total)}. (statsmodels reports its p only down to .001.)",
        f"- **Shapiro–Wilk** {shapiro_text}.",
    ]
    if not ks and shapiro:
        claim = (
            'On these scores, then, "KS and Shapiro–Wilk confirmed normality" could be said only of the '
            "uncorrected KS test, and even its verdict is a failure to reject, not evidence that the scores "
            "are normal."
        )
    elif not ks:
        also = f", though Lilliefors rejects {', '.join(lilliefors)}" if lilliefors else ""
        claim = (
            f"On this survey neither the uncorrected KS test nor Shapiro–Wilk rejects{also}. That is the "
            "outcome the paper reports, but it does not confirm normality: a test that fails to reject may "
            "lack the power to see a departure, and scores built from five-point answers are never exactly normal."
        )
    else:
        claim = (
            'On this survey even the uncorrected KS test rejects, so "KS and Shapiro–Wilk confirmed '
            'normality" could be said of neither test.'
        )
    if source.shipped:
        claim += (
            " These are the kit's synthetic scores, so every verdict above rests on the generator's assumed "
            "answer distributions (`data/README.md`), not on the firms' real answers, which were never "
            "published: whether the paper's normality claim held for its own data cannot be checked. The "
            "generator was made to pass the uncorrected KS test, as the paper reports. Under the same "
            "assumptions Shapiro–Wilk could hardly pass as well: in notebook 07's simulations of datasets "
            "like this one, it rejects at least one of the six scores in every dataset. That makes the claim "
            "doubtful under those assumptions; it does not disprove it."
        )
    else:
        claim += " These verdicts are about this survey's scores; they say nothing about the paper's data."
    return "\n".join(bullets) + "\n\n" + claim


def _flagged(normality: pd.DataFrame) -> pd.DataFrame:
    return normality[(normality["skewness_z"].abs() > Z) | (normality["kurtosis_z"].abs() > Z)]


def _largest_shape(normality: pd.DataFrame) -> float:
    return pd.concat([normality["skewness"], normality["kurtosis"]]).abs().max()


def shape(normality: pd.DataFrame) -> str:
    """How large the departures from normality are (skewness, kurtosis and their z)."""
    flagged = len(_flagged(normality))
    count = {0: "no construct has", 1: "only one construct has"}.get(
        flagged, f"{flagged} of the {len(normality)} constructs have"
    )
    if _largest_shape(normality) < 1:
        return f"The departures themselves are small. Skewness and kurtosis are close to 0, and {count} $|z| > 1.96$."
    return (
        f"The departures are not small: skewness runs from {normality['skewness'].min():.2f} to "
        f"{normality['skewness'].max():.2f} and kurtosis from {normality['kurtosis'].min():.2f} to "
        f"{normality['kurtosis'].max():.2f}, and {count} $|z| > 1.96$."
    )


def _mardia_p(mardia: pd.DataFrame) -> pd.Series:
    return mardia.set_index("measure")["p"]


def mardia(mardia_table: pd.DataFrame) -> str:
    """Whether Mardia's tests reject joint normality, and what follows for ML."""
    p = _mardia_p(mardia_table)
    rejected = p[p < ALPHA]
    if rejected.empty:
        return (
            "Neither test rejects here: these data show no clear departure from joint normality (which is not "
            "proof that the scores are jointly normal), so ML estimation is a reasonable start."
        )
    if len(rejected) == len(p):
        return f"Both tests reject here (skewness {p_text(p.iloc[0])}, kurtosis {p_text(p.iloc[1])}): jointly, the scores are not normal, so trust the ML standard errors and the χ² test less and lean on the robust checks of notebook 05."
    name = rejected.index[0].replace("multivariate ", "")
    other = next(m for m in p.index if m not in rejected.index).replace("multivariate ", "")
    return f"The {name} test rejects ({p_text(rejected.iloc[0])}) but the {other} test does not: jointly, the scores are not quite normal, so compare the ML results with the robust checks of notebook 05."


def outliers(outlier_table: pd.DataFrame) -> str:
    """Whether any firm passes the Mahalanobis cut-off."""
    if outlier_table.empty:
        return "No firm passes the cut-off, so none needs a closer look."
    firms = "One firm passes" if len(outlier_table) == 1 else f"{len(outlier_table)} firms pass"
    return f"{firms} the cut-off: look at their answers (`outliers`) to decide whether they are entry errors or genuine but unusual firms before you drop any."


def collinearity(collinearity_table: pd.DataFrame) -> str:
    """How large the VIFs are against the usual warning levels."""
    largest = collinearity_table["vif"].max()
    if largest < 2.5:
        return (
            "Every VIF is far below the usual warning levels of 5 (or 10), even when all three predictors are "
            "put into one equation: collinearity is no problem in these data. (The paper says the same of its "
            "own data, but did not print its VIFs.)"
        )
    high = collinearity_table[collinearity_table["vif"] >= 5]
    if high.empty:
        return f"Every VIF is below the usual warning level of 5 (the largest is {largest:.2f}), though not by much; collinearity is no serious problem here."
    return (
        "VIF reaches 5 or more for "
        + listing(f"{row.predictor} in {row.equation} ({row.vif:.2f})" for row in high.itertuples())
        + ": these coefficients are estimated imprecisely because their predictors overlap."
    )


def _floor2(x: float) -> float:
    return math.floor(x * 100) / 100


def _ceil2(x: float) -> float:
    return math.ceil(x * 100) / 100


def reliability(reliability_table: pd.DataFrame, items: pd.DataFrame) -> str:
    """The range of α and ω, their intervals, items that lower α, weak items and the
    reverse-worded items."""
    both = pd.concat([reliability_table["alpha"], reliability_table["omega_total"]])
    text = f"All α and ω are between {number(_floor2(both.min()))} and {number(_ceil2(both.max()))}, "
    weak = reliability_table[reliability_table["alpha_ci_lower"] < 0.70]
    if weak.empty:
        text += "with confidence intervals above the usual .70 threshold."
    else:
        text += (
            "but the confidence interval of "
            + listing(
                f"{ABBREVIATION[row.construct]} reaches down to {number(row.alpha_ci_lower, 3)}"
                for row in weak.itertuples()
            )
            + ", below the usual .70."
        )
    merged = items.merge(reliability_table[["construct", "alpha"]], on="construct")
    raising = merged[merged["alpha_if_deleted"] > merged["alpha"]]
    if raising.empty:
        text += " No item would raise α if it were deleted."
    else:
        text += (
            " Deleting "
            + listing(
                f"{row.item} would raise the α of {ABBREVIATION[row.construct]} from {number(row.alpha, 3)} to {number(row.alpha_if_deleted, 3)}"
                for row in raising.itertuples()
            )
            + "."
        )
    low = items[items["corrected_item_total_r"] <= 0.6].sort_values("corrected_item_total_r")
    if low.empty:
        text += " Every corrected item–total correlation (the item against the mean of the *other* items) is above .6."
    else:
        are = "correlations are" if len(low) > 1 else "correlation is"
        text += (
            f" {len(low)} corrected item–total {are} at or below .6 (the item against the mean of the *other* items): "
            + ", ".join(f"{row.item} {number(row.corrected_item_total_r, 3)}" for row in low.itertuples())
            + "."
        )
    reverse_fit = True
    for row in merged[merged["reverse_worded"]].itertuples():
        others = items[(items["construct"] == row.construct) & ~items["reverse_worded"]][
            "corrected_item_total_r"
        ]
        reverse_fit &= row.corrected_item_total_r >= others.min() - 0.10 and row.alpha_if_deleted <= row.alpha
    if reverse_fit:
        text += " The reverse-worded items behave like the others once they are recoded."
    else:
        text += " At least one reverse-worded item fits worse than the others: check its recoding and whether the firms read its wording."
    return text


def correlations(correlation_pairs: pd.DataFrame) -> str:
    """The correlations the model must explain without a direct path, and the IT–GL one."""
    pairs = correlation_pairs.set_index("pair")
    table = networking_outcome_correlations(correlation_pairs)
    names = [ins.construct(key).label.lower() for key in table["outcome"]]
    first = (
        "Note two of them. The model has no direct path from PCDP to the three outcomes: it says PCDP's "
        "links with them run entirely through international trade and global logistics. Through those "
        "two, it implies r = "
        + listing(f"{number(r)} with {name}" for r, name in zip(table["implied"], names))
        + "; the observed correlations are "
        + listing(number(r) for r in table["r"])
        + "."
    )
    visible = pd.Series(
        [number(r) != number(i) for r, i in zip(table["r"], table["implied"])], index=table.index
    )
    exceeding = table[(table["excess"] > 0) & visible].sort_values("excess", ascending=False).head(2)
    if exceeding.empty:
        first += " None is visibly larger than the model implies."
    else:
        most = listing(
            f"{ins.construct(row.outcome).label.lower()} ({number(row.r)} against {number(row.implied)})"
            for row in exceeding.itertuples()
        )
        if len(exceeding) > 1:
            first += f" The observed r exceeds the implied one most for {most}."
        else:
            first += f" Only for {most} is the observed r visibly above the implied one."
    first += " The fit tests in notebook 04 check whether such gaps are more than chance."
    mediators = pairs.loc["IT – GL"]
    implied = pairs.loc["PCDP – IT", "r"] * pairs.loc["PCDP – GL", "r"]
    if abs(mediators["r"] - implied) < 0.05 and abs(mediators["r"]) < 0.3:
        second = "International trade and global logistics correlate only weakly, about as much as their common predictor, PCDP, implies."
    else:
        inside = mediators["ci_lower"] <= implied <= mediators["ci_upper"]
        verdict = (
            "the interval includes that value, so the gap may be chance."
            if inside
            else "the interval excludes it, so something besides PCDP links them (the model leaves their residual correlation out)."
        )
        second = (
            f"International trade and global logistics correlate r = {number(mediators['r'])} (95 % CI "
            f"{number(mediators['ci_lower'])} to {number(mediators['ci_upper'])}), while PCDP alone would imply "
            f"{number(pairs.loc['PCDP – IT', 'r'])} × {number(pairs.loc['PCDP – GL', 'r'])} = {number(implied)}; {verdict}"
        )
    return f"{first} {second}"


def summary_table(
    normality: pd.DataFrame,
    mardia_table: pd.DataFrame,
    outlier_table: pd.DataFrame,
    collinearity_table: pd.DataFrame,
    reliability_table: pd.DataFrame,
    source: SurveySource,
) -> str:
    """The lesson's closing table: each claim or check and its result on this survey, with a note
    on what the results can say about the paper's own data (nothing: its answers were never
    published; on the shipped data they describe the generator's assumed answers)."""
    total = len(normality)
    ks, lilliefors, shapiro = (_rejected(normality, c) for c in ("ks_p", "lilliefors_p", "shapiro_p"))
    if ks:
        ks_row = (
            f"not on this survey: even the uncorrected KS test rejects {len(ks)} of the {total} constructs"
        )
    else:
        lilliefors_part = (
            "Lilliefors rejects every construct"
            if len(lilliefors) == total
            else (
                f"Lilliefors rejects {', '.join(lilliefors)}"
                if lilliefors
                else "Lilliefors rejects nothing either"
            )
        )
        ks_row = (
            f"the uncorrected KS test rejects nothing (which does not confirm normality); {lilliefors_part}"
        )
    if shapiro:
        which = "every construct" if len(shapiro) == total else ", ".join(shapiro)
        shapiro_row = f"not on this survey: Shapiro–Wilk rejects {which}"
    else:
        shapiro_row = "Shapiro–Wilk rejects no construct (which does not confirm normality)"
    flagged = _flagged(normality)
    if _largest_shape(normality) >= 1:
        shape_row = f"not small: skewness {normality['skewness'].min():.2f} to {normality['skewness'].max():.2f}, kurtosis {normality['kurtosis'].min():.2f} to {normality['kurtosis'].max():.2f}"
    elif flagged.empty:
        shape_row = "small; no construct with a z beyond ±1.96"
    elif len(flagged) == 1 and abs(flagged["skewness_z"].iloc[0]) > Z:
        shape_row = "small; one construct slightly skewed"
    else:
        shape_row = f"small; {len(flagged)} construct(s) with a z beyond ±1.96"
    p = _mardia_p(mardia_table)
    mardia_row = (
        "not rejected"
        if (p >= ALPHA).all()
        else (
            "rejected"
            if (p < ALPHA).all()
            else f"{p.idxmin().replace('multivariate ', '')} rejected, the other not"
        )
    )
    outlier_row = "none" if outlier_table.empty else f"{len(outlier_table)} firm(s) beyond the cut-off"
    largest = collinearity_table["vif"].max()
    vif_row = "all well below 5" if largest < 2.5 else ("all below 5" if largest < 5 else "some at 5 or more")
    both = pd.concat([reliability_table["alpha"], reliability_table["omega_total"]])
    reliability_row = f"α and ω ≥ {number(_floor2(both.min()))} for every scale"
    weak = reliability_table[reliability_table["alpha_ci_lower"] < 0.70]
    if not weak.empty:
        reliability_row += (
            f"; the α interval of {', '.join(ABBREVIATION[k] for k in weak['construct'])} reaches below .70"
        )
    rows = [
        ('normality "confirmed" by KS', ks_row),
        ('normality "confirmed" by Shapiro–Wilk', shapiro_row),
        ("skewness, kurtosis", shape_row),
        ("multivariate normality (Mardia)", mardia_row),
        ("multivariate outliers", outlier_row),
        ("VIF", vif_row),
        ("reliability", reliability_row),
    ]
    table = [
        "| claim or check | result on this survey |",
        "| --- | --- |",
        *(f"| {a} | {b} |" for a, b in rows),
    ]
    if source.shipped:
        note = (
            "On the shipped data every row describes the kit's synthetic answers, drawn from the generator's "
            "assumed answer distributions. The firms' real answers were never published, so no row can say "
            "whether the paper's claims held for its own data."
        )
    else:
        note = "Every row describes this survey, not the paper's data."
    return "\n".join(table) + "\n\n" + note


def estimation_advice(
    normality: pd.DataFrame, mardia_table: pd.DataFrame, outlier_table: pd.DataFrame
) -> str:
    """Whether ML estimation is reasonable on these data, and why."""
    large = _largest_shape(normality) >= 1
    joint = (_mardia_p(mardia_table) < ALPHA).any()
    if not large and not joint and outlier_table.empty:
        return (
            "**For estimation:** ML estimation is a reasonable choice: the departures from normality are small "
            "and Mardia's tests find no clear departure from joint normality."
        )
    why = []
    if large:
        why.append("some scores are clearly skewed or heavy-tailed")
    if joint:
        why.append("Mardia's test rejects joint normality")
    if not outlier_table.empty:
        why.append(f"{len(outlier_table)} firm(s) are multivariate outliers")
    return f"**For estimation:** ML point estimates remain usable, but its standard errors and χ² test are doubtful here because {listing(why)}; give the robust standard errors and bootstrap intervals of notebook 05 the final word."
