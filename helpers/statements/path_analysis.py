"""Lesson 04's sentences about the fitted path model: the model test, the fit indices, the
hypotheses, R², the orthogonal variant and the comparison with the published tables."""

from __future__ import annotations

import pandas as pd

from helpers import instrument as ins
from helpers import paper_model
from helpers.statements import ALPHA, capitalized, listing, number, p_text
from helpers.survey import SurveySource

NUMBER_WORDS = {3: "three", 4: "four", 7: "seven"}
NOT_PROOF = (
    "Failing to reject is not proof that the model is right: other models may fit as well, and a test on "
    "so few df, with a sample of a few hundred firms or fewer, has little power to detect a moderate misspecification."
)
SRMR = "**SRMR**, the root mean square of the standardized residual covariances,"


def construct_name(key: str) -> str:
    """'Market reach', 'Innovation & agility': a construct's label as it reads in a sentence."""
    label = ins.construct_labels()[key]
    return label[:1] + label[1:].lower()


def _user_and_baseline(table2: pd.DataFrame) -> tuple[pd.Series, pd.Series]:
    models = table2.set_index("model")
    return models.loc["User Model"], models.loc["Baseline Model"]


def model_test(table2: pd.DataFrame) -> str:
    """How to read Table 2: is the user model rejected, and is the baseline?"""
    user, baseline = _user_and_baseline(table2)
    chi, df, p = user["chi_square"], int(user["df"]), user["p"]
    restrictions = f"the {NUMBER_WORDS.get(df, df)} restrictions"
    if p >= ALPHA and chi <= df:
        first = (
            f"The user model's χ² is small for its df (p ≈ {number(p)}): {restrictions} are compatible with the "
            f"data. {NOT_PROOF}"
        )
    elif p >= ALPHA:
        first = (
            f"The user model's χ² ({chi:.2f}) is larger than its df ({df}) but not significant ({p_text(p)}): "
            f"the data do not reject {restrictions}. {NOT_PROOF}"
        )
    else:
        first = (
            f"The user model's χ² ({chi:.2f}) is large for its df ({df}, {p_text(p)}): the data reject "
            f"{restrictions}, so the model does not reproduce the observed covariances within sampling error."
        )
    base_chi, base_df, base_p = baseline["chi_square"], int(baseline["df"]), baseline["p"]
    if base_p < ALPHA and base_chi > 10 * base_df:
        second = (
            "The baseline χ² is huge, because the constructs are clearly related, and this is what makes "
            "incremental indices such as CFI meaningful."
        )
    elif base_p < ALPHA:
        second = (
            f"The baseline χ² ({base_chi:.2f} on {base_df} df, {p_text(base_p)}) is significant, because the "
            "constructs are related, and this is what makes incremental indices such as CFI meaningful."
        )
    else:
        second = (
            f"The baseline χ² ({base_chi:.2f} on {base_df} df, {p_text(base_p)}) is not significant: these data "
            "cannot show that the constructs are related at all, so incremental indices such as CFI mean little here."
        )
    return f"{first} {second}"


def fit_indices(table2: pd.DataFrame, table3: pd.DataFrame, table4: pd.DataFrame, n_firms: int) -> str:
    """How to read Tables 3 and 4: RMSEA with its interval, SRMR, and CFI beside TLI and RNI."""
    user, _ = _user_and_baseline(table2)
    chi, df = user["chi_square"], int(user["df"])
    absolute = table3.set_index("measure")["value"]
    incremental = table4.set_index("measure")["value"]
    rmsea, lower, upper = absolute["rmsea"], absolute["rmsea_ci_lower"], absolute["rmsea_ci_upper"]
    if rmsea < 0.0005:
        first = "**RMSEA** (misfit per degree of freedom) is 0 here because χ² < df."
    else:
        first = f"**RMSEA** (misfit per degree of freedom) is {number(rmsea, 3)} here, because χ² ({chi:.2f}) exceeds df ({df})."
    width = f"Its width depends on df and N together: the fewer of either, the wider it is (here {df} df and {n_firms} firms)."
    if lower < 0.0005:
        interval = f"Its 90 % interval runs from 0 up to {number(upper, 3)}. {width}"
    else:
        interval = f"Its 90 % interval runs from {number(lower, 3)} to {number(upper, 3)}, wholly above zero. {width}"
    note = (
        '(lavaan computes a 90 % interval; the paper\'s "95 % CI" heading most likely comes from '
        "jamovi, which heads lavaan's interval with its parameter-CI level: lesson 06 and "
        "[Appendix A](appendix/lavaan_and_jamovi.ipynb), which shows the jamovi source.)"
    )
    srmr = absolute["srmr"]
    if srmr < 0.02:
        srmr_text = f"{SRMR} is below .02."
    else:
        limit = "under the usual .08 limit" if srmr < 0.08 else "above the usual .08 limit for a good fit"
        srmr_text = f"{SRMR} is {number(srmr, 3)}, {limit}."
    cfi, tli, rni = incremental["cfi"], incremental["tli"], incremental["rni"]
    tli_text = (
        f"**TLI** ({number(tli, 3)}) compares χ²/df, the misfit per degree of freedom, of the model and the "
        "baseline, so it charges a model for the df it spends; it is not truncated either."
    )
    if cfi >= 0.9995:
        cfi_text = (
            f"**CFI** is 1 (it is truncated at 1). **RNI** ({number(rni, 3)}) is CFI without the truncation, so "
            f"it exceeds 1 when χ² < df. {tli_text}"
        )
    else:
        same = (
            "equals CFI here, as no truncation applies" if abs(rni - cfi) < 0.0005 else f"is {number(rni, 3)}"
        )
        cfi_text = f"**CFI** is {number(cfi, 3)}, below 1 because χ² exceeds df. **RNI**, CFI without truncation, {same}. {tli_text}"
    return "\n".join(f"- {bullet}" for bullet in (f"{first} {interval} {note}", srmr_text, cfi_text))


