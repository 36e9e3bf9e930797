"""Descriptive tables: Table 1 (firm characteristics), Figure 1 (platform use), answer
distributions, construct score summaries and a worked comparison of groups.

Every function returns a tidy DataFrame at full precision; notebooks round for display.
Counts and labels come from the instrument (``helpers.instrument``), published values from
``helpers.published``, so no category, label or published number is typed here.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from scipy import stats

from helpers import instrument as ins
from helpers import published as published_values


def _characteristic(column_or_label: str) -> ins.Characteristic:
    for characteristic in ins.CHARACTERISTICS:
        if column_or_label in (characteristic.column, characteristic.label):
            return characteristic
    known = ", ".join(c.column for c in ins.CHARACTERISTICS)
    raise KeyError(f"unknown firm characteristic {column_or_label!r}; the instrument has: {known}")


def _construct_label(key: str) -> str:
    return ins.construct_labels().get(key, key)


def round_half_up(values: pd.Series | np.ndarray | float, decimals: int = 0) -> np.ndarray:
    """Round halves away from zero (40.5 -> 41), as printed tables do; Python's ``round``
    and numpy round halves to even (40.5 -> 40), which is not how percentages are printed."""
    factor = 10.0**decimals
    return np.floor(np.asarray(values, dtype=float) * factor + 0.5) / factor


# --- Table 1 ----------------------------------------------------------------------------------


def firm_characteristics_table(survey: pd.DataFrame) -> pd.DataFrame:
    """Table 1: one row per characteristic and category, in the instrument's order.

    Columns: ``characteristic`` (the instrument's label, e.g. "Firm Size"), ``category``,
    ``frequency`` (firms) and ``percentage`` (of all firms in ``survey``). Categories nobody
    ticked are kept with frequency 0, as a printed table would show them.
    """
    n = len(survey)
    rows = []
    for characteristic in ins.CHARACTERISTICS:
        counts = (
            survey[characteristic.column]
            .value_counts(sort=False)
            .reindex(list(characteristic.categories), fill_value=0)
        )
        for category, frequency in counts.items():
            rows.append(
                {
                    "characteristic": characteristic.label,
                    "category": category,
                    "frequency": int(frequency),
                    "percentage": 100.0 * frequency / n,
                }
            )
    return pd.DataFrame(rows)


def compare_table1(reproduced: pd.DataFrame, published: pd.DataFrame) -> pd.DataFrame:
    """Reproduced vs published Table 1, cell by cell, and a check of the published percentages.

    ``published_n`` is the sum of the published frequencies of the characteristic (the N the
    printed percentages must refer to). ``published_percentage_mismatch`` is True where the
    printed percentage is not the published count's share rounded half up to a whole number,
    e.g. Manufacturing 77/190 = 40.53% printed as 40. It is computed from the published table
    itself, so it also works for a corrected or different published table.
    """
    keys = ["characteristic", "category"]
    ours = reproduced[[*keys, "frequency", "percentage"]]
    theirs = published[[*keys, "frequency", "percentage"]]
    table = ours.merge(
        theirs, on=keys, how="left", suffixes=("_reproduced", "_published"), validate="one_to_one"
    )
    unmatched = theirs.merge(ours[keys], on=keys, how="left", indicator=True)
    unmatched = unmatched[unmatched["_merge"] == "left_only"]
    if len(unmatched):
        cells = "; ".join(
            f"{c} / {k}" for c, k in zip(unmatched.characteristic, unmatched.category, strict=True)
        )
        raise ValueError(f"published cells with no reproduced counterpart: {cells}")

    table["frequency_difference"] = table["frequency_reproduced"] - table["frequency_published"]
    table["percentage_difference"] = table["percentage_reproduced"] - table["percentage_published"]
    table["published_n"] = table.groupby("characteristic", sort=False)["frequency_published"].transform("sum")
    table["percentage_from_published_count"] = 100.0 * table["frequency_published"] / table["published_n"]
    table["published_percentage_mismatch"] = (
        round_half_up(table["percentage_from_published_count"]) != table["percentage_published"]
    )
    return table[
        [
            *keys,
            "frequency_reproduced",
            "frequency_published",
            "frequency_difference",
            "percentage_reproduced",
            "percentage_published",
            "percentage_difference",
            "published_n",
            "percentage_from_published_count",
            "published_percentage_mismatch",
        ]
    ]


# --- Figure 1 ---------------------------------------------------------------------------------


def platform_use_table(survey: pd.DataFrame) -> pd.DataFrame:
    """Figure 1: firms using each platform, most used first.

    ``share_reported_in_paper`` comes from the instrument; ``published_percentage`` from the
    paper's text where it states a share (NaN otherwise, e.g. YouTube is only called "the most
    popular" content-sharing platform). Ties keep the instrument's order.
    """
    n = len(survey)
    stated = published_values.platform_use().set_index("platform")["percentage"]
    rows = [
        {
            "platform": platform.label,
            "firms_using": int(survey[platform.column].sum()),
            "percentage": 100.0 * survey[platform.column].sum() / n,
            "share_reported_in_paper": platform.share_reported_in_paper,
            "published_percentage": float(stated.get(platform.label, np.nan)),
        }
        for platform in ins.PLATFORMS
    ]
    table = pd.DataFrame(rows)
    # A stable sort, so platforms with equal shares stay in questionnaire order.
    return table.sort_values("percentage", ascending=False, kind="stable").reset_index(drop=True)


# --- Answers and scores -----------------------------------------------------------------------


def likert_distribution(survey: pd.DataFrame, construct_key: str) -> pd.DataFrame:
    """Share of each answer 1-5 for every item of one construct, as answered (not recoded).

    Long format, one row per item and answer: ``item``, ``text``, ``reverse_worded``,
    ``answer``, ``answer_label``, ``count``, ``percentage`` (of the item's answers). Reverse-
    worded items are flagged rather than recoded, so the bars show what firms actually ticked.
    """
    rows = []
    for item in ins.construct(construct_key).items:
        answers = survey[item.column]
        counts = answers.value_counts().reindex(list(ins.LIKERT_SCALE), fill_value=0)
        total = int(answers.notna().sum())
        for answer, label in ins.LIKERT_SCALE.items():
            rows.append(
                {
                    "item": item.column,
                    "text": item.text,
                    "reverse_worded": item.reverse,
                    "answer": answer,
                    "answer_label": label,
                    "count": int(counts[answer]),
                    "percentage": 100.0 * counts[answer] / total,
                }
            )
    return pd.DataFrame(rows)


def firm_agreement(survey: pd.DataFrame, construct_key: str) -> pd.Series:
    """Per firm, the share (0-1) of a construct's items answered 4 or 5 ("agree"), over the
    items as worded: reverse-worded items are left out, since agreeing with them means the
    opposite. Blank answers are skipped."""
    columns = [item.column for item in ins.construct(construct_key).items if not item.reverse]
    return (survey[columns] >= 4).where(survey[columns].notna()).mean(axis=1)


def agreement_comparison(survey: pd.DataFrame, reference: str, others: list[str]) -> pd.DataFrame:
    """How much more or less firms agree with each construct in ``others`` than with ``reference``.

    ``share`` is the mean of ``firm_agreement`` (in %: the share of agreeing answers, averaged
    over items and firms); ``difference`` is other minus reference, in percentage points, and
    ``se`` its standard error from the firm-by-firm differences (a paired comparison: the same
    firms answered both constructs), SD of the differences over the square root of the number of
    firms. One row per construct, the reference first (its difference and se are 0 and NaN).
    """
    base = firm_agreement(survey, reference)
    rows = [{"construct": reference, "share": 100 * base.mean(), "difference": 0.0, "se": np.nan}]
    for key in others:
        firm_differences = (firm_agreement(survey, key) - base).dropna()
        rows.append(
            {
                "construct": key,
                "share": 100 * firm_agreement(survey, key).mean(),
                "difference": 100 * firm_differences.mean(),
                "se": 100 * firm_differences.std(ddof=1) / np.sqrt(len(firm_differences)),
            }
        )
    return pd.DataFrame(rows)


def construct_descriptives(scores: pd.DataFrame) -> pd.DataFrame:
    """One row per construct score: n, mean, SD, median, min, max, skewness, kurtosis.

    SD divides by n - 1. Skewness and kurtosis are the bias-corrected sample estimators G1 and
    G2 (excess kurtosis, 0 for a normal distribution) that SPSS, jamovi and Excel report
    (Joanes & Gill 1998, "type 2"); they come from ``scipy.stats.skew/kurtosis(bias=False)``.
    """
    rows = []
    for key in scores.columns:
        values = scores[key].dropna().to_numpy(dtype=float)
        rows.append(
            {
                "construct": key,
                "label": _construct_label(key),
                "n": len(values),
                "mean": values.mean(),
                "sd": values.std(ddof=1),
                "median": np.median(values),
                "min": values.min(),
                "max": values.max(),
                "skewness": stats.skew(values, bias=False),
                "kurtosis": stats.kurtosis(values, fisher=True, bias=False),
            }
        )
    return pd.DataFrame(rows)


# --- A worked exploration: construct scores by firm group -------------------------------------


def scores_by_group(
    scores: pd.DataFrame, survey: pd.DataFrame, characteristic: str, confidence: float = 0.95
) -> pd.DataFrame:
    """Construct means per category of a firm characteristic (e.g. ``"firm_size"``).

    Long format: ``characteristic`` (label), ``group``, ``construct``, ``label``, ``n``,
    ``mean``, ``sd``, ``se`` and a t-based confidence interval of the mean (``ci_lower``,
    ``ci_upper``; NaN for a group of one firm). Categories with no firms are left out.
    """
    spec = _characteristic(characteristic)
    groups = survey.loc[scores.index, spec.column]
    rows = []
    for group in spec.categories:
        members = scores[groups == group]
        if members.empty:
            continue
        for key in scores.columns:
            values = members[key].dropna()
            n, mean, sd = len(values), values.mean(), values.std(ddof=1)
            se = sd / np.sqrt(n) if n > 1 else np.nan
            # t quantile times SE (not stats.t.interval, which returns NaN when all answers agree)
            half_width = stats.t.ppf(0.5 + confidence / 2, n - 1) * se if n > 1 else np.nan
            rows.append(
                {
                    "characteristic": spec.label,
                    "group": group,
                    "construct": key,
                    "label": _construct_label(key),
                    "n": n,
                    "mean": mean,
                    "sd": sd,
                    "se": se,
                    "ci_lower": mean - half_width,
                    "ci_upper": mean + half_width,
                }
            )
    return pd.DataFrame(rows)


GROUP_TEST_COLUMNS = [
    "characteristic", "construct", "label", "groups_tested", "groups_left_out", "test",
    "statistic", "df_numerator", "df", "p", "effect_size", "effect_size_measure",
]  # fmt: skip


def group_difference_tests(
    scores: pd.DataFrame, survey: pd.DataFrame, characteristic: str, min_group_size: int = 5
) -> pd.DataFrame:
    """Do construct means differ between the categories of a firm characteristic?

    Welch's t-test for two groups (pingouin ``ttest(correction=True)``, effect size Cohen's d)
    and Welch's ANOVA for more (pingouin ``welch_anova``, effect size partial eta squared);
    neither assumes equal variances, which matters with groups as unequal as 174 vs 16 firms.
    Categories with fewer than ``min_group_size`` firms are left out of the test (their means
    are too unstable to compare) and named in ``groups_left_out``; with fewer than two groups
    left, every row says so in ``test`` and its numbers are NaN (the columns stay the same). ``df`` is Welch's
    (denominator) degrees of freedom; ``df_numerator`` is k - 1 for the ANOVA, NaN for t.
    """
    import pingouin as pg  # slow to import (~1 s); only the group tests need it

    spec = _characteristic(characteristic)
    groups = survey.loc[scores.index, spec.column]
    sizes = groups.value_counts()
    kept = [g for g in spec.categories if sizes.get(g, 0) >= min_group_size]
    left_out = [g for g in spec.categories if 0 < sizes.get(g, 0) < min_group_size]
    rows = []
    for key in scores.columns:
        row = {
            "characteristic": spec.label,
            "construct": key,
            "label": _construct_label(key),
            "groups_tested": ", ".join(kept),
            "groups_left_out": ", ".join(left_out),
        }
        if len(kept) < 2:
            rows.append({**row, "test": "none (fewer than two groups large enough)"})
            continue
        if len(kept) == 2:
            first, second = (scores.loc[groups == g, key].dropna() for g in kept)
            result = pg.ttest(first, second, correction=True).iloc[0]
            row |= {
                "test": "Welch t",
                "statistic": result["T"],
                "df_numerator": np.nan,
                "df": result["dof"],
                "p": result["p_val"],
                "effect_size": result["cohen_d"],
                "effect_size_measure": "Cohen's d",
            }
        else:
            data = pd.DataFrame({"score": scores[key], "group": groups.astype(str)})
            data = data[data["group"].isin(kept)].dropna()
            result = pg.welch_anova(data=data, dv="score", between="group").iloc[0]
            row |= {
                "test": "Welch ANOVA",
                "statistic": result["F"],
                "df_numerator": result["ddof1"],
                "df": result["ddof2"],
                "p": result["p_unc"],
                "effect_size": result["np2"],
                "effect_size_measure": "partial eta squared",
            }
        rows.append(row)
    # the same columns whatever was tested: with one group large enough, NaN and the reason in "test"
    return pd.DataFrame(rows).reindex(columns=GROUP_TEST_COLUMNS)