def semopy_statistics(side_by_side: pd.DataFrame) -> str:
    """Which of semopy's ``calc_stats`` agree with lavaan's measures on this survey, and which
    differ (``helpers.semopy_comparison.statistics_side_by_side``)."""
    agree = side_by_side[side_by_side["agree"]]
    differ = side_by_side[~side_by_side["agree"]]
    if differ.empty:
        return "semopy's statistics agree with lavaan's on every row."
    text = (
        f"On these data semopy agrees with lavaan on {listing(agree.index) or 'no statistic'} and differs on "
        f"{listing(differ.index)}."
    )
    if "DoF" in differ.index:
        row = differ.loc["DoF"]
        text += f" Its df is {row['semopy']:.0f} against lavaan's {row['lavaan']:.0f}."
    bounds = []
    if "RMSEA" in agree.index and abs(agree.loc["RMSEA", "lavaan"]) < 1e-12:
        bounds.append("RMSEA agrees only because both versions are 0 when χ² is below the df")
    if "chi2 p-value" in agree.index and agree.loc["chi2 p-value", "lavaan"] < 0.001:
        bounds.append("the p-values agree only because both are close to 0")
    if bounds:
        text += f" ({capitalized(listing(bounds))}.)"
    return text


def hypotheses(table5: pd.DataFrame, table2: pd.DataFrame) -> str:
    """Which hypotheses Table 5 supports (a positive path with p < .05), and a caution when the
    model itself is rejected."""
    supported = table5["decision"] == "Supported"
    k, n = int(supported.sum()), len(table5)
    if k == n:
        text = "Every path is positive and significant at α = .05, so all eight hypotheses are supported, as in the paper."
    else:
        missing = [
            f"{row.hypothesis} ({row.path}, β = {number(row.beta)}, {p_text(row.p)})"
            for row in table5[~supported].itertuples()
        ]
        supported_text = "none of the eight hypotheses is" if k == 0 else f"{k} of the eight hypotheses are"
        text = (
            f"{k} of the {n} paths are positive and significant at α = .05, so {supported_text} supported "
            f"(the paper supported all eight). Not supported: {listing(missing)}."
        )
        opposite = table5[table5["decision"].str.contains("opposite")]
        if len(opposite):
            verb = "is" if len(opposite) == 1 else "are"
            text += f" {listing(opposite['hypothesis'])} {verb} significant in the direction opposite to the hypothesis."
    user, _ = _user_and_baseline(table2)
    if user["p"] < ALPHA:
        text += " But the model itself is rejected (Table 2), so these paths are estimated in a model that does not fit the data."
    return text


def explained_variance(r_squared: pd.Series) -> str:
    """Which endogenous construct the model explains best and which least."""
    best, least = r_squared.idxmax(), r_squared.idxmin()
    top = r_squared[best]
    if 0.4 <= top < 0.5:
        share = "almost half its variance"
    elif top >= 0.5:
        share = "more than half its variance"
    else:
        share = f"{top:.0%} of its variance"
    unexplained = 100 * (1 - r_squared[least])
    left = "more than 99 %" if unexplained >= 99 else f"more than {int(unexplained // 10 * 10)} %"
    return (
        f"{construct_name(best)} is explained best ({share}). {construct_name(least)} is explained least: "
        f"the model leaves {left} of its variance unexplained."
    )


def orthogonal_variant(orthogonal_table2: pd.DataFrame, table2: pd.DataFrame) -> str:
    """Is the variant with uncorrelated outcome residuals rejected, and what follows."""
    user, _ = _user_and_baseline(orthogonal_table2)
    chi, df, p = user["chi_square"], int(user["df"]), user["p"]
    if p < 0.01:
        text = (
            f"With df = {df}, the orthogonal model is clearly rejected: the outcomes share variance that IT and GL "
            "do not explain. This is why lavaan's default of correlated outcome residuals matters, and why a "
            "replication has to state which variant it fitted."
        )
    elif p < ALPHA:
        text = (
            f"With df = {df}, the orthogonal model is rejected at α = .05, though not by much (χ² = {chi:.2f}, "
            f"{p_text(p)}): the outcomes share some variance that IT and GL do not explain. So lavaan's default of "
            "correlated outcome residuals matters, and a replication has to state which variant it fitted."
        )
    else:
        text = (
            f"With df = {df}, the orthogonal model is not rejected (χ² = {chi:.2f}, {p_text(p)}): on these data the "
            "outcomes' residual correlations are not needed. A replication still has to state which variant it "
            "fitted, because on other data the choice can decide the model test."
        )
    paper, _ = _user_and_baseline(table2)
    if paper["p"] < ALPHA:
        text += " (The paper's model, with correlated outcomes, is rejected too: see Table 2.)"
    return text


def published_comparison(comparison: pd.DataFrame, source: SurveySource) -> str:
    """What the β and the χ² of the comparison with Tables 2-5 show, for this survey."""
    rows = comparison.set_index("quantity")
    betas = rows[rows.index.str.endswith(": beta")]
    matching = int((betas["verdict"] == "matches at reported precision").sum())
    chi = rows.loc["User Model: chi_square"]
    chi_matches = chi["verdict"] == "matches at reported precision"
    if source.shipped and matching == len(betas) and chi_matches:
        return (
            "The eight β of Table 5 match, because the synthetic data were built for that purpose. The user-model "
            "χ² was a target too: it comes within 0.005 of the published value, so it equals "
            f"{chi['published']:.2f} at the two printed decimals. {two_predictor_p_values(comparison)}"
        ).strip()
    how_many = "none" if matching == 0 else f"{matching}"
    return (
        f"On this survey {how_many} of the eight β of Table 5 equal the published ones at the printed precision, "
        f"and the user-model χ² is {chi['reproduced']:.2f} against the published {chi['published']:.2f}. These "
        "numbers describe your firms; they are not a replication check."
    )


def two_predictor_p_values(comparison: pd.DataFrame) -> str:
    """How the published p-values of the paths into the outcomes (two predictors each: IT and GL)
    compare with the reproduced ones. Their β match on the shipped data, but with two predictors
    p also depends on the predictors' correlation, so β and N alone do not fix it."""
    rows = comparison.set_index("quantity")
    outcome_paths = [h.code for h in paper_model.HYPOTHESES if not h.code.startswith("H1")]
    differing = [
        code
        for code in outcome_paths
        if f"{code}: p" in rows.index and rows.loc[f"{code}: p", "verdict"] != "matches at reported precision"
    ]
    if not differing:
        return "The p-values of the paths into the outcomes match as well."
    pieces, directions = [], set()
    for code in differing:
        row = rows.loc[f"{code}: p"]
        smaller = row["published"] < row["reproduced"]
        directions.add(smaller)
        side = "smaller" if smaller else "larger"
        pieces.append(
            f"{code} (published {p_value(row['published'])}, reproduced {p_value(row['reproduced'])}: the paper's is {side})"
        )
    both = " in both directions" if len(directions) == 2 else ""
    return (
        f"With the same β, the published p-values of {listing(pieces)} differ from the reproduced ones{both}."
    )


def p_value(p: float) -> str:
    """'.016', '< .001': a p-value as the tables print it."""
    return "< .001" if p < 0.0005 else number(p, 3)


def what_this_means(table2: pd.DataFrame, table5: pd.DataFrame, source: SurveySource) -> str:
    """The lesson's conclusion about the analysed data (the rest of it is about the paper)."""
    user, _ = _user_and_baseline(table2)
    supported = int((table5["decision"] == "Supported").sum())
    if source.shipped and user["p"] >= ALPHA and supported == len(table5):
        return "On data that match the published coefficients, the paper's model fits well and supports all eight hypotheses."
    verdict = "is not rejected" if user["p"] >= ALPHA else "is rejected"
    support = "all eight hypotheses" if supported == len(table5) else f"{supported} of the eight hypotheses"
    return f"On this survey the paper's model {verdict} by its model test ({p_text(user['p'])}) and supports {support}."


__all__ = [
    "explained_variance",
    "fit_indices",
    "hypotheses",
    "model_test",
    "orthogonal_variant",
    "published_comparison",
    "semopy_statistics",
    "what_this_means",
]
